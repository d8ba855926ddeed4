"""Email candidates from names and published addresses, research contradictions and fit."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from leadscout.criteria import parse_criteria
from leadscout.errors import UserError
from leadscout.models import Company, CompanyFacts, CriterionVerdict, Fact, PmsFact, Verdict
from leadscout.pipeline.decisions import Decision, revise
from leadscout.research.judge.company import contradictions, fit
from leadscout.research.judge.emails import guesses, infer_pattern, is_role, name_parts, patterns_of


def test_name_parts_fold_accents_and_hyphens() -> None:
    assert name_parts("José  García-López") == ("jose", "garcialopez")  # the whole surname, as US mailboxes write it
    assert name_parts("Pieter van der Berg") == ("pieter", "vanderberg")
    assert name_parts("Sean O'Brien") == ("sean", "obrien")
    assert name_parts("Robert Chen Jr.") == ("robert", "chen")
    assert name_parts("James T. Whitfield") == ("james", "whitfield")
    assert name_parts("Cher") is None


def test_pattern_inferred_from_published_addresses() -> None:
    assert patterns_of("Maria Lopez", "mlopez@x.com") == ["{f}{last}"]
    assert infer_pattern([("Maria Lopez", "mlopez@x.com"), ("Kevin Lee", "klee@x.com")]) == "{f}{last}"
    assert infer_pattern([("Maria Lopez", "maria.lopez@x.com")]) == "{first}.{last}"
    assert infer_pattern([("Maria Lopez", "office@x.com")]) is None  # a role address teaches nothing


def test_guesses_use_the_pattern_else_permutations_by_prior() -> None:
    [one] = guesses("Sarah Nguyen", "oak.com", "{first}{l}")
    assert (one.address, one.source) == ("sarahn@oak.com", "pattern_inferred")
    many = guesses("Sarah Nguyen", "oak.com", None, limit=3)
    assert [g.address for g in many] == ["sarah.nguyen@oak.com", "snguyen@oak.com", "sarah@oak.com"]
    assert {g.source for g in many} == {"permutation"}
    assert guesses("Madonna", "oak.com", None) == []


def test_role_addresses() -> None:
    assert is_role("office@oak.com") and is_role("Info@oak.com") and not is_role("ann@oak.com")


def _company(verdicts: list[CriterionVerdict]) -> Company:
    return Company(
        id=uuid4(),
        run_id=uuid4(),
        batch_no=1,
        status="validated",
        research_status="pending",
        contacts_status="pending",
        created_at=datetime.now(UTC),
        name="Oak PM",
        domain="oak.com",
        discovery_source="directory:test",
        verdicts=verdicts,
    )


def test_a_false_research_verdict_contradicts_discovery() -> None:
    said_true = CriterionVerdict(criterion="pms", verdict=Verdict.TRUE, detail="uses appfolio")
    research = [CriterionVerdict(criterion="pms", verdict=Verdict.FALSE, detail="uses buildium")]
    assert contradictions(_company([said_true]), research) == ["pms: uses buildium"]
    # a directory company had no verdict: the site still disproves it
    assert contradictions(_company([]), research) == ["pms: uses buildium"]
    unknown = [CriterionVerdict(criterion="pms", verdict=Verdict.UNKNOWN, detail="no portal")]
    assert contradictions(_company([said_true]), unknown) == []


def test_fit_score_rewards_proof_and_size() -> None:
    criteria = parse_criteria({"quantity": 5, "state": "TX", "units_min": 100, "pms": ["appfolio"]})
    proven = [CriterionVerdict(criterion=c, verdict=Verdict.TRUE, detail="") for c in ("location", "pms", "units_min")]
    strong = CompanyFacts(
        pms=[PmsFact(vendor="appfolio", tier="strong", confidence=0.95)],
        units_estimate=Fact(value=400),
        company_type=Fact(value="property_manager"),
        phone=Fact(value="(512) 555-0100"),
        verdicts=proven,
    )
    weak = CompanyFacts(verdicts=[CriterionVerdict(criterion="pms", verdict=Verdict.UNKNOWN, detail="")])
    high, reasons = fit(strong, criteria)
    low, _ = fit(weak, criteria)
    assert high == 1.0 and low == 0.0 and any("portal" in r for r in reasons)


def test_decisions_revise_criteria_and_refuse_nonsense() -> None:
    criteria = parse_criteria(
        {"quantity": 5, "state": "TX", "cities": ["Austin"], "units_min": 100, "pms": ["appfolio"]}
    )
    assert revise(criteria, Decision(action="expand_location", cities=["Round Rock"])).cities == [
        "Austin",
        "Round Rock",
    ]
    assert revise(criteria, Decision(action="loosen_pms")).pms == []
    assert revise(criteria, Decision(action="lower_units", units_min=50)).units_min == 50
    for bad in (
        Decision(action="lower_units", units_min=150),
        Decision(action="lower_units"),
        Decision(action="expand_location"),
        Decision(action="loosen_pms", pms=["notavendor"]),
    ):
        with pytest.raises(UserError):  # InvalidCriteria is a UserError too
            revise(criteria, bad)
