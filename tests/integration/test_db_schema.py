"""Migrations, the seed's troubleshooting SQL verbatim, and the least-privilege role."""

from __future__ import annotations

import subprocess
import sys
import uuid

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from leadscout.db import migrate

pytestmark = [pytest.mark.integration, pytest.mark.sql]


def test_upgrade_is_idempotent_and_ordered(empty_dsn: str) -> None:
    first = migrate.upgrade(empty_dsn)
    assert first[0].startswith("procrastinate-") and first[1:] == [m.version for m in migrate.migrations()]
    assert migrate.upgrade(empty_dsn) == []
    assert all(done for _, done in migrate.status(empty_dsn))


def test_concurrent_upgrades_from_many_processes(empty_dsn: str) -> None:
    code = "import sys; from leadscout.db import migrate; print(len(migrate.upgrade(sys.argv[1])))"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, empty_dsn], stdout=subprocess.PIPE, text=True) for _ in range(4)
    ]
    counts = sorted(int(p.communicate(timeout=60)[0]) for p in procs)
    assert all(p.returncode == 0 for p in procs)
    assert counts == [0, 0, 0, len(migrate.migrations()) + 1]  # exactly one process applied them
    with psycopg.connect(empty_dsn) as conn:
        rows = conn.execute("SELECT version, count(*) FROM pm_pipeline.schema_migrations GROUP BY 1").fetchall()
    assert all(n == 1 for _, n in rows) and len(rows) == len(migrate.migrations()) + 1


def test_seed_troubleshooting_sql_works_verbatim(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        run_id = conn.execute(
            "INSERT INTO pm_pipeline.runs (criteria, target_quantity) VALUES ('{}', 25) RETURNING id"
        ).fetchone()[0]  # type: ignore[index]
        conn.execute(
            "INSERT INTO pm_pipeline.company_candidates (run_id, name, domain, discovery_source) "
            "VALUES (%s, 'A', 'a.com', 'test'), (%s, 'B', 'b.com', 'test')",
            [run_id, run_id],
        )
        assert conn.execute(
            "SELECT run_id, COUNT(*) FROM pm_pipeline.company_candidates GROUP BY run_id"
        ).fetchall() == [(run_id, 2)]
        gap = conn.execute(f"SELECT * FROM pm_pipeline.get_pm_company_gap('{run_id}')").fetchone()  # type: ignore[arg-type]
        assert gap[:4] == (run_id, 25, 2, 23)  # type: ignore[index]
        assert conn.execute("SELECT COUNT(*) FROM pm_pipeline.blocked_domains").fetchone() == (0,)
        # a second company with the same domain (any case) in the same run is refused
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(
                "INSERT INTO pm_pipeline.company_candidates (run_id, name, domain, discovery_source) "
                "VALUES (%s, 'A2', 'a.com', 'test')",
                [run_id],
            )
        # completed without done is impossible
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE pm_pipeline.runs SET status = 'completed' WHERE id = %s", [run_id])


def test_guarded_transition_lets_only_one_caller_win(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        run_id = conn.execute(
            "INSERT INTO pm_pipeline.runs (criteria, target_quantity) VALUES ('{}', 5) RETURNING id"
        ).fetchone()[0]  # type: ignore[index]
        sql = (
            "SELECT pm_pipeline.transition_run(%s, 'company_discovery', 'active', "
            "'company_research', 'active', 'stage_advanced')"
        )
        results = [conn.execute(sql, [run_id]).fetchone()[0] for _ in range(3)]  # type: ignore[index]
        events = conn.execute("SELECT count(*) FROM pm_pipeline.run_events WHERE run_id = %s", [run_id]).fetchone()
    assert results == [True, False, False] and events == (1,)


def test_least_privilege_worker_role(dsn: str) -> None:
    role = f"ls_worker_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")  # type: ignore[arg-type]
    try:
        migrate.grant(dsn, role)
        params = conninfo_to_dict(dsn)
        params["user"] = role
        params.pop("password", None)
        with psycopg.connect(make_conninfo(**params), autocommit=True) as conn:  # type: ignore[arg-type]
            # what a worker needs works
            conn.execute("SELECT pm_pipeline.upsert_worker_heartbeat('w1', 'lead_list')")
            conn.execute("SELECT * FROM pm_pipeline.v_active_workers")
            run_id = conn.execute(
                "INSERT INTO pm_pipeline.runs (criteria, target_quantity) VALUES ('{}', 5) RETURNING id"
            ).fetchone()[0]  # type: ignore[index]
            conn.execute(
                "SELECT pm_pipeline.transition_run(%s, 'company_discovery', 'active', "
                "'company_research', 'active', 'x')",
                [run_id],
            )
            conn.execute(
                "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('lead_list', 't', 0, NULL, NULL, "
                "'{}'::jsonb, NULL)::procrastinate_job_to_defer_v1])"
            )
            # what it must not do fails
            for ddl in (
                "DROP TABLE pm_pipeline.runs",
                "ALTER TABLE pm_pipeline.runs ADD COLUMN x int",
                "TRUNCATE pm_pipeline.company_candidates",
                "DELETE FROM pm_pipeline.run_events",
                "CREATE TABLE pm_pipeline.evil (x int)",
                "DROP SCHEMA pm_pipeline CASCADE",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(ddl)  # type: ignore[arg-type]
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role}")  # type: ignore[arg-type]
            conn.execute(f"DROP ROLE {role}")  # type: ignore[arg-type]


def test_grant_to_a_missing_role_is_a_clear_error(dsn: str) -> None:
    from leadscout.errors import NotFound

    with pytest.raises(NotFound, match="CREATE ROLE nobody_here LOGIN"):
        migrate.grant(dsn, "nobody_here")
