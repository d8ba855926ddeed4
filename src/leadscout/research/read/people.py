"""People and their titles, from whatever structure a page uses.

A person is a name (probablepeople must read it as a person's name) next to a title (every word
of it from the title lexicon, with at least one head word such as owner, president or manager),
and the two must be adjacent in the page's structure:

* JSON-LD ``Person`` (``name``, ``jobTitle``, ``email``);
* two neighbouring blocks: a card's heading and its role line, ``dt``/``dd``, a heading followed
  by its line, a title above a name;
* one block: "Jane Doe, Owner/Broker", "Jane Doe | CEO", "Owner/Broker: Jane Doe", "Jane Doe (President)";
* tables, by their header row (Name / Title / Email);
* prose: "Jane Doe, owner and broker, founded ...", "says Keith J. Hales, president of Hales
  Property Management", "Meet Jane Doe, our President", "Jane Doe is the owner of ...".

An email comes from the same card: a ``mailto:`` link, a Cloudflare-protected address or a
spelled-out one in the blocks of that person's group.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

import probablepeople
from pydantic import BaseModel

from leadscout.research.read.page import Block, PageText, sentences


def _lexicon() -> dict[str, frozenset[str]]:
    raw = resources.files("leadscout.research.read").joinpath("data/titles.json").read_text("utf-8")
    return {key: frozenset(words) for key, words in json.loads(raw).items() if not key.startswith("_")}


_LEXICON = _lexicon()
_CONNECTORS = {"of", "and", "&", "for", "in", "to", "the", "our", "a", "an", "then", "at", "with"}
HEADS, MODIFIERS = _LEXICON["heads"], _LEXICON["modifiers"]
CREDENTIALS, _NOT_NAMES = _LEXICON["credentials"], _LEXICON["not_names"]

_CORPORATE = re.compile(
    r"\b(?:inc|llc|ltd|corp|co|company|group|management|realty|properties|partners|services|"
    r"holdings|trust|capital|residential|associates)\b\.?",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|\||–|—|-(?=\s)|:|\u2022|·)\s*")
_NAME_RUN = re.compile(
    r"(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?(?:[A-Z]\.\s?[A-Z]\.\s?[A-Z][a-zA-Z'’-]+|(?:[A-Z]\.\s+)?[A-Z][a-zA-Z'’-]+"
    r"(?:\s+[A-Z]\.?)?(?:\s+[A-Z][a-zA-Z'’-]+){1,2})(?:,?\s+(?:Jr|Sr|II|III|IV)\.?)?"
)
_WORDS = re.compile(r"[A-Za-z][A-Za-z.'’&/-]*|&")


class Person(BaseModel):
    full_name: str
    title: str | None = None
    email: str | None = None
    source: str  # jsonld | card | line | table | prose
    quote: str = ""


def is_title(text: str) -> str | None:
    """The title in ``text`` when the whole of it reads as one ("Owner/Broker", "Director of
    Operations", "President of Acme Realty" -> "President"); else None."""
    clean = re.sub(r"[®™]", "", text).strip(" .,;:()")
    if not clean or len(clean) > 90:
        return None
    clean = re.split(
        r"\s+(?:of|at|for|with)\s+(?=(?:the\s+)?[A-Z0-9][\w&'’.-]*(?:\s|$))(?!(?:Operations|Property|"
        r"Leasing|Maintenance|Marketing|Sales|Accounting|Business|Finance|Asset|Client|Resident|Owner|"
        r"Community|Real|Human|Investor|Acquisitions|Development|Residential|Commercial)\b)",
        clean,
    )[0]
    words = [w.lower().strip(".,") for w in _WORDS.findall(clean.replace("/", " / "))]
    words = [w for w in words if w not in CREDENTIALS and w != "/"]
    if not words or len(words) > 9:
        return None
    if not any(w in HEADS for w in words) or not all(w in HEADS or w in MODIFIERS for w in words):
        return None
    if words[0] in ("of", "and", "for", "in", "to", "&") or words[-1] in _CONNECTORS:
        return None
    return re.sub(r"^(?:our|the|a|an)\s+", "", clean, flags=re.IGNORECASE).strip(" ,")


@cache
def is_name(text: str, *, lenient: bool = False) -> str | None:
    """``text`` as a person's full name (given name and surname, as probablepeople reads it), else
    None. ``lenient`` (a title stands right beside it) also takes two or three capitalised words
    probablepeople files as a corporation, when none of them is a corporate word."""
    clean = re.sub(r"^(?:Mr|Ms|Mrs|Dr)\.?\s+", "", text.strip(" ,.:;-–|")).strip()
    clean = re.sub(r",?\s+(?:Jr|Sr|II|III|IV)\.?$", "", clean)
    tokens = clean.split()
    if not 2 <= len(tokens) <= 4 or len(clean) > 48 or any(ch.isdigit() for ch in clean):
        return None
    if not all(re.fullmatch(r"[A-Z][A-Za-z.'’-]*", t) for t in tokens):
        return None  # "Owner: Kevin", "Jane@Acme": not a name as written
    lowered = [t.lower().strip(".,®") for t in tokens]
    if any(t in _NOT_NAMES or t in HEADS or t in CREDENTIALS for t in lowered):
        return None

    try:
        tags, kind = probablepeople.tag(clean)
    except probablepeople.RepeatedLabelError:
        return None
    person = kind == "Person" and "Surname" in tags and bool({"GivenName", "FirstInitial"} & set(tags))
    if not person and not (lenient and kind == "Corporation" and len(tokens) <= 3 and not _CORPORATE.search(clean)):
        return None
    return clean if not clean.isupper() else clean.title()


def _name_and_rest(text: str) -> tuple[str, str] | None:
    """ "Jane Doe, CPM, Owner" -> ("Jane Doe", "Owner"): a name first, credentials skipped."""
    parts = [p for p in _SPLIT.split(text) if p]
    if len(parts) < 2 or not (name := is_name(parts[0])):
        return None
    rest = [p for p in parts[1:] if p.lower().strip(".®") not in CREDENTIALS]
    return (name, ", ".join(rest)) if rest else None


def read_people(page: PageText, jsonld: list[dict[str, Any]] | None = None) -> list[Person]:
    found: dict[str, Person] = {}

    def keep(person: Person) -> None:
        key = person.full_name.lower()
        known = found.get(key)
        if known is None:
            found[key] = person
        else:
            found[key] = known.model_copy(
                update={"title": known.title or person.title, "email": known.email or person.email}
            )

    for person in _from_jsonld(jsonld or []):
        keep(person)
    for person in _from_tables(page):
        keep(person)
    for person in _from_blocks(page):
        keep(person)
    for person in _from_prose(page):
        keep(person)
    return list(found.values())[:60]


def _from_jsonld(items: list[dict[str, Any]]) -> list[Person]:
    out = []
    for item in items:
        kinds = item.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "Person" not in kinds or not isinstance(item.get("name"), str):
            continue
        name = is_name(" ".join(item["name"].split())) or " ".join(item["name"].split())[:120]
        title = item.get("jobTitle") if isinstance(item.get("jobTitle"), str) else None
        email = item.get("email") if isinstance(item.get("email"), str) else None
        email = email[7:] if email and email.lower().startswith("mailto:") else email
        out.append(Person(full_name=name, title=title, email=email, source="jsonld", quote=f"{name}, {title or ''}"))
    return out


def _group_email(page: PageText, anchor: Block, limit: int = 4) -> str | None:
    """An address in the person's own card: this block, or the next blocks of the same group."""
    from leadscout.research.read.published import in_text

    for block in page.blocks[anchor.index : anchor.index + limit]:
        if block.index > anchor.index and (block.group != anchor.group and is_name(block.text)):
            break
        if block.emails:
            return block.emails[0]
        if spelled := in_text(block.text):
            return spelled[0]
    return None


def _from_blocks(page: PageText) -> list[Person]:
    out: list[Person] = []
    blocks = page.blocks
    for block in blocks:
        text = block.text
        if len(text) > 140:
            continue
        if name := is_name(text):
            title = _title_near(page, block)
            if title:
                email = _group_email(page, block, 5)
                out.append(Person(full_name=name, title=title, email=email, source="card", quote=f"{name}, {title}"))
            continue
        if pair := _name_and_rest(text):
            title = is_title(pair[1]) or is_title(pair[1].split(",")[0])
            if title:
                email = _group_email(page, block, 3)
                out.append(Person(full_name=pair[0], title=title, email=email, source="line", quote=text[:300]))
                continue
        if m := re.match(r"^(?P<title>[^:]{3,60}):\s*(?P<name>.{4,48})$", text):  # "Owner/Broker: Jane Doe"
            title, name = is_title(m.group("title")), is_name(m.group("name"))
            if title and name:
                out.append(
                    Person(
                        full_name=name, title=title, email=_group_email(page, block, 2), source="line", quote=text[:300]
                    )
                )
                continue
        if m := re.match(r"^(?P<name>[^()]{4,48})\s*\((?P<title>[^()]{2,60})\)$", text):  # "Jane Doe (President)"
            title, name = is_title(m.group("title")), is_name(m.group("name"))
            if title and name:
                out.append(
                    Person(
                        full_name=name, title=title, email=_group_email(page, block, 2), source="line", quote=text[:300]
                    )
                )
    return out


def _title_near(page: PageText, block: Block) -> str | None:
    """The title beside a name: the next block (a card's role line, a ``dd``), or the one before
    (a role above the name), or the start of the next line ("Owner | Licensed broker since 1999")."""
    after = page.blocks[block.index + 1] if block.index + 1 < len(page.blocks) else None
    before = page.blocks[block.index - 1] if block.index > 0 else None
    for other in (after, before):
        if other is None or len(other.text) > 160 or is_name(other.text):
            continue
        if title := is_title(other.text):
            return title
        first = _SPLIT.split(other.text, maxsplit=1)[0]
        if other is after and (title := is_title(first)):
            return title
        first = re.escape(block.text.split()[0])
        lead = re.match(
            rf"^(?:(?:{first}|he|she|they)\s+(?:is|serves\s+as|works\s+as)\s+|is\s+)?(?:our|the|a|an)?\s*([^.]{{3,80}}?)"
            r"(?:\s+(?:at|since|with|for)\b|[.]|$)",
            other.text,
            re.IGNORECASE,
        )
        if other is after and lead and (title := _longest_title(lead.group(1))):
            return title
    return None


_HEADER_NAME = {"name", "full name", "team member", "staff", "employee", "contact"}
_HEADER_TITLE = {"title", "position", "role", "job title", "job", "position/title", "title/role"}


def _from_tables(page: PageText) -> list[Person]:
    """Rows of a table whose header names a Name and a Title column."""
    out: list[Person] = []
    rows: dict[int, list[Block]] = {}
    for block in page.blocks:
        if block.tag in ("td", "th"):
            rows.setdefault(block.group, []).append(block)
    header: dict[str, int] | None = None
    for cells in rows.values():
        texts = [c.text.strip().lower().rstrip(":") for c in cells]
        if any(t in _HEADER_NAME for t in texts) and any(t in _HEADER_TITLE for t in texts):
            header = {
                "name": next(i for i, t in enumerate(texts) if t in _HEADER_NAME),
                "title": next(i for i, t in enumerate(texts) if t in _HEADER_TITLE),
            }
            continue
        if header is None or len(cells) <= max(header.values()):
            continue
        name = is_name(cells[header["name"]].text)
        title = is_title(cells[header["title"]].text)
        if name and title:
            email = next((e for c in cells for e in c.emails), None)
            out.append(Person(full_name=name, title=title, email=email, source="table", quote=f"{name}, {title}"))
    return out


_PROSE_AFTER = re.compile(
    r"^,?\s*(?:(?:who\s+)?(?:is|was|serves\s+as|as)\s+)?(?:(?:our|the|a|an)\s+)?(?P<title>[^,.;:()“”\"]{2,70})"
)
_PROSE_BEFORE = re.compile(r"(?:^|[\s,(])(?:(?:our|the)\s+)?(?P<title>(?:[A-Za-z&/-]+\s+){0,5}[A-Za-z&/-]+)\s*,?\s*$")


def _from_prose(page: PageText) -> list[Person]:
    out: list[Person] = []
    for block in page.blocks:
        if len(block.text) < 12:
            continue
        found: list[Person] = []
        names: set[str] = set()
        for sentence in sentences(block.text):
            people, seen = _people_in_sentence(sentence)
            found += people
            names |= seen
        found += _attributions(block.text) + _founders(block.text)
        if len(names) == 1 and not found:
            found += _referred(block.text, next(iter(names)))
        out += found
    return out


_REFERENCE = re.compile(
    r"(?:\b(?:says|said|adds|added|explains|explained|according\s+to|notes|noted)\s+(?:the|its)\s+|(?:^|[.,;]\s*|\bwhen\s+)"
    r"the\s+)(?P<title>(?:[A-Za-z&/-]+\s+){0,5}?[A-Za-z&/-]+)(?=\s+(?:of|at|for|has|had|is|was|says|said)\b|[,.])",
    re.IGNORECASE,
)


def _referred(text: str, name: str) -> list[Person]:
    """A block about one person who is then called by title ("..., says the CEO of Riverstone"):
    the title is that person's."""
    for m in _REFERENCE.finditer(text):
        if title := is_title(m.group("title")):
            return [
                Person(full_name=name, title=title, source="prose", quote=text[max(0, m.start() - 150) : m.end()][:300])
            ]
    return []


_ATTRIBUTION = re.compile(
    r"(?:(?:^|\n)\s*(?:written\s+by|posted\s+by|by|author)\s*:?\s+|[”\"]\s*[–—-]\s*|^\s*[–—-]\s*)"
    r"(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,2})",
    re.IGNORECASE,
)


def _attributions(text: str) -> list[Person]:
    """Bylines and quote attributions: "Written By: Jane Doe", "... .” – Jane Doe, Acme"."""
    out = []
    for m in _ATTRIBUTION.finditer(text):
        if name := is_name(m.group("name")):
            out.append(Person(full_name=name, title=None, source="byline", quote=text[m.start() : m.end() + 80][:300]))
    return out


_TITLE_WITH_ORG = re.compile(
    r"(?P<title>(?:[A-Za-z&/-]+\s+){0,4}[A-Za-z&/-]+)\s+(?:with|of|at|from)\s+[A-Z][\w&.,'’ -]{2,60}?[,.]?\s*"
    r"(?:(?:Mr|Ms|Mrs|Dr)\.?\s*)?$"
)
_FOUNDED_BY = re.compile(
    r"\b(?:co-?)?(?:founded|formed|started|established|launched|created)\s+(?:in\s+\d{4}\s+)?by\s+"
    r"(?P<names>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)*(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)*)*)"
)


def _founders(text: str) -> list[Person]:
    """ "Founded by Jane and John Doe in 1998": each named founder (a shared surname is shared)."""
    out = []
    for m in _FOUNDED_BY.finditer(text):
        parts = [p.strip() for p in re.split(r"\s*(?:,|\band\b|&)\s*", m.group("names")) if p.strip()]
        surname = parts[-1].split()[-1] if parts else ""
        title = "Co-founder" if len(parts) > 1 else "Founder"
        for part in parts:
            full = part if len(part.split()) > 1 else f"{part} {surname}"
            if name := is_name(full, lenient=True):
                out.append(
                    Person(full_name=name, title=title, source="prose", quote=text[m.start() : m.end() + 40][:300])
                )
    return out


def _best_span(run: re.Match[str]) -> re.Match[str]:
    """A capitalised run may start with a sentence's first word ("Ask Christy Freeland", "For C.
    Preston Butcher"): the run without it, when only that reads as a name."""
    if is_name(run.group(0)):
        return run
    first = re.match(r"\S+\s+", run.group(0))
    if first:
        inner = _NAME_RUN.match(run.string, run.start() + first.end(), run.end())
        if inner is not None and inner.end() == run.end() and is_name(inner.group(0)):
            return inner
    return run


def _people_in_sentence(sentence: str) -> tuple[list[Person], set[str]]:
    out = []
    names: set[str] = set()
    for run in _NAME_RUN.finditer(sentence):
        m = _best_span(run)
        if strict := is_name(m.group(0)):
            names.add(strict)
        after = sentence[m.end() :]
        skip = re.match(r"^(?:,\s*(?:[A-Z][A-Za-z®-]{1,8}(?:\s+Emeritus)?))+(?=,)", after)  # credentials
        if skip and all(w.lower().strip("®") in CREDENTIALS for w in re.findall(r"[A-Za-z®-]+", skip.group(0))):
            after = after[skip.end() :]
        title = None
        if after.startswith(",") or re.match(r"^\s+(?:is|was|serves\s+as)\b", after):
            follow = _PROSE_AFTER.match(after)
            if follow:
                title = _longest_title(follow.group("title"))
        if title is None and (intro := _TITLE_WITH_ORG.search(sentence[: m.start()])):
            title = _longest_title(intro.group("title"), from_end=True)  # "Co-Founder and CEO with Acme, Mr. Jo Doe"
        if title is None:
            lead = _PROSE_BEFORE.search(sentence[: m.start()])
            if (
                lead
                and re.search(
                    r"(?:meet|welcome|says|said|by|from|and)\s*$|^\s*$", sentence[: lead.start()] or " ", re.IGNORECASE
                )
                is None
            ):
                title = _longest_title(lead.group("title"), from_end=True)
        name = strict or (is_name(m.group(0), lenient=True) if title else None)
        if title and name:
            names.add(name)
            out.append(Person(full_name=name, title=title, source="prose", quote=sentence[:300]))
    return out, names


def _longest_title(text: str, *, from_end: bool = False) -> str | None:
    """The longest run of words at the start (or end) of ``text`` that reads as a title; "my
    business partner and then friend" gives "business partner"."""
    text = re.sub(r"^(?:my|his|her|their|our|the)\s+", "", text.strip(), flags=re.IGNORECASE)
    for part in re.split(r"\s+and\s+(?:then|later|now|also)\s+", text):
        if part != text and (title := _longest_title(part, from_end=from_end)):
            return title
    words = text.split()
    for size in range(min(len(words), 9), 0, -1):
        chunk = " ".join(words[-size:] if from_end else words[:size])
        if title := is_title(chunk):
            return title
    return None
