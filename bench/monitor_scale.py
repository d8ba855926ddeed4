"""Benchmark: monitors at a user's scale, on this machine.

    python bench/monitor_scale.py [--scale 2] [--metros 5] [--days 0,1,2,3] [--workers 4] [--json-out FILE]

A sandbox world ``--scale`` times the seed's (K times the metros, each K times as big) is served
on loopback; 4 monitors per metro (every property manager, AppFolio, 100+ units, Buildium) are
created in a fresh database, and ``--workers`` worker processes tick them over the world's days:
each day the world moves on, every monitor is made due, and the workers' schedulers start and
deliver one run per monitor (the tick is guarded in SQL: never two runs for one monitor and
tick, whichever worker takes it). Each tick is scored against that day's truth.

Per tick it reports: wall time, known companies (delivered and still watched), requests per known
company (every page request of the tick: discovery, research, contacts, re-checks), DB
transactions per known company, each worker's resident memory after the tick, the precision of
`new` (matches that day), `gone` (no longer matching, or its site closed or down) and `changed`
(the world changed that company since the monitor's last tick), and whether every monitor ran
exactly once. Prints a table and writes JSON (default bench/results/monitor_scale.json).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any
from uuid import UUID

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from leadscout import bench  # noqa: E402
from leadscout.criteria import Criteria, parse_criteria  # noqa: E402
from leadscout.db.store import Store  # noqa: E402
from leadscout.monitors.schedule import next_tick  # noqa: E402
from leadscout.sandbox.server import SandboxServer  # noqa: E402
from leadscout.sandbox.world import METROS, World, WorldCompany  # noqa: E402

YEARLY = "0 0 1 1 *"  # the monitors never come due on their own: the bench makes them due each day
KINDS = {"all": {}, "appfolio": {"pms": ["appfolio"]}, "units": {"units_min": 100}, "buildium": {"pms": ["buildium"]}}


def matches(c: WorldCompany, criteria: Criteria) -> bool:
    """The world's truth of one monitor's request (a metro's property managers: the metro's cities)."""
    if c.kind != "property_manager" or c.health == "dead" or c.state != criteria.state:
        return False
    if c.metro not in criteria.cities:
        return False
    if criteria.pms and c.pms not in criteria.pms:
        return False
    return not (criteria.units_min and (c.units is None or c.units < criteria.units_min))


async def create_monitors(store: Store, metros: list[str]) -> dict[UUID, Criteria]:
    made: dict[UUID, Criteria] = {}
    for metro in metros:
        for kind, extra in KINDS.items():
            criteria = parse_criteria({"quantity": 1000, "cities": [metro], "state": METROS[metro][0], **extra})
            monitor = await store.insert_monitor(
                name=f"{kind} in {metro}", request={"request": f"{kind} in {metro}"},
                criteria=criteria.model_dump(mode="json"), options={"sources": ["web"]}, cap=None, cron=YEARLY,
                next_tick_at=next_tick(YEARLY), notify=[], endpoint_id=None,
            )  # fmt: skip
            made[monitor.id] = criteria
    return made


async def tick(store: Store, monitors: dict[UUID, Criteria], tick_no: int, timeout: float) -> list[dict[str, Any]]:
    """Make every monitor due now and wait for each one's run of this tick to be delivered."""
    async with store.transaction() as conn:
        await conn.execute("UPDATE pm_pipeline.monitors SET next_tick_at = now() WHERE id = ANY(%s)", (list(monitors),))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with store.transaction() as conn:
            cur = await conn.execute(
                "SELECT monitor_id, tick_no, status, result FROM pm_pipeline.monitor_runs WHERE tick_no = %s",
                (tick_no,),
            )
            rows = [
                dict(zip(("monitor_id", "tick_no", "status", "result"), r, strict=True)) for r in await cur.fetchall()
            ]
        if len(rows) >= len(monitors) and all(r["status"] == "delivered" for r in rows):
            return rows
        await asyncio.sleep(1.0)
    raise TimeoutError(f"tick {tick_no} was not delivered by every monitor in {timeout:.0f}s")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def score(
    world: World, before: World | None, monitors: dict[UUID, Criteria], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    truth = world.by_domain
    changed_since = {c.domain for c in world.changes if before is None or c.day > before.day}
    new_right = new_all = gone_right = gone_all = changed_right = changed_all = 0
    for row in rows:
        result, criteria = row["result"], monitors[row["monitor_id"]]
        for n in result["new"]:
            new_all += 1
            new_right += n["domain"] in truth and matches(truth[n["domain"]], criteria)
        for g in result["gone"]:
            gone_all += 1
            c = truth.get(g["domain"])
            gone_right += c is None or not matches(c, criteria) or c.health in ("dead", "timeout", "down")
        for ch in result["changed"]:
            changed_all += 1
            changed_right += ch["domain"] in changed_since

    def share(right: int, total: int) -> float | None:
        return round(right / total, 3) if total else None

    return {
        "new": new_all, "precision_new": share(new_right, new_all),
        "gone": gone_all, "precision_gone": share(gone_right, gone_all),
        "changed": changed_all, "precision_changed": share(changed_right, changed_all),
        "back": sum(len(r["result"].get("back", [])) for r in rows),
    }  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=2)
    parser.add_argument("--metros", type=int, default=5)
    parser.add_argument("--days", default="0,1,2,3")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--batch-size", type=int, default=10,
        help="LEAD_LIST_BATCH_SIZE of the workers (a monitor without -n takes batches of 25 at least)",
    )  # fmt: skip
    parser.add_argument("--timeout", type=float, default=1500.0, help="seconds one tick may take")
    parser.add_argument("--json-out", type=Path, default=ROOT / "bench" / "results" / "monitor_scale.json")
    args = parser.parse_args()
    days = [int(d) for d in args.days.split(",")]
    started = time.monotonic()
    ticks: list[dict[str, Any]] = []
    with SandboxServer(seed=7, scale=args.scale) as sandbox, bench.fresh_database(bench.admin_dsn()) as dsn:
        pool, store = await bench._open(dsn)
        try:
            monitors = await create_monitors(store, list(METROS)[: args.metros])
            env = {**sandbox.env(), "LEADSCOUT_MONITOR_POLL": "1", "LEAD_LIST_BATCH_SIZE": str(args.batch_size)}
            with bench.Workers(dsn, env, args.workers, args.concurrency) as crew:
                await crew.ready(store)
                before: World | None = None
                for number, day in enumerate(days, 1):
                    world = sandbox.move_to(day)
                    activity = await store.database_activity()
                    t0 = time.monotonic()
                    rows = await tick(store, monitors, number, args.timeout)
                    seconds = time.monotonic() - t0
                    after = await store.database_activity()
                    known = sum(r["result"]["known"] for r in rows)
                    fetches = sum(r["result"]["fetches"] for r in rows)
                    transactions = after["transactions"] - activity["transactions"]
                    runs = await runs_of_tick(store, number)
                    ticks.append({
                        "day": day, "seconds": round(seconds, 1), "known": known,
                        "requests_per_known": round(fetches / known, 2) if known else None,
                        "db_transactions_per_known": round(transactions / known, 1) if known else None,
                        "rss_mb": [rss_mb(p.pid) for p in crew.procs],
                        "one_run_per_monitor": runs == len(monitors),
                        **score(world, before, monitors, rows),
                    })  # fmt: skip
                    print(json.dumps(ticks[-1]), flush=True)
                    before = world
        finally:
            await pool.close()
    total = round(time.monotonic() - started, 1)
    headers = list(ticks[0])
    print(" | ".join(headers))
    for t in ticks:
        print(" | ".join(str(t[h]) for h in headers))
    grew = [i for i in range(len(ticks[0]["rss_mb"])) if any(
        b["rss_mb"][i] > a["rss_mb"][i] * 1.1 for a, b in itertools.pairwise(ticks[1:]))]  # fmt: skip
    summary = {"total_seconds": total, "monitors": len(monitors), "workers": args.workers, "scale": args.scale,
               "metros": args.metros, "batch_size": args.batch_size,
               "known_last_tick": ticks[-1]["known"], "workers_whose_memory_grew_after_day_1": grew}  # fmt: skip
    print(json.dumps(summary))
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps({"ticks": ticks, **summary}, indent=2))


async def runs_of_tick(store: Store, tick_no: int) -> int:
    """Monitor runs of one tick: exactly one per monitor, however many workers' schedulers ran."""
    async with store.transaction() as conn:
        cur = await conn.execute("SELECT count(*) FROM pm_pipeline.monitor_runs WHERE tick_no = %s", (tick_no,))
        row = await cur.fetchone()
    return int(row[0]) if row else 0


if __name__ == "__main__":
    asyncio.run(main())
