from __future__ import annotations

import pytest

from leadscout.research.read.firm_names import is_ours, mentions


@pytest.mark.parametrize(
    ("company", "org", "ours"),
    [
        ("Lincoln Property Company", "LPC", True),
        ("Acme Property Management", "Acme PM", True),
        ("richmondpropertymanagementrw.com", "Richmond Property Management", True),
        ("Legacy Partners; A.F. Evans Co. Inc.", "A.F. Evans Co.", True),
        ("CMI-CARG", "Cities Management", True),
        ("Acme Property Management", "Beta Realty", False),
        ("Acme Property Management", "NARPM", False),
    ],
)
def test_an_organisation_may_be_the_company(company: str, org: str, ours: bool) -> None:
    assert is_ours(company, org) is ours


def test_mentions_need_the_distinctive_words() -> None:
    assert mentions("Oak Leaf Property Management", "Oak Leaf manages 300 homes")
    assert not mentions("Oak Leaf Property Management", "Property management in Austin")
    assert mentions("Mark-Taylor", "19,000 apartment units across Arizona for Mark Taylor")  # a hyphen, spoken
