"""A seeded, generated world of US property-management companies and their look-alikes.

The same seed always gives the same world; a new seed gives a world never made before.
Everything is fictional on purpose (no real company ships inside leadscout). The ground
truth of every entity is exported by :func:`truth`.
"""

from __future__ import annotations

import csv
import hashlib
import random
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from leadscout.sandbox.catalogue import Look, make_look

METROS: dict[str, tuple[str, str, list[str]]] = {
    # metro: (state, first ZIP, suburbs)
    "Austin": ("TX", "787", ["Round Rock", "Cedar Park", "Pflugerville", "Georgetown", "Kyle"]),
    "Dallas": ("TX", "752", ["Plano", "Irving", "Garland", "Frisco", "Mesquite"]),
    "Phoenix": ("AZ", "850", ["Mesa", "Tempe", "Scottsdale", "Chandler", "Glendale"]),
    "Denver": ("CO", "802", ["Aurora", "Lakewood", "Littleton", "Arvada", "Englewood"]),
    "Atlanta": ("GA", "303", ["Marietta", "Decatur", "Alpharetta", "Smyrna", "Roswell"]),
    "Tampa": ("FL", "336", ["Clearwater", "Brandon", "Largo", "Riverview", "Temple Terrace"]),
    "Charlotte": ("NC", "282", ["Matthews", "Concord", "Huntersville", "Gastonia", "Mint Hill"]),
    "Columbus": ("OH", "432", ["Dublin", "Westerville", "Hilliard", "Grove City", "Gahanna"]),
}
# the metros a scaled-up world adds (``build(scale=K)``: K times the metros, each K times as big)
MORE_METROS: dict[str, tuple[str, str, list[str]]] = {
    "Houston": ("TX", "770", ["Katy", "Sugar Land", "Pasadena", "Pearland", "Spring"]),
    "San Antonio": ("TX", "782", ["New Braunfels", "Schertz", "Converse", "Helotes", "Boerne"]),
    "Las Vegas": ("NV", "891", ["Henderson", "North Las Vegas", "Paradise", "Spring Valley", "Enterprise"]),
    "Orlando": ("FL", "328", ["Kissimmee", "Winter Park", "Sanford", "Apopka", "Oviedo"]),
    "Nashville": ("TN", "372", ["Franklin", "Brentwood", "Hendersonville", "Murfreesboro", "Smyrna"]),
    "Raleigh": ("NC", "276", ["Cary", "Apex", "Wake Forest", "Garner", "Holly Springs"]),
    "Indianapolis": ("IN", "462", ["Carmel", "Fishers", "Greenwood", "Noblesville", "Lawrence"]),
    "Kansas City": ("MO", "641", ["Independence", "Lee's Summit", "Liberty", "Raytown", "Gladstone"]),
    "Salt Lake City": ("UT", "841", ["Sandy", "West Valley City", "Murray", "Draper", "Taylorsville"]),
    "Jacksonville": ("FL", "322", ["Orange Park", "Fernandina Beach", "Ponte Vedra", "Atlantic Beach", "Yulee"]),
    "Memphis": ("TN", "381", ["Germantown", "Bartlett", "Collierville", "Cordova", "Southaven"]),
    "Oklahoma City": ("OK", "731", ["Edmond", "Norman", "Moore", "Yukon", "Midwest City"]),
    "Louisville": ("KY", "402", ["Jeffersontown", "St. Matthews", "Shively", "Okolona", "Fern Creek"]),
    "Albuquerque": ("NM", "871", ["Rio Rancho", "Corrales", "Los Ranchos", "Bernalillo", "Los Lunas"]),
    "Tucson": ("AZ", "857", ["Oro Valley", "Marana", "Sahuarita", "Vail", "Catalina Foothills"]),
    "Birmingham": ("AL", "352", ["Hoover", "Vestavia Hills", "Homewood", "Bessemer", "Trussville"]),
}
ALL_METROS = {**METROS, **MORE_METROS}
MAX_SCALE = 1 + len(MORE_METROS) // len(METROS)
# vendor -> (portal host template, portal path); "" = no PMS
PORTALS: dict[str, tuple[str, str]] = {
    "appfolio": ("{slug}.appfolio.com", "/connect"),
    "buildium": ("{slug}.managebuilding.com", "/Resident/portal/login"),
    "rentvine": ("{slug}.rentvine.com", "/portals/resident"),
    "propertyware": ("{slug}.propertyware.com", "/pw/portals/tenant.action"),
    "rentmanager": ("{slug}.twa.rentmanager.com", "/"),
    "yardi": ("{slug}.rentcafe.com", "/residentservices/"),
    "doorloop": ("{slug}.app.doorloop.com", "/tenant-portal"),
    "tenantcloud": ("{slug}.tenantcloud.com", "/login"),
    "rentecdirect": ("{slug}.rentecdirect.com", "/tenants/"),
    "entrata": ("{slug}.entrata.com", "/resident-portal"),
    "realpage": ("{num}.onlineleasing.realpage.com", "/"),
    "resman": ("{slug}.myresman.com", "/Portal/Access/SignIn"),
}
PMS_WEIGHTS = {
    "appfolio": 28,
    "buildium": 16,
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
    "": 10,
}
# Austin is the showcase metro of the README's main job: full size and an AppFolio-dense market
SHOWCASE = {"Austin": (120, {"appfolio": 3.2})}
PLACEMENTS = ["nav", "footer", "button", "iframe", "payrent_page", "redirect"]
UNIT_PHRASES = [
    "We manage over {n:,} units across the {metro} area.",
    "Our team takes care of {n:,}+ doors for local owners.",
    "A portfolio of {n:,} single-family homes and apartments.",
    "Trusted with more than {n:,} rental homes.",
    "{n:,} units under management and growing.",
]
KINDS = {"property_manager": 84, "hoa": 4, "brokerage": 4, "apartment_community": 4, "vacation_rental": 4}
HEALTH = {
    "ok": 88,
    "dead": 2,
    "parked": 2,
    "timeout": 2,
    "error5xx": 2,
    "ratelimited": 2,
    "latin1": 2,
    "redirect_loop": 1,
    "robots_disallow": 1,
}
EMAIL_PUBLISHING = {"all": 40, "first": 35, "none": 25}
MAIL_SERVERS = {"strict": 72, "catch_all": 18, "tempfail": 5, "no_mx": 5}
ROLE_MAILBOXES = ("office", "info")
DIRECTORY_HOSTS = ["www.pmdirectory-hub.com", "www.toppropertymanagers.net", "www.rentalmanagerguide.org"]
BLOG_HOST = "www.landlordlifeblog.com"
# a landlords' forum: one thread per metro naming companies in prose, with their domains as plain
# text and no links, which only a reader of the text (an LLM) can turn into candidates
FORUM_HOST = "www.landlordforum.net"

_A = [
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
    "Aspen",
    "Copper",
    "Juniper",
    "Falcon",
    "Horizon",
    "Lantern",
    "Meridian",
    "Northstar",
    "Oakridge",
    "Redwood",
    "Sage",
    "Trident",
    "Vista",
]
_B = {
    "property_manager": [
        "Property Management",
        "Realty & Management",
        "Residential Management",
        "Property Group",
        "Rental Management",
        "Management Co",
        "Property Services",
        "Leasing & Management",
    ],
    "hoa": ["Community Association Management", "HOA Management", "Association Services"],
    "brokerage": ["Realty", "Real Estate Brokerage", "Home Sales"],
    "apartment_community": ["Apartments", "Lofts", "Residences"],
    "vacation_rental": ["Vacation Rentals", "Getaways", "Short Stays"],
}
FIRST_NAMES = [
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
    "Priya",
    "Andre",
]
LAST_NAMES = [
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
    "Patel",
]
TITLES = [
    "Owner",
    "President",
    "CEO",
    "Broker/Owner",
    "COO",
    "Director of Operations",
    "Property Manager",
    "Leasing Agent",
    "Office Manager",
    "Maintenance Coordinator",
]
# the real web writes many more titles than a template would: a person's drawn title is written as one
# of these, chosen by a hash (the seeded draw stays as it was, so each seed's world keeps its companies)
TITLE_VARIANTS = {
    "Owner": ["Co-Owner", "Founder & CEO", "Owner & Principal Broker"],
    "President": ["Managing Broker"],
    "Broker/Owner": ["Principal Broker"],
    "Property Manager": ["Portfolio Manager", "Assistant Property Manager"],
    "Leasing Agent": ["Leasing Associate", "Tenant Placement Specialist"],
    "Maintenance Coordinator": ["Maintenance Tech"],
    "Office Manager": ["Bookkeeper"],
}


def hashed_pick(key: str, choices: int) -> int:
    """One of ``choices`` (0 ..) fixed by ``key``: a variation that leaves the seeded draws alone."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % choices


def written_title(title: str, key: str) -> str:
    """The title as a site writes it: the drawn one, or (for about a third of people) a variant."""
    variants = TITLE_VARIANTS.get(title, [])
    pick = hashed_pick(f"title:{key}", len(variants) + 2)
    return variants[pick - 2] if pick >= 2 else title


# the real web's names are not a template's: a person's drawn name is written, for about four in ten
# people, with a given name neither lexicon holds, a surname with particles, a hyphen or an apostrophe,
# accents, or a middle initial (chosen by a hash: the seeded draws, and so each seed's companies, stay)
GIVEN_VARIANTS = ["Oluwadamilare", "Xiomara", "Thandiwe", "Bogdan", "José", "Zoë", "Kwabena", "Radhika", "Tavita",
                  "Mykola", "Siobhán", "Anh", "Quavontae", "Ilse", "Nnamdi", "Björn"]  # fmt: skip
SURNAME_VARIANTS = ["van der Berg", "de la Cruz", "O'Neil", "McKnight", "Al-Rashid", "Núñez", "DiMaggio",
                    "St. Clair", "von Holt", "Nguyen-Tran", "D'Amico", "Ó Briain"]  # fmt: skip


def written_name(first: str, last: str, key: str) -> tuple[str, str]:
    """The drawn name as a site writes it, and its mailbox's name ("Pieter van der Berg" -> "pieter
    vanderberg": ASCII letters, the whole surname)."""
    pick = hashed_pick(f"name:{key}", 12)
    middle = ""
    if pick in (0, 1):
        first = GIVEN_VARIANTS[hashed_pick(f"given:{key}", len(GIVEN_VARIANTS))]
    elif pick == 2:
        last = SURNAME_VARIANTS[hashed_pick(f"surname:{key}", len(SURNAME_VARIANTS))]
    elif pick == 3:
        last = f"{last}-{LAST_NAMES[hashed_pick(f'hyphen:{key}', len(LAST_NAMES))]}"
    elif pick == 4:
        middle = f" {'ABCDEGJLMRST'[hashed_pick(f'initial:{key}', 12)]}."
    return f"{first}{middle} {last}", f"{_mailbox_letters(first)} {_mailbox_letters(last)}"


def mailbox_local(pattern: str, mailbox: str) -> str:
    """The local part a company's address pattern makes of a mailbox's name ("{f}{last}": "pvanderberg")."""
    first, last = mailbox.split()
    return pattern.format(f=first[0], first=first, last=last, l=last[0])


def _mailbox_letters(text: str) -> str:
    # the world's own folding, not leadscout's emails._ascii: the world must not follow the system it tests
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if ch.isascii() and ch.isalpha()).lower()


_STREETS = ["Main St", "Oak Ave", "Congress Ave", "Elm St", "Park Blvd", "Commerce Dr", "Lakeview Rd", "Mill St"]


WORLD_EPOCH = datetime(2026, 11, 2, tzinfo=UTC)  # day 0, as servers date their pages (Last-Modified)


@dataclass
class Person:
    full_name: str
    title: str
    email: str
    linkedin: bool = False

    @property
    def linkedin_url(self) -> str:
        slug = "-".join(_mailbox_letters(word) for word in self.full_name.split() if _mailbox_letters(word))
        return f"https://www.linkedin.com/in/{slug}-{self.email_hash()}"

    def email_hash(self) -> str:
        return f"{sum(map(ord, self.email)) % 997:03d}"


@dataclass
class WorldCompany:
    slug: str
    name: str
    domain: str
    kind: str
    metro: str
    city: str
    state: str
    zip: str
    street: str
    phone: str
    pms: str
    portal_host: str | None
    portal_url: str | None
    placement: str | None
    powered_by: bool
    units: int | None
    units_phrase: str | None
    units_page: str
    address_place: str
    service_areas: list[str]
    founded: int | None
    health: str
    people: list[Person] = field(default_factory=list)
    email_pattern: str = "{f}{last}"
    # how the site shows addresses: all | first (one person's, enough to learn the pattern) | none
    email_publishing: str = "all"
    # the mail server's behaviour: strict (rejects unknown users) | catch_all | tempfail | no_mx
    mail_server: str = "strict"
    look: Look | None = None  # the wild style's way of building this site (None: the classic templates)
    changed_on: int | None = None  # the world day it last changed (None: as on day 0)

    def provable_units(self) -> tuple[int | None, int | None]:
        """(at least, at most) what the site's own words prove about its portfolio."""
        if self.look is not None:
            return self.look.units_low, self.look.units_high
        if self.units_phrase and any(word in self.units_phrase for word in ("over", "+", "more than")):
            return self.units, None  # "over 108 units" proves at least 108, not at most
        return self.units, self.units

    @property
    def pms_provable(self) -> bool:
        """A portal link (or hop) on the site proves the PMS; a mention or a widget does not."""
        return bool(self.pms) and (self.look is None or self.look.pms_provable)

    @property
    def mailboxes(self) -> set[str]:
        """Every address that really exists at this company."""
        return {p.email.lower() for p in self.people} | {f"{r}@{self.domain}" for r in ROLE_MAILBOXES}

    @property
    def website(self) -> str:
        return f"http://www.{self.domain}/"


@dataclass
class Listing:
    host: str
    metro: str
    slugs: list[str]


@dataclass
class World:
    seed: int
    companies: list[WorldCompany]
    directories: list[Listing]
    style: str = "classic"
    day: int = 0  # how many days on from the seed's world (sandbox.timeline)
    scale: int = 1  # K times the metros, each K times as big (build(scale=K))
    changes: list[Any] = field(default_factory=list)  # timeline.Change, day by day

    @property
    def metros(self) -> list[str]:
        return metros(self.scale)

    @cached_property
    def by_domain(self) -> dict[str, WorldCompany]:
        return {c.domain: c for c in self.companies}

    @cached_property
    def by_slug(self) -> dict[str, WorldCompany]:
        return {c.slug: c for c in self.companies}


def _slugify(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def company(rng: random.Random, metro: str, used: set[str]) -> WorldCompany:
    """A new company of ``metro`` whose slug is not in ``used`` (added to it)."""
    state, zip3, suburbs = ALL_METROS[metro]
    kind = rng.choices(list(KINDS), list(KINDS.values()))[0]
    while True:
        base = f"{rng.choice(_A)} {rng.choice(_B[kind])}"
        name = f"{rng.choice(LAST_NAMES)} {base}" if rng.random() < 0.35 else base
        slug = _slugify(name)[:24] + rng.choice(["", "pm", "co", str(rng.randint(2, 99))])
        if slug not in used:
            used.add(slug)
            break
    domain = f"{slug}.com"
    city = metro if rng.random() < 0.78 else rng.choice(suburbs)
    bias = SHOWCASE.get(metro, (0, {}))[1]
    pms = rng.choices(list(PMS_WEIGHTS), [w * bias.get(v, 1) for v, w in PMS_WEIGHTS.items()])[0]
    if kind == "hoa":
        pms = ""
    elif kind == "apartment_community":
        pms = rng.choice(["yardi", "entrata", "realpage"])
    elif kind == "vacation_rental":
        pms = ""
    portal_host = portal_url = placement = None
    if pms:
        host_t, path = PORTALS[pms]
        portal_host = host_t.format(slug=slug[:20], num=rng.randint(100000, 999999))
        portal_url = f"https://{portal_host}{path}"
        placement = rng.choice(PLACEMENTS)
    units = None if rng.random() < 0.12 else int(min(5000, max(15, rng.lognormvariate(5.3, 0.8))))
    units_phrase = rng.choice(UNIT_PHRASES).format(n=units, metro=metro) if units is not None else None
    people: list[Person] = []
    pattern = rng.choice(["{f}{last}", "{first}.{last}", "{first}", "{first}{l}"])
    for i in range(rng.randint(1, 5)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        full_name, mailbox = written_name(first, last, f"{slug}:{first} {last}")
        if any(p.full_name == full_name for p in people):
            continue
        local = mailbox_local(pattern, mailbox)
        title = rng.choice(TITLES[:6] if i == 0 else TITLES)  # every firm has someone in charge
        title = written_title(title, f"{slug}:{first} {last}")
        people.append(Person(full_name, title, f"{local}@{domain}", rng.random() < 0.5))
    return WorldCompany(
        slug=slug,
        name=name,
        domain=domain,
        kind=kind,
        metro=metro,
        city=city,
        state=state,
        zip=f"{zip3}{rng.randint(1, 99):02d}",
        street=f"{rng.randint(100, 9999)} {rng.choice(_STREETS)}",
        phone=f"({rng.randint(200, 989)}) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}",
        pms=pms,
        portal_host=portal_host,
        portal_url=portal_url,
        placement=placement,
        powered_by=(bool(pms) and rng.random() < 0.25) or (not pms and rng.random() < 0.05),
        units=units,
        units_phrase=units_phrase,
        units_page=rng.choice(["home", "about"]),
        address_place=rng.choice(["footer", "jsonld", "contact"]),
        service_areas=rng.sample([metro, *suburbs], k=rng.randint(0, 4)),
        founded=rng.randint(1975, 2020) if rng.random() < 0.7 else None,
        health=rng.choices(list(HEALTH), list(HEALTH.values()))[0],
        people=people,
        email_pattern=pattern,
    )


STYLES = ("classic", "wild")


def metros(scale: int = 1) -> list[str]:
    """The metros of a world ``scale`` times the seed's (the eight, then more real ones)."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"a sandbox scale is 1 to {MAX_SCALE}, not {scale}")
    return list(ALL_METROS)[: len(METROS) * scale]


def build(
    seed: int = 7, per_metro: tuple[int, int] = (40, 120), style: str = "classic", day: int = 0, scale: int = 1
) -> World:
    """The world of ``seed``; ``style`` wild renders the same companies the way real sites do
    (templates, phrasings, placements from :mod:`leadscout.sandbox.catalogue`); ``day`` N is that
    world N days on (:mod:`leadscout.sandbox.timeline`: day 0 is the seed's world, unchanged);
    ``scale`` K gives K times the metros, each with K times the companies, made the same way."""
    if day:
        from leadscout.sandbox.timeline import advance

        return advance(build(seed, per_metro, style, scale=scale), day)
    if style not in STYLES:
        raise ValueError(f"unknown sandbox style {style!r}; use {' or '.join(STYLES)}")
    rng = random.Random(seed)
    used: set[str] = set()
    companies: list[WorldCompany] = []
    directories: list[Listing] = []
    for metro in metros(scale):
        size = scale * (SHOWCASE[metro][0] if metro in SHOWCASE else rng.randint(*per_metro))
        local = [company(rng, metro, used) for _ in range(size)]
        companies.extend(local)
        for host in DIRECTORY_HOSTS:  # overlapping listings: each lists about 60 % of the metro
            listed = [c.slug for c in local if c.health != "dead" and rng.random() < 0.6]
            directories.append(Listing(host, metro, listed))
        pms_firms = [c.slug for c in local if c.kind == "property_manager"]
        directories.append(Listing(BLOG_HOST, metro, rng.sample(pms_firms, k=min(25, len(pms_firms)))))
    _assign_mail(seed, companies)
    directories += _forum_threads(seed, companies)
    if style == "wild":
        _assign_looks(seed, companies)
    return World(seed, companies, directories, style, scale=scale)


def _assign_looks(seed: int, companies: list[WorldCompany]) -> None:
    """A separate random stream: the wild style changes how sites read, never what is true."""
    rng = random.Random(seed * 31_337 + 5)
    for c in companies:
        c.look = make_look(rng, c.units, bool(c.pms))


def _forum_threads(seed: int, companies: list[WorldCompany]) -> list[Listing]:
    """A separate random stream, so the companies of a seed stay what they were."""
    rng = random.Random(seed * 104_729 + 3)
    threads = []
    for metro in dict.fromkeys(c.metro for c in companies):
        local = [c.slug for c in companies if c.metro == metro and c.kind == "property_manager" and c.health == "ok"]
        threads.append(Listing(FORUM_HOST, metro, rng.sample(local, k=min(8, len(local)))))
    return threads


def _assign_mail(seed: int, companies: list[WorldCompany]) -> None:
    """A second, separate random stream, so worlds made before mail existed stay identical."""
    rng = random.Random(seed * 7919 + 1)
    for c in companies:
        c.email_publishing = rng.choices(list(EMAIL_PUBLISHING), list(EMAIL_PUBLISHING.values()))[0]
        c.mail_server = rng.choices(list(MAIL_SERVERS), list(MAIL_SERVERS.values()))[0]


def generate(seed: int = 7) -> list[WorldCompany]:
    return build(seed).companies


def truth(world: World) -> dict[str, object]:
    """Ground truth for every entity, as JSON-ready data."""
    return {
        "seed": world.seed,
        "style": world.style,
        "day": world.day,
        "changes": [asdict(change) for change in world.changes],
        "companies": [asdict(c) | {"website": c.website} for c in world.companies],
        "directories": [asdict(d) for d in world.directories],
    }


def write_directory_csv(companies: list[WorldCompany], path: Path) -> int:
    """The world's property managers (look-alikes excluded) as a research-directory CSV, one row
    per person (this is what an internal research DB would know)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["name", "website", "city", "state", "pms", "units", "contact_name", "contact_title", "contact_email"]
        )
        for c in companies:
            if c.kind != "property_manager":
                continue
            base = [c.name, c.website, c.city, c.state, c.pms, "" if c.units is None else c.units]
            for person in c.people:
                writer.writerow([*base, person.full_name, person.title, person.email])
                rows += 1
    return rows
