"""Shared fixtures: a real PostgreSQL (DATABASE_URL, else an embedded server), one template
database with the schema, and a fresh database per test cloned from it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from filelock import FileLock
from psycopg.conninfo import make_conninfo

from leadscout.config import Settings
from leadscout.db import embedded, migrate
from leadscout.db.connection import open_pool
from leadscout.db.store import Store
from leadscout.models import Run
from leadscout.pipeline.jobs import COMPANY_QUEUES
from leadscout.workers.runner import WorkerConfig, needs_no_more_work, run_worker

ROOT = Path(__file__).resolve().parents[1]


def shared_data(name: str) -> Path:
    """A file of the real test data in ``shared/data`` (never shipped in the package): from
    LEADSCOUT_SHARED_DATA, else the nearest ``shared/data`` beside an ancestor of this checkout,
    else the workplace's ``/work/shared/data``. A missing file fails the test that needs it."""
    places = [Path(os.environ["LEADSCOUT_SHARED_DATA"])] if os.environ.get("LEADSCOUT_SHARED_DATA") else []
    places += [parent / "shared" / "data" for parent in ROOT.parents]
    places.append(Path("/work/shared/data"))
    for place in places:
        if (place / name).is_file():
            return place / name
    pytest.fail(f"shared test data {name} not found; set LEADSCOUT_SHARED_DATA (looked in {places[0]}, ...)")


TEST_PG_DIR = Path(tempfile.gettempdir()) / f"leadscout-test-pg-{os.getuid()}"
_EXTERNAL = os.environ.get("DATABASE_URL") or os.environ.get("POSTGRES_URL")


def _dsn_for(base: str, dbname: str) -> str:
    return make_conninfo(base, dbname=dbname)


@pytest.fixture(scope="session")
def pg_admin_dsn() -> str:
    """DSN of a maintenance database on the server the tests use."""
    if _EXTERNAL:
        return _EXTERNAL
    with FileLock(f"{TEST_PG_DIR}.lock"):  # pytest-xdist workers share one embedded server
        return embedded.start(TEST_PG_DIR)


@pytest.fixture(scope="session")
def template_db(pg_admin_dsn: str) -> Iterator[str]:
    name = f"ls_tmpl_{os.getpid()}"
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    migrate.upgrade(_dsn_for(pg_admin_dsn, name))
    yield name
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def _fresh_database(admin: str, template: str | None) -> str:
    name = f"ls_t_{uuid.uuid4().hex[:12]}"
    clause = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{clause}')  # type: ignore[arg-type]
    return name


def _drop_database(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


@pytest.fixture
def dsn(pg_admin_dsn: str, template_db: str) -> Iterator[str]:
    """A fresh database with the full schema, dropped after the test."""
    name = _fresh_database(pg_admin_dsn, template_db)
    yield _dsn_for(pg_admin_dsn, name)
    _drop_database(pg_admin_dsn, name)


@pytest.fixture
def own_server(request: pytest.FixtureRequest) -> Iterator[tuple[Path, str]]:
    """A PostgreSQL of this test's own (embedded, with the schema), so it can be stopped and started
    mid-run without touching the server other tests share."""
    name = re.sub(r"\W", "_", request.node.name)[:20]
    pgdata = Path(tempfile.gettempdir()) / f"ls-own-pg-{name}-{uuid.uuid4().hex[:8]}"
    admin = embedded.start(pgdata)
    db = "own"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{db}"')  # type: ignore[arg-type]
    own = _dsn_for(admin, db)
    migrate.upgrade(own)
    try:
        yield pgdata, own
    finally:
        embedded.stop(pgdata)
        shutil.rmtree(pgdata, ignore_errors=True)


@pytest.fixture
def empty_dsn(pg_admin_dsn: str) -> Iterator[str]:
    """A fresh database with no schema at all."""
    name = _fresh_database(pg_admin_dsn, None)
    yield _dsn_for(pg_admin_dsn, name)
    _drop_database(pg_admin_dsn, name)


FAST = {
    "heartbeat_interval": 0.5,
    "dead_after": 2.0,
    "retry_base_seconds": 0.05,
    "job_timeout": 60.0,
    "job_poll_interval": 1.0,
}
FAST_ENV = {
    "WORKER_HEARTBEAT_INTERVAL": "0.5",
    "WORKER_DEAD_AFTER": "2",
    "LEADSCOUT_RETRY_BASE_SECONDS": "0.05",
    "LEADSCOUT_JOB_TIMEOUT": "60",
    "LEADSCOUT_JOB_POLL_INTERVAL": "1",
}


@pytest.fixture
def settings(dsn: str, tmp_path: Path) -> Settings:
    return Settings(database_url=dsn, exports_dir=tmp_path / "exports", **FAST)  # type: ignore[arg-type]


@pytest.fixture
async def store(dsn: str, settings: Settings) -> AsyncIterator[Store]:
    pool = open_pool(dsn, settings, max_size=6)
    await pool.open(wait=True)
    try:
        yield Store(pool)
    finally:
        await pool.close()


@pytest.fixture(scope="session")
def world_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sandbox world (seed 7) as a directory file."""
    from leadscout.sandbox.world import generate, write_directory_csv

    path = tmp_path_factory.mktemp("world") / "directory.csv"
    write_directory_csv(generate(7), path)
    return path


TEST_LOG_FILE = Path(tempfile.gettempdir()) / f"leadscout-tests-{os.getpid()}.log"


def cli_env(dsn: str, **extra: str) -> dict[str, str]:
    """The environment of a CLI subprocess: this test's database, and a log file of the test
    process's own (never the user's)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POSTGRES_URL")}
    env.update(DATABASE_URL=dsn, PYTHONUNBUFFERED="1", LEADSCOUT_LOG_FILE=str(TEST_LOG_FILE))
    env.update(extra)
    return env


def leadscout(
    *args: str, dsn: str, env: dict[str, str] | None = None, timeout: float = 120, input_text: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess; one that outlives ``timeout`` fails the test with its output."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "leadscout", *args],
            capture_output=True,
            text=True,
            env={**cli_env(dsn), **(env or {})},
            timeout=timeout,
            input=input_text,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired as exc:
        said = [
            part.decode(errors="replace") if isinstance(part, bytes) else part or ""
            for part in (exc.stdout, exc.stderr)
        ]
        pytest.fail(
            f"leadscout {' '.join(args)} ran over {timeout:.0f}s\nstdout: {said[0][-3000:]}\nstderr: {said[1][-3000:]}"
        )


async def work_until_settled(
    store: Store, settings: Settings, dsn: str, run: Run, *, concurrency: int = 4, make_source: Any = None
) -> Run:
    """Work ``run`` with an in-process worker until it leaves ``active`` and nothing of its research
    or contacts is queued (a run that asks its user researches what it found meanwhile), as the
    CLI's worker does; return it as it ended."""

    async def settled() -> bool:
        return await needs_no_more_work(store, run.id, COMPANY_QUEUES)

    config = WorkerConfig(
        concurrency=concurrency, install_signal_handlers=False, until=settled, make_source=make_source
    )
    await run_worker(settings, dsn, config)
    final = await store.get_run(run.id)
    assert final is not None
    return final


def run_stories(dsn: str, per_run: int = 60) -> str:
    """Every run in the database with its last events: what a failed test that waited for a run
    prints, so the failure says what the run did."""
    lines: list[str] = []
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=3) as conn:
            runs = conn.execute(
                "SELECT id, status, stage, target_quantity FROM pm_pipeline.runs ORDER BY created_at"
            ).fetchall()
            for run_id, status, stage, target in runs:
                lines.append(f"run {run_id}: {status} (stage {stage}, target {target})")
                events = conn.execute(
                    "SELECT created_at, event, entity_id, payload::text FROM ("
                    " SELECT * FROM pm_pipeline.run_events WHERE run_id = %s ORDER BY id DESC LIMIT %s"
                    ") e ORDER BY id",
                    [run_id, per_run],
                ).fetchall()
                lines += [
                    f"  {at:%H:%M:%S.%f} {event} {entity or ''} {payload[:300]}"
                    for at, event, entity, payload in events
                ]
    except psycopg.Error as exc:
        lines.append(f"(the runs could not be read: {exc})")
    return "\n".join(lines) or "(no runs)"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed test that used a database shows the event story of each of its runs."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when != "call" or not report.failed:
        return
    funcargs = getattr(item, "funcargs", {})
    dsn = funcargs.get("dsn") or (funcargs.get("own_server") or (None, None))[1]
    if dsn:
        report.sections.append(("run event stories", run_stories(dsn)))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long tests first (e2e, then integration, then unit): with two processes, a long test
    that starts last keeps one of them busy while the other has nothing left to do."""
    rank = {"e2e": 0, "integration": 1, "unit": 2}
    items.sort(key=lambda item: rank.get(item.path.parent.name, 3))
