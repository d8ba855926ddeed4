"""US geography: state codes and names, and the explicit city-to-metro policy."""

from __future__ import annotations

import math
from functools import cache

STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
}
_BY_NAME = {name.lower(): code for code, name in STATES.items()}


def state_code(value: str) -> str | None:
    """``tx``, ``TX`` or ``Texas`` -> ``TX``; None when it is not a US state."""
    text = value.strip()
    if text.upper() in STATES:
        return text.upper()
    return _BY_NAME.get(text.lower())


# -- metro policy ------------------------------------------------------------------------------------
# City -> nearby cities from the `zipcodes` package (ZIP -> city, state, lat/long; shipped in
# the wheel, so it works offline). A run's geography is explicit: either the named cities only,
# or each city's metro = every city whose ZIP centroid lies within `radius_miles` of it.


@cache
def _state_zips(state: str) -> tuple[tuple[str, float, float], ...]:
    import zipcodes

    rows = []
    for z in zipcodes.filter_by(state=state):  # type: ignore[no-untyped-call,unused-ignore]
        # a ZIP's other accepted city names count too: Lakewood, CO has no ZIP of its own name
        for name in [z.get("city"), *(a for a in z.get("acceptable_cities") or [] if _spelled_out(a))]:
            try:
                rows.append((str(name).title(), float(z["lat"]), float(z["long"])))
            except (TypeError, ValueError, KeyError):
                continue
    return tuple(rows)


def _spelled_out(name: str) -> bool:
    """USPS alternates such as "Vlg O The Hls" are abbreviations, not how anyone writes a city."""
    return all(len(w) > 1 and any(v in w.lower() for v in "aeiouy") for w in str(name).split())


def warm() -> None:
    """Load the ZIP tables now (about a second of C code holding the GIL): a worker does this
    before it takes jobs, so the first job does not hold up every thread of the process."""
    import zipcodes

    zipcodes.filter_by(state="DE")  # type: ignore[no-untyped-call,unused-ignore]
    _cities()
    _zips()


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles."""
    return _miles(a, b)


def _miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 3958.8 * 2 * math.asin(math.sqrt(h))


def city_center(city: str, state: str) -> tuple[float, float] | None:
    points = [(lat, lon) for name, lat, lon in _state_zips(state) if name == city.title()]
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def metro_cities(city: str, state: str, radius_miles: float) -> list[str]:
    """The city and every city of the same state within ``radius_miles`` of it, nearest first."""
    center = city_center(city, state)
    if center is None:
        return [city.title()]
    nearest: dict[str, float] = {}
    for name, lat, lon in _state_zips(state):
        d = _miles(center, (lat, lon))
        if d <= radius_miles and d < nearest.get(name, math.inf):
            nearest[name] = d
    nearest[city.title()] = 0.0
    return sorted(nearest, key=lambda n: (nearest[n], n))


# -- places -------------------------------------------------------------------------------------------
@cache
def _cities() -> dict[str, frozenset[str]]:
    """City name (lower case) -> the states that have a place of that name (the `zipcodes` table)."""
    import zipcodes

    table: dict[str, set[str]] = {}
    for z in zipcodes.list_all():  # type: ignore[no-untyped-call,unused-ignore]
        for name in [z.get("city"), *(z.get("acceptable_cities") or [])]:
            if name:
                table.setdefault(str(name).lower(), set()).add(str(z["state"]))
    return {name: frozenset(states) for name, states in table.items()}


@cache
def _zip_counts() -> dict[tuple[str, str], int]:
    import zipcodes

    counts: dict[tuple[str, str], int] = {}
    for z in zipcodes.list_all():  # type: ignore[no-untyped-call,unused-ignore]
        key = (str(z["city"]).lower(), str(z["state"]))
        counts[key] = counts.get(key, 0) + 1
    return counts


def place_size(city: str, state: str) -> int:
    """How many ZIP codes a place has: a rough measure of its size (Round Rock before Rollingwood)."""
    return _zip_counts().get((city.lower(), state), 0)


LARGE_PLACE_ZIPS = 8  # a place with this many ZIP codes is a city a text means when it names it (Austin, Boise)


def is_large_place(name: str) -> bool:
    """A city big enough that its name alone speaks of it: Austin, yes; Acme, WA or Meredith, NH, no."""
    return any(place_size(name, state) >= LARGE_PLACE_ZIPS for state in city_states(name))


def main_state(city: str) -> str | None:
    """The state of the largest place of that name (the one with the most ZIP codes): what
    "Minneapolis-based" means without a state."""
    states = city_states(city)
    if not states:
        return None
    counts = _zip_counts()
    return max(sorted(states), key=lambda st: counts.get((city.lower(), st), 0))


@cache
def _zips() -> dict[str, tuple[str, str]]:
    import zipcodes

    return {str(z["zip_code"]): (str(z["city"]).title(), str(z["state"])) for z in zipcodes.list_all()}  # type: ignore[no-untyped-call,unused-ignore]


def city_states(name: str) -> frozenset[str]:
    """The states with a city (or town) of this name; empty when there is none."""
    return _cities().get(" ".join(name.split()).lower().replace("saint ", "st. "), frozenset()) or _cities().get(
        " ".join(name.split()).lower(), frozenset()
    )


def is_city(name: str, state: str | None = None) -> bool:
    states = city_states(name)
    return bool(states) and (state is None or state in states)


def zip_place(zip_code: str) -> tuple[str, str] | None:
    """(city, state) of a 5-digit ZIP, or None."""
    return _zips().get(zip_code[:5])
