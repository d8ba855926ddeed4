"""Company sites of the ``wild`` sandbox style: the same world, built the way real sites are.

Six templates (WordPress-like, a single page, Squarespace-like nested blocks, a Bootstrap agency
theme, an old table layout, a script-heavy app shell), each with its own paths and menu words;
the catalogue's ways of stating units, placing the portal, laying out the team, hiding emails and
giving the address (:mod:`leadscout.sandbox.catalogue`). Nothing here is shaped to the readers:
each variant is one a real site uses.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote_plus

from leadscout.geo import STATES
from leadscout.sandbox import blind, jsonld
from leadscout.sandbox.catalogue import Look, phrase, phrasing_kind
from leadscout.sandbox.pages import _BLURB, VENDOR_SITES
from leadscout.sandbox.world import Person, WorldCompany, hashed_pick

PAGES = ("about", "team", "contact", "residents", "owners")
PATHS: dict[str, dict[str, str]] = {
    "wordpress": {
        "about": "/about-us/",
        "team": "/our-team/",
        "contact": "/contact-us/",
        "residents": "/tenants/",
        "owners": "/owners/",
    },
    "onepage": {"about": "/", "team": "/", "contact": "/", "residents": "/", "owners": "/"},
    "squarespace": {
        "about": "/about",
        "team": "/meet-the-team",
        "contact": "/contact",
        "residents": "/residents",
        "owners": "/property-owners",
    },
    "bootstrap": {
        "about": "/company",
        "team": "/leadership",
        "contact": "/get-in-touch",
        "residents": "/renters",
        "owners": "/landlords",
    },
    "legacy": {
        "about": "/about.html",
        "team": "/staff.html",
        "contact": "/contact.html",
        "residents": "/tenants.html",
        "owners": "/owners.html",
    },
    "react": {
        "about": "/who-we-are",
        "team": "/people",
        "contact": "/reach-us",
        "residents": "/resident-center",
        "owners": "/owner-services",
    },
}
LABELS: dict[str, dict[str, str]] = {
    "wordpress": {
        "about": "About Us",
        "team": "Our Team",
        "contact": "Contact Us",
        "residents": "Tenants",
        "owners": "Owners",
    },
    "onepage": {"about": "About", "team": "Team", "contact": "Contact", "residents": "Residents", "owners": "Owners"},
    "squarespace": {
        "about": "About",
        "team": "Meet the Team",
        "contact": "Contact",
        "residents": "Residents",
        "owners": "Property Owners",
    },
    "bootstrap": {
        "about": "Company",
        "team": "Leadership",
        "contact": "Get in Touch",
        "residents": "Renters",
        "owners": "Landlords",
    },
    "legacy": {"about": "About", "team": "Staff", "contact": "Contact", "residents": "Tenants", "owners": "Owners"},
    "react": {
        "about": "Who We Are",
        "team": "People",
        "contact": "Reach Us",
        "residents": "Resident Center",
        "owners": "Owner Services",
    },
}
# pages that only carry the portal hop of some placements
HOPS = {
    "iframe_page": ("/online-payments/", "Make a Payment"),
    "form": ("/login/", "Resident Login"),
    "meta_refresh": ("/resident-portal/", "Resident Portal"),
    "js_redirect": ("/tenant-login", "Tenant Login"),
    "redirect_301": ("/go/pay", "Pay Rent"),
}


def _seeded(c: WorldCompany, salt: str, low: int, high: int) -> int:
    return low + hashed_pick(f"{c.slug}:{salt}", high - low + 1)


def _look(c: WorldCompany) -> Look:
    assert c.look is not None
    return c.look


def js_only(c: WorldCompany) -> bool:
    """A third of the script-app sites serve only a shell: their content, links, portal and team
    cards are put in by their bundle, in the browser."""
    return c.look is not None and c.look.template == "react" and _seeded(c, "js_only", 0, 2) == 0


def company_page(c: WorldCompany, path: str) -> tuple[int, str, dict[str, str]]:
    status, html, extra = _company_page(c, path)
    if not js_only(c) or extra.get("content-type") or status != 200 or path in {h for h, _ in HOPS.values()}:
        return status, html, extra
    return 200, _app_shell(c), {}


def _app_shell(c: WorldCompany) -> str:
    """The app's index.html: its head keeps what a build puts there (the site's config, its JSON-LD,
    a vendor's widget script), as the page's own head does; the bundle fills the body."""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(c.name)}</title>"
        f"{_head(c, _look(c))}"
        "<link rel='stylesheet' href='/static/css/main.css'></head><body><noscript>You need to enable JavaScript "
        "to run this app.</noscript><div id='root'></div><script src='/static/js/app.js'></script></body></html>"
    )


def _bundle(c: WorldCompany) -> str:
    """The app's bundle: every route's markup, put into #root for the path the browser is on."""
    look = _look(c)
    routes = {"/": _body_of(_company_page(c, "/")[1])}
    for page in PAGES:
        routes[PATHS[look.template][page].rstrip("/")] = _body_of(_company_page(c, PATHS[look.template][page])[1])
    return (
        f"const ROUTES = {json.dumps(routes)};\n"
        "const here = window.location.pathname.replace(/\\/$/, '') || '/';\n"
        "document.getElementById('root').innerHTML = ROUTES[here] || ROUTES['/'];\n"
    )


def _body_of(html: str) -> str:
    start = html.find(">", html.find("<body")) + 1
    return html[start : html.rfind("</body>")]


def _company_page(c: WorldCompany, path: str) -> tuple[int, str, dict[str, str]]:
    look = _look(c)
    if path == "/static/js/app.js" and js_only(c):
        return 200, _bundle(c), {"content-type": "application/javascript"}
    if path == "/static/css/main.css" and js_only(c):
        return 200, "body{font-family:sans-serif}", {"content-type": "text/css"}
    paths = PATHS[look.template]
    if look.portal in HOPS and c.portal_url and path == HOPS[look.portal][0]:
        return _hop(c, look)
    if path == "/sitemap.xml":  # most real sites publish one; the script-routed ones depend on it
        return 200, _sitemap(c, look), {"content-type": "application/xml"}
    if path in ("/", "/index.html", "/index.php", "/home"):
        sections = ["home"] + (list(PAGES) if look.template == "onepage" else [])
        return 200, _render(c, look, sections, "Home"), {}
    for page in PAGES:
        if path in (paths[page], paths[page].rstrip("/")) and look.template != "onepage":
            return 200, _render(c, look, [page], LABELS[look.template][page]), {}
    if look.template == "wordpress" and path.rstrip("/") == "/blog/choosing-property-management-software":
        return 200, _render(c, look, ["blog"], "Blog"), {}
    return 404, _shell(c, look, "Page not found", "<h1>Oops! That page can’t be found.</h1>"), {}


def team_closed(c: WorldCompany) -> bool:
    """A site whose robots.txt closes its team page (about one in twenty with a team page of its own):
    its people cannot be read, and a run must deliver another company in its place."""
    look = c.look
    if look is None or look.template == "onepage" or look.people == "prose":
        return False
    return _seeded(c, "team_robots", 0, 19) == 0


WALLS = ("cloudflare", "akamai", "datadome", "js_cookie")


def bot_wall(c: WorldCompany) -> str | None:
    """About one site in thirty stands behind a bot wall (a CDN's challenge): every page but its
    robots.txt is the challenge, never the company's own."""
    if c.look is None or c.kind != "property_manager" or _seeded(c, "bot_wall", 0, 29):
        return None
    return WALLS[_seeded(c, "wall_kind", 0, len(WALLS) - 1)]


def challenge_page(kind: str) -> tuple[int, str, dict[str, str]]:
    """The challenge each wall serves, as its vendor writes it."""
    if kind == "cloudflare":
        return (
            403,
            (
                "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><noscript>Enable JavaScript "
                "and cookies to continue</noscript><script src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/"
                "v1?ray=8f1c2d3e4a5b6c7d'></script></body></html>"
            ),
            {"cf-mitigated": "challenge", "server": "cloudflare"},
        )
    if kind == "akamai":
        return (
            403,
            (
                "<html><head><title>Pardon Our Interruption</title></head><body><h1>Pardon Our Interruption</h1>"
                "<p>As you were browsing something about your browser made us think you were a bot.</p>"
                "<p>Reference #18.7f3c2e17.1733456789.5a1b2c3d</p></body></html>"
            ),
            {"server": "AkamaiGHost"},
        )
    if kind == "datadome":
        return (
            403,
            (
                "<html><head><title>example.com</title></head><body><script>var dd={'cid':'AHrlqAAAAAMA','hsh':'ABC'}"
                "</script><script src='https://ct.captcha-delivery.com/c.js'></script></body></html>"
            ),
            {"x-datadome": "protected"},
        )
    return 200, "<html><head><script>document.cookie='js_ok=1; path=/';location.reload();</script></head></html>", {}


def robots_txt(c: WorldCompany) -> str:
    if team_closed(c):
        return f"User-agent: *\nDisallow: {PATHS[_look(c).template]['team']}\n"
    return "User-agent: *\nAllow: /\n"


def _hop(c: WorldCompany, look: Look) -> tuple[int, str, dict[str, str]]:
    url = c.portal_url or ""
    if look.portal == "redirect_301":
        return 301, "", {"location": url}
    if look.portal == "meta_refresh":
        body = "<p>Taking you to the resident portal…</p>"
        head = f"<meta http-equiv='refresh' content='0; URL={escape(url)}'>"
        return 200, _shell(c, look, "Resident Portal", body, head), {}
    if look.portal == "js_redirect":
        body = f"<p>Redirecting…</p><script>window.location.href = {json.dumps(url)};</script>"
        return 200, _shell(c, look, "Tenant Login", body), {}
    if look.portal == "iframe_page":
        body = (
            f"<h1>Make a Payment</h1><iframe title='Payments' src='{escape(url)}' width='100%' height='900'></iframe>"
        )
        return 200, _shell(c, look, "Make a Payment", body), {}
    action = url.rstrip("/") + "/users/sign_in" if "appfolio" in url else url
    body = (
        f"<h1>Resident Login</h1><form method='post' action='{escape(action)}'><label>Email <input name='email'>"
        "</label><label>Password <input type='password' name='password'></label><button>Sign in</button></form>"
    )
    return 200, _shell(c, look, "Resident Login", body), {}


def _sitemap(c: WorldCompany, look: Look) -> str:
    paths = ["/"] + ([] if look.template == "onepage" else [PATHS[look.template][p] for p in PAGES])
    if look.portal in HOPS and c.portal_url:
        paths.append(HOPS[look.portal][0])  # the resident-portal page is a page of the site like any other
    base = c.website.rstrip("/")
    urls = "".join(f"<url><loc>{escape(base + p)}</loc></url>" for p in dict.fromkeys(paths))
    return f"<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"


# -- page furniture ------------------------------------------------------------------------------------
def _nav(c: WorldCompany, look: Look) -> str:
    paths, labels = PATHS[look.template], LABELS[look.template]
    items = [("/", "Home")]
    if look.template == "onepage":
        items += [(f"#{p}", labels[p]) for p in PAGES]
    else:
        items += [(paths[p], labels[p]) for p in PAGES]
    if look.portal in HOPS and c.portal_url:
        items.append(HOPS[look.portal])
    if look.template == "wordpress":
        items.append(("/blog/choosing-property-management-software/", "Blog"))
    if look.template == "react" and _seeded(c, "script_nav", 0, 1):  # routes only in the script: no links
        routes = json.dumps([{"path": h, "label": t} for h, t in items])
        return f"<div class='nav-bar' role='navigation' id='nav'></div><script>window.__ROUTES__ = {routes};</script>"
    if look.template == "react":  # an app shell: menu items are buttons routed by script
        return (
            "<div class='nav-bar' role='navigation'>"
            + "".join(
                f"<a role='button' data-href='{escape(h)}' href='{escape(h)}' class='nav-item'>"
                f"<span>{escape(t)}</span></a>"
                for h, t in items
            )
            + "</div>"
        )
    if look.template == "legacy":
        cells = "".join(f"<td><font size='2'><a href='{escape(h)}'>{escape(t)}</a></font></td>" for h, t in items)
        return f"<table width='100%' border='0'><tr>{cells}</tr></table>"
    if look.template == "wordpress":
        lis = "".join(f"<li class='menu-item'><a href='{escape(h)}'>{escape(t)}</a></li>" for h, t in items)
        return f"<nav class='main-navigation'><ul id='primary-menu' class='menu'>{lis}</ul></nav>"
    return (
        "<nav class='navbar'>"
        + " ".join(f"<a class='nav-link' href='{escape(h)}'>{escape(t)}</a>" for h, t in items)
        + "</nav>"
    )


def _header(c: WorldCompany, look: Look) -> str:
    button = ""
    if look.portal == "header_button" and c.portal_url:
        button = (
            f"<a class='btn btn-outline header-cta' href='{escape(c.portal_url)}' target='_blank'>Resident Login</a>"
        )
    return f"<header class='site-header'><div class='logo'>{escape(c.name)}</div>{_nav(c, look)}{button}</header>"


def _address_text(c: WorldCompany, *, comma: bool = True) -> str:
    return f"{c.street}, {c.city}{',' if comma else ''} {c.state} {c.zip}"


def _footer(c: WorldCompany, look: Look) -> str:
    parts = []
    if look.address == "footer_address":
        parts.append(f"<address>{escape(c.street)}<br>{escape(c.city)}, {c.state} {c.zip}</address>")
    if look.address == "footer_pipes":
        parts.append(f"<p>{escape(c.name)} | {escape(c.street)} | {escape(c.city)}, {c.state} {c.zip} | {c.phone}</p>")
    else:
        parts.append(f"<p class='footer-phone'>{c.phone}</p>")
    if look.portal == "footer_widget" and c.portal_url:
        parts.append(
            "<div class='footer-widget'><h5>Residents</h5><ul><li><a href='#faq'>FAQ</a></li>"
            f"<li><a href='{escape(c.portal_url)}'>Tenant Portal</a></li>"
            "<li><a href='#apply'>Apply Online</a></li></ul></div>"
        )
    if c.powered_by:
        vendor = c.pms or "appfolio"
        if c.pms and _seeded(c, "badge_other", 0, 1):  # a web agency's badge of another vendor than its portal's
            others = sorted(v for v in VENDOR_SITES if v != c.pms)
            vendor = others[_seeded(c, "badge_vendor", 0, len(others) - 1)]
        parts.append(
            f"<p class='credits'>Website powered by <a href='https://www.{vendor}.com/'>"
            f"{VENDOR_SITES.get(vendor, vendor)}</a></p>"
        )
    parts.append(f"<p>© 2026 {escape(c.name)}. All rights reserved.</p>")
    return "<footer class='site-footer'>" + "".join(parts) + "</footer>"


def _sidebar(c: WorldCompany, look: Look) -> str:
    parts = []
    if look.portal == "sidebar" and c.portal_url:
        parts.append(
            f"<div class='widget'><h4>Quick Links</h4><ul><li><a href='{escape(c.portal_url)}'>Pay Rent</a></li>"
            "<li><a href='#maintenance'>Maintenance Request</a></li></ul></div>"
        )
    if look.address == "sidebar":
        parts.append(f"<div class='widget'><h4>Visit Us</h4><p>{escape(_address_text(c, comma=False))}</p></div>")
    return f"<aside class='sidebar widget-area'>{''.join(parts)}</aside>" if parts else ""


def _head(c: WorldCompany, look: Look) -> str:
    head = []
    if look.address == "jsonld":
        head.append(jsonld.organization(c, ["LocalBusiness", "RealEstateAgent"], url=False, country=False))
    if look.portal == "inline_config" and c.portal_url:
        config = {"brand": c.name, "theme": "light", "portalUrl": c.portal_url, "gaId": "G-XXXX"}
        head.append(f"<script>window.SITE_CONFIG = {json.dumps(config)};</script>")
    if look.portal == "script_widget" and c.portal_host:
        head.append(f"<script src='https://{c.portal_host}/listings/embed.js' async></script>")
    return "".join(head)


def _shell(c: WorldCompany, look: Look, title: str, main: str, head: str = "") -> str:
    body_class = {"wordpress": "wp-site page-template-default", "squarespace": "sqs-site", "react": "app"}.get(
        look.template, look.template
    )
    main_html = f"<main id='main' class='site-main'>{main}</main>{_sidebar(c, look)}"
    if look.template == "squarespace":  # content nested in blocks of spans and divs
        main_html = (
            f"<div class='sqs-layout'><div class='sqs-row'><div class='sqs-col-12'>{main_html}</div></div></div>"
        )
    if look.template == "react":
        main_html = f"<div id='root'><div class='App'>{main_html}</div></div>"
    page_title = f"{title} - {c.name}" if title != "Home" else f"{c.name} | {c.city} Property Management"
    return (
        f"<!DOCTYPE html><html lang='en-US'><head><meta charset='UTF-8'><title>{escape(page_title)}</title>"
        f"{_head(c, look)}{head}</head><body class='{body_class}'>{_header(c, look)}{main_html}{_footer(c, look)}"
        "</body></html>"
    )


# -- sections -----------------------------------------------------------------------------------------------
def _render(c: WorldCompany, look: Look, sections: list[str], title: str) -> str:
    parts = []
    for section in sections:
        inner = {
            "home": _home,
            "about": _about,
            "team": _team,
            "contact": _contact,
            "residents": _residents,
            "owners": _owners,
            "blog": _blog,
        }[section](c, look)
        parts.append(f"<section id='{section}' class='section section-{section}'>{inner}</section>")
    return _shell(c, look, title, "".join(parts))


def _units_page(c: WorldCompany) -> str:
    return ("home", "about", "owners")[_seeded(c, "units_page", 0, 2)]


# other ways real sites state an exact count: a parenthesis after the name, a hyphenated adjective,
# the owner speaking in the first person singular, an owner-facing line
EXACT_VARIANTS = [
    "",
    "{name} ({n:,} units) has served {metro} owners since {year}.",
    "{name} is a {n:,}-unit property management company based in {city}.",
    "I started {name} with a single duplex; today my team and I look after {n:,} homes.",
    "Join the {metro} owners who trust us with {n:,} rental homes.",
    "Today we run a {n:,}-door portfolio for local investors.",
]


def _exact_variant(c: WorldCompany, look: Look) -> str | None:
    kind = phrasing_kind(look)
    variant = EXACT_VARIANTS[_seeded(c, "exact_variant", 0, len(EXACT_VARIANTS) - 1)]
    if kind != "exact" or look.units_phrasing == "e_enumeration" or not variant:
        return None
    return variant.format(name=c.name, n=look.units_values["n"], metro=c.metro, city=c.city, year=c.founded or 2008)


def _blurb(c: WorldCompany) -> str:
    return _BLURB[c.kind].format(name=escape(c.name), city=escape(c.city), state=c.state)


def _units_html(c: WorldCompany, look: Look) -> str:
    if look.units_phrasing == "none" or c.kind != "property_manager":
        return ""
    if pooled := blind.units_text(c, phrasing_kind(look), look.units_values, STATES.get(c.state, c.state)):
        return f"<div class='lead'>{blind.lines_html(pooled)}</div>"
    text = _exact_variant(c, look) or phrase(look, c.metro, STATES.get(c.state, c.state))
    if text.startswith("STATS|"):
        _, number, label = text.split("|")
        return _stats(c, [(str(_seeded(c, "years", 5, 30)), "Years in business"), (number, label)])
    if text.startswith("TABLE|"):
        _, label, number = text.split("|")
        if _seeded(c, "facts_columns", 0, 3) == 3:  # a row of labels over a row of values, as a builder's table
            return (
                f"<table class='facts'><tr><td>Founded</td><td>{label}</td></tr>"
                f"<tr><td>{c.founded or 2004}</td><td>{number}</td></tr></table>"
            )
        if _seeded(c, "facts_layout", 0, 1):  # a definition list: each label, then its value
            return (
                f"<dl class='facts'><dt>Founded</dt><dd>{c.founded or 2004}</dd><dt>{label}</dt><dd>{number}</dd></dl>"
            )
        return (
            f"<table class='facts'><tr><th>Founded</th><td>{c.founded or 2004}</td></tr>"
            f"<tr><th>{label}</th><td>{number}</td></tr></table>"
        )
    return f"<p class='lead'>{escape(text)}</p>"


def _stats(c: WorldCompany, stats: list[tuple[str, str]]) -> str:
    """A row of stats as themes draw them: the number above its label, the label above its number,
    or an animated counter that shows 0 until its script runs (the number in ``data-count``, or in
    Elementor's ``data-to-value``); a page builder may set the '+' apart in a <sup>."""
    style = _seeded(c, "stats_style", 0, 2)
    builder = _seeded(c, "stats_builder", 0, 3)  # a quarter of the sites draw them with a page builder's widgets
    cells = []
    for number, label in stats:
        shown = f"<span class='stat-number'>{number}</span>"
        plus = "+" if number.endswith("+") else ""
        bare = number.rstrip("+").replace(",", "")
        if style == 2:
            shown = f"<span class='counter' data-count='{bare}'>0</span>{plus}"
        words = f"<span class='stat-label'>{label}</span>"
        if builder == 3 and style == 2:  # Elementor: the number in data-to-value, its '+' in a suffix span
            cells.append(
                "<div class='elementor-counter'><div class='elementor-counter-number-wrapper'><span class='elementor-"
                f"counter-number' data-to-value='{bare}'>0</span><span class='elementor-counter-number-suffix'>{plus}"
                f"</span></div><div class='elementor-counter-title'>{label}</div></div>"
            )
            continue
        if builder == 3:  # the '+' set apart in a <sup>, the label in a paragraph below
            cells.append(
                f"<div class='stat'><span class='num'>{number.rstrip('+')}</span><sup>{plus}</sup><p>{label}</p></div>"
            )
            continue
        cells.append(
            f"<div class='stat'>{words}{shown}</div>" if style == 1 else f"<div class='stat'>{shown}{words}</div>"
        )
    return "<div class='stats-row'>" + "".join(cells) + "</div>"


def _decoys(c: WorldCompany, look: Look) -> str:
    from leadscout.sandbox.catalogue import DECOYS  # noqa: F401 - the texts are in the look

    values = {
        "metro": c.metro,
        "year": c.founded or 2005,
        "reviews": _seeded(c, "reviews", 40, 900),
        "rent": _seeded(c, "rent", 9, 30) * 100,
        "sqft": _seeded(c, "sqft", 9, 30) * 100,
        "cities": _seeded(c, "cities", 4, 18),
        "leased": _seeded(c, "leased", 30, 400),
        "suburb": (c.service_areas or [c.metro])[0],
        "added": _seeded(c, "added", 20, 150),
        "phone": c.phone,
    }
    ours = "".join(f"<p>{escape(d.format(**values))}</p>" for d in look.decoys)
    return ours + blind.decoys_html(c, _OUTSIDERS, STATES.get(c.state, c.state))


# people a site names who are not its staff: a client, a vendor, an economist quoted (no staff bears these surnames)
_OUTSIDERS = ["Harriet Vandermeer", "Luis Echeverria", "Gordon Whitcomb", "Naomi Feldstein", "Tobias Renner",
              "Yvette Chambliss", "Marcus Oyelaran", "Colleen Brightwater"]  # fmt: skip


def _served(c: WorldCompany) -> str:
    areas = [a for a in dict.fromkeys([c.metro, *c.service_areas])]
    if len(areas) < 2:
        return f"<p>Proudly serving {escape(c.metro)} and the surrounding area.</p>"
    return f"<p>Proudly serving {escape(', '.join(areas[:-1]))} and {escape(areas[-1])}.</p>"


def _home(c: WorldCompany, look: Look) -> str:
    parts = [f"<div class='hero'><h1>{escape(c.name)}</h1><p>{_blurb(c)}</p></div>"]
    if _units_page(c) == "home":
        parts.append(_units_html(c, look))
    if look.served_on_home:
        parts.append(_served(c))
    if look.portal == "data_href" and c.portal_url:
        url = escape(c.portal_url)
        parts.append(
            f"<button class='cta' data-href='{url}' onclick=\"window.location.href='{url}'\">Pay Rent</button>"
        )
    if look.portal == "text_only" and c.pms:
        name = VENDOR_SITES.get(c.pms, c.pms)
        parts.append(
            f"<p>Current residents: log in to your {escape(name)} online portal to pay rent and request repairs.</p>"
        )
    parts.append(_decoys(c, look))
    return "".join(parts)


def _about(c: WorldCompany, look: Look) -> str:
    parts = [f"<h2>About {escape(c.name)}</h2><p>{_blurb(c)}</p>"]
    if c.founded:
        parts.append(f"<p>Locally owned and operated since {c.founded}, we treat every home like our own.</p>")
    if _units_page(c) == "about":
        parts.append(_units_html(c, look))
    if look.address == "located_at":
        parts.append(
            f"<p>Our office is located at {escape(c.street)} in {escape(c.city)}, {STATES.get(c.state, c.state)}.</p>"
        )
    if not look.served_on_home:
        parts.append(_served(c))
    if look.people == "prose":
        parts.append(_team_html(c, look))
    return "".join(parts)


def _published_email(c: WorldCompany, look: Look, person: Person, index: int) -> str | None:
    published = c.email_publishing == "all" or (c.email_publishing == "first" and index == 0)
    return person.email if published and look.emails != "none" else None


def _email_html(c: WorldCompany, look: Look, person: Person, index: int) -> str:
    email = _published_email(c, look, person, index)
    if email is None:
        return ""
    if look.emails == "mailto":
        return f"<a class='email' href='mailto:{escape(email)}'>Email {escape(person.full_name.split()[0])}</a>"
    if look.emails == "cloudflare":
        key = 0x5A
        hexed = f"{key:02x}" + "".join(f"{ord(ch) ^ key:02x}" for ch in email)
        return (
            f"<a href='/cdn-cgi/l/email-protection#{hexed}'><span class='__cf_email__' data-cfemail='{hexed}'>"
            "[email&#160;protected]</span></a>"
        )
    if look.emails == "spelled":
        local, domain = email.split("@")
        return f"<span>{escape(local)} [at] {escape(domain.replace('.', ' [dot] '))}</span>"
    return f"<span class='email-text'>{escape(email)}</span>"


def _team(c: WorldCompany, look: Look) -> str:
    return "<h2>Meet Our Team</h2>" + _team_html(c, look)


def _team_html(c: WorldCompany, look: Look) -> str:
    people = c.people
    layout = look.people
    if layout not in ("prose", "jsonld_only") and (
        pooled := blind.team_html(c, people, [_published_email(c, look, p, i) for i, p in enumerate(people)])
    ):
        return pooled
    if layout == "cards":
        return "".join(_card(c, look, p, i) for i, p in enumerate(people))
    if layout == "card_line":
        return "".join(
            f"<div class='member'><p><strong>{escape(p.full_name)}</strong> | {escape(p.title)}</p>"
            f"{_email_html(c, look, p, i)}</div>"
            for i, p in enumerate(people)
        )
    if layout == "table":
        rows = "".join(
            f"<tr><td>{escape(p.full_name)}</td><td>{escape(p.title)}</td><td>{_email_html(c, look, p, i)}</td></tr>"
            for i, p in enumerate(people)
        )
        return f"<table class='staff'><tr><th>Name</th><th>Title</th><th>Contact</th></tr>{rows}</table>"
    if layout == "dl":
        items = "".join(
            f"<dt>{escape(p.full_name)}</dt><dd>{escape(p.title)}</dd><dd>{_email_html(c, look, p, i)}</dd>"
            for i, p in enumerate(people)
        )
        return f"<dl class='team-list'>{items}</dl>"
    if layout == "heading_bio":
        accordion = _seeded(c, "bio_accordion", 0, 1)  # the name on a button, the bio in the panel it opens
        return "".join(
            f"<div class='bio'>{_name_button(p.full_name) if accordion else f'<h4>{escape(p.full_name)}</h4>'}"
            f"<div class='panel'><p>{escape(p.full_name.split()[0])} is our "
            f"{escape(p.title)} and has worked in {escape(c.metro)} real estate for "
            f"{_seeded(c, p.full_name, 3, 25)} years.</p>{_email_html(c, look, p, i)}</div></div>"
            for i, p in enumerate(people)
        )
    if tells_a_story(c):
        return _story(c, look, people)
    if layout == "prose":
        lines = []
        for i, p in enumerate(people):
            verb = f"founded {escape(c.name)} in {c.founded}" if i == 0 and c.founded else "joined the team"
            lines.append(f"<p>{escape(p.full_name)}, {escape(p.title)}, {verb}. {_email_html(c, look, p, i)}</p>")
        return "".join(lines)
    if layout == "jsonld_only":  # names in data only: JSON-LD, or an app's framework state
        script = jsonld.people(c, people)
        if _seeded(c, "next_data", 0, 1):
            state = {"props": {"pageProps": {"team": [{"name": p.full_name, "title": p.title} for p in people]}}}
            script = f"<script id='__NEXT_DATA__' type='application/json'>{json.dumps(state)}</script>"
        faces = "".join(
            f"<figure><img alt=''><figcaption>{escape(p.full_name.split()[0])}</figcaption></figure>" for p in people
        )
        return script + f"<div class='gallery'>{faces}</div>"
    if layout == "wp_media":
        return "".join(
            f"<div class='wp-block-media-text'><figure class='wp-block-media-text__media'><img alt=''>"
            f"</figure><div class='wp-block-media-text__content'><p><strong>{escape(p.full_name)}</strong>"
            f"<br><em>{escape(p.title)}</em></p>{_email_html(c, look, p, i)}</div></div>"
            for i, p in enumerate(people)
        )
    return "".join(
        f"<p>{escape(p.title)}: {escape(p.full_name)}</p><p>{_email_html(c, look, p, i)}</p>"
        for i, p in enumerate(people)
    )


def _card(c: WorldCompany, look: Look, p: Person, i: int) -> str:
    """A staff card as themes draw it: the name above the role, the role above the name, or a photo
    whose alt text alone says who it is and what they do (the card shows the given name)."""
    name, role, email = escape(p.full_name), escape(p.title), _email_html(c, look, p, i)
    style = _seeded(c, "card_style", 0, 2)
    if style == 1:
        return f"<div class='staff-card'><img alt=''><p class='position'>{role}</p><h3>{name}</h3>{email}</div>"
    if style == 2:
        given = escape(p.full_name.split()[0])
        return f"<div class='staff-card'><img src='/img/{i}.jpg' alt='{name}, {role}'><h3>{given}</h3>{email}</div>"
    return f"<div class='staff-card'><img alt=''><h3>{name}</h3><p class='position'>{role}</p>{email}</div>"


def _name_button(name: str) -> str:
    return f"<button class='accordion-toggle' aria-expanded='false'>{escape(name)}</button>"


def tells_a_story(c: WorldCompany) -> bool:
    """Two in three prose sites introduce their people in a story (:func:`_story`), the rest line by line."""
    return c.look is not None and c.look.people == "prose" and _seeded(c, "prose_kind", 0, 2) > 0


def _story(c: WorldCompany, look: Look, people: list[Person]) -> str:
    """People in running prose: a founder's story, then colleagues introduced with their roles."""
    first, *rest = people
    given = first.full_name.split()[0]
    year = c.founded or 2008
    opening = [
        f"{c.name} began in {year}, when {first.full_name} bought a fourplex on the edge of {c.city} and could not "
        f"find anyone to manage it well. {given} still answers owner calls and leads the company as {first.title}.",
        f"Our story starts with {first.full_name}. After years of renting out homes of their own, {given} opened "
        f"{c.name} in {year}; today {given} serves as our {first.title}.",
        f"At {c.name}, {first.full_name} sets the pace. {given} opened the firm in {year} and today serves as its "
        f"{first.title}.",
        f"{c.name} is the work of {first.full_name}, its {first.title}, who started it in {year} with two duplexes.",
        f"{first.full_name} never planned to run a property management company. But in {year} {given} took over "
        f"{c.name}, and {given} still leads it as {first.title}.",
        f"My name is {first.full_name}, and I took over {c.name} from its founder in {year}. I lead the company as "
        f"{first.title}.",
    ][_seeded(c, "story", 0, 5)]
    opening = blind.introduction(c, first, first=True) or opening
    lines = [f"<p>{_lines(opening)} {_email_html(c, look, first, 0)}</p>"]
    for i, p in enumerate(rest, start=1):
        said = [
            f"Owners also get to know {p.full_name}, who joined us in {year + i} and works as our {p.title}.",
            f"Our {p.title}, {p.full_name}, keeps every lease and inspection on schedule.",
            f"{p.full_name} came on board in {year + i} and is now the {p.title} here.",
            f"Meet {p.full_name}, our {p.title}, who has been with the team since {year + i}.",
            f"Since {year + i}, {p.full_name} has served as {_possessive(c.name)} {p.title}.",
            f"Ask for {p.full_name}: {p.title} and a familiar voice on the phone.",
            f"{p.full_name} ({p.title}) joined in {year + i} and knows every owner by name.",
            f"Many owners first meet {p.full_name} when they call. As {p.title}, {p.full_name.split()[0]} handles "
            "the details.",
            f"According to the {p.title} of {c.name}, owners want fewer surprises. “We call back the same day,” "
            f"{p.full_name} said.",
            f"Since {year + i}, {p.title} {p.full_name} has kept our owners informed.",
            f"{p.full_name} grew up in {c.city}. After years in banking, {p.full_name.split()[0]} joined {c.name} in "
            f"{year + i}. Today {p.full_name.split()[0]} works as our {p.title}.",
        ][_seeded(c, p.full_name, 0, 10)]
        said = blind.introduction(c, p, first=False) or said
        lines.append(f"<p>{_lines(said)} {_email_html(c, look, p, i)}</p>")
    return "".join(lines)


def _lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _contact(c: WorldCompany, look: Look) -> str:
    parts = ["<h2>Contact Us</h2>", f"<p>Phone: {c.phone}</p>"]
    parts.append(f"<p>General inquiries: <a href='mailto:office@{c.domain}'>office@{c.domain}</a></p>")
    if look.address == "contact_lines":
        parts.append(f"<div class='location'><p>{escape(c.street)}</p><p>{escape(c.city)}, {c.state} {c.zip}</p></div>")
    if look.address == "map_embed":
        q = quote_plus(_address_text(c))
        parts.append(
            f"<p>Find us on the map:</p><iframe src='https://www.google.com/maps/embed/v1/place?key=KEY&q={q}'"
            " width='600' height='450' loading='lazy'></iframe>"
        )
    parts.append(
        "<form class='contact-form'><input name='name'><textarea name='message'></textarea><button>Send</button></form>"
    )
    return "".join(parts)


def _residents(c: WorldCompany, look: Look) -> str:
    parts = ["<h2>Resident Resources</h2><p>Pay rent online, submit maintenance requests and review your lease.</p>"]
    if look.portal in HOPS and c.portal_url:
        hop, label = HOPS[look.portal]
        parts.append(f"<p><a href='{hop}'>{label}</a></p>")
    return "".join(parts)


def _owners(c: WorldCompany, look: Look) -> str:
    parts = ["<h2>For Property Owners</h2><p>Monthly statements, transparent fees and local market expertise.</p>"]
    if _units_page(c) == "owners":  # where managers advertise their portfolio to owners
        parts.append(_units_html(c, look))
    if look.portal == "owner_only" and c.portal_url:
        owner = c.portal_url.replace("/connect", "/oportal").replace("resident", "owner")
        parts.append(f"<p><a class='button' href='{escape(owner)}'>Owner Login</a></p>")
    return "".join(parts)


def _blog(c: WorldCompany, look: Look) -> str:
    return (
        "<article><h1>Choosing property management software</h1><p>Landlords often ask us about software. The best "
        "tools we have seen compared are AppFolio, Buildium and Rentvine; AppFolio vs Buildium comes down to "
        "portfolio size. Read any review before you choose.</p></article>"
    )
