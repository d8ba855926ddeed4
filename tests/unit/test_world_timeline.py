"""The sandbox world moving in time (``build(..., day=N)``): day 0 is the seed's world, day N is
the same everywhere and in both styles, and every change is true of the world it reports on."""

from __future__ import annotations

import re
from collections import Counter

from leadscout.sandbox import pages
from leadscout.sandbox.world import FIRST_NAMES, LAST_NAMES, build, generate, truth

FACTS = ("domain", "name", "pms", "portal_host", "units", "health", "metro", "city")


def _facts(world_truth: dict[str, object]) -> list[tuple[object, ...]]:
    companies = world_truth["companies"]
    assert isinstance(companies, list)
    return [(*(c[k] for k in FACTS), tuple(p["full_name"] for p in c["people"])) for c in companies]


def test_day_zero_is_the_seeds_world() -> None:
    today = truth(build(7, day=0))
    assert today == truth(build(7)) and today["day"] == 0 and today["changes"] == []


def test_a_day_is_the_same_on_every_call_and_in_both_styles() -> None:
    classic, again, wild = truth(build(7, day=3)), truth(build(7, day=3)), truth(build(7, day=3, style="wild"))
    assert classic == again
    assert classic["changes"] == wild["changes"] and _facts(classic) == _facts(wild)
    # day 3 is day 2 and one more day: the earlier days' changes stay as they were
    day2 = truth(build(7, day=2))["changes"]
    assert isinstance(day2, list) and classic["changes"][: len(day2)] == day2  # type: ignore[index]


def test_every_kind_of_change_happens_and_is_true_of_the_world() -> None:
    world = build(7, day=6)
    kinds = Counter(c.change for c in world.changes)
    assert set(kinds) == {"opened", "closed", "unreachable", "pms_switched", "units_changed", "staff_joined",
                          "staff_left", "outage", "recovered", "reopened"}, kinds  # fmt: skip
    before = build(7).by_domain
    for change in world.changes:
        company = world.by_domain[change.domain]
        if change.change == "opened":
            assert change.domain not in before
        elif change.change == "outage" and change.day < world.day:  # a bad day, not a bad week
            assert any(c.domain == change.domain and c.change == "recovered" and c.day == change.day + 1
                       for c in world.changes)  # fmt: skip
        elif change.change == "reopened":
            assert any(c.domain == change.domain and c.change == "closed" and c.day < change.day
                       for c in world.changes)  # fmt: skip
        elif change.change == "staff_left":
            assert change.old not in {p.full_name for p in company.people} or any(
                later.domain == change.domain and later.change == "staff_joined" and later.new == change.old
                for later in world.changes
            )
    last = {(c.domain, c.field): c.new for c in world.changes}
    for (domain, field), new in last.items():
        company = world.by_domain[domain]
        if field == "pms":
            assert company.pms == new and company.portal_host and company.portal_host not in before[domain].portal_url
        elif field == "units":
            assert company.units == new
        elif field == "health":  # closed, unreachable, down for the day, back: as the last change says
            assert company.health == new
    listed = {slug for listing in world.directories for slug in listing.slugs}
    assert any(world.by_domain[c.domain].slug in listed for c in world.changes if c.change == "opened")


def test_a_pms_switch_shows_on_the_site_in_both_styles() -> None:
    for style in ("classic", "wild"):
        world = build(7, day=6, style=style)
        switched = [world.by_domain[c.domain] for c in world.changes if c.change == "pms_switched"]
        company = next(c for c in reversed(switched) if c.pms_provable and c.health == "ok")
        old_host = build(7, style=style).by_domain[company.domain].portal_host
        assert company.portal_host is not None and old_host is not None
        site = "".join(pages.company_page(company, path)[1] for path in ("/", "/about", "/residents", "/contact"))
        assert company.portal_host in site and old_host not in site


def test_people_bear_names_as_varied_as_the_webs() -> None:
    people = [p for c in generate(7) for p in c.people]
    drawn = {f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES}
    varied = [p for p in people if p.full_name not in drawn]
    assert 0.3 <= len(varied) / len(people) <= 0.55  # four in ten, as the README says
    marks = ("van der", "de la", "'", "-", "Ó ", ".")
    assert {m for p in varied for m in marks if m in p.full_name} == set(marks)
    for p in people:  # a mailbox of ASCII letters, the whole surname in it where the pattern takes one
        local = p.email.partition("@")[0]
        assert re.fullmatch(r"[a-z.]+", local), p
