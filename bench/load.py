"""Load: many runs at once on the sandbox web, worked by real `leadscout worker` processes.

    python bench/load.py [--scenario concurrent|queued|both] [--workers 4] [--latency] [--json-out FILE]

* concurrent: 20 runs of 25 companies at once (across the eight metros);
* queued: 200 runs of 5 companies queued at once.

Checks that every run completes (or, where the world has too few matches, stops with a decision),
that runs with the same criteria delivered the same companies (no cross-talk), that no job or
lease is left behind, and reports throughput (accepted companies per minute) and database load
(transactions, i.e. statements in autocommit, per accepted company). Without --latency the
sandbox answers at once, so this measures the pipeline's own ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from leadscout import bench  # noqa: E402
from leadscout.criteria import parse_criteria  # noqa: E402
from leadscout.db.store import Store  # noqa: E402
from leadscout.models import Status  # noqa: E402
from leadscout.pipeline.runs import create_run  # noqa: E402
from leadscout.sandbox.faults import LatencyProfile  # noqa: E402
from leadscout.sandbox.server import SandboxServer  # noqa: E402


async def scenario(name: str, runs: int, quantity: int, workers: int, latency: bool) -> dict[str, Any]:
    admin = bench.admin_dsn()
    profile = LatencyProfile() if latency else None
    with SandboxServer(seed=7, latency=profile) as sandbox, bench.fresh_database(admin) as dsn:
        pool, store = await bench._open(dsn)
        try:
            before = await store.database_activity()
            created = []
            for i in range(runs):
                city, state = bench.METROS[i % len(bench.METROS)]
                criteria = parse_criteria({"quantity": quantity, "cities": [city], "state": state})
                run = await create_run(store, criteria, batch_size=10, options={"sources": ["web"]})
                created.append((run.id, city))
            started = time.monotonic()
            with bench.Workers(dsn, sandbox.env(), workers, 4) as crew:
                watching = await bench._until_settled(store, [r for r, _ in created], timeout=7200)
                wall = time.monotonic() - started
                drain = await _until_drained(store, timeout=120)
            await asyncio.sleep(1.0)
            after = await store.database_activity()
            outcome: dict[str, int] = defaultdict(int)
            decisions: Counter[str] = Counter()
            by_city: dict[str, set[tuple[str, ...]]] = defaultdict(set)
            companies = 0
            for run_id, city in created:
                run = await store.get_run(run_id)
                assert run is not None
                outcome[run.status.value] += 1
                if run.status == Status.NEEDS_USER_DECISION:
                    decisions[f"{city} at {run.stage.value}: {(run.notes or '?')[:120]}"] += 1
                delivered = tuple(c.domain for c in await store.run_companies(run_id))
                companies += len(delivered)
                if run.status == Status.COMPLETED:
                    by_city[city].add(delivered)
            leftover = await store.leftover_jobs()
        finally:
            await pool.close()
    cross_talk = {city: len(results) for city, results in by_city.items() if len(results) > 1}
    return {
        "scenario": name,
        "runs": runs,
        "quantity": quantity,
        "workers": workers,
        "latency": latency,
        "outcomes": dict(outcome),
        "companies": companies,
        "wall_seconds": round(wall, 1),
        "companies_per_minute": round(60 * companies / wall, 1),
        "db_transactions_per_company": round(bench._transactions(before, after, watching) / max(1, companies), 1),
        "rows_read_per_company": round((after["rows_read"] - before["rows_read"]) / max(1, companies)),
        "different_results_for_the_same_criteria": cross_talk,
        "notification_drain_seconds": drain,
        "leftover_jobs": len(leftover),
        "leftover_by_task": dict(Counter(f"{j['task_name']}:{j['status']}" for j in leftover)),
        "decisions": dict(decisions),
        "peak_rss_mb": crew.rss,
    }


async def _until_drained(store: Store, timeout: float) -> float | None:
    """Seconds until finished runs have no job left (their notifications sent), or None on timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not await store.leftover_jobs():
            return round(time.monotonic() - started, 1)
        await asyncio.sleep(0.5)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=("concurrent", "queued", "both"), default="both")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--latency", action="store_true", help="inject search 1 s / pages 0.3-2 s")
    parser.add_argument("--runs", type=int, help="override the number of runs of each scenario")
    parser.add_argument("--json-out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = parser.parse_args()
    plans = {"concurrent": ("concurrent", 20, 25), "queued": ("queued", 200, 5)}
    chosen = list(plans) if args.scenario == "both" else [args.scenario]
    results = []
    for key in chosen:
        name, runs, quantity = plans[key]
        runs = args.runs or runs
        print(f"{name}: {runs} runs of {quantity} companies on {args.workers} workers...", flush=True)
        results.append(asyncio.run(scenario(name, runs, quantity, args.workers, args.latency)))
        print(json.dumps(results[-1]), flush=True)
    head = f"{'scenario':<11} {'runs':>5} {'done':>5} {'companies':>9} {'wall s':>7} {'co/min':>7}"
    print(f"\n{head} {'tx/co':>6} {'left':>5}")
    for r in results:
        done = r["outcomes"].get("completed", 0)
        print(
            f"{r['scenario']:<11} {r['runs']:>5} {done:>5} {r['companies']:>9} {r['wall_seconds']:>7.0f} "
            f"{r['companies_per_minute']:>7.1f} {r['db_transactions_per_company']:>6.0f} {r['leftover_jobs']:>5}"
        )
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(results, indent=2))
    print(f"\nwrote {args.json_out}")


if __name__ == "__main__":
    main()
