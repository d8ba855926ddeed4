"""The catalogue of real-world variants the ``wild`` sandbox style draws from.

Each entry is a way real property-management sites state a fact, collected from their pages
(and from ``shared/data/real_pm_text.jsonl``): how they state their portfolio size (exact,
"over", "approximately", ranges, number words, vague amounts), where the PMS portal link
sits, how the team is laid out, how emails are published or hidden, where the address is, and
which templates the sites are built on. A company's *look* picks one of each, from its own
random stream, and says what a perfect reader can prove from it (the ground truth the quality
bench scores against).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

TEMPLATES = ["wordpress", "onepage", "squarespace", "bootstrap", "legacy", "react"]

# (id, kind, text): kind says what the text proves; {n} exact, {r} rounded down, {lo}-{hi} a range,
# {words} the rounded number in words, {a} {b} {c} parts of an enumeration
UNIT_PHRASINGS: list[tuple[str, str, str]] = [
    ("e_we_manage", "exact", "We manage {n:,} homes across {metro} and the surrounding area."),
    ("e_stats_label", "exact", "STATS|{n:,}|Doors managed"),
    ("e_portfolio_colon", "exact", "Our portfolio: {n:,} units"),
    ("e_under_management", "exact", "{n:,} rentals under management and growing every month."),
    ("e_table_row", "exact", "TABLE|Units under management|{n:,}"),
    ("e_currently", "exact", "Currently managing {n:,} single-family homes and apartments."),
    ("e_under_care", "exact", "With {n:,} doors under our care, we know {metro} rentals inside out."),
    ("e_proudly", "exact", "Proudly managing {n:,} residential units for local owners."),
    ("e_look_after", "exact", "We look after {n:,} properties for investors across {state_name}."),
    ("e_third_person", "exact", "The company manages {n:,} rental homes for more than 300 owners."),
    ("e_enumeration", "exact",
     "We currently manage {a} single-family homes, {b} duplexes and {c} small apartment buildings."),
    ("l_over_managed", "at_least", "Over {r:,} homes managed"),
    ("l_stats_plus", "at_least", "STATS|{r:,}+|Units under management"),
    ("l_more_than", "at_least", "We oversee more than {r:,} properties in the {metro} metro."),
    ("l_upwards", "at_least", "Trusted with upwards of {r:,} rental homes."),
    ("l_words", "at_least", "We manage over {words} homes for local landlords."),
    ("a_approximately", "about", "We manage approximately {n:,} units."),
    ("a_roughly", "about", "Our team takes care of roughly {n:,} doors."),
    ("r_between", "range", "We manage between {lo:,} and {hi:,} homes."),
    ("v_hundreds", "vague", "We manage hundreds of homes across {metro}."),
    ("v_thousands", "vague", "Thousands of doors under management."),
    ("v_dozens", "vague", "We care for dozens of properties in {metro}."),
    ("none", "none", ""),
]  # fmt: skip
VAGUE_LOW = {"v_hundreds": 200, "v_thousands": 2000, "v_dozens": 24}

# sentences that carry numbers but are not the portfolio: every wild site gets a few
DECOYS = [
    "Serving {metro} families since {year}.",
    "Rated 4.9 stars from {reviews} reviews.",
    "Rents in our listings start at ${rent:,} per month.",
    "Homes from {sqft:,} sq ft with 3 bedrooms.",
    "We serve owners in {cities} cities across the region.",
    "Last year we leased {leased} homes in under 21 days on average.",
    "We recently took over a 240-unit community in {suburb}.",
    "Industry news: Greystar manages more than 700,000 units worldwide.",
    "We added {added} doors in 2024 alone.",
    "Call us today at {phone}.",
    "Fees: 8% for 1-4 units, 6% for 5 or more units.",
]

PORTAL_PLACEMENTS = [
    "header_button",  # <a class="btn"> Resident Login in the header
    "sidebar",  # a sidebar widget of quick links
    "footer_widget",  # a footer column listing "Tenant Portal"
    "iframe_page",  # nav "Make a Payment" -> a page that frames the portal
    "form",  # a login form whose action posts to the portal
    "meta_refresh",  # nav "Resident Portal" -> a page that refreshes into the portal
    "js_redirect",  # nav "Tenant Login" -> a page whose script sets location.href
    "redirect_301",  # nav "Pay Rent" -> /go/pay -> 301 to the portal
    "data_href",  # a button with data-href and onclick, no <a>
    "inline_config",  # the portal URL only in the page's own JSON configuration
    "owner_only",  # only an "Owner Login" link on the owners page
    "text_only",  # "log in to your AppFolio Online Portal" with no link: medium, not proof
    "script_widget",  # a vendor listings widget script: medium, not proof
]
NOT_PROOF = {"text_only", "script_widget"}
PEOPLE_LAYOUTS = ["cards", "card_line", "table", "dl", "heading_bio", "prose", "jsonld_only", "wp_media", "colon_line"]
EMAIL_STYLES = ["mailto", "cloudflare", "spelled", "plain", "none"]
ADDRESS_PLACES = ["jsonld", "footer_address", "contact_lines", "map_embed", "sidebar", "located_at", "footer_pipes"]

_SMALL = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@dataclass
class Look:
    template: str
    units_phrasing: str
    units_values: dict[str, int] = field(default_factory=dict)
    units_low: int | None = None  # what the site proves (None: nothing)
    units_high: int | None = None
    decoys: list[str] = field(default_factory=list)
    portal: str = "header_button"
    people: str = "cards"
    emails: str = "mailto"
    address: str = "jsonld"
    served_on_home: bool = True

    @property
    def pms_provable(self) -> bool:
        return self.portal not in NOT_PROOF


def _rounded(n: int) -> int:
    step = 100 if n >= 300 else 50 if n >= 100 else 10
    return max(step, n // step * step)


def _words(r: int) -> str:
    if r >= 1000:
        return f"{_SMALL[min(9, r // 1000)]} thousand"
    return f"{_SMALL[max(1, min(9, r // 100))]} hundred"


def units_look(rng: random.Random, units: int | None) -> tuple[str, dict[str, int], int | None, int | None]:
    """A phrasing for a portfolio of ``units`` and the bounds it proves."""
    if units is None:
        return "none", {}, None, None
    choices = [p for p in UNIT_PHRASINGS if _fits(p[0], units)]
    phrasing, kind, _text = rng.choice(choices)
    r = _rounded(units)
    if phrasing == "l_words":
        r = units // 1000 * 1000 if units >= 1000 else units // 100 * 100
    values = {"n": units, "r": r}
    if kind == "exact" and phrasing == "e_enumeration":
        a = max(1, int(units * 0.7))
        b = max(1, (units - a) // 2)
        values |= {"a": a, "b": b, "c": max(1, units - a - b)}
        values["n"] = values["a"] + values["b"] + values["c"]
        return phrasing, values, values["n"], values["n"]
    if kind == "exact":
        return phrasing, values, units, units
    if kind == "at_least":
        return phrasing, values, r, None
    if kind == "about":
        return phrasing, values, int(units * 0.9), int(units * 1.1 + 0.5)
    if kind == "range":
        lo, hi = _rounded(units), _rounded(units) + max(50, _rounded(units) // 4)
        values |= {"lo": lo, "hi": hi}
        return phrasing, values, lo, hi
    if kind == "vague":
        return phrasing, values, VAGUE_LOW[phrasing], None
    return "none", {}, None, None


def _fits(phrasing: str, units: int) -> bool:
    if phrasing == "v_hundreds":
        return 200 <= units < 1000
    if phrasing == "v_thousands":
        return units >= 2000
    if phrasing == "v_dozens":
        return 24 <= units < 100
    if phrasing == "l_words":
        return units >= 100
    if phrasing == "e_enumeration":
        return units >= 10
    return phrasing != "none"


def phrasing_kind(look: Look) -> str:
    """What the look's units phrasing proves: exact, at_least, about, range, vague or none."""
    return next((k for p, k, _t in UNIT_PHRASINGS if p == look.units_phrasing), "none")


def phrase(look: Look, metro: str, state_name: str) -> str:
    text = next(t for p, _k, t in UNIT_PHRASINGS if p == look.units_phrasing)
    values = look.units_values
    return text.format(metro=metro, state_name=state_name, words=_words(values.get("r", 0)), **values)


def make_look(rng: random.Random, units: int | None, has_pms: bool) -> Look:
    phrasing, values, low, high = units_look(rng, units)
    return Look(
        template=rng.choice(TEMPLATES),
        units_phrasing=phrasing,
        units_values=values,
        units_low=low,
        units_high=high,
        decoys=rng.sample(DECOYS, k=rng.randint(2, 4)),
        portal=rng.choice(PORTAL_PLACEMENTS) if has_pms else "header_button",
        people=rng.choice(PEOPLE_LAYOUTS),
        emails=rng.choice(EMAIL_STYLES),
        address=rng.choice(ADDRESS_PLACES),
        served_on_home=rng.random() < 0.6,
    )
