"""The ``leadscout`` command: parse flags, call the Python API, print. No SQL here.

Every user mistake ends as one red line and exit code 2; ``-v`` shows tracebacks.
``--json`` output is stable (documented in the README): scripts parse it.
One module per command group; each registers its commands on the shared app when imported.
"""

from __future__ import annotations

import sys

import psycopg
import psycopg_pool
from procrastinate.exceptions import ConnectorException as ProcrastinateConnectorError

from leadscout import logs

# the order of these imports is the order of `leadscout --help`
# isort: off
from leadscout.cli import (  # noqa: F401  importing a command group registers its commands
    runs,
    extract,
    servers,
    workers,
    lists,
    outbox,
    webhooks,
    monitors,
    hubspot,
    database,
    pms,
    sandbox,
    bench,
)

# isort: on
from leadscout.cli.common import STATE, app, err, log
from leadscout.db import outage
from leadscout.errors import ConfigError, LeadscoutError, UserError

__all__ = ["app", "main"]


# -- entry point ------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    try:
        app(args=argv, prog_name="leadscout")  # usage errors are printed by typer (exit 2)
    except LeadscoutError as exc:
        if STATE["verbose"]:
            err.print_exception()
        err.print(f"[red]error:[/] {exc}")
        if not isinstance(exc, UserError | ConfigError):  # not the user's mistake: keep the story
            log.error("command failed", exc_info=exc, extra=logs.FILE_ONLY)
            if where := logs.current_file():
                err.print(f"  details: {where}")
        sys.exit(exc.exit_code)
    except (psycopg.Error, psycopg_pool.PoolTimeout, ProcrastinateConnectorError) as exc:
        if STATE["verbose"]:
            err.print_exception()
        log.error("database error", exc_info=exc, extra=logs.FILE_ONLY)
        where = logs.current_file()
        if outage.is_outage(exc):
            err.print(
                f"[red]error:[/] the database is unreachable or went away: {outage.describe(exc)}\n"
                "  check that PostgreSQL is up (`leadscout db status`) and DATABASE_URL (unset: the embedded "
                "database); runs are saved and resume with `leadscout worker`"
                + (f"\n  details: {where}" if where else "")
            )
        else:
            err.print(
                f"[red]error:[/] the database refused a request: {outage.describe(exc)}\n"
                "  `leadscout db upgrade` applies missing migrations; if that does not help, please report it"
                + (f" with {where}" if where else "")
            )
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted; runs are saved and resume with `leadscout worker`")
        sys.exit(130)


if __name__ == "__main__":
    main()
