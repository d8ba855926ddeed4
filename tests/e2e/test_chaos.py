"""Chaos drills with real worker processes on the sandbox web: kill -9 at seeded random moments in
every stage while 20 runs are worked, and a PostgreSQL restart mid-run. Every run must complete
with exactly the companies and contacts of an undisturbed run of the same criteria on the same
world, with no duplicates and no job left behind. Short heartbeats (0.5 s, dead after 2 s) keep it
to seconds per kill."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from leadscout.config import Settings
from leadscout.criteria import parse_criteria
from leadscout.db import embedded, migrate
from leadscout.db.connection import open_pool
from leadscout.db.store import Store
from leadscout.pipeline.runs import create_run
from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import World, build
from tests.conftest import FAST_ENV, ROOT, cli_env

pytestmark = pytest.mark.e2e
CRITERIA = {"quantity": 5, "cities": ["Charlotte"], "state": "NC", "geo_scope": "city"}
RUNS = 20
KILLS = 20
SEED = 20261201
STAGE_OF_TASK = {
    "leadscout.discover_batch": "mid-batch",
    "leadscout.research_company": "mid-research",
    "leadscout.find_contacts": "mid-contacts",
}


def drill_world() -> World:
    """The seed-7 world without its time-dependent sites. A rate-limited site refuses every other
    request to a page across all clients, and a slow site times out or not depending on how loaded
    the machine is, so with 20 concurrent runs on two cores their verdicts would depend on timing;
    determinism under crashes is what this drill measures (the faults drill covers both)."""
    world = build(7)
    for company in world.companies:
        if company.health in ("ratelimited", "timeout"):
            company.health = "ok"
    return world


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(drill_world(), timeout_seconds=3) as server:
        yield server


def worker_env(dsn: str, sandbox: SandboxServer, **extra: str) -> dict[str, str]:
    return cli_env(
        dsn,
        **FAST_ENV,
        **sandbox.env(),
        LEADSCOUT_FETCH_TIMEOUT="10",  # no page may time out because the machine is busy
        LEADSCOUT_POLITENESS_DELAY="0.02",
        LEADSCOUT_JOB_ATTEMPTS="10",  # a worker death is not the job's fault: give it room for many
        **extra,
    )


class Pool:
    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs, self.procs = env, logs, []  # type: ignore[var-annotated]

    def start(self) -> subprocess.Popen[bytes]:
        log = (self.logs / f"worker{len(self.procs)}.log").open("wb")
        args = [sys.executable, "-m", "leadscout", "worker", "--concurrency", "4"]
        proc = subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        self.procs.append(proc)
        return proc

    def alive(self) -> list[subprocess.Popen[bytes]]:
        return [p for p in self.procs if p.poll() is None]

    def stop(self) -> None:
        for proc in self.alive():
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def outcome(dsn: str, run_id: Any) -> tuple[list[str], list[tuple[str, str, str | None]]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        companies = [
            r[0]
            for r in conn.execute(
                "SELECT domain FROM pm_pipeline.company_candidates WHERE run_id = %s AND status = 'validated' "
                "ORDER BY fit_score DESC NULLS LAST, batch_no, domain",
                [run_id],
            )
        ]
        contacts = conn.execute(
            "SELECT c.domain, ct.full_name, ct.email FROM pm_pipeline.contact_candidates ct "
            "JOIN pm_pipeline.company_candidates c ON c.id = ct.company_id WHERE ct.run_id = %s "
            "ORDER BY 1, 2",
            [run_id],
        ).fetchall()
    return companies, contacts


def doing(dsn: str) -> list[str]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute("SELECT task_name FROM procrastinate_jobs WHERE status = 'doing'").fetchall()
    return [r[0] for r in rows]


async def undisturbed(store: Store, dsn: str, sandbox: SandboxServer, logs: Path) -> Any:
    """The reference: the same criteria worked by the same kind of worker, never disturbed."""
    run = await create_run(store, parse_criteria(CRITERIA), batch_size=2, options={"sources": ["web"]})
    pool = Pool(worker_env(dsn, sandbox), logs / "reference")
    (logs / "reference").mkdir()
    pool.start()
    try:
        deadline = time.monotonic() + 120
        while _statuses(dsn, [run.id]) == ["active"] and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        pool.stop()
    assert _statuses(dsn, [run.id]) == ["completed"]
    return run.id


async def test_kill9_at_random_points_in_every_stage_changes_nothing(
    store: Store, dsn: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    reference = outcome(dsn, await undisturbed(store, dsn, sandbox, tmp_path))
    assert len(reference[0]) == 5 and reference[1]
    runs = [
        (await create_run(store, parse_criteria(CRITERIA), batch_size=2, options={"sources": ["web"]})).id
        for _ in range(RUNS)
    ]
    pool = Pool(worker_env(dsn, sandbox, LEADSCOUT_SIMULATED_LATENCY="0.5"), tmp_path)
    for _ in range(3):
        pool.start()
    rng = random.Random(SEED)
    hit: Counter[str] = Counter()
    kills = 0
    try:
        # one kill aimed right after a batch commit (the batch, its checkpoint and the next job
        # are one transaction, so there is no moment between the commit and the enqueue)
        first_batch = time.monotonic()
        while not _batches_done(dsn, runs) and time.monotonic() - first_batch < 60:
            time.sleep(0.02)
        victim = pool.alive()[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        hit["after-commit"] += 1
        kills += 1
        pool.start()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            statuses = _statuses(dsn, runs)
            if all(s != "active" for s in statuses):
                break
            if kills < KILLS:
                time.sleep(rng.uniform(0.25, 0.6))
                in_flight = {STAGE_OF_TASK[task] for task in doing(dsn) if task in STAGE_OF_TASK}
                if not in_flight or (in_flight <= set(hit) and not set(STAGE_OF_TASK.values()) <= set(hit)):
                    # hold the kill until a stage not yet hit is in flight: on a fast machine the
                    # random kills would otherwise all land while batches are being verified
                    continue
                hit.update(in_flight)
                victim = rng.choice(pool.alive())
                victim.send_signal(signal.SIGKILL)
                victim.wait(timeout=10)
                kills += 1
                pool.start()
            else:
                time.sleep(0.3)
    finally:
        pool.stop()
    assert _statuses(dsn, runs) == ["completed"] * RUNS
    for run_id in runs:
        companies, contacts = outcome(dsn, run_id)
        assert len(companies) == len(set(companies)) == 5
        assert companies == reference[0], f"run {run_id} delivered {companies}, undisturbed {reference[0]}"
        assert contacts == reference[1], f"run {run_id}: {set(contacts) ^ set(reference[1])}"
    assert await store.leftover_jobs() == []
    assert kills >= KILLS, f"the runs finished after {kills} kills"
    assert {"after-commit", "mid-batch", "mid-research", "mid-contacts"} <= set(hit), hit


def _batches_done(dsn: str, runs: list[Any]) -> bool:
    """True once a batch of one of ``runs`` is committed."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pm_pipeline.run_batches WHERE status = 'done' AND run_id = ANY(%s)", [runs]
        ).fetchone()
    return bool(row and row[0] > 0)


def _statuses(dsn: str, runs: list[Any]) -> list[str]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = dict(conn.execute("SELECT id, status FROM pm_pipeline.runs WHERE id = ANY(%s)", [runs]).fetchall())
    return [rows[r] for r in runs]


@pytest.mark.once  # it brings its own embedded server whatever DATABASE_URL says
async def test_postgres_restart_mid_run(own_server: tuple[Path, str], sandbox: SandboxServer, tmp_path: Path) -> None:
    pgdata, dsn = own_server
    migrate.upgrade(dsn)
    settings = Settings(database_url=dsn)  # type: ignore[call-arg]
    pool = open_pool(dsn, settings)
    await pool.open(wait=True)
    store = Store(pool)
    criteria = parse_criteria({**CRITERIA, "quantity": 6})
    run = await create_run(store, criteria, batch_size=2, options={"sources": ["web"]})
    await pool.close()
    workers = Pool(worker_env(dsn, sandbox, LEADSCOUT_SIMULATED_LATENCY="0.5"), tmp_path)
    workers.start()
    workers.start()
    try:
        while not _batches_done(dsn, [run.id]):
            time.sleep(0.05)
        assert embedded.stop(pgdata)  # the database goes away mid-run...
        time.sleep(2.0)
        assert all(p.poll() is None for p in workers.procs), "a worker died with the database"
        embedded.start(pgdata)  # ...and comes back
        deadline = time.monotonic() + 120
        while _statuses(dsn, [run.id]) == ["active"] and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        workers.stop()
    assert _statuses(dsn, [run.id]) == ["completed"]
    companies, contacts = outcome(dsn, run.id)
    assert len(companies) == len(set(companies)) == 6 and contacts
    with psycopg.connect(dsn, autocommit=True) as conn:
        left = conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')").fetchone()
        assert left is not None and left[0] <= 1  # at most the periodic sweeper's next tick
