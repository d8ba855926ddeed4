"""Pipeline throughput and crash recovery, measured side by side in one run.

    python bench/pipeline_throughput.py [--runs 8] [--quantity 25] [--kills 3] [--json-out FILE]

1. Throughput: N runs of Q companies from the sandbox directory (no simulated latency, so
   this is the orchestration ceiling: procrastinate + leadscout's transactions), worked by
   1, 2 and 4 `leadscout worker` processes. jobs/s = succeeded pipeline jobs / wall time.
2. Recovery: a worker is kill -9'ed mid-batch; the time until another worker restarts the
   batch is measured, with the test liveness settings (heartbeat 0.5 s, dead after 2 s)
   and with 2 s / 6 s.

Uses DATABASE_URL when set, else the embedded server; each measurement gets a fresh database.
Prints a table and writes JSON (default bench/results/pipeline_throughput.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from leadscout.db import embedded, migrate  # noqa: E402
from leadscout.sandbox.world import generate, write_directory_csv  # noqa: E402


def admin_dsn() -> str:
    external = os.environ.get("DATABASE_URL") or os.environ.get("POSTGRES_URL")
    return external or embedded.start(Path(tempfile.gettempdir()) / f"leadscout-bench-pg-{os.getuid()}")


def fresh_db(admin: str) -> tuple[str, str]:
    name = f"ls_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    dsn = make_conninfo(admin, dbname=name)
    migrate.upgrade(dsn)
    return name, dsn


def drop_db(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def env_for(dsn: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POSTGRES_URL")}
    env.update(DATABASE_URL=dsn, **extra)
    return env


def cli(dsn: str, *args: str, **extra: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "leadscout", *args],
        capture_output=True,
        text=True,
        env=env_for(dsn, **extra),
        cwd=ROOT,
        check=True,
    )
    return result.stdout


def one(dsn: str, sql: str, *params: Any) -> Any:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(sql, params).fetchone()  # type: ignore[arg-type]
    return row[0] if row else None


def start_workers(dsn: str, count: int, concurrency: int, **extra: str) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "leadscout", "worker", "--concurrency", str(concurrency), "--id", f"bench-{i}"],
            env=env_for(dsn, **extra),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()


def throughput(admin: str, directory: Path, processes: int, runs: int, quantity: int) -> dict[str, Any]:
    name, dsn = fresh_db(admin)
    try:
        cli(dsn, "directory", "import", str(directory))
        metros = [
            ("Austin", "TX"),
            ("Dallas", "TX"),
            ("Phoenix", "AZ"),
            ("Denver", "CO"),
            ("Atlanta", "GA"),
            ("Tampa", "FL"),
            ("Charlotte", "NC"),
            ("Columbus", "OH"),
        ]
        for i in range(runs):
            city, state = metros[i % len(metros)]
            cli(dsn, "run", "-n", str(quantity), "--city", city, "--state", state, "--no-wait", "--json")
        started = time.monotonic()
        procs = start_workers(dsn, processes, concurrency=4)
        while one(dsn, "SELECT count(*) FROM pm_pipeline.runs WHERE status = 'active'") > 0:
            if time.monotonic() - started > 600:
                raise RuntimeError("throughput run did not finish in 10 minutes")
            time.sleep(0.05)
        wall = time.monotonic() - started
        stop(procs)
        jobs = one(
            dsn, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded' AND task_name <> 'leadscout.sweep'"
        )
        window = one(
            dsn,
            "SELECT extract(epoch FROM max(at) FILTER (WHERE type = 'succeeded') "
            "- min(at) FILTER (WHERE type = 'started')) FROM procrastinate_events e "
            "JOIN procrastinate_jobs j ON j.id = e.job_id WHERE j.task_name <> 'leadscout.sweep'",
        )
        completed = one(dsn, "SELECT count(*) FROM pm_pipeline.runs WHERE status = 'completed'")
        companies = one(dsn, "SELECT count(*) FROM pm_pipeline.company_candidates")
        return {
            "processes": processes,
            "runs": runs,
            "completed": completed,
            "jobs": jobs,
            "companies": companies,
            "wall_seconds": round(wall, 3),
            "jobs_per_second": round(jobs / wall, 1),
            "db_window_seconds": round(float(window), 3),
            "jobs_per_second_db_window": round(jobs / float(window), 1),
            "companies_per_minute": round(60 * companies / wall, 1),
        }
    finally:
        drop_db(admin, name)


def recovery(admin: str, directory: Path, heartbeat: float, dead_after: float) -> float:
    name, dsn = fresh_db(admin)
    liveness = {
        "WORKER_HEARTBEAT_INTERVAL": str(heartbeat),
        "WORKER_DEAD_AFTER": str(dead_after),
        "LEADSCOUT_SIMULATED_LATENCY": "1.5",
    }
    try:
        cli(dsn, "directory", "import", str(directory))
        run_id = json.loads(cli(dsn, "run", "-n", "25", "--city", "Austin", "--state", "TX", "--no-wait", "--json"))[
            "run_id"
        ]
        victim = start_workers(dsn, 1, concurrency=1, **liveness)[0]
        sql = "SELECT count(*) FROM pm_pipeline.run_batches WHERE run_id = %s AND status = 'done'"
        while one(dsn, sql, run_id) < 1:
            time.sleep(0.02)
        time.sleep(0.3)  # well inside batch 2
        victim.send_signal(signal.SIGKILL)
        killed = time.time()
        victim.wait()
        rescuer = start_workers(dsn, 1, concurrency=2, **liveness)
        restarted_sql = (
            "SELECT extract(epoch FROM started_at) FROM pm_pipeline.run_batches "
            "WHERE run_id = %s AND batch_no = 2 AND attempts = 2"
        )
        deadline = time.monotonic() + 120
        while (restarted := one(dsn, restarted_sql, run_id)) is None:
            if time.monotonic() > deadline:
                raise RuntimeError("batch 2 was never resumed")
            time.sleep(0.02)
        stop(rescuer)
        return round(float(restarted) - killed, 2)
    finally:
        drop_db(admin, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--quantity", type=int, default=25)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--json-out", type=Path, default=ROOT / "bench" / "results" / "pipeline_throughput.json")
    args = parser.parse_args()

    admin = admin_dsn()
    directory = Path(tempfile.mkdtemp()) / "directory.csv"
    write_directory_csv(generate(7), directory)

    rows = [throughput(admin, directory, n, args.runs, args.quantity) for n in (1, 2, 4)]
    print(f"\nPipeline throughput ({args.runs} runs x {args.quantity} companies, concurrency 4 per process)")
    print(
        f"{'processes':>9} {'jobs':>6} {'wall s':>8} {'jobs/s':>8} {'jobs/s (DB window)':>19} "
        f"{'companies/min':>14} {'vs 1 proc':>10}"
    )
    for row in rows:
        ratio = row["jobs_per_second"] / rows[0]["jobs_per_second"]
        print(
            f"{row['processes']:>9} {row['jobs']:>6} {row['wall_seconds']:>8.2f} {row['jobs_per_second']:>8.1f} "
            f"{row['jobs_per_second_db_window']:>19.1f} "
            f"{row['companies_per_minute']:>14.0f} {ratio:>9.2f}x"
        )

    recoveries = {}
    for heartbeat, dead_after in ((0.5, 2.0), (2.0, 6.0)):
        samples = [recovery(admin, directory, heartbeat, dead_after) for _ in range(args.kills)]
        recoveries[f"heartbeat={heartbeat}s,dead_after={dead_after}s"] = samples
    print("\nkill -9 mid-batch -> batch restarted on another worker (seconds)")
    for label, samples in recoveries.items():
        print(f"  {label:<32} {', '.join(f'{s:.2f}' for s in samples)}  (mean {sum(samples) / len(samples):.2f})")

    result = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "database": "external" if os.environ.get("DATABASE_URL") else "embedded",
        },
        "throughput": rows,
        "recovery_seconds": recoveries,
    }
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {args.json_out}")


if __name__ == "__main__":
    main()
