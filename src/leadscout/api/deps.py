"""What request handlers of the API and the dashboard depend on: the server's configuration, the
per-server context made at start-up, and the token check. Both ``api.routes`` and ``web.views``
import it; it imports neither."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request

from leadscout.api.problems import Problem
from leadscout.config import Settings
from leadscout.db.store import Store

if TYPE_CHECKING:
    from leadscout.agents.llm import Llm

TOKEN_COOKIE = "leadscout_token"


@dataclass
class ServerConfig:
    settings: Settings
    host: str = "127.0.0.1"
    workers: int = 2  # in-process worker concurrency; 0: none (separate `leadscout worker` processes)
    sandbox_seed: int | None = None  # runs started here research the sandbox web
    sandbox_style: str = "classic"
    exports_dir: Path = Path("exports")
    token: str | None = None


@dataclass
class Context:
    """What every request handler needs, made once at start-up."""

    config: ServerConfig
    store: Store
    dsn: str
    llm: Llm | None
    ready: bool = True
    notes: list[str] = field(default_factory=list)


def context_of(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def require_token(request: Request) -> None:
    """Bearer token (API clients) or the sign-in cookie (the dashboard), when a token is set."""
    token = context_of(request).config.token
    if not token:
        return
    header = request.headers.get("authorization", "")
    given = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    given = given or request.cookies.get(TOKEN_COOKIE, "")
    if not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise Problem(401, "Unauthorized", "send Authorization: Bearer <LEADSCOUT_API_TOKEN>")
