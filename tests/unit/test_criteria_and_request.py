import pytest

from leadscout.criteria import parse_criteria
from leadscout.errors import InvalidCriteria
from leadscout.pipeline.request import parse_request


def test_valid_criteria_are_normalised() -> None:
    c = parse_criteria({"quantity": 25, "state": "texas", "cities": ["austin "], "pms": ["App Folio"]})
    assert (c.state, c.cities, c.pms) == ("TX", ["Austin"], ["appfolio"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quantity": -1}, "quantity: Input should be greater than or equal to 1"),
        ({"quantity": 1001}, "quantity: Input should be less than or equal to 1000"),
        ({"quantity": 5, "state": "ZZ"}, "unknown US state 'ZZ'"),
        ({"quantity": 5, "pms": ["Frobnicator"]}, "known names: AppFolio, Buildium"),
        ({"quantity": 5, "units_min": 200, "units_max": 100}, "units_min (200) is above units_max (100)"),
        ({"quantity": 5, "cities": ["Austin"]}, "cities need a state"),
        ({"quantity": 5, "colour": "red"}, "colour: Extra inputs are not permitted"),
    ],
)
def test_invalid_criteria_say_what_is_wrong(data: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidCriteria, match="invalid criteria") as info:
        parse_criteria(data)
    assert message in str(info.value)


def test_request_parser_reads_the_seed_examples() -> None:
    got = parse_request("25 companies in Austin, TX that use AppFolio and manage 100+ units, 1-3 decision makers each")
    assert got["quantity"] == 25
    assert got["cities"] == ["Austin"] and got["state"] == "TX"
    assert got["pms"] == ["appfolio"] and got["units_min"] == 100
    assert (got["contacts_min"], got["contacts_max"]) == (1, 3)
    assert parse_criteria(got).quantity == 25


def test_request_parser_state_only_and_doors() -> None:
    got = parse_request("10 Buildium property managers in Texas with 200+ doors")
    assert got == {
        "natural_request": "10 Buildium property managers in Texas with 200+ doors",
        "units_min": 200,
        "state": "TX",
        "pms": ["buildium"],
        "quantity": 10,
    }
