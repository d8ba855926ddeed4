"""One company listed under two domains is taken once; two firms of one name in one city, verified
at different HQ streets, are two companies (a state's registry rarely allows it, a generated or a
franchised web does)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from leadscout.models import CriterionVerdict, Evidence, NewCompany, Run, Stage, Status, Verdict
from leadscout.pipeline.web_source import Batch, WebSource


def _firm(domain: str, hq: str | None, name: str = "Lone Star Leasing & Management") -> NewCompany:
    evidence = [Evidence(url=f"https://{domain}/contact", quote=hq, source="address_extractor:block")] if hq else []
    located = CriterionVerdict(
        criterion="location", verdict=Verdict.TRUE, detail="HQ Alpharetta, GA", evidence=evidence
    )
    return NewCompany(
        name=name, domain=domain, city="Alpharetta", state="GA", discovery_source="web:test", verdicts=[located]
    )


def test_the_same_firm_under_a_second_domain_is_not_taken_again() -> None:
    batch = Batch(want=5)
    assert batch.take(_firm("lonestar.example", "5527 Park Blvd, Alpharetta, GA 30004"))
    assert not batch.take(_firm("lonestar-pm.example", "5527 Park Blvd., Alpharetta, GA 30004"))


def test_two_firms_of_one_name_at_different_streets_are_both_taken() -> None:
    batch = Batch(want=5)
    assert batch.take(_firm("lonestar.example", "5527 Park Blvd, Alpharetta, GA 30004"))
    assert batch.take(_firm("lonestar16.example", "7581 Mill St, Alpharetta, GA 30009"))
    assert not batch.take(_firm("lonestar-again.example", "7581 Mill St., Alpharetta, GA"))


def test_two_firms_of_one_name_in_different_zip_codes_are_both_taken() -> None:
    batch = Batch(want=5)
    assert batch.take(_firm("heritage.example", "8706 Mill St, Austin, TX 78782"))
    assert batch.take(_firm("heritage-rm.example", "Austin, TX 78778"))
    assert not batch.take(_firm("heritage-again.example", "Austin, TX 78778-1234"))


def test_without_an_address_on_either_side_the_same_name_is_one_company() -> None:
    batch = Batch(want=5)
    assert batch.take(_firm("lonestar.example", None))
    assert not batch.take(_firm("lonestar16.example", "7581 Mill St, Alpharetta, GA 30009"))
    other = Batch(want=5)
    assert other.take(_firm("lonestar.example", "5527 Park Blvd, Alpharetta, GA 30004"))
    assert not other.take(_firm("lonestar16.example", None))
    assert other.take(_firm("oak.example", None, name="Oak Property Management"))


def test_only_a_run_that_would_ask_its_user_reads_the_profiles_it_set_aside() -> None:
    """A monitor's tick takes what matches when discovery runs dry; reading every repeated profile
    again each tick doubled its cost (bench/monitor_quality.py: 1.8 -> 3.95 requests per known company)."""
    now = datetime.now(UTC)
    fields = {"id": uuid4(), "created_at": now, "updated_at": now, "criteria": {"quantity": 5}, "target_quantity": 5,
              "contacts_min": 1, "contacts_max": 3, "batch_size": 10, "stage": Stage.COMPANY_DISCOVERY,
              "status": Status.ACTIVE}  # fmt: skip
    assert WebSource._asks_user(Run(**fields, options={"sources": ["web"]}))
    assert not WebSource._asks_user(Run(**fields, options={"monitor": {"id": str(uuid4()), "tick": 3}}))
