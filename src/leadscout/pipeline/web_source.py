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
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from leadscout import geo, vendors
from leadscout.criteria import Criteria
from leadscout.db.store import Conn, Store
from leadscout.domains import registrable_domain
from leadscout.errors import BudgetExceeded, LlmError, TransientError
from leadscout.models import CriterionVerdict, Evidence, NewCompany, Run, Verdict
from leadscout.pipeline import prospects
from leadscout.pipeline.sources import SourceResult
from leadscout.research.extract import Link, PageFacts, extract
from leadscout.research.fetch import Fetcher
from leadscout.research.places import Address, parse_addresses
from leadscout.research.pms import Tier
from leadscout.research.search import SearchProvider
from leadscout.research.verify import Verification, candidate_domain, name_from_title, verify_company

if TYPE_CHECKING:
    from leadscout.agents.llm import Llm

log = logging.getLogger(__name__)
PAGES_PER_QUERY = 2
# a candidate's place in the plan: query position, then result rank, then place on a list page
PLAN_STEP, RANK_STEP = 10**8, 10**5
PROPOSED_BASE = 10**15  # proposals from outside the plan (an agent) come after it, in order
LIST_PAGE_MIN_COMPANIES = 4
MAX_LIST_PAGES = 6  # pagination followed per list site
SEARCH_AHEAD_GAP = 8  # a batch wanting this many more companies runs two planned queries at once
SEARCH_EARLY = 3  # fewer pending candidates than this per company wanted: search the next query meanwhile
VERIFY_CONCURRENCY = 24  # candidates verified at once: different sites, so politeness is not at stake
VERIFY_MIN_WINDOW = 8  # even for the last company of a batch: verifying one at a time makes a batch wait
SOCIAL = frozenset(
    {
        "facebook.com",
        "instagram.com",
        "linkedin.com",
        "twitter.com",
        "x.com",
        "youtube.com",
        "yelp.com",
        "google.com",
        "bbb.org",
        "zillow.com",
        "pinterest.com",
        "tiktok.com",
    }
)
_LISTY = re.compile(r"\b(top|best|directory|list|companies|firms|recommend|forum|thread)\b", re.IGNORECASE)
_PROFILE = re.compile(r"/(company|companies|profile|listing|property-manager|business)/", re.IGNORECASE)
_NAME_WORDS = re.compile(r"[^a-z0-9]+")


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
            self.provider, Fetcher(f.client, policy, cache=f.cache, replay_only=f.replay_only, resolver=f.resolve)
        )


def query_plan(criteria: Criteria) -> list[str]:
    places = [f"{c} {criteria.state}" for c in criteria.cities] or [criteria.state or "United States"]
    names = [v.name for v in vendors.vendors() if v.slug in criteria.pms]
    queries: list[str] = []
    for place in places:
        # a PMS asked for: sites that name the vendor first (most of them use it)
        queries += [f"{name} property management {place}" for name in names]
        queries += [f"property management companies in {place}", f"top property managers {place}"]
        queries += [f"best property management company {place}", f"property management {place} rentals"]
    if criteria.cities and criteria.state and criteria.geo_scope == "metro":
        suburbs = sorted(criteria.allowed_cities()[1:], key=lambda c: -geo.place_size(c, criteria.state or ""))
        for city in suburbs[:8]:  # the largest places of the metro first: that is where the firms are
            queries.append(f"property management {city} {criteria.state}")
    return list(dict.fromkeys(queries))


def _name_key(name: str, city: str | None) -> tuple[str, str]:
    return normalise_name(name), (city or "").lower()


def normalise_name(name: str) -> str:
    words = _NAME_WORDS.sub(" ", name.lower()).split()
    filler = {"llc", "inc", "co", "company", "the", "and", "pm"}
    return " ".join(w for w in words if w not in filler)


# the queries searched for a batch and what each showed: (results, candidates), or None if it failed
Searched = list[tuple[dict[str, Any], "tuple[int, list[Sighting]] | None"]]


@dataclass
class Batch:
    """What one discovery batch has accepted so far, and the (name, city) pairs already taken."""

    want: int
    accepted: list[NewCompany] = field(default_factory=list)
    taken: set[tuple[str, str]] = field(default_factory=set)
    verified: int = 0

    @property
    def gap(self) -> int:
        return max(0, self.want - len(self.accepted))


@dataclass
class WebSource:
    store: Store
    tools: WebTools
    name: str = "web"
    llm: Llm | None = None  # list pages the rules cannot read, criteria the rules leave unknown
    verify_limit: int | None = None  # preview: stop after verifying this many candidates
    _proposed: int = field(default=0, init=False)

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

    async def open_batch(self, run: Run, want: int) -> Batch:
        """A batch that starts with the verified companies a crashed batch left undelivered."""
        batch = Batch(want, [self._company(row) for row in await self.store.undelivered_accepted(run.id, want)])
        batch.taken = {_name_key(c.name, c.city) for c in [*await self.store.run_companies(run.id), *batch.accepted]}
        return batch

    async def verify_pending(self, run: Run, criteria: Criteria, batch: Batch) -> None:
        """Verify pending candidates until the batch is full or none are left."""
        while batch.gap and (pending := await self.store.pending_candidates(run.id, limit=4 * VERIFY_CONCURRENCY)):
            await self._verify_stream(run, criteria, pending, batch)

    async def _verify_stream(self, run: Run, criteria: Criteria, rows: list[dict[str, Any]], batch: Batch) -> None:
        """Verify candidates concurrently and settle them in plan order, so the batch takes the
        same companies however the fetches interleave; once it is full the rest are cancelled and
        stay pending for the next batch."""
        # about three candidates per company the batch still wants: what is in flight when it fills is wasted
        window = max(3 * batch.gap, min(VERIFY_MIN_WINDOW, 3 * batch.want))  # a small batch keeps its 3 per company
        gate = asyncio.Semaphore(min(VERIFY_CONCURRENCY, window))
        if self.verify_limit is not None:
            rows = rows[: max(0, self.verify_limit - batch.verified)]

        async def one(row: dict[str, Any]) -> tuple[dict[str, Any], Verification | Settled]:
            async with gate:
                if is_profile_key(row["domain"]):
                    resolved = await self._resolve_profile(run, criteria, row)
                    if isinstance(resolved, Settled):
                        return row, resolved
                    row = resolved
                verification = await verify_company(self.tools.fetcher, row["website"], row["name"], criteria)
                return row, await self._judge_unknowns(verification, criteria)

        tasks = [asyncio.create_task(one(r)) for r in rows]
        try:
            for task in tasks:
                row, outcome = await task
                batch.verified += 1
                if isinstance(outcome, Settled):
                    await self.store.settle_candidate(run.id, outcome.key, **outcome.columns())
                else:
                    await self._settle(run, row, outcome, batch)
                if not batch.gap:
                    break
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

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
        if company is not None:
            key = _name_key(company.name, company.city)
            if key in batch.taken:  # same name, same city, another domain: one company, listed twice
                company, status, reasons = None, "duplicate", [f"same company name and city as {key[0]!r}"]
            else:
                batch.taken.add(key)
        await self.store.settle_candidate(
            run.id,
            row["domain"],
            status=status,
            reasons=reasons,
            verdicts=[x.model_dump(mode="json") for x in v.verdicts],
            company=company.model_dump(mode="json") if company else None,
            fetches=v.pages_fetched,
            retries=v.retries,
        )
        if company is not None:
            batch.accepted.append(company)

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

    async def _resolve_profile(self, run: Run, criteria: Criteria, row: dict[str, Any]) -> dict[str, Any] | Settled:
        """A directory profile proposed unread: read it now for the company's own website, and
        make the candidate that site (unless the run already has it, or it is suppressed or
        listed in another market)."""
        key = row["domain"]
        page = await self.tools.fetcher.fetch(row["website"])
        if not page.ok:
            return Settled(key, "rejected", [f"directory profile unreadable: {page.error or page.status}"], fetches=1)
        facts = extract(page.final_url, page.text)
        found: dict[str, tuple[str, str, str]] = {}
        self._profile_sites(facts, row["name"], "", registrable_domain(key), found)
        if not found:
            return Settled(key, "rejected", ["the directory profile links no company website"], fetches=1)
        domain, (name, website, _card) = next(iter(found.items()))
        status = await self.store.resolve_candidate(
            run.id, key, domain, name, website, excluded=domain in criteria.exclude_domains
        )
        if status is None:
            return Settled(key, "duplicate", [f"the directory profile is {domain}, already a candidate"], fetches=1)
        if status == "suppressed":  # settled so by the re-keying itself
            return Settled(domain, "suppressed", ["suppressed domain"], fetches=1)
        if (elsewhere := Listing(page.final_url, facts.text[:400]).elsewhere(criteria)) is not None:
            reasons = [f"location: false ({elsewhere.detail})"]
            return Settled(domain, "rejected", reasons, [elsewhere.model_dump(mode="json")], fetches=1)
        return {**row, "domain": domain, "name": name, "website": website}

    # -- searching ------------------------------------------------------------------------------
    async def _search_next(self, run: Run, criteria: Criteria, batch: Batch) -> Searched | None:
        """Run the next planned queries (two at once for a batch that still wants many companies:
        it will read their candidates anyway, and waiting on one search, then its pages, is most
        of a batch) and read what they show, without proposing it; None when the plan is used up."""
        ahead = 2 if batch.gap >= SEARCH_AHEAD_GAP else 1
        planned = await self.store.next_run_queries(run.id, ahead)
        if not planned:  # first call, or the criteria changed: plan the queries not yet planned
            plan = [(query, page) for query in query_plan(criteria) for page in range(1, PAGES_PER_QUERY + 1)]
            await self.store.plan_run_queries(run.id, plan)
            planned = await self.store.next_run_queries(run.id, ahead)
        if not planned:
            return None
        outcomes = await asyncio.gather(*(self._search_one(run, criteria, q) for q in planned))
        return list(zip(planned, outcomes, strict=True))

    async def _propose_searched(self, run: Run, criteria: Criteria, searched: Searched) -> None:
        """Propose what the searched queries showed, each query in its own transaction, in plan order."""
        for row, outcome in searched:
            if outcome is not None:
                await self._propose_all(run, criteria, row, *outcome)

    async def _search_one(
        self, run: Run, criteria: Criteria, planned: dict[str, Any]
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
            *(self._consider(criteria, r.url, r.title, via, base + r.rank * RANK_STEP, r.snippet) for r in results)
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
                        [f"listed again: {repeated[s]}"], seq=s.seq or 0, conn=conn, listed_city=s.city,
                    )  # fmt: skip
                    continue
                await self.propose(run, criteria, s, conn=conn)
            await self.store.finish_run_query(
                run.id, planned["position"], "done", results, self.tools.provider.name, conn
            )

    async def _consider(
        self, criteria: Criteria, url: str, title: str, via: str, seq: int, snippet: str = ""
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
        listed = await self.list_page(url, read_profiles=False)
        if len(listed) >= LIST_PAGE_MIN_COMPANIES:  # a directory or a "top 25" article
            list_via = f"list:{urlsplit(url).hostname}"
            return [
                Sighting(website, name, list_via, seq + i, Listing(url, card) if card else None, is_profile_key(key))
                for i, (key, (name, website, card)) in enumerate(list(listed.items())[: RANK_STEP - 1], 1)
            ]
        return [result]

    async def list_companies(self, url: str) -> list[tuple[str, str, str]]:
        """(name, website, card) of the companies a list page names, profile pages read."""
        return list((await self.list_page(url)).values())

    async def list_page(self, url: str, *, read_profiles: bool = True) -> dict[str, tuple[str, str, str]]:
        """domain -> (name, website, card) of the companies a list page names: by the page's
        structure, else (with an LLM, on a page that reads like a list) by the model, keeping only
        domains the page shows. Unless ``read_profiles``, a directory's profile pages are not read:
        each is keyed by :func:`profile_key` and its website is the profile's URL."""
        domain = candidate_domain(url)
        page = await self.tools.fetcher.fetch(url)
        if domain is None or not page.ok:
            return {}
        facts = extract(page.final_url, page.text)
        listed = await self._listed_companies(facts, domain, read_profiles)
        if len(listed) >= LIST_PAGE_MIN_COMPANIES or self.llm is None or not _LISTY.search(facts.title):
            return listed
        from leadscout.agents.tasks import companies_on_list_page

        try:
            found = await companies_on_list_page(self.llm, facts)
        except (LlmError, BudgetExceeded) as exc:
            log.warning("LLM list extraction skipped for %s: %s", url, exc)
            return listed
        for name, website in found:
            if (key := candidate_domain(website)) is not None and key not in listed and key not in (domain, *SOCIAL):
                listed[key] = (name, website, "")
        return listed

    async def _listed_companies(
        self, facts: PageFacts, list_domain: str, read_profiles: bool
    ) -> dict[str, tuple[str, str, str]]:
        """Companies a list page names with their own websites (following pagination, and profile
        pages when asked, on the list site), each with its listing's text."""
        out: dict[str, tuple[str, str, str]] = {}
        for name, url in itemlist_entries(facts):  # schema.org ItemList: the page says it is a list
            self._external(Link(url=url, text=name, context=name), list_domain, out)
        seen_pages = {facts.url}
        pages = [facts]
        ahead: list[asyncio.Task[Any]] = []
        while pages:
            current = pages.pop(0)
            more = self._more_pages(current, seen_pages, ahead)  # fetched while this page is read
            fetching = [asyncio.create_task(self.tools.fetcher.fetch(url)) for url in more]
            profiles = []
            for link in current.links:
                self._external(link, list_domain, out)
                if urlsplit(link.url).hostname == urlsplit(current.url).hostname and _PROFILE.search(
                    urlsplit(link.url).path
                ):
                    profiles.append(link)
            if len(profiles) >= LIST_PAGE_MIN_COMPANIES and not read_profiles:
                for link in profiles:  # read when verification reaches them, most promising first
                    out.setdefault(profile_key(link.url), (link.context or link.text, link.url, link.card))
            elif len(profiles) >= LIST_PAGE_MIN_COMPANIES:
                chosen = profiles[:40]  # read together (the fetcher keeps per-host politeness), used in order
                for link, profile in zip(
                    chosen, await asyncio.gather(*(self.tools.fetcher.fetch(p.url) for p in chosen)), strict=True
                ):
                    if profile.ok:
                        profile_facts = extract(profile.final_url, profile.text)
                        card = link.card or profile_facts.text[:300]
                        self._profile_sites(profile_facts, link.context, card, list_domain, out)
            for page in await asyncio.gather(*fetching):
                if page.ok:
                    pages.append(extract(page.final_url, page.text))
        await asyncio.gather(*ahead, return_exceptions=True)
        return out

    def _more_pages(self, current: PageFacts, seen: set[str], ahead: list[asyncio.Task[Any]]) -> list[str]:
        """The list's next pages to read: every numbered page the pagination links at once (``1 2 3
        … 7``), else the "next" page, with the one after it fetched ahead (the fetcher shares the
        request when the chain gets there); at most MAX_LIST_PAGES after the first."""
        room = MAX_LIST_PAGES + 1 - len(seen)
        host = urlsplit(current.url).hostname
        same_site = [link for link in current.links if urlsplit(link.url).hostname == host]
        listing = listing_key(current.url)
        numbered = sorted(
            {
                (found[1], link.url)
                for link in same_site  # the pager's numbers (a Next link is numbered too, but says nothing of the rest)
                if link.text.strip().isdigit()
                and (found := page_number(link.url)) is not None
                and found[0] == listing
                and found[1] > 1
            }
        )
        wanted = [url for _, url in numbered if url not in seen][: max(0, room)]
        if not wanted:
            nxt = next((link.url for link in same_site if "next" in link.text.lower() and link.url not in seen), None)
            wanted = [nxt] if nxt is not None and room > 0 else []
            if wanted and (later := following_page(wanted[0])) and room > 1 and later not in seen:
                ahead.append(asyncio.create_task(self.tools.fetcher.fetch(later)))
        seen.update(wanted)
        return wanted

    @classmethod
    def _profile_sites(
        cls, facts: PageFacts, fallback_name: str, card: str, list_domain: str, out: dict[str, tuple[str, str, str]]
    ) -> None:
        """The websites a directory profile links, named as the profile's title names the company."""
        name = facts.title.split(" - ")[0].strip() or fallback_name
        for outbound in facts.links:
            cls._external(outbound.model_copy(update={"text": name, "context": name, "card": card}), list_domain, out)

    @staticmethod
    def _external(link: Link, list_domain: str, out: dict[str, tuple[str, str, str]]) -> None:
        domain = candidate_domain(link.url)
        if domain is None or domain == list_domain or domain in SOCIAL or domain in out:
            return
        name = link.context or link.text
        if not name or name.lower() in ("website", "visit website", "view profile"):
            name = domain
        parts = urlsplit(link.url)
        out[domain] = (name, f"{parts.scheme}://{parts.netloc}/", link.card)

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


_PAGE_KEYS = ("page", "p", "pg", "paged")


@dataclass(frozen=True)
class _PageSlot:
    """Where a numbered list page's URL carries its number: the n-th query pair or path segment."""

    parts: SplitResult
    query: list[tuple[str, str]]
    segments: list[str]
    index: int
    in_query: bool

    @property
    def number(self) -> int:
        return int(self.query[self.index][1] if self.in_query else self.segments[self.index])

    def with_number(self, number: int) -> str:
        if self.in_query:
            query = [*self.query[: self.index], (self.query[self.index][0], str(number)), *self.query[self.index + 1 :]]
            return urlunsplit(self.parts._replace(query=urlencode(query)))
        segments = [*self.segments[: self.index], str(number), *self.segments[self.index + 1 :]]
        return urlunsplit(self.parts._replace(path="/".join(segments)))


def _page_slot(url: str) -> _PageSlot | None:
    """``?page=3`` (or p, pg, paged), else the first ``/page/3/`` in the path."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    segments = parts.path.split("/")
    for i, (key, value) in enumerate(query):
        if key.lower() in _PAGE_KEYS and value.isdigit():
            return _PageSlot(parts, query, segments, i, in_query=True)
    for i in range(1, len(segments)):
        if segments[i - 1].lower() == "page" and segments[i].isdigit():
            return _PageSlot(parts, query, segments, i, in_query=False)
    return None


def page_number(url: str) -> tuple[str, int] | None:
    """(the list a numbered list page belongs to, its number) for ``?page=3`` or a path ending ``/page/3/``."""
    slot = _page_slot(url)
    if slot is None:
        return None
    parts = slot.parts
    if slot.in_query:
        rest = urlencode(slot.query[: slot.index] + slot.query[slot.index + 1 :])
        return f"{parts.netloc}{parts.path.rstrip('/')}?{rest}", slot.number
    if any(slot.segments[slot.index + 1 :]):  # /page/3/more: not the list's own page
        return None
    return f"{parts.netloc}{'/'.join(slot.segments[: slot.index - 1])}?{parts.query}", slot.number


def listing_key(url: str) -> str:
    """The list a page belongs to, whichever of its pages ``url`` is (the first has no number)."""
    if (found := page_number(url)) is not None:
        return found[0]
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path.rstrip('/')}?{parts.query}"


def following_page(url: str) -> str | None:
    """The URL of the page after a numbered list page (``?page=2`` or ``/page/2/``), or None."""
    slot = _page_slot(url)
    return None if slot is None else slot.with_number(slot.number + 1)


def profile_key(url: str) -> str:
    """A directory profile's candidate key until it is read: host and path, never a domain."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{parts.path.rstrip('/') or '/'}"


def repeated_profiles(sightings: list[Sighting], known: dict[tuple[str, str], str]) -> dict[Sighting, str]:
    """Unread directory profiles of a company the run already has, or one query shows twice (same
    name, same listed city): the candidate the run has, else the one with its own website, else
    the first profile in plan order, is kept. ``known``: (normalised name, listed city) -> key."""
    kept: dict[tuple[str, str], str] = dict(known)
    for s in sorted(sightings, key=lambda s: (s.profile, s.seq)):
        key = (normalise_name(s.name), s.city)
        if key[0] and key not in kept:
            kept[key] = s.key
    out = {}
    for s in sightings:
        key = (normalise_name(s.name), s.city)
        if s.profile and key in kept and kept[key] != s.key:
            out[s] = f"{s.name} ({kept[key]})"
    return out


def is_profile_key(key: str) -> bool:
    return "/" in key


@dataclass(frozen=True)
class Sighting:
    """A candidate as a search result or a list page shows it, before anything about it is read."""

    website: str
    name: str
    via: str
    seq: int | None  # its place in the plan; None: after everything planned, in the order proposed
    listing: Listing | None = None
    profile: bool = False

    @property
    def key(self) -> str:
        return profile_key(self.website) if self.profile else registrable_domain(self.website)

    @cached_property
    def city(self) -> str:
        return self.listing.city() if self.listing else ""


@dataclass(frozen=True)
class Settled:
    """A candidate settled without verifying its site (its directory profile decided)."""

    key: str
    status: str
    reasons: list[str]
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    fetches: int = 0

    def columns(self) -> dict[str, Any]:
        return {"status": self.status, "reasons": self.reasons, "verdicts": self.verdicts, "company": None,
                "fetches": self.fetches, "retries": 0}  # fmt: skip


@dataclass(frozen=True)
class Listing:
    """What a list page or a search result says about a candidate before it is fetched."""

    url: str
    text: str

    @cached_property
    def place(self) -> Address | None:
        """The first place the listing names (parsed once: ordering and rejecting both ask)."""
        return next((a for a in parse_addresses(self.text, "listing") if a.state), None)

    def city(self) -> str:
        return f"{self.place.city}, {self.place.state}".lower() if self.place else ""

    def elsewhere(self, criteria: Criteria) -> CriterionVerdict | None:
        """A false location verdict when the listing puts the company in another market: another
        state, or a city more than twice the metro radius (at least 60 miles) from every city
        asked for. Suburbs in between are fetched: a listing's city is not always the office's."""
        if not criteria.state:
            return None
        place = self.place
        if place is None:
            return None
        detail = f"listed in {place.city}, {place.state} ({self.url})"
        if place.state != criteria.state:
            return _listed_verdict(f"{detail}: not in {criteria.state}", self)
        centers = [c for c in (geo.city_center(city, criteria.state) for city in criteria.cities) if c]
        here = geo.city_center(place.city, place.state)
        if centers and here and min(geo.miles(here, c) for c in centers) > max(2 * criteria.metro_radius_miles, 60):
            return _listed_verdict(f"{detail}: another metro", self)
        return None


def _listed_verdict(detail: str, listing: Listing) -> CriterionVerdict:
    quote = listing.text[:300]
    evidence = Evidence(url=listing.url, quote=quote, source="listing")
    return CriterionVerdict(criterion="location", verdict=Verdict.FALSE, detail=detail, evidence=[evidence])


def itemlist_entries(facts: PageFacts) -> list[tuple[str, str]]:
    """(name, url) of every entry of the page's JSON-LD ItemLists."""
    out = []
    for item in facts.jsonld:
        if "ItemList" not in str(item.get("@type")):
            continue
        elements = item.get("itemListElement")
        for element in elements if isinstance(elements, list) else []:
            if not isinstance(element, dict):
                continue
            nested = element.get("item")
            inner: dict[str, Any] = nested if isinstance(nested, dict) else element
            url, name = inner.get("url") or element.get("url"), inner.get("name") or element.get("name")
            if isinstance(url, str) and url.startswith(("http://", "https://")):
                out.append((str(name or ""), url))
    return out


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
