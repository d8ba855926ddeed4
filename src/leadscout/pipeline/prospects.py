"""Candidates worth fetching: what a search result or a list page already says about a company,
read before any of its pages is fetched, to verify the likeliest first.

A score only orders candidates; it never accepts or rejects one (a listing is someone else's page,
and a snippet is a fragment): verification still proves every criterion on the company's own site.
"""

from __future__ import annotations

from leadscout import vendors
from leadscout.criteria import Criteria
from leadscout.research.judge.verify import TYPE_SIGNALS
from leadscout.research.read.quantities import best_claim, claims_in_text

# a score moves a candidate ahead of (or behind) everything planned at a lower (higher) score;
# plan positions stay below this, and agent proposals (PROPOSED_BASE) above every shifted value
SCORE_STEP = 10**12


def score(text: str, criteria: Criteria) -> int:
    """-4..3: how likely the company described by ``text`` is to pass the hard criteria."""
    if not text:
        return 0
    lowered = f" {text.lower()} "
    return _pms(lowered, criteria) + _units(text, criteria) + _place(lowered, criteria) + _kind(lowered, criteria)


def seq_for(seq: int, text: str, criteria: Criteria, *, profile: bool = False) -> int:
    """A candidate's place in the verification order: its plan position moved by its score. An
    unread directory profile costs one more read, on a host every profile shares (politeness
    queues them), so it goes after an equally likely company whose own website is known."""
    return seq - (score(text, criteria) - profile) * SCORE_STEP


def _pms(lowered: str, criteria: Criteria) -> int:
    wanted = set(criteria.pms) - {vendors.NONE}
    if not wanted:
        return 0
    named = {v.slug for v in vendors.vendors() if any(_says(lowered, n) for n in [v.name.lower(), *v.aliases])}
    if named & wanted:
        return 2
    return -1 if named else 0


def _says(lowered: str, name: str) -> bool:
    # whole words only: "yardi" must not match inside another word
    return any(f"{left}{name}{right}" in lowered for left in " (/" for right in " ),.:;/!")


def _units(text: str, criteria: Criteria) -> int:
    if criteria.units_min is None and criteria.units_max is None:
        return 0
    claim = best_claim(claims_in_text(text))
    if claim is None:
        return 0
    verdicts = []
    if criteria.units_min is not None:
        verdicts.append(claim.decides(minimum=criteria.units_min))
    if criteria.units_max is not None:
        verdicts.append(claim.decides(maximum=criteria.units_max))
    if False in verdicts:
        return -2
    return 1 if verdicts and all(verdicts) else 0


def _kind(lowered: str, criteria: Criteria) -> int:
    """-1 when the text reads more like another kind of business (an HOA manager, a brokerage, a
    vacation-rental or apartment site) than the kind asked for."""
    hits = {kind: sum(phrase in lowered for phrase in phrases) for kind, phrases in TYPE_SIGNALS.items()}
    best = max(hits, key=lambda kind: (hits[kind], kind == criteria.company_type))
    return -1 if hits[best] and best != criteria.company_type else 0


def _place(lowered: str, criteria: Criteria) -> int:
    cities = criteria.allowed_cities() if criteria.cities else []
    return 1 if any(f" {city.lower()}" in lowered for city in cities[:40]) else 0
