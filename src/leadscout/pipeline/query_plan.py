"""The query plan of web discovery: what to search, in which order, and the place it gives each
candidate (verification follows the plan, so the same web gives the same companies)."""

from __future__ import annotations

from leadscout import geo, vendors
from leadscout.criteria import Criteria

PAGES_PER_QUERY = 2
DEEPER_PAGE = 3  # read only by a run that would otherwise ask its user: a firm the engine ranks lower still counts
# past it, a query's next page is searched only while its last page showed a firm the run accepted, up to this one
DEEPEST_PAGE = 10
# a candidate's place in the plan: query position, then result rank, then place on a list page
PLAN_STEP, RANK_STEP = 10**8, 10**5
PROPOSED_BASE = 10**15  # proposals from outside the plan (an agent) come after it, in order


def query_plan(criteria: Criteria) -> list[str]:
    places = [f"{c} {criteria.state}" for c in criteria.cities] or [criteria.state or "United States"]
    names = [v.name for v in vendors.vendors() if v.slug in criteria.pms]
    queries: list[str] = []
    for place in places:
        # a PMS asked for: sites that name the vendor first (most of them use it)
        queries += [f"{name} property management {place}" for name in names]
        queries += [f"property management companies in {place}", f"top property managers {place}"]
        queries += [f"best property management company {place}", f"property management {place} rentals"]
        queries.append(f"rental management {place}")  # firms that call themselves rental, not property, managers
    if criteria.cities and criteria.state and criteria.geo_scope == "metro":
        suburbs = sorted(criteria.allowed_cities()[1:], key=lambda c: -geo.place_size(c, criteria.state or ""))
        for city in suburbs[:8]:  # the largest places of the metro first: that is where the firms are
            queries.append(f"property management {city} {criteria.state}")
    return list(dict.fromkeys(queries))


def search_plan(criteria: Criteria, *, deeper: bool = False) -> list[tuple[str, int]]:
    """(query, result page) in the order they are searched: the first pages of every query, or
    (``deeper``) the page after them, for a run that read them all and is still short."""
    if deeper:
        return [(query, DEEPER_PAGE) for query in query_plan(criteria)]
    return [(query, page) for query in query_plan(criteria) for page in range(1, PAGES_PER_QUERY + 1)]
