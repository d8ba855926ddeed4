"""The job engine under a busy event loop, a job taken over elsewhere, and a database restart.

The first two tests reproduce the CI failure of issue 11 on procrastinate's own worker: a loop
busy for longer than ``dead_after`` stops its heartbeat, the sweeper retries the still-running
job, another worker finishes it, and the first worker's ``finish_job`` then fails with
``Job was not found or not in "doing" or "todo" status`` (SQLSTATE P0001) inside a task nobody
awaits. The others show leadscout's worker (``workers/engine.py``) surviving all of it.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import procrastinate
import psycopg
import pytest
from procrastinate.worker import Worker

from leadscout.db import embedded
from leadscout.workers.engine import ResilientWorker

pytestmark = [pytest.mark.integration, pytest.mark.sql]
DEAD_AFTER = 2.0
HEARTBEAT = 0.5


def _new_app(dsn: str, **pool: Any) -> procrastinate.App:
    return procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=dsn, **pool))


async def _ping_with(dsn: str) -> None:
    conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True, connect_timeout=2)
    await conn.close()


def _worker(app: procrastinate.App, dsn: str, *, resilient: bool, **options: Any) -> Worker:
    common: dict[str, Any] = {
        "queues": ["t"],
        "concurrency": 2,
        "install_signal_handlers": False,
        "update_heartbeat_interval": HEARTBEAT,
        "stalled_worker_timeout": DEAD_AFTER,
        "fetch_job_polling_interval": 0.1,
        **options,
    }
    if not resilient:
        return Worker(app, **common)
    return ResilientWorker(app, dsn=dsn, ping=lambda: _ping_with(dsn), outage_grace=30.0, stall_limit=30.0, **common)


@asynccontextmanager
async def working(worker: Worker) -> AsyncIterator[Worker]:
    task = asyncio.create_task(worker.run())  # type: ignore[no-untyped-call]
    try:
        yield worker
    finally:
        worker.stop()  # type: ignore[no-untyped-call]
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 30)


class StallWatch:
    """From another thread (the worker's loop may be busy), records whether any worker ever
    looked dead to the sweeper: a heartbeat older than DEAD_AFTER."""

    def __init__(self, dsn: str) -> None:
        self.dsn, self.seen_dead = dsn, False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self._stop.wait(0.2):
                row = conn.execute(
                    "SELECT count(*) FROM procrastinate_workers"
                    " WHERE last_heartbeat < now() - make_interval(secs => %s)",
                    [DEAD_AFTER],
                ).fetchone()
                self.seen_dead |= bool(row and row[0])

    def __enter__(self) -> StallWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


async def _wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def _status(dsn: str, job_id: int) -> tuple[str, int]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT status::text, attempts FROM procrastinate_jobs WHERE id = %s", [job_id]).fetchone()
    assert row is not None
    return row[0], row[1]


def _busy_app(dsn: str) -> tuple[procrastinate.App, Any]:
    app = _new_app(dsn)

    @app.task(name="busy", queue="t")
    async def busy() -> None:
        time.sleep(DEAD_AFTER * 2)  # CPU-bound work that never yields (a big page parsed on a loaded machine)

    return app, busy


@pytest.mark.parametrize(
    ("resilient", "looks_dead"), [(False, True), (True, False)], ids=["procrastinate", "leadscout"]
)
async def test_a_busy_event_loop_makes_a_worker_look_dead_only_on_procrastinate_heartbeat(
    dsn: str, resilient: bool, looks_dead: bool
) -> None:
    app, busy = _busy_app(dsn)
    async with app.open_async():
        job_id = await busy.defer_async()
        with StallWatch(dsn) as watch:
            async with working(_worker(app, dsn, resilient=resilient)):
                await _wait_for(lambda: _status(dsn, job_id)[0] == "succeeded")
    assert watch.seen_dead is looks_dead


class TaskErrors:
    """Collects what asyncio reports about task exceptions nobody retrieved."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __enter__(self) -> TaskErrors:
        loop = asyncio.get_running_loop()
        self._old = loop.get_exception_handler()
        loop.set_exception_handler(lambda _loop, context: self.messages.append(str(context.get("exception"))))
        return self

    def __exit__(self, *exc: object) -> None:
        gc.collect()  # unretrieved task exceptions are reported when the task is collected
        asyncio.get_running_loop().set_exception_handler(self._old)


def _takeover_app(dsn: str) -> tuple[procrastinate.App, Any, Any]:
    app = _new_app(dsn)

    @app.task(name="taken", queue="t", pass_context=True)
    async def taken(context: procrastinate.JobContext) -> None:
        # meanwhile the sweeper recovered this job and another worker finished it
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = %s", [context.job.id])

    @app.task(name="after", queue="t")
    async def after() -> None:
        return None

    return app, taken, after


@pytest.mark.parametrize("resilient", [False, True], ids=["procrastinate", "leadscout"])
async def test_an_outcome_of_a_job_settled_elsewhere(
    dsn: str, resilient: bool, caplog: pytest.LogCaptureFixture
) -> None:
    app, taken, after = _takeover_app(dsn)
    with TaskErrors() as errors:
        async with app.open_async():
            first = await taken.defer_async()
            async with working(_worker(app, dsn, resilient=resilient)):
                await _wait_for(lambda: _status(dsn, first)[0] == "succeeded")
                second = await after.defer_async()
                await _wait_for(lambda: _status(dsn, second)[0] == "succeeded")
                await asyncio.sleep(0.3)
    if resilient:  # logged as what it is, and nothing escapes
        assert errors.messages == []
        assert any(getattr(r, "action", "") == "job_taken_over" for r in caplog.records)
    else:  # the root cause of issue 11: the P0001 escapes from a task nobody awaits
        assert any("Database error" in m for m in errors.messages), errors.messages


@pytest.mark.once  # it brings its own embedded server whatever DATABASE_URL says
@pytest.mark.parametrize(
    ("pool_timeout", "down_for"), [(30.0, 2.0), (1.0, 4.0)], ids=["the-pool-waits", "the-worker-waits"]
)
async def test_recording_an_outcome_waits_out_a_database_restart(
    own_server: tuple[Path, str], caplog: pytest.LogCaptureFixture, pool_timeout: float, down_for: float
) -> None:
    pgdata, dsn = own_server
    app = _new_app(dsn, timeout=pool_timeout)
    restarted = threading.Event()

    def restart_soon() -> None:
        time.sleep(down_for)
        embedded.start(pgdata)  # ...and comes back
        restarted.set()

    @app.task(name="unlucky", queue="t")
    async def unlucky() -> None:
        await asyncio.to_thread(embedded.stop, pgdata)  # the database goes away just as the job ends...
        threading.Thread(target=restart_soon, daemon=True).start()

    with TaskErrors() as errors:
        async with app.open_async():
            job_id = await unlucky.defer_async()
            worker = _worker(app, dsn, resilient=True)
            run = asyncio.create_task(worker.run())  # type: ignore[no-untyped-call]
            await _wait_for(restarted.is_set, timeout=60)
            await _wait_for(lambda: _status(dsn, job_id)[0] == "succeeded", timeout=60)
            worker.stop()  # type: ignore[no-untyped-call]
            await asyncio.wait_for(asyncio.gather(run, return_exceptions=True), 30)
    assert _status(dsn, job_id) == ("succeeded", 1)  # recorded once, by the worker that ran it
    assert errors.messages == []
    waited = any(f"recording job {job_id} waits for the database" in r.getMessage() for r in caplog.records)
    assert waited is (down_for > pool_timeout)  # else the pool itself waited for a connection
