"""The given-name lexicons: gender-guesser's, and the US names of the SSA that it lacks."""

from __future__ import annotations

import pytest

from leadscout.research.read.given_names import is_first_name
from leadscout.research.read.inspect import inspect_page


@pytest.mark.parametrize("word", ["Theodis", "Latrell", "Jayceon", "Juanita", "Ngozi", "Kevin"])
def test_us_given_names_gender_guesser_lacks_are_given_names(word: str) -> None:
    assert is_first_name(word)


@pytest.mark.parametrize("word", ["Day", "Media", "Richmond", "Keller", "Williams", "Property", "theodis", "T"])
def test_words_common_surnames_and_lower_case_are_not(word: str) -> None:
    assert not is_first_name(word)


def test_a_person_with_a_given_name_only_the_ssa_knows_is_read_and_a_firm_of_surnames_stays_a_firm() -> None:
    text = "At Acme Property Management, Theodis Christley, 48, makes sure his team is equipped."
    assert [p.full_name for p in inspect_page(text, company="Acme Property Management").people] == ["Theodis Christley"]
    agent = "Listing agent Jane Doe of Keller Williams brought us the buyer."
    assert inspect_page(agent, company="Acme Property Management").people == []
