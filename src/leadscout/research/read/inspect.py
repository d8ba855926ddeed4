"""One page through every reader, as a report a person can read (``leadscout extract``, the MCP
research tools): units with their quote, people, PMS with tier and URL, HQ, served areas."""

from __future__ import annotations

from pydantic import BaseModel, Field

from leadscout.errors import UserError
from leadscout.research.read.extract import extract, extract_text
from leadscout.research.read.page import looks_like_html
from leadscout.research.read.places import Address
from leadscout.research.read.pms import Page, Tier, detect_pms
from leadscout.research.read.quantities import UnitClaim, best_claim


class PersonFound(BaseModel):
    full_name: str
    title: str | None = None
    email: str | None = None


class PmsFound(BaseModel):
    vendor: str
    tier: str
    url: str | None = None  # the portal link that proves it (None: a mention in the text)
    quote: str = ""


class HqFound(BaseModel):
    city: str
    state: str
    street: str | None = None
    zip: str | None = None
    source: str
    quote: str


class PageReport(BaseModel):
    url: str = ""
    units_estimate: int | None = None  # the lower bound the page proves
    units_quote: str | None = None
    units: UnitClaim | None = None
    people: list[PersonFound] = Field(default_factory=list)
    pms: list[PmsFound] = Field(default_factory=list)
    hq: HqFound | None = None
    service_areas: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)


def inspect_page(body: str, *, url: str = "", company: str | None = None) -> PageReport:
    html = looks_like_html(body)
    facts = extract(url, body, company) if html else extract_text(body, url, company)
    page_html = body if html else f"<html><body><p>{body}</p></body></html>"
    detection = detect_pms([Page(url=url or "http://localhost/", html=page_html)])
    claim = best_claim(facts.unit_claims)
    hq: Address | None = facts.addresses[0] if facts.addresses else None
    return PageReport(
        url=url,
        units_estimate=claim.low if claim and not claim.vague else None,
        units_quote=claim.phrase if claim else None,
        units=claim,
        people=[PersonFound(full_name=p.full_name, title=p.title, email=p.email) for p in facts.people],
        pms=[
            PmsFound(
                vendor=label.vendor,
                tier=label.tier.value,
                url=label.portal_url,
                quote=label.evidence[0].quote if label.evidence else "",
            )
            for label in detection.labels
            if label.tier in (Tier.STRONG, Tier.MEDIUM, Tier.WEAK)
        ],
        hq=HqFound(city=hq.city, state=hq.state, street=hq.street, zip=hq.zip, source=hq.source, quote=hq.quote)
        if hq
        else None,
        service_areas=facts.service_areas,
        emails=facts.emails,
        phones=facts.phones,
    )


async def fetch_page(url: str) -> str:
    """A page from the web (or the sandbox, through its proxy) with the same fetcher runs use."""
    from leadscout.research.web.fetch import Fetcher, FetchPolicy
    from leadscout.research.web.http import make_client

    async with make_client(timeout=10.0) as client:
        result = await Fetcher(client, FetchPolicy(politeness_delay=0.0)).fetch(url)
    if not result.ok:
        raise UserError(f"{url} could not be read: {result.error}")
    return result.text
