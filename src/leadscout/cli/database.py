"""``leadscout db``: migrations, grants, the embedded server."""

from __future__ import annotations

from typing import Annotated

import typer

from leadscout.cli.common import (
    app,
    cli_settings,
    out,
)
from leadscout.db import migrate
from leadscout.db.connection import describe_dsn, resolve_dsn
from leadscout.errors import UserError

db_app = typer.Typer(help="Database: migrations, grants, the embedded server.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations (idempotent; safe from many processes at once)."""
    settings = cli_settings()
    dsn = resolve_dsn(settings)
    applied = migrate.upgrade(dsn)
    out.print(f"applied: {', '.join(applied)}" if applied else "database is up to date")


@db_app.command("status")
def db_status() -> None:
    """List migrations and whether each is applied."""
    dsn = resolve_dsn(cli_settings())
    out.print(f"database: {describe_dsn(dsn)}")
    for name, done in migrate.status(dsn):
        out.print(f"  {'[green]applied[/]' if done else '[yellow]pending[/]'}  {name}")


@db_app.command("grant")
def db_grant(
    role: Annotated[str, typer.Argument(help="A PostgreSQL role.")],
    create: Annotated[bool, typer.Option("--create", help="Create the role (LOGIN, no password) if missing.")] = False,
) -> None:
    """Grant a least-privilege role exactly what workers need (the seed's migration 004)."""
    dsn = resolve_dsn(cli_settings())
    migrate.upgrade(dsn)
    migrate.grant(dsn, role, create=create)
    out.print(f"granted worker privileges to {role}")


@db_app.command("url")
def db_url() -> None:
    """Print the DSN leadscout uses (starting the embedded server if needed)."""
    out.print(describe_dsn(resolve_dsn(cli_settings())), soft_wrap=True)


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL server (no-op with DATABASE_URL)."""
    from leadscout.db import embedded
    from leadscout.db.connection import data_dir

    settings = cli_settings()
    if settings.database_url:
        raise UserError("DATABASE_URL is set: leadscout does not manage that server")
    out.print("stopped" if embedded.stop(data_dir(settings) / "pg") else "not running")
