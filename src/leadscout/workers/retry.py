"""Which failures are retried, and when.

Only transient failures are retried: 3 attempts in all, exponential backoff with jitter.
procrastinate counts *retries*, so "3 attempts" is ``max_attempts=2`` (measured: its
``max_attempts=3`` runs a failing job 4 times). Bad input, auth and other permanent
errors are never retried. A job cut off by a graceful shutdown is handed back at once.
"""

from __future__ import annotations

import asyncio
import random

import psycopg
from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate.jobs import Job

from leadscout.errors import PermanentError, TransientError, UserError

ATTEMPTS = 3
MAX_RETRIES = ATTEMPTS - 1


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, (PermanentError, UserError)):
        return False
    return isinstance(exc, (TransientError, psycopg.OperationalError, TimeoutError, ConnectionError))


class TransientRetry(BaseRetryStrategy):
    def __init__(self, base_seconds: float = 2.0, max_retries: int = MAX_RETRIES, cap_seconds: float = 3600.0) -> None:
        self.base_seconds = base_seconds
        self.max_retries = max_retries
        self.cap_seconds = cap_seconds

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, asyncio.CancelledError):  # graceful shutdown: hand the job back
            return RetryDecision(retry_in={"seconds": 0})
        if not is_transient(exception) or job.attempts >= self.max_retries:
            return None
        # procrastinate computes timedelta(**retry_in): float seconds keep the jitter
        return RetryDecision(retry_in={"seconds": self.backoff(job.attempts)})  # type: ignore[call-overload, no-any-return]

    def backoff(self, attempts: int) -> float:
        return float(min(self.cap_seconds, self.base_seconds * (2**attempts)) * random.uniform(0.5, 1.5))

    def is_final(self, exc: BaseException, attempts: int) -> bool:
        """True when this failure ends the job for good (no retry will follow)."""
        return not is_transient(exc) or attempts >= self.max_retries
