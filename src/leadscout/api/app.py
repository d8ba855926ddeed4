"""The REST API under ``/api/v1``: its app, auth, body limit and in-process workers.

``leadscout serve`` builds the whole server with :func:`leadscout.web.app.create_app` (this API
and the dashboard over one database); in-process workers (``--workers``) work the
runs it starts. Auth is a bearer token (``LEADSCOUT_API_TOKEN``), required whenever the server
listens beyond loopback; the dashboard keeps it in an HttpOnly cookie after a sign-in."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from leadscout.api.deps import Context, ServerConfig
from leadscout.api.monitor_routes import monitors
from leadscout.api.problems import Problem, as_problem_json, install, problem_response
from leadscout.api.routes import health, router
from leadscout.db import migrate
from leadscout.db.connection import open_pool, resolve_dsn
from leadscout.db.store import Store
from leadscout.errors import ConfigError

__all__ = ["Context", "ServerConfig", "check_exposure", "create_api", "serving"]
log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def check_exposure(config: ServerConfig) -> None:
    """A server reachable from other machines must have a token."""
    if config.host not in LOOPBACK and not config.token:
        raise ConfigError(
            f"refusing to listen on {config.host} without LEADSCOUT_API_TOKEN: anyone who can reach it could "
            "start runs and read contacts. Set LEADSCOUT_API_TOKEN, or listen on 127.0.0.1"
        )


class BodyLimit:
    """ASGI middleware: request bodies larger than MAX_BODY get 413 before the app reads them."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            response = problem_response(413, "Too large", f"request bodies are limited to {MAX_BODY} bytes")
            await response(scope, receive, send)
            return
        seen = 0

        async def capped() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise Problem(413, "Too large", f"request bodies are limited to {MAX_BODY} bytes")
            return message

        await self.app(scope, capped, send)


def create_api(config: ServerConfig) -> FastAPI:
    check_exposure(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = config.settings
        dsn = resolve_dsn(settings)
        await asyncio.to_thread(migrate.upgrade, dsn)
        pool = open_pool(dsn, settings, max_size=8)
        await pool.open(wait=True, timeout=30)
        from leadscout.workers.runner import language_model

        app.state.ctx = Context(config, Store(pool), dsn, language_model(settings))
        worker = _start_workers(config, dsn) if config.workers else None
        try:
            yield
        finally:
            if worker is not None:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await worker
            await pool.close()

    app = FastAPI(
        title="leadscout",
        version="1",
        summary="Verified B2B lead lists of US property-management companies, with evidence.",
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    install(app)
    app.openapi = lambda: app.openapi_schema or _documented(app)  # type: ignore[method-assign]
    app.include_router(health)
    app.include_router(router)
    app.include_router(monitors)
    app.add_middleware(BodyLimit)
    return app


def _documented(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document once, with errors as the problem documents they are."""
    app.openapi_schema = as_problem_json(
        get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
    )
    return app.openapi_schema


def _start_workers(config: ServerConfig, dsn: str) -> asyncio.Task[str | None]:
    from leadscout.workers.runner import WorkerConfig, run_worker_supervised

    settings = config.settings.model_copy(update={"exports_dir": config.exports_dir})
    worker = WorkerConfig(concurrency=config.workers, install_signal_handlers=False)
    return asyncio.create_task(run_worker_supervised(settings, dsn, worker))


@contextlib.contextmanager
def serving(app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` on a real socket in a background thread for the block; yields its base URL
    (tests, benchmarks, embedding)."""
    from leadscout.serving import ThreadedServer

    with ThreadedServer(app, host=host, port=port, name="leadscout-api") as server:
        yield server.url
