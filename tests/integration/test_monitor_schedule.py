"""A monitor's schedule is a row claimed in SQL: one run per tick however many schedulers look,
one catch-up run after ticks were missed, none while the last run still works; and real workers
(two, the job engine's periodic job) start and deliver a due tick once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID

import psycopg
import pytest

from leadscout.config import Settings
from leadscout.db.connection import open_pool
from leadscout.db.store import Store
from leadscout.errors import UserError
from leadscout.models.monitors import Monitor
from leadscout.monitors import service
from leadscout.pipeline.launch import Launch
from leadscout.pipeline.runs import cancel_run
from leadscout.workers.runner import WorkerConfig, run_worker

pytestmark = pytest.mark.timeout(120)


async def a_monitor(store: Store, every: str = "* * * * *") -> Monitor:
    spec = service.MonitorSpec(launch=Launch(state="TX", source="directory"), every=every)
    return (await service.create(store, spec, llm=None)).monitor


def due_since(dsn: str, monitor_id: UUID, minutes: float) -> None:
    """As if the tick was due ``minutes`` ago (every scheduler was down since)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "UPDATE pm_pipeline.monitors SET next_tick_at = %s WHERE id = %s",
            [datetime.now(UTC) - timedelta(minutes=minutes), monitor_id],
        )


async def test_two_schedulers_start_one_run_for_a_tick_and_missed_ticks_make_one_catch_up(
    store: Store, dsn: str, settings: Settings
) -> None:
    monitor = await a_monitor(store)
    assert await service.start_due(store, batch_size=5) == []  # its first tick is in the future
    due_since(dsn, monitor.id, 0.1)
    other = open_pool(dsn, settings, max_size=2)
    await other.open(wait=True)
    try:
        started = await asyncio.gather(
            service.start_due(store, batch_size=5), service.start_due(Store(other), batch_size=5)
        )
    finally:
        await other.close()
    runs = await store.list_monitor_runs(monitor.id)
    assert sum(len(s) for s in started) == 1 and len(runs) == 1
    after = await store.get_monitor(monitor.id)
    assert after is not None and after.next_tick_at > datetime.now(UTC)  # moved past the tick

    due_since(dsn, monitor.id, 5)  # five ticks missed while the last run still works: it waits
    assert await service.start_due(store, batch_size=5) == []
    await cancel_run(store, runs[0].run_id)
    caught_up = await service.start_due(store, batch_size=5)
    assert len(caught_up) == 1 and await service.start_due(store, batch_size=5) == []  # one, not five
    assert len(await store.list_monitor_runs(monitor.id)) == 2


async def test_a_paused_monitor_does_not_tick_and_a_bad_schedule_is_refused(store: Store, dsn: str) -> None:
    monitor = await a_monitor(store)
    await service.set_paused(store, monitor.id, True)
    due_since(dsn, monitor.id, 3)
    assert await service.start_due(store, batch_size=5) == []
    resumed = await service.set_paused(store, monitor.id, False)
    assert resumed.next_tick_at > datetime.now(UTC)  # missed ticks are not made up on resume
    with pytest.raises(UserError, match="5-field cron"):
        await a_monitor(store, every="every monday")


async def test_two_workers_run_a_due_tick_once_and_deliver_it(store: Store, dsn: str, settings: Settings) -> None:
    monitor = await a_monitor(store, every="0 6 * * *")
    due_since(dsn, monitor.id, 0.1)
    fast = settings.model_copy(update={"monitor_poll": 1})

    async def delivered() -> bool:
        runs = await store.list_monitor_runs(monitor.id)
        return bool(runs) and all(r.status == "delivered" for r in runs)

    config = WorkerConfig(concurrency=2, install_signal_handlers=False, until=delivered)
    await asyncio.wait_for(
        asyncio.gather(
            run_worker(fast, dsn, config), run_worker(fast, dsn, WorkerConfig(**{**config.__dict__, "worker_id": "b"}))
        ),
        timeout=90,
    )
    runs = await store.list_monitor_runs(monitor.id)
    assert len(runs) == 1 and runs[0].trigger == "schedule" and runs[0].result is not None
    assert runs[0].result["new"] == [] and runs[0].result["known"] == 0
