from datetime import UTC, datetime
from uuid import uuid4

import pytest

from leadscout.models import Run, Stage, Status
from leadscout.pipeline.state import IllegalMove, target_of


def run(stage: Stage, status: Status) -> Run:
    now = datetime.now(UTC)
    return Run(
        id=uuid4(),
        created_at=now,
        updated_at=now,
        criteria={"quantity": 5},
        target_quantity=5,
        contacts_min=1,
        contacts_max=3,
        batch_size=10,
        stage=stage,
        status=status,
    )


def test_stages_advance_in_order_and_complete_only_from_contacts() -> None:
    assert target_of(run(Stage.COMPANY_DISCOVERY, Status.ACTIVE), "advance") == (Stage.COMPANY_RESEARCH, Status.ACTIVE)
    assert target_of(run(Stage.COMPANY_RESEARCH, Status.ACTIVE), "advance") == (Stage.CONTACT_DISCOVERY, Status.ACTIVE)
    assert target_of(run(Stage.CONTACT_DISCOVERY, Status.ACTIVE), "complete") == (Stage.DONE, Status.COMPLETED)
    with pytest.raises(IllegalMove):
        target_of(run(Stage.COMPANY_DISCOVERY, Status.ACTIVE), "complete")  # rv_agentic's early "completed"
    with pytest.raises(IllegalMove):
        target_of(run(Stage.CONTACT_DISCOVERY, Status.ACTIVE), "advance")


def test_decisions_and_terminal_states() -> None:
    asked = run(Stage.COMPANY_DISCOVERY, Status.NEEDS_USER_DECISION)
    assert target_of(asked, "resume") == (Stage.COMPANY_DISCOVERY, Status.ACTIVE)
    assert target_of(asked, "accept_partial") == (Stage.COMPANY_DISCOVERY, Status.ACTIVE)  # completion comes after
    assert target_of(asked, "rediscover") == (Stage.COMPANY_DISCOVERY, Status.ACTIVE)
    with pytest.raises(IllegalMove):
        target_of(asked, "advance")
    for terminal in (Status.COMPLETED, Status.FAILED, Status.CANCELLED):
        with pytest.raises(IllegalMove):
            target_of(run(Stage.DONE, terminal), "cancel")


def test_research_and_contacts_can_send_a_run_back_to_discovery_but_discovery_cannot() -> None:
    researching = run(Stage.COMPANY_RESEARCH, Status.ACTIVE)
    assert target_of(researching, "rediscover") == (Stage.COMPANY_DISCOVERY, Status.ACTIVE)
    replacing = run(Stage.CONTACT_DISCOVERY, Status.ACTIVE)  # a company short of contacts is replaced
    assert target_of(replacing, "rediscover") == (Stage.COMPANY_DISCOVERY, Status.ACTIVE)
    asked_about_contacts = run(Stage.CONTACT_DISCOVERY, Status.NEEDS_USER_DECISION)
    assert target_of(asked_about_contacts, "rediscover") == (Stage.COMPANY_DISCOVERY, Status.ACTIVE)
    with pytest.raises(IllegalMove):
        target_of(run(Stage.COMPANY_DISCOVERY, Status.ACTIVE), "rediscover")
    with pytest.raises(IllegalMove):
        target_of(run(Stage.DONE, Status.COMPLETED), "rediscover")


def test_a_refill_batch_goes_ahead_of_queued_research_and_a_new_run_goes_last() -> None:
    """Procrastinate takes the highest priority first: a batch replacing a dropped company is the
    last step of a nearly finished run, a first batch the first step of a new one; a company's
    research goes before another's contacts, as its own contacts wait on it."""
    from leadscout.pipeline import jobs

    r = run(Stage.COMPANY_DISCOVERY, Status.ACTIVE)
    company = uuid4()
    first = jobs.discover_job(r).priority
    in_flight = jobs.discover_job(r, in_flight=True).priority
    refill = jobs.discover_job(r, refill=True).priority
    research = jobs.research_job(r, company).priority
    contacts = jobs.contacts_job(r, company).priority
    assert first < contacts < research == in_flight < refill
    assert refill == jobs.complete_job(r).priority
