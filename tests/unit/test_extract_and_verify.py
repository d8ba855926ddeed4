"""Extraction, company naming, company-type classification, query plans and decision options."""

from __future__ import annotations

import pytest

from leadscout.criteria import parse_criteria
from leadscout.pipeline.decisions import discovery_options, near_miss_summary
from leadscout.pipeline.list_pages import normalise_name
from leadscout.pipeline.query_plan import query_plan, search_plan
from leadscout.research.judge.verify import classify_type, name_from_title
from leadscout.research.read.extract import extract, unit_claims
from leadscout.research.web.fetch import FetchResult


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("We manage over 1,200 units across the Austin area.", 1200),
        ("Our team takes care of 450+ doors for local owners.", 450),
        ("A portfolio of 310 single-family homes and apartments.", 310),
        ("Trusted with more than 95 rental homes.", 95),
        ("2,500 units under management and growing.", 2500),
    ],
)
def test_unit_claims_in_varied_phrasing(text: str, value: int) -> None:
    claims = unit_claims(text)
    assert [c.value for c in claims] == [value] and claims[0].phrase == text


def test_numbers_that_are_not_a_portfolio_are_ignored() -> None:
    assert unit_claims("See 3 homes for sale near you. Founded in 1999. Call 512 555 0100.") == []


def test_addresses_people_and_emails() -> None:
    html = """<html><head><title>Oak PM | Property Management in Austin, TX</title>
    <script type='application/ld+json'>{"@context":"https://schema.org","@graph":[
      {"@type":"LocalBusiness","name":"Oak PM","address":{"@type":"PostalAddress","streetAddress":"12 Main St",
       "addressLocality":"Round Rock","addressRegion":"Texas","postalCode":"78664"}},
      {"@type":"Person","name":"Ann Lee","jobTitle":"Owner"}]}</script>
    <script type='application/ld+json'>{broken json</script></head>
    <body><div class='team-member'><h3 class='name'>Ann Lee</h3><p class='title'>Owner</p>
    <a href='mailto:ann@oak-pm.com'>ann@oak-pm.com</a></div>
    <div class='team-member'><h3 class='name'>Bo Diaz</h3><p class='title'>Leasing Agent</p></div>
    <footer><address>500 Elm St, Austin, TX 78701</address> Call (512) 555-0100</footer></body></html>"""
    facts = extract("http://www.oak-pm.com/team", html)
    assert [(a.city, a.state, a.source) for a in facts.addresses] == [
        ("Round Rock", "TX", "jsonld"),
        ("Austin", "TX", "address_tag"),
    ]
    assert {(p.full_name, p.title, p.email) for p in facts.people} == {
        ("Ann Lee", "Owner", "ann@oak-pm.com"),
        ("Bo Diaz", "Leasing Agent", None),
    }
    assert facts.emails == ["ann@oak-pm.com"] and facts.phones == ["(512) 555-0100"]


@pytest.mark.parametrize(
    "html",
    [
        "",
        "\x00\x01\x02",
        "<div>" * 20000,
        "<a href='http://[::1'>x</a>",
        "<script type='application/ld+json'>[[[[[[</script>",
        "é" * 100000,
    ],
)
def test_extract_never_raises(html: str) -> None:
    extract("http://x.com/", html)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Oak PM | Property Management in Austin, TX", "Oak PM"),
        ("About | Cedar Realty & Management", "Cedar Realty & Management"),
        ("Home - Maple Rentals", "Maple Rentals"),
        ("", ""),
    ],
)
def test_name_from_title(title: str, name: str) -> None:
    assert name_from_title(title) == name


def _page(text: str) -> tuple[FetchResult, object]:
    return FetchResult(url="http://x.com/", final_url="http://x.com/", ok=True), extract(
        "http://x.com/", f"<p>{text}</p>"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Full-service residential property management: leasing, rent collection and tenant screening.",
            "property_manager",
        ),
        ("Community association management for HOAs and condominium associations.", "hoa"),
        ("Search homes for sale and meet buyers and sellers agents at our real estate brokerage.", "brokerage"),
        ("Luxury apartment homes: floor plans, amenities, schedule a tour.", "apartment_community"),
        ("Vacation rentals: book your stay, nightly getaways.", "vacation_rental"),
        ("This domain may be for sale. Buy this domain. Related: property management.", "parked"),
    ],
)
def test_company_type_rejects_look_alikes(text: str, kind: str) -> None:
    got, evidence = classify_type([_page(text)])  # type: ignore[list-item]
    assert got == kind and evidence is not None and evidence.quote


def test_query_plan_covers_pms_and_metro_cities() -> None:
    plan = query_plan(parse_criteria({"quantity": 5, "cities": ["Austin"], "state": "TX", "pms": ["appfolio"]}))
    assert "property management companies in Austin TX" in plan
    assert "AppFolio property management Austin TX" in plan
    assert "rental management Austin TX" in plan  # "True Rental Management" is found by its own words
    assert any("Round Rock" in q or "Pflugerville" in q for q in plan)
    assert len(plan) == len(set(plan))
    criteria = parse_criteria({"quantity": 5, "cities": ["Austin"], "state": "TX"})
    first, deeper = search_plan(criteria), search_plan(criteria, deeper=True)
    assert first[:2] == [("property management companies in Austin TX", page) for page in (1, 2)]
    assert {q for q, _ in deeper} == {q for q, _ in first} and {p for _, p in deeper} == {3}
    assert normalise_name("Oak Property Management, LLC") == normalise_name("oak property management")


def test_decision_options_are_concrete() -> None:
    rows = [
        {
            "status": "rejected",
            "verdicts": [{"criterion": "location", "verdict": "false", "detail": "HQ Waco, TX: out"}],
        },
        {"status": "rejected", "verdicts": [{"criterion": "pms", "verdict": "false", "detail": "uses buildium"}]},
        {
            "status": "rejected",
            "verdicts": [{"criterion": "units_min", "verdict": "false", "detail": "80 units stated"}],
        },
        {
            "status": "rejected",
            "verdicts": [
                {"criterion": "units_min", "verdict": "false", "detail": "60 units stated"},
                {"criterion": "pms", "verdict": "false", "detail": "uses yardi"},
            ],
        },
    ]
    criteria = parse_criteria(
        {"quantity": 25, "cities": ["Austin"], "state": "TX", "pms": ["appfolio"], "units_min": 100}
    )
    options = {o["action"]: o for o in discovery_options(criteria, 7, 25, near_miss_summary(rows))}
    assert options["expand_location"]["suggestion"] == {"cities": ["Waco"]}
    assert options["loosen_pms"]["suggestion"] == {"pms": ["buildium"]}
    assert options["lower_units"]["suggestion"] == {"units_min": 80}
    assert "7 of 25" in str(options["accept_partial"]["label"])


def test_expanding_the_location_offers_the_nearest_cities_never_another_metro() -> None:
    def miss(city: str) -> dict[str, object]:
        return {
            "status": "rejected",
            "verdicts": [{"criterion": "location", "verdict": "false", "detail": f"HQ {city}: out"}],
        }

    rows = [miss("Dallas, TX")] * 5 + [miss("Georgetown, TX"), miss("Round Rock, TX"), miss("Round Rock, TX")]
    rows += [miss("Denver, CO")] * 9
    criteria = parse_criteria({"quantity": 10, "cities": ["Austin"], "state": "TX", "geo_scope": "city"})
    option = next(
        o for o in discovery_options(criteria, 3, 10, near_miss_summary(rows)) if o["action"] == "expand_location"
    )
    assert option["suggestion"] == {"cities": ["Round Rock", "Georgetown"]}  # nearest first; Dallas and Denver are far
    assert "Round Rock (2" in str(option["label"])
    far = parse_criteria({"quantity": 10, "cities": ["Austin"], "state": "TX"})
    option = next(
        o for o in discovery_options(far, 3, 10, near_miss_summary(rows[:5])) if o["action"] == "expand_location"
    )
    assert option["suggestion"] == {"radius_miles": 60}


def test_jsonld_itemlist_entries_are_list_candidates() -> None:
    from leadscout.pipeline.list_pages import itemlist_entries

    html = """<script type='application/ld+json'>{"@type": "ItemList", "itemListElement": [
      {"@type": "ListItem", "position": 1, "item": {"name": "Oak PM", "url": "https://oak-pm.com/"}},
      {"@type": "ListItem", "position": 2, "name": "Elm PM", "url": "https://elm-pm.com/"},
      {"@type": "ListItem", "position": 3, "name": "No link"}]}</script>"""
    facts = extract("http://list.example.com/", html)
    assert itemlist_entries(facts) == [("Oak PM", "https://oak-pm.com/"), ("Elm PM", "https://elm-pm.com/")]


def test_people_in_script_data_are_read_with_their_titles() -> None:
    from leadscout.research.read.extract import extract

    html = (
        "<html><body><div id='root'></div><script id='__NEXT_DATA__' type='application/json'>"
        '{"props":{"pageProps":{"team":[{"name":"Jane Doe","title":"President"},'
        '{"name":"Apply Today","title":"Leasing"},{"name":"Sam Lee"}]}}}</script>'
        "<script>var staff = [{fullName: 'Carlos Ruiz', position: 'Director of Operations'}];</script>"
        "<script>window.__ROUTES__ = [{path: '/', label: 'Home'}];</script></body></html>"
    )
    found = {(p.full_name, p.title, p.source) for p in extract("https://acme-pm.com/", html).people}
    # a name with no title, or words that are not a name, are not people
    assert found == {("Jane Doe", "President", "script"), ("Carlos Ruiz", "Director of Operations", "script")}
