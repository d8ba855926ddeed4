"""Facts from one HTML page: links, JSON-LD, main text, addresses, phones, unit-count claims,
people, and company-type signals. The parser (selectolax/lexbor) does the structure; small
patterns read only the short plain-text phrases a parser cannot (unit counts, US addresses).
Never raises on hostile input."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, Field
from selectolax.lexbor import LexborHTMLParser

from leadscout.geo import state_code

MAX_TEXT = 200_000


class Link(BaseModel):
    url: str
    text: str = ""
    context: str = ""  # the nearest heading or list item, for directory listings


class Address(BaseModel):
    street: str | None = None
    city: str
    state: str
    zip: str | None = None
    quote: str
    source: str  # jsonld | address_tag | text


class UnitClaim(BaseModel):
    value: int
    phrase: str = Field(max_length=300)


class PersonCard(BaseModel):
    full_name: str
    title: str | None = None
    email: str | None = None
    source: str


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
    people: list[PersonCard] = Field(default_factory=list)
    service_areas: list[str] = Field(default_factory=list)


_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d{2,6})"
_UNITS = re.compile(
    rf"(?:manage|managing|managed|oversee|portfolio of|trusted with|care of|over|more than|nearly|"
    rf"approximately|about)?\s*(?:over|more than|nearly|approximately|about)?\s*{_NUMBER}\s*\+?\s*"
    r"(?:residential\s+)?(units|doors|rental homes|homes|properties|single-family homes|rentals)\b",
    re.IGNORECASE,
)
_MANAGE_WORDS = re.compile(r"manag|portfolio|trusted|care of|under management|oversee", re.IGNORECASE)
_ADDRESS = re.compile(r"([A-Z][A-Za-z .'-]{1,40}),\s*([A-Z]{2})\s+(\d{5})(?:-\d{4})?")
_PHONE = re.compile(r"\(?\b(\d{3})\)?[ .-]?(\d{3})[ .-](\d{4})\b")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}")  # bounded: linear on hostile text


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("!", 0, start), text.rfind("?", 0, start))
    right_candidates = [i for i in (text.find(".", end), text.find("!", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[left + 1 : right].strip()[:300]


def unit_claims(text: str) -> list[UnitClaim]:
    claims = []
    for m in _UNITS.finditer(text):
        phrase = _sentence(text, m.start(), m.end())
        if not _MANAGE_WORDS.search(phrase):
            continue  # "3 homes for sale" is not a portfolio
        value = int(m.group(1).replace(",", ""))
        if 5 <= value <= 200_000:
            claims.append(UnitClaim(value=value, phrase=phrase))
    return claims


def _walk_jsonld(node: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk_jsonld(item, out)
    elif isinstance(node, dict):
        if "@graph" in node:
            _walk_jsonld(node["@graph"], out)
        if "@type" in node:
            out.append(node)


def _jsonld(tree: LexborHTMLParser) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for node in tree.css("script[type='application/ld+json']"):
        try:
            _walk_jsonld(json.loads(node.text() or ""), items)
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; it is skipped, not fatal
    return items[:50]


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type")
    return {str(k) for k in (kind if isinstance(kind, list) else [kind])}


def _jsonld_addresses(items: list[dict[str, Any]]) -> list[Address]:
    out = []
    for item in items:
        addr = item.get("address")
        if isinstance(addr, dict) and addr.get("addressLocality") and addr.get("addressRegion"):
            code = state_code(str(addr["addressRegion"]))
            if code:
                quote = ", ".join(
                    str(addr[k])
                    for k in ("streetAddress", "addressLocality", "addressRegion", "postalCode")
                    if addr.get(k)
                )
                out.append(
                    Address(
                        street=addr.get("streetAddress"),
                        city=str(addr["addressLocality"]).strip(),
                        state=code,
                        zip=addr.get("postalCode"),
                        quote=quote[:300],
                        source="jsonld",
                    )
                )
    return out


def _text_addresses(text: str, source: str) -> list[Address]:
    out = []
    for m in _ADDRESS.finditer(text):
        code = state_code(m.group(2))
        if code is None:
            continue
        city = m.group(1).strip()
        city = re.split(r"\b(?:Suite|Ste|St|Ave|Blvd|Rd|Dr|Street|Avenue|Road|Drive)\.?\s", city)[-1].strip()
        start = max(0, m.start() - 60)
        out.append(
            Address(city=city, state=code, zip=m.group(3), quote=text[start : m.end()].strip()[:300], source=source)
        )
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


def _people(tree: LexborHTMLParser, items: list[dict[str, Any]]) -> list[PersonCard]:
    people: dict[str, PersonCard] = {}
    for item in items:
        if "Person" in _types(item) and isinstance(item.get("name"), str):
            name = " ".join(item["name"].split())[:120]
            people[name.lower()] = PersonCard(
                full_name=name, title=item.get("jobTitle"), email=item.get("email"), source="jsonld"
            )
    for card in tree.css(".team-member, .staff, .person, .bio, [itemtype*='Person']"):
        name_node = card.css_first(".name, h3, h4, [itemprop='name']")
        if name_node is None:
            continue
        name = " ".join(name_node.text().split())[:120]
        if not name or len(name.split()) < 2:
            continue
        title_node = card.css_first(".title, .role, [itemprop='jobTitle']")
        mail = card.css_first("a[href^='mailto:']")
        email = (mail.attributes.get("href") or "")[7:].split("?")[0] if mail is not None else None
        known = people.get(name.lower())
        people[name.lower()] = PersonCard(
            full_name=name,
            title=(title_node.text(strip=True) if title_node else None) or (known.title if known else None),
            email=email or (known.email if known else None),
            source="card" if known is None else "jsonld+card",
        )
    return list(people.values())[:50]


def extract(url: str, html: str) -> PageFacts:
    try:
        tree = LexborHTMLParser(html[:5_000_000])
    except Exception:  # lexbor is very tolerant; this is belt and braces for binary garbage
        return PageFacts(url=url)
    title_node = tree.css_first("title")
    items = _jsonld(tree)
    links = []
    for node in tree.css("a[href]")[:2000]:
        href = (node.attributes.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "tel:")):
            try:
                target = urljoin(url, href)
                urlsplit(target).hostname  # noqa: B018 - raises on a malformed host such as http://[::1
            except ValueError:
                continue  # a broken link on a page is skipped, never fatal
            links.append(Link(url=target, text=" ".join(node.text().split())[:200], context=_context(node)))
    emails = sorted(
        {
            (n.attributes.get("href") or "")[7:].split("?")[0].lower()
            for n in tree.css("a[href^='mailto:']")
            if "@" in (n.attributes.get("href") or "")
        }
    )
    address_tags = [" ".join(n.text().split()) for n in tree.css("address")]
    areas = [" ".join(li.text().split()) for li in tree.css(".service-areas li, #service-areas li")][:50]
    people = _people(tree, items)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    text = " ".join((tree.body.text(separator=" ") if tree.body else "").split())[:MAX_TEXT]
    addresses = _jsonld_addresses(items)
    for tag in address_tags:
        addresses.extend(_text_addresses(tag, "address_tag"))
    if not addresses:
        addresses.extend(_text_addresses(text, "text")[:3])
    phones = sorted({f"({a}) {b}-{c}" for a, b, c in _PHONE.findall(text)})[:10]
    emails = sorted(set(emails) | {e.lower() for e in _EMAIL.findall(text)})[:50]
    return PageFacts(
        url=url,
        title=(title_node.text(strip=True) if title_node else "")[:300],
        text=text,
        links=links,
        jsonld=items,
        addresses=addresses,
        phones=phones,
        emails=emails,
        unit_claims=unit_claims(text),
        people=people,
        service_areas=areas,
    )
