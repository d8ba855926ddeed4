"""Deterministic web discovery: the default company source when no LLM is configured.

    query plan (per city and PMS) -> search -> list pages -> candidates (their own domains,
    never a directory's or a PMS portal host) -> dedupe (domain, name) -> suppression (before
    any spending) -> verification of every criterion, politely -> accepted until the batch's
    gap is filled.

Every step is stored (``run_queries``, ``discovery_candidates``), so a batch that crashes
resumes without searching or verifying twice, and every rejection keeps its reasons.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from leadscout.criteria import Criteria
from leadscout.db.store import Conn, Store
from leadscout.domains import registrable_domain
from leadscout.errors import BudgetExceeded, LlmError, TransientError
from leadscout.models import Company, Evidence, NewCompany, Run, Verdict
from leadscout.pipeline import prospects
from leadscout.pipeline.list_pages import (
    LIST_PAGE_MIN_COMPANIES,
    SOCIAL,
    Listing,
    ListReader,
    Settled,
    Sighting,
    is_profile_key,
    may_list_companies,
    name_key,
    normalise_name,
    repeated_profiles,
)
from leadscout.pipeline.query_plan import DEEPER_PAGE, DEEPEST_PAGE, PLAN_STEP, PROPOSED_BASE, RANK_STEP, search_plan
from leadscout.pipeline.remembered import Memory, Remembered, monitor_of, still_unreadable, unchanged
from leadscout.pipeline.remembered import load as load_memory
from leadscout.pipeline.sources import SourceResult
from leadscout.research.judge.verify import Verification, candidate_domain, name_from_title, verify_company
from leadscout.research.read.extract import extract
from leadscout.research.read.places import parse_addresses
from leadscout.research.read.pms import Tier
from leadscout.research.web.fetch import Fetcher
from leadscout.research.web.search import SearchProvider

if TYPE_CHECKING:
    from leadscout.agents.llm import Llm

log = logging.getLogger(__name__)
SEARCH_AHEAD_GAP = 8  # a batch wanting this many more companies runs two planned queries at once
SEARCH_EARLY = 3  # fewer pending candidates than this per company wanted: search the next query meanwhile
# a list's next pages are read while its pages name fewer new companies than this per company the run wants
LIST_NEW_PER_COMPANY = 3
DEFERRED = "deferred: its people pages are closed to robots"
LISTED_AGAIN = "listed again: "  # an unread profile set aside as a company the run has
REVIVED = "read after all: the search ran dry, and a namesake in the same city has a profile of its own"
VERIFY_CONCURRENCY = 24  # candidates verified at once: different sites, so politeness is not at stake
STRAGGLER_GRACE = 1.0  # seconds a slow candidate may hold a batch that later candidates have already filled
# the pass rate speculation starts from: two in three, as much evidence as one decided candidate. A batch of 2
# verifies 3 at once, not 4 (the 4th was read for nothing whenever the first two passed), and a run whose first
# candidates fail widens at once (baseline, 4 workers against 1: +13-15 % fetches per company -> +7-11 % classic,
# wild 84-88 -> 91-93 companies a minute; a prior of 2 in 3 weighing 3 candidates cut fetches more but slowed wild)
PRIOR_PASSED, PRIOR_DECIDED = Fraction(2, 3), 1


@dataclass
class WebTools:
    provider: SearchProvider
    fetcher: Fetcher

    def rereading(self) -> WebTools:
        """The same search and cache, with a fetcher of its own that asks every cached page
        "changed since?" (a monitor's run must see today's web, not what this process read)."""
        f = self.fetcher
        policy = f.policy.model_copy(update={"revalidate": True})
        return WebTools(
            self.provider,
            Fetcher(
                f.client, policy, cache=f.cache, replay_only=f.replay_only, resolver=f.resolve, renderer=f.renderer
            ),
        )


# the queries searched for a batch and what each showed: (results, candidates), or None if it failed
Searched = list[tuple[dict[str, Any], "tuple[int, list[Sighting]] | None"]]
OnAccept = Callable[[NewCompany], Awaitable[None]]  # a company handed to the run as soon as it is accepted


@dataclass
class Batch:
    """What one discovery batch has accepted so far, and the (name, city) pairs already taken, each
    with the HQ addresses the companies of that name there were verified at."""

    want: int
    accepted: list[NewCompany] = field(default_factory=list)
    taken: dict[tuple[str, str], list[Hq]] = field(default_factory=dict)
    verified: int = 0
    memory: Memory = field(default_factory=Memory)  # a monitor's: what its earlier ticks decided
    passed_before: int = 0  # the run's candidates verified before this batch, and how many passed
    decided_before: int = 0

    @property
    def gap(self) -> int:
        return max(0, self.want - len(self.accepted))

    def take(self, company: NewCompany | Company) -> bool:
        """False when the run has this company already: the same name in the same city, unless the
        HQ addresses they were verified at differ in street or ZIP code (two firms of one name in one
        city: not one firm listed under two domains)."""
        key, hq = name_key(company.name, company.city), _hq(company)
        seen = self.taken.setdefault(key, [])
        if any(not hq.differs(other) for other in seen):
            return False
        seen.append(hq)
        return True


@dataclass
class Outcome:
    accepted: bool = False


class Speculation:
    """How many candidates a batch verifies at once: enough to fill what it still needs at the
    rate candidates have passed so far (a prior of two in three, weighing one candidate), counting
    the verified ones not yet settled, widening by at most two per candidate decided, and never
    more than VERIFY_CONCURRENCY. Candidates start in plan order."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.running = 0
        self.started = 0
        self.passed_unsettled = 0  # verified and accepted, waiting for their turn to be settled
        self.decided = 0
        self.passed = 0
        self.changed = asyncio.Condition()

    def allowed(self) -> int:
        passed = PRIOR_PASSED + self.passed + self.batch.passed_before
        rate = passed / (PRIOR_DECIDED + self.decided + self.batch.decided_before)
        wanted = max(0, self.batch.gap - self.passed_unsettled)
        # widening earns its width: from the prior's, two more in flight per candidate decided (a rate
        # read from three quick rejections sent a batch of 2 to twelve sites, ten cancelled when two passed)
        earned = math.ceil(wanted / PRIOR_PASSED) + 2 * (self.decided + self.batch.decided_before)
        return min(VERIFY_CONCURRENCY, earned, max(1, math.ceil(wanted / rate))) if wanted else 0

    @asynccontextmanager
    async def slot(self, turn: int) -> AsyncIterator[Outcome]:
        async with self.changed:  # strictly in plan order: a later candidate never overtakes
            await self.changed.wait_for(lambda: turn == self.started and self.running < self.allowed())
            self.running += 1
            self.started += 1
            self.changed.notify_all()
        outcome = Outcome()
        try:
            yield outcome
        finally:
            async with self.changed:
                self.running -= 1
                self.decided += 1
                self.passed += outcome.accepted
                self.passed_unsettled += outcome.accepted
                self.changed.notify_all()

    async def settled(self, *, accepted: bool) -> None:
        async with self.changed:
            self.passed_unsettled -= accepted
            self.changed.notify_all()


@dataclass
class WebSource:
    store: Store
    tools: WebTools
    name: str = "web"
    llm: Llm | None = None  # list pages the rules cannot read, criteria the rules leave unknown
    verify_limit: int | None = None  # preview: stop after verifying this many candidates
    recheck_every: int = 1  # a monitor's remembered rejection is asked about once every this many ticks
    on_accept: OnAccept | None = None  # the run takes each accepted company at once (its research starts)
    _proposed: int = field(default=0, init=False)
    _delivered: list[NewCompany] = field(default_factory=list, init=False)  # handed over early by this batch

    @cached_property
    def lists(self) -> ListReader:
        return ListReader(self.tools.fetcher, self.llm)

    async def list_companies(self, url: str) -> list[tuple[str, str, str]]:
        """(name, website, card) of the companies a list page names, profile pages read."""
        return await self.lists.list_companies(url)

    async def find(self, run: Run, criteria: Criteria, want: int) -> SourceResult:
        batch = await self.open_batch(run, want)
        searching: asyncio.Task[Searched | None] | None = None
        try:
            while batch.gap:
                if self.verify_limit is not None and batch.verified >= self.verify_limit:
                    return SourceResult(batch.accepted, exhausted=False)
                pending = await self.store.pending_candidates(run.id, limit=4 * VERIFY_CONCURRENCY)
                if not pending:
                    searched = await (searching or self._search_next(run, criteria, batch))
                    searching = None
                    if searched is None:
                        if self._asks_user(run) and await self.store.revive_unread_repeats(
                            run.id, LISTED_AGAIN, REVIVED
                        ):
                            continue  # once: they are settled as something else this time
                        return SourceResult(batch.accepted, exhausted=True)
                    await self._propose_searched(run, criteria, searched)
                    continue
                if searching is None and self.verify_limit is None and len(pending) < SEARCH_EARLY * batch.gap:
                    # few candidates left for what the batch wants: the next search and its list
                    # pages are read meanwhile; proposed only once these are settled, as before
                    searching = asyncio.create_task(self._search_next(run, criteria, batch))
                await self._verify_stream(run, criteria, pending, batch)
            return SourceResult(batch.accepted[: batch.want], exhausted=False)
        finally:
            if searching is not None:  # the batch is full: the pages it read stay in the cache
                searching.cancel()
                await asyncio.gather(searching, return_exceptions=True)

    @staticmethod
    def _asks_user(run: Run) -> bool:
        """A run that would ask its user when discovery runs dry reads what it set aside first; a
        monitor's tick takes what matches (re-reading every repeated profile each tick cost two
        requests per known company)."""
        return monitor_of(run) is None

    async def open_batch(self, run: Run, want: int) -> Batch:
        """A batch that starts with the verified companies a crashed batch left undelivered."""
        undelivered = [self._company(row) for row in await self.store.undelivered_accepted(run.id, want)]
        # the agent's batch and the plan's after it are one batch: what the first delivered, the second has
        delivered = {c.domain for c in self._delivered}
        accepted = [*self._delivered, *(c for c in undelivered if c.domain not in delivered)]
        batch = Batch(want, accepted)
        for company in [*await self.store.run_companies(run.id), *batch.accepted]:
            batch.take(company)
        batch.passed_before, batch.decided_before = await self.store.candidate_pass_rate(run.id)
        batch.memory = await load_memory(self.store, run, frozenset(run.criteria.exclude_domains), self.recheck_every)
        return batch

    async def verify_pending(self, run: Run, criteria: Criteria, batch: Batch) -> None:
        """Verify pending candidates until the batch is full or none are left."""
        while batch.gap and (pending := await self.store.pending_candidates(run.id, limit=4 * VERIFY_CONCURRENCY)):
            await self._verify_stream(run, criteria, pending, batch)

    async def _verify_stream(self, run: Run, criteria: Criteria, rows: list[dict[str, Any]], batch: Batch) -> None:
        """Verify candidates concurrently and settle them in plan order, so the batch takes the
        same companies however the fetches interleave; once it is full the rest are cancelled and
        stay pending for the next batch. What is in flight when it fills is wasted, so only as
        many are verified at once as the batch still needs, given how many candidates pass."""
        if self.verify_limit is not None:
            rows = rows[: max(0, self.verify_limit - batch.verified)]
        gate = Speculation(batch)

        async def one(turn: int, row: dict[str, Any]) -> tuple[dict[str, Any], Verification | Settled]:
            async with gate.slot(turn) as outcome:
                settled = await self._verify_one(run, criteria, row, batch)
                outcome.accepted = _passed(settled[1])
                return settled

        tasks = [asyncio.create_task(one(i, r)) for i, r in enumerate(rows)]
        try:
            for i, task in enumerate(tasks):
                if not await self._in_turn(task, tasks[i + 1 :], batch.gap):
                    task.cancel()  # passed over: it stays pending, and a later batch verifies it (its pages cached)
                    continue
                row, outcome = await task
                batch.verified += 1
                if self._no_contacts_to_find(row, outcome):
                    await self.store.defer_candidate(run.id, row["domain"], DEFERRED, PROPOSED_BASE)
                    await gate.settled(accepted=True)  # it passed: the rate speculation is sized by
                    continue
                if isinstance(outcome, Settled):
                    await self.store.settle_candidate(run.id, outcome.key, **outcome.columns())
                else:
                    await self._settle(run, row, outcome, batch)
                await gate.settled(accepted=_passed(outcome))
                if not batch.gap:
                    break
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    @classmethod
    async def _in_turn(cls, task: asyncio.Task[Any], later: list[asyncio.Task[Any]], gap: int) -> bool:
        """Wait for a candidate's verification in plan order; False when later candidates that
        passed already fill the batch and it has kept them waiting STRAGGLER_GRACE seconds (a
        rate-limited site, a slow page): the batch is filled by them instead."""
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        while not task.done():
            if deadline is None and sum(cls._fills(t) for t in later) >= gap:
                deadline = loop.time() + STRAGGLER_GRACE
            if deadline is not None and loop.time() >= deadline:
                return False
            waiting = {task, *(t for t in later if not t.done())}
            timeout = None if deadline is None else deadline - loop.time()
            await asyncio.wait(waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        return True

    @classmethod
    def _fills(cls, task: asyncio.Task[Any]) -> bool:
        if not task.done() or task.cancelled() or task.exception() is not None:
            return False
        row, outcome = task.result()
        return _passed(outcome) and not cls._no_contacts_to_find(row, outcome)

    @staticmethod
    def _no_contacts_to_find(row: dict[str, Any], outcome: Verification | Settled) -> bool:
        """A match whose people pages are closed to robots, the first time it comes up: it goes to
        the end of the plan (its contacts would not be found, and it would be replaced after its
        research); it is taken when it comes up again, with nothing better left."""
        deferred = any(str(reason).startswith(DEFERRED) for reason in row.get("reasons") or [])
        return isinstance(outcome, Verification) and outcome.accepted and outcome.people_closed and not deferred

    async def _verify_one(
        self, run: Run, criteria: Criteria, row: dict[str, Any], batch: Batch
    ) -> tuple[dict[str, Any], Verification | Settled]:
        if is_profile_key(row["domain"]):
            resolved = await self._resolve_profile(run, criteria, row, batch.memory)
            if isinstance(resolved, Settled):
                return row, resolved
            row = resolved
        known = batch.memory.rejected.get(row["domain"])
        if known is not None and (still := await self._still_rejected(known, batch.memory)) is not None:
            return row, still
        verification = await verify_company(self.tools.fetcher, row["website"], row["name"], criteria)
        return row, await self._judge_unknowns(verification, criteria)

    async def _still_rejected(self, known: Remembered, memory: Memory) -> Settled | None:
        """A remembered rejection settled again unread when it is not its turn, or when the pages
        that decided it answer "not changed"; None when one changed (it is verified again)."""
        asked = 0
        if memory.due(known.domain):
            for page in known.pages:
                result = await self.tools.fetcher.fetch(page.url)
                asked += 1
                if not (unchanged(result, page) or still_unreadable(result, page)):
                    return None
        return Settled(
            known.domain, "rejected", known.reasons, known.verdicts, fetches=asked,
            pages=[p.model_dump(mode="json") for p in known.pages],
        )  # fmt: skip

    async def _judge_unknowns(self, v: Verification, criteria: Criteria) -> Verification:
        """With an LLM: ask it about each criterion the rules left unknown, when nothing is false.
        Its answer counts only with a verbatim quote from a fetched page (agents.tasks.judge_unknown)."""
        unknown = [x.criterion for x in v.verdicts if x.verdict == Verdict.UNKNOWN]
        if self.llm is None or v.accepted or any(x.verdict == Verdict.FALSE for x in v.verdicts) or not unknown:
            return v
        from leadscout.agents.tasks import JUDGED, judge_unknown

        for criterion in (c for c in unknown if c in JUDGED):
            try:
                judged = await judge_unknown(self.llm, criterion, criteria, v.pages)
            except (LlmError, BudgetExceeded) as exc:
                log.warning("LLM judge skipped for %s: %s", v.domain, exc)
                return v
            if judged is not None:
                v = v.with_verdict(judged, criteria)
        return v

    async def _settle(self, run: Run, row: dict[str, Any], v: Verification, batch: Batch) -> None:
        company = self._settle_company(row, v) if v.accepted else None
        status, reasons = ("accepted" if company else "rejected"), v.reasons
        if company is not None and not batch.take(company):  # same name and city, another domain: listed twice
            key = name_key(company.name, company.city)
            company, status, reasons = None, "duplicate", [f"same company name and city as {key[0]!r}"]
        await self.store.settle_candidate(
            run.id,
            row["domain"],
            status=status,
            reasons=reasons,
            verdicts=[x.model_dump(mode="json") for x in v.verdicts],
            company=company.model_dump(mode="json") if company else None,
            fetches=v.pages_fetched,
            retries=v.retries,
            pages=[p.model_dump(mode="json") for p in v.deciding_pages()],
        )
        if company is not None:
            batch.accepted.append(company)
            if self.on_accept is not None:
                await self.on_accept(company)
                self._delivered.append(company)

    @staticmethod
    def _company(row: dict[str, Any]) -> NewCompany:
        return NewCompany.model_validate(row["company"])

    @staticmethod
    def _settle_company(row: dict[str, Any], v: Verification) -> NewCompany:
        # the PMS column: a portal link's vendor; else the one vendor the site names as its portal
        # (medium: a fact about the company, never enough to pass a PMS criterion)
        medium = {lab.vendor for lab in v.pms.best(Tier.MEDIUM)}
        pms = next((lab for lab in v.pms.labels if lab.tier == "strong"), None) or (
            next(lab for lab in v.pms.labels if lab.tier == "medium") if len(medium) == 1 else None
        )
        evidence: list[Evidence] = []
        for verdict in v.verdicts:
            evidence.extend(verdict.evidence[:1])
        return NewCompany(
            name=v.name,
            domain=v.domain,
            website=v.website,
            city=v.hq.city if v.hq else None,
            state=v.hq.state if v.hq else None,
            pms=pms.vendor if pms else None,
            units_estimate=v.units.value if v.units else None,
            company_type=v.company_type,
            discovery_source=f"web:{row['found_via']}"[:200],
            evidence=evidence,
            verdicts=v.verdicts,
        )

    async def _resolve_profile(
        self, run: Run, criteria: Criteria, row: dict[str, Any], memory: Memory
    ) -> dict[str, Any] | Settled:
        """A directory profile proposed unread: read it now for the company's own website, and
        make the candidate that site (unless the run already has it, or it is suppressed or
        listed in another market). A monitor does not read again a profile it read before."""
        key = row["domain"]
        if (read := memory.profiles.get(key)) is not None:
            return await self._rekeyed(run, criteria, key, row, read.domain, read.name, read.website, fetches=0)
        page = await self.tools.fetcher.fetch(row["website"])
        if not page.ok:
            return Settled(key, "rejected", [f"directory profile unreadable: {page.error or page.status}"], fetches=1)
        facts = extract(page.final_url, page.text)
        found: dict[str, tuple[str, str, str]] = {}
        ListReader.profile_sites(facts, row["name"], "", registrable_domain(key), found)
        if not found:
            return Settled(key, "rejected", ["the directory profile links no company website"], fetches=1)
        domain, (name, website, _card) = next(iter(found.items()))
        rekeyed = await self._rekeyed(run, criteria, key, row, domain, name, website, fetches=1)
        if isinstance(rekeyed, Settled):
            return rekeyed
        if (elsewhere := Listing(page.final_url, facts.text[:400]).elsewhere(criteria)) is not None:
            reasons = [f"location: false ({elsewhere.detail})"]
            pages = [{"url": page.url, "content_hash": page.content_hash}]
            return Settled(domain, "rejected", reasons, [elsewhere.model_dump(mode="json")], fetches=1, pages=pages)
        return rekeyed

    async def _rekeyed(
        self,
        run: Run,
        criteria: Criteria,
        key: str,
        row: dict[str, Any],
        domain: str,
        name: str,
        website: str,
        *,
        fetches: int,
    ) -> dict[str, Any] | Settled:
        """The profile's candidate as the company's own site, or settled when the run has it already
        or it is suppressed."""
        status = await self.store.resolve_candidate(
            run.id, key, domain, name, website, excluded=domain in criteria.exclude_domains
        )
        if status is None:
            reason = f"the directory profile is {domain}, already a candidate"
            return Settled(key, "duplicate", [reason], fetches=fetches)
        if status == "suppressed":  # settled so by the re-keying itself
            return Settled(domain, "suppressed", ["suppressed domain"], fetches=fetches)
        return {**row, "domain": domain, "name": name, "website": website}

    # -- searching ------------------------------------------------------------------------------
    async def _search_next(self, run: Run, criteria: Criteria, batch: Batch) -> Searched | None:
        """Run the next planned queries (two at once for a batch that still wants many companies:
        it will read their candidates anyway, and waiting on one search, then its pages, is most
        of a batch) and read what they show, without proposing it; None when the plan is used up."""
        ahead = 2 if batch.gap >= SEARCH_AHEAD_GAP else 1
        planned = await self.store.next_run_queries(run.id, ahead)
        if not planned:  # first call, or the criteria changed: plan the queries not yet planned
            await self.store.plan_run_queries(run.id, search_plan(criteria))
            planned = await self.store.next_run_queries(run.id, ahead)
        if not planned and self._asks_user(run):  # short with every planned page read: one page deeper first
            await self.store.plan_run_queries(run.id, search_plan(criteria, deeper=True))
            planned = await self.store.next_run_queries(run.id, ahead)
        if not planned and self._asks_user(run):  # then deeper still where the last page paid out
            veins = await self.store.productive_deep_queries(run.id, DEEPER_PAGE, DEEPEST_PAGE, PLAN_STEP)
            await self.store.plan_run_queries(run.id, veins)
            planned = await self.store.next_run_queries(run.id, ahead)
        if not planned:
            return None
        gap = await self.store.company_gap(run.id)  # lists are read as far as the run needs, not only this batch
        enough = LIST_NEW_PER_COMPANY * max(batch.gap, gap.companies_gap if gap else 0)
        known = frozenset(r["domain"] for r in await self.store.candidate_names(run.id))  # once for the round
        outcomes = await asyncio.gather(
            *(self._search_one(run, criteria, q, batch.memory, enough, known) for q in planned)
        )
        return list(zip(planned, outcomes, strict=True))

    async def _propose_searched(self, run: Run, criteria: Criteria, searched: Searched) -> None:
        """Propose what the searched queries showed, each query in its own transaction, in plan order."""
        for row, outcome in searched:
            if outcome is not None:
                await self._propose_all(run, criteria, row, *outcome)

    async def _search_one(
        self,
        run: Run,
        criteria: Criteria,
        planned: dict[str, Any],
        memory: Memory,
        enough: int,
        known: frozenset[str],
    ) -> tuple[int, list[Sighting]] | None:
        """(results, the candidates they show) of one planned query; None when the search failed."""
        try:
            results = await self.tools.provider.search(planned["query"], planned["page"])
        except TransientError as exc:  # retried already: this query is lost, the plan goes on
            log.warning("query %r failed for run %s: %s", planned["query"], run.id, exc)
            await self.store.finish_run_query(run.id, planned["position"], "failed", 0, self.tools.provider.name)
            return None
        via = f"search:{planned['query']}"
        base = planned["position"] * PLAN_STEP
        found = await asyncio.gather(
            *(
                self._consider(
                    criteria, r.url, r.title, via, base + r.rank * RANK_STEP, r.snippet, memory, enough, known
                )
                for r in results
            )
        )
        return len(results), [s for listed in found for s in listed]

    async def _propose_all(
        self, run: Run, criteria: Criteria, planned: dict[str, Any], results: int, sightings: list[Sighting]
    ) -> None:
        # one transaction per query: a worker killed halfway leaves none of its candidates, so the
        # retry proposes all of them and verification still follows the plan's order
        async with self.store.transaction() as conn:
            known = {
                (normalise_name(r["name"]), r["listed_city"]): r["domain"]
                for r in await self.store.candidate_names(run.id, conn)
            }
            repeated = repeated_profiles(sightings, known)
            for s in sightings:
                if s in repeated:  # another directory or the same one already lists it: not worth a fetch
                    await self.store.add_candidate(
                        run.id, s.key, s.name, s.website, s.via, "duplicate",
                        [f"{LISTED_AGAIN}{repeated[s]}"], seq=s.seq or 0, conn=conn, listed_city=s.city,
                    )  # fmt: skip
                    continue
                await self.propose(run, criteria, s, conn=conn)
            await self.store.finish_run_query(
                run.id, planned["position"], "done", results, self.tools.provider.name, conn
            )

    async def _consider(
        self,
        criteria: Criteria,
        url: str,
        title: str,
        via: str,
        seq: int,
        snippet: str = "",
        memory: Memory | None = None,
        enough: int | None = None,
        known: frozenset[str] = frozenset(),
    ) -> list[Sighting]:
        """The candidates one search result yields: itself, or the companies its list page names
        (directory profiles unread: :meth:`_resolve_profile` reads the ones verification reaches).
        A result whose title or snippet places it in another market is not read at all."""
        domain = candidate_domain(url)
        if domain is None or domain in SOCIAL:
            return []
        root = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/"
        result = Sighting(root, name_from_title(title) or domain, via, seq, Listing(url, f"{title} {snippet}".strip()))
        if result.listing is not None and result.listing.elsewhere(criteria) is not None:
            return [result]  # propose() rejects it for its location, unread
        if memory is not None and memory.is_company_site(domain):
            return [result]  # a monitor knows this site for a company's own: no list page to read
        if not may_list_companies(url, title):
            return [result]  # verification reads its home page
        listed = await self.lists.list_page(url, read_profiles=False, enough=enough, known=known)
        if len(listed) >= LIST_PAGE_MIN_COMPANIES:  # a directory or a "top 25" article
            list_via = f"list:{urlsplit(url).hostname}"
            return [
                Sighting(website, name, list_via, seq + i, Listing(url, card) if card else None, is_profile_key(key))
                for i, (key, (name, website, card)) in enumerate(list(listed.items())[: RANK_STEP - 1], 1)
            ]
        return [result]

    async def propose(self, run: Run, criteria: Criteria, sighting: Sighting, *, conn: Conn | None = None) -> bool:
        """A candidate, deduplicated by registrable domain (names are compared after verification,
        together with the city: two firms may share a name in two cities). Its ``seq`` is its
        place in the plan (verification follows it); without one it goes after everything
        planned, in the order proposed. True when it is new and will be verified."""
        s = sighting
        if s.seq is None:
            self._proposed += 1
            s = replace(s, seq=PROPOSED_BASE + self._proposed)
        assert s.seq is not None
        domain, listing = s.key, s.listing

        async def add(status: str = "pending", reasons: list[str] | None = None, seq: int = s.seq) -> bool:
            return await self.store.add_candidate(
                run.id, domain, s.name, s.website, s.via, status, reasons, seq=seq, conn=conn, listed_city=s.city
            )

        if domain in criteria.exclude_domains or await self.store.is_blocked(domain, conn):
            await add("suppressed", ["suppressed domain"])  # before any spending: the site is never fetched
            return False
        if listing is not None and (elsewhere := listing.elsewhere(criteria)) is not None:
            # the listing places it in another market: not worth a single fetch
            if await add("rejected", [elsewhere.detail]):
                verdict = [elsewhere.model_dump(mode="json")]
                await self.store.settle_candidate(
                    run.id, domain, status="rejected", reasons=[f"location: false ({elsewhere.detail})"],
                    verdicts=verdict, company=None, fetches=0, retries=0, conn=conn,
                )  # fmt: skip
            return False
        # what the listing already says decides who is verified first
        text = listing.text if listing else ""
        return await add(seq=prospects.seq_for(s.seq, text, criteria, profile=s.profile))


@dataclass(frozen=True)
class Hq:
    """The street and ZIP code of the HQ address a company's location verdict quotes, as compared."""

    street: str | None = None
    zip: str | None = None

    def differs(self, other: Hq) -> bool:
        return bool(
            (self.street and other.street and self.street != other.street)
            or (self.zip and other.zip and self.zip[:5] != other.zip[:5])
        )


def _hq(company: NewCompany | Company) -> Hq:
    for verdict in company.verdicts:
        if verdict.criterion == "location":
            for evidence in verdict.evidence:
                for address in parse_addresses(evidence.quote, "evidence"):
                    street = " ".join(address.street.lower().replace(".", "").split()) if address.street else None
                    return Hq(street, address.zip)
    return Hq()


def _passed(outcome: Verification | Settled) -> bool:
    return isinstance(outcome, Verification) and outcome.accepted


def rejection_summary(rows: list[dict[str, Any]]) -> Counter[str]:
    """How many candidates failed each criterion (a candidate may fail several)."""
    counts: Counter[str] = Counter()
    for row in rows:
        if row["status"] != "rejected":
            continue
        for verdict in row["verdicts"] or []:
            if verdict.get("verdict") != Verdict.TRUE.value:
                counts[verdict["criterion"]] += 1
    return counts
