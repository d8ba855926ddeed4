"""The readers on phrasings nobody wrote a pattern for: a seeded grid of the ways a site says how
much it manages (subject x verb x quantity x noun x tail) and who runs it (name x title x sentence
shape). A reader that learnt its examples instead of the language fails here."""

from __future__ import annotations

import itertools
import random

from leadscout.research.read.inspect import inspect_page

COMPANY = "Acme Property Management"
SUBJECTS = [("We", 1), ("Our team", 1), ("Acme Property Management", 3), ("The company", 3), ("Acme", 3),
            ("I", 1), ("My company", 3), ("Our firm", 3), ("Today we", 1), ("The Austin-based firm", 3)]  # fmt: skip
VERBS = ["manage", "look after", "oversee", "take care of", "currently manage", "care for", "handle", "service",
         "are responsible for", "proudly manage"]  # fmt: skip
QUANTITIES = [("1,250", 1250), ("over 500", 500), ("more than 2,300", 2300), ("nearly 800", 800), ("1.2k", 1200),
              ("five hundred", 500), ("350+", 350), ("about 900", 900), ("two thousand", 2000),
              ("roughly 1,100", 1100), ("2000", 2000)]  # fmt: skip
NOUNS = ["units", "doors", "rental homes", "properties", "residential units", "single-family homes", "homes",
         "apartment units", "rentals", "doors across the metro"]  # fmt: skip
TAILS = ["", " in Austin and the surrounding area", " for local owners", " across three counties"]
SHAPES = ["Acme is a full-service firm with {q} {n} under management.", "Acme manages a {q}-unit portfolio.",
          "Acme Property Management ({q} units) serves Austin.", "With {q} {n} in our care, we know Austin.",
          "Our portfolio: {q} {n}.", "Trusted by owners of {q} {n}.", "Currently managing {q} {n} in Austin.",
          "Since 2004 we have grown to {q} {n}.", "Acme grew its portfolio to {q} {n} last year."]  # fmt: skip


def _third_person(verb: str) -> str:
    first, _, rest = verb.partition(" ")
    if first == "are":
        return f"is {rest}"
    if first in ("currently", "proudly"):
        return f"{first} {_third_person(rest)}"
    return f"{first}es {rest}".strip() if first.endswith(("h", "s")) else f"{first}s {rest}".strip()


def _unit_sentences() -> list[tuple[str, int]]:
    rng = random.Random(22)
    grid = list(itertools.product(SUBJECTS, VERBS, QUANTITIES, NOUNS, TAILS))
    out = []
    for (subject, person), verb, (quantity, value), noun, tail in rng.sample(grid, 400):
        said = _third_person(verb) if person == 3 else verb
        out.append((f"{subject} {said} {quantity} {noun}{tail}.", value))
    for shape, (quantity, value) in itertools.product(SHAPES, QUANTITIES):
        out.append((shape.format(q=quantity, n=rng.choice(NOUNS[:7])), value))
    return out


def test_unit_claims_across_phrasings() -> None:
    misses = []
    rows = _unit_sentences()
    for text, value in rows:
        got = inspect_page(text, company=COMPANY).units_estimate
        if got is None or abs(got - value) > 0.15 * value:
            misses.append((text, got))
    assert len(misses) <= 0.03 * len(rows), misses[:20]


NAMES = ["Maria Delgado", "Kevin O'Neil", "Priya Raman", "James T. Whitfield", "Lauren Beck", "Tomas Ruiz",
         "Angela Park-Moore", "Derek Olsen", "Shanice Williams", "Hannah Kowalski"]  # fmt: skip
TITLES = ["owner", "broker/owner", "president", "founder", "co-founder and CEO", "director of operations",
          "property manager", "managing broker", "vice president of property management", "leasing manager",
]  # fmt: skip
PEOPLE_SHAPES = [
    "{n}, {t} of Acme Property Management, started the company in 2009.",
    "Acme Property Management was founded by {n}, who serves as {t}.",
    "Meet {n}, our {t}.",
    "Our {t}, {n}, has lived in Austin for twenty years.",
    "{n} is the {t} at Acme and oversees every lease.",
    "After years in banking, {n} opened Acme in 2011 and today works as its {t}.",
    "“We answer every call the same day,” says {n}, {t} of Acme.",
    "{n} ({t}) leads our team of twelve.",
    "Acme's {t} {n} holds a Texas broker license.",
    "When owners call, they reach {n}, the {t}, directly.",
    "{n} joined Acme in 2015 as {t}.",
    "Our story began when {n} bought a duplex in 2003; {first} now leads Acme as {t}.",
    "Acme is led by {n}, {t}.",
    "{n} has been our {t} since 2016.",
]
NOT_PEOPLE = [
    "Ask about our owner portal at Camden Ballantyne.",
    "A property manager should answer within a day, says our review of Austin firms.",
    "Written by {n}, a reporter for the Austin Business Journal.",
    "{n}, a tenant since 2019, loves the new pool.",
    "We partner with Grace Hill for training; a regional manager visits monthly.",
]


def test_people_across_phrasings() -> None:
    rng = random.Random(22)
    misses, false = [], []
    for shape in PEOPLE_SHAPES:
        for name, title in rng.sample(list(itertools.product(NAMES, TITLES)), 8):
            text = shape.format(n=name, t=title, first=name.split()[0])
            got = [p.full_name.replace(".", "") for p in inspect_page(text, company=COMPANY).people]
            if got != [name.replace(".", "")]:
                misses.append((text, got))
    for shape, name in itertools.product(NOT_PEOPLE, NAMES[:3]):
        text = shape.format(n=name)
        if got := [p.full_name for p in inspect_page(text, company=COMPANY).people]:
            false.append((text, got))
    assert len(misses) <= 0.03 * len(PEOPLE_SHAPES) * 8, misses[:20]
    assert not false
