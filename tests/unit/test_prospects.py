"""Candidates worth fetching: the score read from a listing or a search snippet orders verification."""

from leadscout.criteria import parse_criteria
from leadscout.pipeline.prospects import SCORE_STEP, score, seq_for


def _criteria(**extra: object):
    return parse_criteria({"quantity": 5, "cities": ["Atlanta"], "state": "GA", **extra})


def test_a_snippet_naming_the_wanted_vendor_goes_first() -> None:
    wanted = _criteria(pms=["buildium"])
    assert score("Peach Realty - Atlanta rentals. Residents pay rent through Buildium.", wanted) == 3
    assert score("Peach Realty. Tenants log in to AppFolio to pay rent.", wanted) == -1
    assert score("Peach Realty. Full-service management.", wanted) == 0


def test_vendor_names_are_whole_words() -> None:
    wanted = _criteria(pms=["yardi"])
    assert score("Our yardiman crew handles landscaping", wanted) == 0
    assert score("We use Yardi Breeze for owner statements.", wanted) == 2


def test_a_stated_unit_count_outside_the_range_goes_last() -> None:
    small = _criteria(units_max=150)
    assert score("We manage over 2,000 units across metro Atlanta.", small) < 0
    assert score("We manage 80 units for local owners.", small) > 0
    assert score("Atlanta firm founded in 1998, serving 12 cities.", small) == 1  # only the place counts


def test_no_criteria_to_read_no_reordering() -> None:
    plain = parse_criteria({"quantity": 5, "state": "GA"})
    assert score("Buildium users, 300 units", plain) == 0
    assert seq_for(42, "anything", plain) == 42


def test_a_score_moves_a_candidate_past_every_planned_position() -> None:
    wanted = _criteria(pms=["buildium"])
    late_but_likely = seq_for(99 * 10**8, "Pay rent with Buildium", wanted)
    early_and_unknown = seq_for(1 * 10**8, "A property manager", wanted)
    assert late_but_likely < early_and_unknown
    assert abs(early_and_unknown - 10**8) < SCORE_STEP


def test_a_snippet_that_reads_like_another_kind_of_business_goes_later() -> None:
    wanted = _criteria()
    assert score("Sunset HOA management: community association management in Atlanta", wanted) == 0  # -1 +1
    assert score("Luxury apartment homes in Atlanta. Floor plans and amenities.", wanted) == 0
    assert score("Atlanta property management: rent collection and tenant screening.", wanted) == 1
