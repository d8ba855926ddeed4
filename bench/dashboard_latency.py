"""Latency of the dashboard and the REST API with a big database: 1,000 runs and 10,000 companies
(with verdicts, evidence, research and contacts), served by the real app over a real socket.

    python bench/dashboard_latency.py [--runs 1000] [--companies 10000] [--requests 200] [--json-out FILE]

Prints p50 / p95 / max per page and writes JSON (default bench/results/dashboard_latency.json).
The data is generated in SQL (generate_series) so loading it takes seconds, not minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from leadscout.api.app import ServerConfig, serving  # noqa: E402
from leadscout.config import Settings  # noqa: E402
from leadscout.db import embedded, migrate  # noqa: E402
from leadscout.web.app import create_app  # noqa: E402

CRITERIA = (
    '{"quantity": 10, "state": "TX", "cities": ["Austin"], "pms": ["appfolio"], "units_min": 100,'
    ' "natural_request": "10 AppFolio property managers in Austin, TX with 100+ units"}'
)
VERDICTS = (
    '[{"criterion": "location", "verdict": "true", "detail": "HQ Austin, TX", "evidence": [{"url": '
    '"http://www.example.com/contact", "quote": "100 Main St, Austin, TX 78701", "source": "address_extractor"}]},'
    ' {"criterion": "pms", "verdict": "true", "detail": "uses appfolio (portal link)", "evidence": [{"url": '
    '"http://www.example.com/residents", "quote": "https://x.appfolio.com/connect", "source": "pms_detector"}]}]'
)


def load(dsn: str, runs: int, companies: int) -> None:
    per_run = max(1, companies // runs)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            f"""INSERT INTO pm_pipeline.runs (id, criteria, target_quantity, contacts_min, contacts_max,
                       batch_size, stage, status, created_at, options, finished_at)
                SELECT gen_random_uuid(), '{CRITERIA}'::jsonb, {per_run}, 1, 3, 10,
                       CASE WHEN g % 10 = 0 THEN 'company_discovery' ELSE 'done' END,
                       CASE WHEN g % 10 = 0 THEN 'active' WHEN g % 17 = 0 THEN 'needs_user_decision'
                            ELSE 'completed' END,
                       now() - g * interval '1 minute', '{{"sources": ["web"]}}'::jsonb,
                       CASE WHEN g % 10 = 0 THEN NULL ELSE now() - g * interval '1 minute' + interval '5 minutes' END
                  FROM generate_series(1, {runs}) g"""  # type: ignore[arg-type]
        )
        conn.execute(  # the 17s are in needs_user_decision: done is not allowed there
            "UPDATE pm_pipeline.runs SET stage = 'company_discovery' WHERE status = 'needs_user_decision'"
        )
        conn.execute(
            f"""INSERT INTO pm_pipeline.company_candidates (run_id, batch_no, name, domain, website, city, state, pms,
                       units_estimate, company_type, discovery_source, evidence, fit_score, verdicts,
                       research_status, contacts_status)
                SELECT r.id, 1 + (g - 1) / 10, 'Company ' || g || ' Property Management',
                       'co' || g || '-' || left(r.id::text, 8) || '.com',
                       'http://www.co' || g || '-' || left(r.id::text, 8) || '.com/', 'Austin', 'TX', 'appfolio',
                       100 + g * 7, 'property_manager', 'web:list:www.pmdirectory-hub.com', '[]'::jsonb,
                       round((1.0 / g)::numeric, 3), '{VERDICTS}'::jsonb, 'done', 'done'
                  FROM pm_pipeline.runs r, generate_series(1, {per_run}) g"""  # type: ignore[arg-type]
        )
        conn.execute(
            """INSERT INTO pm_pipeline.company_research (run_id, company_id, facts)
               SELECT run_id, id, '{"fit_score": 0.8, "fit_reasons": ["2/2 criteria proven on the site"]}'::jsonb
                 FROM pm_pipeline.company_candidates"""
        )
        conn.execute(
            """INSERT INTO pm_pipeline.contact_candidates (run_id, company_id, full_name, title, seniority, email,
                      email_status, email_source, source)
               SELECT c.run_id, c.id, 'Person ' || n || ' ' || left(c.id::text, 6), 'Owner', 1,
                      'p' || n || '@' || c.domain, 'valid', 'published_on_site', 'website'
                 FROM pm_pipeline.company_candidates c, generate_series(1, 2) n"""
        )
        conn.execute(
            """INSERT INTO pm_pipeline.run_events (run_id, event, payload)
               SELECT r.id, e, '{}'::jsonb FROM pm_pipeline.runs r,
                      unnest(ARRAY['run_created', 'batch_started', 'batch_completed', 'stage_advanced',
                                   'stage_advanced', 'run_completed']) e"""
        )
        conn.execute("ANALYZE")


def measure(client: httpx.Client, path: str, n: int) -> dict[str, float]:
    client.get(path).raise_for_status()  # warm
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
        "max_ms": round(times[-1], 2),
        "requests": n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--companies", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--json-out", type=Path, default=ROOT / "bench" / "results" / "dashboard_latency.json")
    args = parser.parse_args()
    admin = os.environ.get("DATABASE_URL") or embedded.start(
        Path(tempfile.gettempdir()) / f"leadscout-bench-pg-{os.getuid()}"
    )
    db = f"ls_dash_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')  # type: ignore[arg-type]
    dsn = make_conninfo(admin, dbname=db)
    try:
        migrate.upgrade(dsn)
        started = time.monotonic()
        load(dsn, args.runs, args.companies)
        print(f"loaded {args.runs} runs and {args.companies} companies in {time.monotonic() - started:.1f}s")
        settings = Settings(database_url=dsn)  # type: ignore[call-arg]
        config = ServerConfig(settings=settings, workers=0, exports_dir=Path(tempfile.mkdtemp()))
        with serving(create_app(config)) as url, httpx.Client(base_url=url, timeout=30) as client:
            run = client.get("/api/v1/runs", params={"limit": 1, "offset": 500}).json()["items"][0]["id"]
            company = client.get(f"/api/v1/runs/{run}/companies", params={"limit": 1}).json()["items"][0]["id"]
            pages = {
                "runs list (page 1)": "/",
                "runs list (page 30)": "/?page=30",
                "runs list, completed": "/?status=completed",
                "run page": f"/runs/{run}",
                "evidence drawer": f"/runs/{run}/companies/{company}",
                "API runs (50)": "/api/v1/runs?limit=50",
                "API run detail": f"/api/v1/runs/{run}",
                "API companies (50)": f"/api/v1/runs/{run}/companies?limit=50",
                "API contacts (50)": f"/api/v1/runs/{run}/contacts?limit=50",
            }
            results: dict[str, Any] = {name: measure(client, path, args.requests) for name, path in pages.items()}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')  # type: ignore[arg-type]
    print(f"\n{'page':<26} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, r in results.items():
        print(f"{name:<26} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['max_ms']:>8.1f}")
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"runs": args.runs, "companies": args.companies, "pages": results}
    args.json_out.write_text(json.dumps(payload, indent=2))
    print(f"\nwrote {args.json_out}")


if __name__ == "__main__":
    main()
