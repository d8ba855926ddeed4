"""The readers on the ways real sites state things: units, people, places, PMS links, emails."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from leadscout.research.read import page, published
from leadscout.research.read.inspect import inspect_page
from leadscout.research.read.people import is_name, is_title, read_people, same_person
from leadscout.research.read.places import read_places
from leadscout.research.read.pms import Page, Tier, detect_pms
from leadscout.research.read.quantities import best_claim, claims_in_text


def html_page(body: str) -> page.PageText:
    return page.from_html(LexborHTMLParser(f"<html><body>{body}</body></html>"))


# -- units ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("We currently manage over 1,500 rental homes in the Austin area.", 1500, "at_least"),
        ("Managing 350+ doors across Central Texas", 350, "at_least"),
        ("Our portfolio includes 2,300 units across 40 communities.", 2300, "exact"),
        ("Portfolio: 450 units", 450, "exact"),
        ("Doors Managed: 1,200", 1200, "exact"),
        ("1,200+ doors under management", 1200, "at_least"),
        ("With more than 800 properties under management, we know Tampa.", 800, "at_least"),
        ("We take care of nearly 400 residences.", 400, "about"),
        ("Over two thousand homes managed", 2000, "at_least"),
        ("We manage between 800 and 1,000 units.", 800, "range"),
        ("Our team of 12 manages 450 doors.", 450, "exact"),
        ("We manage hundreds of homes across the valley.", 200, "at_least"),
        ("We manage more than 1.2k units.", 1200, "at_least"),
        ("We manage a portfolio of approximately 3,000 units.", 3000, "about"),
        ("Currently we oversee 75 properties for 40 owners.", 75, "exact"),
        ("With 766 doors under our care, we know Austin rentals inside out.", 766, "exact"),
        ("We currently manage 298 single-family homes, 64 duplexes and 64 small apartment buildings.", 426, "exact"),
        ("A portfolio of 310 single-family homes and apartments.", 310, "exact"),
        ("The company manages 240 rental homes for more than 300 owners.", 240, "exact"),
        ("Thousands of doors under management.", 2000, "at_least"),
    ],
)
def test_portfolio_claims_as_sites_state_them(text: str, value: int, qualifier: str) -> None:
    claim = best_claim(claims_in_text(text, "Acme Property Management"))
    assert claim is not None and (claim.value, claim.qualifier) == (value, qualifier)
    assert claim.phrase == text  # the quote is verbatim


@pytest.mark.parametrize(
    "text",
    [
        "Since 1998 we have managed homes in Austin.",
        "Rated 4.9 stars from 500+ reviews",
        "Serving 12 cities in the metro.",
        "$1,500/month 3 bed home for rent",
        "This 24-unit apartment complex in Round Rock is now available.",
        "Industry news: Greystar manages more than 700,000 units worldwide.",
        "Our owners have 1 to 50 properties each.",
        "Call 512-555-1234 today",
        "Last year we leased 300 homes.",
        "We added 150 doors this year.",
        "Fees: 8% for 1-4 units, 6% for 5 or more units.",
        "Homes from 1,200 sq ft with 3 bedrooms.",
        "I have heard of companies that have one property manager for every 250 units.",
        "Provide verification of 500 unit years of management experience.",
        "We were the recipients of hundreds of properties a week.",
    ],
)
def test_numbers_that_are_not_the_portfolio(text: str) -> None:
    assert claims_in_text(text, "Acme Property Management") == []


def test_a_stats_block_and_a_table_row_pair_number_and_label() -> None:
    stats = html_page("<div class='stat'><h3>1,200+</h3><p>Doors under management</p></div>"
                      "<div class='stat'><h3>25</h3><p>Years in business</p></div>")  # fmt: skip
    from leadscout.research.read.quantities import claims_in_page

    assert [(c.value, c.qualifier) for c in claims_in_page(stats)] == [(1200, "at_least")]
    table = html_page("<table><tr><th>Founded</th><td>2014</td></tr><tr><th>Units under management</th>"
                      "<td>147</td></tr></table>")  # fmt: skip
    assert [c.value for c in claims_in_page(table)] == [147]  # not the year in the row above


def test_bounds_decide_only_when_they_can() -> None:
    over = best_claim(claims_in_text("We manage over 500 homes."))
    about = best_claim(claims_in_text("We manage approximately 400 units."))
    assert over is not None and about is not None
    assert over.decides(minimum=300) is True and over.decides(minimum=800) is None  # "over 500" vs 800: unknown
    assert over.decides(maximum=1000) is None  # no upper bound stated
    assert about.decides(minimum=350) is True and about.decides(minimum=400) is None
    assert about.decides(maximum=300) is False


# -- people --------------------------------------------------------------------------------------
LAYOUTS = {
    "card": "<div class='staff-card'><h3>Maria Garcia</h3><p class='position'>Broker/Owner</p>"
    "<a href='mailto:maria@oakpm.com'>Email Maria</a></div>",
    "line": "<div class='member'><p><strong>Maria Garcia</strong> | Broker/Owner</p></div>",
    "table": "<table><tr><th>Name</th><th>Title</th></tr><tr><td>Maria Garcia</td><td>Broker/Owner</td></tr></table>",
    "dl": "<dl><dt>Maria Garcia</dt><dd>Broker/Owner</dd></dl>",
    "bio": "<h4>Maria Garcia</h4><p>Maria is our Broker/Owner and has worked in Austin real estate for 12 years.</p>",
    "prose": "<p>Maria Garcia, Broker/Owner, founded Oak PM in 1998.</p>",
    "colon": "<p>Broker/Owner: Maria Garcia</p>",
    "wp": "<div class='wp-block-media-text'><div class='wp-block-media-text__content'><p><strong>Maria Garcia"
    "</strong><br><em>Broker/Owner</em></p></div></div>",
    "meet": "<p>Meet Maria Garcia, our Broker/Owner.</p>",
    "title_above": "<div class='card'><h5>Broker/Owner</h5><h3>Maria Garcia</h3></div>",
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_person_and_title_from_any_structure(layout: str) -> None:
    people = read_people(html_page(LAYOUTS[layout]))
    assert [(p.full_name, p.title) for p in people] == [("Maria Garcia", "Broker/Owner")]


def test_people_from_json_ld_and_prose_of_the_trade_press() -> None:
    jsonld = [{"@type": "Person", "name": "Ann Lee", "jobTitle": "Owner", "email": "mailto:ann@oak.com"}]
    assert [(p.full_name, p.title, p.email) for p in read_people(page.PageText(), jsonld)] == [
        ("Ann Lee", "Owner", "ann@oak.com")
    ]
    prose = page.from_text("At 7 p.m. on a Friday evening, Keith J. Hales, president of Hales Property "
                           "Management, Inc., happened to be checking his email.")  # fmt: skip
    assert [(p.full_name, p.title) for p in read_people(prose)] == [("Keith J. Hales", "president")]
    founders = page.from_text("Oak PM was founded by Jane and John Doe in 1998.")
    assert {p.full_name for p in read_people(founders)} == {"Jane Doe", "John Doe"}


@pytest.mark.parametrize(
    "text",
    [
        "Contact Us | Property Management",
        "Round Rock, TX 78664",
        "Read More",
        "Owner Login",
        "Pay Rent Online",
        "Austin Property Management Services",
        "Copyright 2026 Oak PM. All rights reserved.",
    ],
)
def test_page_furniture_is_nobody(text: str) -> None:
    assert read_people(html_page(f"<div><p>{text}</p><p>President</p></div>")) == []


def test_names_and_titles_are_checked() -> None:
    assert is_name("Keith J. Hales") and is_name("C. Preston Butcher") and is_name("J.C. Palmer")
    assert not is_name("Property Management") and not is_name("Owner: Kevin Taylor") and not is_name("CPM Emeritus")
    assert is_title("Director of Operations") == "Director of Operations"
    assert is_title("President of Acme Realty") == "President"
    assert is_title("Owner and") is None and is_title("Welcome home") is None


# -- places --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "source"),
    [
        ("<footer><address>500 Elm St<br>Round Rock, TX 78664</address></footer>", "address_tag"),
        ("<div class='location'><p>500 Elm St</p><p>Round Rock, TX 78664</p></div>", "contact"),
        ("<aside class='widget'><h4>Visit Us</h4><p>500 Elm St, Round Rock TX 78664</p></aside>", "text"),
        ("<footer><p>Oak PM | 500 Elm St | Round Rock, TX 78664 | (512) 555-0100</p></footer>", "footer"),
        ("<p>Our office is located at 500 Elm St in Round Rock, Texas.</p>", "located"),
    ],
)
def test_the_hq_wherever_the_site_puts_it(body: str, source: str) -> None:
    addresses, _ = read_places(html_page(body))
    assert (addresses[0].city, addresses[0].state, addresses[0].source) == ("Round Rock", "TX", source)


def test_a_map_embed_and_json_ld_give_the_hq() -> None:
    url = "https://www.google.com/maps/embed/v1/place?key=K&q=500+Elm+St,+Round+Rock,+TX+78664"
    addresses, _ = read_places(page.PageText(), None, [url])
    assert (addresses[0].city, addresses[0].source) == ("Round Rock", "map")
    jsonld = [{"@type": "LocalBusiness", "address": {"addressLocality": "Austin", "addressRegion": "Texas"}}]
    assert read_places(page.PageText(), jsonld)[0][0].state == "TX"


def test_served_areas_are_kept_apart_from_the_hq() -> None:
    body = ("<p>We serve the greater Austin area, north to Round Rock, east to Manor, south to San Marcos, and "
            "west to Lakeway.</p><footer><address>12 Main St, Kyle, TX 78640</address></footer>")  # fmt: skip
    addresses, served = read_places(html_page(body))
    assert [a.city for a in addresses] == ["Kyle"]
    assert served == ["Austin", "Round Rock", "Manor", "San Marcos", "Lakeway"]


def test_a_city_in_prose_is_not_an_office() -> None:
    body = "<p>" + "We help landlords with homes in Dallas, TX and the suburbs; " * 3 + "</p>"
    assert read_places(html_page(body))[0] == []
    assert read_places(page.from_text("Springfield, XX 12345"))[0] == []  # not a state


# -- PMS -------------------------------------------------------------------------------------------
PORTAL = "https://oakpm.appfolio.com/connect"


@pytest.mark.parametrize(
    "html",
    [
        f"<header><a class='btn' href='{PORTAL}'>Resident Login</a></header>",
        f"<form action='{PORTAL}/users/sign_in' method='post'><button>Sign in</button></form>",
        f"<head><meta http-equiv='refresh' content='0; URL={PORTAL}'></head>",
        f"<button data-href='{PORTAL}' onclick=\"window.location.href='{PORTAL}'\">Pay Rent</button>",
        f'<script>window.SITE_CONFIG = {{"portalUrl": "{PORTAL}"}};</script>',
        f'<script>const PORTAL_URL = "{PORTAL}";</script>',
        f"<iframe src='{PORTAL}'></iframe>",
        "<p>Log in at oakpm.appfolio.com to pay rent.</p>",
    ],
)
def test_a_portal_link_anywhere_is_strong(html: str) -> None:
    detection = detect_pms([Page(url="http://www.oakpm.com/", html=f"<html>{html}</html>")])
    assert [(label.vendor, label.tier) for label in detection.best(Tier.STRONG)] == [("appfolio", Tier.STRONG)]


def test_mentions_are_medium_and_comparisons_and_vendor_pages_say_nothing() -> None:
    mention = "<p>The AppFolio Online Portal is an easy way to pay rent.</p>"
    found = detect_pms([Page(url="http://www.oakpm.com/", html=mention)]).best(Tier.MEDIUM)
    assert [(label.vendor, label.tier) for label in found] == [("appfolio", Tier.MEDIUM)]
    compare = "<p>The best tools compared: AppFolio vs Buildium for your resident portal.</p>"
    assert detect_pms([Page(url="http://www.oakpm.com/blog", html=compare)]).best(Tier.MEDIUM) == []
    vendor_docs = "<p>This article shows you how to use your Rentvine owner portal.</p>"
    assert detect_pms([Page(url="https://support.rentvine.com/x", html=vendor_docs)]).best(Tier.MEDIUM) == []
    badge = "<footer>Powered by <a href='https://www.appfolio.com/'>AppFolio</a></footer>"
    assert detect_pms([Page(url="http://www.oakpm.com/", html=badge)]).best(Tier.MEDIUM) == []


# -- emails ----------------------------------------------------------------------------------------
def test_emails_however_they_are_hidden() -> None:
    key = 0x42
    hexed = f"{key:02x}" + "".join(f"{ord(ch) ^ key:02x}" for ch in "jane@oakpm.com")
    assert published.decode_cfemail(hexed) == "jane@oakpm.com"
    assert published.cf_href(f"/cdn-cgi/l/email-protection#{hexed}") == "jane@oakpm.com"
    assert published.in_text("write to jane [at] oakpm [dot] com or bo(at)oakpm(dot)com") == [
        "jane@oakpm.com",
        "bo@oakpm.com",
    ]
    protected = f"<span class='__cf_email__' data-cfemail='{hexed}'>[email protected]</span>"
    card = html_page(
        f"<div><h3>Jane Doe</h3><p>Owner</p><a href='/cdn-cgi/l/email-protection#{hexed}'>{protected}</a></div>"
    )
    assert [(p.full_name, p.email) for p in read_people(card)] == [("Jane Doe", "jane@oakpm.com")]


def test_inspect_reports_every_reader_on_html_and_on_text() -> None:
    html = ("<html><body><a href='https://oakpm.appfolio.com/connect'>Resident Login</a>"
            "<p>We manage over 450 doors.</p><h3>Jane Doe</h3><p>Owner</p>"
            "<address>500 Elm St, Austin, TX 78701</address></body></html>")  # fmt: skip
    report = inspect_page(html, url="http://www.oakpm.com/")
    assert report.units_estimate == 450 and report.units_quote == "We manage over 450 doors."
    assert [(p.full_name, p.title) for p in report.people] == [("Jane Doe", "Owner")]
    assert [(p.vendor, p.tier, p.url) for p in report.pms] == [
        ("appfolio", "strong", "https://oakpm.appfolio.com/connect")
    ]
    assert report.hq is not None and (report.hq.city, report.hq.state) == ("Austin", "TX")
    text = inspect_page("Jane Doe, owner and broker, founded the firm.\nWe manage 120 homes in Austin, TX.")
    assert text.units_estimate == 120 and [p.full_name for p in text.people] == ["Jane Doe"]


def test_a_person_named_again_by_a_nickname_is_one_person() -> None:
    assert same_person("Michael Catalano", "Mike Catalano")
    assert same_person("Robert Mallard", "Bob Mallard")
    assert same_person("Kelly Coffman", "Kelly Coffman")
    assert not same_person("Michael Catalano", "Mike Gordon")  # another surname
    assert not same_person("Radiah Mallard", "Robert Mallard")  # a relative, not a nickname
    assert same_person("Cher", "cher") and not same_person("Cher", "Mike Cher")  # one word: the same words
    text = (
        "Our guest today is Michael Catalano, CEO of Real Estate Connections.\n\n"
        "Mike Catalano, CEO, started the firm in 2004."
    )
    people = read_people(page.from_text(text))
    assert [p.full_name for p in people] == ["Michael Catalano"]
