"""Where the language model helps, each as one structured call whose answer is checked
before it is used: nothing the model says is kept unless a tool can confirm it.

* :func:`parse_request`: a sentence into typed criteria (cities must appear in the sentence);
* :func:`companies_on_list_page`: companies named on a messy list page (their domains must
  appear on the page);
* :func:`judge_unknown`: a criterion the rules left ``unknown``, answered with a verbatim quote
  that must appear on a fetched page, the verdict then computed by the same rules;
* :func:`write_brief`: the research brief, citing only URLs that are in the evidence.

Schemas cap list and string lengths: small models loop without them, and a cap bounds cost."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from leadscout.agents.llm import Llm
from leadscout.criteria import Criteria
from leadscout.domains import InvalidDomain, company_domain
from leadscout.models import CompanyFacts, CriterionVerdict, Evidence, ResearchBrief, Verdict
from leadscout.research.judge.verify import location_verdict, units_verdicts
from leadscout.research.read.extract import Address, PageFacts, UnitClaim
from leadscout.research.web.fetch import FetchResult

PAGE_CHARS = 6000
JUDGED = ("units_min", "units_max", "location")  # PMS needs a portal link: never an LLM's word


# -- request parsing -----------------------------------------------------------------------------
class CriteriaDraft(BaseModel):
    """The criteria a lead-list request asks for; leave out anything it does not say."""

    quantity: int | None = Field(default=None, ge=1, le=1000, description="how many companies")
    state: str | None = Field(default=None, max_length=30, description="US state, USPS code")
    cities: list[str] = Field(default_factory=list, max_length=5, description="cities named in the request")
    pms: list[str] = Field(default_factory=list, max_length=4, description="property-management software vendors")
    units_min: int | None = Field(default=None, ge=0, le=1_000_000)
    units_max: int | None = Field(default=None, ge=0, le=1_000_000)
    contacts_min: int | None = Field(default=None, ge=0, le=10)
    contacts_max: int | None = Field(default=None, ge=1, le=10)
    geo_scope: Literal["city", "metro"] | None = None


PARSE_INSTRUCTIONS = (
    "You turn a request for a B2B lead list of US property-management companies into criteria. "
    "Only fill a field the request states; never guess. Cities exactly as written; state as a USPS code."
)


async def parse_request(llm: Llm, text: str) -> tuple[dict[str, Any], list[str]]:
    """Criteria fields from ``text``, and notes on what was dropped as unsupported by the text."""
    draft = await llm.structured(CriteriaDraft, PARSE_INSTRUCTIONS, f"Request: {text[:2000]}")
    found = draft.model_dump(exclude_none=True, exclude_defaults=True)
    notes = []
    lowered = text.lower()
    cities = [c for c in draft.cities if c.lower() in lowered]
    if len(cities) != len(draft.cities):
        notes.append(f"ignored cities the request does not name: {sorted(set(draft.cities) - set(cities))}")
    if cities:
        found["cities"] = cities
    else:
        found.pop("cities", None)
    return found | {"natural_request": text.strip()}, notes


# -- list pages -----------------------------------------------------------------------------------
class ListedCompany(BaseModel):
    name: str = Field(max_length=100)
    website: str = Field(max_length=200)


class ListedCompanies(BaseModel):
    """Property-management companies this page names, each with its own website."""

    companies: list[ListedCompany] = Field(default_factory=list, max_length=30)


async def companies_on_list_page(llm: Llm, page: PageFacts) -> list[tuple[str, str]]:
    """(name, website) of the companies a list page names, keeping only websites whose domain
    the page itself shows (in a link or in its text)."""
    links = "\n".join(f"- {link.text[:60]} -> {link.url}" for link in page.links[:80])
    prompt = f"Page: {page.url}\nTitle: {page.title}\nTEXT:\n{page.text[:PAGE_CHARS]}\nLINKS:\n{links}"
    answer = await llm.structured(
        ListedCompanies,
        "List the property-management companies this page names, with the website the page gives for each. "
        "Skip companies without a website on the page.",
        prompt,
    )
    shown = (page.text + " " + " ".join(link.url for link in page.links)).lower()
    out = []
    for item in answer.companies:
        domain = _domain(item.website)
        if domain and domain in shown:
            out.append((item.name.strip(), f"http://{urlhost(item.website)}/"))
    return out


def urlhost(website: str) -> str:
    host = re.sub(r"^[a-z]+://", "", website.strip().lower()).split("/")[0]
    return host or website


def _domain(website: str) -> str | None:
    try:
        return company_domain(website if "://" in website else f"http://{website}")
    except InvalidDomain:
        return None


# -- judging an unknown criterion ------------------------------------------------------------------
class CriterionJudgement(BaseModel):
    """The sentence of the pages that answers the criterion, quoted exactly, and the value it states."""

    found: bool
    value: str = Field(default="", max_length=100, description="units: the number; location: 'City, ST'")
    quote: str = Field(default="", max_length=300, description="copied verbatim from the page")
    url: str = Field(default="", max_length=500, description="the page the quote is on")


def _normal(text: str) -> str:
    return " ".join(text.split())


async def judge_unknown(
    llm: Llm, criterion: str, criteria: Criteria, pages: list[tuple[FetchResult, PageFacts]]
) -> CriterionVerdict | None:
    """A verdict for a criterion the rules left unknown, or None. The model finds the quote and
    the value; the quote must be on the page it names and contain the value; the verdict is then
    computed by the rules' own comparison, so the model can never relax a criterion."""
    if criterion not in JUDGED:
        return None
    readable = [(r, f) for r, f in pages if r.ok and f.text]
    body = "\n".join(f"URL: {r.final_url}\nTEXT:\n{f.text[:PAGE_CHARS]}" for r, f in readable[:4])
    ask = {
        "units_min": "How many rental units (doors, homes) does the company manage?",
        "units_max": "How many rental units (doors, homes) does the company manage?",
        "location": "Where is the company's office (city and state)?",
    }[criterion]
    answer = await llm.structured(
        CriterionJudgement,
        "Answer from the pages only. Quote the sentence exactly as written. If the pages do not say, found=false.",
        f"Criterion: {criterion}\nQuestion: {ask}\n{body}",
    )
    if not answer.found:
        return None
    page = next(((r, f) for r, f in readable if r.final_url == answer.url), None)
    quote = _normal(answer.quote)
    if page is None or not quote or quote not in _normal(page[1].text):
        return None  # the quote is not on a page leadscout fetched: the verdict is dropped
    return _verdict_from(criterion, criteria, answer.value, quote, page[0], llm.name)


def _verdict_from(
    criterion: str, criteria: Criteria, value: str, quote: str, result: FetchResult, model: str
) -> CriterionVerdict | None:
    tool = f"llm_judge:{model}"
    if criterion in ("units_min", "units_max"):
        digits = value.replace(",", "").strip()
        if not digits.isdigit() or not _number_in(int(digits), quote):
            return None
        claim = UnitClaim(value=int(digits), phrase=quote[:300])
        verdicts = units_verdicts(criteria, (result, claim), tool=tool)
        return next((v for v in verdicts if v.criterion == criterion), None)
    city, _, state = (part.strip() for part in value.partition(","))
    if not city or not state or city not in quote or state not in quote:
        return None
    address = Address(city=city.title(), state=state.upper(), quote=quote[:300], source=tool)
    return location_verdict(criteria, (result, address), tool=tool)


def _number_in(value: int, quote: str) -> bool:
    numbers = {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", quote) if n.replace(",", "").isdigit()}
    return value in numbers


# -- the research brief ----------------------------------------------------------------------------
async def write_brief(llm: Llm, name: str, domain: str, facts: CompanyFacts) -> ResearchBrief:
    evidence = _evidence_of(facts)
    lines = [f"{name} ({domain})"]
    for label, fact in (
        ("PMS", ", ".join(f"{p.vendor} ({p.tier})" for p in facts.pms) or "unknown"),
        ("Units", facts.units_estimate.value),
        ("Portfolio", facts.portfolio_mix.value),
        ("Service areas", facts.service_areas.value),
        ("HQ", facts.hq_address.value),
        ("Founded", facts.year_founded.value),
    ):
        lines.append(f"{label}: {fact}")
    lines += ["Fit reasons: " + "; ".join(facts.fit_reasons), "Evidence:"]
    lines += [f"- {e.url}: {e.quote[:200]}" for e in evidence[:12]]
    brief = await llm.structured(
        ResearchBrief,
        "Write a short, factual sales brief from these facts only. Do not invent facts; cite evidence URLs.",
        "\n".join(lines),
    )
    allowed = {e.url for e in evidence if e.url}
    return brief.model_copy(update={"sources": [u for u in brief.sources if u in allowed]})


def _evidence_of(facts: CompanyFacts) -> list[Evidence]:
    out: list[Evidence] = []
    for fact in (facts.units_estimate, facts.portfolio_mix, facts.service_areas, facts.hq_address, facts.year_founded):
        out.extend(fact.evidence)
    for pms in facts.pms:
        out.extend(pms.evidence)
    return out


__all__ = [
    "JUDGED",
    "CriteriaDraft",
    "CriterionJudgement",
    "ListedCompanies",
    "ResearchBrief",
    "Verdict",
    "companies_on_list_page",
    "judge_unknown",
    "parse_request",
    "write_brief",
]
