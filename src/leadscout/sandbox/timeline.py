"""The sandbox world moving in time: day N is day 0 (the world of the seed) with N days of the
changes a property-management market sees applied in order, each day from its own random stream,
so day N is the same on every machine and in both styles (a style changes how sites read, never
what is true).

From one day to the next a few companies open (new sites, listed by some directories and the
search index), close (the domain lapses), go dark (the site stops answering), switch PMS (the portal
link moves to another vendor), grow or shrink across a unit threshold, and gain or lose staff.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from leadscout.sandbox.catalogue import make_look, units_look
from leadscout.sandbox.world import (
    DIRECTORY_HOSTS,
    EMAIL_PUBLISHING,
    FIRST_NAMES,
    LAST_NAMES,
    MAIL_SERVERS,
    PMS_WEIGHTS,
    PORTALS,
    TITLES,
    UNIT_PHRASES,
    Person,
    World,
    WorldCompany,
    company,
    mailbox_local,
    written_name,
    written_title,
)

# per company and day: how likely each change is (a market of ~700 firms sees a dozen a day)
RATES = {"closed": 0.003, "unreachable": 0.002, "pms_switched": 0.006, "units_changed": 0.006, "staff": 0.008}
OPENED_PER_METRO = 0.4  # chance that a metro gains a company on a given day
# bad days, drawn from their own stream (the changes above stay as they were): a site down for
# one day only, and a lapsed domain taken up again by its firm
OUTAGE_RATE = 0.01
REOPEN_RATE = 0.25


@dataclass(frozen=True)
class Change:
    """One thing that became true on ``day``: ``old`` and ``new`` are the values of ``field``."""

    day: int
    domain: str
    change: (
        str  # opened | closed | reopened | unreachable | outage | recovered | pms_switched | units_changed | staff_*
    )
    field: str
    old: Any
    new: Any


def advance(world: World, days: int) -> World:
    """``world`` (day 0) moved ``days`` days on; the changes are listed in ``World.changes``."""
    if days < 0:
        raise ValueError("a world day is 0 (today's world) or later")
    moved = World(world.seed, list(world.companies), [replace(d, slugs=list(d.slugs)) for d in world.directories],
                  world.style, day=days, changes=list(world.changes), scale=world.scale)  # fmt: skip
    for day in range(world.day + 1, days + 1):
        _one_day(moved, day)
    return moved


def _one_day(world: World, day: int) -> None:
    rng = random.Random(f"{world.seed}:day:{day}")
    changes: list[Change] = []
    # a firm back from a closure draws no roll, as when it was closed: the days after stay the same
    reopened = {ch.domain for ch in world.changes if ch.change == "reopened"}
    for i, c in enumerate(list(world.companies)):
        if c.health == "dead" or c.domain in reopened:
            continue
        roll = rng.random()
        for kind, rate in RATES.items():
            if roll < rate:
                updated, change = _apply(rng, c, kind, day)
                if change is not None:
                    world.companies[i] = replace(updated, changed_on=day)
                    changes.append(change)
                break
            roll -= rate
    for metro in world.metros:
        if rng.random() < OPENED_PER_METRO:
            changes.append(_open(rng, world, metro, day))
    changes.extend(_bad_days(world, day))
    world.changes.extend(changes)
    world.__dict__.pop("by_domain", None)  # cached lookups see the new companies
    world.__dict__.pop("by_slug", None)


def _bad_days(world: World, day: int) -> list[Change]:
    """Yesterday's outages end; a closed firm may take its domain up again; a working site may
    be down for today only."""
    rng = random.Random(f"{world.seed}:day:{day}:bad")
    out_yesterday = {c.domain for c in world.changes if c.day == day - 1 and c.change == "outage"}
    changes: list[Change] = []
    for i, c in enumerate(list(world.companies)):
        roll = rng.random()
        if c.domain in out_yesterday and c.health == "down":
            world.companies[i] = replace(c, health="ok", changed_on=day)
            changes.append(Change(day, c.domain, "recovered", "health", "down", "ok"))
        elif c.health == "dead" and c.changed_on is not None and c.changed_on < day and roll < REOPEN_RATE:
            world.companies[i] = replace(c, health="ok", changed_on=day)
            changes.append(Change(day, c.domain, "reopened", "health", "dead", "ok"))
        elif c.health == "ok" and c.changed_on != day and roll < OUTAGE_RATE:
            world.companies[i] = replace(c, health="down", changed_on=day)
            changes.append(Change(day, c.domain, "outage", "health", "ok", "down"))
    return changes


def _apply(rng: random.Random, c: WorldCompany, kind: str, day: int) -> tuple[WorldCompany, Change | None]:
    if kind == "closed":
        return replace(c, health="dead"), Change(day, c.domain, "closed", "health", c.health, "dead")
    if kind == "unreachable":
        return replace(c, health="timeout"), Change(day, c.domain, "unreachable", "health", c.health, "timeout")
    if kind == "pms_switched":
        return _switch_pms(rng, c, day)
    if kind == "units_changed":
        return _resize(rng, c, day)
    return _restaff(rng, c, day)


def _switch_pms(rng: random.Random, c: WorldCompany, day: int) -> tuple[WorldCompany, Change | None]:
    if c.kind != "property_manager" or not c.pms:
        return c, None
    others = [v for v in PMS_WEIGHTS if v and v != c.pms]
    pms = rng.choices(others, [PMS_WEIGHTS[v] for v in others])[0]
    host_t, path = PORTALS[pms]
    host = host_t.format(slug=c.slug[:20], num=rng.randint(100000, 999999))
    moved = replace(c, pms=pms, portal_host=host, portal_url=f"https://{host}{path}")
    return moved, Change(day, c.domain, "pms_switched", "pms", c.pms, pms)


def _resize(rng: random.Random, c: WorldCompany, day: int) -> tuple[WorldCompany, Change | None]:
    """A portfolio that grows or shrinks by a third to a half: enough to cross 100 or 200 units."""
    if c.units is None:
        return c, None
    factor = rng.uniform(1.35, 1.6) if rng.random() < 0.6 else rng.uniform(0.5, 0.7)
    units = max(10, round(c.units * factor))
    phrase = rng.choice(UNIT_PHRASES).format(n=units, metro=c.metro)
    look = c.look
    if look is not None:  # the wild site states its new size in its own phrasing (own stream: styles agree)
        phrasing, values, low, high = units_look(random.Random(f"{c.slug}:{day}:units"), units)
        look = replace(look, units_phrasing=phrasing, units_values=values, units_low=low, units_high=high)
    moved = replace(c, units=units, units_phrase=phrase, look=look)
    return moved, Change(day, c.domain, "units_changed", "units", c.units, units)


def _restaff(rng: random.Random, c: WorldCompany, day: int) -> tuple[WorldCompany, Change | None]:
    """Someone joins, or someone other than the person in charge (listed first) leaves."""
    if len(c.people) > 1 and rng.random() < 0.5:
        leaving = rng.choice(c.people[1:])
        people = [p for p in c.people if p is not leaving]
        change = Change(day, c.domain, "staff_left", "people", leaving.full_name, None)
        return replace(c, people=people), change
    person = _new_person(rng, c)
    if person is None:
        return c, None
    joined = Change(day, c.domain, "staff_joined", "people", None, person.full_name)
    return replace(c, people=[*c.people, person]), joined


def _open(rng: random.Random, world: World, metro: str, day: int) -> Change:
    used = {c.slug for c in world.companies}
    new = company(rng, metro, used)
    new = replace(
        new,
        health="ok",  # a new firm's site works
        changed_on=day,
        email_publishing=rng.choices(list(EMAIL_PUBLISHING), list(EMAIL_PUBLISHING.values()))[0],
        mail_server=rng.choices(list(MAIL_SERVERS), list(MAIL_SERVERS.values()))[0],
        look=make_look(random.Random(f"{world.seed}:look:{new.slug}"), new.units, bool(new.pms))
        if world.style == "wild"
        else None,
    )
    world.companies.append(new)
    for listing in world.directories:  # directories notice a new firm, each in its own time
        if listing.metro == metro and listing.host in DIRECTORY_HOSTS and rng.random() < 0.6:
            listing.slugs.append(new.slug)
    return Change(day, new.domain, "opened", "company", None, new.name)


def _new_person(rng: random.Random, c: WorldCompany) -> Person | None:
    """A new hire, with an address in the company's pattern (None: a namesake already works there)."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    full_name, mailbox = written_name(first, last, f"{c.slug}:{first} {last}")
    if any(p.full_name == full_name for p in c.people):
        return None
    local = mailbox_local(c.email_pattern, mailbox)
    title = written_title(rng.choice(TITLES), f"{c.slug}:{first} {last}")
    return Person(full_name, title, f"{local}@{c.domain}", rng.random() < 0.5)
