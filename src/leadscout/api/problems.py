"""Errors as RFC 9457 problem details (``application/problem+json``): a caller's mistake gets a
clear title and detail, never a traceback; an unexpected failure is a 500 with a reference
that is also in the server log."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any

import psycopg
import psycopg_pool
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from procrastinate.exceptions import ConnectorException
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from leadscout.db import outage
from leadscout.errors import (
    BudgetExceeded,
    ConfigError,
    Conflict,
    InvalidCriteria,
    LeadscoutError,
    NotConfiguredFor,
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


class FieldProblem(BaseModel):
    field: str
    message: str


class ProblemDocument(BaseModel):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldProblem] | None = Field(default=None, description="each invalid field (422 only)")
    reference: str | None = Field(default=None, description="quote it in a report (500 only): it is in the log")


WHEN = {
    400: "The request cannot be acted on as given (the detail says what to change)",
    401: "No or a wrong bearer token",
    404: "No such object",
    409: "The object's state, or this server's configuration, does not allow the request",
    413: f"The body is larger than {64 * 1024} bytes",
    422: "The request is well formed but invalid: a field out of its range, a range upside down, "
    "a sentence with no count (every problem listed)",
    500: "An unexpected failure (the reference is in the server log)",
    503: "The database is restarting or unreachable (retry after Retry-After seconds), or the server is not ready",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, each a problem document."""
    return {status: {"model": ProblemDocument, "description": WHEN[status]} for status in statuses}


def as_problem_json(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with every error response served as ``application/problem+json`` (how
    the handlers below answer), not FastAPI's ``application/json``."""
    for operation in (op for path in schema.get("paths", {}).values() for op in path.values()):
        for response in operation.get("responses", {}).values():
            content = response.get("content", {}).get("application/json", {})
            if str(content.get("schema", {}).get("$ref", "")).endswith("/ProblemDocument"):
                response["content"] = {MEDIA_TYPE: content}
    return schema


def problem_response(
    status: int, title: str, detail: str = "", headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    sent = dict(headers or {}) | ({"WWW-Authenticate": "Bearer"} if status == 401 else {})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=sent or None)


STATUS_OF: list[tuple[type[LeadscoutError], int, str]] = [
    (NotFound, 404, "Not found"),
    (InvalidCriteria, 422, "Invalid criteria"),
    (Conflict, 409, "Conflict"),
    (NotConfiguredFor, 409, "Not configured for this request"),
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
        title = _TITLES.get(exc.status_code, "Error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405 and (documented := allowed_methods(request)):
            headers["Allow"] = ", ".join(documented)
        return problem_response(exc.status_code, title, str(exc.detail or ""), headers=headers)

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


def allowed_methods(request: Request) -> list[str]:
    """The methods the OpenAPI document gives this request's path (every route of it, where the
    router's own 405 names only the one route that matched)."""
    paths: dict[str, dict[str, Any]] = request.app.openapi().get("paths", {})
    if request.url.path in paths:  # a literal path beats a template that would also match it (/runs/parse)
        return sorted(method.upper() for method in paths[request.url.path])
    methods = {
        method.upper()
        for template, operations in paths.items()
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), request.url.path)
        for method in operations
    }
    return sorted(methods)


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
    return problem_response(500, "Internal error", f"something went wrong (reference {reference})", reference=reference)


_TITLES = {400: "Bad request", 401: "Unauthorized", 404: "Not found", 405: "Method not allowed", 413: "Too large"}
