"""Which database errors are a passing outage, and waiting for the database to come back.

One source of truth for "the database blinked": a lost or refused connection, an administrator
shutdown or restart, a serialization failure, a deadlock, a lock timeout, a pool that could not
hand out a connection in time. Each of these leaves nothing half-done (PostgreSQL rolled the
statement back, or never got it), so the unit of work that met one is simply run again once
the database answers. Anything else (a constraint violation, a syntax error) is not an outage.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import psycopg
import psycopg_pool

log = logging.getLogger(__name__)
T = TypeVar("T")

# SQLSTATE classes and codes of a passing outage (PostgreSQL appendix A)
OUTAGE_CLASSES = ("08",)  # connection exception
OUTAGE_CODES = {
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
    "55P03",  # lock_not_available
    "57P01",  # admin_shutdown
    "57P02",  # crash_shutdown
    "57P03",  # cannot_connect_now (starting up, shutting down)
    "53300",  # too_many_connections
}
# procrastinate's own functions raise this (SQLSTATE P0001) when a job is no longer the caller's:
# another worker or the stalled-job sweeper settled or recovered it first
TAKEN_OVER_MARK = 'not in "doing"'


def root_cause(exc: BaseException) -> BaseException:
    """The psycopg error under procrastinate's ConnectorException (which wraps every one)."""
    seen = 0
    while exc.__cause__ is not None and seen < 5 and not isinstance(exc, psycopg.Error):
        exc, seen = exc.__cause__, seen + 1
    return exc


def is_outage(exc: BaseException) -> bool:
    """True when ``exc`` (or what it wraps) is a passing database outage."""
    cause = root_cause(exc)
    if isinstance(cause, psycopg_pool.PoolTimeout):
        return True
    if not isinstance(cause, psycopg.Error):
        return False
    code = cause.sqlstate
    if code is None:  # no server answer at all: the connection broke or could not be made
        return isinstance(cause, psycopg.OperationalError | psycopg.InterfaceError)
    return code in OUTAGE_CODES or code[:2] in OUTAGE_CLASSES


def is_taken_over(exc: BaseException) -> bool:
    """True when procrastinate refused to settle a job that is no longer the caller's."""
    cause = root_cause(exc)
    return isinstance(cause, psycopg.errors.RaiseException) and TAKEN_OVER_MARK in str(cause)


def describe(exc: BaseException) -> str:
    """One line for a user or a log: what the database said, with its SQLSTATE when it gave one."""
    cause = root_cause(exc)
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    code = getattr(cause, "sqlstate", None)
    return f"{text} (SQLSTATE {code})" if code else text


async def wait_until_up(
    ping: Callable[[], Awaitable[object]], *, timeout: float, stopping: Callable[[], bool] = lambda: False
) -> bool:
    """Wait until ``ping`` succeeds (True) or ``timeout`` seconds pass or ``stopping()`` (False)."""
    deadline = time.monotonic() + timeout
    delay = 0.2
    while not stopping():
        try:
            await ping()
            return True
        except Exception as exc:  # any trouble reaching it: keep waiting
            log.info("database not back yet: %s", describe(exc))
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 2.0)
    return False


async def through_outages(
    call: Callable[[], Awaitable[T]], ping: Callable[[], Awaitable[object]], *, grace: float, what: str
) -> T:
    """Run ``call``; when the database blinks, wait for it (up to ``grace`` seconds in all) and run
    it again. ``call`` must be safe to repeat. Re-raises when the outage outlasts the grace."""
    deadline = time.monotonic() + grace
    while True:
        try:
            return await call()
        except Exception as exc:
            left = deadline - time.monotonic()
            if not is_outage(exc) or left <= 0:
                raise
            log.warning("%s met a database outage (%s); waiting for the database", what, describe(exc))
            if not await wait_until_up(ping, timeout=left):
                raise


class FailureStreak:
    """Logs the first failure of a streak as a warning and the rest at debug level, so a
    heartbeat or a poll that retries every second says once that the database is away."""

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self.logger, self.what, self.count = logger, what, 0

    def failed(self, exc: BaseException) -> None:
        self.count += 1
        level = logging.WARNING if self.count == 1 else logging.DEBUG
        self.logger.log(level, "%s failed, will retry: %s", self.what, describe(exc))

    def succeeded(self) -> None:
        if self.count:
            self.logger.info("%s works again after %d failed tries", self.what, self.count)
        self.count = 0
