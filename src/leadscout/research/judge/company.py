"""Company research: read the whole site of a company that will be delivered and turn it into
typed facts with evidence (PMS, units, portfolio mix, service areas, HQ, founding year, phone,
social links, an ICP fit score with its reasons). The criteria are checked again on everything
read; a fact that contradicts a discovery verdict is reported so the company can be dropped."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from leadscout.criteria import Criteria
from leadscout.models import Company, CompanyFacts, CriterionVerdict, Evidence, Fact, PmsFact, Verdict
from leadscout.research.judge.verify import Judgement, crawl, judge
from leadscout.research.read.extract import PageFacts
from leadscout.research.read.pms import Tier
from leadscout.research.web.fetch import Fetcher, FetchResult

PORTFOLIO: dict[str, tuple[str, ...]] = {
    "single_family": ("single-family", "single family", "rental homes", "houses"),
    "multifamily": ("multifamily", "multi-family", "apartment", "duplex", "fourplex"),
    "hoa": ("hoa", "homeowners association", "community association", "condominium association"),
    "commercial": ("commercial", "retail space", "office space", "industrial"),
    "short_term": ("vacation rental", "short-term", "short term rental", "nightly"),
}
SOCIAL_HOSTS = ("facebook.com", "linkedin.com", "instagram.com", "twitter.com", "x.com", "youtube.com")
_FOUNDED = re.compile(r"\b(?:since|founded in|established in|established|est\.)\s+((?:19|20)\d{2})\b", re.IGNORECASE)
Pages = list[tuple[FetchResult, PageFacts]]


def _around(text: str, start: int, end: int) -> str:
    return text[max(0, start - 120) : end + 120]


async def research_site(fetcher: Fetcher, company: Company, criteria: Criteria) -> CompanyFacts:
    pages = await crawl(fetcher, company.website or f"http://{company.domain}/")
    readable = [(r, f) for r, f in pages if r.ok]
    judged = judge(criteria, readable) if readable else None
    facts = CompanyFacts(
        pms=_pms(judged),
        units_estimate=_units(judged),
        portfolio_mix=_portfolio(readable),
        service_areas=_service_areas(readable),
        hq_address=_hq(judged),
        year_founded=_founded(readable),
        phone=_phone(readable),
        social_links=_social(readable),
        company_type=Fact(value=judged.kind, evidence=[judged.kind_evidence] if judged.kind_evidence else [])
        if judged and judged.kind
        else Fact(),
        verdicts=judged.verdicts if judged else [],
        pages_read=len(readable),
    )
    return finish(facts, company, criteria)


def finish(facts: CompanyFacts, company: Company, criteria: Criteria) -> CompanyFacts:
    """Add the contradictions with discovery and the fit score to researched facts."""
    score, reasons = fit(facts, criteria)
    return facts.model_copy(
        update={"contradictions": contradictions(company, facts.verdicts), "fit_score": score, "fit_reasons": reasons}
    )


def contradictions(company: Company, research: list[CriterionVerdict]) -> list[str]:
    """Criteria that discovery accepted and the full site disproves."""
    discovered = {v.criterion: v.verdict for v in company.verdicts}
    out = []
    for v in research:
        if v.verdict == Verdict.FALSE and discovered.get(v.criterion, Verdict.TRUE) != Verdict.FALSE:
            out.append(f"{v.criterion}: {v.detail}")
    return out


def fit(facts: CompanyFacts, criteria: Criteria) -> tuple[float, list[str]]:
    """ICP fit in [0, 1]: criteria proven, PMS proof strength, portfolio size, reachability."""
    score, reasons = 0.0, []
    checked = [v for v in facts.verdicts if v.criterion != "company_type"]
    if checked:
        proven = sum(v.verdict == Verdict.TRUE for v in checked)
        score += 0.4 * proven / len(checked)
        reasons.append(f"{proven}/{len(checked)} criteria proven on the site")
    strong = [p for p in facts.pms if p.tier == Tier.STRONG]
    if strong:
        score += 0.2
        reasons.append(f"PMS {strong[0].vendor} proven by a portal link")
    if isinstance(facts.units_estimate.value, int):
        floor = criteria.units_min or 100
        score += 0.2 * min(1.0, facts.units_estimate.value / (2 * floor))
        reasons.append(f"{facts.units_estimate.value} units stated")
    if facts.company_type.value == criteria.company_type:
        score += 0.1
        reasons.append(f"classified as {criteria.company_type}")
    if facts.phone.known or facts.hq_address.known:
        score += 0.1
        reasons.append("reachable: address or phone published")
    return round(score, 3), reasons


def _pms(judged: Judgement | None) -> list[PmsFact]:
    if judged is None:
        return []
    return [
        PmsFact(vendor=label.vendor, tier=label.tier, confidence=label.confidence, evidence=label.evidence[:2])
        for label in judged.pms.best(Tier.MEDIUM)
    ]


def _units(judged: Judgement | None) -> Fact:
    if judged is None or judged.units is None:
        return Fact()
    result, claim = judged.units
    return Fact(value=claim.value, evidence=[result.evidence(claim.phrase, "unit_claim_extractor")])


def _hq(judged: Judgement | None) -> Fact:
    if judged is None or judged.hq is None:
        return Fact()
    result, address = judged.hq
    value = {"street": address.street, "city": address.city, "state": address.state, "zip": address.zip}
    return Fact(value=value, evidence=[result.evidence(address.quote, f"address_extractor:{address.source}")])


def _portfolio(pages: Pages) -> Fact:
    found: dict[str, Evidence] = {}
    for result, facts in pages:
        text = facts.text
        lower = text.lower()
        for kind, words in PORTFOLIO.items():
            for word in words:
                if kind not in found and (at := _word_at(lower, word)) >= 0:
                    found[kind] = result.evidence(_around(text, at, at + len(word)), "portfolio_keywords")
    if not found:
        return Fact()
    return Fact(value=sorted(found), evidence=list(found.values()))


def _word_at(text: str, word: str) -> int:
    match = re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text)
    return match.start() if match else -1


def _service_areas(pages: Pages) -> Fact:
    for result, facts in pages:
        if facts.service_areas:
            return Fact(
                value=facts.service_areas, evidence=[result.evidence(", ".join(facts.service_areas), "service_areas")]
            )
    return Fact()


def _founded(pages: Pages) -> Fact:
    for result, facts in pages:
        if match := _FOUNDED.search(facts.text):
            quote = _around(facts.text, match.start(), match.end())
            return Fact(value=int(match.group(1)), evidence=[result.evidence(quote, "founded_extractor")])
    return Fact()


def _phone(pages: Pages) -> Fact:
    for result, facts in pages:
        if facts.phones:
            return Fact(value=facts.phones[0], evidence=[result.evidence(facts.phones[0], "phone_extractor")])
    return Fact()


def _social(pages: Pages) -> Fact:
    links: dict[str, Evidence] = {}
    for result, facts in pages:
        for link in facts.links:
            host = (urlsplit(link.url).hostname or "").lower().removeprefix("www.")
            if host in SOCIAL_HOSTS and link.url not in links:
                links[link.url] = result.evidence(link.text or link.url, "link_extractor")
    if not links:
        return Fact()
    return Fact(value=sorted(links), evidence=list(links.values())[:5])
