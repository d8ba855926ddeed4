"""Retries, failures, suppression and user decisions, through real workers on real PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from leadscout.config import Settings
from leadscout.criteria import Criteria, parse_criteria
from leadscout.db.store import Store
from leadscout.errors import PermanentError, TransientError
from leadscout.models import Run, Stage, Status
from leadscout.pipeline.directory import import_file
from leadscout.pipeline.runs import create_run
from leadscout.pipeline.sources import CompanySource, DirectorySource, SourceResult
from tests.conftest import shared_data, work_until_settled
from tests.integration.conftest import AUSTIN_TWO, directory_run, run_short_of_contacts

pytestmark = [pytest.mark.integration, pytest.mark.sql]


@dataclass
class FailingSource:
    error: Exception
    calls: list[int] = field(default_factory=list)
    name: str = "failing"

    async def find(self, run: Run, criteria: Criteria, want: int) -> SourceResult:
        self.calls.append(want)
        raise self.error


async def test_transient_errors_get_exactly_three_attempts(store: Store, settings: Settings, dsn: str) -> None:
    source = FailingSource(TransientError("search provider timed out"))
    run = await create_run(store, parse_criteria({"quantity": 5, "state": "TX"}), batch_size=10)
    final = await work_until_settled(store, settings, dsn, run, concurrency=3, make_source=lambda _s: source)
    assert len(source.calls) == 3  # 3 attempts, not procrastinate's max_attempts + 1 = 4 by accident
    assert final.status == Status.FAILED and final.stage == Stage.COMPANY_DISCOVERY
    batches = await store.list_batches(run.id)
    assert [(b.batch_no, b.status, b.attempts) for b in batches] == [(1, "running", 3)]
    failed = [e for e in await store.events_since(run.id) if e.event == "run_failed"]
    assert "search provider timed out" in failed[0].payload["error"]


async def test_permanent_errors_are_never_retried(store: Store, settings: Settings, dsn: str) -> None:
    source = FailingSource(PermanentError("401 Unauthorized: check SERPER_API_KEY"))
    run = await create_run(store, parse_criteria({"quantity": 5, "state": "TX"}), batch_size=10)
    final = await work_until_settled(store, settings, dsn, run, concurrency=3, make_source=lambda _s: source)
    assert len(source.calls) == 1 and final.status == Status.FAILED


@dataclass
class FlakySource:
    """Fails the first call of every batch once, then answers from the directory."""

    inner: CompanySource
    failed: set[int] = field(default_factory=set)
    name: str = "flaky"

    async def find(self, run: Run, criteria: Criteria, want: int) -> SourceResult:
        key = len(self.failed)
        if want not in self.failed:
            self.failed.add(want)
            raise TransientError(f"flaky #{key}")
        return await self.inner.find(run, criteria, want)


async def test_transient_failure_then_success_loses_and_duplicates_nothing(
    store: Store, settings: Settings, dsn: str, world_csv: Path
) -> None:
    await import_file(store, world_csv)
    run = await create_run(
        store, parse_criteria({"quantity": 25, "cities": ["Austin"], "state": "TX", "geo_scope": "city"}), batch_size=10
    )
    final = await work_until_settled(
        store, settings, dsn, run, concurrency=3, make_source=lambda s: FlakySource(DirectorySource(s))
    )
    assert (final.stage, final.status) == (Stage.DONE, Status.COMPLETED)
    batches = await store.list_batches(run.id)
    assert [(b.requested, b.found, b.attempts) for b in batches] == [(10, 10, 2), (10, 10, 1), (5, 5, 2)]
    companies = await store.run_companies(run.id)
    assert len({c.domain for c in companies}) == len(companies) == 25


async def test_blocked_and_excluded_domains_are_never_delivered(
    store: Store, settings: Settings, dsn: str, world_csv: Path
) -> None:
    await import_file(store, world_csv)
    probe = await create_run(
        store, parse_criteria({"quantity": 6, "cities": ["Austin"], "state": "TX", "geo_scope": "city"}), batch_size=10
    )
    first_six = (await DirectorySource(store).find(probe, Criteria.model_validate(probe.criteria), 6)).companies
    await store.delete_run(probe.id)
    for company in first_six[:3]:
        await store.add_blocked_domain(company.domain, "customer", "test")
    criteria = parse_criteria(
        {
            "quantity": 10,
            "cities": ["Austin"],
            "state": "TX",
            "exclude_domains": [f"https://www.{first_six[3].domain}/"],
        }
    )
    run = await create_run(store, criteria, batch_size=4)
    await work_until_settled(store, settings, dsn, run, concurrency=3)
    delivered = {c.domain for c in await store.run_companies(run.id)}
    assert len(delivered) == 10
    assert delivered.isdisjoint({c.domain for c in first_six[:4]})
    assert await store.count_blocked_domains() == 3


async def test_exhausted_directory_asks_the_user_with_options(
    store: Store, settings: Settings, dsn: str, world_csv: Path
) -> None:
    await import_file(store, world_csv)
    criteria = parse_criteria(
        {
            "quantity": 200,
            "cities": ["Austin"],
            "state": "TX",
            "geo_scope": "city",
            "pms": ["appfolio"],
            "units_min": 100,
        }
    )
    run = await create_run(store, criteria, batch_size=10)
    final = await work_until_settled(store, settings, dsn, run, concurrency=3)
    assert (final.stage, final.status) == (Stage.COMPANY_DISCOVERY, Status.NEEDS_USER_DECISION)
    actions = [o["action"] for o in final.decision_options or []]
    assert actions == ["expand_location", "loosen_pms", "lower_units", "accept_partial"]
    companies = await store.run_companies(run.id)
    assert 0 < len(companies) < 200
    assert all(c.pms == "appfolio" and (c.units_estimate or 0) >= 100 and c.city == "Austin" for c in companies)
    # what it found was researched and its contacts sought while the question waited: the user sees
    # the companies as they would be delivered, and a company short of contacts is shown, not replaced
    assert {c.research_status for c in companies} == {"done"}
    assert "pending" not in {c.contacts_status for c in companies}
    assert await store.dropped_companies(run.id) == []
    assert await store.leftover_jobs() == []


async def test_contacts_short_ends_in_a_decision_not_a_loop(
    store: Store, settings: Settings, dsn: str, tmp_path: Path
) -> None:
    run = await run_short_of_contacts(store, tmp_path)
    final = await work_until_settled(store, settings, dsn, run, concurrency=3)
    # Beta PM was replaced, discovery found nothing in its place: the question is only about contacts
    assert (final.stage, final.status) == (Stage.COMPANY_DISCOVERY, Status.NEEDS_USER_DECISION)
    assert [o["action"] for o in final.decision_options or []] == ["accept_partial", "accept_without_contacts"]
    [asked] = [e for e in await store.events_since(run.id) if e.event == "needs_user_decision"]
    assert asked.payload["reason"] == "contacts_short" and asked.payload["companies_short"] == 1
    assert [d["domain"] for d in await store.dropped_companies(run.id)] == ["beta-pm.com"]
    assert await store.leftover_jobs() == []


async def test_a_company_short_of_contacts_is_replaced_by_the_next_match(
    store: Store, settings: Settings, dsn: str, tmp_path: Path
) -> None:
    directory = (  # the directory offers the biggest first: Beta and Alpha, then Delta
        "name,website,city,state,units,contact_name,contact_title\n"
        "Alpha PM,https://alpha-pm.com,Austin,TX,300,Ann Owner,Owner\n"
        "Beta PM,https://beta-pm.com,Austin,TX,500,,\n"
        "Delta PM,https://delta-pm.com,Austin,TX,100,Dee Chief,President\n"
    )
    run = await directory_run(store, tmp_path, directory, AUSTIN_TWO, batch_size=2)
    final = await work_until_settled(store, settings, dsn, run, concurrency=3)
    assert (final.stage, final.status) == (Stage.DONE, Status.COMPLETED)
    delivered = await store.run_companies(run.id, run.target_quantity)
    assert sorted(c.domain for c in delivered) == ["alpha-pm.com", "delta-pm.com"]
    assert all(c.contacts_status == "done" for c in delivered)
    [replaced] = await store.dropped_companies(run.id)
    assert replaced["domain"] == "beta-pm.com" and replaced["drop_reason"].startswith("replaced: ")
    story = [e for e in await store.events_since(run.id) if e.event == "company_replaced"]
    assert [e.payload["domain"] for e in story] == ["beta-pm.com"] and story[0].payload["why"]
    assert replaced["id"] in await store.get_research(run.id)  # its research is kept
    assert await store.leftover_jobs() == []


async def test_real_directory_file_imports_with_bad_rows_reported(store: Store) -> None:
    path = shared_data("pm_companies_directory.csv")
    report = await import_file(store, path)
    assert report.rows == 4518
    assert report.companies_added + report.companies_updated + len(report.errors) == report.rows
    assert report.companies_added > 3500
    # truncated websites such as a bare managebuilding.com are rejected with a reason
    assert any("PMS vendor host" in e for e in report.errors)
    assert all(e.startswith("row ") for e in report.errors)


async def test_a_company_joins_its_run_as_soon_as_its_batch_accepts_it(store: Store, dsn: str) -> None:
    """Delivered early, a company's research is queued while its batch still looks for the rest;
    the batch's commit then counts it once, queues only the others' research, and an attempt whose
    batch another worker took over delivers nothing."""
    import psycopg

    from leadscout.models import NewCompany
    from leadscout.pipeline.stages import Pipeline

    def company(name: str) -> NewCompany:
        domain = name.lower().replace(" ", "") + ".com"
        return NewCompany(
            name=name, domain=domain, website=f"http://{domain}/", city="Austin", state="TX", discovery_source="web"
        )

    def research_jobs() -> list[str]:
        with psycopg.connect(dsn) as conn:
            rows = conn.execute(
                "SELECT args->>'company_id' FROM procrastinate_jobs WHERE task_name = 'leadscout.research_company'"
            ).fetchall()
        return sorted(r[0] for r in rows)

    run = await create_run(store, parse_criteria({"quantity": 3, "cities": ["Austin"], "state": "TX"}), batch_size=3)
    pipeline = Pipeline(store, worker_id="w1")
    batch = await store.start_batch(run.id, 1, 3, "w1")
    assert batch is not None
    await pipeline._deliver_early(run.id, batch, company("Early Homes"))
    first = await store.run_companies(run.id)
    assert [c.domain for c in first] == ["earlyhomes.com"]
    assert research_jobs() == [str(first[0].id)]  # researched while the batch goes on

    await pipeline._deliver_early(run.id, batch, company("Early Homes"))  # a settle replayed: nothing twice
    later = SourceResult([company("Early Homes"), company("Late Realty")], exhausted=False)
    assert await pipeline._commit_batch(run.id, 1, 3, later, run.criteria) == "batch 1: 2/3"
    companies = {c.domain: c.id for c in await store.run_companies(run.id)}
    assert sorted(companies) == ["earlyhomes.com", "laterealty.com"]
    assert research_jobs() == sorted(str(i) for i in companies.values())
    accepted = [e.payload["domain"] for e in await store.events_since(run.id) if e.event == "company_accepted"]
    assert sorted(accepted) == ["earlyhomes.com", "laterealty.com"]
    assert [(b.batch_no, b.status, b.found) for b in await store.list_batches(run.id)] == [(1, "done", 2)]

    lost = await store.start_batch(run.id, 2, 1, "w1")
    assert lost is not None
    assert await store.start_batch(run.id, 2, 1, "w2") is not None  # taken over: w1 died, as far as w2 knows
    await pipeline._deliver_early(run.id, lost, company("Zombie Rentals"))
    assert "zombierentals.com" not in {c.domain for c in await store.run_companies(run.id)}
