"""procrastinate's worker, made to survive a database that blinks and a busy event loop.

Two of its behaviours lose work or kill the process, and this module changes just those two
(procrastinate is pinned in pyproject.toml because both override its worker's private methods):

* **Recording a job's outcome** (``finish_job`` / ``retry_job``). procrastinate lets a database
  error there escape from the job's task, where nothing retrieves it: the job stays ``doing``
  under a live worker, so no sweeper ever recovers it, and asyncio prints a traceback. Here an
  outage is waited out and the call repeated; a job that another worker or the sweeper already
  settled is logged and left alone (its work is idempotent); anything else restarts the job
  engine, which unregisters this worker so the sweeper recovers the job.
* **The heartbeat.** procrastinate beats from the event loop, so a loop busy for longer than
  ``dead_after`` (parsing pages on a loaded machine) made a live worker look dead: the sweeper
  retried its jobs while they still ran, and their outcomes collided (the CI failure of
  issue 11: ``Job was not found or not in "doing" or "todo" status``). Here a thread beats,
  as long as the loop itself has made progress within ``stall_limit`` seconds; a killed process
  stops beating at once, and a wedged loop stops it after ``stall_limit``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
from procrastinate import App, JobContext
from procrastinate.jobs import Job, Status
from procrastinate.retry import RetryDecision
from procrastinate.worker import Worker

from leadscout.db import outage
from leadscout.db.store import beat_job_engine_worker

log = logging.getLogger(__name__)


class ThreadHeartbeat:
    """Beats one job-engine worker's heartbeat from a thread with its own connection."""

    def __init__(self, dsn: str, worker_id: int, interval: float, stall_limit: float, on_lost: Callable[[], None]):
        self.dsn, self.worker_id, self.interval, self.stall_limit = dsn, worker_id, interval, stall_limit
        self.on_lost = on_lost  # called (from the thread) when the worker's row is gone
        self.loop_seen = time.monotonic()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{worker_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        conn: psycopg.Connection[Any] | None = None
        warned_stall = False
        streak = outage.FailureStreak(log, "job engine heartbeat")
        last_beat = time.monotonic()
        while not self._stopped.wait(self.interval):
            stalled_for = time.monotonic() - self.loop_seen
            if stalled_for > self.stall_limit:
                if not warned_stall:
                    log.error("event loop stuck for %.0fs: heartbeat withheld so the sweeper recovers", stalled_for)
                    warned_stall = True
                continue
            warned_stall = False
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=5)
                alive = beat_job_engine_worker(conn, self.worker_id)
            except Exception as exc:  # the database may be restarting: reconnect on the next beat
                streak.failed(exc)
                if conn is not None:
                    conn.close()
                conn = None
                continue
            streak.succeeded()
            now = time.monotonic()
            if now - last_beat > self.interval * 3:  # the thread itself was held up (GIL, CPU)
                log.warning("job engine heartbeat came %.1fs after the one before", now - last_beat)
            last_beat = now
            if not alive:
                log.warning("job engine worker %s was pruned as dead; restarting the engine", self.worker_id)
                self.on_lost()
                break
        if conn is not None:
            conn.close()


class ResilientWorker(Worker):
    """procrastinate's Worker with a thread heartbeat and outcome recording that outlives outages."""

    def __init__(
        self,
        app: App,
        *,
        dsn: str,
        ping: Callable[[], Awaitable[object]],
        outage_grace: float,
        stall_limit: float,
        **options: Any,
    ) -> None:
        super().__init__(app, **options)
        self.dsn, self.ping, self.outage_grace, self.stall_limit = dsn, ping, outage_grace, stall_limit
        self.restart_requested = False

    def request_restart(self) -> None:
        """Stop this engine so the runner starts a new one under a new worker id."""
        self.restart_requested = True
        self.stop()  # type: ignore[no-untyped-call]

    async def _update_heartbeat(self) -> None:
        assert self.worker_id is not None
        loop = asyncio.get_running_loop()

        def lost() -> None:
            loop.call_soon_threadsafe(self.request_restart)

        beat = ThreadHeartbeat(
            self.dsn,
            self.worker_id,
            self.update_heartbeat_interval,
            self.stall_limit,
            on_lost=lost,
        )
        beat.start()
        try:
            while True:  # the loop's own pulse: the thread beats only while this keeps ticking
                beat.loop_seen = time.monotonic()
                await asyncio.sleep(min(self.update_heartbeat_interval, 1.0))
        finally:
            beat.stop()

    async def _persist_job_status(
        self,
        job: Job,
        status: Status,
        retry_decision: RetryDecision | None,
        context: JobContext,
        job_result: Any,
    ) -> None:
        deadline = time.monotonic() + self.outage_grace
        while True:
            try:
                await super()._persist_job_status(job, status, retry_decision, context, job_result)
                return
            except Exception as exc:
                if outage.is_taken_over(exc):
                    log.warning(
                        "job %s (%s) was settled or recovered elsewhere while this worker ran it: "
                        "this worker's outcome (%s) is dropped",
                        job.id,
                        job.task_name,
                        status.value,
                        extra={"action": "job_taken_over", "job_id": job.id},
                    )
                    return
                left = deadline - time.monotonic()
                if outage.is_outage(exc) and left > 0:
                    log.warning("recording job %s waits for the database: %s", job.id, outage.describe(exc))
                    if await outage.wait_until_up(self.ping, timeout=left, stopping=lambda: False):
                        continue
                log.error(
                    "could not record the outcome of job %s (%s); restarting the job engine so the "
                    "sweeper recovers the job",
                    job.id,
                    outage.describe(exc),
                    exc_info=exc,
                    extra={"action": "job_status_lost", "job_id": job.id},
                )
                self.request_restart()
                return
