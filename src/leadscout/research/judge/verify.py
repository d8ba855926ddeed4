"""Verify one candidate company against every criterion, with evidence.

The crawl reads the home page, then the pages it links to that a person would open to check
(about, team, contact, residents/tenants, owners), then the pay-rent/portal links on those.
Each criterion gets a verdict of true, false or unknown, each backed by evidence records
(URL, a quote of at most 300 characters, fetched_at, content hash, the tool that said so).
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from leadscout import vendors
from leadscout.criteria import Criteria
from leadscout.domains import InvalidDomain, company_domain, is_vendor_host
from leadscout.models import CriterionVerdict, Evidence, Verdict
from leadscout.models.monitors import WatchedPage
from leadscout.research.read.extract import Address, PageFacts, UnitClaim, extract
from leadscout.research.read.places import SOURCES
from leadscout.research.read.pms import Page, PmsDetection, Tier, classify_url, detect_pms
from leadscout.research.read.quantities import best_claim
from leadscout.research.web.fetch import Fetcher, FetchResult
from leadscout.research.web.sitemap import sitemap_links
from leadscout.vendors import vendor_domains

MAX_PAGES = 9
# what a person opens to check a company, by link text or path, whatever the site calls it
# what the company is and how big (type, units), and where it is (the HQ)
_ABOUT = re.compile(r"about|company|who[\s-]?we[\s-]?are|our[\s-]?story|history", re.IGNORECASE)
_CONTACT = re.compile(
    r"contact|get[\s-]?in[\s-]?touch|reach[\s-]?us|locations?\b|our[\s-]?office|find[\s-]?us", re.IGNORECASE
)
_FIRST_LOOK = re.compile(f"{_ABOUT.pattern}|{_CONTACT.pattern}", re.IGNORECASE)
# the actions that open the portal itself, before the pages that only describe it (residents, owners)
_PORTAL_ACTION = re.compile(
    r"portal|log[\s-]?in|sign[\s-]?in|pay(?:ment|\s+rent|[\s-]?online|\b)|rent\s+online|apply|work[\s-]?order",
    re.IGNORECASE,
)
# the portal's pages: its actions, and the pages for its audiences (residents, owners, maintenance)
_PORTAL_INTENT = re.compile(
    f"{_PORTAL_ACTION.pattern}|resident|tenant|renter|owner|landlord|investor|maintenance|repair", re.IGNORECASE
)
# where a property manager tells owners how big it is: the owner-facing pages
_OWNERS = re.compile(
    r"owners?|landlords?|investors?|why[\s-]?(?:us|choose)|services|what[\s-]?we[\s-]?do|portfolio|"
    r"property[\s-]?management\b",
    re.IGNORECASE,
)
_PEOPLE = re.compile(
    r"team|leadership|staff|people|meet|our[\s-]?agents|management[\s-]?team|who[\s-]?we[\s-]?are", re.IGNORECASE
)
_FOLLOW = re.compile(
    f"{_FIRST_LOOK.pattern}|{_PORTAL_INTENT.pattern}|{_OWNERS.pattern}|{_PEOPLE.pattern}", re.IGNORECASE
)
_SECOND_HOP = _PORTAL_INTENT

TYPE_SIGNALS: dict[str, list[str]] = {
    "property_manager": [
        "property management",
        "rent collection",
        "tenant screening",
        "owner reporting",
        "property manager",
        "leasing",
        "maintenance requests",
        "rental management",
    ],
    "hoa": [
        "community association",
        "hoa management",
        "homeowners association",
        "condominium association",
        "association management",
    ],
    "brokerage": ["homes for sale", "buyers and sellers", "real estate brokerage", "home valuation", "listing agent"],
    "apartment_community": ["apartment homes", "floor plans", "schedule a tour", "amenities", "luxury apartment"],
    "vacation_rental": ["vacation rental", "book your stay", "nightly", "getaways", "short-term rental"],
    "parked": ["domain may be for sale", "buy this domain", "this domain is for sale"],
}


class Verification(BaseModel):
    domain: str
    name: str
    website: str
    accepted: bool
    verdicts: list[CriterionVerdict]
    reasons: list[str] = Field(default_factory=list)
    pms: PmsDetection
    hq: Address | None = None
    units: UnitClaim | None = None
    company_type: str | None = None
    pages_fetched: int = 0
    retries: int = 0
    pages: list[tuple[FetchResult, PageFacts]] = Field(default_factory=list, exclude=True, repr=False)
    people_closed: bool = False  # its people pages are closed to robots and no page read names anyone

    def verdict(self, criterion: str) -> CriterionVerdict | None:
        return next((v for v in self.verdicts if v.criterion == criterion), None)

    def deciding_pages(self) -> list[WatchedPage]:
        """The page whose change could change this outcome, as read: the page quoting the first
        criterion that failed (its evidence must change for the outcome to), else the home page
        (where new links and claims appear)."""
        read = {r.url: r for r, _ in self.pages} | {r.final_url: r for r, _ in self.pages}
        failed = next((e.url for v in self.verdicts if v.verdict == Verdict.FALSE for e in v.evidence if e.url), None)
        page = read.get(failed or "") or (self.pages[0][0] if self.pages else None)
        if page is None:
            return [WatchedPage(url=self.website)]
        if is_vendor_host(page.final_url):  # a link into a PMS portal: unchanged while it leads there
            return [WatchedPage(url=page.url, leads_to=page.final_url)]
        return [WatchedPage(url=page.url, content_hash=page.content_hash)]

    def with_verdict(self, new: CriterionVerdict, criteria: Criteria) -> Verification:
        """This verification with one criterion's verdict replaced (an LLM judge's, backed by a
        verbatim quote), accepted again only if every criterion now passes."""
        verdicts = [new if v.criterion == new.criterion else v for v in self.verdicts]
        reasons = _reasons(verdicts, criteria)
        return self.model_copy(update={"verdicts": verdicts, "reasons": reasons, "accepted": not reasons})


Pages = list[tuple[FetchResult, PageFacts]]
Needs = Callable[[Pages], set[str]]  # what is still to read: "about", "contact", "portal", "owners", "people"
EVERYTHING = frozenset({"about", "contact", "portal", "owners", "people"})
FEW_LINKS = 4  # a home page with fewer links worth opening is read through its sitemap too
WAVE = 3  # pages fetched at once from one site (the fetcher keeps per-host politeness)


async def crawl(fetcher: Fetcher, website: str, needs: Needs | None = None, company: str | None = None) -> Pages:
    """Fetch the home page, then, wave by wave, the links that answer what is still needed: the
    place (about, contact: HQ, type, units), the portal (pay rent, resident login: the PMS) or the
    people (team pages). ``needs`` says what is still open after each wave; an empty answer stops
    the crawl (decided, or already disqualified). Without it everything is read (research).
    Waves are fetched concurrently and kept in link order, so the page list does not depend on
    timing."""
    home = await fetcher.fetch(website)
    pages: Pages = [(home, _facts(home, company) if home.ok else PageFacts(url=website))]
    if not home.ok:
        return pages
    site = urlsplit(home.final_url).hostname
    links = _pick(pages[0][1], site, _FOLLOW, set())
    seen = {website, home.final_url}
    mapped = False
    while len(pages) < MAX_PAGES:
        wanted = needs(pages) if needs is not None else set(EVERYTHING)
        # verifying: one page at a time, as each may settle it (other sites are verified meanwhile);
        # reading a whole site (research): a few at once
        size = 1 if needs is not None else WAVE
        wave = _next_wave(links, wanted, seen, min(size, MAX_PAGES - len(pages)))
        if not wave and not mapped and len(links) < FEW_LINKS:  # the links say little: the sitemap may
            mapped = True
            links += [link for link in await sitemap_links(fetcher, home.final_url) if link not in links]
            wave = _next_wave(links, wanted, seen, min(size, MAX_PAGES - len(pages)))
        if not wave:
            break
        seen.update(wave)
        for result in await asyncio.gather(*(fetcher.fetch(url) for url in wave)):
            ok = result.ok and result.text
            facts = _facts(result, company) if ok else PageFacts(url=result.url)
            pages.append((result, facts))
            links += [link for link in _pick(facts, site, _SECOND_HOP, seen) if link not in links]
    return pages


_KINDS = {"about": _ABOUT, "contact": _CONTACT, "portal": _PORTAL_INTENT, "owners": _OWNERS, "people": _PEOPLE}


def _facts(page: FetchResult, company: str | None) -> PageFacts:
    """A page of the company's own site, read as one (its people are its staff)."""
    return extract(page.final_url, page.text, company, own_site=True)


def _next_wave(links: list[tuple[str, str]], wanted: set[str], seen: set[str], size: int) -> list[str]:
    """The unread links that answer what is wanted, the most decisive kind first (the portal: one
    page that shows another vendor's portal ends the crawl, and portal pages often carry the
    address too; then contact pages for the HQ; then about pages for the type and size; then
    the owner-facing pages, where a portfolio's size is told to owners; then people), in link
    order within a kind."""
    wave: list[str] = []
    for kind in ("portal", "contact", "about", "owners", "people"):
        if kind not in wanted:
            continue
        pattern = _KINDS[kind]
        ordered = sorted(links, key=lambda link: not _PORTAL_ACTION.search(link[1])) if kind == "portal" else links
        for url, text in ordered:
            if len(wave) >= size:
                return wave
            if url not in seen and url not in wave and (pattern.search(urlsplit(url).path) or pattern.search(text)):
                wave.append(url)
    return wave


def _pick(facts: PageFacts, site: str | None, pattern: re.Pattern[str], seen: set[str]) -> list[tuple[str, str]]:
    """(url, link text) of the links worth opening: same-site pages whose path or text matches,
    and off-site ones whose text says portal (a "Pay Rent" link to a payments host may redirect
    into the vendor's portal); vendor portal links themselves are evidence already."""
    out: dict[str, str] = {}
    for link in facts.links:
        parts = urlsplit(link.url)
        if link.url in seen or parts.scheme not in ("http", "https"):
            continue
        host = (parts.hostname or "").removeprefix("www.")
        same_site = host == (site or "").removeprefix("www.")
        if same_site and (pattern.search(parts.path) or pattern.search(link.text)):
            clean = f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"
            out.setdefault(clean, link.text)
        elif not same_site and _PORTAL_INTENT.search(link.text) and not _known_elsewhere(link.url, host):
            out.setdefault(link.url, link.text)
    return list(out.items())


def _known_elsewhere(url: str, host: str) -> bool:
    """A link that need not be opened: a vendor portal (the link is the evidence), a vendor's or a
    social site."""
    if classify_url(url) is not None:
        return True
    known = ("facebook.com", "instagram.com", "linkedin.com", "twitter.com", "x.com", "youtube.com", "google.com")
    return any(host == d or host.endswith("." + d) for d in (*known, *vendor_domains()))


def classify_type(pages: list[tuple[FetchResult, PageFacts]]) -> tuple[str | None, Evidence | None]:
    scores: dict[str, tuple[int, Evidence | None]] = {}
    for result, facts in pages[:3]:
        text = facts.text.lower()
        for kind, phrases in TYPE_SIGNALS.items():
            for phrase in phrases:
                idx = text.find(phrase)
                if idx < 0:
                    continue
                count, ev = scores.get(kind, (0, None))
                quote = facts.text[max(0, idx - 100) : idx + len(phrase) + 100]
                scores[kind] = (count + 1, ev or result.evidence(quote, "company_type_classifier"))
    if not scores:
        return None, None
    if "parked" in scores:
        return "parked", scores["parked"][1]
    kind = max(scores, key=lambda k: (scores[k][0], k == "property_manager"))
    return kind, scores[kind][1]


def _hq(pages: list[tuple[FetchResult, PageFacts]]) -> tuple[FetchResult, Address] | None:
    """The HQ: the best-placed address on the site (JSON-LD, <address>, a map, a contact or footer
    block, prose), and among equals the one the site repeats most."""
    found = [(r, a) for r, f in pages for a in f.addresses]
    if not found:
        return None
    counts = Counter((a.city.lower(), a.state) for _, a in found)
    return min(found, key=lambda ra: (SOURCES.index(ra[1].source), -counts[(ra[1].city.lower(), ra[1].state)]))


def location_verdict(
    criteria: Criteria, hq: tuple[FetchResult, Address] | None, *, tool: str | None = None
) -> CriterionVerdict:
    if criteria.state is None:
        return CriterionVerdict(criterion="location", verdict=Verdict.TRUE, detail="no location asked")
    if hq is None:
        return CriterionVerdict(criterion="location", verdict=Verdict.UNKNOWN, detail="no address found on the site")
    result, address = hq
    ev = [result.evidence(address.quote, tool or f"address_extractor:{address.source}")]
    where = f"HQ {address.city}, {address.state}"
    if address.state != criteria.state:
        return CriterionVerdict(
            criterion="location", verdict=Verdict.FALSE, detail=f"{where}: not in {criteria.state}", evidence=ev
        )
    allowed = criteria.allowed_cities()
    if allowed and address.city.title() not in allowed:
        scope = f"{criteria.geo_scope} of {', '.join(criteria.cities)}"
        return CriterionVerdict(
            criterion="location", verdict=Verdict.FALSE, detail=f"{where}: outside the {scope}", evidence=ev
        )
    return CriterionVerdict(criterion="location", verdict=Verdict.TRUE, detail=where, evidence=ev)


def _pms(criteria: Criteria, detection: PmsDetection) -> CriterionVerdict | None:
    if not criteria.pms:
        return None
    wanted = set(criteria.pms)
    proven = detection.best(Tier.STRONG)
    if vendors.NONE in wanted and detection.verdict == "none":
        return CriterionVerdict(criterion="pms", verdict=Verdict.TRUE, detail="no PMS portal on any fetched page")
    hits = [label for label in proven if label.vendor in wanted]
    if hits:
        return CriterionVerdict(
            criterion="pms",
            verdict=Verdict.TRUE,
            detail=f"uses {hits[0].vendor} (portal link)",
            evidence=hits[0].evidence,
        )
    others = [label for label in detection.best(Tier.MEDIUM) if label.vendor not in wanted]
    if others:
        return CriterionVerdict(
            criterion="pms",
            verdict=Verdict.FALSE,
            detail=f"uses {', '.join(label.vendor for label in others)}",
            evidence=others[0].evidence,
        )
    if detection.verdict == "none" and vendors.NONE not in wanted:
        return CriterionVerdict(criterion="pms", verdict=Verdict.FALSE, detail="no PMS portal on any fetched page")
    weak = [label for label in detection.labels if label.vendor in wanted]
    if weak:
        detail = f"only weak evidence for {weak[0].vendor}"
    elif detection.labels:  # a badge or a vendor's own site: no proof of use, for or against
        detail = f"no portal seen; only weak signs of {', '.join(label.vendor for label in detection.labels)}"
    else:
        detail = f"PMS {detection.verdict}"
    return CriterionVerdict(
        criterion="pms", verdict=Verdict.UNKNOWN, detail=detail, evidence=weak[0].evidence if weak else []
    )


def units_verdicts(
    criteria: Criteria, claim: tuple[FetchResult, UnitClaim] | None, *, tool: str = "unit_claim_extractor"
) -> list[CriterionVerdict]:
    out = []
    for name, bound in (("units_min", criteria.units_min), ("units_max", criteria.units_max)):
        if bound is None:
            continue
        if claim is None:
            out.append(CriterionVerdict(criterion=name, verdict=Verdict.UNKNOWN, detail="no unit count stated"))
            continue
        result, c = claim
        decided = c.decides(minimum=bound) if name == "units_min" else c.decides(maximum=bound)
        verdict = Verdict.UNKNOWN if decided is None else Verdict.TRUE if decided else Verdict.FALSE
        stated = {"exact": f"{c.value}", "at_least": f"at least {c.low}", "about": f"about {c.value}"}.get(
            c.qualifier, f"{c.low}-{c.high}"
        )
        out.append(
            CriterionVerdict(
                criterion=name,
                verdict=verdict,
                detail=f"{stated} {c.kind} stated" + (": not enough to decide" if decided is None else ""),
                evidence=[result.evidence(c.phrase, tool)],
            )
        )
    return out


def still_open(criteria: Criteria, pages: Pages) -> set[str]:
    """What is left to read to decide ``criteria``: nothing once a hard criterion is already
    false (the company is out) or every one is decided."""
    judged = judge(criteria, pages)
    verdicts = {v.criterion: v for v in judged.verdicts}
    if any(v.verdict == Verdict.FALSE and _final(v, judged) for v in verdicts.values()):
        return set()
    wanted: set[str] = set()
    unknown = {name for name, v in verdicts.items() if v.verdict == Verdict.UNKNOWN}
    if unknown & {"company_type", "units_min", "units_max"}:
        wanted.add("about")  # what the company is and how big: its about pages
    if unknown & {"units_min", "units_max"}:
        wanted.add("owners")  # and where it tells owners how big its portfolio is
    if "location" in unknown:
        wanted |= {"contact", "about"}  # where: contact pages, else the about pages
    if "pms" in verdicts and verdicts["pms"].verdict != Verdict.TRUE:
        wanted.add("portal")  # a partial crawl's "no PMS seen yet" is not an answer
    return wanted


def _final(verdict: CriterionVerdict, judged: Judgement) -> bool:
    """A false verdict more pages cannot turn: another vendor's portal link, a wrong place or type,
    a stated count out of range; not a PMS that is merely not seen yet."""
    if verdict.criterion != "pms":
        return True
    return bool(judged.pms.best(Tier.STRONG))


async def verify_company(fetcher: Fetcher, website: str, name: str, criteria: Criteria) -> Verification:
    domain = company_domain(website)

    def needs(seen: Pages) -> set[str]:
        return still_open(criteria, seen)

    pages = await crawl(fetcher, website, needs, company=name)
    home = pages[0][0]
    retries = sum(max(0, r.attempts - 1) for r, _ in pages)
    fetched = sum(1 for r, _ in pages if not r.from_cache)
    judged = judge(criteria, pages)
    if not home.ok:
        # a challenge page or a script app's shell is not the site: nothing is known of it yet
        unread = _unread(home)
        unreachable = CriterionVerdict(
            criterion="reachable",
            verdict=Verdict.UNKNOWN if unread else Verdict.FALSE,
            detail=unread[0] if unread else f"home page failed: {home.error}",
        )
        return Verification(
            domain=domain,
            name=name,
            website=website,
            accepted=False,
            verdicts=[unreachable],
            reasons=[unread[1] if unread else f"unreachable ({home.error})"],
            pms=judged.pms,
            pages_fetched=fetched,
            retries=retries,
        )
    reasons = _reasons(judged.verdicts, criteria)
    closed = not reasons and await people_closed(fetcher, pages)
    return Verification(
        domain=domain,
        name=name_from_title(pages[0][1].title) or name or domain,
        website=website,
        accepted=not reasons,
        verdicts=judged.verdicts,
        reasons=reasons,
        pms=judged.pms,
        hq=judged.hq[1] if judged.hq else None,
        units=judged.units[1] if judged.units else None,
        company_type=judged.kind,
        pages_fetched=fetched,
        retries=retries,
        pages=pages,
        people_closed=closed,
    )


async def people_closed(fetcher: Fetcher, pages: Pages) -> bool:
    """The site's people pages (team, staff, leadership: linked from the pages read) are all closed
    to robots, and no page read names anyone: its contacts cannot be found, whatever it matches.
    Asks nothing new: the site's robots.txt was read for its home page."""
    if not pages or any(facts.people for _, facts in pages):
        return False
    site = urlsplit(pages[0][0].final_url).hostname
    links = {
        link.url
        for _, facts in pages
        for link in facts.links
        if urlsplit(link.url).hostname == site
        and (_PEOPLE.search(link.text) or _PEOPLE.search(urlsplit(link.url).path))
    }
    for url in sorted(links):
        if await fetcher.allowed(url):
            return False  # one open people page is enough
    return bool(links)


def _unread(home: FetchResult) -> tuple[str, str] | None:
    """(detail, reason) when the home page is a challenge or a script app's shell: not the site,
    so nothing is known of it yet; None for a page that failed."""
    if home.error == "needs_browser":
        return (
            f"{home.final_url} is a script app's shell: install leadscout[render] to read it",
            "unknown (needs_browser)",
        )
    if home.error == "bot_protection":
        return f"a {home.wall} bot wall stands in front of the site", f"unknown (bot_protection: {home.wall})"
    return None


def _reasons(verdicts: list[CriterionVerdict], criteria: Criteria) -> list[str]:
    allowed = {Verdict.TRUE, Verdict.UNKNOWN} if criteria.unknown_is_match else {Verdict.TRUE}
    return [f"{v.criterion}: {v.verdict.value} ({v.detail})" for v in verdicts if v.verdict not in allowed]


@dataclass
class Judgement:
    """What a set of crawled pages proves about a company, and each criterion's verdict."""

    pms: PmsDetection
    kind: str | None
    kind_evidence: Evidence | None
    hq: tuple[FetchResult, Address] | None
    units: tuple[FetchResult, UnitClaim] | None
    verdicts: list[CriterionVerdict]


def judge(criteria: Criteria, pages: list[tuple[FetchResult, PageFacts]]) -> Judgement:
    """The one place criteria are checked against pages (discovery and research both use it)."""
    detection = detect_pms(
        [
            Page(
                url=r.url,
                final_url=r.final_url,
                html=r.text,
                ok=r.ok,
                error=r.error,
                fetched_at=r.fetched_at,
                content_hash=r.content_hash,
            )
            for r, _ in pages
        ]
    )
    kind, kind_ev = classify_type(pages)
    type_verdict = CriterionVerdict(
        criterion="company_type",
        verdict=Verdict.TRUE if kind == criteria.company_type else Verdict.FALSE if kind else Verdict.UNKNOWN,
        detail=kind or "no company-type signal",
        evidence=[kind_ev] if kind_ev else [],
    )
    hq = _hq(pages)
    claims = {id(c): (r, c) for r, f in pages for c in f.unit_claims}
    best = best_claim([c for _, c in claims.values()])
    claim = claims[id(best)] if best is not None else None
    verdicts = [type_verdict, location_verdict(criteria, hq)]
    if (pms := _pms(criteria, detection)) is not None:
        verdicts.append(pms)
    verdicts.extend(units_verdicts(criteria, claim))
    return Judgement(detection, kind, kind_ev, hq, claim, verdicts)


_GENERIC_TITLES = {
    "home",
    "about",
    "about us",
    "contact",
    "contact us",
    "our team",
    "residents",
    "owners",
    "welcome",
    "index",
}


def name_from_title(title: str) -> str:
    """The company name in a page title such as 'Acme PM | Property Management in Austin, TX'."""
    for part in re.split(r"\s[|\u2013\u2014-]\s", title):
        part = part.strip()
        if (
            part
            and part.lower() not in _GENERIC_TITLES
            and not part.lower().startswith(("property management in", "about "))
        ):
            return part[:200]
    return ""


def candidate_domain(url: str) -> str | None:
    try:
        return company_domain(url)
    except InvalidDomain:
        return None
