"""Where the database is, and connection pools to it."""

from __future__ import annotations

from pathlib import Path

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from leadscout.config import Settings
from leadscout.db import embedded


def data_dir(settings: Settings) -> Path:
    return settings.data_dir or embedded.default_data_dir()


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


def open_pool(dsn: str, settings: Settings, *, max_size: int = 8) -> AsyncConnectionPool:
    """An (unopened) pool whose connections know the liveness window and reconnect after
    a database restart (``check`` validates a connection before handing it out)."""
    dead_after = str(settings.dead_after)

    async def configure(conn: AsyncConnection) -> None:
        await conn.execute("SELECT set_config('leadscout.dead_after_seconds', %s, false)", [dead_after])

    return AsyncConnectionPool(
        dsn,
        min_size=1,
        max_size=max_size,
        kwargs={"autocommit": True},
        configure=configure,
        check=AsyncConnectionPool.check_connection,
        timeout=settings.db_wait,
        open=False,
        name="leadscout",
    )
