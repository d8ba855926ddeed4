"""Full runs on the sandbox web: the real CLI, real HTTP, real PostgreSQL, scored against the
world's ground truth."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import psycopg
import pytest

from leadscout.config import Settings
from leadscout.criteria import parse_criteria
from leadscout.db.store import Store
from leadscout.models import Stage, Status
from leadscout.pipeline.runs import create_run
from leadscout.sandbox.server import SandboxServer
from leadscout.sandbox.world import build
from tests.conftest import leadscout, shared_data, work_until_settled

pytestmark = [pytest.mark.e2e, pytest.mark.once]


def read_csv(path: str | Path) -> list[dict[str, str]]:
    with Path(path).open(newline="") as handle:
        return list(csv.DictReader(handle))


FAST_WEB = {"LEADSCOUT_FETCH_TIMEOUT": "2", "LEADSCOUT_POLITENESS_DELAY": "0.05"}


def test_sandbox_run_from_the_cli_is_correct_and_proven(dsn: str, tmp_path: Path) -> None:
    result = leadscout(
        "run",
        "--sandbox",
        "10 property managers in Charlotte, NC",
        "--geo",
        "city",
        "--json",
        "--out",
        str(tmp_path),
        dsn=dsn,
        env=FAST_WEB,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert (summary["status"], summary["stage"], summary["companies_found"]) == ("completed", "done", 10)
    assert [b["found"] for b in summary["batches"]] == [10]
    assert summary["candidates"]["by_status"]["accepted"] >= 10 and summary["candidates"]["fetches"] > 0
    world = build(7)
    companies = read_csv(summary["exports"]["companies"])
    assert len({c["domain"] for c in companies}) == 10
    for row in companies:
        truth = world.by_domain[row["domain"]]
        assert truth.kind == "property_manager" and truth.city == "Charlotte" and truth.state == "NC", row
        assert "company_type=true" in row["criteria_verdicts"] and "location=true" in row["criteria_verdicts"]
        assert row["pms"] == (truth.pms or "")
    with psycopg.connect(dsn) as conn:
        evidence = conn.execute(
            "SELECT v FROM pm_pipeline.company_candidates c, jsonb_array_elements(c.verdicts) v WHERE c.run_id = %s",
            [summary["run_id"]],
        ).fetchall()
    hard = [v for (v,) in evidence if v["criterion"] in ("location", "company_type")]
    assert len(hard) == 20 and all(v["verdict"] == "true" and v["evidence"] for v in hard)
    assert all(
        e["url"].startswith("http://www.") and len(e["quote"]) <= 300 and e["content_hash"]
        for v in hard
        for e in v["evidence"]
    )
    contacts = read_csv(summary["exports"]["contacts"])
    per_company: dict[str, int] = {}
    for contact in contacts:
        per_company[contact["company_domain"]] = per_company.get(contact["company_domain"], 0) + 1
        people = {p.full_name: p for p in world.by_domain[contact["company_domain"]].people}
        person = people[contact["full_name"]]  # a real person of that company, never invented
        assert contact["title"] == person.title
        assert contact["email"] in ("", person.email)  # a real mailbox of that person, or none
        if contact["email"]:
            assert contact["email_status"].split("(")[0] in ("valid", "risky", "unknown"), contact
    statuses = {c["email_status"] for c in contacts if c["email"]}
    assert "valid" in statuses, statuses  # the CLI's workers verified through the sandbox DNS + SMTP
    assert summary["emails"].get("valid", 0) == sum(c["email_status"] == "valid" for c in contacts)
    assert {"companies_xlsx", "contacts_json"} <= set(summary["exports"])
    assert set(per_company) == {c["domain"] for c in companies} and all(1 <= n <= 3 for n in per_company.values())


def test_live_web_run_without_a_provider_stops_before_it_starts(dsn: str) -> None:
    env = {k: "" for k in ("LEADSCOUT_SEARXNG_URL", "SERPER_API_KEY", "BRAVE_API_KEY", "LEADSCOUT_SEARCH_PROVIDER")}
    result = leadscout("run", "5 property managers in Austin, TX", dsn=dsn, env=env)
    assert result.returncode == 2
    text = " ".join(result.stderr.split())
    assert "SERPER_API_KEY" in text and "BRAVE_API_KEY" in text and "--sandbox" in text
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT count(*) FROM pm_pipeline.runs").fetchone() == (0,)


async def test_unsatisfiable_request_ends_in_a_decision_with_options(
    store: Store, settings: Settings, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = build(7, per_metro=(40, 40))
    with SandboxServer(small, timeout_seconds=3) as server:
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        criteria = parse_criteria(
            {
                "quantity": 5,
                "cities": ["Columbus"],
                "state": "OH",
                "pms": ["resman"],
                "units_min": 1000,
                "geo_scope": "city",
            }
        )
        run = await create_run(store, criteria, batch_size=10, options={"sources": ["web"]})

        fast = server.settings_for(settings).model_copy(update={"fetch_timeout": 1.5, "politeness_delay": 0.02})
        final = await work_until_settled(store, fast, dsn, run)
    assert (final.stage, final.status) == (Stage.COMPANY_DISCOVERY, Status.NEEDS_USER_DECISION)
    actions = [o["action"] for o in final.decision_options or []]
    assert actions == ["expand_location", "loosen_pms", "lower_units", "accept_partial"]
    rows = await store.candidate_stats(run.id)
    rejected = [r for r in rows if r["status"] == "rejected"]
    assert rejected and all(r["reasons"] for r in rejected)  # every rejection says why
    assert await store.run_companies(run.id) == []


def test_real_directory_only_run_returns_rows_that_truly_match(dsn: str, tmp_path: Path) -> None:
    path = shared_data("pm_companies_directory.csv")
    imported = leadscout("directory", "import", str(path), "--json", dsn=dsn, timeout=300)
    assert imported.returncode == 0
    result = leadscout(
        "run",
        "25 AppFolio companies in Phoenix, AZ with 200+ doors",
        "--source",
        "directory",
        "--json",
        "--out",
        str(tmp_path),
        dsn=dsn,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-1500:]
    summary = json.loads(result.stdout)
    criteria = parse_criteria(
        {"quantity": 25, "cities": ["Phoenix"], "state": "AZ", "pms": ["appfolio"], "units_min": 200}
    )
    allowed = set(criteria.allowed_cities())
    rows = {r["domain"]: r for r in read_csv(path)}
    companies = read_csv(summary["exports"]["companies"])
    assert companies and len(companies) == summary["companies_found"]
    for c in companies:
        src = rows[c["domain"]]
        assert src["pms"] == "appfolio" and int(src["doors_managed"]) >= 200, src
        assert src["listing_state"] == "AZ" and src["listing_city"].title() in allowed, src
    assert os.path.getsize(summary["exports"]["contacts"]) > 0


def test_a_wild_web_run_from_the_cli_is_correct_and_proven(dsn: str, tmp_path: Path) -> None:
    """The same pipeline on sites built like real ones (other templates, phrasings, portal places,
    team layouts): every delivered company matches what its site proves, with contacts."""
    request = "8 AppFolio property managers in Austin, TX with 100+ units"
    result = leadscout(
        "run", "--sandbox", "--style", "wild", request, "--json", "--out", str(tmp_path),
        dsn=dsn, env=FAST_WEB, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert (summary["status"], summary["companies_found"]) == ("completed", 8), summary.get("decision_companies")
    world = build(7, style="wild")
    companies = read_csv(summary["exports"]["companies"])
    for row in companies:
        truth = world.by_domain[row["domain"]]
        low, _high = truth.provable_units()
        assert truth.kind == "property_manager" and truth.pms == "appfolio" and truth.pms_provable, row
        assert low is not None and low >= 100 and truth.state == "TX", (row, truth.look)
    contacts = read_csv(summary["exports"]["contacts"])
    assert {c["company_domain"] for c in contacts} == {c["domain"] for c in companies}  # every one has someone
    for contact in contacts:
        people = {p.full_name: p for p in world.by_domain[contact["company_domain"]].people}
        assert contact["title"] == people[contact["full_name"]].title
        assert contact["email"] in ("", people[contact["full_name"]].email)
    assert len({world.by_domain[c["domain"]].look.template for c in companies}) >= 3  # type: ignore[union-attr]


def test_the_wild_world_is_deterministic_and_every_page_renders() -> None:
    from leadscout.sandbox import wild

    first, again = build(7, style="wild"), build(7, style="wild")
    assert [c.look for c in first.companies] == [c.look for c in again.companies]
    assert [c.domain for c in first.companies] == [c.domain for c in build(7).companies]  # same companies
    looks = [c.look for c in first.companies if c.look]
    assert {look.template for look in looks} == set(wild.PATHS)
    from leadscout.sandbox.catalogue import PORTAL_PLACEMENTS, UNIT_PHRASINGS

    assert {look.portal for look in looks if look} >= set(PORTAL_PLACEMENTS) - {"header_button"}
    assert len({look.units_phrasing for look in looks}) >= 20 and len(UNIT_PHRASINGS) >= 21
    for company in first.companies:
        for page in ("/", *wild.PATHS[company.look.template].values()):  # type: ignore[union-attr]
            status, html, _ = wild.company_page(company, page)
            assert status in (200, 301, 404) and (status != 200 or "<html" in html)
