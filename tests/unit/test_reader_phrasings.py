"""The readers on phrasings nobody wrote a pattern for: a seeded grid of the ways a site says how
much it manages (subject x verb x quantity x noun x tail) and who runs it (name x title x sentence
shape). A reader that learnt its examples instead of the language fails here."""

from __future__ import annotations

import itertools
import random

from leadscout.research.read.inspect import inspect_page
from leadscout.research.read.page import from_text
from leadscout.research.read.people import is_title

COMPANY = "Acme Property Management"
SUBJECTS = [("We", 1), ("Our team", 1), ("Acme Property Management", 3), ("The company", 3), ("Acme", 3),
            ("I", 1), ("My company", 3), ("Our firm", 3), ("Today we", 1), ("The Austin-based firm", 3)]  # fmt: skip
VERBS = ["manage", "look after", "oversee", "take care of", "currently manage", "care for", "handle", "service",
         "are responsible for", "proudly manage"]  # fmt: skip
QUANTITIES = [("1,250", 1250), ("over 500", 500), ("more than 2,300", 2300), ("nearly 800", 800), ("1.2k", 1200),
              ("five hundred", 500), ("350+", 350), ("about 900", 900), ("two thousand", 2000),
              ("roughly 1,100", 1100), ("2000", 2000)]  # fmt: skip
NOUNS = ["units", "doors", "rental homes", "properties", "residential units", "single-family homes", "homes",
         "apartment units", "rentals", "doors across the metro", "single-family and multifamily units",
         "residential and commercial properties"]  # fmt: skip
TAILS = ["", " in Austin and the surrounding area", " for local owners", " across three counties"]
SHAPES = ["Acme is a full-service firm with {q} {n} under management.", "Acme manages a {q}-unit portfolio.",
          "Acme Property Management ({q} units) serves Austin.", "With {q} {n} in our care, we know Austin.",
          "Our portfolio: {q} {n}.", "Trusted by owners of {q} {n}.", "Currently managing {q} {n} in Austin.",
          "Since 2004 we have grown to {q} {n}.", "Acme grew its portfolio to {q} {n} last year.",
          "Founded in 2004, the company now oversees {q} {n}.", "We have {q} doors across Travis County.",
          "The Dallas company, which manages {q} {n}, said Tuesday it would expand.",
          "Acme is a third-party manager of {q} {n}.", "Acme is the property manager for {q} {n} in five states.",
          "Acme, which oversees {q} {n}, named a new CEO."]  # fmt: skip


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


def _names(text: str, url: str = "", company: str = COMPANY) -> list[str]:
    """The names the readers find in ``text`` (on the page at ``url``), in order."""
    return sorted(p.full_name for p in inspect_page(text, url=url, company=company).people)


def _assert_people(cases: list[tuple[str, list[str]]], url: str = "") -> None:
    wrong = [(text, got) for text, want in cases if (got := _names(text, url)) != want]
    assert not wrong, wrong


def _assert_people_of(cases: list[tuple[str, str, list[str]]]) -> None:
    """Each text names those people of its company (each case: text, company, names)."""
    wrong = [(text[:50], got) for text, company, want in cases if (got := _names(text, company=company)) != want]
    assert not wrong, wrong


def _assert_titles(cases: list[tuple[str, str, str]]) -> None:
    """Each text gives the named person that title (on the company's own about page)."""
    wrong = []
    for text, name, title in cases:
        got = {p.full_name: p.title for p in inspect_page(text, url="https://acmepm.com/about", company=COMPANY).people}
        if got.get(name) != title:
            wrong.append((text[:60], got))
    assert not wrong, wrong


def _assert_units(cases: list[tuple[str, int | None]]) -> None:
    """Each text's lower bound within 15 % of the stated total, or none where it states none."""
    wrong = []
    for text, value in cases:
        got = inspect_page(text, company="Acme Residential").units_estimate
        if (got is None) != (value is None) or (got and value and abs(got - value) > 0.15 * value):
            wrong.append((text, got))
    assert not wrong, wrong


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
    "{n} brings twenty years in real estate to {pronoun} role as Acme's {t}.",
    "Leasing questions – {n} – 512-555-0142",
    "Acme's new {t} is {n}, who joined in 2021.",
    "Questions about a lease? Email {n} at office@acmepm.com.",
]
NOT_PEOPLE = [
    "Ask about our owner portal at Camden Ballantyne.",
    "A property manager should answer within a day, says our review of Austin firms.",
    "Written by {n}, a reporter for the Austin Business Journal.",
    "{n}, a tenant since 2019, loves the new pool.",
    "We partner with Grace Hill for training; a regional manager visits monthly.",
    "{n} has been with Greystar since 2015.",
    "According to {n}, an analyst at CBRE, rents in Austin are rising.",
]


def test_people_across_phrasings() -> None:
    rng = random.Random(22)
    misses, false = [], []
    for shape in PEOPLE_SHAPES:
        for name, title in rng.sample(list(itertools.product(NAMES, TITLES)), 8):
            text = shape.format(n=name, t=title, first=name.split()[0], pronoun=rng.choice(["his", "her", "their"]))
            got = [p.full_name.replace(".", "") for p in inspect_page(text, company=COMPANY).people]
            if got != [name.replace(".", "")]:
                misses.append((text, got))
    for shape, name in itertools.product(NOT_PEOPLE, NAMES[:3]):
        text = shape.format(n=name)
        if got := [p.full_name for p in inspect_page(text, company=COMPANY).people]:
            false.append((text, got))
    assert len(misses) <= 0.03 * len(PEOPLE_SHAPES) * 8, misses[:20]
    assert not false


# the shapes of trade press and "about us" prose; (text, the claimed units or None)
PRESS_UNITS = [
    ("Acme Residential, the region's largest operator, manages more than 80,000 units.", 80000),
    ("Founded in 1998, Acme now has 3,200 units under management.", 3200),
    ("Acme's portfolio has grown to 4,500 homes.", 4500),
    ("The firm, which manages 12,000 apartments in Texas, said rents rose.", 12000),
    ("Acme, which oversees some 6,000 units across the Southeast, hired a new CFO.", 6000),
    ("Acme ranks No. 12 on the NMHC list with 45,000 units managed.", 45000),
    ("The company's 1,200-door portfolio spans three counties.", 1200),
    ("Acme, a 3,000-unit manager based in Dallas, expanded to Houston.", 3000),
    ("The Dallas-based manager has about 9,000 units in its third-party portfolio.", 9000),
    ("Acme has grown its management portfolio from 500 units in 2010 to more than 6,000 today.", 6000),
    ("Acme has more than 1,100 residential units under its care.", 1100),
    ("Acme Residential has been managing homes since 1992 and today oversees 740 of them.", 740),
    ("My wife and I manage about 120 rental homes in Tulsa.", 120),
    ("Acme acquired 800 units from Beta Partners.", None),
    ("Greystar manages 800,000 units nationwide.", None),
    ("Each manager at Acme handles 150 doors.", None),
    ("Our average property manager oversees 95 homes, half the industry norm.", None),
    ("Our sister company, Lone Star Realty, manages 3,000 units in Dallas.", None),
    ("Acme leased up a 240-unit community in Plano.", None),
    ("Acme has 35 employees and 4 offices.", None),
    ("Acme manages 1.2 million square feet of office space.", None),
    ("Our fees start at 8% for 1-4 units.", None),
    ("Acme Property Management serves 120 property owners.", None),
    ("Acme manages 45 community associations.", None),
    ("I started Acme with three rentals of my own; today we manage more than 300.", 300),
    ("Acme currently has 1,200 single-family and multifamily units under management.", 1200),
    ("Why choose Acme? Local owners trust us with more than 650 homes, and 98% renew every year.", 650),
    ("At 1,500 units and growing, Acme is the largest locally owned manager in Boise.", 1500),
    ("From one duplex in 2006 to 950 doors today.", 950),
    ("Acme manages the property's 212 units.", None),
    (
        "Tyler and I worked at Edward Rose & Sons, which has developed 65,000 apartments and now owns 57,000 "
        "apartments.",
        None,
    ),
    (
        "As of December 31, 2020, the company owned 300 apartment communities containing 10,490 apartment units. It is "
        "the largest owner of apartments in the state.",
        10490,
    ),
    ("Acme oversees about 3,400 units of public housing for the Chicago Housing Authority.", None),
    ("Acme manages 1,400 homes for Travis County families.", 1400),
    ("Acme oversees over 2,000 homes with 70% of its owners living out of state.", 2000),
    ("Acme Residential is among the largest landlords in Ohio. And they have more than 9,000 units nationwide.", 9000),
    ("When the ice storm hit, all 140 of my rentals lost power.", 140),
    ("Tenants in 60 of Acme Residential's 400 homes reported mold.", 400),
    ("We currently manage a portfolio of 700+ residential, apartment and commercial units in Ohio.", 700),
    ("Acme Residential owns 3,600 units in the city. Acme Residential owns 8,000 rental units nationwide.", 8000),
    ("Acme Residential owns the park. The park is in Vero Beach and has over 400 homes on its 70-acre site.", None),
]
PRESS_PEOPLE = [
    ("Jane Morrow, who founded Acme in 1999, still signs every lease.", ["Jane Morrow"]),
    ("The company is run by husband-and-wife team Mark and Julie Tran.", ["Julie Tran", "Mark Tran"]),
    ("Brothers Paul and Eric Jensen bought the business in 2012.", ["Eric Jensen", "Paul Jensen"]),
    ("The agency was formed by two local investors, Mike Brennan and Lisa Cho.", ["Lisa Cho", "Mike Brennan"]),
    ('Elizabeth "Liz" Warren, Office Manager', ["Elizabeth Warren"]),
    (
        "export const TEAM = [{name: 'Dana Whitt', role: 'Leasing Manager', img: '/d.jpg'}, "
        "{name: 'Luis Ortega', title: 'Maintenance Supervisor'}];",
        ["Dana Whitt", "Luis Ortega"],
    ),
    ("According to Jane Morrow, Acme's director of operations, vacancies fell.", ["Jane Morrow"]),
    ("I'm Jane Morrow, owner of Acme.", ["Jane Morrow"]),
    ("Jane Morrow (Broker/Owner) and Tom Morrow (Maintenance Director) run the office.", ["Jane Morrow", "Tom Morrow"]),
    ("Our founder, Jane Morrow, grew up in Austin. She bought her first rental at 22.", ["Jane Morrow"]),
    ("Luis Ortega and Dana Whitt co-own Acme.", ["Dana Whitt", "Luis Ortega"]),
    ("Questions about your account? Dana Whitt, our bookkeeper, can help.", ["Dana Whitt"]),
    ("Dana Whitt Property Manager Dana has managed homes in Tulsa since 1998.", ["Dana Whitt"]),
    ("Meet Dana Whitt, Director of Property Management.", ["Dana Whitt"]),
    (
        "Team: Dana Whitt Property Management Director and Luis Ortega Maintenance Supervisor.",
        ["Dana Whitt", "Luis Ortega"],
    ),
    ("Thanks to John Smith of Beta Realty for the referral.", []),
    ("Jane Morrow, a tenant at Oak Court, said the repairs were fast.", []),
    ("Mayor Steve Adler spoke at our ribbon cutting.", []),
]


def test_press_shapes() -> None:
    wrong_units = []
    for text, value in PRESS_UNITS:
        got = inspect_page(text, company="Acme Residential").units_estimate
        if (got is None) != (value is None) or (got and value and abs(got - value) > 0.15 * value):
            wrong_units.append((text, got))
    wrong_people = [(text, got) for text, want in PRESS_PEOPLE if (got := _names(text)) != want]
    assert not wrong_units and not wrong_people, (wrong_units, wrong_people)


# who belongs to another organisation, whatever the shape of the line; and roles said in ways the
# patterns above do not spell (appointments, "one of our", functions named like organisations)
PEOPLE_ELSEWHERE_AND_ROLES = [
    ("Ruth Okafor, president of the Valley Landlord Association, spoke first.", []),
    ("“Demand is soft,” said Ruth Okafor, CEO of rival Summit Realty Group.", []),
    ("Ruth Okafor, founder of the consulting firm Growth Coach, led the workshop.", []),
    ("For leaks we call Ruth Okafor, owner of Okafor Plumbing.", []),
    ("Guest post by Ruth Okafor, a real estate attorney in Denver.", []),
    ("Reviewed by Ruth Okafor: the leasing agent was quick to reply.", []),
    ("Ruth Okafor, manager of the downtown Denver office, hires our agents.", ["Ruth Okafor"]),
    ("Ruth Okafor, Director of Affordable Housing", ["Ruth Okafor"]),
    ("Ruth Okafor was promoted to chief operating officer last spring.", ["Ruth Okafor"]),
    ("Ruth Okafor is one of our leasing specialists.", ["Ruth Okafor"]),
    ("Acme has hired Ruth Okafor as its new director of client relations.", ["Ruth Okafor"]),
    ("Ruth Okafor, Transaction Coordinator", ["Ruth Okafor"]),
    ("Ruth Okafor, Make Ready Technician", ["Ruth Okafor"]),
    ("Ruth Okafor\nBroker at Summit Realty Group", []),
    ("Ruth Okafor\nCommunity Manager at Maple Ridge", ["Ruth Okafor"]),
    ("“Demand is strong,” said Ruth Okafor, chief economist at RealPage.", []),
    ("Acme was represented by CBRE's Ruth Okafor and Ryan Lee.", []),
    ("The seller, Beta Partners, was led by managing partner Ruth Okafor.", []),
    ("Ruth Okafor, who owns three rentals in Round Rock, hired Acme in 2020.", []),
    ("Ruth Okafor, a spokesperson for Acme, declined to comment.", ["Ruth Okafor"]),
    ("Ruth Okafor, executive director of the state agency that owns the complex, declined to comment.", []),
    ("Ruth Okafor, director of the county housing department, praised the staff.", []),
    ("Ruth Okafor, president of the company, praised the staff.", ["Ruth Okafor"]),
]


def test_people_of_other_organisations_and_said_roles() -> None:
    _assert_people(PEOPLE_ELSEWHERE_AND_ROLES)


# whose count, and whether it is a holding: units given up, a count's parts, a spread of sizes, a
# per-person load, how often the work is done, and text left out ("…") between two sentences
UNIT_HOLDINGS = [
    ("Acme will stop managing 120 homes on Elm Street when the contract ends.", None),
    ("Acme Residential will cease management of 240 units for the county.", None),
    ("Acme manages 1,900 homes, including houses Acme owns and houses it manages for others.", 1900),
    ("We work with buildings from 4 to 250 units.", None),
    ("Our managers each look after about 140 doors.", None),
    ("Each of our managers oversees 90 homes.", None),
    ("We collect rent on more than 700 homes every month.", 700),
    ("There are 820 homes in our management program today.", 820),
    ("Acme, with a 3,000-plus unit portfolio, is the largest local manager.", 3000),
    ("Across our three offices we manage 1,150 homes.", 1150),
    ("Acme serves 400 owners and 1,020 rental units.", 1020),
    ("Acme oversees 2,000 units. … Officials said Acme will end its contract for 300 units.", 2000),
]


def test_unit_holdings() -> None:
    _assert_units(UNIT_HOLDINGS)


# a role given further on in the page, by the name again or in the speaker's own words
PEOPLE_NAMED_LATER = [
    ("Dana Whitt remembers her first duplex.\n\nToday Whitt, who is president of Acme, says so.", ["Dana Whitt"]),
    ("Dana Whitt remembers her first duplex.\n\nWhitt is now president of Summit Realty Group.", []),
    ("Dana Whitt wrote in.\n\nWhitt is a tenant of ours.", []),
    ("My name is Dana Whitt. I'm the broker here at Acme.", ["Dana Whitt"]),
    ("Hello, this is Dana Whitt. I started Acme Property Management in 2009.", ["Dana Whitt"]),
    ("I'm Dana Whitt. I own a duplex on Elm Street.", []),
    ("Our 2021 Chapter President, Dana Whitt, opened the meeting.", []),
    ("Our tenants adore Dana Whitt, our leasing manager.", ["Dana Whitt"]),
]


def test_people_named_later() -> None:
    _assert_people(PEOPLE_NAMED_LATER)


# units another firm manages for the speaker, or that a few named properties contain, are not a portfolio
UNITS_NOT_THE_PORTFOLIO = [
    ("Acme Residential manages 312 units at The Palms, a senior community in Largo.", None),
    ("We manage 500 units at Oak Court and Pine Ridge.", None),
    ("Acme Residential manages 3,000 units at Acme Residential's three offices.", 3000),
    ("I owned 40 rentals in two cities with two separate property managers, and it was a mess.", None),
    ("We had 12 doors spread across three different PMs before we switched.", None),
    ("Acme Residential will keep running the Oak Court and Elm Row complexes, which contain a total of 410 units.",
     None),
    ("Acme Residential manages 3,200 units; its portfolio comprises over 3,200 homes.", 3200),
    ("We manage 900 units with a team of 12 property managers.", 900),
    ("Greystar, the nation's largest manager with 800,000 units, competes with Acme Residential.", None),
    ("The deal brings Acme Residential's Ohio portfolio to 9,300 units and its total unit count to 50,000 units, "
     "with 4,130 units added.", 50000),
    ("Acme Residential provides management services for 30,000 units owned by third parties.", 30000),
    ("Acme Residential manages more than 2.5 million units across more than 12,000 communities.", 2_500_000),
    ("We charge 10% of collected rent on properties with 1-4 units.", None),
    ("We proudly manage over a thousand homes in Phoenix.", 1000),
    ("Our portfolio has grown 20% to 960 units this year.", 960),
    ("Acme Residential manages just under 400 doors.", 360),
    ('<div class="stat"><div class="counter" data-count="640">0</div><p>Properties Managed</p></div>', 640),
    ('<div class="stat"><span class="num" data-to="1200">0</span>+ <span>Doors Managed</span></div>', 1200),
]  # fmt: skip


def test_units_not_the_portfolio() -> None:
    _assert_units(UNITS_NOT_THE_PORTFOLIO)


# a portfolio told in properties, then again in finer units: the finer count is the size
UNITS_RESTATED = [
    ("Acme Residential now manages 35 communities across Texas, more than 6,100 apartment homes.", 6100),
    ("Acme Residential operates 12 student properties housing about 9,000 students near campuses.", 9000),
    ("Acme Residential manages 20 buildings with 1,450 units in Dallas.", 1450),
    ("Acme Residential manages 20 buildings, 3 of them downtown.", 20),
    ("Acme Residential manages 20 buildings serving 900 students.", 20),
]  # fmt: skip


def test_units_restated() -> None:
    wrong = []
    for text, value in UNITS_RESTATED:
        got = inspect_page(text, company="Acme Residential").units_estimate
        if got is None or abs(got - value) > 0.15 * value:
            wrong.append((text, got))
    assert not wrong, wrong


# surnames that are also place words, a couple sharing a surname, an announced promotion
PEOPLE_PROSE_MORE = [
    ("Our office manager Linda Park keeps everything running.", ["Linda Park"]),
    ("Linda Park, our bookkeeper, sends owner statements.\nShe started at Madison Park in 2019.", ["Linda Park"]),
    ("Congratulations, Mike!\n(Reagan Park)\nWithin two weeks of starting at Reagan Park, our director left.", []),
    ("Owned and operated by husband-and-wife team Eric and Dana Fulton, Acme has served Boise since 2008.",
     ["Dana Fulton", "Eric Fulton"]),
    ("Acme Property Management today announced the promotion of Kelly Brandt to regional manager.", ["Kelly Brandt"]),
    ("The Apartment Association's president, Gary Holt, praised the bill.", []),
    ("Acme hired Beth Long, formerly of Greystar, as its vice president of operations.", ["Beth Long"]),
    ("Meet Alan Price\n\nAlan founded Acme in 1999 and serves as its president.", ["Alan Price"]),
    ("Alan Price has led Acme since 2005.", ["Alan Price"]),
    ("Alan Price and his wife, Joan Price, own Acme Property Management.", ["Alan Price", "Joan Price"]),
    ("“Growth is good,” said René D. Wineland, Acme vice president, management services.", ["René D. Wineland"]),
    ("“Growth is good,” said René D. Wineland, Greystar vice president, management services.", []),
    ("Ryan Perez, executive vice president, Capital Square Living, agreed.", []),
    ("“It evolved,” notes Marla Maloney, executive vice president & head of operations for Cassidy Turley.", []),
    ("“Be flexible,” notes Thomas Kruggel, senior vice president of operations for Acme’s western region.",
     ["Thomas Kruggel"]),
    ("The owner apologized, Police Chief Wilmon Smith said.", []),
    ("The buildout led by Delaware Building Systems makes me proud.", []),
    ("The property owners, The Day Companies, are landlords. The buildout by Building Systems was great.", []),
    ('<p>"Acme made renting easy!"</p><p>- Karen Wells, Owner</p>', []),
    ("<p>“You never know what the day may bring.”</p><p>– Danitza Diaz, Senior Property Manager, Acme</p>",
     ["Danitza Diaz"]),
    ("<h3>Sarah Lin</h3><p>Sarah joined Acme in 2012 and became our general manager in 2018.</p>", ["Sarah Lin"]),
]  # fmt: skip


def test_people_in_more_prose() -> None:
    _assert_people(PEOPLE_PROSE_MORE)


# an address is no name; a lawyer, a charity's or an association's people are not the company's
PEOPLE_NOT_OURS_MORE = [
    ("Maria Delgado, our general manager, works from 406 E. Green St. in Champaign.", ["Maria Delgado"]),
    ("Priya Raman, leasing manager at Acme, 1240 Blue Grass Road, expects a full fall.", ["Priya Raman"]),
    ("In 2015 Lauren Beck founded Acme Property Management.", ["Lauren Beck"]),
    ("The tenants are suing, said attorney Bob Levin, against the management company.", []),
    ("“Management is hard,” says Irene Baldwin, executive director of the Association for Neighborhood and "
     "Housing Development, a nonprofit.", []),
    ("“We help,” said Greystar regional manager Tomas Ruiz.", []),
    ("“We help,” said Columbia Fire Department spokesman Brad Fraizer.", []),
    ("“We help,” said Acme leasing manager Tomas Ruiz.", ["Tomas Ruiz"]),
]  # fmt: skip
# what one manager can carry, said in general, is no firm's count
UNITS_GENERIC_LOAD = [
    ("A commonly cited benchmark suggests that a property manager can effectively oversee between 100 to 200 "
     "residential units.", None),
    ("A single property manager can typically handle 50 to 75 doors using manual processes.", None),
    ("A leading property manager in Austin, Acme Residential manages 1,400 units.", 1400),
    ("One experienced manager will usually carry 150 doors. Acme Residential manages 2,300 units.", 2300),
    ("Last year Acme Residential raised its units under management by nearly 60 percent to 14,200.", 14200),
    ("The deal lifted our doors to more than 900.", 900),
    ("Acme Residential's portfolio, which includes 2,750 apartment homes, spans four states.", 2750),
    ("Acme Residential runs 18 apartment complexes in the District.", 18),
    # many firms' count together is none of them
    ("This year's list includes 50 firms with a combined 3.05 million units under management.", None),
    ("The chapter represents 19 property management firms managing over 5000 housing units.", None),
    ("Acme Residential, one of 50 firms on the list, manages 12,000 units.", 12000),
]  # fmt: skip


def test_people_not_ours_more() -> None:
    _assert_people(PEOPLE_NOT_OURS_MORE)


def test_units_generic_load() -> None:
    _assert_units(UNITS_GENERIC_LOAD)


# a name no lexicon knows, a headline's name and verb, and the titles of the trade beyond the office's
PEOPLE_UNKNOWN_NAMES_AND_TITLES = [
    ("Okonkwo Adebayo-Riel, Acme's COO of Residential Management, added that the year was strong.",
     ["Okonkwo Adebayo-Riel"]),
    ("Alongside our partner, Cadillac Fairview, we look forward to growth.", []),
    ("Acme Property Management Franchisee Lowell Richardson Expanded Into Long-Term Rentals", ["Lowell Richardson"]),
    ("Dana Whitfield, our Leasing Associate, shows homes on weekends.", ["Dana Whitfield"]),
    ("Marco Ruiz, Maintenance Tech, keeps every unit ready.", ["Marco Ruiz"]),
    ("Questions about your stay? Ask Jenna Holt, our Reservations Manager.", ["Jenna Holt"]),
]  # fmt: skip


def test_people_with_unknown_names_and_trade_titles() -> None:
    _assert_people(PEOPLE_UNKNOWN_NAMES_AND_TITLES)


def test_bylines_name_staff_on_the_company_own_site_only() -> None:
    """An author of the company's own blog works there (no role unless the byline gives one); a
    news site's author is a reporter, and a reprinted article's reporter is no staff either."""
    post = "Rental Market Overview\n\nMendell Gosnell - Friday, May 22, 2015\n\nRents rose again this spring."
    signed = "Do Not Take Owners for Granted\n\nWritten by Susan Bailey, MS\n\nI work for a management company."
    reprint = "Acme saw record growth\n\nBy: Melody Simmons, Reporter\n\nThe waffle station opened early."

    assert _names(post, "https://www.acmepm.com/blog/rental-market") == ["Mendell Gosnell"]
    assert _names(signed, "https://acme.home.blog/2021/11/01/owners") == ["Susan Bailey"]
    assert _names(post, "https://www.dailynews.com/2015/05/22/rents") == []
    assert _names(reprint, "https://www.acmepm.com/news/growth") == []


def test_a_person_at_another_named_property_is_not_ours_off_our_own_site() -> None:
    """A paper's round-up of landlords names managers of other complexes: not the company's people.
    On the company's own site a manager at one of its properties is its own."""
    roundup = ("Acme Property Management expects a full fall. Jill Simons, manager at Tallgrass Apartments, "
               "does not expect a change. Joey Trapani, property manager of 2040 Lofts, agrees.")  # fmt: skip
    ours = "Jill Simons, manager at Tallgrass Apartments, has been with us since 2015."
    named_together = "Jill Simons, Acme's manager at Tallgrass Apartments, does not expect a change."

    assert _names(roundup, "https://www.cm-life.com/article/2011/03/occupancy") == []
    assert _names(ours, "https://www.acmepm.com/team") == ["Jill Simons"]
    assert _names(named_together, "https://www.cm-life.com/article/2011/03/occupancy") == ["Jill Simons"]


def test_a_title_said_of_the_block_is_no_officials() -> None:
    text = ("The owner of the complex has issued an apology and agreed to reimburse the city, "
            "Police Chief Wilmon Smith said.")  # fmt: skip
    assert inspect_page(text, company="Summit Apartments").people == []


def test_a_title_the_grammar_gives_one_name_is_not_the_nearer_name_s() -> None:
    text = ("Elizabeth Francisco sits down with Multifamily trailblazer and Director of Strategic Operations "
            "for Acme Property Management, Kelli Dowdney, to discuss preparedness.")  # fmt: skip
    assert [p.full_name for p in inspect_page(text, company=COMPANY).people] == ["Kelli Dowdney"]


# a firm named before a title, a takeover, a byline signed below, and what ends the words about a name
PEOPLE_FIRMS_AND_DEEDS = [
    ("“Leasing is strong,” Greystar Senior Vice President of University Partnerships Jared Everett said.", []),
    ("“We help,” said Joanne Lockridge, Acme Senior Vice President-Finance.", ["Joanne Lockridge"]),
    ("“We help,” said Joanne Lockridge, Greystar Senior Vice President-Finance.", []),
    ("In 1982, the company was taken over by Michael Kerr, grandson of its founder.", ["Michael Kerr"]),
    ("Acme rents 470 cabins, 27 of them owned by the Fosters and the rest by others.", []),
    ("“The team at Berkadia led by our good friends Ernie Katai and Justin Wheeler performed flawlessly.”", []),
    ("Per Lori Martin, Regional Manager at Acme Property Management, the year was good.", ["Lori Martin"]),
    ("G. Thomas Borger, Chairman testified at the Public Hearing for the DC Tax Revisions Commission.",
     ["G. Thomas Borger"]),
    ("Congratulations to Aaron Rumpf, our first Property Manager of the Quarter.", ["Aaron Rumpf"]),
]  # fmt: skip


def test_people_of_firms_named_before_titles_and_of_deeds() -> None:
    _assert_people(PEOPLE_FIRMS_AND_DEEDS)


def test_a_byline_signed_below_with_a_title_and_the_company_is_its_person_on_any_site() -> None:
    text = "By: Troy Smith\nAccountant & Leasing Agent\nAcme Property Management\nOwners often believe they are done."
    found = inspect_page(text, url="https://www.asreb.com/2021/10/owners", company=COMPANY).people
    assert [(p.full_name, p.title) for p in found] == [("Troy Smith", "Accountant & Leasing Agent")]
    other = inspect_page(text, url="https://www.asreb.com/2021/10/owners", company="Beta Realty").people
    assert other == []


# the company called by a short name or by what it is, counts coordinated and told after their noun
UNITS_SHORT_NAMES_AND_SHAPES = [
    ("The 40-plus-year-old company acquires, rehabilitates, builds and manages more than 22,000 rental units.",
     22000),
    ("Acme Residential was in the news. The family-owned firm manages 1,300 homes in three counties.", 1300),
    ("The empire had grown to 100 properties and 18,000 total units across 10 states.", 18000),
    ("Acme Residential has $4 billion in assets. More than 8,000 housing units, four hotels and nearly 1 million "
     "square feet of commercial space make up its portfolio.", 8000),
    ("Acme Residential now owns 42 affordable housing properties. They combine for nearly 7,000 units.", 7000),
    ("Acme Residential acquired Beta Realty, which manages 500 units.", None),
    ("Acme Residential, which acquired Beta Realty and Gamma Apartment Communities last year, increasing its units "
     "under management by nearly 60 percent to 14,300, ranks fourth.", 14300),
]  # fmt: skip


def test_units_by_short_names_and_shapes() -> None:
    _assert_units(UNITS_SHORT_NAMES_AND_SHAPES)


def test_the_company_called_by_its_acronym_or_its_alias() -> None:
    def units(text: str, company: str) -> int | None:
        return inspect_page(text, company=company).units_estimate

    assert units("BMC, meanwhile, owns 5,200 apartments across 14 Denver-area complexes.", "BMC Investments") == 5200
    alias = "Community Properties of Ohio Management Services (CPO)"
    assert units("CPO manages 1,500 units, including the original portfolio (982 units).", alias) == 1500
    assert units("CPO manages 1,500 units.", "Community Properties of Ohio Management Services") is None


def test_a_person_the_company_sets_the_scene_for_or_whose_company_it_is() -> None:
    scene = "Every player matters. At Acme Property Management, Stan Harrelson, 48, makes sure his team is equipped."
    assert _names(scene) == ["Stan Harrelson"]
    assert _names(scene, company="Beta Realty") == []
    story = ("This week we talked with Stephanie Gordon. Stephanie has used our software for years. "
             "Her company, Acme Property Management, leads the San Francisco market.")  # fmt: skip
    assert _names(story) == ["Stephanie Gordon"]
    assert _names(story, company="Beta Realty") == []


# the role said a clause or a sentence later, by the given name
PEOPLE_ROLE_LATER = [
    ("At Acme Property Management, Dana Whitfield sets the pace. Dana opened the firm in 2009 and today serves "
     "as its Principal Broker.", [("Dana Whitfield", "Principal Broker")]),
    ("Many owners first meet Dana Whitfield when they call. As Tenant Placement Specialist, Dana handles the "
     "details.", [("Dana Whitfield", "Tenant Placement Specialist")]),
    ("Since 2014, Dana Whitfield has served as Acme Property Management's Director of Operations.",
     [("Dana Whitfield", "Director of Operations")]),
]  # fmt: skip


def test_people_whose_role_is_said_later() -> None:
    wrong = [
        (text, got)
        for text, want in PEOPLE_ROLE_LATER
        if (got := [(p.full_name, p.title) for p in inspect_page(text, company=COMPANY).people]) != want
    ]
    assert not wrong, wrong


# how owner-facing pages state a portfolio, and the loads, shares and spreads that are none
UNITS_OWNER_PAGES = [
    ("Join the 300+ owners who trust us with over 1,100 homes.", 1100),
    ("Our team currently oversees a portfolio of 640 single-family homes and 85 multifamily buildings.", 640),
    ("Acme Residential manages more than $500 million in real estate, including 2,400 apartment units.", 2400),
    ("We're proud to manage 1,500+ doors across the Triangle.", 1500),
    ("Doors under management: 1,850", 1850),
    ("Units under management — 860", 860),
    ("1,850 doors under management", 1850),
    ("Managing 450+ properties since 2006", 450),
    ("Over 700 properties managed", 700),
    ("We look after approximately 3,000 units for 400 owners.", 3000),
    ("Acme Residential's portfolio has grown to more than 5,000 units.", 5000),
    ("Our portfolio spans 62 communities and 9,800 apartment homes.", 9800),
    ("With a portfolio of nearly 1,000 rental homes, we know the market.", 1000),
    ("Currently, we manage in excess of 800 units.", 800),
    ("Acme Residential now manages upwards of 2,000 units.", 2000),
    ("The firm has roughly 1,200 doors under management.", 1200),
    ("Our property managers oversee a combined 2,300 units.", 2300),
    ("We have 14 property managers, each handling about 120 doors.", None),
    ("Acme Residential manages well over 900 homes.", 900),
    ("Acme Residential, which manages north of 1,000 units, opened an office in Waco.", 1000),
    ("The company's 1,100-home portfolio spans three counties.", 1100),
    ("Acme Residential has a portfolio totaling 3,200 units.", 3200),
    ("We currently have 425 homes under management in Travis County.", 425),
    ("Our clients trust us with 380 rental properties.", 380),
    ("Acme Residential is responsible for more than 6,000 apartment homes in 40 communities.", 6000),
    ("Property owners rely on us: 1,200 homes and counting.", 1200),
    ("My company looks after 95 single-family rentals.", 95),
    ("I personally manage 60 doors.", 60),
    ("We've grown from 12 homes in 2010 to 870 today.", 870),
    ("Acme Residential manages 2.3k units.", 2300),
    ("Acme Residential manages twelve hundred homes.", 1200),
    ("We serve 250 owners with a total of 600 units.", 600),
    ("Acme Residential added 400 units this year, bringing its portfolio to 3,100.", 3100),
    ("Acme Residential added 400 units in the acquisition.", None),
    ("We manage properties ranging from 4 to 400 units.", None),
    ("Our average manager handles 150 doors.", None),
    ("Acme Residential has 25 years of experience and 4,000 five-star reviews.", None),
    ("Rent collected on time: 98% of our 1,400 units.", 1400),
]  # fmt: skip


def test_units_as_owner_pages_state_them() -> None:
    _assert_units(UNITS_OWNER_PAGES)


# how about and team pages say who runs the firm, and the people they name who are no staff
PEOPLE_ABOUT_PAGES = [
    ("John Smith, Owner & Broker, has over 20 years of experience.", ["John Smith"]),
    ("Founded by Maria Lopez in 2005, Acme has grown steadily.", ["Maria Lopez"]),
    ("Maria Lopez founded Acme in 2005.", ["Maria Lopez"]),
    ("Our founder, Maria Lopez, believes in service.", ["Maria Lopez"]),
    ("Maria Lopez is the founder and principal broker of Acme.", ["Maria Lopez"]),
    ("Led by CEO Maria Lopez, Acme manages homes across Texas.", ["Maria Lopez"]),
    ("Under the leadership of President Tom Reed, the firm doubled in size.", ["Tom Reed"]),
    ("Tom Reed leads the company as president.", ["Tom Reed"]),
    ("Husband-and-wife team Mark and Julie Tran own and operate Acme.", ["Julie Tran", "Mark Tran"]),
    ("Acme is family owned and operated by Bill and Susan Gray.", ["Bill Gray", "Susan Gray"]),
    ("Bill Gray (Broker/Owner) and Susan Gray (Office Manager) run the office.", ["Bill Gray", "Susan Gray"]),
    ("Contact our property manager, Jessica Hale, at 512-555-0101.", ["Jessica Hale"]),
    ("Questions? Email Jessica Hale, Director of Operations, at jessica@acme.com.", ["Jessica Hale"]),
    ("Jessica Hale brings 15 years of experience to her role as Director of Operations.", ["Jessica Hale"]),
    ("Jessica Hale has been with Acme since 2012, first as a leasing agent and now as property manager.",
     ["Jessica Hale"]),
    ("Owner and operator Dave Kim started Acme in 1998.", ["Dave Kim"]),
    ("Dave Kim — Owner", ["Dave Kim"]),
    ("The company's president, Dave Kim, said business is strong.", ["Dave Kim"]),
    ("“We treat every home like our own,” says owner Dave Kim.", ["Dave Kim"]),
    ("“We treat every home like our own,” says Dave Kim, who owns Acme.", ["Dave Kim"]),
    ("Dave Kim, who co-founded Acme with his brother Sam Kim in 2001, still signs every lease.",
     ["Dave Kim", "Sam Kim"]),
    ("Broker-in-charge: Dave Kim", ["Dave Kim"]),
    ("A note from our CEO, Dave Kim", ["Dave Kim"]),
    ("Dave Kim holds the CPM designation and serves as Acme's vice president.", ["Dave Kim"]),
    ("Before founding Acme in 2010, Dave Kim worked as a leasing agent for Greystar.", ["Dave Kim"]),
    ("Dave Kim, CPM, is the managing partner.", ["Dave Kim"]),
    ("The Kim family has owned Acme since 1975; today Dave Kim is its third-generation president.", ["Dave Kim"]),
    ("Dave Kim took the helm as CEO in 2019.", ["Dave Kim"]),
    ("Dave Kim was named chief operating officer in March.", ["Dave Kim"]),
    ("Acme promoted Dave Kim to vice president of property management.", ["Dave Kim"]),
    ("Say hello to Priya Shah, the newest member of our leasing team.", ["Priya Shah"]),
    ("Priya Shah joined Acme as a leasing consultant in 2021.", ["Priya Shah"]),
    ("Our office is run by Priya Shah, who keeps everything moving.", ["Priya Shah"]),
    ("Tenants rave about Priya Shah, our resident services coordinator.", ["Priya Shah"]),
    ("“Acme is wonderful,” said tenant Priya Shah.", []),
    ("Photo by Priya Shah.", []),
    ("Written by Priya Shah, a freelance writer.", []),
    ("Priya Shah, a real estate attorney, advises landlords.", []),
    ("Mayor Priya Shah praised the new complex.", []),
]  # fmt: skip


def test_people_as_about_pages_name_them() -> None:
    _assert_people([(text, sorted(want)) for text, want in PEOPLE_ABOUT_PAGES])


# on a company's own pages: clients, tenants, officials, other firms' people and names that are no one's
PEOPLE_NOT_STAFF_ON_OUR_PAGES = [
    ("<blockquote>“Acme made renting easy!”</blockquote><p>— Karen Wells, Homeowner</p>", []),
    ("<blockquote>“Best management company in Austin.”</blockquote><p>– Robert Chen, Property Owner</p>", []),
    ("<p>Photo courtesy of John Smith Photography.</p>", []),
    ("<p>We sponsor the John Smith Memorial Scholarship every year.</p>", []),
    ("<p>Our office is located at 400 John Smith Blvd.</p>", []),
    ("<p>We proudly support the Austin Board of Realtors and its president, Jane Doe.</p>", []),
    ("<p>Jane Doe, a tenant at Maple Ridge, said the repairs were quick.</p>", []),
    ("<p>Listing agent Jane Doe of Keller Williams brought us the buyer.</p>", []),
    ("<p>Congratulations to our client Jane Doe on her new purchase!</p>", []),
    ("<p>Jane Doe, who rented from us for six years, just bought her first home.</p>", []),
    ("<p>Our thanks to Mayor Steve Adler for attending the ribbon cutting.</p>", []),
    ("<p>“Acme handled everything,” says owner-investor Mark Lee, who owns six rentals in Round Rock.</p>", []),
    ("<h3>Testimonials</h3><p>“Responsive and honest.”</p><p>Maria G.</p><p>“They found a tenant in a week.”</p>"
     "<p>Tom Baker</p>", []),
    ("<p>Acme is a proud member of NARPM, whose national president, Jane Doe, spoke at our event.</p>", []),
    ("<p>Guest post by Jane Doe of RentPrep.</p>", []),
    ("<p>Jane Doe, our Leasing Manager, and Tom Baker, a resident at Oak Park, planted the garden.</p>", ["Jane Doe"]),
    ("We thank Acme Property Management and its president, Jane Doe, for the support.", ["Jane Doe"]),
]  # fmt: skip


def test_people_on_our_pages_who_are_no_staff() -> None:
    _assert_people(PEOPLE_NOT_STAFF_ON_OUR_PAGES, url="https://acmepm.com/about")


def test_titles_of_the_trade_read_as_titles_and_surnames_stay_names() -> None:
    from leadscout.research.read.people import is_name, is_title

    titles = ["Leasing Associate", "Maintenance Tech", "Maintenance Technician II", "Franchisee", "Housekeeper",
              "Reservations Manager", "Qualifying Broker", "Tenant Placement Specialist", "Assoc. Broker", "LCAM",
              "Occupancy Specialist", "Deputy Director", "AR Specialist", "Leasing Professional"]  # fmt: skip
    assert [t for t in titles if not is_title(t)] == []
    assert [n for n in ("Jane Porter", "Tom Baker", "Ann Marshall") if not is_name(n)] == []


# vacation-rental stock, counts restated in parentheses, 'portfolio now includes', an elliptic modal, any firm
UNITS_RENTAL_STOCK_AND_GENERAL_FIRMS = [
    ("Acme Residential has over 300 luxury log cabins in the heart of the Smoky Mountains.", 300),
    ("Acme Residential grew again. Acme said its portfolio now includes 1,000 vacation rentals in three states.", 1000),
    ("This philosophy guides our oversight of more than 80 properties (representing nearly 7,000 rental units) "
     "on a daily basis.", 7000),
    ("We wasted no time in doing what we could to secure the 300 homes in our inventory.", 300),
    ("Acme Residential manages twenty properties across three states, including approximately 1,000 rental units "
     "in Philadelphia.", 20),
    ("A property management company that manages 500 units in a year has 500 years of knowledge.", None),
    ("A family-owned company that manages 500 homes, Acme Residential opened in 1998.", 500),
]  # fmt: skip


def test_units_of_rental_stock_and_of_firms_in_general() -> None:
    _assert_units(UNITS_RENTAL_STOCK_AND_GENERAL_FIRMS)


def test_sign_offs_dated_bylines_and_titles_of_its_own() -> None:
    def people(text: str, url: str, company: str = COMPANY) -> list[tuple[str, str | None]]:
        return [(p.full_name, p.title) for p in inspect_page(text, url=url, company=company).people]

    signed = "I hope you have a safe and wonderful weekend!\n~Janna Bauernfeind\nOffice Manager"
    assert people(signed, "https://www.acmepm.com/blog/repairs") == [("Janna Bauernfeind", "Office Manager")]
    dated = "Jamie Gurrath • October 15, 2025\nAs winter approaches, owners face challenges."
    assert people(dated, "https://www.daypropertymanagement.com/winter", "Day Property Management") == [
        ("Jamie Gurrath", None)
    ]
    review = "“Acme made renting easy!”\n– Karen Wells"
    assert people(review, "https://www.acmepm.com/reviews") == []
    gm = "Recently, their GM/VP Gregory J. Rice released a statement about an office in Baltimore."
    assert people(gm, "https://acme.newswire.com/news") == [("Gregory J. Rice", "GM/VP")]


# people the text ties to the company with no role said: the firm's namesake, a new team member, a bio card, a
# bare staff list on its own site; and their look-alikes (a namesake tenant, another firm's team, a list elsewhere)
PEOPLE_TIED_WITHOUT_A_ROLE = [
    ("Acme Property Management mourns the death of Robert Acme in February.", ["Robert Acme"], ""),
    ("Following the storm of 1954, State Senator Dick Acme saw the need for professional management.",
     ["Dick Acme"], ""),
    ("The latest addition to the Acme team, Diana Romero, knows how to strut her stuff.", ["Diana Romero"], ""),
    ("Our newest team member, Diana Romero, started on Monday.", ["Diana Romero"], ""),
    ("Diana Romero joins the Acme office this month.", ["Diana Romero"], ""),
    ("<h2>Meet the team</h2><h3>Jane Doe</h3><p>Jane has been with us since 2010 and loves helping owners.</p>",
     ["Jane Doe"], "https://acmepm.com/team"),
    ("<h3>Jane Doe</h3><p>She joined Acme in 2015 and handles every move-in.</p>", ["Jane Doe"],
     "https://news.example.com/story"),
    ("<h2>Our Staff</h2><ul><li>Jane Doe</li><li>Mark Stone</li><li>Ellen Park</li></ul>",
     ["Ellen Park", "Jane Doe", "Mark Stone"], "https://acmepm.com/staff"),
    ("Jane Acme, a tenant at Maple Ridge, said the repairs were quick.", [], ""),
    ("Written by Robert Acme for the Daily Herald.", [], ""),
    ("The latest addition to the Greystar team, Diana Romero, knows how to strut her stuff.", [], ""),
    ("<h2>Our Staff</h2><ul><li>Jane Doe</li><li>Mark Stone</li></ul>", [], "https://news.example.com/list"),
    ("<h3>Jane Doe</h3><p>Jane rented from Acme for six years before buying her first home.</p>", [],
     "https://acmepm.com/stories"),
    ("<h3>Jane Doe</h3><p>Jane loves hiking and dogs.</p>", [], "https://news.example.com/story"),
]  # fmt: skip


def test_people_tied_to_the_company_without_a_role() -> None:
    wrong = [(text, got) for text, want, url in PEOPLE_TIED_WITHOUT_A_ROLE if (got := _names(text, url)) != want]
    assert not wrong, wrong


# a dozen counted; a named place's own units; people of firms described before their names, former staff, places
UNITS_DOZENS_AND_NAMED_PLACES = [
    ("Residents of the more than two dozen properties Acme Residential oversees on the Westside wrote in.", 24),
    ("Acme Residential manages a dozen apartment buildings downtown.", 12),
    ("Kelly Barker works with Acme Residential, the firm that manages the District’s 261 loft units.", None),
    ("Acme Residential has about a dozen properties in Texas that help make up its portfolio of about 100 "
     "multifamily assets.", 100),
    # a short name that is only a small town's (Acme, WA) still names the firm; the text stays on it until
    # it names another firm
    ("Acme said its portfolio now includes 1,000 vacation rentals in Oregon.", 1000),
    ("The AG settled with Acme Residential, LLC, and its principal. The settlement addresses hazards in its "
     "buildings. The property management company oversees over 2,500 rent-stabilized apartments.", 2500),
    ("Silver Lake led a round for Acme Residential. The Portland, Ore.-based company manages more than 26,000 "
     "vacation homes.", 26000),
    ("Acme Residential sold a building last year. Beta Realty Group bought it in March. The property management "
     "company oversees over 2,500 apartments.", None),
]  # fmt: skip
PEOPLE_DESCRIBED_FIRMS_AND_FORMER_STAFF = [
    ("Mandy Elmore, senior vice president of operations at Austin-based student housing operator Acme Property "
     "Management, said turns are grueling.", ["Mandy Elmore"]),
    ("Mandy Elmore, senior vice president at Atlanta-based student housing operator PeakMade, said turns are "
     "grueling.", []),
    ("Residents asked for a former manager, Christy Hicks, to be brought back.", []),
    ("5th Meridian Group chief executive officer Michael Allen said they will not patrol.", []),
    ("The new owner of an apartment complex in Glen Allen hopes to improve it.", []),
    ("Bobby Byrd with Hope Preservation, LP says they plan to spend $13 million.", []),
    ("A magazine interviewed Robert and Radiah Mallard of Acme Property Management about veterans.",
     ["Radiah Mallard", "Robert Mallard"]),
    ("1965: Acme Property Management is founded in Dallas, Texas, as a partnership between Trammell Crow and Mack "
     "Pogue.", ["Mack Pogue", "Trammell Crow"]),
    ("The firm that could invest in properties owned by Bob Morgan is Acme Property Management.", []),
    ("<p>We work with Acme to improve Southlake.</p><p>Thank you,</p><p>Lynn Phillips, President</p>"
     "<p>Southlake Residential Association</p>", []),
    ("<p>Thank you,</p><p>Lynn Phillips, President</p><p>Acme Property Management</p>", ["Lynn Phillips"]),
    ("<p>Donald J. Leske II / Broker</p><p>ACME PROPERTY MANAGEMENT, LLC</p>", ["Donald J. Leske II"]),
    ("Photo Credit: TRIBUNE PHOTO: JONATHAN HOUSE - Acme executives say they may leave.", []),
    ("Acme has become a Lead Safe EPA Certified Firm.", []),
    ("Acme Property Management will open in August, said Jamie Rice, director of marketing and student lifestyle "
     "for the company.", ["Jamie Rice"]),
]  # fmt: skip


def test_units_counted_in_dozens_and_of_named_places() -> None:
    _assert_units(UNITS_DOZENS_AND_NAMED_PLACES)


def test_people_of_described_firms_former_staff_and_places() -> None:
    _assert_people(PEOPLE_DESCRIBED_FIRMS_AND_FORMER_STAFF)


# a local paper's story about the company: its people, and everyone else it quotes
NEWS_ABOUT_THE_COMPANY = [
    ("Tenants at the Oak Ridge complex, managed by Acme Property Management, say repairs take weeks. “Nobody calls "
     "back,” said resident Maria Lopez.", []),
    ("Acme Property Management did not respond. City inspector John Barnes said the building had 14 violations.", []),
    ("Acme manages the building for owner Robert Fields, who bought it in 2019.", []),
    ("Greystar regional manager Sarah Wu said the market is strong, while Acme declined to comment.", []),
    ("Judge Andrea Moss ruled in favor of the tenants against Acme Property Management.", []),
    ("Acme’s attorney, Paul Stone, said the company complied with the law.", []),
    ("Realtor Mike Chen of Keller Williams, who sold the building to Acme’s client, said demand is high.", []),
    ("Acme spokesperson Dana Lee did not return calls.", ["Dana Lee"]),
    ("Acme Property Management founder Tom Reyes said the company will fix the elevators.", ["Tom Reyes"]),
]  # fmt: skip


def test_news_about_the_company_names_its_people_and_others() -> None:
    _assert_people(NEWS_ABOUT_THE_COMPANY, url="https://www.localnews.com/story")


# an our-story page tells of its people in ways no pattern was written for first
OUR_STORY_PROSE = [
    ("Back in 1998, Linda Park bought her first duplex. Two years later she opened Acme.", ["Linda Park"]),
    ("Linda Park has been at the helm of Acme since 2004.", ["Linda Park"]),
    ("Today the company is run by the second generation, siblings Amy and Ben Park.", ["Amy Park", "Ben Park"]),
    ("Behind every lease is Rachel Kim, our resident leasing guru.", ["Rachel Kim"]),
    ("Linda Park and her team have managed homes in Austin since 2004.", ["Linda Park"]),
    ("Under the leadership of Linda Park, Acme grew to 300 homes.", ["Linda Park"]),
    ("Linda Park (Owner) and Tom Park (Maintenance Director) lead a team of twelve.", ["Linda Park", "Tom Park"]),
    ("Headed by broker-owner Linda Park, Acme has served Austin for 20 years.", ["Linda Park"]),
    ("Questions about your account? Email our bookkeeper, Dana White, at dana@acmepm.com.", ["Dana White"]),
    ("We love working with vendors like Mike Brown of Brown Plumbing.", []),
    ("Thanks to Jane Doe for the five-star review!", []),
    ("Our owners, like Sam Patel, trust us with their homes.", []),
    ("We donated to the Austin Food Bank, led by Ellen Ross.", []),
    ("Congratulations to Troy Farms, our first Community of the Quarter.", []),
    ("Del Mar Owner Luke Chapman greets every guest.", ["Luke Chapman"]),
    ("The property managers of Woodside Gardens and Admiral Oaks did not attend.", []),
]  # fmt: skip


def test_people_as_an_our_story_page_tells_of_them() -> None:
    _assert_people(OUR_STORY_PROSE, url="https://acmepm.com/our-story")


# a business journal's ways of stating a manager's size, and the counts that are a place's or a part's
UNITS_IN_BUSINESS_NEWS = [
    ("Acme Residential, which has about 4,200 apartments under management in the Southeast, bought the complex.", 4200),
    ("The Dallas-based firm, Acme Residential, counts 12,000 units in its portfolio.", 12000),
    ("Acme's portfolio stands at roughly 3,100 units.", 3100),
    ("Acme Residential, a manager of more than 20,000 apartments, was hired by the owner.", 20000),
    ("With the deal, Acme Residential's managed portfolio grows to 15,400 units.", 15400),
    ("Acme Residential is among the largest managers in Ohio, with 9,800 units.", 9800),
    ("Acme Residential operates 45 communities totaling 11,200 units.", 11200),
    ("Acme Residential ranks No. 12 on the NMHC list with 33,000 units managed.", 33000),
    ("Acme Residential — which manages 2,200 doors — opened a second office.", 2200),
    ("Acme Residential has 600 employees and 22,000 units under management.", 22000),
    ("Acme Residential bought the 312-unit Oak Ridge Apartments for $40 million.", None),
    ("Acme Residential plans to reach 10,000 units by 2027.", None),
    ("Acme Residential added 1,200 units this year through acquisitions.", None),
    ("The city has 45,000 rental units, according to a study cited by Acme Residential.", None),
    ("Acme Residential's Houston portfolio of 2,000 units is for sale.", None),
    ("Acme Residential will manage the 250-unit building once it opens.", None),
]  # fmt: skip


def test_units_in_business_news() -> None:
    _assert_units(UNITS_IN_BUSINESS_NEWS)


# a press release about the company's hires and promotions, and the names it signs off with
PEOPLE_HIRED_AND_PROMOTED = [
    ("Acme Property Management has promoted Sarah Klein to vice president of operations.", ["Sarah Klein"]),
    ("Acme Property Management announced the hiring of Tom Beck as regional manager.", ["Tom Beck"]),
    ("Joining the leadership team is Mark Ruiz, formerly of Lincoln Property Company, as CFO.", ["Mark Ruiz"]),
    ("Acme has tapped industry veteran Sarah Klein to lead its Texas division.", ["Sarah Klein"]),
    ("The firm also elevated two employees: Ana Cruz to senior property manager and Ben Lowe to leasing director.",
     ["Ana Cruz", "Ben Lowe"]),
    ("Sarah Klein, a 15-year veteran of the company, was promoted to regional vice president.", ["Sarah Klein"]),
    ("Acme Property Management hired Tom Beck away from rival Summit Realty.", ["Tom Beck"]),
    ("Klein previously served as a vice president at Greystar.", []),
    ("Media contact: Jenna Fox, Fox PR, 512-555-0100", []),
]  # fmt: skip


def test_people_hired_and_promoted_in_a_press_release() -> None:
    _assert_people(PEOPLE_HIRED_AND_PROMOTED, url="https://www.prnewswire.com/news/acme")


# an owner page's numbers: the portfolio among fees, reviews, years, listings, loads and size classes
UNITS_AMONG_AN_OWNER_PAGES_NUMBERS = [
    ("Our management fee is 8% of collected rent, with a $250 leasing fee per unit.", None),
    ("Rated 4.9 stars from over 300 reviews.", None),
    ("We've placed over 2,000 tenants since 2009.", None),
    ("Our average vacancy is just 14 days across 600+ homes.", 600),
    ("Serving 350 happy owners and their 1,100 homes.", 1100),
    ("Currently we have 38 properties available for rent.", None),
    ("Our team of 14 manages over 800 doors.", 800),
    ("Each of our managers handles no more than 80 doors.", None),
    ("With 1,200 units under our care, we know what works.", 1200),
    ("Our owners range from one rental home to portfolios of 50+ units.", None),
    ("We manage HOAs with 20 to 400 homes.", None),
    ("Acme Residential: Managing 950+ Austin rentals since 2006.", 950),
]  # fmt: skip


def test_units_among_an_owner_pages_numbers() -> None:
    _assert_units(UNITS_AMONG_AN_OWNER_PAGES_NUMBERS)


# a team page's other sections: vendors, owners' words, partners, pets, open positions
TEAM_PAGE_SECTIONS = [
    ("<h2>Our Team</h2><div><h3>Jane Doe</h3><p>Owner</p></div><h2>Preferred Vendors</h2><div><h3>Mike Brown</h3>"
     "<p>Owner, Brown Plumbing</p></div>", ["Jane Doe"]),
    ("<h2>Our Team</h2><div><h3>Jane Doe</h3><p>Broker</p></div><h2>What Owners Say</h2><blockquote>“Best in town.”"
     "</blockquote><p>Sam Patel, Property Owner</p>", ["Jane Doe"]),
    ("<h2>Our Team</h2><p>Jane Doe, Owner</p><p>Mark Stone, Property Manager</p><h2>Our Partners</h2><p>Lisa Grant, "
     "Agent, Keller Williams Realty</p>", ["Jane Doe", "Mark Stone"]),
    ("<h2>Testimonials</h2><p>“They found a tenant in a week.” Sam Patel, Investor</p><h2>Leadership</h2><p>Jane Doe, "
     "President</p>", ["Jane Doe"]),
    ("<h3>In Memoriam</h3><p>We remember our founder, Bill Acme (1940-2019).</p>", ["Bill Acme"]),
    ("<div class='team'><h4>Jane Doe</h4><p>Owner</p><h4>Open Position</h4><p>Leasing Agent</p></div>", ["Jane Doe"]),
]  # fmt: skip


def test_people_in_a_team_pages_other_sections() -> None:
    _assert_people(TEAM_PAGE_SECTIONS, url="https://acmepm.com/team")


# the company's own blog: its authors in every place a theme puts them, and the experts a post quotes
BLOG_AUTHORS = [
    ("<article><h1>Should You Raise the Rent?</h1><p class='byline'>By Jane Doe | March 3, 2024</p><p>Rents rose 5%."
     "</p></article>", ["Jane Doe"]),
    ("<article><h1>Rent</h1><p>Rents rose.</p><div class='author-box'><h4>About the Author</h4><p>Jane Doe is the "
     "owner of Acme Property Management and a licensed broker.</p></div></article>", ["Jane Doe"]),
    ("<article><h1>Rent</h1><div class='meta'><span>Posted by</span> <a href='/author/jane'>Jane Doe</a></div><p>Text."
     "</p></article>", ["Jane Doe"]),
    ("<article><h1>Rent</h1><p>In a recent interview, economist Mark Zandi said rents will fall.</p><p>Author: Jane "
     "Doe</p></article>", ["Jane Doe"]),
    ("<article><h1>Rent</h1><p>As Freddie Mac chief economist Sam Khater noted, rates are rising.</p></article>", []),
    ("<article><h1>Guest Post</h1><p>This post was written by guest author Tom Lee of RentPrep.</p></article>", []),
]  # fmt: skip


def test_authors_of_the_company_blog() -> None:
    _assert_people(BLOG_AUTHORS, url="https://acmepm.com/blog/rent-increases")


# a sentence whose subject is the company hands it to the next one's "it"; a neighbourhood's share or
# one complex's units ("its" is the complex) are not the portfolio
UNITS_ACROSS_SENTENCES = [
    ("The Austin-based real estate company owns and manages student housing. It reported owning 166 properties "
     "with about 111,900 beds.", 111900),
    ("The Denver property management company was founded in 1998. Today it oversees 2,400 doors.", 2400),
    ("The family-owned company grew up in Tulsa. It now manages more than 900 rental homes.", 900),
    ("Acme Residential's Uptown portfolio now includes 918 apartments.", None),
    ("Acme Residential's Midtown holdings total 1,300 units.", None),
    ("Acme Residential's portfolio now includes 9,180 apartments.", 9180),
    ("Jo Lee, who runs the Pine Ridge apartment complex for Acme Residential, said the fee covers its 416 units.",
     None),
    ("Acme Residential bought the tower in 2019; its 300 units are fully leased.", None),
    ("Acme Residential owns and opporates over 1,000 units of rental housing.", 1000),
]  # fmt: skip


def test_units_across_sentences() -> None:
    _assert_units(UNITS_ACROSS_SENTENCES)


# a blog post's author and date with a double-barrelled surname, a guest's name misspelt once in a
# transcript, a namesake on the firm's own story page; a client owner, another firm's owner
PEOPLE_SPELT_AND_OWNED = [
    ("Who Does a Property Manager Work For?\n\nSherkica Miller-McIntyre - Sunday, August 23, 2015\n\nAs an owner "
     "working with a property manager, you should know.", ["Sherkica Miller-McIntyre"]),
    ("Today I am joined by Gary Rapoport, CEO of Acme Property Management. Gary Rappaport: Thank you. "
     "A conversation with Gary Rappaport, CEO at Acme Property Management.", ["Gary Rappaport"]),
    ("The tenant called the actual property owner, Dan Rigney, who sent a plumber.", []),
    ("Laurel Brown, owner of downtown architecture and interior design firm Brownhouse, will handle the inside.", []),
    ("Laurel Brown, owner of Acme Property Management, will handle the inside.", ["Laurel Brown"]),
]  # fmt: skip


def test_people_spelt_once_otherwise_or_owning_elsewhere() -> None:
    _assert_people(PEOPLE_SPELT_AND_OWNED, url="https://acmepm.com/blog/who")


def test_a_namesake_on_the_firms_own_story_page() -> None:
    text = "Despite owning 57 properties in Madison, Steve Brown never considered himself a landlord."
    assert _names(text, url="https://stevebrownapts.com/our-story", company="Steve Brown Apartments") == ["Steve Brown"]
    assert _names("Steve Brown Apartments opened a new office.", company="Steve Brown Apartments") == []


def test_a_page_that_opens_with_the_company_name_is_its_own() -> None:
    post = "{first}\n\nEviction Moratorium\n\nJulie Tollifson - Wednesday, September 9, 2020\n\nOn the 1st."
    url = "https://www.boiseproperty.management/blog"
    assert _names(post.format(first="Acme Property Management Blog"), url=url) == ["Julie Tollifson"]
    assert _names(post.format(first="Acme Property Management"), url=url) == ["Julie Tollifson"]
    assert _names(post.format(first="Acme Property Management expands to Boise"), url="https://news.example/x") == []


# a staff-contacts line whose phone is missing is no heading; an owner by purchase
PEOPLE_CONTACT_LINES_AND_BUYERS = [
    ("Staff Contacts\n\nFeedback and Suggestions – Edward Lui –\n\nWork orders – Justin Wilson – 240-412-2232",
     ["Edward Lui", "Justin Wilson"]),
    ("Meghan Guerin is the person who bought nearly half of the company, and they have worked together since.",
     ["Meghan Guerin"]),
    ("Sam Ortiz is the one who started Acme Property Management in his garage.", ["Sam Ortiz"]),
]  # fmt: skip


def test_people_in_contact_lines_and_buyers() -> None:
    _assert_people(PEOPLE_CONTACT_LINES_AND_BUYERS, url="https://acmepm.com/residents")


# a surname that is also a word of page furniture, a nickname in quotes, a profile's name over the company's
PEOPLE_NAMES_AS_WRITTEN = [
    ("“We rent to students,” said Alan Quick, Acme Property Management owner.", ["Alan Quick"]),
    ("Kim West, leasing manager at Acme Property Management, said demand is up.", ["Kim West"]),
    ("Quick Links\n\nRead More\n\nOwner Portal", []),
    ("The company was founded by William “Bill” Morgan in 1959.", ["William Morgan"]),
    ("Elizabeth “Liz” Warren, Acme Property Management's broker, leads the team.", ["Elizabeth Warren"]),
    ("Keir Schutte\n\nAcme Property Management, LLC\n\nI am not sure you can find a bigger heart.", ["Keir Schutte"]),
    ("Keir Schutte\n\nBeta Realty Partners\n\nI am not sure you can find a bigger heart.", []),
]  # fmt: skip


def test_people_names_as_written() -> None:
    _assert_people(PEOPLE_NAMES_AS_WRITTEN, url="https://news.example/story")


def test_a_dated_byline_names_its_author_whatever_the_given_name() -> None:
    post = "Homeowner Resources\n\n5 Things About HOAs\n\nby Burke Nielsen | Aug 30, 2017\n\nA tough job."
    assert _names(post, url="http://csiproperties.com/page/resources", company="CSI") == ["Burke Nielsen"]
    assert _names(post, url="https://news.example/hoa", company="CSI") == []


def test_a_namesake_introduced_as_kin() -> None:
    text = "Gene Brett, principal in Brett/Robinson along with his brother Tillis Brett, has been in business 40 years."
    assert _names(text, company="Brett/Robinson") == ["Gene Brett", "Tillis Brett"]


# the same claims as plain text shapes them: hard-wrapped at a width, bulleted, counted in thousands
UNITS_AS_PLAIN_TEXT_SHAPES = [
    ("Acme Residential is the largest apartment\nowner in the Southeast with about 300 apartment\nCommunities "
     "containing more than 100,000 apartments and four office buildings.", 100000),
    ("The expectations have risen dramatically, said Fred Tuomi, who heads the Western division of Acme Residential "
     "Properties\nTrust, one of the largest owners, with more than 1,000 properties nationwide.", 1000),
    ("• The Minneapolis-based company manages more than 200 homeowner associations representing 11,000 households.",
     11000),
    ("Acme Residential's portfolio now stands at more than 80 student housing properties, more than 54k beds.", 54000),
    ('{\n  "years_in_business": "6+ years",\n  "rentals_managed": "4k+",\n  "bbb_rating": "A+"\n}', 4000),
]  # fmt: skip


def test_units_in_plain_text_shapes() -> None:
    _assert_units(UNITS_AS_PLAIN_TEXT_SHAPES)


def test_a_company_known_by_two_names_is_mentioned_by_either() -> None:
    text = ("Seacrest Services gained from its acquisition of Southwest Property Management, along with\nmore "
            "movement in the association market, co-CEO Anjanette Hanna said.")  # fmt: skip
    assert _names(text, company="Castle Group / Seacrest Services") == ["Anjanette Hanna"]


def test_a_paragraph_wrapped_at_a_width_is_read_as_one() -> None:
    text = (
        "In this episode of the Acme Property Management Podcast,\n"
        "Chris Knight, Business Development Manager, and Mike Taylor,\n"
        "Broker Owner, embark on an unfiltered discussion of economic\n"
        "developments around the Indianapolis area.\n…\nThe first guest is Stephanie Gordon."
    )
    assert _names(text) == ["Chris Knight", "Mike Taylor"]
    captions = (
        "House Keychain With Calculator — Austin, TX — Acme Property Management\nHand Holding Small House — Austin"
    )
    assert [b.text for b in from_text(captions).blocks] == captions.split("\n")


# given names the first-name lexicon lacks, where a byline, a contact line or a title ties the person to
# the company (a loose tie in prose still needs a given name the lexicon knows); words that only look like
# a name in a person's place are not one
PEOPLE_WITH_GIVEN_NAMES_THE_LEXICON_LACKS = [
    ("At Acme Property Management, Quavontae Harrelson, 48, makes sure his team is equipped.", []),
    ("Staff Contacts\n\nWork orders – Quavontae Harrelson – 240-412-2232", ["Quavontae Harrelson"]),
    ("October President's Message\n\nby: Zhyair Hulbert, Acme Property Management\n\nI love that Fall is here.",
     ["Zhyair Hulbert"]),
    ("Our guest today is Daquavis Catalano, CEO of Acme Property Management, a firm in San Jose.",
     ["Daquavis Catalano"]),
    ("In his article “The Changing Face of Property Management,” Tom Stokes, Acme's broker, wrote about it.",
     ["Tom Stokes"]),
    ("Who Does a Property Manager Work For?\n\nTaziyah Reyes - Sunday, August 23, 2015\n\nAs an owner you know.",
     ["Taziyah Reyes"]),
]  # fmt: skip


def test_people_with_given_names_the_lexicon_lacks() -> None:
    _assert_people(PEOPLE_WITH_GIVEN_NAMES_THE_LEXICON_LACKS, url="https://acmepm.com/blog")


# a role the text gives the company without a name, then a speaker named with "said"
PEOPLE_TITLED_BEFORE_THEY_SPEAK = [
    ("According to the President of Acme Property Management, people are itching to travel.\n\n“Right now the "
     "appetite is voracious. I'll take it,” Blake Decker said.", ["Blake Decker"]),
    ("According to the President of Beta Realty, people are itching to travel.\n\n“Right now the appetite is "
     "voracious,” Blake Decker said.", []),
]  # fmt: skip


def test_people_titled_before_they_speak() -> None:
    _assert_people(PEOPLE_TITLED_BEFORE_THEY_SPEAK, url="https://news.example/cape")


def test_a_firm_named_like_a_person_does_not_take_its_staffs_title() -> None:
    text = "Since 1983, Robert Lopez has served as Lewis Falcon Leasing & Management's Leasing Agent."
    assert _names(text, company="Lewis Falcon Leasing & Management") == ["Robert Lopez"]
    # the firm's name goes on with a word that starts with an s ("Star"), not with a possessive
    text = "After years of renting out homes, Andre Smith opened Wilson Lone Star Residential Management in 1989."
    assert _names(text, company="Wilson Lone Star Residential Management") == ["Andre Smith"]


# (text, name, title): the whole title, though it holds an "of" of its own, and the role said
# of the person next rather than one a deed of theirs would imply (a landlord's "bought a fourplex")
TITLES_SAID_WHOLE = [
    ("According to the Director of Operations of Acme Property Management, owners want fewer surprises. "
     "“We call back the same day,” Nicole Thomas said.", "Nicole Thomas", "Director of Operations"),
    ("Jo Bloggs is our President. According to the Director of Operations of Acme Property Management, owners "
     "want fewer surprises. “We call back the same day,” Nicole Thomas said.", "Nicole Thomas",
     "Director of Operations"),
    ("Acme Property Management began in 1993, when Karen Brown bought a fourplex on the edge of Austin and could "
     "not find anyone to manage it well. Karen still answers owner calls and leads the company as COO.",
     "Karen Brown", "COO"),
    ("In 2015 Dana Price bought Acme Property Management from its founder.", "Dana Price", "Owner"),
]  # fmt: skip


def test_a_title_is_read_whole_and_as_said() -> None:
    _assert_titles(TITLES_SAID_WHOLE)


# (text, name, title) written fresh for the readers, not taken from the corpus: a part of the firm
# led by someone, the firm's name run into the title before a name, a second noun phrase after a
# title, a title word made plural before a pair of names
TITLES_IN_SHAPES_NOT_SEEN = [
    ("Our leasing team is headed by Priya Natarajan.", "Priya Natarajan", "Leasing Team Lead"),
    ("Acme Property Management is headed by Priya Natarajan.", "Priya Natarajan", "Owner"),
    ("Acme Property Management CEO Grant Hollis told the Austin Business Journal about the firm.", "Grant Hollis",
     "CEO"),
    ("Meet Kevin Tran: Kevin is our maintenance coordinator and a former HVAC technician.", "Kevin Tran",
     "maintenance coordinator"),
    ("Co-owners Steve and Angela Ruiz opened Acme Property Management in 2004.", "Steve Ruiz", "Co-owner"),
    ("Sarah Lin has joined Acme Property Management as director of leasing.", "Sarah Lin", "director of leasing"),
    ("Sarah Lin joined us in 2019 as our controller.", "Sarah Lin", "controller"),
    ("Our maintenance crew is supervised by Tony Greco, a plumber.", "Tony Greco", "Maintenance Crew Supervisor"),
    ("Our leasing office is managed by Yolanda Price, who has been with us since 2001.", "Yolanda Price",
     "Leasing Office Manager"),
    ("Acme hired Aaron Feld as its first director of maintenance in March.", "Aaron Feld", "director of maintenance"),
    ("The company's two partners, Omar Haddad and Lena Fischer, split the duties.", "Lena Fischer", "partner"),
    ("<h2>Our Team</h2><div><h3>Carl Ruiz</h3><p>Leasing</p></div><div><h3>Nina Patel</h3><p>Broker</p></div>",
     "Carl Ruiz", "Leasing"),
    ("<ul><li>Carl Ruiz | Accounting</li><li>Nina Patel | Broker</li></ul>", "Carl Ruiz", "Accounting"),
    ("Since 2009, co-owners Luis Ramos and Eric Tan have grown Acme from 20 doors to 600.", "Eric Tan", "co-owner"),
    ("Today owner Luis Ramos runs the company with his two sons.", "Luis Ramos", "owner"),
    ("Joel Brandt took over the company from his father in 2011.", "Joel Brandt", "Owner"),
    ("My name is Joel Brandt, and I took over the company from my father in 2011.", "Joel Brandt", "Owner"),
    ("Meet Joel Brandt. In 2011 he took over the family business.", "Joel Brandt", "Owner"),
    ("We mourn Jane Ortiz. As our leasing director for ten years, she knew every tenant.", "Jane Ortiz",
     "leasing director"),
    ("Jane Ortiz, 54, who founded the company in 1990, retired in May.", "Jane Ortiz", "Founder"),
    ("Leola Hardy died in June. Born in 1951, she loved Newport. She sat on the Housing Committee. As owner of "
     "Acme Property Management for 30 years, she cared about clients.", "Leola Hardy", "owner"),
    ("Panel\n\nMarie PeaceVice President of ComplianceThe Acme Property Management\n\nGreg ProctorVice President"
     "RealPage", "Marie Peace", "Vice President"),
    ("Marie Smith Vice President", "Marie Smith", "Vice President"),
    ("My name is Carlos Lopez, and I took over the company in 2004. I lead the company as President.", "Carlos Lopez",
     "President"),
    ("Since 2015, Director of Operations Emily Clark has kept our owners informed.", "Emily Clark",
     "Director of Operations"),
    ("Our Director of Operations, Angela Davis, keeps every lease on schedule.", "Angela Davis",
     "Director of Operations"),
]  # fmt: skip
# a team's word before a name, or a body managed by someone, names no one of ours
NOT_TEAM_HEADS = [
    ("During our first Maintenance Appreciation Week in May, the managers cooked for the crew.", []),
    ("The renovation of the Oak Street building was overseen by Carl Ruiz.", []),
    ("The Oak Street building is managed by Carl Ruiz.", []),
    ("Joel Brandt took over a vacant lot on Main Street.", []),
    ("Hi, my name is Joel Brandt and I love dogs.", []),
    ("Jane Ortiz moved here in 1990. As a tenant for ten years, she knew every neighbor.", []),
    ("Jane Ortiz, 54, who rents from Acme, complained about the heat.", []),
]


def test_a_team_word_before_a_name_or_a_building_managed_by_someone_names_no_one() -> None:
    _assert_people(NOT_TEAM_HEADS)


def test_titles_in_shapes_not_seen() -> None:
    _assert_titles(TITLES_IN_SHAPES_NOT_SEEN)


def test_a_firm_named_after_a_person_is_no_person_where_its_name_begins_before_theirs() -> None:
    text = "CB Richard Ellis retained the No. 1 spot on this year's list."
    assert [p.full_name for p in inspect_page(text, company="CB Richard Ellis Group Inc.").people] == []


# a count held in a relative clause whose subject is the company, and a count the subject's noun names
UNITS_HELD_AND_GROWN = [
    ("Included in the 3,000-plus units that Acme Residential owns or manages is Plymouth Gardens.", 3000),
    ("The number of apartment units has grown from 5,000 in 2005 to 12,000 currently, Acme Residential said.", 12000),
    ("The number of homes Acme Residential manages has risen from 200 to more than 650.", 650),
    ("The 400 units that Beta Realty owns are managed by a firm from Ohio.", None),
    ("The 122,000 apartments in which Insignia has an ownership interest were sold.", None),
]  # fmt: skip
# another organisation's role first, then a role at the company: the person is the company's
PEOPLE_WITH_A_SECOND_ROLE = [
    ("“It is hard,” said 2021 IREM President Chip Watts, CPM®, CCIM, and President of Acme Property Management, "
     "AMO®, in Birmingham.", "Chip Watts", "President"),
    ("NARPM President Jane Rowe, who is also the owner of Acme Property Management, spoke first.", "Jane Rowe",
     "owner"),
]  # fmt: skip


def test_units_held_in_a_relative_clause_or_grown_to() -> None:
    _assert_units(UNITS_HELD_AND_GROWN)


def test_a_second_role_at_the_company_beats_another_organisation_s() -> None:
    _assert_titles(PEOPLE_WITH_A_SECOND_ROLE)
    assert _names("IREM President John Smith, CPM, and President of Beta Realty, spoke.") == []


# owners named as a pair with one surname, after the firm's address; a landlord the text gives the company
PEOPLE_OWNERS_AND_LANDLORDS = [
    ("Acme's owners, Rose and Edward Thomas, declined to comment.", ["Edward Thomas", "Rose Thomas"]),
    ("The state reached a settlement with Acme Property Management (\"APM\"), of 82A Wormans Mill Court, Frederick, "
     "Maryland, and its owners, Rose and Edward Thomas.", ["Edward Thomas", "Rose Thomas"]),
    ("The city sued the Austin Board of Realtors and its president, Jane Doe.", []),
    ("Juanita Werra, landlord at Acme Property Management, attributes the rush to scarcity.", ["Juanita Werra"]),
    ("The state told Acme Property Management landlord Lori Cutunilli it received a complaint.", ["Lori Cutunilli"]),
    ("Juanita Werra, landlord at Oak Apartments, attributes the rush to scarcity.", []),
    ("Tenants said their landlord, Lori Cutunilli, never answered.", []),
]  # fmt: skip


def test_owners_named_as_a_pair_and_landlords_of_the_company() -> None:
    _assert_people(PEOPLE_OWNERS_AND_LANDLORDS)


def test_a_colleague_named_after_a_title_is_no_employer() -> None:
    text = (
        "Kimberly Maggard, Senior Vice President of Operations comes together with Kerri Toth, President of "
        "Operations and Denise Ost, Executive Vice President of Operations and the three discuss the sites."
    )
    assert _names(text) == ["Denise Ost", "Kerri Toth", "Kimberly Maggard"]
    assert _names("Jane Doe, a partner at Beta Realty with Bob Smith, said demand is high.") == []


def test_titles_of_one_apartment_and_of_long_service_read_as_titles() -> None:
    from leadscout.research.read.people import is_title

    assert is_title("Apartment Manager") == "Apartment Manager"
    assert is_title("longtime chairman and CEO") == "longtime chairman and CEO"


# from the dev half of people_fresh_17: a title after the company's own name, ranks, two properties'
# names joined like a couple's, and a public servant (each company: whose people they must be)
PEOPLE_FRESH_17_SHAPES = [
    ('"That would be a very bad thing," Acme Scenic City Owner Ian Pfeiffer said.', "Acme Scenic City",
     ["Ian Pfeiffer"]),
    ("City inspector John Barnes said the building had 14 violations.", COMPANY, []),
    ("Our meeting had special guests Charlie Hansen of Acme Property Management along with Lieutenant Stotts of "
     "the Eugene Police Department. Charlie and Lieutenant Stotts came to tell the group about the lockout.",
     COMPANY, ["Charlie Hansen"]),
    ("The authority declined purchasing the Francis and Lana Kay apartment complexes on Wednesday. The Francis "
     "Apartments and the Lana Kay Apartments are both owned by Delana Gore.", "Francis Apartments and Lana Kay "
     "Apartments", ["Delana Gore"]),
    ("Both are owned by Acme Property Management, according to Virginia Lewis, who works for the county as a "
     "special consultant.", COMPANY, []),
]  # fmt: skip


def test_people_in_the_shapes_of_fresh_17() -> None:
    _assert_people_of(PEOPLE_FRESH_17_SHAPES)


# from the dev half of fresh_18: a public body signed after the name, an organisation with an article
# before it, a house a person owns, a street named like the firm, a role said again by the surname
PEOPLE_FRESH_18_SHAPES = [
    ('"Check your smoke detector," said Deputy Chief Ann Ruiz, Madison Fire Department.', COMPANY, []),
    ("The Red Cross opened a shelter for the families at a nearby church.", COMPANY, []),
    ("Business is slower for some landlords. Barry Cole has owned a four-bedroom house near the campus since 2004.",
     COMPANY, []),
    ("Mia Lund, owner of Del Mar Rentals (the largest landlord on Del Mar) said the market is tight.",
     "Del Mar Rentals", ["Mia Lund"]),
    ("Here is what we heard:\n\nTaylor Green, Acme Property Management:\nAcme has struggled with turnover, said "
     "Green, marketing director for the Denver-based manager.", COMPANY, ["Taylor Green"]),
    ("Nate Hill said the firm ignored a leak. According to Hill, the representative brushed off the complaint.",
     COMPANY, []),
    ("Sara Moss lives next door. Tom Moss, owner of Acme Property Management, said the roof was fixed.", COMPANY,
     ["Tom Moss"]),
]  # fmt: skip
UNITS_FRESH_18_SHAPES = [
    ("Acme Residential paid the rent to Tiffany Dale, who owns half a dozen rentals in the area.", 6),
    ("Dale is one of the bigger landlords in the state. She has more than 400 units across several towns.", 400),
    ("The house has 3 units and a garage.", None),
]  # fmt: skip


def test_people_in_the_shapes_of_fresh_18() -> None:
    _assert_people_of(PEOPLE_FRESH_18_SHAPES)


def test_units_in_the_shapes_of_fresh_18() -> None:
    _assert_units(UNITS_FRESH_18_SHAPES)


# from the dev half of fresh_19: dotted initials, an institution's name, where and as what a firm was
# founded before by whom; a landlord called by surname, another firm's parenthetical, a past total, a span of years
PEOPLE_FRESH_19_SHAPES = [
    ("A.J. Baker, Maintenance Technician for Acme Property Management, says guests give each week.", COMPANY,
     ["A.J. Baker"]),
    ("Acme Property Management was founded in Austin, Texas, in 1993 as Campus Lifestyles by Bill Bayless, who had "
     "been a dormitory adviser at West Virginia University.", COMPANY, ["Bill Bayless"]),
    ("He sold ads for the paper at Shortridge High School and later was the operator of a bus service.", COMPANY,
     []),
]  # fmt: skip
UNITS_FRESH_19_SHAPES = [
    ("Acme Residential, which owned 37,478 homes at the end of Q3, is one of three big buyers. After the deal it "
     "will be just Beta Homes (which owned 84,697 homes at the end of Q3).", 37478),
    ("Tenants say the harassment goes on in the 140 buildings Croman owns citywide.", 140),
    ("Before the pandemic, Acme Residential owned 96 rental units in its hometown.", None),
    ("Acme Residential received $998,000 in rent subsidies for its properties between 2016 and 2019.", None),
]  # fmt: skip


def test_people_in_the_shapes_of_fresh_19() -> None:
    _assert_people_of(PEOPLE_FRESH_19_SHAPES)


def test_units_in_the_shapes_of_fresh_19() -> None:
    wrong = []
    for text, value in UNITS_FRESH_19_SHAPES:
        company = "Steven Croman" if "Croman" in text else "Acme Residential"
        got = inspect_page(text, company=company).units_estimate
        if got != value:
            wrong.append((text[:50], got))
    assert not wrong, wrong


def test_dotted_initials_are_a_given_name_unless_they_abbreviate_a_place_or_a_box() -> None:
    from leadscout.research.read.people import is_name

    assert [is_name(n) for n in ("A.J. Baker", "J.R. Smith", "U.S. Bank", "P.O. Box", "N.E. Main")] == [
        "A.J. Baker", "J.R. Smith", None, None, None,
    ]  # fmt: skip


def test_people_whose_given_names_no_lexicon_holds_are_read_by_the_structure_around_them() -> None:
    """Given names rarer than both lexicons (fewer than 200 US babies since 1880): a title right
    before the name, the firm called by its kind, or a tie to the company itself carries them, as it
    carries "Mark" or "Susan" (a looser tie still needs a given name the lexicon knows)."""
    _assert_people_of([
        ("Tavita Sherman, the company’s President of Multifamily, said the deal marks a re-entry into Dallas.",
         "Alleia Partners", ["Tavita Sherman"]),
        ("“We call it fully loaded college living,” said area manager Oluwadamilare McAuliffe, mentioning the bistro.",
         "Campus Crest Communities", ["Oluwadamilare McAuliffe"]),
        ("Director of Operations Oluwadamilare Tennis accepts no nonsense and has become a mother figure for many.",
         "Keystone Real Estate Group", ["Oluwadamilare Tennis"]),
        ("How Much do You Need to Know to Manage Property? Tavita Lawson of Concentric Lettings comments.",
         "Concentric Lettings", ["Tavita Lawson"]),
    ])  # fmt: skip


def test_a_team_cards_names_no_lexicon_or_parser_reads_are_taken_beside_their_titles() -> None:
    html = (
        "<h2>Our Team</h2><div><h3>John Smith</h3><p>President</p></div><div><h3>Oluwadamilare Hecox</h3>"
        "<p>Director of Operations</p></div><div><h3>Nguyen Thi Lan</h3><p>Leasing Agent</p></div>"
        "<div><h3>Open Position</h3><p>Maintenance Technician</p></div>"
    )
    assert _names(html, url="https://acmepm.com/team") == ["John Smith", "Nguyen Thi Lan", "Oluwadamilare Hecox"]


def test_titles_set_in_capitals_are_written_as_a_sentence_would() -> None:
    html = (
        "<h2>OUR TEAM</h2><div><h3>JOHN SMITH</h3><p>CO-FOUNDER &amp; CEO</p></div>"
        "<div><h3>MARIA GONZALEZ</h3><p>VP OF LEASING</p></div>"
    )
    got = {p.full_name: p.title for p in inspect_page(html, url="https://acmepm.com/team", company=COMPANY).people}
    assert got == {"John Smith": "Co-Founder & CEO", "Maria Gonzalez": "VP of Leasing"}


def test_names_with_lower_case_particles_are_whole_names() -> None:
    _assert_people_of([
        ("Maria de la Cruz, property manager at Acme Property Management, said the market is tight.",
         COMPANY, ["Maria de la Cruz"]),
        ("<h2>Our Team</h2><div><h3>Pieter van der Berg</h3><p>Director of Operations</p></div>",
         COMPANY, ["Pieter van der Berg"]),
    ])  # fmt: skip


def test_roles_said_by_a_plural_title_or_by_what_the_person_leads_as() -> None:
    _assert_titles([
        ("Our property managers are Sarah Johnson, Mike Lee and Tyler Brown.", "Mike Lee", "property manager"),
        ("Sarah Johnson leads the company as its managing broker.", "Sarah Johnson", "managing broker"),
        ("Sarah Johnson and her husband Mike Johnson own and operate Acme.", "Sarah Johnson", "Owner"),
    ])  # fmt: skip


def test_a_person_of_the_company_itself_needs_no_known_given_name() -> None:
    text = "The complex is half built, the developer, Granger MacDonald of Kerrville-based MacDonald Companies, said."
    assert _names(text, company="MacDonald Companies") == ["Granger MacDonald"]


def test_an_institutions_officer_is_nobodys_staff_when_the_company_is_not_known() -> None:
    for text in (
        "“It's a big change,” said Michael F. Sarka, executive director of the Vacation Rental Managers Association.",
        "“Rents are rising,” said Danny Harlow, president of the local property managers association.",
    ):
        assert [p.full_name for p in inspect_page(text, url="https://news.example/a", company=None).people] == []


def test_names_no_lexicon_knows_beside_their_titles_in_every_layout() -> None:
    pages = {
        "<p><strong>Oluwadamilare Williams</strong> | Leasing Agent</p>": "Oluwadamilare Williams",
        "<p>Broker/Owner: Quavontae Davis</p>": "Quavontae Davis",
        "<img src='/2.jpg' alt='Oluwadamilare Miller, COO'><h3>Oluwadamilare</h3>": "Oluwadamilare Miller",
        "<p>Our Maintenance Coordinator, Thandiwe Johnson, keeps every lease on schedule.</p>": "Thandiwe Johnson",
        "<p>Meet Michael Ó Briain, our Office Manager, who has been with the team since 1987.</p>": "Michael Ó Briain",
        "<p>Alongside our partner, Cadillac Fairview, we look forward to growth.</p>": None,
        "<p>“We will review the forms,” said Berkeley spokesman, Mark Chakko.</p>": None,
    }
    for html, name in pages.items():
        assert _names(html, url="https://acmepm.com/team") == ([name] if name else []), html


def test_a_hyphenated_adjective_is_no_name() -> None:
    text = "While 300,000 of these rentals are operated by big Wall Street-backed firms, most are run by mom-and-pops."
    assert _names(text, company="Invitation Homes") == []


def test_a_partner_in_another_firm_is_that_firms() -> None:
    _assert_people_of([
        ("Sergio Tinajero, a partner in REPcre, the El Paso agency that lists the land, said two buyers called.",
         "Monterrey Asset Management", []),
        ("Sergio Tinajero, a partner in Monterrey Asset Management, said two buyers called.",
         "Monterrey Asset Management", ["Sergio Tinajero"]),
    ])  # fmt: skip


def test_a_duty_is_no_title() -> None:
    text = "Sarah Johnson is responsible for accounting and owner statements."
    got = {p.full_name: p.title for p in inspect_page(text, url="https://acmepm.com/about", company=COMPANY).people}
    assert got.get("Sarah Johnson") is None  # never "accounting and owner"


def _titles_on_own_site(text: str) -> dict[str, str | None]:
    return {p.full_name: p.title for p in inspect_page(text, url="https://acmepm.com/about", company=COMPANY).people}


def test_a_role_said_far_from_the_name_on_the_companys_own_site() -> None:
    cases = {
        "Dana Whitfield serves on Acme Property Management's leadership team as Chief Operating Officer.":
            "Chief Operating Officer",
        "Dana Whitfield brings 20 years of hands-on trade experience to the role of Maintenance Supervisor at Acme.":
            "Maintenance Supervisor",
        "Dana Whitfield has helped Austin investors buy, lease and manage rental homes since 1995 and opened Acme "
        "Property Management as its Broker/Owner in 2003.": "Broker/Owner",
        "Congratulations to Dana Whitfield on being named Acme Property Management's Director of Operations!":
            "Director of Operations",
        "Dana Whitfield was named Director of Operations.": "Director of Operations",
        "Say hello to Dana Whitfield! Dana is our newest Resident Services Coordinator.":
            "Resident Services Coordinator",
        "Dana Whitfield never planned to go into property management. After inheriting a fourplex in 2005, Dana "
        "learned the business the hard way — and founded Acme Property Management.": "Founder",
        "After ten years in banking, Dana Whitfield came home to Austin, where owners now know Dana best as our "
        "Director of Leasing.": "Director of Leasing",
    }  # fmt: skip
    for text, title in cases.items():
        assert _titles_on_own_site(text) == {"Dana Whitfield": title}, text


def test_an_officer_of_some_unnamed_firm_or_a_previous_owner_is_nobodys_staff() -> None:
    for text in (
        "According to Dana Whitfield, chief economist at a national listing website, rents will rise 3% this year.",
        "In this episode we sit down with Dana Whitfield, founder of a property management software startup.",
        "Please welcome our newest vendor partner, Dana Whitfield, owner of a family-run roofing company in Austin.",
        "Before coming to us, the home was self-managed by its previous owner, Dana Whitfield, for two decades.",
    ):
        assert _titles_on_own_site(text) == {}, text
    # the company's own owner may describe it as some property management firm
    text = "Dana Whitfield, owner of a boutique property management firm in Austin, started Acme in 2001."
    assert list(_titles_on_own_site(text)) == ["Dana Whitfield"]


def test_portfolio_sizes_said_in_the_ways_owner_pages_say_them() -> None:
    cases = {
        "1,250 or so homes under management, and every one is inspected twice a year.": 1125,
        "~1,250\nHomes Managed": 1125,
        "Serving Austin since 1987 — 1,250 properties managed": 1250,
        "We manage all 1,250 of the homes in our portfolio.": 1250,
        "Our leasing, maintenance and accounting teams currently support 1,250 doors.": 1250,
        "What began as a handful of duplexes has become a portfolio of roughly twelve hundred homes.": 1080,
        "We manage 300 - 400 homes.": 300,
    }
    for text, low in cases.items():
        assert inspect_page(text, url="https://acmepm.com/owners", company=COMPANY).units_estimate == low, text
    deal = "The portfolio comprises 5,490 units in five states."  # one bought, not the company's own
    assert inspect_page(deal, url="https://news.example/a", company="Harbor Group").units_estimate is None


def test_a_clause_after_a_title_is_no_part_of_it() -> None:
    cases = {
        "Dana Whitfield serves as our Broker/Owner, managing a portfolio of roughly 150 homes.": "Broker/Owner",
        "Dana Whitfield is our Property Manager, managing 150 homes.": "Property Manager",
    }
    for text, title in cases.items():
        assert _titles_on_own_site(text) == {"Dana Whitfield": title}, text
    assert is_title("Broker/Owner, managing") is None
    assert is_title("Vice President, marketing") == "Vice President, marketing"  # a team, not a clause
