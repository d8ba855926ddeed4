"""Facts from one page: links, JSON-LD, text, places, phones, emails, unit claims and people.

The parser (selectolax/lexbor) gives the structure; :mod:`leadscout.research.read.page` turns it into
blocks in reading order; the readers do the rest: :mod:`~leadscout.research.read.quantities` (units),
:mod:`~leadscout.research.read.people`, :mod:`~leadscout.research.read.places` (HQ and served areas) and
:mod:`~leadscout.research.read.published` (emails). Plain text (a file, a snippet) goes through the
same readers. Never raises on hostile input."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import chompjs
from pydantic import BaseModel, Field
from selectolax.lexbor import LexborHTMLParser

from leadscout.research.read import page as page_model
from leadscout.research.read import published
from leadscout.research.read.firm_names import names_site
from leadscout.research.read.people import Person, read_people
from leadscout.research.read.places import Address, read_places
from leadscout.research.read.quantities import (
    MANAGED_COUNT_KEY,
    UnitClaim,
    claims_in_data,
    claims_in_page,
    claims_in_text,
)

MAX_TEXT = 200_000
PersonCard = Person  # the name the contact pipeline knows
__all__ = ["Address", "Link", "PageFacts", "PersonCard", "UnitClaim", "extract", "extract_text", "unit_claims"]


class Link(BaseModel):
    url: str
    text: str = ""
    context: str = ""  # the nearest heading or list item, for directory listings
    card: str = ""  # the text of the small block around the link (a listing's name, city, blurb)


class PageFacts(BaseModel):
    url: str
    title: str = ""
    text: str = ""
    links: list[Link] = Field(default_factory=list)
    jsonld: list[dict[str, Any]] = Field(default_factory=list)
    addresses: list[Address] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    unit_claims: list[UnitClaim] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    service_areas: list[str] = Field(default_factory=list)


_PHONE = re.compile(r"\(?\b(\d{3})\)?[ .-]?(\d{3})[ .-](\d{4})\b")


def unit_claims(text: str, company: str | None = None) -> list[UnitClaim]:
    return claims_in_text(text, company)


def _walk_jsonld(node: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk_jsonld(item, out)
    elif isinstance(node, dict):
        if "@graph" in node:
            _walk_jsonld(node["@graph"], out)
        if "@type" in node:
            out.append(node)
        for key in ("employee", "founder", "member", "author", "contactPoint"):
            if isinstance(node.get(key), (dict, list)):
                _walk_jsonld(node[key], out)


def _jsonld(tree: LexborHTMLParser) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for node in tree.css("script[type='application/ld+json']"):
        try:
            _walk_jsonld(json.loads(node.text() or ""), items)
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; it is skipped, not fatal
    return items[:50]


_DATA_KEYS = re.compile(
    rf"""["']?(?:jobTitle|title|position|role|designation|{MANAGED_COUNT_KEY})["']?\s*:""", re.IGNORECASE
)  # keys of people (a title) or of a managed count


def _script_data(tree: LexborHTMLParser) -> list[Any]:
    """The objects a page's own scripts carry (framework state such as ``__NEXT_DATA__``, JSON
    blobs, JS literals), parsed by chompjs; only scripts that hold title-like or count keys are read."""
    objects: list[Any] = []
    for node in tree.css("script:not([src])"):
        if "ld+json" in (node.attributes.get("type") or "").lower():
            continue
        objects.extend(_code_objects(node.text() or ""))
    return objects[:200]


def _code_objects(code: str) -> list[Any]:
    """The objects a piece of code or data holds (chompjs), when it has title-like or count keys."""
    if len(code) > 2_000_000 or not _DATA_KEYS.search(code):
        return []
    try:
        found: list[Any] = list(chompjs.parse_js_objects(code))
    except Exception:  # code chompjs cannot read holds no data we can use
        found = []
    return found or _assigned_literals(code)


def _assigned_literals(code: str) -> list[Any]:
    """The literals a script assigns ("var team = [{...}]") inside code whose first brace is a function's
    body, which stops chompjs's scan ("jQuery(function ($) { var team = [...] })")."""
    out: list[Any] = []
    for m in itertools.islice(re.finditer(r"=\s*(?=[\[{])", code), 50):
        try:
            out.append(chompjs.parse_js_object(code[m.end() :]))
        except Exception:  # not a literal chompjs reads: the next one may be
            continue
    return out


def _context(node: Any) -> str:
    parent = node.parent
    for _ in range(3):
        if parent is None:
            break
        heading = parent.css_first("h2, h3, h4")
        if heading is not None and heading.text(strip=True):
            return str(heading.text(strip=True))[:200]
        parent = parent.parent
    return ""


def _links(tree: LexborHTMLParser, url: str) -> list[Link]:
    links = []
    for node in tree.css("a[href], area[href]")[:2000]:
        href = (node.attributes.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "tel:", "mailto:")):
            try:
                target = urljoin(url, href)
                urlsplit(target).hostname  # noqa: B018 - raises on a malformed host such as http://[::1
            except ValueError:
                continue  # a broken link on a page is skipped, never fatal
            text = " ".join(node.text().split()) or (
                node.attributes.get("title") or node.attributes.get("aria-label") or ""
            )
            links.append(Link(url=target, text=text[:200], context=_context(node), card=_card(node)))
    return links


def _card(node: Any) -> str:
    """The text of the nearest ancestor that says more than the link but is still one listing."""
    own = len(" ".join((node.text() or "").split()))
    parent = node.parent
    for _ in range(4):
        if parent is None:
            break
        text = " ".join((parent.text(separator=" ") or "").split())
        if len(text) > 300:
            break
        if len(text) > own + 3:
            return text
        parent = parent.parent
    return ""


def _map_urls(tree: LexborHTMLParser) -> list[str]:
    out = []
    for node in tree.css("iframe[src], a[href]"):
        target = node.attributes.get("src") or node.attributes.get("href") or ""
        if ("google." in target and "/maps" in target) or "maps.google" in target or "maps.apple" in target:
            out.append(target)
    return out[:5]


def extract(url: str, html: str, company: str | None = None, *, own_site: bool | None = None) -> PageFacts:
    """Everything the readers find on one HTML page (``company``: whose claims count as its own;
    ``own_site``: the page is the company's, None to judge it by the page's host)."""
    try:
        tree = LexborHTMLParser(html[:5_000_000])
    except Exception:  # lexbor is very tolerant; this is belt and braces for binary garbage
        return PageFacts(url=url)
    title_node = tree.css_first("title")
    items = _jsonld(tree)
    links = _links(tree, url)
    maps = _map_urls(tree)
    scripts = _script_data(tree)
    text_page = page_model.from_html(tree)
    facts = _read(url, text_page, items, maps, company, scripts, own_site)
    facts.title = (title_node.text(strip=True) if title_node else "")[:300]
    facts.links = links
    return facts


def extract_text(text: str, url: str = "", company: str | None = None) -> PageFacts:
    """The same readers on plain text (a line per block); text that is code or data (a JSON answer, a
    site's JS module) is also read for the objects it holds."""
    return _read(url, page_model.from_text(text), [], [], company, _code_objects(text)[:200], None)


# the section names a site puts after its own name in a page's first line ("First Rate Property Management Blog")
_SITE_SECTION = re.compile(
    r"\s*(?:[|:–—-]\s*)?(?:(?:our\s+)?(?:blog|news|team|staff|about(?:\s+us)?|home|story|leadership|people)\s*)?$",
    re.IGNORECASE,
)


def _titled_by(company: str | None, text_page: page_model.PageText) -> bool:
    """The page's first line is the company's name, or its name and a section of its site: its own page."""
    first = next((b.text.strip() for b in text_page.blocks if b.text.strip()), "")
    if not company or len(first) > 80 or not first.lower().startswith(company.lower()):
        return False
    return bool(_SITE_SECTION.fullmatch(first[len(company) :]))


def _read(
    url: str,
    text_page: page_model.PageText,
    items: list[dict[str, Any]],
    maps: list[str],
    company: str | None,
    scripts: list[Any] | None = None,
    own_site: bool | None = None,
) -> PageFacts:
    text = text_page.text[:MAX_TEXT]
    own = (names_site(company, url) or _titled_by(company, text_page)) if own_site is None else own_site
    addresses, areas = read_places(text_page, items, maps)
    emails: list[str] = []
    for block in text_page.blocks:
        for address in [*block.emails, *published.in_text(block.text)]:
            if address not in emails:
                emails.append(address)
    return PageFacts(
        url=url,
        text=text,
        jsonld=items,
        addresses=addresses,
        phones=sorted({f"({a}) {b}-{c}" for a, b, c in _PHONE.findall(text)})[:10],
        emails=sorted(emails)[:50],
        unit_claims=claims_in_page(text_page, company) + claims_in_data(items, scripts or [], company),
        people=read_people(text_page, items, scripts, company, own_site=own),
        service_areas=areas,
    )
