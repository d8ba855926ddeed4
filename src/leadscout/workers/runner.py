"""A worker process: procrastinate's worker plus leadscout's heartbeat registry.

Stops gracefully on SIGTERM/SIGINT, on ``leadscout workers stop ID``, after
``WORKER_MAX_LOOPS`` jobs, or when an optional ``until`` condition turns true; in every
case its registry row ends as ``stopped``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from procrastinate import JobContext
from procrastinate.worker import Worker

from leadscout.config import Settings
from leadscout.db.connection import open_pool
from leadscout.db.store import Store
from leadscout.errors import UserError
from leadscout.pipeline import jobs
from leadscout.pipeline.sources import CompanySource
from leadscout.pipeline.stages import Pipeline
from leadscout.workers.app import build_app
from leadscout.workers.heartbeat import CurrentWork, Heartbeat

log = logging.getLogger(__name__)
FETCH_POLL_SECONDS = 0.2  # a lock-blocked job gets no NOTIFY when its lock frees: poll briskly


def new_worker_id(worker_type: str) -> str:
    env = os.environ.get(f"{worker_type.upper()}_WORKER_ID")
    return env or f"{worker_type}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass
class WorkerConfig:
    worker_type: str = "all"
    concurrency: int = 4
    worker_id: str | None = None
    install_signal_handlers: bool = True
    until: Callable[[], Awaitable[bool]] | None = None  # stop when this returns True
    make_source: Callable[[Store], CompanySource] | None = None  # default: the directory


def _describe(context: JobContext) -> tuple[UUID | None, str]:
    args = context.job.task_kwargs
    run_id = UUID(args["run_id"]) if "run_id" in args else None
    label = {jobs.DISCOVER: "Lead discovery batch", jobs.RESEARCH: "Researching company",
             jobs.CONTACTS: "Finding contacts"}.get(context.job.task_name, context.job.task_name)
    target = args.get("company_id", "")
    return run_id, f"{label} {target}".strip() + (f" (run {run_id})" if run_id else "")


async def run_worker(settings: Settings, dsn: str, config: WorkerConfig) -> str:
    if config.worker_type not in jobs.WORKER_TYPES:
        raise UserError(f"unknown worker type {config.worker_type!r}; use one of: "
                        + ", ".join(jobs.WORKER_TYPES))
    worker_id = config.worker_id or new_worker_id(config.worker_type)
    pool = open_pool(dsn, settings, max_size=config.concurrency + 3)
    await pool.open(wait=True, timeout=30)
    store = Store(pool)
    source = config.make_source(store) if config.make_source else None
    app = build_app(settings, dsn, Pipeline(store, worker_id=worker_id, source=source,
                                          simulated_latency=settings.simulated_latency))
    work = CurrentWork()
    queues = [*jobs.WORKER_TYPES[config.worker_type], jobs.MAINTENANCE_QUEUE]
    try:
        async with app.open_async():
            worker: Worker | None = None

            async def track(call_next: Callable[[], Awaitable[Any]], context: JobContext, _w: Worker) -> Any:
                job_id = context.job.id or 0
                if context.job.task_name != jobs.SWEEP:
                    work.jobs[job_id] = _describe(context)
                    await heartbeat.beat()
                try:
                    return await call_next()
                finally:
                    if work.jobs.pop(job_id, None) is not None:
                        work.finished += 1
                        if settings.worker_max_loops and work.finished >= settings.worker_max_loops:
                            stop()

            def stop() -> None:
                if worker is not None:
                    worker.stop()

            worker = Worker(app, queues=queues, name=worker_id, concurrency=config.concurrency,
                            fetch_job_polling_interval=FETCH_POLL_SECONDS,
                            install_signal_handlers=config.install_signal_handlers,
                            worker_middleware=[track], **app.worker_defaults)  # type: ignore[arg-type]
            heartbeat = Heartbeat(store, worker_id, config.worker_type, settings.heartbeat_interval, work,
                                  on_stop_request=stop, metadata={"queues": queues, "concurrency": config.concurrency})
            side = [asyncio.create_task(heartbeat.run())]
            if config.until is not None:
                side.append(asyncio.create_task(_stop_when(config.until, stop)))
            try:
                await worker.run()
            finally:
                for task in side:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                with contextlib.suppress(Exception):
                    await store.stop_worker(worker_id)
    finally:
        await pool.close()
    return worker_id


async def _stop_when(condition: Callable[[], Awaitable[bool]], stop: Callable[[], None]) -> None:
    while True:
        try:
            if await condition():
                stop()
                return
        except Exception as exc:  # a restarting database must not kill the watcher
            log.warning("stop condition check failed: %s", exc)
        await asyncio.sleep(0.25)
