"""What the REST API and the dashboard read, as typed pages: one function per view of the
database, shared by both doors (the API's routes and the dashboard's pages are thin around them)."""

from __future__ import annotations

from uuid import UUID

from leadscout.api.schemas import CompanyDetail, CompanyRow, ContactRow, Page, RunRow, SuppressedDomain, Workers
from leadscout.db.store import Store
from leadscout.errors import NotFound
from leadscout.models import CompanyFacts, RunListing
from leadscout.pipeline.runs import get_run_or_raise


def run_row(run: RunListing) -> RunRow:
    return RunRow(
        **run.model_dump(include={"id", "created_at", "stage", "status", "target_quantity", "companies_ready"}),
        summary=run.criteria.describe(),
        progress=run.progress,
    )


async def runs(store: Store, *, status: str | None, limit: int, offset: int) -> Page[RunRow]:
    """Runs, newest first."""
    rows = await store.list_runs(status=status, limit=limit, offset=offset)
    return Page(items=[run_row(r) for r in rows], total=await store.count_runs(status), limit=limit, offset=offset)


async def companies(store: Store, run_id: UUID, *, limit: int, offset: int) -> Page[CompanyRow]:
    """A run's companies in delivery order (best fit first)."""
    run = await get_run_or_raise(store, run_id)
    gap = await store.company_gap(run.id)
    rows = await store.page_companies(run.id, limit, offset)
    total = gap.companies_ready if gap else 0
    return Page(items=[CompanyRow.of(c, n) for c, n in rows], total=total, limit=limit, offset=offset)


async def company(store: Store, run_id: UUID, company_id: UUID) -> CompanyDetail:
    """One company: every criterion verdict with its evidence, research facts, contacts."""
    found = await store.get_company(company_id)
    if found is None or found.run_id != run_id:
        raise NotFound(f"run {run_id} has no company {company_id}")
    research = await store.research_of_company(found.id)
    contacts = await store.contacts_of_company(found.id)
    return CompanyDetail(
        company=CompanyRow.of(found, len(contacts)),
        verdicts=found.verdicts,
        discovery_evidence=found.evidence,
        research=CompanyFacts.model_validate(research["facts"]) if research else None,
        contacts=[ContactRow.of(c) for c in contacts],
    )


async def contacts(store: Store, run_id: UUID, *, limit: int, offset: int) -> Page[ContactRow]:
    run = await get_run_or_raise(store, run_id)
    rows = await store.page_contacts(run.id, limit, offset)
    total = await store.count_contacts_of_run(run.id)
    return Page(items=[ContactRow.of(c) for c in rows], total=total, limit=limit, offset=offset)


async def suppression(store: Store, *, limit: int, offset: int) -> Page[SuppressedDomain]:
    rows = await store.list_blocked_domains(limit=limit, offset=offset)
    total = await store.count_blocked_domains()
    return Page(items=[SuppressedDomain.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)


async def workers(store: Store) -> Workers:
    """Live and dead workers (last heartbeat, current task), and stats per type."""
    return Workers(
        active=await store.active_workers(), dead=await store.dead_workers(), stats=await store.worker_stats()
    )
