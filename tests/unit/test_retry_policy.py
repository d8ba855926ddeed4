import asyncio
from types import SimpleNamespace

import psycopg

from leadscout.errors import InvalidCriteria, PermanentError, TransientError
from leadscout.workers.retry import MAX_RETRIES, TransientRetry, is_transient


def job(attempts: int) -> SimpleNamespace:
    return SimpleNamespace(attempts=attempts)


def test_only_transient_errors_are_retried() -> None:
    assert is_transient(TransientError("x"))
    assert is_transient(psycopg.OperationalError("server closed the connection"))
    assert is_transient(TimeoutError())
    assert not is_transient(PermanentError("401"))
    assert not is_transient(InvalidCriteria("bad"))
    assert not is_transient(ValueError("bug"))


def test_three_attempts_with_jittered_exponential_backoff() -> None:
    policy = TransientRetry(base_seconds=1.0)
    assert MAX_RETRIES == 2  # procrastinate counts retries: 2 retries = 3 attempts
    waits = []
    for attempts in range(3):
        decision = policy.get_retry_decision(exception=TransientError("x"), job=job(attempts))  # type: ignore[arg-type]
        waits.append(decision)
    assert waits[2] is None
    assert all(d is not None for d in waits[:2])
    samples = [policy.backoff(1) for _ in range(200)]
    assert min(samples) >= 1.0 and max(samples) <= 3.0 and len(set(samples)) > 100  # 2s ± 50%


def test_shutdown_hands_the_job_back() -> None:
    decision = TransientRetry().get_retry_decision(exception=asyncio.CancelledError(), job=job(5))  # type: ignore[arg-type]
    assert decision is not None
