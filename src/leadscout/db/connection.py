"""Where the database is, and connection pools to it."""

from __future__ import annotations

import time
import weakref
from pathlib import Path
from typing import Any

from psycopg import AsyncConnection, OperationalError, pq
from psycopg_pool import AsyncConnectionPool

from leadscout.config import Settings, default_data_dir
from leadscout.db import embedded


def data_dir(settings: Settings) -> Path:
    return settings.data_dir or default_data_dir()


def resolve_dsn(settings: Settings) -> str:
    """DATABASE_URL / POSTGRES_URL when set, else the embedded server's DSN."""
    if settings.database_url:
        return settings.database_url
    return embedded.start(data_dir(settings) / "pg")


def describe_dsn(dsn: str) -> str:
    """The DSN without its password, fit for logs and messages."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        parts = conninfo_to_dict(dsn)
    except Exception:
        return "<unparseable DSN>"
    if parts.get("password"):
        parts["password"] = "***"
    return make_conninfo(**parts)  # type: ignore[arg-type]


# A connection back in the pool for less than this is handed out again unpinged: a ping is a
# round trip (and a transaction) per checkout, while a restart leaves connections idle for longer.
CHECK_IDLE_SECONDS = 2.0


class IdleCheck:
    """The pool's ``check`` and ``reset`` pair: ping only a connection idle long enough to have
    outlived a database restart; a connection the server closed is always refused."""

    def __init__(self, idle_seconds: float = CHECK_IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._returned: weakref.WeakKeyDictionary[AsyncConnection, float] = weakref.WeakKeyDictionary()

    async def reset(self, conn: AsyncConnection) -> None:
        self._returned[conn] = time.monotonic()

    async def check(self, conn: AsyncConnection) -> None:
        if conn.closed or conn.pgconn.status != pq.ConnStatus.OK:
            raise OperationalError("the connection is closed")
        if time.monotonic() - self._returned.get(conn, 0.0) >= self.idle_seconds:
            await AsyncConnectionPool.check_connection(conn)


def open_pool(dsn: str, settings: Settings, *, max_size: int = 8) -> AsyncConnectionPool:
    """An (unopened) pool whose connections know the liveness window and reconnect after
    a database restart (``check`` validates a connection idle for a while before handing it out)."""
    dead_after = str(settings.dead_after)
    idle = IdleCheck()

    async def configure(conn: AsyncConnection) -> None:
        await conn.execute("SELECT set_config('leadscout.dead_after_seconds', %s, false)", [dead_after])

    return AsyncConnectionPool(
        dsn,
        min_size=1,
        max_size=max_size,
        kwargs={"autocommit": True},
        configure=configure,
        check=idle.check,
        reset=idle.reset,
        timeout=settings.db_wait,
        open=False,
        name="leadscout",
    )


def engine_pool(**kwargs: Any) -> AsyncConnectionPool:
    """The job engine's pool (procrastinate's ``pool_factory``): procrastinate pings every
    connection on every checkout, an empty query that is one transaction per engine call; this
    pool pings only a connection idle long enough to have outlived a restart, like ours."""
    idle = IdleCheck()
    return AsyncConnectionPool(**{**kwargs, "check": idle.check, "reset": idle.reset})
