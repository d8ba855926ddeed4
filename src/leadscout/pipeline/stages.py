"""The three stages as idempotent units of work. Each reads the database, does its work
outside any transaction, then commits its result, the checkpoint and the next jobs in ONE
transaction. Re-running a unit after a crash is always safe: it re-reads the state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from leadscout import usage
from leadscout.criteria import Criteria
from leadscout.db.store import Conn, Store
from leadscout.errors import BudgetExceeded, ConfigError, LlmError
from leadscout.models import Batch, Company, CompanyFacts, NewCompany, Run, Stage, Status
from leadscout.models.monitors import MonitorPolicy
from leadscout.pipeline import jobs, state
from leadscout.pipeline.contacts import WebContactSource
from leadscout.pipeline.decisions import (
    PREVIEW_CANDIDATES,
    budget_options,
    contact_options,
    discovery_options,
    near_miss_summary,
    nearly_matching,
    preview_options,
)
from leadscout.pipeline.delivery import Delivery
from leadscout.pipeline.sources import (
    ChainContactSource,
    ChainSource,
    CompanySource,
    ContactSource,
    DirectoryContactSource,
    DirectoryResearcher,
    DirectorySource,
    Researcher,
    SourceResult,
    WebResearcher,
)
from leadscout.pipeline.web_source import OnAccept, WebSource, WebTools
from leadscout.research.judge.mailcheck import EmailVerifier
from leadscout.usage import Budget, Meter, project

if TYPE_CHECKING:
    from leadscout.agents.llm import Llm

log = logging.getLogger(__name__)
REREADING_KEPT = 8  # monitor runs whose re-reading fetchers a worker keeps (one per run in flight)


class BatchTakenOver(Exception):
    """Another worker committed this batch first."""


@dataclass
class Pipeline:
    store: Store
    worker_id: str = "inline"
    source: CompanySource | None = None  # None: chosen per run from run.options["sources"]
    researcher: Researcher | None = None  # None: the website when this worker can fetch, else the directory
    contact_source: ContactSource | None = None
    simulated_latency: float = 0.0  # seconds added to each unit (drills and benchmarks)
    web: WebTools | None = None  # search + fetch, when this worker has a search provider
    checker: EmailVerifier | None = None  # email verification (MX + SMTP RCPT)
    delivery: Delivery | None = None  # exports + notification at completion; None: files under ./exports
    llm: Llm | None = None  # the optional language model (agents.llm); None: deterministic only
    default_budget: Budget = field(default_factory=Budget)  # the deployment's caps; runs may override
    monitor_policy: MonitorPolicy = field(default_factory=MonitorPolicy)  # how a monitor's ticks spend
    _rereading: dict[UUID, WebTools] = field(default_factory=dict, init=False, repr=False)

    def web_for(self, run: Run) -> WebTools | None:
        """This worker's web tools; a monitor's run gets its own, which re-reads every page it
        asks for (conditionally), so each tick sees the web of its day."""
        if self.web is None or not watching(run):
            return self.web
        if run.id not in self._rereading:
            recent = list(self._rereading.items())[-(REREADING_KEPT - 1) :]
            self._rereading = {**dict(recent), run.id: self.web.rereading()}
        return self._rereading[run.id]

    def source_for(self, run: Run, on_accept: OnAccept | None = None) -> CompanySource:
        if self.source is not None:
            return self.source
        names = run.options.get("sources", ["directory"])
        parts: list[CompanySource] = []
        if "directory" in names:
            parts.append(DirectorySource(self.store))
        if "web" in names:
            web_tools = self.web_for(run)
            if web_tools is None:
                raise ConfigError(
                    "this run searches the web but this worker has no search provider: set "
                    "LEADSCOUT_SEARXNG_URL, SERPER_API_KEY or BRAVE_API_KEY for the worker (or use --sandbox)"
                )
            limit = PREVIEW_CANDIDATES if previewing(run) else None
            web = WebSource(
                self.store, web_tools, llm=self.llm, verify_limit=limit,
                recheck_every=self.monitor_policy.recheck_every, on_accept=on_accept,
            )  # fmt: skip
            parts.append(self._agent_source(web) if run.options.get("strategy") == "agent" else web)
        return ChainSource(parts)

    def _agent_source(self, web: WebSource) -> CompanySource:
        if self.llm is None:
            raise ConfigError(
                "this run uses the agent strategy but this worker has no LLM: set LEADSCOUT_LLM "
                "(and OPENAI_API_KEY) or LEADSCOUT_LLM_BASE_URL for the worker"
            )
        from leadscout.pipeline.agent_source import AgentSource  # pydantic-ai loads only for agent runs

        return AgentSource(self.store, web, self.llm)

    def budget_of(self, run: Run) -> Budget:
        return self.default_budget.overridden(run.options.get("budget"))

    @asynccontextmanager
    async def metered(self, run: Run, scope: str, company_id: UUID | None = None) -> AsyncIterator[Meter]:
        """Count what this unit spends against the run's (and company's) caps, and store it
        when the unit ends, however it ends."""
        # what was spent before matters only to the caps, and only a language model is capped: a
        # unit without one reads no totals (two queries per job)
        capped = self.llm is not None
        meter = Meter(
            run.id,
            scope,
            company_id=company_id,
            budget=self.budget_of(run),
            run_before=await self.store.usage_totals(run.id) if capped else None,
            company_before=await self.store.usage_totals(run.id, company_id) if capped and company_id else None,
            since=run.created_at,
        )
        try:
            with usage.metering(meter):
                yield meter
        finally:
            if not meter.usage.empty:
                try:
                    await self.store.insert_usage(run.id, company_id, scope, meter.usage)
                except Exception as exc:  # the unit's outcome matters more than its meter reading
                    log.warning("usage of run %s (%s) not recorded: %s", run.id, scope, exc)

    def researcher_for(self, run: Run) -> Researcher:
        if self.researcher is not None:
            return self.researcher
        web = self.web_for(run)
        return WebResearcher(web.fetcher) if web is not None else DirectoryResearcher()

    def contacts_for(self, run: Run) -> ContactSource:
        if self.contact_source is not None:
            return self.contact_source
        sources: list[ContactSource] = [DirectoryContactSource(self.store, self.checker)]
        if (web := self.web_for(run)) is not None:
            sources.append(WebContactSource(web.fetcher, self.checker, web.provider))
        return ChainContactSource(sources)

    # -- company_discovery: one batch ---------------------------------------------------
    async def discover_batch(self, run_id: UUID) -> str:
        run = await self.store.get_run(run_id)
        if run is None or (run.stage, run.status) != (Stage.COMPANY_DISCOVERY, Status.ACTIVE):
            return "skipped: run is not discovering"
        gap = await self.store.company_gap(run_id)
        assert gap is not None
        if gap.companies_gap == 0 or run.options.get("accept_partial"):
            async with self.store.transaction() as conn:
                await self._finish_discovery(conn, run)
            return "discovery already complete"

        batch_no = await self.store.next_batch_no(run_id)
        requested = min(run.batch_size, gap.companies_gap)
        batch = await self.store.start_batch(run_id, batch_no, requested, self.worker_id)
        if batch is None:
            return f"skipped: batch {batch_no} is already committed"
        await self.store.insert_event(
            run_id,
            "batch_started",
            {"batch_no": batch_no, "requested": requested, "attempt": batch.attempts, "worker_id": self.worker_id},
        )
        criteria = run.criteria
        stop: dict[str, Any] | None = None

        async def deliver(company: NewCompany) -> None:
            await self._deliver_early(run_id, batch, company)

        try:
            async with self.metered(run, "preview" if previewing(run) else "discovery"):
                source = self.source_for(run, on_accept=None if previewing(run) else deliver)
                result = await source.find(run, criteria, requested)
        except BudgetExceeded as exc:  # keep what was verified; the user decides whether to spend more
            accepted = await self.store.undelivered_accepted(run_id, requested)
            result = SourceResult([NewCompany.model_validate(r["company"]) for r in accepted], exhausted=True)
            stop = {"reason": "budget_exhausted", "limit": exc.limit, "detail": str(exc)}
        if stop is None and previewing(run):
            stop = {"reason": "preview"}
        await self._simulate_latency()
        await self.flush_pages()  # the research this commit queues reads them, maybe elsewhere

        try:
            return await self._commit_batch(run_id, batch_no, requested, result, criteria, stop)
        except BatchTakenOver as exc:  # the transaction rolled back; the other commit stands
            return f"skipped: {exc}"

    async def _deliver_early(self, run_id: UUID, batch: Batch, company: NewCompany) -> None:
        """One company the batch has just accepted joins the run now and its research is queued:
        the batch goes on looking for the rest meanwhile (the last company a batch needed had waited
        for the whole batch before its research began). Only while this attempt still holds the
        batch: a batch taken over by another worker delivers through that worker."""
        await self.flush_pages()  # its research reads them, maybe elsewhere
        async with self.store.transaction() as conn:
            locked = await self.store.lock_run(run_id, conn)
            if locked is None or (locked.stage, locked.status) != (Stage.COMPANY_DISCOVERY, Status.ACTIVE):
                return
            if not await self.store.holds_batch(run_id, batch.batch_no, batch.worker_id, batch.attempts, conn):
                return
            company_id = await self.store.insert_company(run_id, batch.batch_no, company, conn)
            if company_id is None:
                return
            await self._accepted(conn, run_id, batch.batch_no, company, company_id)
            await jobs.enqueue(self.store, conn, jobs.research_job(locked, company_id))

    async def _accepted(self, conn: Conn, run_id: UUID, batch_no: int, company: NewCompany, company_id: UUID) -> None:
        await self.store.insert_event(
            run_id,
            "company_accepted",
            {"domain": company.domain, "name": company.name, "batch_no": batch_no},
            entity_type="company",
            entity_id=str(company_id),
            conn=conn,
        )

    async def _commit_batch(
        self,
        run_id: UUID,
        batch_no: int,
        requested: int,
        result: SourceResult,
        criteria: Criteria,
        stop: dict[str, Any] | None = None,
    ) -> str:
        async with self.store.transaction() as conn:
            locked = await self.store.lock_run(run_id, conn)
            if locked is None or (locked.stage, locked.status) != (Stage.COMPANY_DISCOVERY, Status.ACTIVE):
                return "skipped: run moved on while the batch ran"
            inserted: list[UUID] = []  # the companies delivered now; the batch delivered others early
            for company in result.companies[:requested]:
                company_id = await self.store.insert_company(run_id, batch_no, company, conn)
                if company_id is not None:
                    inserted.append(company_id)
                    await self._accepted(conn, run_id, batch_no, company, company_id)
            found = await self.store.batch_found(run_id, batch_no, conn)
            if await self.store.finish_batch(run_id, batch_no, found, conn) is None:
                raise BatchTakenOver(f"batch {batch_no} of run {run_id} was committed by another worker")
            await self.store.insert_event(
                run_id, "batch_completed", {"batch_no": batch_no, "requested": requested, "found": found}, conn=conn
            )
            after = await self.store.company_gap(run_id, conn)
            assert after is not None
            if stop is not None and after.companies_gap:
                await self._ask_to_spend(conn, locked, after.companies_ready, stop)
            elif after.companies_gap == 0:
                await self._finish_discovery(conn, locked)
            elif (result.exhausted or not found) and watching(locked):
                await self._finish_discovery(conn, locked)  # a monitor takes what matches: nobody to ask
            elif result.exhausted or not found:
                for company_id in inserted:  # researched while the user decides
                    await jobs.enqueue(self.store, conn, jobs.research_job(locked, company_id))
                await self._ask_user(conn, locked, after.companies_ready, criteria)
            else:
                await jobs.enqueue(self.store, conn, jobs.discover_job(locked, in_flight=True))
                for company_id in inserted:  # researched while discovery goes on: the run ends sooner
                    await jobs.enqueue(self.store, conn, jobs.research_job(locked, company_id))
        return f"batch {batch_no}: {found}/{requested}"

    async def _finish_discovery(self, conn: Conn, run: Run) -> None:
        if watching(run) and not run.options.get("accept_partial"):  # research and contacts settle without asking
            options = {**run.options, "accept_partial": True}
            await self.store.update_run_request(run.id, run.criteria, options, conn)
            run = run.model_copy(update={"options": options})
        if not await state.move(self.store, conn, run, state.ADVANCE):
            return
        queued = 0
        for company in await self.store.run_companies(run.id, run.target_quantity, conn):
            if company.research_status == "pending":  # after a refill only the newcomers
                queued += 1
                await jobs.enqueue(self.store, conn, jobs.research_job(run, company.id), unless_live=True)
        if not queued:  # all researched while discovery went on
            await self._finish_research_if_done(conn, run.model_copy(update={"stage": Stage.COMPANY_RESEARCH}))

    async def _ask_to_spend(self, conn: Conn, run: Run, ready: int, stop: dict[str, Any]) -> None:
        """A preview that has verified its sample, or a batch that hit a spending cap: show what
        was spent and what the rest would cost, and let the user choose."""
        spent = await self.store.usage_totals(run.id)
        projection = project(spent, ready, run.target_quantity)
        if stop["reason"] == "preview":
            options = preview_options(projection, ready, run.target_quantity)
        else:
            options = budget_options(self.budget_of(run), spent, projection, ready, run.target_quantity)
        await state.move(
            self.store, conn, run, "ask_user", **stop, companies_ready=ready, projection=projection, options=options
        )

    async def _ask_user(self, conn: Conn, run: Run, ready: int, criteria: Criteria) -> None:
        """Discovery is used up short of the target. When the companies replaced for want of a
        contact would have filled it, the question is only about them; otherwise it is about
        the criteria, with the replaced companies as one more way out."""
        replaced = await self._replaced_companies(conn, run)
        if replaced and ready + len(replaced) >= run.target_quantity:
            await state.move(
                self.store, conn, run, "ask_user", reason="contacts_short", companies_ready=ready,
                target_quantity=run.target_quantity, companies_short=len(replaced), companies=replaced,
                options=contact_options(ready, len(replaced)),
            )  # fmt: skip
            return
        candidates = await self.store.candidate_stats(run.id)
        options = discovery_options(criteria, ready, run.target_quantity, near_miss_summary(candidates))
        if replaced:
            options.insert(-1, contact_options(ready, len(replaced))[-1])
        await state.move(
            self.store,
            conn,
            run,
            "ask_user",
            reason="search_exhausted",
            companies_ready=ready,
            target_quantity=run.target_quantity,
            companies=[*replaced, *nearly_matching(candidates)],
            options=options,
        )

    # -- company_research: one company ----------------------------------------------------
    async def research_company(self, run_id: UUID, company_id: UUID) -> str:
        run, company = await self._load(run_id, company_id, *RESEARCHING)
        if run is None or company is None:
            return "skipped: run is not researching"
        if company.research_status != "pending" or company.status != "validated":
            return f"already researched {company.domain}"
        async with self.metered(run, "research", company.id):
            facts = await self.researcher_for(run).research(run, company, run.criteria)
            facts = await self._with_brief(company, facts)
        await self._simulate_latency()
        await self.flush_pages()
        keep_all = run.options.get("accept_partial") and not watching(run)  # a monitor delivers only proven matches
        drop = "; ".join(facts.contradictions) if facts.contradictions and not keep_all else None
        if not await self._settle_research(run_id, company, facts, ok=True, drop_reason=drop):
            return "skipped: run moved on"
        return f"dropped {company.domain}: {drop}" if drop else f"researched {company.domain}"

    async def _with_brief(self, company: Company, facts: CompanyFacts) -> CompanyFacts:
        """The LLM's research brief, when there is an LLM and budget; never needed to deliver."""
        if self.llm is None:
            return facts
        from leadscout.agents.tasks import write_brief

        try:
            brief = await write_brief(self.llm, company.name, company.domain, facts)
        except (LlmError, BudgetExceeded) as exc:
            return facts.model_copy(update={"notes": [*facts.notes, f"no brief: {exc}"]})
        return facts.model_copy(update={"brief": brief})

    async def mark_research_failed(self, run_id: UUID, company_id: UUID, error: str) -> None:
        company = await self.store.get_company(company_id)
        if company is not None:
            await self._settle_research(run_id, company, CompanyFacts(), ok=False, error=error)

    async def _settle_research(
        self,
        run_id: UUID,
        company: Company,
        facts: CompanyFacts,
        *,
        ok: bool,
        drop_reason: str | None = None,
        error: str | None = None,
    ) -> bool:
        """Store one company's research outcome and close the stage when it was the last."""
        async with self.store.transaction() as conn:
            locked = await self._still_in(conn, run_id, *RESEARCHING)
            if locked is None:
                return False
            signals = {"error": error} if error else {}
            await self.store.upsert_research(
                run_id, company.id, facts.model_dump(mode="json"), signals, "complete" if ok else "failed", conn
            )
            # a portal proves the PMS; a widget or a named portal only when it names one vendor; a
            # badge or a link to a vendor's own site never does
            medium = [p.vendor for p in facts.pms if p.tier == "medium"]
            found_pms = next((p.vendor for p in facts.pms if p.tier == "strong"), None) or (
                medium[0] if len(set(medium)) == 1 else None
            )
            units = facts.units_estimate.value if isinstance(facts.units_estimate.value, int) else None
            await self.store.settle_company_research(
                company.id,
                "done" if ok else "failed",
                facts.fit_score if ok else None,
                drop_reason,
                conn,
                pms=found_pms if ok else None,
                units_estimate=units if ok else None,
            )
            if drop_reason:
                await self.store.insert_event(
                    run_id,
                    "company_dropped",
                    {"domain": company.domain, "reason": drop_reason, "contradictions": facts.contradictions},
                    entity_type="company",
                    entity_id=str(company.id),
                    conn=conn,
                )
            # its contacts are sought now, whatever the others do (started beside its research, both
            # jobs held a slot waiting on the same pages: 15 % fewer companies a minute on one worker)
            if ok and not drop_reason:
                await jobs.enqueue(self.store, conn, jobs.contacts_job(locked, company.id))
            if locked.stage == Stage.COMPANY_RESEARCH:  # during discovery, the discovery's end decides
                await self._finish_research_if_done(conn, locked)
        return True

    async def _finish_research_if_done(self, conn: Conn, run: Run) -> None:
        """``run`` is locked by the caller, so finishers of one run never race. Research runs on
        the top target_quantity by fit; a company it dropped is replaced by discovery first."""
        progress = await self.store.stage_progress(run.id, conn, limit=run.target_quantity)
        if progress.research_pending:
            return
        if await self._rediscover(conn, run, "research_dropped"):
            return
        if not await state.move(self.store, conn, run, state.ADVANCE):
            return
        queued = 0
        for company in await self.store.run_companies(run.id, run.target_quantity, conn):
            if company.contacts_status == "pending":
                queued += 1
                await jobs.enqueue(self.store, conn, jobs.contacts_job(run, company.id), unless_live=True)
        if not queued:  # every company's contacts were sought while the run researched
            await self._finish_contacts_if_done(conn, run.model_copy(update={"stage": Stage.CONTACT_DISCOVERY}))

    # -- contact_discovery: one company -----------------------------------------------------
    async def find_contacts(self, run_id: UUID, company_id: UUID) -> str:
        run, company = await self._load(run_id, company_id, *CONTACTING)
        if run is None or company is None:
            return "skipped: run is not finding contacts"
        if company.contacts_status == "pending":
            async with self.metered(run, "contacts", company.id):
                search = await self.contacts_for(run).find(run, company)
            found = search.contacts
            await self._simulate_latency()
            async with self.store.transaction() as conn:
                locked = await self._still_in(conn, run_id, *CONTACTING)
                if locked is None:
                    return "skipped: run moved on"
                for contact in found:
                    if await self.store.count_contacts(company_id, conn) >= run.contacts_max:
                        break
                    await self.store.insert_contact(run_id, company_id, contact, conn)
                have = await self.store.count_contacts(company_id, conn)
                status = "done" if have >= run.contacts_min else "short"
                await self.store.set_contacts_status(company_id, status, conn)
                detail = {"domain": company.domain, "contacts": have, "status": status}
                if status == "short":  # what the decision shows: where it looked and whom it saw
                    detail |= {"pages_read": search.pages_read[:6], "people_seen": search.people_seen[:10],
                               "why": search.why_short()}  # fmt: skip
                await self.store.insert_event(
                    run_id,
                    "contacts_found",
                    detail,
                    entity_type="company",
                    entity_id=str(company_id),
                    conn=conn,
                )
                if self.checker is not None and self.checker.notice:  # e.g. port 25 blocked: said once
                    await self.store.insert_event_once(
                        run_id, "email_verification_notice", {"message": self.checker.notice}, conn
                    )
                if status == "short" and await self._replace(conn, locked, company, detail):
                    return f"replaced {company.domain}: {detail['why']}"
                if locked.stage == Stage.CONTACT_DISCOVERY:  # earlier, the research's end decides
                    await self._finish_contacts_if_done(conn, locked)
        return f"contacts for {company.domain}"

    async def _replace(self, conn: Conn, run: Run, company: Company, detail: dict[str, Any]) -> bool:
        """Drop a delivered company that ended short of contacts_min, keeping its research, and
        let discovery find the next matching candidate in its place. A monitor's run, a run that
        accepted partial results and a run waiting for its user's answer keep what they have instead."""
        if watching(run) or run.options.get("accept_partial") or run.status == Status.NEEDS_USER_DECISION:
            return False  # while its user decides, a company short of contacts is shown as it is
        if not await self._drop_short(conn, run, company, detail):
            return False
        await self._refill(conn, run)
        return True

    async def _drop_short(self, conn: Conn, run: Run, company: Company, detail: dict[str, Any]) -> bool:
        """Mark one company replaced for want of contacts, and tell why in the run's story."""
        why = str(detail.get("why") or "no decision maker found")
        if not await self.store.replace_company(company.id, f"replaced: {why}", conn):
            return False
        story = {k: v for k, v in detail.items() if k in ("domain", "contacts", "pages_read", "people_seen")}
        await self.store.insert_event(
            run.id, "company_replaced", {**story, "name": company.name, "why": why},
            entity_type="company", entity_id=str(company.id), conn=conn,
        )  # fmt: skip
        return True

    async def _refill(self, conn: Conn, run: Run) -> None:
        """After a company left the delivered set: discovery already running fills the gap by
        itself; research sends the run back to discovery when it ends; later, it goes back now."""
        if run.stage == Stage.COMPANY_RESEARCH:
            await self._finish_research_if_done(conn, run)
        elif run.stage == Stage.CONTACT_DISCOVERY:
            await self._rediscover(conn, run, "contacts_short")

    async def _rediscover(self, conn: Conn, run: Run, reason: str) -> bool:
        gap = await self.store.company_gap(run.id, conn)
        assert gap is not None
        if not gap.companies_gap or run.options.get("accept_partial"):
            return False
        if await state.move(self.store, conn, run, "rediscover", reason=reason, gap=gap.companies_gap):
            moved = run.model_copy(update={"stage": Stage.COMPANY_DISCOVERY})
            await jobs.enqueue(self.store, conn, jobs.discover_job(moved, refill=True))
        return True

    async def mark_contacts_failed(self, run_id: UUID, company_id: UUID, error: str) -> None:
        async with self.store.transaction() as conn:
            locked = await self._still_in(conn, run_id, *CONTACTING)
            if locked is None:
                return
            await self.store.set_contacts_status(company_id, "short", conn)
            await self.store.insert_event(
                run_id, "contacts_failed", {"error": error}, entity_type="company", entity_id=str(company_id), conn=conn
            )
            company = await self.store.get_company(company_id)
            detail = {"domain": company.domain if company else "", "why": f"the search failed: {error[:200]}"}
            if company is not None and await self._replace(conn, locked, company, detail):
                return
            if locked.stage == Stage.CONTACT_DISCOVERY:
                await self._finish_contacts_if_done(conn, locked)

    async def _finish_contacts_if_done(self, conn: Conn, run: Run) -> None:
        """``run`` is locked by the caller, so finishers of one run never race."""
        progress = await self.store.stage_progress(run.id, conn, limit=run.target_quantity)
        if progress.contacts_pending:
            return
        if progress.contacts_short and not run.options.get("accept_partial"):
            # a company short of contacts is replaced as soon as its search ends (``_replace``):
            # one still here was settled before that rule, so it is replaced now
            for company in await self.store.run_companies(run.id, run.target_quantity, conn):
                if company.contacts_status == "short":
                    await self._drop_short(conn, run, company, {"domain": company.domain})
            await self._rediscover(conn, run, "contacts_short")
            return
        await jobs.enqueue(self.store, conn, jobs.complete_job(run))

    async def _replaced_companies(self, conn: Conn, run: Run) -> list[dict[str, Any]]:
        """Each company replaced for want of contacts, with why: the pages read and the people seen."""
        replaced = {str(row["id"]): row for row in await self.store.replaced_companies(run.id, conn)}
        story: dict[str, dict[str, Any]] = {}
        for event in await self.store.events_since(run.id, 0, 100_000, conn):
            if event.entity_id in replaced and event.event == "company_replaced":
                story[event.entity_id] = event.payload
        return [
            {"domain": row["domain"], "name": row["name"], "contacts": story.get(key, {}).get("contacts", 0),
             "why": story.get(key, {}).get("why") or row["drop_reason"].removeprefix("replaced: "),
             "pages_read": story.get(key, {}).get("pages_read", [])}
            for key, row in replaced.items()
        ]  # fmt: skip

    # -- completion: exports + notification, then done/completed ------------------------------
    async def complete_run(self, run_id: UUID) -> str:
        """Idempotent: files are rewritten whole, the notification is deduplicated, and the
        guarded move to done/completed happens once."""
        run = await self.store.get_run(run_id)
        if run is None or (run.stage, run.status) != (Stage.CONTACT_DISCOVERY, Status.ACTIVE):
            return "skipped: run is not ready to complete"
        progress = await self.store.stage_progress(run_id, limit=run.target_quantity)
        partial = bool(run.options.get("accept_partial"))
        if progress.contacts_pending or (progress.contacts_short and not partial):
            return "skipped: contacts are not settled"
        delivery = self.delivery or Delivery(exports_dir=Path("exports"))
        files = await delivery.write_exports(self.store, run)
        async with self.store.transaction() as conn:
            locked = await self._still_in(conn, run_id, Stage.CONTACT_DISCOVERY)
            if locked is None:
                return "skipped: run moved on"
            if watching(locked):  # the monitor tells its own recipients what changed
                await jobs.enqueue(self.store, conn, jobs.monitor_deliver_job(locked))
            else:
                message = delivery.notification(locked, files, progress)
                message_id = await self.store.insert_outbox(message, conn)
                if message_id is not None and message.status == "pending":
                    await jobs.enqueue(self.store, conn, jobs.notify_job(locked, message_id))
            await state.move(
                self.store, conn, locked, "complete", companies=progress.companies, partial=partial, files=files
            )
        return f"completed with {progress.companies} companies"

    # -- failures --------------------------------------------------------------------------
    async def fail_run(self, run_id: UUID, error: str) -> None:
        async with self.store.transaction() as conn:
            run = await self.store.lock_run(run_id, conn)
            if run is not None and run.status == Status.ACTIVE:
                await state.move(self.store, conn, run, "fail", error=error[:500])

    # -- safety net --------------------------------------------------------------------------
    async def requeue(self, run_id: UUID) -> int:
        """Queue the next step of an active run that has no job left (the sweeper calls this;
        with transactional enqueue it should find nothing to do). Returns jobs queued."""
        queued = 0
        async with self.store.transaction() as conn:
            run = await self.store.lock_run(run_id, conn)
            if run is None or run.status != Status.ACTIVE:
                return 0
            if run.stage == Stage.COMPANY_DISCOVERY:
                return 1 if await jobs.enqueue(self.store, conn, jobs.discover_job(run)) else 0
            for company in await self.store.run_companies(run_id, run.target_quantity, conn):
                if run.stage == Stage.COMPANY_RESEARCH and company.research_status == "pending":
                    queued += bool(await jobs.enqueue(self.store, conn, jobs.research_job(run, company.id)))
                elif run.stage == Stage.CONTACT_DISCOVERY and company.contacts_status == "pending":
                    queued += bool(await jobs.enqueue(self.store, conn, jobs.contacts_job(run, company.id)))
            if queued == 0 and run.stage == Stage.COMPANY_RESEARCH:
                await self._finish_research_if_done(conn, run)
            elif queued == 0 and run.stage == Stage.CONTACT_DISCOVERY:
                await self._finish_contacts_if_done(conn, run)
                queued += 1
        return queued

    # -- helpers ---------------------------------------------------------------------------
    async def flush_pages(self) -> None:
        if self.web is not None:
            await self.web.fetcher.flush()
        for tools in self._rereading.values():
            await tools.fetcher.flush()

    async def _simulate_latency(self) -> None:
        if self.simulated_latency:
            await asyncio.sleep(self.simulated_latency)

    async def _load(self, run_id: UUID, company_id: UUID, *stages: Stage) -> tuple[Run | None, Company | None]:
        run = await self.store.get_run(run_id)
        if run is None or run.stage not in stages or not _at_work(run):
            return None, None
        return run, await self.store.get_company(company_id)

    async def _still_in(self, conn: Conn, run_id: UUID, *stages: Stage) -> Run | None:
        """Lock the run row (serialising the stage's finishers); the locked run if it is still
        at work in one of ``stages``, else None."""
        run = await self.store.lock_run(run_id, conn)
        return run if run is not None and run.stage in stages and _at_work(run) else None


# a company is researched as soon as a discovery batch delivers it, and its contacts are sought as
# soon as its research is done: the stages say what the run as a whole waits for
RESEARCHING = (Stage.COMPANY_DISCOVERY, Stage.COMPANY_RESEARCH)
CONTACTING = (*RESEARCHING, Stage.CONTACT_DISCOVERY)


def _at_work(run: Run) -> bool:
    """Active, or waiting for its user's answer after discovery ran short: the companies it found are
    researched and their contacts sought meanwhile, so the question shows them as they will be
    delivered (and an answer that accepts them completes the run sooner)."""
    return run.status == Status.ACTIVE or (
        run.status == Status.NEEDS_USER_DECISION and run.stage == Stage.COMPANY_DISCOVERY
    )


def watching(run: Run) -> bool:
    """A monitor's run (see :mod:`leadscout.monitors`)."""
    return "monitor" in run.options


def previewing(run: Run) -> bool:
    """A --preview run that has not yet been told to continue."""
    return bool(run.options.get("preview"))
