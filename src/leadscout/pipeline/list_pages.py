"""Candidates as search results and list pages show them, before their sites are read: the
reading of list pages (JSON-LD ItemLists, outbound links, directory profiles, pagination, and an
LLM for a list the rules cannot read), sightings and listings, and a candidate's identity."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from leadscout import geo
from leadscout.criteria import Criteria
from leadscout.domains import registrable_domain
from leadscout.errors import BudgetExceeded, LlmError
from leadscout.models import CriterionVerdict, Evidence, Verdict
from leadscout.research.judge.verify import candidate_domain
from leadscout.research.read.extract import Link, PageFacts, extract
from leadscout.research.read.places import Address, parse_addresses
from leadscout.research.web.fetch import Fetcher

if TYPE_CHECKING:
    from leadscout.agents.llm import Llm

log = logging.getLogger(__name__)
LIST_PAGE_MIN_COMPANIES = 4
MAX_LIST_PAGES = 40  # pagination followed per list site, against a pager that never ends (a page naming
# no company new to the list ends it sooner: see _listed_companies)
LIST_TRUST_SECONDS = 7 * 86_400  # a list whose first and last pages are unchanged: its other pages are taken
# from the cache while the cached copies are younger than this (an edit inside a page shows within a week)
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


def reads_like_list(title: str) -> bool:
    """A page title that says the page lists companies (a directory, a "top 10", a thread)."""
    return _LISTY.search(title) is not None


def may_list_companies(url: str, title: str) -> bool:
    """Whether a search result is worth reading as a list page: a site's home page is the
    company's own unless its title says it lists others (reading it to find out held a batch's
    candidates back while a script app's home page was rendered)."""
    return urlsplit(url).path.strip("/") != "" or reads_like_list(title)


def name_key(name: str, city: str | None) -> tuple[str, str]:
    return normalise_name(name), (city or "").lower()


def normalise_name(name: str) -> str:
    words = _NAME_WORDS.sub(" ", name.lower()).split()
    filler = {"llc", "inc", "co", "company", "the", "and", "pm"}
    return " ".join(w for w in words if w not in filler)


def _numbered(page: PageFacts) -> list[tuple[int, str]]:
    """(number, URL) of the later pages a list page's pager links by number, in order (a Next
    link is numbered too, but says nothing of the rest)."""
    host, listing = urlsplit(page.url).hostname, listing_key(page.url)
    return sorted(
        {
            (found[1], link.url)
            for link in page.links
            if urlsplit(link.url).hostname == host
            and link.text.strip().isdigit()
            and (found := page_number(link.url)) is not None
            and found[0] == listing
            and found[1] > 1
        }
    )


_PAGE_OF = re.compile(r"\bpage\s+1\s+(?:of|/)\s+(\d{1,4})\b", re.IGNORECASE)  # a pager's label, not prose


def _last_page(first: PageFacts) -> str | None:
    """The last page of a list: the highest number its first page's pager links, else the page
    "Page 1 of 7" names, at the address its Next link numbers."""
    if numbered := _numbered(first):
        return numbered[-1][1]
    host, listing = urlsplit(first.url).hostname, listing_key(first.url)
    total = _PAGE_OF.search(first.text)
    for link in first.links:
        found = page_number(link.url)
        slot = _page_slot(link.url)
        if total and found == (listing, 2) and slot is not None and urlsplit(link.url).hostname == host:
            return slot.with_number(int(total.group(1)))
    return None


@dataclass
class ListReader:
    """Reads list pages: directories, "top 25" articles, forum threads."""

    fetcher: Fetcher
    llm: Llm | None = None  # list pages the rules cannot read

    async def list_companies(self, url: str) -> list[tuple[str, str, str]]:
        """(name, website, card) of the companies a list page names, profile pages read."""
        return list((await self.list_page(url)).values())

    async def list_page(
        self, url: str, *, read_profiles: bool = True, enough: int | None = None, known: frozenset[str] = frozenset()
    ) -> dict[str, tuple[str, str, str]]:
        """domain -> (name, website, card) of the companies a list page names: by the page's
        structure, else (with an LLM, on a page that reads like a list) by the model, keeping only
        domains the page shows. Unless ``read_profiles``, a directory's profile pages are not read:
        each is keyed by :func:`profile_key` and its website is the profile's URL. With ``enough``,
        pagination is followed only until the pages read name that many companies not ``known``."""
        domain = candidate_domain(url)
        page = await self.fetcher.fetch(url)
        if domain is None or not page.ok:
            return {}
        facts = extract(page.final_url, page.text)
        listed = await self._listed_companies(facts, domain, read_profiles, enough, known, page.unchanged)
        if len(listed) >= LIST_PAGE_MIN_COMPANIES or self.llm is None or not reads_like_list(facts.title):
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
        self,
        facts: PageFacts,
        list_domain: str,
        read_profiles: bool,
        enough: int | None = None,
        known: frozenset[str] = frozenset(),
        first_unchanged: bool = False,
    ) -> dict[str, tuple[str, str, str]]:
        """Companies a list page names with their own websites (following pagination, and profile
        pages when asked, on the list site), each with its listing's text. With ``enough``, the
        next pages are read only while fewer than that many companies are new: a batch that wants
        two companies does not wait on a directory's seventh page (a later batch reads on).
        A list asked again (a monitor's tick) whose first page (``first_unchanged``: it states the
        count) and last page are unchanged has its other pages read from the cache: a listing
        added or removed anywhere shifts the last page."""
        out: dict[str, tuple[str, str, str]] = {}
        for name, url in itemlist_entries(facts):  # schema.org ItemList: the page says it is a list
            self._external(Link(url=url, text=name, context=name), list_domain, out)
        seen_pages = {facts.url}
        pages = [facts]
        ahead: list[asyncio.Task[Any]] = []
        lazy = enough is not None
        settled = False
        while pages:
            current = pages.pop(0)
            listed_before = len(out)
            if current is facts and first_unchanged and (last := _last_page(current)) is not None:
                settled = (await self.fetcher.fetch(last)).unchanged
            more = [] if lazy else self._more_pages(current, seen_pages, ahead, settled)  # read while this one is
            fetching = [asyncio.create_task(self._read_page(url, settled)) for url in more]
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
                    chosen, await asyncio.gather(*(self.fetcher.fetch(p.url) for p in chosen)), strict=True
                ):
                    if profile.ok:
                        profile_facts = extract(profile.final_url, profile.text)
                        card = link.card or profile_facts.text[:300]
                        self.profile_sites(profile_facts, link.context, card, list_domain, out)
            if current is not facts and len(out) == listed_before:
                for task in fetching:  # a page that names no company new to the list: the pager goes nowhere
                    task.cancel()
                await asyncio.gather(*fetching, return_exceptions=True)
                continue
            if enough is not None and len(out.keys() - known) < enough:
                fetching = [
                    asyncio.create_task(self._read_page(url, settled))
                    for url in self._more_pages(current, seen_pages, ahead, settled)
                ]
            for page in await asyncio.gather(*fetching):
                if page.ok:
                    pages.append(extract(page.final_url, page.text))
        await asyncio.gather(*ahead, return_exceptions=True)
        return out

    async def _read_page(self, url: str, settled: bool) -> Any:
        if settled and (kept := await self.fetcher.stored(url, LIST_TRUST_SECONDS)) is not None:
            return kept
        return await self.fetcher.fetch(url)

    def _more_pages(
        self, current: PageFacts, seen: set[str], ahead: list[asyncio.Task[Any]], settled: bool = False
    ) -> list[str]:
        """The list's next pages to read: every numbered page the pagination links at once (``1 2 3
        … 7``), else the "next" page, with the one after it fetched ahead (the fetcher shares the
        request when the chain gets there); at most MAX_LIST_PAGES after the first."""
        room = MAX_LIST_PAGES + 1 - len(seen)
        host = urlsplit(current.url).hostname
        same_site = [link for link in current.links if urlsplit(link.url).hostname == host]
        wanted = [url for _, url in _numbered(current) if url not in seen][: max(0, room)]
        if not wanted:
            nxt = next((link.url for link in same_site if "next" in link.text.lower() and link.url not in seen), None)
            wanted = [nxt] if nxt is not None and room > 0 else []
            if wanted and (later := following_page(wanted[0])) and room > 1 and later not in seen:
                ahead.append(asyncio.create_task(self._read_page(later, settled)))
        seen.update(wanted)
        return wanted

    @classmethod
    def profile_sites(
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
    pages: list[dict[str, Any]] = field(default_factory=list)  # the pages that decided it (a monitor re-asks them)

    def columns(self) -> dict[str, Any]:
        return {"status": self.status, "reasons": self.reasons, "verdicts": self.verdicts, "company": None,
                "fetches": self.fetches, "retries": 0, "pages": self.pages}  # fmt: skip


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
