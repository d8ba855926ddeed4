"""Apply versioned, ordered migrations. Idempotent and safe when run by many processes
at once: everything happens under one PostgreSQL advisory lock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

import procrastinate
import psycopg
from procrastinate.schema import SchemaManager

_LOCK_KEY = 0x1EAD5C07  # pg_advisory_lock key owned by leadscout migrations
PROCRASTINATE_VERSION = f"procrastinate-{procrastinate.__version__}"


@dataclass(frozen=True)
class Migration:
    version: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def migrations() -> list[Migration]:
    folder = resources.files("leadscout.db").joinpath("migrations")
    files = sorted((p for p in folder.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name)
    return [Migration(p.name.removesuffix(".sql"), p.read_text(encoding="utf-8")) for p in files]


_BOOTSTRAP = """
CREATE SCHEMA IF NOT EXISTS pm_pipeline;
CREATE TABLE IF NOT EXISTS pm_pipeline.schema_migrations (
    version text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
"""


def upgrade(dsn: str) -> list[str]:
    """Bring the database to the latest schema; return the versions applied now. A schema that
    is already current is only read (so a least-privilege worker role can start), and a role
    that may not migrate gets a clear error instead of a half-applied schema."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        if _current(conn):
            return []
        try:
            return _apply(conn)
        except psycopg.errors.InsufficientPrivilege:
            from leadscout.errors import ConfigError

            raise ConfigError(
                "the database schema needs migrations this database role may not apply: "
                "run `leadscout db upgrade` once as the schema owner"
            ) from None


def _current(conn: psycopg.Connection[tuple[object, ...]]) -> bool:
    row = conn.execute("SELECT to_regclass('pm_pipeline.schema_migrations') IS NOT NULL").fetchone()
    if not (row and row[0]):
        return False
    done = {r[0] for r in conn.execute("SELECT version FROM pm_pipeline.schema_migrations")}
    return {PROCRASTINATE_VERSION, *(m.version for m in migrations())} <= done


def _apply(conn: psycopg.Connection[tuple[object, ...]]) -> list[str]:
    applied_now: list[str] = []
    conn.execute("SELECT pg_advisory_lock(%s)", [_LOCK_KEY])
    try:
        conn.execute(_BOOTSTRAP)
        done = {row[0] for row in conn.execute("SELECT version FROM pm_pipeline.schema_migrations")}
        if PROCRASTINATE_VERSION not in done:
            _apply_job_engine_schema(conn)
            applied_now.append(PROCRASTINATE_VERSION)
        for migration in migrations():
            if migration.version in done:
                continue
            with conn.transaction():
                conn.execute(migration.sql.encode())
                conn.execute(
                    "INSERT INTO pm_pipeline.schema_migrations (version, checksum) VALUES (%s, %s)",
                    [migration.version, migration.checksum],
                )
            applied_now.append(migration.version)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])
    return applied_now


def _apply_job_engine_schema(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    exists = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
    with conn.transaction():
        if not (exists and exists[0]):
            conn.execute(SchemaManager.get_schema().encode())
        conn.execute(
            "INSERT INTO pm_pipeline.schema_migrations (version, checksum) VALUES (%s, %s)",
            [PROCRASTINATE_VERSION, "procrastinate"],
        )


def status(dsn: str) -> list[tuple[str, bool]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT to_regclass('pm_pipeline.schema_migrations')").fetchone()
        done: set[str] = set()
        if row and row[0]:
            done = {r[0] for r in conn.execute("SELECT version FROM pm_pipeline.schema_migrations")}
    names = [PROCRASTINATE_VERSION] + [m.version for m in migrations()]
    return [(name, name in done) for name in names]


def grant(dsn: str, role: str, *, create: bool = False) -> None:
    """Grant a least-privilege worker role what workers need (the seed's migration 004)."""
    from psycopg import sql

    with psycopg.connect(dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
        if not exists and create:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        elif not exists:
            from leadscout.errors import NotFound

            raise NotFound(f"role {role!r} does not exist: CREATE ROLE {role} LOGIN first")
        conn.execute("SELECT pm_pipeline.grant_worker_role(%s)", [role])
