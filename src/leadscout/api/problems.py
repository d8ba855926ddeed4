"""Errors as RFC 9457 problem details (``application/problem+json``): a caller's mistake gets a
clear title and detail, never a traceback; an unexpected failure is a 500 with a reference
that is also in the server log."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import psycopg
import psycopg_pool
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from procrastinate.exceptions import ConnectorException
from starlette.exceptions import HTTPException as StarletteHTTPException

from leadscout.db import outage
from leadscout.errors import (
    BudgetExceeded,
    ConfigError,
    Conflict,
    InvalidCriteria,
    LeadscoutError,
    NotFound,
    TransientError,
    UserError,
)

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str = "", **extra: Any) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra


def problem_response(status: int, title: str, detail: str = "", **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


STATUS_OF: list[tuple[type[LeadscoutError], int, str]] = [
    (NotFound, 404, "Not found"),
    (InvalidCriteria, 422, "Invalid criteria"),
    (Conflict, 409, "Conflict"),
    (UserError, 400, "Bad request"),
    (BudgetExceeded, 402, "Budget exceeded"),
    (ConfigError, 503, "Not configured"),
    (TransientError, 503, "Temporarily unavailable"),
]


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.title, exc.detail, **exc.extra)

    @app.exception_handler(LeadscoutError)
    async def _leadscout(request: Request, exc: LeadscoutError) -> JSONResponse:
        for kind, status, title in STATUS_OF:
            if isinstance(exc, kind):
                return problem_response(status, title, str(exc))
        return _unexpected(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body") or "body", "message": str(e["msg"])}
            for e in exc.errors()
        ][:50]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem_response(422, "Invalid request", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(exc.status_code, _TITLES.get(exc.status_code, "Error"), str(exc.detail or ""))

    # registered by class, so they answer inside the app (an `Exception` handler would also re-raise)
    for database_error in (psycopg.Error, psycopg_pool.PoolTimeout, ConnectorException):

        @app.exception_handler(database_error)
        async def _database(request: Request, exc: Exception) -> JSONResponse:
            if outage.is_outage(exc):
                return database_unavailable(request, exc)
            return _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        return _unexpected(request, exc)


def database_unavailable(request: Request, exc: BaseException) -> JSONResponse:
    """The database went away (restart, failover): a 503 the client can retry, not a 500."""
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, outage.describe(exc))
    response = problem_response(
        503, "Database unavailable", "the database is restarting or unreachable; retry in a few seconds"
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    reference = uuid.uuid4().hex[:12]
    log.error("unexpected error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
    return problem_response(500, "Internal error", f"something went wrong (reference {reference})")


_TITLES = {400: "Bad request", 401: "Unauthorized", 404: "Not found", 405: "Method not allowed", 413: "Too large"}
