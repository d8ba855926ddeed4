"""The readers on real text that nobody on this project wrote: ``shared/data/real_pm_text.jsonl``
(verbatim snippets of property-management sites and the trade press, labelled in one pass by a
third party). The bar is the issue's: recall 0.9 and precision 0.95 for unit claims and people."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadscout.research.read import scoring
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, object]]:
    path: Path = shared_data("real_pm_text.jsonl")
    return scoring.reader_table(path)


def test_unit_claims_on_real_text(table: dict[str, dict[str, object]]) -> None:
    units = table["units"]
    assert units["recall"] >= 0.9 and units["precision"] >= 0.95, units["misses"]  # type: ignore[operator]


def test_people_on_real_text(table: dict[str, dict[str, object]]) -> None:
    people = table["people"]
    assert people["recall"] >= 0.9 and people["precision"] >= 0.95, people["misses"]  # type: ignore[operator]


def test_pms_signals_on_real_text(table: dict[str, dict[str, object]]) -> None:
    pms = table["pms"]
    assert pms["accuracy"] >= 0.9, pms["misses"]  # type: ignore[operator]


def test_places_on_real_text_are_measured(table: dict[str, dict[str, object]]) -> None:
    places = table["places"]
    assert places["hq_rows"] and places["hq_accuracy"] >= 0.6, places["misses"]  # type: ignore[operator]


def test_readers_hold_their_level_on_the_corpus_dev_half() -> None:
    """The dev half of the grown corpus (``tests/data/real_text``), the half the readers are tuned
    on: a floor under what they reach there, so a change that loses it is seen. The test half is
    scored by ``bench/readers.py --final`` and never tuned on."""
    root = Path(__file__).resolve().parents[1] / "data" / "real_text"
    rows = scoring.corpus(root / "snippets.jsonl", root / "split.json", "dev", shared_data("real_pm_text.jsonl"))
    table = scoring.corpus_table(rows)
    units, people = table["units"], table["people"]
    assert units["accuracy"] >= 0.85, units["misses"]
    assert people["recall"] >= 0.8 and people["precision"] >= 0.9, people["misses"]


def test_a_name_is_compared_by_its_first_and_last_names() -> None:
    name_key = scoring.name_key
    assert name_key("William C. Smith Sr.") == name_key("William Smith")
    assert name_key("Leola “Lee” Margaretha Hardy") == name_key("Leola Hardy")
    assert name_key("Kevin O’Neil") == name_key("kevin o'neil")
    assert name_key("Jane Smith") != name_key("John Smith")
