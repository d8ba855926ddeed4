"""Benchmark: a monitor over the sandbox world's days, scored against each day's ground truth.

    python bench/monitor_quality.py [--city Austin --state TX] [--days 0,1,2] [--style classic] [--json-out FILE]

Creates a monitor ("AppFolio property managers in CITY, STATE", --geo city, --sandbox) in a fresh
database and runs one tick per day through the real CLI, then the last day once more (nothing
changed since). Per tick: precision of `new` against that day's truth, companies that stopped
matching and how many were reported in `gone` or `changed`, sites down for that day only and how
many were called gone (none should be), companies back after a closure and how many were reported
`back`, requests (all, per known company, and re-checking the known companies); at the end,
what the monitor delivered in all against the matching companies discovery can reach. Prints a
table and writes JSON (default bench/results/monitor_quality.json).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from leadscout import bench  # noqa: E402
from leadscout.sandbox.world import build  # noqa: E402

UNREACHABLE = {"dead", "timeout", "robots_disallow", "parked"}  # no discovery can prove these


def cli(dsn: str, *args: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": dsn}
    done = subprocess.run([sys.executable, "-m", "leadscout", *args], capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"leadscout {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout))


def bad_days(day: int, style: str) -> tuple[set[str], set[str]]:
    """(domains down on ``day`` only, domains that reopened on ``day``) as the world's timeline says."""
    world = build(7, style=style, day=day)
    today = [c for c in world.changes if c.day == day]
    return {c.domain for c in today if c.change == "outage"}, {c.domain for c in today if c.change == "reopened"}


def truth(city: str, state: str, day: int, style: str) -> tuple[set[str], set[str]]:
    """(matching, matching and reachable) domains on ``day``."""
    world = build(7, style=style, day=day)
    match = [c for c in world.companies if c.kind == "property_manager" and c.city == city and c.state == state
             and c.pms == "appfolio" and c.health != "dead"]  # fmt: skip
    return {c.domain for c in match}, {c.domain for c in match if c.health not in UNREACHABLE}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--city", default="Austin")
    parser.add_argument("--state", default="TX")
    parser.add_argument("--days", default="0,1,2")
    parser.add_argument("--style", default="classic")
    parser.add_argument("--json-out", type=Path, default=ROOT / "bench" / "results" / "monitor_quality.json")
    args = parser.parse_args()
    days = [int(d) for d in args.days.split(",")]
    rows: list[dict[str, Any]] = []
    with bench.fresh_database(bench.admin_dsn()) as dsn:
        created = cli(dsn, "monitor", "create", f"AppFolio property managers in {args.city}, {args.state}",
                      "--geo", "city", "--sandbox", "--style", args.style, "--json")  # fmt: skip
        delivered: set[str] = set()
        active: set[str] = set()
        closed: set[str] = set()  # reported gone, not back yet
        previous = -1
        for day in [*days, days[-1]]:
            started = time.perf_counter()
            tick = cli(dsn, "monitor", "run", created["id"], "--world-day", str(day), "--json")
            seconds = time.perf_counter() - started
            matching, _ = truth(args.city, args.state, day, args.style)
            new = {n["domain"] for n in tick["new"]}
            gone = {g["domain"] for g in tick["gone"]}
            reported = gone | {c["domain"] for c in tick["changed"]}
            stopped = active - matching
            down, reopened = bad_days(day, args.style) if day != previous else (set(), set())
            back = {b["domain"] for b in tick["back"]}
            previous = day
            rows.append({
                "day": day, "seconds": round(seconds, 1), "new": len(new), "gone": len(tick["gone"]),
                "changed": len(tick["changed"]), "known": tick["known"],
                "precision_new": round(len(new & matching) / len(new), 3) if new else None,
                "stopped_matching": len(stopped), "stopped_reported": len(stopped & reported),
                "down_today": len(down & active), "down_called_gone": len(down & active & gone),
                "failing": len(tick["failing"]), "reopened": len(reopened & closed), "back": len(back),
                "back_right": len(back & matching), "fetches": tick["fetches"],
                "requests_per_known": tick["requests_per_known"], "recheck_fetches": tick["recheck_fetches"],
                "recheck_per_known": round(tick["recheck_fetches"] / tick["known"], 2) if tick["known"] else None,
            })  # fmt: skip
            delivered |= new
            closed = (closed | gone) - back
            active = (active | new | back) - gone
        _, reachable = truth(args.city, args.state, days[-1], args.style)
        reached_ever = set().union(*(truth(args.city, args.state, d, args.style)[1] for d in days))
        summary = {
            "coverage_last_day": round(len(delivered & reachable) / len(reachable), 3) if reachable else None,
            "coverage_ever": round(len(delivered & reached_ever) / len(reached_ever), 3) if reached_ever else None,
            "stopped_reported": sum(r["stopped_reported"] for r in rows),
            "stopped_matching": sum(r["stopped_matching"] for r in rows),
            "down_called_gone": sum(r["down_called_gone"] for r in rows),
            "back_reported": sum(r["back"] for r in rows),
            "reopened": sum(r["reopened"] for r in rows),
            "unchanged_tick_requests_per_known": rows[-1]["requests_per_known"],
        }
    headers = list(rows[0])
    print(" | ".join(headers))
    for r in rows:
        print(" | ".join(str(r[h]) for h in headers))
    print(json.dumps(summary))
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps({"city": args.city, "state": args.state, "style": args.style, "ticks": rows,
                                         **summary}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
