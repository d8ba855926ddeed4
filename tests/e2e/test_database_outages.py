"""Each entry point (the CLI, the REST API, the MCP server) with its database stopped mid-run: the
run completes once the database is back, nothing is lost or duplicated, and no traceback
reaches the user (stderr); a database that stays away ends the CLI with one line."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from leadscout.db import embedded
from tests.conftest import FAST_ENV, ROOT, cli_env

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # each brings its own server whatever DATABASE_URL says
CHARLOTTE = "4 property managers in Charlotte, NC"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(
    condition: Callable[[], bool], timeout: float, what: str, proc: subprocess.Popen[str], tmp_path: Path
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"{what}: the process ended first (exit {proc.returncode})\n{_output(proc)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f}s\n{_output(proc)}")
        time.sleep(0.1)


def _output(proc: subprocess.Popen[str]) -> str:
    said = [Path(f"{proc.args_file}.{name}").read_text()[-3000:] for name in ("out", "err")]  # type: ignore[attr-defined]
    return f"stdout: {said[0]}\nstderr: {said[1]}"


def _query(dsn: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=2) as conn:
            return conn.execute(sql, args).fetchall()  # type: ignore[arg-type]
    except psycopg.OperationalError:
        return []


def batches_done(dsn: str) -> bool:
    return bool(_query(dsn, "SELECT 1 FROM pm_pipeline.run_batches WHERE status = 'done' LIMIT 1"))


def run_status(dsn: str, run_id: str) -> str:
    rows = _query(dsn, "SELECT status FROM pm_pipeline.runs WHERE id = %s", run_id)
    return str(rows[0][0]) if rows else ""


def assert_whole(dsn: str, run_id: str, quantity: int = 4) -> None:
    """The run delivered ``quantity`` companies, none twice, and no contact twice."""
    companies = _query(
        dsn, "SELECT domain FROM pm_pipeline.company_candidates WHERE run_id = %s AND status = 'validated'", run_id
    )
    assert len(companies) == len(set(companies)) == quantity, companies
    contacts = _query(
        dsn,
        "SELECT company_id, lower(full_name) FROM pm_pipeline.contact_candidates WHERE run_id = %s",
        run_id,
    )
    assert contacts and len(contacts) == len(set(contacts)), contacts


@contextmanager
def restarted(pgdata: Path, down_for: float = 3.0) -> Iterator[None]:
    """The database goes away for ``down_for`` seconds, then comes back."""
    assert embedded.stop(pgdata)
    try:
        time.sleep(down_for)
        yield
    finally:
        embedded.start(pgdata)


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr[-4000:]


def launch(tmp_path: Path, dsn: str, *args: str, label: str = "cli", **env: str) -> subprocess.Popen[str]:
    """``leadscout ARGS`` in the background, its output in files (a pipe nobody reads can fill up)."""
    environ = {**cli_env(dsn, **FAST_ENV), "LEADSCOUT_LOG_FILE": str(tmp_path / f"{label}.log"), **env}
    base = tmp_path / label
    with Path(f"{base}.out").open("w") as out, Path(f"{base}.err").open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "leadscout", *args], env=environ, cwd=ROOT, stdout=out, stderr=err, text=True
        )
    proc.args_file = str(base)  # type: ignore[attr-defined]
    return proc


def finished(proc: subprocess.Popen[str], timeout: float) -> tuple[str, str]:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    base = proc.args_file  # type: ignore[attr-defined]
    return Path(f"{base}.out").read_text(), Path(f"{base}.err").read_text()


def test_a_cli_run_completes_through_a_database_restart(own_server: tuple[Path, str], tmp_path: Path) -> None:
    pgdata, dsn = own_server
    proc = launch(tmp_path, dsn, "run", "--sandbox", CHARLOTTE, "--json", "--out", str(tmp_path))
    wait_until(lambda: batches_done(dsn), 120, "a first batch", proc, tmp_path)
    with restarted(pgdata):
        assert proc.poll() is None, "the CLI died with the database"
    out, err = finished(proc, 240)
    assert proc.returncode == 0, err[-4000:]
    summary = json.loads(out)
    assert summary["status"] == "completed" and summary["companies_found"] == 4
    assert_whole(dsn, summary["run_id"])  # nothing lost, nothing twice
    no_traceback(err)


def test_a_database_that_stays_away_ends_the_cli_with_one_line(own_server: tuple[Path, str], tmp_path: Path) -> None:
    pgdata, dsn = own_server
    log_file = tmp_path / "cli.log"
    proc = launch(
        tmp_path,
        dsn,
        "run",
        "--sandbox",
        CHARLOTTE,
        "--out",
        str(tmp_path),
        LEADSCOUT_DB_OUTAGE_GRACE="2",
        LEADSCOUT_DB_WAIT="1",
    )
    wait_until(lambda: batches_done(dsn), 120, "a first batch", proc, tmp_path)
    assert embedded.stop(pgdata)
    try:
        _out, err = finished(proc, 120)
    finally:
        embedded.start(pgdata)
    assert proc.returncode == 1
    no_traceback(err)
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "database" in errors[0], err[-3000:]
    assert "resume" in err and str(log_file) in err  # what to do next, and where the details are
    assert "Traceback" in log_file.read_text()  # the whole story is in the log file
    assert run_status(dsn, _only_run(dsn)) == "active"  # saved, not failed: a worker resumes it


def _only_run(dsn: str) -> str:
    rows = _query(dsn, "SELECT id FROM pm_pipeline.runs")
    assert len(rows) == 1
    return str(rows[0][0])


@contextmanager
def serving(*args: str, dsn: str, tmp_path: Path, label: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    proc = launch(tmp_path, dsn, *args, "--port", str(port), "--out", str(tmp_path), label=label)

    def listening() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    try:
        wait_until(listening, 60, f"leadscout {args[0]} listening", proc, tmp_path)
        yield proc, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


async def test_the_api_and_the_mcp_server_say_so_while_the_database_is_away_and_their_runs_complete(
    own_server: tuple[Path, str], tmp_path: Path
) -> None:
    """Both servers on one database, each working a run with its in-process workers, while it
    goes away: the API answers 503 with Retry-After, an MCP tool says so in one line, and both runs
    complete once it is back."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    pgdata, dsn = own_server
    with (
        serving("serve", "--sandbox", "--workers", "2", dsn=dsn, tmp_path=tmp_path, label="api") as (api_proc, port),
        serving("mcp", "--transport", "http", "--sandbox", "--workers", "2", dsn=dsn, tmp_path=tmp_path,
                label="mcp") as (mcp_proc, mcp_port),
    ):  # fmt: skip
        api = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        created = api.post("/api/v1/runs", json={"request": CHARLOTTE, "geo_scope": "metro"})
        assert created.status_code == 201, created.text
        api_run = created.json()["run_id"]
        async with (
            streamable_http_client(f"http://127.0.0.1:{mcp_port}/mcp") as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            started = await session.call_tool("start_run", {"request": "3 property managers in Denver, CO"})
            assert not started.is_error, started.content
            mcp_run = json.loads(started.content[0].text)["run_id"]
            await asyncio.to_thread(wait_until, lambda: batches_done(dsn), 120, "a first batch", api_proc, tmp_path)
            assert embedded.stop(pgdata)
            try:
                await asyncio.sleep(3)
                away = api.get("/api/v1/runs")
                assert away.status_code == 503 and away.headers["content-type"] == "application/problem+json"
                assert away.headers["retry-after"] and "retry" in away.json()["detail"]
                assert api.get("/readyz").status_code == 503
                tool = await session.call_tool("get_run", {"run_id": mcp_run})
                assert tool.is_error and "database" in tool.content[0].text, tool.content
            finally:
                embedded.start(pgdata)
            for run_id, proc in ((api_run, api_proc), (mcp_run, mcp_proc)):
                await asyncio.to_thread(
                    wait_until, lambda r=run_id: run_status(dsn, r) == "completed", 180, "a run completing", proc,
                    tmp_path,
                )  # fmt: skip
            back = await session.call_tool("get_run", {"run_id": mcp_run})
            assert not back.is_error and json.loads(back.content[0].text)["status"] == "completed"
        assert api.get(f"/api/v1/runs/{api_run}").json()["status"] == "completed"
    assert_whole(dsn, api_run)
    assert_whole(dsn, mcp_run, quantity=3)
    for label in ("api", "mcp"):
        no_traceback((tmp_path / f"{label}.err").read_text())
