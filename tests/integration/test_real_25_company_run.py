"""The seed's real tests (REAL_TESTING_GUIDE.md), against a real PostgreSQL.

Run them as the guide says:
    pytest tests/integration/test_real_25_company_run.py::test_database_heartbeat_integration -v -s
    pytest tests/integration/test_real_25_company_run.py::test_real_25_company_run_with_batching -v -s
"""

from __future__ import annotations

import math
import time
import uuid
from datetime import datetime

import psycopg
import pytest

from leadscout.config import Settings
from leadscout.criteria import parse_criteria
from leadscout.db.store import Store
from leadscout.models import Stage, Status
from leadscout.pipeline.runs import create_run, summarize
from leadscout.sandbox.server import SandboxServer
from leadscout.workers import heartbeat as hb
from leadscout.workers.runner import WorkerConfig, run_worker

pytestmark = [pytest.mark.integration, pytest.mark.sql]
LINE = "=" * 34


def banner(title: str) -> None:
    print(f"\n{LINE}\n{title}\n{LINE}")


async def test_database_heartbeat_integration(store: Store) -> None:
    banner("DATABASE INTEGRATION TEST: Heartbeat System")
    worker_id = f"test-integration-{uuid.uuid4().hex[:8]}"
    print(f"Worker ID: {worker_id}")
    # two other live workers of other types, so stats cover several types
    await hb.upsert_worker_heartbeat(store, "other-research", "company_research", status="idle")
    await hb.upsert_worker_heartbeat(store, "other-contacts", "contact_research", status="idle")

    print("\n[Test 1] Upserting worker heartbeat...")
    run_id = uuid.uuid4()
    stop = await hb.upsert_worker_heartbeat(
        store,
        worker_id,
        "lead_list",
        status="processing",
        current_run_id=run_id,
        current_task="Lead discovery: 0/25",
        metadata={"test_run": True},
    )
    assert stop is False
    print("✅ Heartbeat upserted successfully")

    print("\n[Test 2] Getting active workers...")
    active = await hb.get_active_workers(store)
    mine = [w for w in active if w.worker_id == worker_id]
    assert len(mine) == 1
    assert (mine[0].status, mine[0].current_run_id, mine[0].current_task) == (
        "processing",
        run_id,
        "Lead discovery: 0/25",
    )
    assert mine[0].host and mine[0].pid and mine[0].metadata == {"test_run": True}
    print(f"✅ Worker found in active workers ({len(active)} total)")

    print("\n[Test 3] Getting worker stats...")
    stats = {s.worker_type: s for s in await hb.get_worker_stats(store)}
    assert stats["lead_list"].processing_workers == 1 and stats["lead_list"].active_workers == 1
    assert len(stats) == 3
    print(f"✅ Worker stats retrieved ({len(stats)} types)")

    print("\n[Test 4] Stopping worker...")
    assert await hb.stop_worker(store, worker_id) is True
    print("✅ Worker stopped successfully")

    print("\n[Test 5] Verifying worker stopped...")
    assert worker_id not in {w.worker_id for w in await hb.get_active_workers(store)}
    row = await store.get_worker(worker_id)
    assert row is not None and row.status == "stopped" and row.current_task is None
    # a late heartbeat from that process must not bring it back to life
    assert await hb.upsert_worker_heartbeat(store, worker_id, "lead_list", status="processing") is True
    assert worker_id not in {w.worker_id for w in await hb.get_active_workers(store)}
    print("✅ Worker removed from active workers")
    await store.delete_worker(worker_id)
    banner("✅ ALL HEARTBEAT INTEGRATION TESTS PASSED")


async def test_dead_worker_detection_uses_the_configured_window(store: Store, dsn: str) -> None:
    await hb.upsert_worker_heartbeat(store, "ghost", "lead_list", status="processing")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "UPDATE pm_pipeline.worker_heartbeats SET last_heartbeat = now() - interval '3 seconds'"
            " WHERE worker_id = 'ghost'"
        )
    # the store's pool sets dead_after = 2 s (tests); with the SQL default (300 s) it is alive
    assert [w.worker_id for w in await hb.get_dead_workers(store)] == ["ghost"]
    with psycopg.connect(dsn, autocommit=True) as conn:
        alive = conn.execute("SELECT count(*) FROM pm_pipeline.v_active_workers").fetchone()
    assert alive == (1,)
    stats = {s.worker_type: s for s in await hb.get_worker_stats(store)}
    assert stats["lead_list"].dead_workers == 1


async def test_real_25_company_run_with_batching(
    store: Store, settings: Settings, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seed's 25-company run, now against the sandbox web: search, list pages, verification."""
    target, batch_size = 25, 10
    sandbox = SandboxServer(seed=7, timeout_seconds=30).__enter__()
    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    settings = sandbox.settings_for(settings).model_copy(update={"fetch_timeout": 2.0, "politeness_delay": 0.05})
    criteria = parse_criteria({"quantity": target, "cities": ["Austin"], "state": "TX", "geo_scope": "city"})
    run = await create_run(store, criteria, batch_size=batch_size, options={"sources": ["web"], "sandbox": {}})
    banner("REAL PRODUCTION TEST: 25-Company Run with Batching")
    print(f"Run ID: {run.id}\nTarget: {target} companies\nBatch Size: {batch_size}")
    print(f"Expected Batches: {math.ceil(target / batch_size)} (10 + 10 + 5)\n{LINE}")
    print(f"\n[{datetime.now():%H:%M:%S}] Creating test run in database...\n✅ Test run created successfully")
    started = time.monotonic()

    async def settled() -> bool:
        current = await store.get_run(run.id)  # ended, and its completion notice sent
        return current is not None and current.status != Status.ACTIVE and not await store.leftover_jobs()

    print(f"\n[{datetime.now():%H:%M:%S}] Initializing worker...\n✅ Worker started with heartbeat")
    try:
        await run_worker(settings, dsn, WorkerConfig(concurrency=4, install_signal_handlers=False, until=settled))
    finally:
        sandbox.__exit__(None, None, None)
    elapsed = time.monotonic() - started

    summary = await summarize(store, run.id)
    banner("BATCH PROCESSING START")
    found_so_far = 0
    for b in summary.batches:
        print(
            f"\nBatch {b.number}:\n  Progress: {found_so_far}/{target} companies\n"
            f"  Remaining: {target - found_so_far}\n  🔄 Processing batch..."
        )
        found_so_far += b.found
        print(
            f"  ✅ Batch complete: Found {b.found} companies in {b.seconds:.1f}s\n"
            f"  Progress: {found_so_far}/{target} companies"
        )
    banner("BATCH PROCESSING COMPLETE")
    print(
        f"Total Batches: {len(summary.batches)}\nCompanies Found: {summary.companies_found}/{target}\n"
        f"Success Rate: {summary.success_rate:.1f}%\nTotal Time: {elapsed:.1f}s ({elapsed / 60:.1f} min)\n"
        f"Avg Time/Batch: {summary.avg_batch_seconds:.1f}s\n{LINE}"
    )

    # batching and checkpoints: exactly 10 + 10 + 5, each committed once, in order
    assert [(b.number, b.requested, b.found, b.status) for b in summary.batches] == [
        (1, 10, 10, "done"),
        (2, 10, 10, "done"),
        (3, 5, 5, "done"),
    ]
    assert summary.companies_found == target and summary.success_rate == 100.0
    companies = await store.run_companies(run.id)
    assert len(companies) == target and len({c.domain for c in companies}) == target
    assert all(c.city == "Austin" and c.state == "TX" for c in companies)
    world = sandbox.world  # precision against the ground truth: every company truly matches
    assert all(world.by_domain[c.domain].kind == "property_manager" for c in companies)
    assert all(world.by_domain[c.domain].city == "Austin" for c in companies)
    assert all(v.verdict == "true" and v.evidence for c in companies for v in c.verdicts)
    assert sorted(c.batch_no for c in companies) == [1] * 10 + [2] * 10 + [3] * 5
    assert await store.count_companies_by_run() == {run.id: target}
    # the run went through every stage, and completed only at done
    final = await store.get_run(run.id)
    assert final is not None and (final.stage, final.status) == (Stage.DONE, Status.COMPLETED)
    contacts = await store.run_contacts(run.id)
    per_company = {c.id: 0 for c in companies}
    for ct in contacts:
        per_company[ct.company_id] += 1
    assert all(1 <= n <= 3 for n in per_company.values())
    events = [e.event for e in await store.events_since(run.id)]
    assert events.count("batch_completed") == 3 and events.count("run_completed") == 1
    assert events.count("stage_advanced") == 2
    assert await store.leftover_jobs() == []
    print("\n✅ All assertions passed!")

    print(f"\n[{datetime.now():%H:%M:%S}] Cleaning up test run...")
    await store.delete_run(run.id)
    assert await store.get_run(run.id) is None
    assert await store.count_companies_by_run() == {}
    print("✅ Test data cleaned up")
    banner("✅ FULL TEST PASSED")
