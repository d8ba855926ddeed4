"""A seeded generator of property-management companies with their people.

The same seed always gives the same world; a new seed gives a world never made before.
It is fictional on purpose (no real company is shipped inside leadscout)."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

METROS: dict[str, tuple[str, list[str]]] = {
    "Austin": ("TX", ["Round Rock", "Cedar Park", "Pflugerville", "Georgetown"]),
    "Dallas": ("TX", ["Plano", "Irving", "Garland", "Frisco"]),
    "Phoenix": ("AZ", ["Mesa", "Tempe", "Scottsdale", "Chandler"]),
    "Denver": ("CO", ["Aurora", "Lakewood", "Littleton", "Arvada"]),
    "Atlanta": ("GA", ["Marietta", "Decatur", "Alpharetta", "Smyrna"]),
    "Tampa": ("FL", ["Clearwater", "Brandon", "Largo", "Riverview"]),
    "Charlotte": ("NC", ["Matthews", "Concord", "Huntersville", "Gastonia"]),
    "Columbus": ("OH", ["Dublin", "Westerville", "Hilliard", "Grove City"]),
}
PMS_WEIGHTS = {
    "appfolio": 30,
    "buildium": 18,
    "rentvine": 6,
    "propertyware": 6,
    "rentmanager": 6,
    "yardi": 6,
    "doorloop": 5,
    "tenantcloud": 4,
    "rentecdirect": 4,
    "entrata": 3,
    "realpage": 3,
    "resman": 3,
    "": 6,
}
_WORDS_A = [
    "Oak",
    "Cedar",
    "Summit",
    "Blue",
    "Lone Star",
    "Red",
    "Silver",
    "Granite",
    "Harbor",
    "Keystone",
    "Pinnacle",
    "Heritage",
    "Maple",
    "Liberty",
    "North",
    "True",
    "Bright",
    "Golden",
    "Prairie",
    "River",
    "Stone",
    "Evergreen",
    "Crown",
    "Cornerstone",
    "Sterling",
    "Anchor",
    "Beacon",
    "Magnolia",
    "Willow",
]
_WORDS_B = [
    "Property Management",
    "Realty & Management",
    "Residential",
    "Property Group",
    "Rentals",
    "Management Co",
    "Homes",
    "Property Services",
    "Leasing & Management",
]
_FIRST = [
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Sarah",
    "David",
    "Karen",
    "Daniel",
    "Laura",
    "Carlos",
    "Emily",
    "Kevin",
    "Angela",
    "Brian",
    "Nicole",
    "Jason",
    "Megan",
    "Eric",
    "Rachel",
]
_LAST = [
    "Smith",
    "Garcia",
    "Johnson",
    "Nguyen",
    "Williams",
    "Brown",
    "Lopez",
    "Miller",
    "Davis",
    "Martinez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Lee",
    "Harris",
    "Clark",
    "Lewis",
]
_TITLES = [
    "Owner",
    "President",
    "CEO",
    "Broker/Owner",
    "COO",
    "Director of Operations",
    "Property Manager",
    "Leasing Agent",
    "Office Manager",
]


@dataclass
class Person:
    full_name: str
    title: str
    email: str


@dataclass
class WorldCompany:
    name: str
    domain: str
    city: str
    state: str
    metro: str
    pms: str
    units: int | None
    people: list[Person] = field(default_factory=list)


def generate(seed: int = 7, per_metro: tuple[int, int] = (40, 120)) -> list[WorldCompany]:
    rng = random.Random(seed)
    companies: list[WorldCompany] = []
    used: set[str] = set()
    vendors, weights = zip(*PMS_WEIGHTS.items(), strict=True)
    for metro, (state, suburbs) in METROS.items():
        for _ in range(rng.randint(*per_metro)):
            while True:
                name = f"{rng.choice(_WORDS_A)} {rng.choice(_WORDS_B)}"
                if rng.random() < 0.3:
                    name = f"{rng.choice(_LAST)} {name}"
                slug = "".join(ch for ch in name.lower() if ch.isalnum())[:28]
                domain = f"{slug}{rng.choice(['', 'pm', 'tx', 'co', 'group'])}.com"
                if domain not in used:
                    used.add(domain)
                    break
            city = metro if rng.random() < 0.75 else rng.choice(suburbs)
            units = None if rng.random() < 0.1 else int(rng.lognormvariate(5.0, 0.9))
            people: list[Person] = []
            for _ in range(rng.randint(1, 4)):
                first, last = rng.choice(_FIRST), rng.choice(_LAST)
                if any(p.full_name == f"{first} {last}" for p in people):
                    continue
                people.append(
                    Person(f"{first} {last}", rng.choice(_TITLES), f"{first[0].lower()}{last.lower()}@{domain}")
                )
            companies.append(
                WorldCompany(name, domain, city, state, metro, rng.choices(vendors, weights)[0], units, people)
            )
    return companies


def write_directory_csv(companies: list[WorldCompany], path: Path) -> int:
    """One row per (company, person); companies without people get one row without a contact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["name", "website", "city", "state", "pms", "units", "contact_name", "contact_title", "contact_email"]
        )
        for c in companies:
            base = [c.name, f"https://www.{c.domain}/", c.city, c.state, c.pms, "" if c.units is None else c.units]
            for person in c.people:
                writer.writerow([*base, person.full_name, person.title, person.email])
                rows += 1
            if not c.people:
                writer.writerow([*base, "", "", ""])
                rows += 1
    return rows
