"""The worker registry (``pm_pipeline.worker_heartbeats``) and the heartbeat loop.

Python API, as the seed describes it: :func:`upsert_worker_heartbeat`,
:func:`get_active_workers`, :func:`get_dead_workers`, :func:`get_worker_stats`,
:func:`stop_worker` (mark stopped now) and :func:`request_stop` (stop after the current job).
The loop never switches itself off: a failed beat is logged and the next one tried.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from leadscout.db import outage
from leadscout.db.store import Store
from leadscout.models import WorkerRow, WorkerStats

log = logging.getLogger(__name__)


async def upsert_worker_heartbeat(
    store: Store,
    worker_id: str,
    worker_type: str,
    *,
    status: str = "active",
    current_run_id: UUID | None = None,
    current_task: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> bool:
    """Register or refresh a worker. Returns True when someone asked it to stop."""
    return await store.upsert_heartbeat(
        worker_id=worker_id,
        worker_type=worker_type,
        status=status,
        current_run_id=current_run_id,
        current_task=current_task,
        lease_expires_at=None,
        metadata=metadata or {},
        host=socket.gethostname(),
        pid=os.getpid(),
    )


async def get_active_workers(store: Store) -> list[WorkerRow]:
    return await store.active_workers()


async def get_dead_workers(store: Store) -> list[WorkerRow]:
    return await store.dead_workers()


async def get_worker_stats(store: Store) -> list[WorkerStats]:
    return await store.worker_stats()


async def stop_worker(store: Store, worker_id: str) -> bool:
    return await store.stop_worker(worker_id)


async def request_stop(store: Store, worker_id: str) -> bool:
    return await store.request_worker_stop(worker_id)


@dataclass
class CurrentWork:
    """What a worker process is doing right now (fed by the job middleware)."""

    jobs: dict[int, tuple[UUID | None, str]] = field(default_factory=dict)
    finished: int = 0

    def describe(self) -> tuple[UUID | None, str | None]:
        if not self.jobs:
            return None, None
        runs = [run for run, _ in self.jobs.values()]
        return runs[0], "; ".join(task for _, task in self.jobs.values())[:500]


@dataclass
class Heartbeat:
    store: Store
    worker_id: str
    worker_type: str
    interval: float
    work: CurrentWork
    on_stop_request: Callable[[], None]
    metadata: dict[str, Any] = field(default_factory=dict)
    stop_seen: bool = False
    failures: outage.FailureStreak = field(default_factory=lambda: outage.FailureStreak(log, "heartbeat"))

    async def beat(self) -> None:
        run_id, task = self.work.describe()
        status = "processing" if task else "idle"
        try:
            stop = await upsert_worker_heartbeat(
                self.store,
                self.worker_id,
                self.worker_type,
                status=status,
                current_run_id=run_id,
                current_task=task,
                metadata={**self.metadata, "jobs_done": self.work.finished},
            )
        except Exception as exc:  # the database may be restarting: keep beating
            self.failures.failed(exc)
            return
        self.failures.succeeded()
        if stop and not self.stop_seen:
            self.stop_seen = True
            log.info("stop requested for %s", self.worker_id, extra={"action": "stop_requested"})
            self.on_stop_request()

    async def run(self) -> None:
        while True:
            await self.beat()
            await asyncio.sleep(self.interval)
