"""Performance baseline: throughput, efficiency, orchestration overhead, memory, and the seed's
25-company report, measured on the sandbox web with realistic tool latency (search 1 s, every
page 0.3-2 s) and real `leadscout worker` processes. ``leadscout bench baseline`` runs it and
writes PERFORMANCE_BASELINE.md.

Definitions (the same in the report):

* **efficiency** = ideal time / measured time, where ideal time = the time the workload's units of
  work (jobs) need when the allowed concurrency (workers x job concurrency) is never idle =
  sum of job run times / (workers x concurrency). Jobs spend their time waiting on the tools, so
  the sum of job run times is the tool latency the jobs saw (with the fan-out a discovery job does
  inside itself); per-host politeness is inside that latency too. 1.0 means no slot was ever idle.
* **orchestration overhead** of a run = the share of its wall time during which none of its jobs
  was running (queue pick-up, lock waits, commits and the enqueue of the next job).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo
from pydantic import BaseModel, Field

from leadscout.config import Settings
from leadscout.criteria import parse_criteria
from leadscout.db import embedded, migrate
from leadscout.db.connection import open_pool
from leadscout.db.store import Store
from leadscout.pipeline.runs import create_run, summarize
from leadscout.research.web import render
from leadscout.sandbox.faults import LatencyProfile
from leadscout.sandbox.server import SandboxServer

METROS = [("Austin", "TX"), ("Dallas", "TX"), ("Phoenix", "AZ"), ("Denver", "CO"), ("Atlanta", "GA"),
          ("Tampa", "FL"), ("Charlotte", "NC"), ("Columbus", "OH")]  # fmt: skip
SEED_REQUEST = {"quantity": 25, "cities": ["Austin"], "state": "TX", "pms": ["appfolio"], "units_min": 100}


def workload(runs: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Runs across the eight metros: first any property manager, then ones with 100+ units."""
    variants: list[dict[str, Any]] = [{}, {"units_min": 100}, {"geo_scope": "city"}]
    return [(*METROS[i % len(METROS)], variants[i // len(METROS) % len(variants)]) for i in range(runs)]


class BenchConfig(BaseModel):
    styles: list[str] = Field(default_factory=lambda: ["classic", "wild"])
    workers: list[int] = Field(default_factory=lambda: [1, 2, 4])
    concurrency: int = 4
    runs: int = 16  # throughput workload (see workload())
    quantity: int = 2
    seed: int = 7
    latency: LatencyProfile = Field(default_factory=LatencyProfile)


class Throughput(BaseModel):
    style: str = "classic"
    workers: int
    concurrency: int
    runs: int
    companies: int
    wall_seconds: float
    companies_per_minute: float
    job_seconds: float
    jobs: int
    efficiency: float
    injected_latency_seconds: float
    requests: int
    peak_in_flight: int
    fetches_per_company: float  # every page request of the runs (discovery, research, contacts)
    wasted_requests: int = 0  # page requests to sites of candidates no run ever decided (speculation)
    searches_per_company: float = 0.0
    db_transactions_per_company: float
    queue_wait_ms_per_job: float
    peak_rss_mb: list[float]


class SeedReport(BaseModel):
    style: str = "classic"
    companies_found: int
    target: int
    batches: list[dict[str, Any]]
    total_seconds: float
    avg_batch_seconds: float
    orchestration_overhead: float
    status: str
    contacts: int = 0
    fetches_per_company: float = 0.0
    searches_per_company: float = 0.0
    db_transactions_per_company: float = 0.0


class Baseline(BaseModel):
    measured_at: str
    machine: dict[str, Any]
    latency: LatencyProfile
    throughput: list[Throughput]
    seed_runs: list[SeedReport]

    @property
    def seed_run(self) -> SeedReport:
        return self.seed_runs[0]

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for seed in self.seed_runs:
            mine = [t for t in self.throughput if t.style == seed.style]
            four = next((t for t in mine if t.workers == 4), mine[-1] if mine else None)
            out[seed.style] = {
                "efficiency_4_workers": four.efficiency if four else None,
                "companies_per_minute": four.companies_per_minute if four else None,
                "fetches_per_company": four.fetches_per_company if four else None,
                "db_transactions_per_company": four.db_transactions_per_company if four else None,
                "seed_run_seconds": seed.total_seconds,
                "seed_run_companies": seed.companies_found,
                "orchestration_overhead": seed.orchestration_overhead,
                "peak_rss_mb": max(four.peak_rss_mb or [0.0]) if four else None,
            }
        return out


# -- plumbing -------------------------------------------------------------------------------------
def admin_dsn() -> str:
    external = os.environ.get("DATABASE_URL") or os.environ.get("POSTGRES_URL")
    return external or embedded.start(Path(tempfile.gettempdir()) / f"leadscout-bench-pg-{os.getuid()}")


@contextmanager
def fresh_database(admin: str) -> Iterator[str]:
    name = f"ls_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = make_conninfo(admin, dbname=name)
    try:
        migrate.upgrade(dsn)
        yield dsn
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


class Workers:
    def __init__(self, dsn: str, env: dict[str, str], count: int, concurrency: int) -> None:
        base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POSTGRES_URL")}
        self.env = {**base, **env, "DATABASE_URL": dsn}  # the heartbeat and sweep a user's workers have
        self.args = [sys.executable, "-m", "leadscout", "worker", "--concurrency", str(concurrency)]
        self.count = count
        self.procs: list[subprocess.Popen[bytes]] = []
        self.rss: list[float] = []

    def __enter__(self) -> Workers:
        for _ in range(self.count):
            proc = subprocess.Popen(self.args, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.procs.append(proc)
        return self

    async def ready(self, store: Store, timeout: float = 120.0) -> None:
        """Wait until every worker has registered (it beats once its engine is about to take jobs):
        the measurements are of the work, not of process start-up."""
        deadline = time.monotonic() + timeout
        while len(await store.active_workers()) < self.count:
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.procs):
                raise RuntimeError("the bench's workers did not start")
            await asyncio.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        self.rss = [_peak_rss_mb(p.pid) for p in self.procs]
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


async def _open(dsn: str) -> tuple[Any, Store]:
    pool = open_pool(dsn, Settings(database_url=dsn), max_size=4)
    await pool.open(wait=True)
    return pool, Store(pool)


async def _until_settled(store: Store, run_ids: list[UUID], timeout: float) -> int:
    """Wait for the runs to settle; returns the transactions this watching cost (one per poll),
    which the measurements leave out: they are the bench's, not the system's."""
    deadline = time.monotonic() + timeout
    polls = 0
    while time.monotonic() < deadline:
        polls += 1
        if await store.active_runs_among(run_ids) == 0:
            return polls
        await asyncio.sleep(0.5)
    raise TimeoutError(f"the benchmark runs did not finish in {timeout:.0f}s")


async def _recorded_wall(store: Store, run_ids: list[UUID]) -> float | None:
    """From the first run's creation to the last one's end, as the database recorded them (as the
    seed run is timed): the bench's own poll, every 0.5 s, had added up to half a second."""
    runs = [run for r in run_ids if (run := await store.get_run(r)) is not None]
    ends = [run.finished_at for run in runs if run.finished_at is not None]
    if not runs or len(ends) < len(runs):
        return None
    return (max(ends) - min(run.created_at for run in runs)).total_seconds()


def _transactions(before: dict[str, int], after: dict[str, int], watching: int) -> int:
    """The system's transactions between two readings: the bench's own polls and readings left out."""
    return after["transactions"] - before["transactions"] - watching - 1


def _union_seconds(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for start, stop in sorted(intervals):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


def _intervals(rows: list[dict[str, Any]]) -> list[tuple[float, float]]:
    return [
        (r["started_at"].timestamp(), r["finished_at"].timestamp())
        for r in rows
        if r["started_at"] is not None and r["finished_at"] is not None
    ]


# -- measurements ------------------------------------------------------------------------------------
async def throughput(admin: str, workers: int, cfg: BenchConfig, style: str = "classic") -> Throughput:
    with SandboxServer(seed=cfg.seed, style=style, latency=cfg.latency) as sandbox, fresh_database(admin) as dsn:
        pool, store = await _open(dsn)
        try:
            crew = Workers(dsn, sandbox.env(), workers, cfg.concurrency)
            with crew:
                await crew.ready(store)
                before = await store.database_activity()
                started = time.monotonic()
                runs = []
                for city, state, extra in workload(cfg.runs):
                    criteria = parse_criteria({"quantity": cfg.quantity, "cities": [city], "state": state, **extra})
                    runs.append((await create_run(store, criteria, batch_size=10, options={"sources": ["web"]})).id)
                watching = await _until_settled(store, runs, timeout=1800)
                polled = time.monotonic() - started
            await asyncio.sleep(1.0)  # let the statistics collector catch up
            after = await store.database_activity()
            jobs = await store.job_intervals(runs)
            wall = await _recorded_wall(store, runs) or polled
            companies = sum([len(await store.run_companies(r)) for r in runs])
            undecided = await _undecided_domains(store, runs)
        finally:
            await pool.close()
        latency = sandbox.app.latency
        assert latency is not None
    spans = _intervals(jobs)
    job_seconds = sum(stop - start for start, stop in spans)
    slots = workers * cfg.concurrency
    fetches = latency.requests
    overhead = _per_job_overhead(jobs)
    return Throughput(
        style=style,
        workers=workers,
        concurrency=cfg.concurrency,
        runs=len(runs),
        companies=companies,
        wall_seconds=round(wall, 2),
        companies_per_minute=round(60 * companies / wall, 2),
        job_seconds=round(job_seconds, 1),
        jobs=len(spans),
        efficiency=round(min(1.0, job_seconds / slots / wall), 3),
        injected_latency_seconds=round(latency.total, 1),
        requests=fetches,
        peak_in_flight=latency.peak,
        fetches_per_company=round((fetches - latency.searches) / max(1, companies), 1),
        wasted_requests=sum(n for path, n in latency.paths.items() if _site(path) in undecided),
        searches_per_company=round(latency.searches / max(1, companies), 2),
        db_transactions_per_company=round(_transactions(before, after, watching) / max(1, companies), 1),
        queue_wait_ms_per_job=overhead,
        peak_rss_mb=crew.rss,
    )


async def _undecided_domains(store: Store, runs: list[UUID]) -> set[str]:
    """Candidates still pending in every run that proposed them: what was read for them was wasted."""
    status: dict[str, set[str]] = {}
    for run in runs:
        for row in await store.candidate_stats(run):
            status.setdefault(row["domain"], set()).add(row["status"])
    return {domain for domain, seen in status.items() if seen == {"pending"}}


def _site(path: str) -> str:
    return path.split("/", 1)[0].lower().removeprefix("www.")


def _per_job_overhead(jobs: list[dict[str, Any]]) -> float:
    """Mean time from a job being ready (queued, or its run's previous discovery batch done) to it
    starting, in ms: the engine's pick-up delay plus any wait for a free slot."""
    waits = []
    by_run: dict[str, list[dict[str, Any]]] = {}
    for job in jobs:
        by_run.setdefault(str(job["run_id"]), []).append(job)
    for run_jobs in by_run.values():
        ordered = sorted((j for j in run_jobs if j["started_at"]), key=lambda j: j["started_at"])
        for job in ordered:
            ready = job["deferred_at"]
            earlier = [j["finished_at"] for j in ordered if j["finished_at"] and j["finished_at"] <= job["started_at"]]
            if job["task_name"] == "leadscout.discover_batch" and earlier:
                ready = max(ready, max(earlier))
            if ready is not None:
                waits.append(max(0.0, (job["started_at"] - ready).total_seconds()))
    return round(1000 * sum(waits) / len(waits), 1) if waits else 0.0


async def seed_run(admin: str, cfg: BenchConfig, workers: int = 4, style: str = "classic") -> SeedReport:
    """The seed's 25-company test, with contacts: 25 AppFolio property managers in Austin, TX with 100+ units."""
    with SandboxServer(seed=cfg.seed, style=style, latency=cfg.latency) as sandbox, fresh_database(admin) as dsn:
        pool, store = await _open(dsn)
        try:
            with (crew := Workers(dsn, sandbox.env(), workers, cfg.concurrency)):
                await crew.ready(store)
                before = await store.database_activity()
                run = await create_run(store, parse_criteria(SEED_REQUEST), batch_size=10, options={"sources": ["web"]})
                watching = await _until_settled(store, [run.id], timeout=1800)
                await asyncio.sleep(1.0)  # let the statistics collector catch up
                after = await store.database_activity()
            summary = await summarize(store, run.id)
            final = await store.get_run(run.id)
            jobs = await store.job_intervals([run.id])
        finally:
            await pool.close()
        latency = sandbox.app.latency
        assert latency is not None
    assert final is not None
    end = final.finished_at or datetime.now(final.created_at.tzinfo)
    wall = (end - final.created_at).total_seconds()
    busy = _union_seconds(_intervals(jobs))
    found = max(1, summary.companies_found)
    return SeedReport(
        style=style,
        contacts=summary.contacts_found,
        fetches_per_company=round((latency.requests - latency.searches) / found, 1),
        searches_per_company=round(latency.searches / found, 2),
        db_transactions_per_company=round(_transactions(before, after, watching) / found, 1),
        companies_found=summary.companies_found,
        target=summary.target_quantity,
        batches=[b.model_dump() for b in summary.batches],
        total_seconds=round(wall, 1),
        avg_batch_seconds=summary.avg_batch_seconds or 0.0,
        orchestration_overhead=round(max(0.0, wall - busy) / wall, 4) if wall else 0.0,
        status=summary.status,
    )


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
        # rendering script apps costs CPU the other measurements do not: say whether it ran
        "browser": render.chromium_path() if render.available() else None,
    }


async def baseline(cfg: BenchConfig, progress: Any = print) -> Baseline:
    """Every measurement of every style, one style after the other (each with its own sandbox,
    database and worker processes). Side by side they took half the time, but eight worker
    processes and Chromium then shared the two cores: a job waited 2 s on average for a free
    worker loop with four workers of each style, against 1 s alone, and the efficiency measured
    the other style's load as much as this one's scheduling."""
    admin = admin_dsn()
    per_style = [await _style_baseline(admin, cfg, style, progress) for style in cfg.styles]
    return Baseline(
        measured_at=datetime.now().astimezone().isoformat(timespec="seconds"),
        machine=machine(),
        latency=cfg.latency,
        throughput=[t for results, _ in per_style for t in results],
        seed_runs=[seed for _, seed in per_style],
    )


async def _style_baseline(
    admin: str, cfg: BenchConfig, style: str, progress: Any
) -> tuple[list[Throughput], SeedReport]:
    results = []
    for n in cfg.workers:
        progress(f"{style}: throughput with {n} worker process(es)...")
        results.append(await throughput(admin, n, cfg, style))
        last = results[-1]
        progress(f"  {style}: {last.companies} companies in {last.wall_seconds}s, efficiency {last.efficiency}")
    progress(f"{style}: the seed's 25-company run with 4 workers...")
    seed = await seed_run(admin, cfg, style=style)
    progress(f"  {style}: {seed.companies_found}/{seed.target} in {seed.total_seconds}s")
    return results, seed


def markdown(b: Baseline) -> str:
    """PERFORMANCE_BASELINE.md in the seed guide's format, per sandbox style, with the measurements behind it."""
    m, first = b.machine, b.throughput[0]
    four = next((t for t in b.throughput if t.workers == 4), b.throughput[-1])
    lines = [
        "# Performance Baseline",
        "",
        f"**Date:** {b.measured_at[:10]}",
        "**Test:** 25 companies, batch_size=10, with contacts "
        "(25 AppFolio property managers in Austin, TX with 100+ units)",
        "",
    ]
    for s in b.seed_runs:
        lines += [
            f"## Results ({s.style} sandbox)",
            f"- Batches: {len(s.batches)}",
            f"- Companies: {s.companies_found}/{s.target} ({100 * s.companies_found / s.target:.0f}%), "
            f"{s.contacts} contacts, status {s.status}",
            f"- Time: {s.total_seconds / 60:.1f} min ({s.total_seconds:.0f} s)",
            f"- Avg/batch: {s.avg_batch_seconds / 60:.1f} min ({s.avg_batch_seconds:.0f} s)",
            *(f"  - batch {x['number']}: {x['found']}/{x['requested']} in {x['seconds']} s" for x in s.batches),
            f"- Per delivered company: {s.fetches_per_company:.1f} page fetches, "
            f"{s.searches_per_company:.2f} searches, "
            f"{s.db_transactions_per_company:.0f} database transactions",
            f"- Orchestration overhead: {100 * s.orchestration_overhead:.1f}% of the wall time "
            "(no job of the run running)",
            "",
        ]
    lines += [
        "## System",
        "- Database: PostgreSQL (embedded, or DATABASE_URL)",
        "- Agent: none (deterministic pipeline); web: the sandbox, with injected tool latency "
        f"(search {b.latency.search} s, pages {b.latency.fetch[0]}-{b.latency.fetch[1]} s)",
        f"- Workers: 4 `leadscout worker` processes x concurrency {four.concurrency}",
        "- Retry: enabled (3 attempts, transient failures only)",
        "- Heartbeat: the defaults (30 s, dead after 300 s); workers registered before the first run is created",
        f"- Machine: {m['cpus']} CPUs, {m['memory_gb']} GB, {m['platform']}, Python {m['python']}",
        f"- Script apps: rendered in headless Chromium ({m['browser']})"
        if m.get("browser")
        else "- Script apps: not rendered (no Chromium or Playwright here): they stay needs_browser",
        "",
        f"## Throughput ({first.runs} runs across the eight metros, {first.companies // max(1, first.runs)} "
        "companies each; the same workload each time)",
        "",
        "| style | workers | runs | companies | wall s | companies/min | efficiency | fetches/company "
        "| wasted requests | searches/company "
        "| DB transactions/company | queue wait ms/job | peak RSS MB/worker |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(
            f"| {t.style} | {t.workers} | {t.runs} | {t.companies} | {t.wall_seconds:.0f} "
            f"| {t.companies_per_minute:.1f} "
            f"| {t.efficiency:.2f} | {t.fetches_per_company:.1f} | {t.wasted_requests} | {t.searches_per_company:.2f} "
            f"| {t.db_transactions_per_company:.0f} | {t.queue_wait_ms_per_job:.0f} | {max(t.peak_rss_mb or [0]):.0f} |"
            for t in b.throughput
        ),
        "",
        "Efficiency = (sum of job run times / (workers x concurrency)) / wall time: the share of the allowed",
        "concurrency kept busy. Jobs wait on the tools, so their run times are the tool latency they saw.",
        "Fetches count every page request of the runs (discovery, research, contacts), searches every query.",
        "Wasted requests went to the sites of candidates that no run ever decided (verified speculatively,",
        "then cancelled when their batch filled).",
        "Queue wait = mean time from a job being ready to it starting (engine pick-up and waiting for a free slot).",
        "Ratios were measured side by side in one run of `leadscout bench baseline`; absolute times move",
        "with the machine's load.",
        "",
    ]
    return "\n".join(lines)


def write(b: Baseline, path: Path) -> None:
    path.write_text(markdown(b))
    path.with_suffix(".json").write_text(json.dumps(b.model_dump(mode="json"), indent=2))
