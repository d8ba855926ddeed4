"""Drills with real worker processes: kill -9 mid-batch, SIGTERM, `workers stop`, and
concurrent runs. Short heartbeat (0.5 s) and liveness (2 s) settings keep them fast."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import FAST_ENV, ROOT, cli_env, leadscout

pytestmark = pytest.mark.e2e


class Workers:
    """Start and clean up `leadscout worker` subprocesses."""

    def __init__(self, dsn: str, logs: Path) -> None:
        self.dsn, self.logs, self.procs = dsn, logs, []  # type: ignore[var-annotated]

    def start(self, *args: str, latency: float = 0.0, **env: str) -> subprocess.Popen[bytes]:
        n = len(self.procs)
        log = (self.logs / f"worker{n}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "leadscout", "worker", *args],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=cli_env(self.dsn, **FAST_ENV, LEADSCOUT_SIMULATED_LATENCY=str(latency), **env),
        )
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def workers(dsn: str, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(dsn, tmp_path)
    yield pool
    pool.stop_all()


def query(dsn: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


def wait_for(condition: Callable[[], bool], timeout: float = 60, what: str = "condition") -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic()
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def new_run(dsn: str, *args: str) -> str:
    result = leadscout("run", *args, "--no-wait", "--json", "--source", "directory", "--geo", "city", dsn=dsn)
    assert result.returncode == 0, result.stderr
    return str(json.loads(result.stdout)["run_id"])


def run_state(dsn: str, run_id: str) -> tuple[str, str]:
    return query(dsn, "SELECT stage, status FROM pm_pipeline.runs WHERE id = %s", run_id)[0]  # type: ignore[return-value]


def batches(dsn: str, run_id: str) -> list[tuple[Any, ...]]:
    return query(
        dsn,
        "SELECT batch_no, requested, found, status, attempts FROM pm_pipeline.run_batches "
        "WHERE run_id = %s ORDER BY batch_no",
        run_id,
    )


def expected_domains(dsn: str, city: str, n: int) -> set[str]:
    """What an undisturbed run delivers: the directory's deterministic top-n for the city."""
    rows = query(
        dsn,
        "SELECT domain FROM pm_pipeline.directory_companies WHERE city = %s "
        "ORDER BY units DESC NULLS LAST, domain LIMIT %s",
        city,
        n,
    )
    return {r[0] for r in rows}


def delivered(dsn: str, run_id: str) -> list[str]:
    return [r[0] for r in query(dsn, "SELECT domain FROM pm_pipeline.company_candidates WHERE run_id = %s", run_id)]


@pytest.mark.sql
def test_kill9_mid_batch_second_worker_resumes_from_checkpoint(dsn: str, world_csv: Path, workers: Workers) -> None:
    leadscout("directory", "import", str(world_csv), dsn=dsn)
    run_id = new_run(dsn, "-n", "25", "--city", "Austin", "--state", "TX")
    a = workers.start("--concurrency", "1", "--id", "worker-a", latency=1.5)
    wait_for(lambda: [b[0] for b in batches(dsn, run_id) if b[3] == "running"] == [2], what="batch 2 running")
    a.send_signal(signal.SIGKILL)
    killed_at = time.time()
    a.wait(timeout=10)
    assert [b[:4] for b in batches(dsn, run_id)] == [(1, 10, 10, "done"), (2, 10, 0, "running")]
    assert len(delivered(dsn, run_id)) == 10  # the checkpoint: batch 1 only

    workers.start("--concurrency", "2", "--id", "worker-b", latency=0.2)
    wait_for(lambda: run_state(dsn, run_id)[1] != "active", timeout=90, what="run to finish")
    resumed_at = query(
        dsn,
        "SELECT extract(epoch FROM started_at) FROM pm_pipeline.run_batches WHERE run_id = %s AND batch_no = 2",
        run_id,
    )[0][0]
    print(f"\nkill -9 -> batch 2 resumed by worker-b after {float(resumed_at) - killed_at:.2f}s")

    assert run_state(dsn, run_id) == ("done", "completed")
    assert batches(dsn, run_id) == [(1, 10, 10, "done", 1), (2, 10, 10, "done", 2), (3, 5, 5, "done", 1)]
    domains = delivered(dsn, run_id)
    assert len(domains) == len(set(domains)) == 25
    assert set(domains) == expected_domains(dsn, "Austin", 25)
    assert query(dsn, "SELECT worker_id FROM pm_pipeline.run_batches WHERE run_id = %s AND batch_no = 2", run_id) == [
        ("worker-b",)
    ]
    events = [r[0] for r in query(dsn, "SELECT event FROM pm_pipeline.run_events WHERE run_id = %s", run_id)]
    assert "job_recovered" in events
    # the killed worker is reported dead; nothing is left queued or running
    dead = query(
        dsn,
        "SELECT worker_id FROM pm_pipeline.worker_heartbeats WHERE worker_id = 'worker-a' "
        "AND status <> 'stopped' AND last_heartbeat < now() - interval '2 seconds'",
    )
    assert dead == [("worker-a",)]
    assert query(
        dsn,
        "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') AND task_name <> 'leadscout.sweep'",
    ) == [(0,)]


def test_sigterm_finishes_the_current_job_and_reports_stopped(dsn: str, world_csv: Path, workers: Workers) -> None:
    leadscout("directory", "import", str(world_csv), dsn=dsn)
    run_id = new_run(dsn, "-n", "20", "--city", "Dallas", "--state", "TX")
    a = workers.start("--concurrency", "1", "--id", "worker-term", latency=2.0)
    wait_for(lambda: any(b[3] == "running" for b in batches(dsn, run_id)), what="batch 1 running")
    a.send_signal(signal.SIGTERM)
    assert a.wait(timeout=30) == 0
    # graceful: the batch in hand was finished, not abandoned
    assert batches(dsn, run_id)[0] == (1, 10, 10, "done", 1)
    assert query(dsn, "SELECT status FROM pm_pipeline.worker_heartbeats WHERE worker_id = 'worker-term'") == [
        ("stopped",)
    ]
    workers.start("--concurrency", "2")
    wait_for(lambda: run_state(dsn, run_id) == ("done", "completed"), what="run to complete")
    assert [b[:3] for b in batches(dsn, run_id)] == [(1, 10, 10), (2, 10, 10)]


def test_workers_stop_command_stops_after_the_current_job(dsn: str, world_csv: Path, workers: Workers) -> None:
    leadscout("directory", "import", str(world_csv), dsn=dsn)
    run_id = new_run(dsn, "-n", "30", "--city", "Phoenix", "--state", "AZ")
    a = workers.start("--concurrency", "1", "--id", "worker-stop", latency=1.5)
    wait_for(lambda: any(b[3] == "running" for b in batches(dsn, run_id)), what="batch running")
    listing = json.loads(leadscout("workers", "--json", dsn=dsn).stdout)
    row = next(w for w in listing["active"] if w["worker_id"] == "worker-stop")
    # its current job: the batch, or a company of batch 1 researched (or its contacts) while discovery goes on
    assert row["status"] == "processing"
    assert row["current_task"].startswith(("Lead discovery batch", "Researching company", "Finding contacts"))
    assert row["pid"] == a.pid
    result = leadscout("workers", "stop", "worker-stop", dsn=dsn)
    assert result.returncode == 0 and "stop requested" in result.stdout
    assert a.wait(timeout=30) == 0
    assert batches(dsn, run_id)[0][3] == "done"
    assert query(dsn, "SELECT status FROM pm_pipeline.worker_heartbeats WHERE worker_id = 'worker-stop'") == [
        ("stopped",)
    ]
    unknown = leadscout("workers", "stop", "no-such-worker", dsn=dsn)
    assert unknown.returncode == 2 and "leadscout workers" in unknown.stderr


CITIES = [("Austin", "TX", 12), ("Dallas", "TX", 15), ("Phoenix", "AZ", 9), ("Denver", "CO", 14), ("Atlanta", "GA", 11)]


def test_five_concurrent_runs_three_workers_no_cross_talk(dsn: str, world_csv: Path, workers: Workers) -> None:
    leadscout("directory", "import", str(world_csv), dsn=dsn)
    runs = {new_run(dsn, "-n", str(n), "--city", city, "--state", state): (city, state, n) for city, state, n in CITIES}
    for _ in range(3):
        workers.start("--concurrency", "3", latency=0.1)
    wait_for(lambda: all(run_state(dsn, r)[1] != "active" for r in runs), timeout=120, what="all runs")
    for run_id, (city, state, n) in runs.items():
        assert run_state(dsn, run_id) == ("done", "completed")
        rows = query(dsn, "SELECT domain, city, state FROM pm_pipeline.company_candidates WHERE run_id = %s", run_id)
        assert len(rows) == len({r[0] for r in rows}) == n
        assert {(r[1], r[2]) for r in rows} == {(city, state)}
        assert {r[0] for r in rows} == expected_domains(dsn, city, n)
        expected = [min(10, n - 10 * i) for i in range(math.ceil(n / 10))]
        assert [b[2] for b in batches(dsn, run_id)] == expected
        contacts = query(
            dsn,
            "SELECT count(*) FROM pm_pipeline.contact_candidates ct JOIN "
            "pm_pipeline.company_candidates c ON c.id = ct.company_id "
            "WHERE ct.run_id = %s AND c.run_id <> ct.run_id",
            run_id,
        )
        assert contacts == [(0,)]
    assert query(
        dsn,
        "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') AND task_name <> 'leadscout.sweep'",
    ) == [(0,)]
    assert query(dsn, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'") == [(0,)]
    used = query(dsn, "SELECT count(DISTINCT worker_id) FROM pm_pipeline.run_batches")
    assert used[0][0] >= 2, "work should spread over the worker processes"


def test_lead_list_runner_module_entry_point(dsn: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "leadscout.workers.lead_list_runner", "--help"],
        capture_output=True,
        text=True,
        env=cli_env(dsn),
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0 and "--concurrency" in result.stdout


def test_run_filter_id_takes_only_that_run_and_exits_when_it_is_done(
    dsn: str, world_csv: Path, workers: Workers
) -> None:
    leadscout("directory", "import", str(world_csv), dsn=dsn)
    mine = new_run(dsn, "-n", "15", "--city", "Denver", "--state", "CO")
    other = new_run(dsn, "-n", "10", "--city", "Tampa", "--state", "FL")
    filtered = workers.start("--concurrency", "2", "--id", "filtered", RUN_FILTER_ID=mine)
    assert filtered.wait(timeout=60) == 0  # it left by itself once its run was done
    assert run_state(dsn, mine) == ("done", "completed")
    left = "SELECT task_name FROM procrastinate_jobs WHERE args ->> 'run_id' = %s AND status IN ('todo', 'doing')"
    assert query(dsn, left, mine) == []  # and once what the run's end queued (its notice) had gone out
    assert batches(dsn, other) == [] and run_state(dsn, other) == ("company_discovery", "active")
    assert query(dsn, "SELECT lane FROM pm_pipeline.runs WHERE id = %s", mine) == [(None,)]
    workers.start("--concurrency", "2")
    wait_for(lambda: run_state(dsn, other) == ("done", "completed"), what="the other run")


def test_a_dead_filtered_worker_hands_its_run_back(dsn: str, world_csv: Path, workers: Workers) -> None:
    leadscout("directory", "import", str(world_csv), dsn=dsn)
    run_id = new_run(dsn, "-n", "25", "--city", "Charlotte", "--state", "NC")
    filtered = workers.start("--concurrency", "1", "--id", "pinned", latency=1.5, RUN_FILTER_ID=run_id)
    wait_for(
        lambda: query(dsn, "SELECT lane FROM pm_pipeline.runs WHERE id = %s", run_id)[0][0] is not None,
        what="the run to be pinned",
    )
    shared = workers.start("--concurrency", "2")  # a shared worker must not touch the pinned run
    wait_for(lambda: [b[3] for b in batches(dsn, run_id)] == ["done", "running"], what="batch 2 running")
    assert query(dsn, "SELECT DISTINCT worker_id FROM pm_pipeline.run_batches WHERE run_id = %s", run_id) == [
        ("pinned",)
    ]
    filtered.send_signal(signal.SIGKILL)
    wait_for(lambda: run_state(dsn, run_id) == ("done", "completed"), timeout=60, what="shared worker to finish")
    assert shared.poll() is None
    assert [b[:3] for b in batches(dsn, run_id)] == [(1, 10, 10), (2, 10, 10), (3, 5, 5)]
    events = [
        r[0] for r in query(dsn, "SELECT event FROM pm_pipeline.run_events WHERE run_id = %s ORDER BY id", run_id)
    ]
    assert events.index("run_pinned") < events.index("run_unpinned")


def test_worker_max_loops_bounds_the_jobs_a_worker_takes(dsn: str, world_csv: Path, workers: Workers) -> None:
    leadscout("directory", "import", str(world_csv), dsn=dsn)
    run_id = new_run(dsn, "-n", "30", "--city", "Columbus", "--state", "OH")
    one = workers.start("--concurrency", "1", "--type", "lead_list", WORKER_MAX_LOOPS="1")
    assert one.wait(timeout=60) == 0
    assert [b[3] for b in batches(dsn, run_id)] == ["done"]
    bad = leadscout("worker", dsn=dsn, env={"WORKER_MAX_LOOPS": "zero"})
    assert bad.returncode == 2 and "WORKER_MAX_LOOPS" in bad.stderr and "Traceback" not in bad.stderr
