"""HTML of the sandbox world: company sites, directories and list articles.

Pages are rendered from the world on every request, so what the crawler reads is exactly
the ground truth, phrased in varied ways."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from leadscout.sandbox import jsonld
from leadscout.sandbox.world import BLOG_HOST, DIRECTORY_HOSTS, FORUM_HOST, Listing, World, WorldCompany

PAGE_SIZE = 10
_BLURB = {
    "property_manager": "{name} is a full-service residential property management company serving {city}, {state}. "
    "We handle leasing, tenant screening, rent collection, maintenance and owner reporting "
    "for single-family homes and apartments.",
    "hoa": "{name} provides community association management for HOAs and condominium associations in {city}, "
    "{state}: board support, assessments and architectural review.",
    "brokerage": "{name} is a real estate brokerage helping buyers and sellers in {city}, {state}. Search homes "
    "for sale, get a free home valuation and meet our agents.",
    "apartment_community": "Welcome home to {name}, luxury apartment homes in {city}, {state}. Explore floor "
    "plans, resort-style amenities and schedule a tour today.",
    "vacation_rental": "{name} offers vacation rentals in {city}, {state}: book your stay, nightly and weekly "
    "getaways with hotel-style service.",
}
VENDOR_SITES = {
    "appfolio": "AppFolio",
    "buildium": "Buildium",
    "rentvine": "Rentvine",
    "propertyware": "Propertyware",
    "rentmanager": "Rent Manager",
    "yardi": "RentCafe",
    "doorloop": "DoorLoop",
    "tenantcloud": "TenantCloud",
    "rentecdirect": "Rentec Direct",
    "entrata": "Entrata",
    "realpage": "RealPage",
    "resman": "ResMan",
}


def city_slug(city: str) -> str:
    return city.lower().replace(" ", "-")


def _page(title: str, body: str, head: str = "") -> str:
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>{head}"
        f"</head><body>{body}</body></html>"
    )


def _address_html(c: WorldCompany) -> str:
    return f"<address><span class='street'>{escape(c.street)}</span>, {escape(c.city)}, {c.state} {c.zip}</address>"


def _nav(c: WorldCompany) -> str:
    links = [
        ("/", "Home"),
        ("/about", "About Us"),
        ("/team", "Our Team"),
        ("/residents", "Residents"),
        ("/owners", "Owners"),
        ("/contact", "Contact"),
    ]
    if c.placement == "nav" and c.portal_url:
        links.append((c.portal_url, "Tenant Portal"))
    return "<nav>" + " ".join(f"<a href='{escape(h)}'>{t}</a>" for h, t in links) + "</nav>"


def _footer(c: WorldCompany) -> str:
    parts = [f"<p>&copy; {escape(c.name)}</p>", f"<p class='phone'>Call us: {c.phone}</p>"]
    if c.address_place == "footer":
        parts.append(_address_html(c))
    if c.placement == "footer" and c.portal_url:
        parts.append(f"<p><a href='{c.portal_url}'>Resident Login</a></p>")
    if c.powered_by:
        vendor = c.pms or "appfolio"
        parts.append(
            f"<p class='credits'>Powered by <a href='https://www.{vendor}.com/'>"
            f"{VENDOR_SITES.get(vendor, vendor)}</a></p>"
        )
    return "<footer>" + "".join(parts) + "</footer>"


def _published(c: WorldCompany, index: int) -> bool:
    return c.email_publishing == "all" or (c.email_publishing == "first" and index == 0)


def _mailto(email: str) -> str:
    return f"<a href='mailto:{email}'>{email}</a>"


def company_page(c: WorldCompany, path: str) -> tuple[int, str, dict[str, str]]:
    """(status, html, extra headers) for one path of a company site."""
    head = jsonld.organization(c) if c.address_place == "jsonld" else ""
    blurb = _BLURB[c.kind].format(name=escape(c.name), city=escape(c.city), state=c.state)
    title = {
        "property_manager": "Property Management",
        "hoa": "HOA Management",
        "brokerage": "Real Estate",
        "apartment_community": "Apartments",
        "vacation_rental": "Vacation Rentals",
    }[c.kind]
    units = f"<p class='stats'>{escape(c.units_phrase)}</p>" if c.units_phrase else ""
    if path in ("/", "/index.html"):
        body = [_nav(c), f"<h1>{escape(c.name)}</h1>", f"<p>{blurb}</p>"]
        if c.units_page == "home":
            body.append(units)
        if c.placement == "button" and c.portal_url:
            body.append(f"<a class='btn btn-primary' href='{c.portal_url}'>Pay Rent Online</a>")
        body.append(_footer(c))
        return 200, _page(f"{c.name} | {title} in {c.city}, {c.state}", "".join(body), head), {}
    if path == "/about":
        body = [_nav(c), f"<h1>About {escape(c.name)}</h1>", f"<p>{blurb}</p>"]
        if c.founded:
            body.append(f"<p>Family owned and operated since {c.founded}.</p>")
        if c.units_page == "about":
            body.append(units)
        if c.service_areas:
            body.append(
                "<h2>Service Areas</h2><ul class='service-areas'>"
                + "".join(f"<li>{escape(a)}</li>" for a in c.service_areas)
                + "</ul>"
            )
        body.append(_footer(c))
        return 200, _page(f"About | {c.name}", "".join(body), head), {}
    if path == "/team":
        cards = "".join(
            f"<div class='team-member'><h3 class='name'>{escape(p.full_name)}</h3><p class='title'>{escape(p.title)}"
            f"</p>{_mailto(p.email) if _published(c, i) else ''}</div>"
            for i, p in enumerate(c.people)
        )
        people = jsonld.people(c, c.people)
        return (
            200,
            _page(f"Our Team | {c.name}", _nav(c) + "<h1>Meet the team</h1>" + cards + _footer(c), head + people),
            {},
        )
    if path == "/contact":
        body = [
            _nav(c),
            "<h1>Contact us</h1>",
            f"<p>Phone: {c.phone}</p>",
            f"<p>Email: <a href='mailto:office@{c.domain}'>office@{c.domain}</a></p>",
        ]
        if c.address_place == "contact":
            body.append(f"<h2>Office</h2>{_address_html(c)}")
        body.append(_footer(c))
        return 200, _page(f"Contact | {c.name}", "".join(body), head), {}
    if path == "/residents":
        body = [_nav(c), "<h1>Residents</h1>", "<p>Pay rent, submit maintenance requests and renew your lease.</p>"]
        if c.placement == "iframe" and c.portal_url:
            body.append(f"<iframe title='Resident portal' src='{c.portal_url}' width='100%'></iframe>")
        elif c.placement == "payrent_page":
            body.append("<p><a href='/pay-rent'>Pay rent online</a></p>")
        elif c.placement == "redirect":
            body.append("<p><a href='/portal'>Resident portal</a></p>")
        body.append(_footer(c))
        return 200, _page(f"Residents | {c.name}", "".join(body), head), {}
    if path == "/pay-rent" and c.placement == "payrent_page" and c.portal_url:
        pay = f"<h1>Pay rent</h1><p><a href='{c.portal_url}'>Log in to the resident portal</a></p>"
        return 200, _page(f"Pay Rent | {c.name}", _nav(c) + pay + _footer(c), head), {}
    if path == "/portal" and c.placement == "redirect" and c.portal_url:
        return 302, "", {"location": c.portal_url}
    if path == "/owners":
        body = [_nav(c), "<h1>Property owners</h1>", "<p>Monthly statements, transparent fees, local experts.</p>"]
        if c.portal_url and c.placement in ("iframe", "button"):
            owner = c.portal_url.replace("/connect", "/oportal").replace("resident", "owner")
            body.append(f"<p><a href='{owner}'>Owner portal</a></p>")
        body.append(_footer(c))
        return 200, _page(f"Owners | {c.name}", "".join(body), head), {}
    return 404, _page("Not found", "<h1>Page not found</h1>"), {}


def parked_page(domain: str) -> str:
    return _page(
        f"{domain} is for sale",
        f"<h1>{domain}</h1><p>This domain may be for sale. Buy this domain "
        "today! Related searches: property, homes, rentals.</p>",
    )


def _directory_name(host: str) -> str:
    return {
        "www.pmdirectory-hub.com": "PM Directory Hub",
        "www.toppropertymanagers.net": "Top Property Managers",
        "www.rentalmanagerguide.org": "Rental Manager Guide",
    }.get(host, host)


def directory_page(world: World, host: str, path: str, page: int) -> tuple[int, str]:
    listings = {(d.metro, d.host): d for d in world.directories}
    name = _directory_name(host)
    if path in ("", "/"):
        metros = sorted({d.metro for d in world.directories if d.host == host})
        firsts = {m: _first(world, host, m) for m in metros}
        links = "".join(
            f"<li><a href='/{world.by_slug[slug].state.lower()}/{city_slug(m)}/'>{m}</a></li>"
            for m, slug in firsts.items()
            if slug
        )
        return 200, _page(name, f"<h1>{name}</h1><ul>{links}</ul>")
    parts = [p for p in path.split("/") if p]
    if len(parts) == 2 and parts[0] == "company":
        c = world.by_slug.get(parts[1])
        if c is None:
            return 404, _page("Not found", "<h1>Not found</h1>")
        return 200, _page(
            f"{c.name} - {name}",
            f"<h1>{escape(c.name)}</h1><p>{escape(c.city)}, {c.state}</p>"
            f"<p><a class='website' rel='nofollow' href='{c.website}'>Visit website</a></p>",
        )
    if len(parts) == 2:
        metro = next((m for (m, h) in listings if h == host and city_slug(m) == parts[1]), None)
        if metro is None:
            return 404, _page("Not found", "<h1>Not found</h1>")
        return 200, _listing_page(world, listings[(metro, host)], name, page)
    return 404, _page("Not found", "<h1>Not found</h1>")


def _first(world: World, host: str, metro: str) -> str | None:
    for d in world.directories:
        if d.host == host and d.metro == metro and d.slugs:
            return d.slugs[0]
    return None


def _listing_page(world: World, listing: Listing, name: str, page: int) -> str:
    state = world.by_slug[listing.slugs[0]].state if listing.slugs else ""
    chunk = listing.slugs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    items = []
    for slug in chunk:
        c = world.by_slug[slug]
        # one directory links websites directly, the others only through a profile page
        link = (
            f"<a class='website' rel='nofollow' href='{c.website}'>Website</a>"
            if listing.host == DIRECTORY_HOSTS[0]
            else f"<a href='/company/{slug}'>View profile</a>"
        )
        items.append(
            f"<div class='listing'><h3>{escape(c.name)}</h3><p class='location'>{escape(c.city)}, "
            f"{c.state}</p>{link}</div>"
        )
    pages = max(1, -(-len(listing.slugs) // PAGE_SIZE))
    nav = _pagination(DIRECTORY_HOSTS.index(listing.host) if listing.host in DIRECTORY_HOSTS else 0, page, pages)
    title = f"Property management companies in {listing.metro}, {state} - page {page} - {name}"
    return _page(
        title,
        f"<h1>Property Management Companies in {listing.metro}, {state}</h1>"
        f"<p>Compare {len(listing.slugs)} local property managers.</p>{''.join(items)}{nav}",
    )


def _pagination(style: int, page: int, pages: int) -> str:
    """Pagination as directories write it: numbered links with Next (one window of them, with the
    last page, on a long list), or only "Page 2 of 7" and Next, so a reader must chain."""
    if pages <= 1:
        return ""
    following = f"<a rel='next' href='?page={page + 1}'>Next page</a>" if page < pages else ""
    if style == 1:
        return f"<nav class='pager'><span>Page {page} of {pages}</span> {following}</nav>"
    window = range(1, pages + 1) if style == 0 else sorted({*range(max(1, page - 2), min(pages, page + 2) + 1), pages})
    numbers = " ".join(
        f"<span class='current'>{n}</span>" if n == page else f"<a href='?page={n}'>{n}</a>" for n in window
    )
    previous = f"<a rel='prev' href='?page={page - 1}'>&laquo; Prev</a> " if page > 1 else ""
    return f"<nav class='pagination'>{previous}{numbers} {following}</nav>"


def blog_page(world: World, path: str) -> tuple[int, str]:
    for d in world.directories:
        if d.host != BLOG_HOST or not d.slugs:
            continue
        state = world.by_slug[d.slugs[0]].state
        if path.rstrip("/") == f"/best-property-managers-{city_slug(d.metro)}-{state.lower()}":
            items = "".join(
                f"<li><a href='{world.by_slug[s].website}'>{escape(world.by_slug[s].name)}</a> - "
                f"a trusted local team in {escape(world.by_slug[s].city)}.</li>"
                for s in d.slugs
            )
            title = f"Top {len(d.slugs)} property managers in {d.metro}, {state} (2026 guide)"
            return 200, _page(
                title, f"<article><h1>{title}</h1><p>Our picks for landlords.</p><ol>{items}</ol></article>"
            )
    return 404, _page("Not found", "<h1>Not found</h1>")


_FORUM_LINES = [
    "We switched to {name} ({domain}) last year and the owner statements finally make sense.",
    "Honestly {name} ({domain}) has been fine for our duplex, quick on maintenance.",
    "My neighbor swears by {name} ({domain}), they handle a few of his rentals.",
    "Avoid the big franchises, try {name} ({domain}) instead.",
]


def forum_path(metro: str, state: str) -> str:
    return f"/threads/which-property-managers-do-you-use-in-{city_slug(metro)}-{state.lower()}"


def forum_page(world: World, path: str) -> tuple[int, str]:
    """A thread whose replies name companies in prose: domains as plain text, no links."""
    for d in world.directories:
        if d.host != FORUM_HOST or not d.slugs:
            continue
        state = world.by_slug[d.slugs[0]].state
        if path.rstrip("/") == forum_path(d.metro, state):
            replies = "".join(
                f"<div class='reply'><b>user{i + 11}</b><p>"
                + escape(_FORUM_LINES[i % len(_FORUM_LINES)].format(name=c.name, domain=c.domain))
                + "</p></div>"
                for i, c in enumerate(world.by_slug[s] for s in d.slugs)
            )
            title = f"Which property managers do you use in {d.metro}, {state}? - forum thread - Landlord Forum"
            body = f"<h1>Which property managers do you use in {d.metro}?</h1><p>Looking for a manager.</p>{replies}"
            return 200, _page(title, body)
    return 404, _page("Not found", "<h1>Not found</h1>")


def forum_paths(world: World) -> list[str]:
    return [
        f"http://{FORUM_HOST}{forum_path(d.metro, world.by_slug[d.slugs[0]].state)}"
        for d in world.directories
        if d.host == FORUM_HOST and d.slugs
    ]


def blog_paths(world: World) -> list[str]:
    out = []
    for d in world.directories:
        if d.host == BLOG_HOST and d.slugs:
            state = world.by_slug[d.slugs[0]].state
            out.append(f"http://{BLOG_HOST}/best-property-managers-{city_slug(d.metro)}-{state.lower()}")
    return out


def directory_urls(world: World) -> list[str]:
    out = []
    for d in world.directories:
        if d.host in DIRECTORY_HOSTS and d.slugs:
            state = world.by_slug[d.slugs[0]].state.lower()
            out.append(f"http://{d.host}/{state}/{quote(city_slug(d.metro))}/")
    return out
