"""Security drills: a least-privilege database role works a run end to end (and still cannot touch
the schema), and secrets given to leadscout never reach its logs, its exports or its database."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from leadscout.db import migrate
from leadscout.sandbox.llm import ResearcherBrain, ScriptedLLM
from leadscout.sandbox.server import SandboxServer
from tests.conftest import leadscout

pytestmark = pytest.mark.e2e
SENTINELS = {
    "LEADSCOUT_LLM_API_KEY": "sk-sentinel-llm-7c1f9e",
    "HUBSPOT_ACCESS_TOKEN": "pat-sentinel-hubspot-42aa",
    "SMTP_PASSWORD": "smtp-sentinel-pass-9d3b",
    "LEADSCOUT_API_TOKEN": "api-sentinel-token-5e11",
    "SERPER_API_KEY": "serper-sentinel-key-0b7d",
}


@pytest.fixture
def worker_role(dsn: str) -> Iterator[str]:
    role = f"ls_worker_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")  # type: ignore[arg-type]
    migrate.grant(dsn, role)
    params = conninfo_to_dict(dsn)
    params["user"] = role
    params.pop("password", None)
    yield make_conninfo(**params)  # type: ignore[arg-type]
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP OWNED BY {role}")  # type: ignore[arg-type]
        conn.execute(f"DROP ROLE {role}")  # type: ignore[arg-type]


@pytest.mark.sql
def test_a_least_privilege_role_works_a_run_but_cannot_touch_the_schema(
    dsn: str, worker_role: str, world_csv: Path, tmp_path: Path
) -> None:
    assert leadscout("directory", "import", str(world_csv), dsn=dsn).returncode == 0
    created = leadscout(
        "run", "-n", "4", "--city", "Austin", "--state", "TX", "--source", "directory", "--no-wait", "--json", dsn=dsn
    )
    run_id = json.loads(created.stdout)["run_id"]
    env = {"RUN_FILTER_ID": run_id, "LEADSCOUT_EXPORTS_DIR": str(tmp_path), "WORKER_HEARTBEAT_INTERVAL": "0.5"}
    worked = leadscout("worker", dsn=worker_role, env={**env, "WORKER_DEAD_AFTER": "2"}, timeout=120)
    assert worked.returncode == 0, worked.stderr[-1500:]
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT stage, status FROM pm_pipeline.runs WHERE id = %s", [run_id]).fetchone()
    assert row == ("done", "completed")
    with psycopg.connect(worker_role, autocommit=True) as conn:
        for ddl in ("DROP TABLE pm_pipeline.runs", "ALTER TABLE pm_pipeline.runs ADD COLUMN x int"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(ddl)  # type: ignore[arg-type]


@pytest.mark.once
def test_secrets_never_reach_logs_exports_or_the_database(dsn: str, tmp_path: Path) -> None:
    with (
        ScriptedLLM(ResearcherBrain(), api_key=SENTINELS["LEADSCOUT_LLM_API_KEY"]) as llm,
        SandboxServer(seed=7) as crm,  # its HubSpot double takes the push, with the sentinel as its token
    ):
        crm.app.hubspot.token = SENTINELS["HUBSPOT_ACCESS_TOKEN"]
        env = {
            **llm.env(),
            **SENTINELS,
            "HUBSPOT_API_BASE": f"{crm.url}/hubspot",
            "LEADSCOUT_SEARCH_PROVIDER": "searxng",  # the Serper key is set, unused, and must stay unseen
            "SMTP_USER": "leadscout",
            "LEADSCOUT_FETCH_TIMEOUT": "2",
            "LEADSCOUT_POLITENESS_DELAY": "0.05",
            "LEADSCOUT_LOG_FILE": str(tmp_path / "leadscout.log"),
        }
        out = tmp_path / "out"
        result = leadscout(
            "-v", "run", "--sandbox", "3 property managers in Charlotte, NC", "--geo", "city", "--json",
            "--out", str(out), dsn=dsn, env=env, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        summary = json.loads(result.stdout)
        pushed = leadscout("-v", "hubspot", "push", summary["run_id"], dsn=dsn, env=env, timeout=120)
        assert pushed.returncode == 0 and crm.app.hubspot.companies, pushed.stderr[-2000:]
        status = leadscout("-v", "status", summary["run_id"], "--json", dsn=dsn, env=env)
    assert llm.requests, "the LLM path was not exercised"
    seen = [result.stdout, result.stderr, pushed.stdout, pushed.stderr, status.stdout, status.stderr]
    seen += [p.read_text(errors="replace") for p in out.rglob("*") if p.is_file() and p.suffix != ".xlsx"]
    seen += [p.read_bytes().decode("latin-1") for p in out.rglob("*.xlsx")]
    log_file = (tmp_path / "leadscout.log").read_text()
    assert "DEBUG" in log_file  # the log file got everything -v logs
    seen.append(log_file)
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in ("runs", "run_events", "outbox", "run_usage", "company_research", "discovery_candidates"):
            seen += [str(r[0]) for r in conn.execute(f"SELECT t::text FROM pm_pipeline.{table} t")]  # type: ignore[arg-type]
    for name, secret in SENTINELS.items():
        leaks = [text[max(0, text.find(secret) - 80) : text.find(secret) + 40] for text in seen if secret in text]
        assert leaks == [], f"{name} leaked: {leaks[:2]}"
    assert summary["status"] == "completed" and "-v" in result.args  # debug logging was on throughout
