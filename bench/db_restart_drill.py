"""Drill: runs through the CLI while PostgreSQL is restarted, twice.

    python bench/db_restart_drill.py [--runs 10] [--restarts 2] [--down 3] [--json-out FILE]

Starts an embedded PostgreSQL of its own, launches ``--runs`` `leadscout run --sandbox ... --json`
processes at once (one per metro and size; each works with its own in-process workers), and once
the first batches are in, stops the database for ``--down`` seconds, ``--restarts`` times, a
few seconds apart. Then it checks what a user would: every CLI exits 0 with its run completed,
no traceback on any stderr, every run delivered exactly its target with no company or contact
twice. Prints a table and writes JSON (default bench/results/db_restart_drill.json).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from leadscout import bench  # noqa: E402
from leadscout.db import embedded, migrate  # noqa: E402

FAST = {"WORKER_HEARTBEAT_INTERVAL": "0.5", "WORKER_DEAD_AFTER": "2", "LEADSCOUT_RETRY_BASE_SECONDS": "0.2"}


def query(dsn: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=2) as conn:
            return conn.execute(sql, args).fetchall()  # type: ignore[arg-type]
    except psycopg.OperationalError:
        return []


def launch(dsn: str, request: str, logs: Path, index: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POSTGRES_URL")}
    env.update(DATABASE_URL=dsn, LEADSCOUT_LOG_FILE=str(logs / "leadscout.log"), PYTHONUNBUFFERED="1", **FAST)
    args = [sys.executable, "-m", "leadscout", "run", "--sandbox", request, "--json", "--concurrency", "2"]
    args += ["--out", str(logs / "exports")]
    with (logs / f"run{index}.out").open("w") as out, (logs / f"run{index}.err").open("w") as err:
        return subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=err, text=True)


def outcome(dsn: str, run_id: str) -> dict[str, Any]:
    companies = [
        r[0]
        for r in query(
            dsn, "SELECT domain FROM pm_pipeline.company_candidates WHERE run_id = %s AND status = 'validated'", run_id
        )
    ]
    contacts = query(
        dsn, "SELECT company_id, lower(full_name) FROM pm_pipeline.contact_candidates WHERE run_id = %s", run_id
    )
    return {
        "companies": len(companies),
        "duplicate_companies": len(companies) - len(set(companies)),
        "contacts": len(contacts),
        "duplicate_contacts": len(contacts) - len(set(contacts)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--restarts", type=int, default=2)
    parser.add_argument("--down", type=float, default=3.0, help="seconds the database stays down each time")
    parser.add_argument("--json-out", type=Path, default=ROOT / "bench" / "results" / "db_restart_drill.json")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ls-drill-"))
    pgdata = workdir / "pg"
    admin = embedded.start(pgdata)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute('CREATE DATABASE "drill"')
    dsn = psycopg.conninfo.make_conninfo(admin, dbname="drill")
    migrate.upgrade(dsn)
    requests = []
    for i in range(options.runs):
        city, state = bench.METROS[i % len(bench.METROS)]
        requests.append(f"{4 + i % 3} property managers in {city}, {state}")
    started = time.monotonic()
    procs = [launch(dsn, request, workdir, i) for i, request in enumerate(requests)]
    restarts: list[dict[str, float]] = []
    try:
        while not query(dsn, "SELECT 1 FROM pm_pipeline.run_batches WHERE status = 'done' LIMIT 1"):
            time.sleep(0.2)
        for n in range(options.restarts):
            if n:
                time.sleep(8.0)
            at = time.monotonic() - started
            embedded.stop(pgdata)
            time.sleep(options.down)
            embedded.start(pgdata)
            restarts.append({"at_s": round(at, 1), "down_s": options.down})
            print(f"restart {n + 1}: database stopped at {at:.1f}s for {options.down:.0f}s", flush=True)
        for proc in procs:
            proc.wait(timeout=1800)
        wall = time.monotonic() - started
        rows = []
        for i, (request, proc) in enumerate(zip(requests, procs, strict=True)):
            stderr = (workdir / f"run{i}.err").read_text()
            stdout = (workdir / f"run{i}.out").read_text()
            summary = json.loads(stdout) if stdout.strip().startswith("{") else {}
            target = int(request.split()[0])
            found = outcome(dsn, summary["run_id"]) if summary else {}
            rows.append(
                {
                    "request": request,
                    "exit": proc.returncode,
                    "status": summary.get("status", "?"),
                    "target": target,
                    **found,
                    "tracebacks": stderr.count("Traceback"),
                    "stderr_lines": len(stderr.splitlines()),
                }
            )
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        embedded.stop(pgdata)
    ok = all(
        r["exit"] == 0
        and r["status"] == "completed"
        and r.get("companies") == r["target"]
        and not r.get("duplicate_companies")
        and not r.get("duplicate_contacts")
        and not r["tracebacks"]
        for r in rows
    )
    print(f"\n{'request':44} exit status     companies dup contacts dup tracebacks stderr-lines")
    for r in rows:
        print(
            f"{r['request']:44} {r['exit']:>4} {r['status']:10} {r.get('companies', '-')!s:>5}/{r['target']:<3} "
            f"{r.get('duplicate_companies', '-')!s:>3} {r.get('contacts', '-')!s:>8} "
            f"{r.get('duplicate_contacts', '-')!s:>3} "
            f"{r['tracebacks']:>10} {r['stderr_lines']:>12}"
        )
    lost = sum(max(0, r["target"] - r.get("companies", 0)) for r in rows)
    print(
        f"\n{len(rows)} runs, {len(restarts)} restarts, wall {wall:.0f}s: "
        f"{sum(r['status'] == 'completed' for r in rows)} completed, "
        f"{sum(r['tracebacks'] for r in rows)} tracebacks, {lost} companies lost, "
        f"{sum(r.get('duplicate_companies', 0) + r.get('duplicate_contacts', 0) for r in rows)} duplicated"
        f" -> {'PASS' if ok else 'FAIL'}"
    )
    options.json_out.parent.mkdir(parents=True, exist_ok=True)
    report = {"ok": ok, "wall_s": round(wall, 1), "restarts": restarts, "runs": rows}
    options.json_out.write_text(json.dumps(report, indent=2))
    if ok:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"logs kept in {workdir}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
