"""The server ``leadscout serve`` runs: the REST API and the dashboard over one database."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from leadscout.api.app import ServerConfig, create_api
from leadscout.web.views import STATIC, install_sign_in, pages


def create_app(config: ServerConfig) -> FastAPI:
    """The REST API (:func:`leadscout.api.app.create_api`) with the dashboard's pages and files."""
    app = create_api(config)
    install_sign_in(app)
    app.include_router(pages)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
