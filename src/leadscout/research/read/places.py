"""Where a company is (its HQ) and where it works (served areas), kept apart.

The HQ comes from the places sites put it: JSON-LD ``PostalAddress``, ``<address>``, a map embed
(``q=`` of a Google Maps iframe or link), a footer or contact block (a street line and a city
line are read together), and statements such as "located at ...", "headquartered in ...",
"Austin-based". Every candidate goes through ``usaddress`` (a CRF parser of US addresses) and
is kept only when its city is a real place in its state (the ZIP table of ``zipcodes``) and its
ZIP, if any, lies in that state.

Served areas ("serving Austin and the surrounding area", "we serve the greater Austin area,
north to Round Rock ...", a "Service Areas" list) are city names checked the same way; they
never stand in for the HQ.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

import usaddress
from pydantic import BaseModel

from leadscout.geo import STATES, is_city, main_state, state_code, zip_place
from leadscout.research.read.page import Block, PageText, sentences

# where the address was read, best first (the HQ is the best-ranked one)
SOURCES = ("jsonld", "address_tag", "map", "contact", "footer", "located", "text")


class Address(BaseModel):
    street: str | None = None
    city: str
    state: str
    zip: str | None = None
    quote: str
    source: str


_STATE_NAMES = "|".join(sorted((re.escape(n) for n in STATES.values()), key=len, reverse=True))
_ANCHOR = re.compile(rf"(?:,\s*|\s+)(?:{_STATE_NAMES}|[A-Z]{{2}})\.?(?:\s+\d{{5}}(?:-\d{{4}})?)?\b")
_LOCATED = re.compile(
    r"\b(?:located|headquartered|based|office\s+is|offices\s+are|hq\s+is|find\s+us)\s+(?:at|in|on)\s+(?P<place>[^.;!?]{4,120})",
    re.IGNORECASE,
)
_BASED = re.compile(
    r"\b(?P<city>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})(?:,\s*(?P<state>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?))?-based\b"
)
_SERVE = re.compile(
    r"\b(?:serv(?:e|es|ing|ice\s+areas?)|areas?\s+(?:we|served)|cover(?:s|ing)?|manag(?:e|ing)\s+(?:homes|properties|"
    r"rentals)\s+(?:in|throughout|across))\b(?P<rest>[^.!?]{3,300})",
    re.IGNORECASE,
)
_AREA_HEADING = re.compile(
    r"\b(?:service\s+areas?|areas?\s+(?:we\s+)?serve[ds]?|communities\s+(?:we\s+)?serve[ds]?|"
    r"where\s+we\s+(?:work|manage)|locations)\b",
    re.IGNORECASE,
)
_AREA_NOISE = re.compile(
    r"\b(?:the|greater|metro(?:politan)?|area|areas|region|surrounding|nearby|communities|cities|county|counties|"
    r"north|south|east|west|northern|southern|eastern|western|central|to|of|in|and|all|including|as\s+well\s+as|"
    r"throughout|across|from|proudly|property|owners|residents|investors|neighborhoods?)\b",
    re.IGNORECASE,
)


def read_places(
    page: PageText, jsonld: list[dict[str, Any]] | None = None, map_urls: list[str] | None = None
) -> tuple[list[Address], list[str]]:
    """(addresses, best first; served areas) stated on a page."""
    found: list[Address] = list(_from_jsonld(jsonld or []))
    for url in map_urls or []:
        found.extend(_from_map(url))
    for block in page.blocks:
        found.extend(_from_block(block, page))
    found.sort(key=lambda a: SOURCES.index(a.source))
    unique: dict[tuple[str, str, str | None], Address] = {}
    for address in found:
        unique.setdefault((address.city.lower(), address.state, address.street), address)
    state_hint = next((a.state for a in unique.values()), None)
    return list(unique.values())[:20], served_areas(page, state_hint)


def _from_jsonld(items: list[dict[str, Any]]) -> list[Address]:
    out = []
    for item in items:
        addr = item.get("address")
        for one in addr if isinstance(addr, list) else [addr]:
            if not isinstance(one, dict) or not one.get("addressLocality") or not one.get("addressRegion"):
                continue
            code = state_code(str(one["addressRegion"]))
            if code is None:
                continue
            keys = ("streetAddress", "addressLocality", "addressRegion", "postalCode")
            quote = ", ".join(str(one[k]) for k in keys if one.get(k))
            zip_code = str(one.get("postalCode") or "")[:10] or None
            out.append(
                Address(
                    street=one.get("streetAddress"),
                    city=str(one["addressLocality"]).strip(),
                    state=code,
                    zip=zip_code,
                    quote=quote[:300],
                    source="jsonld",
                )
            )
    return out


def _from_map(url: str) -> list[Address]:
    """``https://www.google.com/maps/embed/v1/place?q=100+Main+St,+Austin,+TX`` and the like."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    if "google" not in (parts.hostname or "") and "maps" not in (parts.hostname or ""):
        return []
    query = parse_qs(parts.query)
    text = " ".join(query.get("q", []) + query.get("query", []) + query.get("daddr", []))
    if not text and "/place/" in parts.path:
        text = unquote_plus(parts.path.split("/place/", 1)[1].split("/")[0])
    return [a.model_copy(update={"source": "map"}) for a in parse_addresses(unquote_plus(text), "map")]


def _from_block(block: Block, page: PageText) -> list[Address]:
    source = "address_tag" if block.tag == "address" or " address" in f" {block.classes}" else _block_source(block)
    if source == "text" and _LOCATED.search(block.text):
        source = "located"
    out = parse_addresses(block.text, source)
    if source in ("text", "located") and len(block.text) > 80:  # prose: "homes in Dallas, TX" is not an office
        out = [a for a in out if a.street or a.zip]
    if not out and block.index + 1 < len(page.blocks):  # "100 Main St" above "Austin, TX 78701"
        below = page.blocks[block.index + 1]
        if below.group == block.group and re.match(r"^\d{2,6}\s+\w", block.text) and len(block.text) < 80:
            out = parse_addresses(f"{block.text}, {below.text}", source)
    if not out:
        out = _located(block)
    return out


def _block_source(block: Block) -> str:
    classes = block.classes.lower()
    if "footer" in classes or block.tag == "footer":
        return "footer"
    if "contact" in classes or "location" in classes or "address" in classes:
        return "contact"
    return "text"


def parse_addresses(text: str, source: str) -> list[Address]:
    """Every US address in ``text`` whose city is real in its state (usaddress does the parsing)."""
    out = []
    for m in _ANCHOR.finditer(text):
        state = state_code(re.sub(r"[\s,.\d-]+", " ", m.group(0)).strip())
        if state is None:
            continue
        start = _window_start(text, m.start())
        candidate = text[start : m.end()]
        if address := _parse_one(candidate, state, source):
            out.append(address)
    return out


def _window_start(text: str, anchor: int) -> int:
    """Where an address before ``anchor`` may begin: after the last sentence break, pipe, bullet or
    label colon, at most 110 characters back."""
    start = max(0, anchor - 110)
    window = text[start:anchor]
    cut = max((window.rfind(sep) for sep in ("|", "•", "·", ". ", ": ", "\n", "!", "?", "–", "—")), default=-1)
    return start + cut + 1 if cut >= 0 else start


def _parse_one(candidate: str, state: str, source: str) -> Address | None:
    try:
        tags, _kind = usaddress.tag(candidate)
    except (usaddress.RepeatedLabelError, ValueError):
        return None
    city = (tags.get("PlaceName") or "").strip(" ,.")
    city = re.sub(r"^(?:(?:Suite|Ste|Unit|Apt|Floor|Fl)\.?\s*\S+\s+)", "", city, flags=re.IGNORECASE)
    if not city or not is_city(city, state):
        city = _city_before_state(candidate, state) or ""
        if not city:
            return None
    zip_code = (tags.get("ZipCode") or "").strip() or None
    if zip_code and (place := zip_place(zip_code)) and place[1] != state:
        return None  # a ZIP in another state: not this address
    street = (
        " ".join(
            tags[k]
            for k in (
                "AddressNumber",
                "StreetNamePreDirectional",
                "StreetName",
                "StreetNamePostType",
                "OccupancyType",
                "OccupancyIdentifier",
            )
            if tags.get(k)
        )
        or None
    )
    if street and not tags.get("AddressNumber"):
        street = None
    return Address(
        street=street,
        city=city.title() if city.isupper() else city,
        state=state,
        zip=zip_code,
        quote=candidate.strip()[:300],
        source=source,
    )


def _city_before_state(candidate: str, state: str) -> str | None:
    """The last one to three words before the state that name a real city there (usaddress can
    leave a street word in the city: "Congress Ave Austin")."""
    before = re.split(r",\s*(?:" + _STATE_NAMES + r"|[A-Z]{2})\.?(?:\s+\d{5}(?:-\d{4})?)?\s*$", candidate)[0]
    words = re.findall(r"[A-Za-z.'’-]+", before)
    for size in (3, 2, 1):
        name = " ".join(words[-size:])
        if len(words) >= size and name[:1].isupper() and is_city(name, state):
            return name
    return None


def _located(block: Block) -> list[Address]:
    """ "Our office is located in Austin, Texas", "an Austin-based team"."""
    out = []
    for m in _LOCATED.finditer(block.text):
        place = m.group("place")
        found = parse_addresses(place, "located")
        if found:
            out.extend(found)
            continue
        parts = [p.strip() for p in re.split(r",", place)]
        if len(parts) >= 2 and (state := state_code(re.sub(r"[\d\s-]+$", "", parts[1]).strip())):
            city = re.sub(r"^(?:the\s+)?(?:heart\s+of\s+|downtown\s+)?", "", parts[0], flags=re.IGNORECASE).strip()
            if is_city(city, state):
                out.append(Address(city=city, state=state, quote=m.group(0)[:300], source="located"))
    for m in _BASED.finditer(block.text):
        words = m.group("city").split()
        city = next((" ".join(words[i:]) for i in range(len(words)) if is_city(" ".join(words[i:]))), "")
        state = state_code(m.group("state")) if m.group("state") else main_state(city)
        if city and state and is_city(city, state):
            out.append(Address(city=city, state=state, quote=m.group(0)[:300], source="located"))
    return out


def served_areas(page: PageText, state: str | None) -> list[str]:
    """City names a page says the company serves, in the order stated."""
    found: list[str] = []

    def add(names: list[str]) -> None:
        for name in names:
            if name not in found:
                found.append(name)

    for block in page.blocks:
        for sentence in sentences(block.text):
            for m in _SERVE.finditer(sentence):
                add(_cities_in(m.group("rest"), state))
        if _AREA_HEADING.search(block.text) and len(block.text) < 60:
            for other in page.blocks[block.index + 1 : block.index + 30]:
                if other.heading and other.index > block.index + 1:
                    break
                if len(other.text) <= 80:
                    add(_cities_in(other.text, state))
    return found[:50]


def _cities_in(text: str, state: str | None) -> list[str]:
    out = []
    text = re.sub(r"\b(?:TX|Texas|FL|Florida|[A-Z]{2})\b\.?", ",", text)
    for part in re.split(r",|;|/|\band\b|&|\bor\b|\(|\)|\bincluding\b|\bas well as\b|\bplus\b", text):
        words = [w for w in re.findall(r"[A-Za-z.'’-]+", part) if not _AREA_NOISE.fullmatch(w)]
        candidates = [" ".join(words[i:j]) for i in range(len(words)) for j in range(len(words), i, -1)]
        for name in candidates:
            if name[:1].isupper() and is_city(name, state) and len(name) > 2:
                out.append(name)
                break
    return out
