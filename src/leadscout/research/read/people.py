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
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import probablepeople
from pydantic import BaseModel

from leadscout.geo import STATES, city_states, is_city
from leadscout.research.read.firm_names import is_firm_name, is_ours, mentions, named_after
from leadscout.research.read.given_names import is_first_name
from leadscout.research.read.page import Block, PageText, sentences


def _lexicon() -> dict[str, frozenset[str]]:
    raw = resources.files("leadscout.research.read").joinpath("data/titles.json").read_text("utf-8")
    return {key: frozenset(words) for key, words in json.loads(raw).items() if not key.startswith("_")}


_LEXICON = _lexicon()
_CONNECTORS = {"of", "and", "&", "for", "in", "to", "the", "our", "a", "an", "then", "at", "with"}
HEADS, MODIFIERS = _LEXICON["heads"], _LEXICON["modifiers"]
DEPARTMENTS = _LEXICON["departments"]
CREDENTIALS, _NOT_NAMES = _LEXICON["credentials"], _LEXICON["not_names"]

_CORPORATE = re.compile(
    r"\b(?:inc|llc|ltd|corp|co|company|group|management|realty|properties|partners|services|"
    r"holdings|trust|capital|residential|associates|systems|solutions|construction|builders|contractors|consulting|"
    r"enterprises|ventures|industries|technologies|bank|insurance|agency|association|pr|communications)\b\.?",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|\||–|—|-(?=\s)|(?<=\s)/(?=\s)|:|\u2022|·)\s*")  # "Jo Doe / Broker"; not "Broker/Owner"
_WORDS = re.compile(r"[A-Za-z][A-Za-z.'’&/-]*|&")


class Person(BaseModel):
    full_name: str
    title: str | None = None
    email: str | None = None
    source: str  # jsonld | script | card | line | table | image | prose
    quote: str = ""


def is_title(text: str) -> str | None:
    """The title in ``text`` when the whole of it reads as one ("Owner/Broker", "Director of
    Operations", "President of Acme Realty" -> "President"); else None."""
    clean = re.sub(r"[®™]", "", text).strip(" .,;:()!?")
    if not clean or len(clean) > 90 or clean[0].isdigit():
        return None  # "2009, owner" of "Since 2009, owner Luis Ramos": a year before a title
    if any(_a_clause(part) for part in clean.split(",")[1:]):
        return None  # "Broker/Owner, managing a portfolio of 150 homes": a clause after the title, not its part
    clean = re.split(
        r"\s+(?:of|at|for|with)\s+(?=(?:the\s+)?[A-Z0-9][\w&'’.-]*(?:\s|$))(?!(?:Operations|Property|"
        r"Leasing|Maintenance|Marketing|Sales|Accounting|Business|Finance|Asset|Client|Resident|Owner|"
        r"Community|Real|Human|Investor|Acquisitions|Development|Residential|Commercial)\b)",
        clean,
    )[0]
    words = [w.lower().strip(".,") for w in _WORDS.findall(clean.replace("/", " / "))]
    words = [part for w in words for part in _parts(w) if part not in CREDENTIALS and part != "/"]
    if not words or len(words) > 9:
        return None
    if not any(w in HEADS for w in words) or not all(w in HEADS or w in MODIFIERS for w in words):
        return None
    if words[0] in ("of", "and", "for", "in", "to", "&") or words[-1] in _CONNECTORS:
        return None
    if any(w in ("a", "an") for w in words[1:]):
        return None  # "coordinator and a former technician": a second noun phrase, not one title
    title = re.sub(r"^(?:our|the|a|an)\s+", "", clean, flags=re.IGNORECASE).strip(" ,")
    return _as_written_in_lower_case(title) if title.isupper() and len(title) > 5 else title


def _a_clause(part: str) -> bool:
    """A part after a title's comma that goes on with the sentence: a number in it, or a lower-case
    participle that no team is named by ("managing a portfolio", "overseeing"; not "marketing")."""
    if re.search(r"\d", part):
        return True
    first = part.split()[0] if part.split() else ""
    return first.endswith("ing") and first.islower() and (first not in MODIFIERS or first in _ING_BEFORE_A_HEAD)


_ING_BEFORE_A_HEAD = frozenset({"managing", "operating", "acting", "founding"})  # "Managing Broker", never alone


_SMALL_WORDS = frozenset({"of", "and", "for", "the", "in", "to", "at"})
_SHORT_WORDS = frozenset({"co", "new", "key"})  # short words of titles that are no acronym


def _as_written_in_lower_case(title: str) -> str:
    """A title set in capitals ("DIRECTOR OF OPERATIONS", "VP OF LEASING") as a sentence would write
    it ("Director of Operations", "VP of Leasing"): acronyms and credentials keep their capitals."""
    words = re.split(r"(\s+|/|-|,|&)", title)
    return "".join(
        w.lower()
        if w.lower() in _SMALL_WORDS and i
        else w
        if len(w) <= 3 and w.lower() not in _SHORT_WORDS
        else w.capitalize()
        for i, w in enumerate(words)
    )


def one_title(title: str | None) -> str | None:
    """A title said of several people, said of one: "the company's two partners, Omar Haddad and Lena
    Fischer" makes each a partner."""
    last = title.split()[-1] if title else ""
    if not title or " of " in title.lower() or not last.lower().endswith("s") or last.lower()[:-1] not in HEADS:
        return title
    return title[:-1]


def _parts(word: str) -> list[str]:
    """A title word as the lexicon knows it: "broker-owner" is two words, "owners" is "owner"."""
    if word not in HEADS and word not in MODIFIERS and "-" in word.strip("-"):
        return [p for piece in word.split("-") if piece for p in _parts(piece)]
    if word.endswith("s") and word not in HEADS and word[:-1] in HEADS:
        return [word[:-1]]
    return [word]


_STOPWORDS = frozenset({
    "in", "on", "at", "the", "a", "an", "of", "for", "to", "by", "as", "and", "or", "but", "is", "it", "we",
    "our", "my", "his", "her", "their", "its", "with", "from", "per", "into", "onto", "upon", "via",
})  # fmt: skip
_CALENDAR = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})  # fmt: skip
# words that end place names a given name may start ("Austin Avenue", "Madison Square")
_PLACES = frozenset(
    [
        "avenue",
        "ave",
        "street",
        "st",
        "road",
        "rd",
        "drive",
        "dr",
        "lane",
        "boulevard",
        "blvd",
        "way",
        "court",
        "square",
        "park",
        "place",
        "plaza",
        "heights",
        "hills",
        "valley",
        "springs",
        "village",
        "county",
        "city",
        "beach",
        "bay",
        "lake",
        "river",
        "creek",
        "ridge",
        "point",
        "station",
        "center",
        "centre",
        # the last words of apartment communities' names ("Woodside Gardens", "Admiral Oaks")
        "gardens",
        "oaks",
        "commons",
        "crossing",
        "landing",
        "manor",
        "estates",
        "pointe",
        "terrace",
        "meadows",
        "pines",
        "apartments",
        "towers",
        "lofts",
        "flats",
        "farms",
        "township",
        "borough",
    ]
)


_SURNAME_WORDS = {"trust", "bank", "co"}  # corporate words that are also surnames, or an initial
# place words that are also common surnames: "Linda Park" is a person, "Madison Park" a place
_SURNAME_PLACES = frozenset({"park", "lane", "way", "hills", "beach", "lake", "ridge", "street", "court", "bay"})


def _surname_like_place(tokens: list[str]) -> bool:
    """A given name that is no place's name before a place word that is also a surname."""
    return _given_name_before(tokens, _SURNAME_PLACES)


# words of page furniture that are also surnames: "Quick Links" is none, "Alan Quick" a person
_SURNAME_WORDS_TOO = frozenset({"quick", "west", "north", "south", "east", "page", "read"})


def _surname_like_word(tokens: list[str]) -> bool:
    """A given name that is no place's name before one of those words."""
    return _given_name_before(tokens, _SURNAME_WORDS_TOO) and tokens[0].lower() not in _NOT_NAMES


def _given_name_before(tokens: list[str], surnames: frozenset[str]) -> bool:
    """Two words: a given name that is no place's name, then one of ``surnames``."""
    first = tokens[0]
    return (
        len(tokens) == 2 and tokens[-1].lower() in surnames and is_first_name(first)
        and len(city_states(first)) < 5 and first not in STATES.values()
    )  # fmt: skip  # "Madison", "Austin": the name of places in many states


_CONTRACTION = re.compile(r"['’](?:m|re|ve|ll|d)$", re.IGNORECASE)
# "Maria de la Cruz", "Pieter van der Berg", "Michael Ó Briain"
_PARTICLE = "de|van|von|der|den|del|della|la|le|da|di|du|dos|das|ter|ten|Ó|Ní"
_IS_PARTICLE = re.compile(f"(?:{_PARTICLE})")  # in lower case inside a name
_SAINT = re.compile(r"\bSt\.?\s+(?=[A-Z])")  # "Rachel St. Clair": a surname, not a street


@cache
def is_name(text: str, *, lenient: bool = False) -> str | None:
    """``text`` as a person's full name (given name and surname, as probablepeople reads it), else
    None. ``lenient`` (a title stands right beside it) also takes two or three capitalised words
    probablepeople files as a corporation, when none of them is a corporate word."""
    clean = re.sub(r"^(?:Mr|Ms|Mrs|Dr)\.?\s+", "", text.strip(" ,.:;-–|")).strip()
    suffix = re.search(r",?\s+(?:Jr|Sr|II|III|IV)\.?$", clean)
    clean = clean[: suffix.start()] if suffix else clean
    nickname = re.fullmatch(r"(\S+)\s+[\"“'‘(]([A-Z][a-z]+)[\"”'’)]\s+(.+)", clean)  # Elizabeth "Liz" Warren
    if nickname and (formal := is_name(f"{nickname.group(1)} {nickname.group(3)}", lenient=lenient)):
        return f"{formal} {suffix.group(0).strip(' ,')}" if suffix else formal  # the name as filed, not as called
    tokens = clean.split()
    if any(
        t.endswith(("'s", "’s", "'", "’"))
        or re.search(r"\w-[a-z]+$", t)  # "Kerrville-based", "Wall Street-backed", "family-run": an adjective
        or t.lower() in _STOPWORDS
        or _CONTRACTION.search(t)
        for t in tokens
    ):
        return None
    last = tokens[-1].lower() if tokens else ""
    if (last in _PLACES and not _surname_like_place(tokens)) or last in _CALENDAR:
        return None
    if not 2 <= len(tokens) <= 4 or len(clean) > 48 or any(ch.isdigit() for ch in clean):
        return None
    if not all(
        re.fullmatch(r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ.'’-]*", t) or (0 < i < len(tokens) - 1 and _IS_PARTICLE.fullmatch(t))
        for i, t in enumerate(tokens)
    ):
        return None  # "Owner: Kevin", "Jane@Acme": not a name as written ("de la Cruz" is)
    if not clean.isupper() and any(re.fullmatch(r"[A-Z]{2,}", t) and t not in ("II", "III", "IV") for t in tokens):
        return None  # "Lead Safe EPA": an acronym in a mixed-case run is no one's name
    lowered = [t.lower().strip(".,®") for t in tokens]
    if _CORPORATE.fullmatch(lowered[-1]) and lowered[-1] not in _SURNAME_WORDS:
        return None  # "Building Systems", "Hales Properties": a firm's last word
    if _surname_like_place(tokens) or _surname_like_word(tokens):
        lowered = lowered[:-1]
    if any(t in _NOT_NAMES or t in HEADS or t in CREDENTIALS for t in lowered):
        return None

    if tokens[0] in _ABBREVIATIONS:
        return None
    tags, kind = _tagged(_SAINT.sub("St", clean) if len(tokens) > 2 else clean)  # probablepeople reads "St." as "and"
    if re.fullmatch(r"(?:[A-Z]\.){2,3}", tokens[0]):
        tags, kind = _tagged(" ".join([tokens[0][:2], *tokens[1:]]))  # "A.J. Baker" is read as "A. Baker"
    if kind != "Person" and re.fullmatch(r"[A-Z][a-z]+-[A-Z][A-Za-z]+", tokens[-1]):
        tags, kind = _tagged(" ".join([*tokens[:-1], tokens[-1].split("-")[0]]))  # a double-barrelled surname
    person = kind == "Person" and "Surname" in tags and bool({"GivenName", "FirstInitial"} & set(tags))
    # a given name the lexicon knows before a surname that is no common or corporate word
    # (two words only: "Lowell Richardson Expanded", a headline's name and verb, is no three-word name)
    person = person or (
        len(tokens) == 2 and is_first_name(tokens[0]) and not _CORPORATE.search(clean) and last not in _PLACES
    )
    if not person and not (lenient and kind == "Corporation" and len(tokens) <= 3 and not _CORPORATE.search(clean)):
        return None
    named = clean if not clean.isupper() else clean.title()
    return f"{named} {suffix.group(0).strip(' ,')}" if suffix else named


# dotted initials that are no one's ("U.S. Bank", "P.O. Box"): too few and too common for a lexicon to hold
_ABBREVIATIONS = frozenset({
    "U.S.", "U.S.A.", "P.O.", "N.E.", "N.W.", "S.E.", "S.W.", "D.C.", "U.K.", "L.A.", "N.Y.", "A.M.", "P.M.", "R.N.",
    "B.A.", "B.S.", "M.A.", "M.D.", "P.A.", "L.P.", "N.A.", "U.N.", "E.U.", "N.J.", "N.C.", "S.C.", "T.V.",
})  # fmt: skip
_FUNCTION_WORDS = frozenset({
    *_STOPWORDS, "who", "what", "when", "where", "why", "how", "does", "do", "did", "are", "was", "were", "has",
    "have", "had", "can", "will", "this", "that", "these", "those", "every", "each", "some", "any", "all", "most",
    "top", "best", "meet", "see", "get", "find", "call", "join",
})  # fmt: skip


def has_given_name(name: str) -> bool:
    """The name starts with a given name: one the lexicon knows, or one probablepeople files as a given
    name in a person's name when the word is no title, place, month or firm word ("Jaxtyn Harrelson";
    the lexicon of 40,000 names lacks many that people bear)."""
    first = name.split()[0] if name.split() else ""
    if is_first_name(first):
        return True
    lowered = first.lower().strip(".,")
    words = [w.lower().strip(".,") for w in name.split()]
    if len(first) < 3 or not first[0].isupper() or lowered in _NOT_NAMES or lowered in _FUNCTION_WORDS:
        return False
    if any(w in HEADS or w in MODIFIERS for w in words) or re.search(r"(?:ing|ed)$", lowered):
        return False  # "AvalonBay Senior Vice", "Changing Face": a title's words, a verb's form
    if lowered in _CALENDAR or lowered in _PLACES or _CORPORATE.fullmatch(lowered) or is_city(first):
        return False
    tags, kind = _tagged(name)
    return kind == "Person" and tags.get("GivenName") == first


def _tagged(text: str) -> tuple[dict[str, str], str]:
    try:
        tags, kind = probablepeople.tag(text)
    except probablepeople.RepeatedLabelError:
        return {}, "unknown"
    return dict(tags), kind


def _name_and_title(text: str) -> tuple[str, str] | None:
    """ "Jane Doe, CPM, Owner" -> ("Jane Doe", "Owner"): a name first, then a title, credentials, phone
    numbers and addresses skipped."""
    parts = [p for p in _SPLIT.split(text) if p]
    if len(parts) < 2:
        return _side_by_side(text)
    rest = [p for p in parts[1:] if p.lower().strip(".®") not in CREDENTIALS and not _reach(p)]
    title = _rest_title(", ".join(rest)) if rest else None
    name = _titled_name(parts[0], title)
    return (name, title) if name and title else None


def _side_by_side(text: str) -> tuple[str, str] | None:
    """ "Maria Delgado Director of Operations": a name's and a title's spans set side by side with no
    mark between them (a theme's two spans); the whole line must be the two."""
    words = text.split()
    if not 3 <= len(words) <= 10 or len(text) > 90:
        return None
    for size in (2, 3):
        title = is_title(" ".join(words[size:]))
        if not title or title != " ".join(words[size:]) or one_title(title) != title:
            continue  # "Jordan Cooper Associates": a plural names the firm, not a role
        if name := is_name(" ".join(words[:size])):
            return name, title
    return None


def _credentialed(text: str) -> str | None:
    """ "Jane Doe, CPM®, ARM®": a name line whose rest is credentials only."""
    parts = [p for p in _SPLIT.split(text) if p]
    if len(parts) < 2 or not all(p.lower().strip(".®") in CREDENTIALS for p in parts[1:]):
        return None
    return is_name(parts[0])


def _titled_name(text: str, title: str | None) -> str | None:
    """A name beside a title: as strict as prose asks, or, the title standing by it, any two or three
    capitalised words with no firm's word ("Oluwadamilare Miller" / "COO": no lexicon or parser knows it)."""
    return is_name(text) or (is_name(text, lenient=True) if title else None)


def _reach(text: str) -> bool:
    return bool(_PHONE.search(text) or _EMAIL.search(text))


def _rest_title(rest: str) -> str | None:
    """The title a line gives after its name: all of it, or its first part ("Owner, since 1999")."""
    return is_title(rest) or is_title(rest.split(",")[0]) or _department(rest)


def _department(text: str) -> str | None:
    """The team a card or a line gives after a name in place of a title ("Carl Ruiz, Leasing"); only
    there: before a name, or in prose, a team's word begins the name of something else
    ("Maintenance Appreciation Week", "the General Accounting Office")."""
    clean = text.strip(" .,;:()")
    return clean if " ".join(clean.lower().split()) in DEPARTMENTS else None


_PHOTO_OF = re.compile(r"^\s*(?:an?\s+)?(?:photo|picture|image|headshot|portrait)\s+of\s+", re.IGNORECASE)


def _from_image_alts(page: PageText) -> list[Person]:
    """A photo that says whom it shows and their role ("Jane Doe, Broker/Owner"): a team page may
    name its people in nothing else."""
    out = []
    for alt in page.alts:
        alt = _PHOTO_OF.sub("", alt)  # "Photo of Jane Doe, Broker/Owner"
        if pair := _name_and_title(alt) or _captioned(page, alt):
            out.append(Person(full_name=pair[0], title=pair[1], source="image", quote=alt))
    return out


def _captioned(page: PageText, alt: str) -> tuple[str, str] | None:
    """A photo whose alt text is a name alone and whose caption, the next line, is a title."""
    at = page.alt_next.get(alt)
    if at is None or at >= len(page.blocks) or not (name := is_name(alt)):
        return None
    title = is_title(page.blocks[at].text)
    return (name, title) if title else None


def read_people(
    page: PageText,
    jsonld: list[dict[str, Any]] | None = None,
    script_data: list[Any] | None = None,
    company: str | None = None,
    own_site: bool = False,
) -> list[Person]:
    """Everyone the page names with a role (``company``: whose people they must be, when known;
    a person whose role the text gives to another named organisation is not one of them); on the
    company's ``own_site`` also the authors its bylines name (staff, with no role unless given)."""
    found: dict[str, Person] = {}
    page = _without_others_sections(page)

    def keep(person: Person) -> None:
        key = next((k for k in found if same_person(k, person.full_name)), person.full_name.lower())
        known = found.get(key)
        if known is None:
            found[key] = person
        else:
            formal = max(known.full_name, person.full_name, key=len)  # "Michael", not "Mike"
            found[key] = known.model_copy(
                update={"full_name": formal, "title": known.title or person.title, "email": known.email or person.email}
            )

    for person in _from_jsonld(jsonld or []):
        keep(person)
    for person in _from_script_data(script_data or []):
        keep(person)
    for person in _from_tables(page):
        keep(person)
    for person in _from_image_alts(page):
        if not _placed_elsewhere(person, company, own_site):
            keep(person)
    placed_elsewhere: list[Person] = []
    for person in [*_from_blocks(page, company, own_site), *_from_contact_lines(page)]:
        if not _placed_elsewhere(person, company, own_site):
            keep(person)
        else:
            placed_elsewhere.append(person)
    for person in _from_prose(page, company, own_site):
        if not any(p.full_name == person.full_name and person.quote in p.quote for p in placed_elsewhere):
            keep(person)  # a line the line reader, seeing the lines around it, gave to another organisation
    for person in _bylines(page, company, own_site):
        keep(person)
    text = "\n".join(block.text for block in page.blocks)
    signed = _testimonial_signatures(page, company)
    people = [
        p.model_copy(update={"title": one_title(p.title)})
        for p in found.values()
        if not _a_place_here(p.full_name, text)
        and not _a_client(p, signed)
        and not _CLIENTS_ROLE.fullmatch(p.title or "")
    ]
    return _one_spelling_each(people, text)[:60]


def _one_spelling_each(people: list[Person], text: str) -> list[Person]:
    """ "Gary Rappaport" three times and "Gary Rapoport" once (a transcript's slip) are one person, named
    as the page names him most; two given names or two short surnames a letter apart stay two people."""
    kept: dict[int, Person] = {}  # by the place on the page of the spelling kept
    for i in sorted(range(len(people)), key=lambda i: -text.count(people[i].full_name)):
        person = people[i]
        twin = next((j for j, k in kept.items() if _misspelt(k.full_name, person.full_name)), None)
        if twin is None:
            kept[i] = person
        elif kept[twin].title is None and person.title:
            kept[twin] = kept[twin].model_copy(update={"title": person.title})
    return [kept[i] for i in sorted(kept)]


def _misspelt(a: str, b: str) -> bool:
    words_a, words_b = a.lower().split(), b.lower().split()
    if len(words_a) != 2 or len(words_b) != 2 or words_a[0] != words_b[0] or words_a[1] == words_b[1]:
        return False
    surname_a, surname_b = words_a[1], words_b[1]
    return min(len(surname_a), len(surname_b)) >= 6 and SequenceMatcher(None, surname_a, surname_b).ratio() >= 0.8


# a section of the page about other people: the firm's vendors, sponsors and clients' words
_OTHERS_SECTION = re.compile(
    r"\b(?:vendors?|contractors|affiliates|sponsors?|testimonials?|reviews?|(?:preferred|trusted|community|industry|"
    r"referral)\s+partners|what\s+(?:our\s+)?(?:owners|clients|residents|tenants|customers|investors|people)\s+"
    r"(?:say|are\s+saying)|kind\s+words|in\s+the\s+(?:news|press)|client\s+stories)\b",
    re.IGNORECASE,
)


def _without_others_sections(page: PageText) -> PageText:
    """The page with the blocks under a heading about others ("Preferred Vendors", "What Owners Say")
    blanked until the next heading: the people named there are not the company's. Blanked, not
    removed, so that every block keeps its place."""
    blocks, masking = [], 0  # the level of the heading being masked under (0: none)
    for block in page.blocks:
        others = len(block.text) <= 40 and bool(_OTHERS_SECTION.search(block.text))
        level = int(block.tag[1]) if block.heading else (7 if others and not re.search(r"[.!?,]", block.text) else 0)
        if level and (not masking or level <= masking):
            masking = level if others else 0  # a heading as high as the masked one ends its section
            blocks.append(block)
            continue
        blocks.append(replace(block, text="") if masking else block)
    return replace(page, blocks=blocks)


# a property manager's clients, as their own role ("the actual property owner, Dan Rigney")
_CLIENTS_ROLE = re.compile(r"(?:the\s+)?(?:actual\s+|rental\s+)?(?:property|building|home|house)\s*owner", re.I)
_CLIENT_TITLES = {"owner", "property owner", "home owner", "homeowner", "investor", "landlord", "tenant", "resident"}


def _testimonial_signatures(page: PageText, company: str | None) -> list[str]:
    """ "“Acme made renting easy!” / – Karen Wells, Owner": the lines a client signs a testimonial with
    (a pull-quote signed for the company is its own people's: "– Jo Diaz, Senior PM, Acme")."""
    blocks = page.blocks
    return [
        b.text
        for b in blocks[1:]
        if _SIGNATURE.match(b.text) and _QUOTED.match(blocks[b.index - 1].text) and not mentions(company, b.text)
    ]


def _a_client(person: Person, signatures: list[str]) -> bool:
    title = (person.title or "").lower()
    return (not title or title in _CLIENT_TITLES) and any(person.full_name in line for line in signatures)


def _a_place_here(name: str, text: str) -> bool:
    """ "Reagan Park" is a person's name in form, but the page went "to work at Reagan Park"."""
    tokens = name.split()
    if not _surname_like_place(tokens):
        return False
    return re.search(rf"\b(?:at|in|near)\s+(?:the\s+)?{re.escape(name)}\b", text) is not None


@cache
def _nicknames() -> Any:
    from nicknames import NickNamer  # a curated table of English given names and their nicknames

    return NickNamer()


def same_person(a: str, b: str) -> bool:
    """One person named twice on a page: the same surname, and the same given name or one a
    nickname of the other ("Michael Catalano", later "Mike Catalano")."""
    words_a, words_b = a.lower().split(), b.lower().split()
    if len(words_a) < 2 or len(words_b) < 2 or words_a[-1] != words_b[-1]:
        return words_a == words_b
    first_a, first_b = words_a[0], words_b[0]
    if first_a == first_b:
        return True
    namer = _nicknames()
    return first_b in namer.nicknames_of(first_a) or first_a in namer.nicknames_of(first_b)


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


_NAME_KEYS = ("name", "fullName", "full_name", "displayName", "personName")
_TITLE_KEYS = ("jobTitle", "title", "job_title", "position", "role", "designation")


def _from_script_data(objects: list[Any]) -> list[Person]:
    """People in the data a page's scripts carry (``__NEXT_DATA__``, a ``team`` array): an object
    with a person's name and a title that reads as one."""
    out: list[Person] = []
    stack = list(objects)
    while stack and len(out) < 60:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item[:500])
            continue
        if not isinstance(item, dict):
            continue
        stack.extend(v for v in item.values() if isinstance(v, dict | list))
        raw_name = next((item[k] for k in _NAME_KEYS if isinstance(item.get(k), str)), None)
        raw_title = next((item[k] for k in _TITLE_KEYS if isinstance(item.get(k), str)), None)
        title = is_title(raw_title) if raw_title else None
        name = _titled_name(" ".join(raw_name.split()), title) if raw_name else None
        if name and title:
            email = item.get("email") if isinstance(item.get("email"), str) else None
            out.append(Person(full_name=name, title=title, email=email, source="script", quote=f"{name}, {title}"))
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


_SIGNATURE = re.compile(r"^\s*[-–—~]\s*[A-Z]")
_QUOTED = re.compile(r"^\s*[\"“”']")


def _from_blocks(page: PageText, company: str | None, own_site: bool) -> list[Person]:
    out: list[Person] = []
    blocks = page.blocks
    above = _titles_above(page)
    rows = _rows_of_names(page)
    for block in blocks:
        text = block.text
        if len(text) > 140:
            continue
        near = None
        if not (name := is_name(text) or _credentialed(text)) and is_name(text, lenient=True):
            near = rows.get(block.index) or _title_near(page, block, above=above)  # "Oluwadamilare Hecox" / "COO"
            name = _titled_name(text, near and near[0])
        if name:
            if near := near or rows.get(block.index) or _title_near(page, block, above=above):
                role, line = near  # the quote keeps the role line whole: "President, Summit Realty" is Summit's
                email = _group_email(page, block, 5)
                out.append(Person(full_name=name, title=role, email=email, source="card", quote=f"{name}, {line}"))
            elif (
                _listed_under_staff(page, block, company, own_site)
                or _company_line_below(page, block, company)
                or ((bio := page.after(block)) and _bio_of_ours(name, bio.text, company, own_site))
            ):
                quote = _card_quote(page, block)
                out.append(
                    Person(full_name=name, title=None, email=_group_email(page, block, 5), source="card", quote=quote)
                )
            continue
        if (pair := _name_and_title(text)) and not _not_staff(pair[1]):  # "Priya Shah, a real estate attorney"
            email = _group_email(page, block, 3)
            quote = _with_org_below(page, block)  # "Lynn Phillips, President" / "Southlake Residential Association"
            out.append(Person(full_name=pair[0], title=pair[1], email=email, source="line", quote=quote))
            continue
        if m := re.match(r"^(?P<title>[^:]{3,60}):\s*(?P<name>.{4,48})$", text):  # "Owner/Broker: Jane Doe"
            title = is_title(m.group("title"))
            if title and (name := _titled_name(m.group("name"), title)):
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


# "By Claire Schwartz MPM®", "Written by Susan Bailey, MS", "Julie Tollifson - Wednesday, September 9, 2020"
_BYLINE_LEAD = re.compile(
    r"(?:(?:^|[|•·–—]\s*)(?:(?:written|posted|authored|published)\s+)?|\b(?:written|posted|authored|published)\s+|"
    r"(?<=(?-i:[A-Z0-9?!.])\s))by\s*:?\s*(?=(?-i:[A-Z]))|(?:^|[|•·–—]\s*)author\s*:\s*(?=(?-i:[A-Z]))",
    re.I,
)  # at a line's start, after a separator, a heading's capitals or a date, or said to be an author's ("led by Ellen
# Ross" is no byline)
_DATED = re.compile(
    r"^(?P<name>(?:[^|–—•·-]|(?<=\w)-(?=\w)){4,48}?)\s*(?:[|–—•·-]|\bon\b)\s*(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)"
    r"[a-z]*\.?,?\s*)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b"
)


def _bylines(page: PageText, company: str | None, own_site: bool) -> list[Person]:
    """The authors a company's own blog names: a byline line, or a name and a date heading a post;
    on any site, an author whose byline is signed below with a title and the company ("By: Troy
    Smith" / "Accountant & Leasing Agent" / "Green Valley Rental Properties LLC")."""
    out: list[Person] = []
    for block in page.blocks:
        text = block.text
        if len(text) > 120:
            continue
        if not own_site:
            out += _signed_byline(page, block, company)
            continue
        # a wrapped line may end in it; a date after the name ("by Burke Nielsen | Aug 30, 2017") says it is one
        leads = [(text[m.end() :], not _DATED.match(text[m.end() :])) for m in _BYLINE_LEAD.finditer(text)]
        leads += [(m.group("name"), False)] if (m := _DATED.match(text)) else []  # a date says it is a byline
        leads += [(m.group("name"), True)] if (m := _SIGN_OFF.match(text)) else []  # "~Janna Bauernfeind"
        below = next_block.text if (next_block := page.after(block)) else ""
        for lead, given in leads:
            if person := _byline(lead.strip(), text, given_name=given):
                if person.title is None and (title := is_title(below)):  # the sign-off's role on the next line
                    person = person.model_copy(update={"title": title, "quote": f"{text} / {below}"})
                out.append(person)
                break
    return out


_SIGN_OFF = re.compile(r"^\s*[~–—-]\s*(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,2})\s*$")


def _signed_byline(page: PageText, block: Block, company: str | None) -> list[Person]:
    lead = _BYLINE_LEAD.match(block.text)
    below = [b.text for b in page.blocks[block.index + 1 : block.index + 3]]
    if not lead or not company or len(below) < 2 or not (title := is_title(below[0])):
        return []
    if not (mentions(company, below[1]) or is_ours(company, below[1])) or len(below[1]) > 80:
        return []
    person = _byline(block.text[lead.end() :].strip(), block.text, given_name=True)
    return [person.model_copy(update={"title": title, "quote": " / ".join([block.text, *below])})] if person else []


def _byline(lead: str, quote: str, *, given_name: bool) -> Person | None:
    head = re.split(r"\s*(?:,|\||–|—|\s-\s|\bon\b|\band\b|&)\s*", lead)[0]
    words = head.split()
    while len(words) > 2 and words[-1].strip(".®").lower() in CREDENTIALS:
        words.pop()  # "Claire Schwartz MPM® RMP®"
    name = is_name(" ".join(words)) if words else None
    rest = lead[len(head) :].strip(" ,|–—-")
    if not name or (given_name and not has_given_name(name)) or _not_staff(rest):
        return None  # "By: Melody Simmons, Reporter": a newspaper's article the company reprints
    return Person(full_name=name, title=_rest_title(rest) if rest else None, source="byline", quote=quote)


_PHONE = re.compile(r"\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_STAFF_HEADING = re.compile(
    r"\b(?:staff|team|contacts?|directory|our\s+people|leadership|who\s+to\s+call|personnel)\b", re.IGNORECASE
)


def _from_contact_lines(page: PageText) -> list[Person]:
    """A line that lists one person with a way to reach them or under a staff heading ("Work orders – Justin
    Wilson – 240-412-2232", "Jane Doe | jane@acme.com"): the person, with the line's title if it has one."""
    out: list[Person] = []
    heading = ""
    for block in page.blocks:
        text = block.text
        if len(text) > 160:
            continue
        parts = [p for p in _SPLIT.split(text) if p.strip()]
        names = [n for p in parts if (n := is_name(p))]
        if len(text) <= 40 and not re.search(r"[.!?]$", text) and not names:
            heading = text  # a short line that is no sentence and names no one heads the lines after it
            continue
        reach = bool(block.emails) or _reach(text)
        if len(parts) < 2 or len(names) != 1 or not (reach or _STAFF_HEADING.search(heading)):
            continue
        title = next((t for p in parts if (t := is_title(p))), None)
        if _not_staff(text) or not (title or has_given_name(names[0])):
            continue
        email = block.emails[0] if block.emails else (m.group(0) if (m := _EMAIL.search(text)) else None)
        out.append(Person(full_name=names[0], title=title, email=email, source="line", quote=text[:300]))
    return out


def _rows_of_names(page: PageText) -> dict[int, tuple[str, str]]:
    """A grid laid out by rows: a run of names, then a run of as many roles; each name takes the role
    in its own column ("Jane Doe", "Kevin Oneil", "Broker/Owner", "Property Manager")."""
    blocks, out = page.blocks, dict[int, tuple[str, str]]()
    i = 0
    while i < len(blocks):
        names = 0
        while i + names < len(blocks) and len(blocks[i + names].text) <= 60 and is_name(blocks[i + names].text):
            names += 1
        roles = blocks[i + names : i + 2 * names]
        if names >= 2 and len(roles) == names and all(is_title(b.text) for b in roles):
            after = blocks[i + 2 * names] if i + 2 * names < len(blocks) else None
            if not (after and is_title(after.text)):
                out |= {blocks[i + k].index: (str(is_title(r.text)), r.text) for k, r in enumerate(roles)}
        i += max(1, names)
    return out


def _titles_above(page: PageText) -> bool:
    """The page puts each role above its name ("Broker/Owner" / "Jane Doe"): its first name line has
    a role line just before it, and its last name line none just after it."""
    named = [b for b in page.blocks if len(b.text) <= 140 and is_name(b.text)]
    if not named:
        return False
    first, last = named[0], named[-1]  # one card alone: its own role line says which way it reads
    before, after = page.before(first), page.after(last)
    return bool(before and is_title(before.text)) and not (after and is_title(_SPLIT.split(after.text, 1)[0]))


def _title_near(page: PageText, block: Block, *, above: bool = False) -> tuple[str, str] | None:
    """The title beside a name: the next block (a card's role line, a ``dd``), or the one before
    (a role above the name), or the start of the next line ("Owner | Licensed broker since 1999");
    on a page that puts each role ``above`` its name, the one before first."""
    after, before = page.after(block), page.before(block)
    for other in (before, after) if above else (after, before):
        if other is None or len(other.text) > 160 or is_name(other.text):
            continue
        if other is before and other.group != block.group and not above:
            continue  # a title above a name belongs to the same card, not to the widget after the team
        if title := is_title(other.text) or (_department(other.text) if other is after else None):
            return title, other.text
        first = _SPLIT.split(other.text, maxsplit=1)[0]
        if other is after and (title := is_title(first)):
            return title, other.text
        first = re.escape(block.text.split()[0])
        lead = re.match(
            rf"^(?:(?:{first}|he|she|they)\s+(?:is|serves\s+as|works\s+as)\s+|is\s+)?(?:our|the|a|an)?\s*([^.]{{3,80}}?)"
            r"(?:\s+(?:at|since|with|for)\b|[.]|$)",
            other.text,
            re.IGNORECASE,
        )
        if other is after and lead and (title := _longest_title(lead.group(1))):
            return title, other.text
        if other is after and (title := _bio_role(block.text, other.text)):
            return title, other.text
    return None


def _listed_under_staff(page: PageText, block: Block, company: str | None, own_site: bool) -> bool:
    """A name in a run of bare names under the company's staff heading ("Our Team": "Jane Doe", "Mark Stone")."""
    above = page.before(block)
    while above is not None and len(above.text) <= 60 and is_name(above.text):
        above = page.before(above)
    if above is None or len(above.text) > 60 or not _STAFF_HEADING.search(above.text) or _not_staff(above.text):
        return False
    return own_site or mentions(company, above.text)


def _company_line_below(page: PageText, block: Block, company: str | None) -> bool:
    """A name over the company's name alone ("Keir Schutte" / "Strategic Management Solutions, LLC"): a profile's
    or a signature's head."""
    below = page.after(block)
    return bool(
        company and below and len(below.text) <= 60 and not re.search(r"[.!?]$", below.text.strip())
        and mentions(company, below.text) and len(below.text.split()) <= len(company.split()) + 2
    )  # fmt: skip


def _with_org_below(page: PageText, block: Block) -> str:
    """A signature's line, with the organisation the line below names, if it names one."""
    below = page.after(block)
    if below is None or len(below.text) > 60:
        return block.text[:300]
    words = below.text.split()
    org = words and all(w[:1].isupper() or w in ("of", "&", "and") for w in words) and _CORPORATE.search(below.text)
    return f"{block.text[:240]}, {below.text}" if org else block.text[:300]


def _card_quote(page: PageText, block: Block) -> str:
    after = page.after(block)
    return f"{block.text}, {after.text[:200]}" if after else block.text


_CLIENT_DEED = re.compile(
    r"\b(?:rent|leas|hir)(?:e|es|ed|ing|s)?\s+(?:from|with|us)\b|\bour\s+(?:services|client)", re.I
)
_OURS = re.compile(r"\b(?:we|us|our|the\s+(?:company|firm|team|office))\b", re.I)


def _bio_of_ours(name: str, bio: str, company: str | None, own_site: bool) -> bool:
    """A name heading, then a bio that opens on that person and places them here ("Jane has been with
    us since 2010"): one of the company's people, though no role is said."""
    opening = sentences(bio)[:2]
    first = re.escape(name.split()[0])
    if not opening or not re.match(rf"^\W*(?:{first}|he|she)\b", opening[0], re.IGNORECASE):
        return False
    if _not_staff(opening[0]) or _CLIENT_DEED.search(opening[0]):
        return False
    said = " ".join(opening)
    return (own_site and bool(_OURS.search(said))) or mentions(company, said)


def _bio_role(name: str, bio: str) -> str | None:
    """A name heading, then a bio that opens on that person: "Sarah joined Acme in 2012 and became
    our general manager", "She founded the company in 1999"."""
    opening = sentences(bio)[:2]
    first, last = (re.escape(w) for w in (name.split()[0], name.split()[-1]))
    if not opening or not re.match(rf"^\W*(?:{first}|{last}|he|she)\b", opening[0], re.IGNORECASE):
        return None
    if title := _said_later(name, opening):
        return title
    later = _ROLE_LATER.match(opening[0])
    return _longest_title(later.group("rest")) if later else None


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


def _from_prose(page: PageText, company: str | None, own_site: bool) -> list[Person]:
    """Running text: every name span is a candidate. A candidate is kept when a role stands by it
    (said of it in the sentence's grammar, said of it in the next ones, or failing both the nearest
    title of the same sentence that no other name stands closer to) or it is tied to an
    organisation ("Jane Doe of Acme", "Acme's Jane Doe", "– Jane Doe, Acme Realty"), and it is
    not a byline, a reporter, a public official, or someone the text places at another organisation."""
    out: list[Person] = []
    page_said: list[str] = []  # every sentence of the page, in reading order
    unplaced: list[tuple[_Candidate, str, int]] = []  # names no role was found for, and where they stand
    for block in page.blocks:
        if len(block.text) < 12:
            continue
        said = sentences(block.text)
        names = [_candidates(sentence, weak=True) for sentence in said]  # each sentence's, read once
        found: list[Person] = []
        loose: list[tuple[_Candidate, str]] = []
        for i, sentence in enumerate(said):
            spans = [  # "Lewis Falcon" of "Lewis Falcon Leasing & Management's Leasing Agent" is the firm
                c
                for c in names[i]
                if not _after_in(c, sentence) and not (company and _the_firm_itself(c, sentence, company))
            ]
            candidates, unknown = [c for c in spans if not c.weak], [c for c in spans if c.weak]
            later = _until_another_name(said[i + 1 : i + 4], names[i + 1 : i + 4], candidates)
            judged = [_judged(c, sentence, later, candidates, company, own_site) for c in candidates]
            found += [p for c in unknown if (p := _judged(c, sentence, [], candidates, company, own_site))]
            found += _coordinated(candidates, judged, sentence)
            missed = [c for c, person in zip(candidates, judged, strict=True) if person is None]
            loose += [(c, sentence) for c in missed]
            unplaced += [(c, sentence, len(page_said)) for c in missed]
            page_said.append(sentence)
        if not found and len({c.name for c, _ in loose}) == 1 and not _not_staff(_around(*loose[0])):
            found += _referred(block.text, loose[0][0].name) or _her_company(block.text, *loose[0], company)
        out += found + _founders(block.text, company)
    named = {p.full_name for p in out}
    for candidate, sentence, at in unplaced:
        if candidate.name not in named and (
            person := _named_later(candidate, sentence, page_said[at + 1 :], company, own_site)
            or _titled_earlier(candidate, sentence, page_said[max(0, at - 4) : at], company)
        ):
            out.append(person)
            named.add(candidate.name)
    return out


def _until_another_name(later: list[str], names_later: list[list[_Candidate]], named: list[_Candidate]) -> list[str]:
    """The next sentences a role may be said in of a name: two, or three when none of them names
    (``names_later``: the names each of them holds) someone else, whose "she" the third's may be
    ("... Hardy died in June. Born in 1951, she ... She sat on the Housing Committee. As owner of Acme, she ...")."""
    surnames = {c.name.split()[-1] for c in named}
    if any(c.name.split()[-1] not in surnames for names in names_later for c in names if not c.weak):
        return later[:2]
    return later


# "According to the President of Pretty Picky Properties, ..." / "“Right now ...,” Blake Decker said."
_UNNAMED_TITLE = re.compile(r"\b(?i:according\s+to|said|says)\s+(?i:the|its)\s+(?=[A-Za-z])")
_OF_ORG = re.compile(r"\s+(?:of|at)\s+(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,5})")
_SPEAKS = re.compile(r"^\s*,?\s*(?:said|says|explained|added|told)\b", re.IGNORECASE)


def _titled_earlier(candidate: _Candidate, sentence: str, earlier: list[str], company: str | None) -> Person | None:
    """A speaker named only after the sentence before gave the company's role without a name: the role is theirs."""
    if not company or not (
        _SPEAKS.match(sentence[candidate.end :]) or re.search(r"\b(?:said|says)\s+$", sentence[: candidate.start])
    ):
        return None
    for before in reversed(earlier):
        if (m := _UNNAMED_TITLE.search(before)) is None or not (title := _whole_title(before, m.end())):
            continue
        org = _OF_ORG.match(before, m.end() + len(title)) if before.startswith(title, m.end()) else None
        if org is None or not is_ours(company, org.group("org")):
            continue
        named = [c for c in _candidates(before) if not org.start("org") <= c.start < org.end("org")]  # "Clark Redwood"
        if not named:
            return Person(full_name=candidate.name, title=title, source="prose", quote=f"{before} {sentence}"[:300])
    return None


def _whole_title(text: str, start: int) -> str | None:
    """The longest title from ``start`` to the clause's end: a title may hold an "of" of its own
    ("the Director of Operations of Acme" is "Director of Operations", not "Director")."""
    return _longest_title(re.split(r"[,.;:]", text[start:])[0])


_HER_COMPANY = re.compile(
    r"\b(?i:her|his)\s+(?:own\s+)?(?:company|firm|business|brokerage),\s+(?P<org>[A-Z][^,]{2,60}),"
)


def _her_company(text: str, candidate: _Candidate, sentence: str, company: str | None) -> list[Person]:
    """A block about one person that names "her company, Gordon Property Management": she owns it."""
    m = _HER_COMPANY.search(text)
    if not (company and m and is_ours(company, m.group("org"))) or text.find(sentence) > m.start():
        return []
    return [Person(full_name=candidate.name, title="Owner", source="prose", quote=text[: m.end()][-300:])]


def _after_in(candidate: _Candidate, sentence: str) -> bool:
    """ "a complex in Glen Allen": a place ("in Jo Doe's office" is a person's)."""
    before, after = sentence[: candidate.start], sentence[candidate.end :]
    return bool(re.search(r"\b(?:in|near)\s+$", before)) and not re.match(r"['’]", after)


def _around(candidate: _Candidate, sentence: str) -> str:
    return sentence[max(0, candidate.start - 40) : candidate.end + 60]


def _named_later(
    candidate: _Candidate, sentence: str, later: list[str], company: str | None, own_site: bool
) -> Person | None:
    """A name whose role the page gives further on, by the name again ("Trubiana, who is president of
    ...", "Rozenberg is the broker"): the role is the person's, unless it is at another organisation.
    The sentence that named the person must not make an author, a reporter or a tenant of them."""
    if candidate.shared or not is_first_name(candidate.name.split()[0]):
        return None
    around = _around(candidate, sentence)
    if _not_staff(around) or _BYLINE.search(sentence[: candidate.start]):
        return None
    surname = candidate.name.split()[-1]
    refer = re.compile(rf"(?:^|[^\w'’-])(?:{re.escape(candidate.name)}|{re.escape(surname)})(?![\w'’-])")
    # a bio goes on by the given name ("Meet Alan Price. Alan founded ..."), at once and at a sentence's start
    by_given_name = re.compile(  # "As Owner, Dana handles the details": the role first
        rf"^\W*(?:As\s+(?:(?:the|our|its)\s+)?(?P<role>[^,]{{2,60}}),\s+)?{re.escape(candidate.name.split()[0])}(?![\w'’-])"
    )
    for i, text in enumerate(later[:40]):
        m = refer.search(text) or (by_given_name.match(text) if i < 2 else None)
        if m is None:
            continue
        as_role = is_title(m.group("role")) if m.re is by_given_name and m.group("role") else None
        again_said = text[m.start() :].lstrip(" ,;")
        alone = m.re is refer and not re.search(r"[A-Z][\w.'’-]*\s+$", text[: m.end() - len(surname)])
        apposed = _apposed(text[m.end() :]) if alone else None  # "Steve Brown, owner": another Brown's role
        if not (title := as_role or _said_later(candidate.name, [again_said]) or apposed):
            continue
        said = surname if m.re is refer else candidate.name.split()[0]
        again = _Candidate(candidate.name, m.end() - len(said), m.end())
        if _not_staff(title) or _elsewhere(again, text, company, own_site):
            return None
        return Person(full_name=candidate.name, title=title, source="prose", quote=text[:300])
    return None


def _judged(
    candidate: _Candidate,
    sentence: str,
    later: list[str],
    candidates: list[_Candidate],
    company: str | None,
    own_site: bool,
) -> Person | None:
    if company and is_firm_name(candidate.name, company):
        return None  # "Blanton Turner", "Terra Search": the firm's own name reads like a person's
    if _title_of_the_next_name(sentence[candidate.end :]):
        return None  # "Del Mar Owner Luke Chapman": a firm's name, then its owner's
    if re.search(r"\b[Tt]he\s+$", sentence[: candidate.start]):
        return None  # "The Red Cross opened a shelter": a person's name takes no article
    if _PHOTO_CREDIT.search(sentence[max(0, candidate.start - 60) : candidate.start]):
        return None  # "Photo Credit: TRIBUNE PHOTO: JONATHAN HOUSE": a photographer
    if company and (title := _also_ours(sentence[candidate.end : candidate.end + 160], company)):
        return Person(full_name=candidate.name, title=title, source="prose", quote=sentence[:300])
    if candidate.weak:  # only a title set beside it: "Margette Hepfner, LPC’s COO", "area manager Ozias Fell"
        beside = _title_after(sentence[candidate.end :]) or _title_right_before(sentence[: candidate.start])
        person = _judge(candidate, sentence, later, company) if beside else None
    else:
        person = _judge(candidate, sentence, later, company) or _nearest_title(candidate, sentence, candidates)
        before, after = sentence[: candidate.start], sentence[candidate.end :]
        if person and person.title and _qualified_away(person.title, before, after, company):
            person = None  # the nearest title, qualified as no staff's ("for owner Robert Fields")
    if person and _former(person.title, sentence[: candidate.start]):
        return None  # "a former manager, Christy Hicks" is gone, unless the text gives a role now (read later)
    if person is None and company and not candidate.weak and _namesake(candidate, sentence, company):
        person = Person(full_name=candidate.name, title=None, source="prose", quote=sentence[:300])
    if person is None and own_site and company and len(candidates) == 1:
        person = _the_one_title(candidate, sentence, company)
    return None if person and _elsewhere(candidate, sentence, company, own_site) else person


def _the_one_title(candidate: _Candidate, sentence: str, company: str) -> Person | None:
    """On the company's own site, a sentence that names one person, one title and no other firm gives
    the title to that person at any distance ("Jo Doe brings 20 years of trade experience to our team,
    where Jo now leads maintenance as supervisor")."""
    if candidate.weak or not is_first_name(candidate.name.split()[0]) or _not_staff(sentence):
        return None
    if _A_PLACE_BEFORE.search(sentence[: candidate.start]):
        return None  # "at Camden Ballantyne": a place named like a person
    if _QUOTED.match(sentence) or _BYLINE.search(sentence[: candidate.start]):
        return None
    if _only_other_firms(candidate, sentence, company):
        return None
    titles = {title for start, _end, title in _titles_held(candidate, sentence) if not _former(title, sentence[:start])}
    if len(titles) != 1:
        return None
    return Person(full_name=candidate.name, title=titles.pop(), source="prose", quote=sentence[:300])


def _title_right_before(before: str) -> str | None:
    """A title that ends right where the name begins ("said area manager ", "Director of Operations ")."""
    apposed = before.rstrip().endswith(",")  # "Our Maintenance Coordinator, Thandiwe Johnson, keeps ..."
    before = before.rstrip(" ,")
    title = _longest_title(before, from_end=True)
    if not title or not before.lower().endswith(title.lower()):
        return None
    return None if apposed and title.lower().split()[-1] in _A_FIRMS_ROLE else title


_A_FIRMS_ROLE = frozenset({"partner", "partners", "sponsor", "affiliate"})  # "our partner, Cadillac Fairview"


# "IREM President Chip Watts, CPM®, CCIM, and President of Watts Realty Company": a second role, at the company
_ALSO_OURS = re.compile(
    r"^[^.;]{0,60}?,\s*(?:and|but)\s+(?:(?:who\s+is\s+)?also\s+)?(?:the\s+|its\s+)?(?P<title>[A-Za-z][\w&/ -]{1,50}?)"
    r"\s+(?:of|at)\s+(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,5})"
    r"|^\s*,\s*who\s+is\s+also\s+(?:the\s+|its\s+|an?\s+)?(?P<title2>[A-Za-z][\w&/ -]{1,50}?)\s+(?:of|at)\s+"
    r"(?P<org2>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,5})"
    r"|^\s*,\s*(?:the\s+)?[A-Za-z][\w -]{1,40}?\s+of\s+(?:the\s+)?[A-Z][^.;,]{2,60}?\s+and\s+(?:also\s+)?(?:the\s+)?"
    r"(?P<title3>[A-Za-z][\w&/ -]{1,50}?)\s+(?:of|at)\s+(?P<org3>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,5})"
)


def _also_ours(after: str, company: str) -> str | None:
    """The role at the company of a person the text first gives another organisation's role."""
    if not (m := _ALSO_OURS.match(after)):
        return None
    title, org = next((m.group(f"title{i}"), m.group(f"org{i}")) for i in ("", "2", "3") if m.group(f"title{i}"))
    return is_title(title) if is_ours(company, re.sub(r",?\s+(?:AMO|Inc|LLC)\b.*$", "", org)) else None


_PHOTO_CREDIT = re.compile(r"\b(?:photo|photograph|image|picture|courtesy)s?\b[^.:]{0,30}:\s*$", re.IGNORECASE)


def _namesake(candidate: _Candidate, sentence: str, company: str) -> bool:
    """A person who bears the firm's name ("the death of Robert Kaufman" for the William Kaufman
    Organization) is of the family that founded or runs it, unless the text makes them an author or
    a client."""
    before, around = sentence[: candidate.start], _around(candidate, sentence)
    return (
        named_after(company, candidate.name.split()[-1])
        and not re.search(r"\b(?:on|along|off|near)\s+$", before)  # "the largest provider on Del Playa": a street
        and not is_city(candidate.name)  # "North Myrtle Beach" for Elliott Beach Rentals
        and (candidate.shared or is_first_name(candidate.name.split()[0]) or bool(_KIN_BEFORE.search(before)))
        and not _BYLINE.search(before)
        and not re.search(r"\b(?:tenant|resident|client|customer|guest|reviewer|reporter)s?\b", around, re.I)
    )


_KIN_BEFORE = re.compile(
    r"\b(?:brother|sister|son|daughter|father|mother|wife|husband|uncle|aunt|cousin|nephew|niece|grand(?:father|"
    r"mother|son|daughter))\s+$",
    re.IGNORECASE,
)


def _the_firm_itself(candidate: _Candidate, sentence: str, company: str) -> bool:
    """ "the William Kaufman Organization": the name goes on into the firm's; "Steve Brown never
    considered himself a landlord" on Steve Brown Apartments' site is the man."""
    lowered = company.lower()
    at = lowered.find(candidate.name.lower())
    if at < 0:
        return False
    lead, rest = lowered[:at].split(), lowered[at + len(candidate.name) :].split()
    if lead and sentence[: candidate.start].lower().rstrip().endswith(lead[-1]):
        return True  # "CB Richard Ellis retained the No. 1 spot": the firm's name begins before the person's
    return not rest or re.sub(r"^\s*(?:['’]s?\s*)?", "", sentence[candidate.end :].lower()).startswith(rest[0])


_TOKEN = re.compile(r"[A-Za-z][A-Za-z.'’&/-]*")
NEAREST_WORDS = 8  # how far (in words) a title may stand from the name it is given to


@lru_cache(maxsize=256)  # each name of a sentence looks at the same spans
def _title_spans(sentence: str) -> tuple[tuple[int, int, str], ...]:
    """Every longest run of words in the sentence that reads as a title: (start, end, title)."""
    tokens = list(_TOKEN.finditer(sentence))
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for size in range(min(6, len(tokens) - i), 0, -1):
            start, end = tokens[i].start(), tokens[i + size - 1].end()
            if title := is_title(sentence[start:end]):
                if sentence.startswith(title, start):  # "manager at Atrium Court": the title's own words
                    end = start + len(title)
                spans.append((start, end, title))
                i += size
                break
        else:
            i += 1
    return tuple(spans)


def _words_between(sentence: str, a: int, b: int) -> int:
    return len(_TOKEN.findall(sentence[min(a, b) : max(a, b)]))


_DUTY_BEFORE = re.compile(
    r"\b(?:responsible\s+for|in\s+charge\s+of|handl(?:es|ing)|oversee(?:s|ing)|focus(?:es|ed|ing)\s+on)\s+"
    r"(?:all\s+|the\s+|our\s+|its\s+)?$",
    re.IGNORECASE,
)


_A_PLACE_BEFORE = re.compile(r"\b(?:at|in|to|from|near|on)\s+$")


def _titles_held(candidate: _Candidate, sentence: str) -> list[tuple[int, int, str]]:
    """The sentence's title spans that someone here may hold: not the name's own words, a verb, a duty,
    a plural or a role spoken of."""
    held = []
    for start, end, title in _title_spans(sentence):
        if start < candidate.end and end > candidate.start:
            continue  # the title's words are the name's
        if re.search(r"\b(?:we|i|you|they|to)\s+$", sentence[:start], re.IGNORECASE):
            continue  # "We partner with Grace Hill": a verb that spells like a title
        if _DUTY_BEFORE.search(sentence[:start]):
            continue  # "is responsible for accounting and owner statements": a duty, not a title
        if re.search(r"[a-z]s$", title) and not re.search(r"(?:ss|us)$", title):
            continue  # "Owners also get to know ...": a plural is a group, nobody's role
        if re.search(r"\b(?:a|an|any|each|every|no|one)\s+$", sentence[:start], re.IGNORECASE) or re.match(
            r"(?:a|an)\s", sentence[start:end], re.IGNORECASE
        ):
            continue  # "when a regional manager exits": a role spoken of, held by no one here
        held.append((start, end, title))
    return held


def _nearest_title(candidate: _Candidate, sentence: str, candidates: list[_Candidate]) -> Person | None:
    """The title of the sentence nearest this name, when no other name stands between them or
    nearer to it; a given name the lexicon knows is needed for so loose a tie."""
    if not (candidate.shared or is_first_name(candidate.name.split()[0])):
        return None
    if _A_PLACE_BEFORE.search(sentence[: candidate.start]):
        return None  # "at Camden Ballantyne": a place named like a person
    others = [c for c in candidates if c is not candidate]
    # a title the grammar gives another name ("… and Director of Operations for Acme, Kelli Dowdney") is hers
    claimed = [t for o in others if (t := _title_before(sentence[: o.start]) or _title_after(sentence[o.end :]))]
    best: tuple[int, str] | None = None
    for start, end, title in _titles_held(candidate, sentence):
        if any(title in t or t in title for t in claimed):
            continue
        gap = (candidate.end, start) if start >= candidate.end else (end, candidate.start)
        distance = _words_between(sentence, *gap)
        if distance > NEAREST_WORDS or any(gap[0] <= o.start < gap[1] for o in others):
            continue
        if any(
            _words_between(sentence, *((o.end, start) if start >= o.end else (end, o.start))) < distance
            for o in others
            if not (start < o.end and end > o.start)
        ):
            continue  # another name is nearer to this title
        if best is None or distance < best[0]:
            best = (distance, title)
    if best is None or _not_staff(best[1]):
        return None
    if _not_staff(_around(candidate, sentence)) or _BYLINE.search(sentence[: candidate.start]):
        return None
    return Person(full_name=candidate.name, title=best[1], source="prose", quote=sentence[:300])


# "of Beta Realty", "at the Consortium for Housing", "of rival Summit Realty", "of the coaching firm Strategic
# Coach": an organisation, after up to four lower-case words that describe it (no pronoun, no preposition)
_DESCRIBER = (
    r"(?:(?:[a-z][\w-]*\s+(?:and\s+|&\s+)?){1,6}(?:firm|company|agency|studio|practice|consultancy)\s+(?=[A-Z])|"
    r"(?:(?!(?:our|your|their|his|her|its|my|this|that|these|those|in|on|at|of|for|with|and|or|to|by|from|who|which|"
    r"where|when|since|over|about)\b)(?:[a-z][\w-]*|[A-Z][\w.]*-based)\s+){0,4})"
)  # "at Atlanta-based student housing operator PeakMade Real Estate", "of architecture and design firm Brownhouse"
_AT_ORG = re.compile(
    r"\b(?:of|at|for|with|(?<=partner\s)in|(?<=principal\s)in)\s+(?:(?:the|a|an)\s+)?"  # "a partner in REPcre"
    + _DESCRIBER
    + r"(?P<org>[A-Z][\w&'’.-]*(?:\s+(?:of|for|and|&)?\s*[A-Z0-9][\w&'’.-]*){0,6})"
)
_ORG_ROLE = re.compile(r"(?P<org>(?:[A-Z][\w&.-]*\s+){0,4}[A-Z][\w&.-]*)['’]s?\s+(?P<role>(?:[A-Za-z&/-]+\s+){0,3}"
                       r"[A-Za-z&/-]+)\s*,?\s*$")  # fmt: skip
_ACRONYM_ROLE = re.compile(r"(?P<org>\b[A-Z]{2,8})\s+(?P<role>(?:[A-Z][a-z&/-]+\s+){0,3}[A-Z][a-z&/-]+)\s*,?\s*$")
# an organisation named by what it is a place of: a person "at the Plum Tree Apartments" works at a property
_PROPERTY_NAME = re.compile(
    r"\b(?:Apartments?|Communit(?:y|ies)|Village|Place|Commons|Residences|Lofts|Towers?|"
    r"Gardens|Estates|Court|Park|Pointe?|Crossing|Landing|Town(?:homes|houses)|Flats)$"
)


def _possessed_by_another(candidate: _Candidate, sentence: str, company: str) -> bool:
    """ "represented by CBRE's Tim Shaw", "The Apartment Association's president, Gary Holt": a
    firm's own people, and the firm is not the company."""
    before = sentence[max(0, candidate.start - 80) : candidate.start]
    if titled := _ORG_POSSESSIVE_TITLE.search(before):
        org = re.sub(r"['’]s?\s*$", "", titled.group("org")).strip()
        generic = is_city(org) or org in STATES.values()  # "Austin's mayor, Kirk Watson" is no firm's, but not ours
    elif possessive := _ORG_POSSESSIVE.search(before):
        org = re.sub(r"['’]s?\s*$", "", possessive.group(0)).strip()
        generic = _generic_org(org)
    else:
        return False
    return bool(org) and not generic and not is_ours(company, org) and not mentions(company, org)


def _only_other_firms(candidate: _Candidate, sentence: str, company: str) -> bool:
    """ "The seller, Beta Partners, was led by managing partner Chris Ward": the sentence's firms are all
    others, and it says nothing of the company or of us ("Dana Whitt Property Management Director" is
    a person and a title, no firm)."""
    firms = [
        f.group(0)
        for f in _NAMED_FIRM.finditer(sentence)
        if candidate.name not in f.group(0)
        and not _word_after_is_head(sentence[f.end() :])
        and not _PAST_EMPLOYER.search(sentence[max(0, f.start() - 40) : f.start()])
    ]
    return (
        bool(firms)
        and not any(is_ours(company, f) for f in firms)
        and not mentions(company, sentence)
        and not re.search(r"\b(?:we|our|us)\b", sentence, re.IGNORECASE)
    )


# "formerly of Lincoln Property Company", "hired Tom Beck away from rival Summit Realty": a firm left behind
_PAST_EMPLOYER = re.compile(
    r"\b(?:formerly|previously|most\s+recently|prior(?:ly)?|away\s+from|comes?\s+(?:to\s+\w+\s+)?from|came\s+from|"
    r"joins?\s+(?:\w+\s+)?from|joined\s+(?:\w+\s+)?from|left|leaving|departed|after\s+\d+\s+years\s+(?:at|with))\b[^,;]{0,25}$",
    re.IGNORECASE,
)


def _word_after_is_head(rest: str) -> bool:
    word = re.match(r"\s+([A-Za-z]+)", rest)
    return bool(word and word.group(1).lower() in HEADS)


_FIRM_LEVEL = re.compile(r"\b(?:chief|ceo|cfo|coo|president|founder|partner|principal|economist|analyst|"
                         r"spokes\w+|chair\w*|director\s+of\s+research)\b", re.IGNORECASE)  # fmt: skip


# where the words about a name end: a sentence's stop, a dash, or what the person did ("…, Chairman
# testified at the hearing for the Tax Commission": the commission is no employer)
_CLAUSE_END = re.compile(
    r"[;.]\s|\s[–—]\s|\b(?:said|says|testified|announced|added|noted|explained|told|stated|commented)\b"
)


def _elsewhere(candidate: _Candidate, sentence: str, company: str | None, own_site: bool) -> bool:
    """The text gives this person's role at another named organisation ("Gail Phillips, NARPM's
    CEO", "Harold Nassau, president of the Consortium for Housing"), and the company is known; off
    the company's own site, a named property is another's too unless the sentence names the company
    ("Jill Simons, manager at Tallgrass Apartments" in a paper's round-up of landlords)."""
    if _WORKS_FOR_THE_PUBLIC.match(sentence[candidate.end : candidate.end + 120]):
        return True  # "Virginia Lewis, who works for the county as a special consultant": a public servant
    after = _CLAUSE_END.split(sentence[candidate.end : candidate.end + 140])[0]
    role = re.match(r"^\s*(?:,|\(|–|—|-|:|is|was)\s*(?:the\s+|a\s+|an\s+)?(?P<phrase>[^,()]*(?:,[^,()]*)?)", after)
    if role and _at_an_unnamed_firm(role.group("phrase")):
        return True  # "Jo Doe, chief economist at a national listing website": some other, unnamed firm's
    if not company:  # whose people they are is not known: an institution's officer is still nobody's staff
        return bool(role and _OF_ANY_INSTITUTION.search(role.group("phrase")))
    if role and _longest_title(role.group("phrase").split(" of ")[0].split(" at ")[0]):
        if not own_site and _at_a_property(role.group("phrase"), company) and not mentions(company, sentence):
            return True
        if _OF_AN_INSTITUTION.search(role.group("phrase")) and not mentions(company, role.group("phrase")):
            return True  # "Karen Seddon, executive director of the state agency that owns ...": a public body's
        named = [  # "at" often names a property ("manager at Maple Ridge"): a firm there must say it is one
            m
            for m in _AT_ORG.finditer(role.group("phrase"))
            if not m.group(0).lower().startswith("at")
            or _CORPORATE.search(m.group("org"))
            or re.fullmatch(r"[A-Z]{2,8}", m.group("org"))  # "an analyst at CBRE": an acronym names no property
            or re.search(r"[a-z][A-Z]", m.group("org"))  # "economist at RealPage": a brand written as one word
            or _FIRM_LEVEL.search(role.group("phrase").split(" at ")[0])  # a chief economist works for a firm
        ]
        surname = candidate.name.split()[-1]
        firm_level = bool(_FIRM_LEVEL.search(role.group("phrase")))
        orgs = [
            org
            for m in named
            if (org := _org_not_a_colleague(m))
            and (
                not _generic_org(org)
                or surname in org.split()  # "Jo Baxter of Baxter Plumbing"
                or (firm_level and m.group(0).startswith(("for", "of")) and _a_persons_name(org))
            )
        ]  # "executive vice president for Cassidy Turley": a firm named after people
        if not orgs and (attributed := _TITLE_THEN_ORG.match(role.group("phrase"))):
            org = attributed.group("org")  # "Ryan Perez, executive vice president, Capital Square Living"
            orgs = [org] if _longest_title(attributed.group("title")) and not _generic_org(org) else []
        if not orgs and (firm := _firm_listed_after_title(after)):
            orgs = [firm]  # "Judith A. Tria, Vice President, Property Management, First Potomac Realty Trust"
        if orgs:
            return not any(is_ours(company, re.sub(r"['’]s?\W*$", "", o)) for o in orgs)  # "for Hines’ western region"
    tail = re.sub(r"^\s*,?\s*", "", after)
    tied = _AT_ORG.match(tail)
    corporate_if_at = tied and (not tied.group(0).lower().startswith("at") or _CORPORATE.search(tied.group("org")))
    incorporated = tied and _INCORPORATED.match(tail[tied.end() :])  # "with Hope Preservation, LP": no one's name
    if tied and corporate_if_at and (incorporated or not _generic_org(tied.group("org"))):
        return not is_ours(company, tied.group("org"))  # "John Smith of Beta Realty"; "at" often names a property
    if _possessed_by_another(candidate, sentence, company) or _only_other_firms(candidate, sentence, company):
        return True
    employer = _EMPLOYED.match(after)
    if employer and employer.group("org")[:1].isupper() and not _generic_org(employer.group("org")):
        return not is_ours(company, employer.group("org"))  # "Jo Doe has been with Greystar since 2015"
    before = sentence[max(0, candidate.start - 80) : candidate.start]
    owned = (
        _ORG_ROLE.search(before)
        or _ACRONYM_ROLE.search(before)
        or _ORG_ROLE.match(re.sub(r"^\s*,\s*", "", after) + " ")
    )
    if owned and _longest_title(owned.group("role")) and not _generic_org(owned.group("org")):
        return not is_ours(company, owned.group("org"))
    if _whose_title_of_another(before, company):
        return True
    firm_titled = _org_title_before(before) or _org_title(re.split(r"[,;]", after.lstrip(" ,"))[0].split())
    if firm_titled:
        return not is_ours(company, firm_titled[0])  # "Greystar Senior Vice President Jared Everett"
    attributed = _ORG_ATTRIBUTION.match(after)  # "Jenna Fox, Fox PR, 512-555-0100": the firm the name is signed for
    signed_for = attributed.group("org") if attributed else ""  # "..., Milwaukee Fire Department": a public body
    if (_CORPORATE.search(signed_for) or _PUBLIC_BODY.search(signed_for)) and not _generic_org(signed_for):
        return not is_ours(company, signed_for)
    spoken = _SAID_ORG_ROLE.search(before)  # "said Red Cross disaster specialist Phillip Iman"
    if spoken and _longest_title(spoken.group("role")) and not _generic_org(spoken.group("org")):
        return not is_ours(company, spoken.group("org"))
    led = _LEAD_ORG.match(re.sub(r"^\s*,\s*", "", after))
    if (
        led
        and re.match(r"^\s*,", after)
        and (title := _longest_title(after[after.find(led.group(0)) + len(led.group(0)) :]))
    ):
        org = re.sub(r"['’]s?$", "", led.group(0).strip())  # "Ryan Perez, Capital Square executive vice president"
        return bool(title) and not _generic_org(org) and not is_ours(company, org)
    return False


_AT_AN_UNNAMED_FIRM = re.compile(
    r"^(?P<title>[A-Za-z&/ -]{2,60}?)\s(?:at|of|with|for)\s+(?:a|an)\s+(?:[\w-]+\s+){0,5}?(?:company|firm|startup|"
    r"website|site|agency|brokerage|bank|contractor|practice|consultancy|platform|provider|vendor|franchise|nonprofit|"
    r"publication|magazine|newspaper|podcast|network|association|lender|institute)\b",
    re.IGNORECASE,
)
# "owner of a boutique property management firm" may be a bio of the company's own owner
_A_MANAGER_LIKE_US = re.compile(
    r"^(?!.*\b(?:software|app|platform|startup|website|technology|tech)\b).*\b(?:property\s+management|real\s+estate)\b",
    re.IGNORECASE,
)


def _at_an_unnamed_firm(phrase: str) -> bool:
    unnamed = _AT_AN_UNNAMED_FIRM.match(phrase)
    if not unnamed or _A_MANAGER_LIKE_US.search(unnamed.group(0)):
        return False
    return bool(is_title(unnamed.group("title")) or _FIRM_LEVEL.search(unnamed.group("title")))


def _org_not_a_colleague(m: re.Match[str]) -> str | None:
    """The organisation an "of/at/for/with" names, less a colleague listed after it ("President of Operations
    and Denise Ost"); None for a person one is "with" ("comes together with Kerri Toth")."""
    org = m.group("org")
    head, _, tail = org.partition(" and ")
    if tail and _a_persons_name(tail):
        org = head
    return None if m.group(0).lower().startswith("with") and _a_persons_name(org) else org


_WORKS_FOR_THE_PUBLIC = re.compile(
    r"^\s*,?\s*who\s+(?:works|worked|serves|served)\s+(?:for|with|at)\s+the\s+(?:[a-z]+\s+){0,2}"
    r"(?:county|city|state|town|village|township|agency|department|authority|government)\b"
)
# the words that name a public body or an institution, not a firm
_INSTITUTION = (
    r"(?:agency|department|dept|police|fire|sheriff'?s?|authority|commission|council|non-?profit|association|"
    r"university|college|district|county|church|hospital|coalition|union|bureau|ministry|court|school|city|cross)"
)
_OF_AN_INSTITUTION = re.compile(r"\b(?:of|at|for|with)\s+the\s+(?:[a-z][\w'’-]*\s+){0,4}?" + _INSTITUTION + r"\b")
_PUBLIC_BODY = re.compile(rf"\b{_INSTITUTION}\b", re.IGNORECASE)
# the same, named ("executive director of the Vacation Rental Managers Association")
_OF_ANY_INSTITUTION = re.compile(
    r"\b(?:of|at|for|with)\s+(?:the\s+)?(?:[\w'’&-]+\s+){0,5}?" + _INSTITUTION + r"\b", re.IGNORECASE
)
_INCORPORATED = re.compile(r"^,?\s*(?:LP|L\.P\.|LLC|L\.L\.C\.|Inc\b|Ltd\b|LLP|Corp\b)")


def _firm_listed_after_title(after: str) -> str | None:
    """The firm a comma-listed credit names after the title ("…, Vice President, Property Management,
    First Potomac Realty Trust, was named"): a capitalised segment ending in a firm's word."""
    segments = [seg.strip() for seg in after.split(",")[1:5]]
    if not segments or not is_title(segments[0]):
        return None
    for seg in segments[1:]:
        words = seg.split()
        capitalised = words and all(w[:1].isupper() or w in ("of", "&", "and") for w in words)
        if capitalised and _CORPORATE.search(words[-1]) and not _generic_org(seg):  # "Property Management": a function
            return seg
    return None


def _placed_elsewhere(person: Person, company: str | None, own_site: bool) -> bool:
    """A name read from a line or a card whose own words give the role at another organisation
    ("Greg Lin, President of the Landlord Association"): the same test as for prose."""
    at = person.quote.find(person.full_name)
    if at < 0 or not company:
        return False
    return _elsewhere(_Candidate(person.full_name, at, at + len(person.full_name)), person.quote, company, own_site)


# "at Tallgrass Apartments", "of 2040 Lofts", "for Renee Row apartments": a property's name after the role
_AT_PLACE = re.compile(
    r"\b(?:at|of|for)\s+(?:the\s+)?(?P<org>(?:[A-Z0-9][\w&'’.-]*\s+){0,4}[A-Z][\w&'’.-]*)"
    r"(?P<noun>\s+(?:apartments?|complex|townhomes|townhouses|community|building|lofts|residence\s+hall))?"
)


def _at_a_property(phrase: str, company: str) -> bool:
    return any(
        (m.group("noun") or _PROPERTY_NAME.search(m.group("org"))) and not is_ours(company, m.group("org"))
        for m in _AT_PLACE.finditer(phrase)
    )


_SAID_ORG_ROLE = re.compile(
    r"\b(?:said|says|according\s+to|added|explained|noted)\s+(?P<org>(?:[A-Z][\w&.'’-]*\s+){1,4}?)"
    r"(?P<role>(?:[a-z][\w/-]*\s+){0,3}[a-z][\w/-]*)\s*,?\s*$"
)
_LEAD_ORG = re.compile(r"^(?:[A-Z][\w&'’.-]*\s+){1,4}(?=[a-z])")
_TITLE_THEN_ORG = re.compile(r"^(?P<title>[a-z][^,]{2,60}),\s*(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,5})\s*$")


def _a_persons_name(org: str) -> bool:
    return bool(is_name(org.strip(" .,")) and is_first_name(org.split()[0])) and not is_city(org.strip(" .,"))


def _generic_org(org: str) -> bool:
    """No other organisation: a pronoun's, a person's, or a property's ("the Plum Tree Apartments")."""
    lead = org.split()[0].lower()
    place = org.strip(" .,")
    words = [w.lower() for w in _WORDS.findall(place)]
    if words and all(w in HEADS or w in MODIFIERS or w in _CONNECTORS for w in words):
        return True  # "Director of Affordable Housing", "Co-Lead of the DEI Committee": a function of the firm
    if is_city(place) or place in STATES.values() or place.lower().endswith("-based"):
        return True  # "manager of the downtown Seattle office", "for the Denver-based manager": a place
    return lead in {"the", "our", "its", "his", "her", "their", "this", "that"} or bool(
        (is_name(org) and is_first_name(org.split()[0])) or _PROPERTY_NAME.search(org.rstrip(".,"))
    )


# "Jo Doe and Al Doe", "Jo Doe and his wife, Al Doe, own ...": names listed together, a relation between
_PARTNERS = re.compile(
    r"\s*(?:and|&|,\s*and)\s*(?:(?:his|her|their)\s+(?:wife|husband|partner|son|daughter|brother|sister|"
    r"father|mother|business\s+partner)\s*,?\s*)?",
    re.IGNORECASE,
)


def _coordinated(candidates: list[_Candidate], judged: list[Person | None], sentence: str) -> list[Person]:
    """ "Melvin Melton and Timothy Gunderman, owners of GEM", "Lee Wilkinson, Patrick Fogarty and Don
    Pett of Wilkinson PM": names listed together share the role one of them is given."""
    judged = list(judged)
    changed = True
    while changed:
        changed = False
        for i, candidate in enumerate(candidates):
            if judged[i] is not None:
                continue
            for j in (i + 1, i - 1):
                mate = judged[j] if 0 <= j < len(candidates) else None
                if mate is None:
                    continue
                left, right = sorted((candidate, candidates[j]), key=lambda c: c.start)
                joint = sentence[left.end : right.start]
                # "Rose and Edward Thomas": one span inside the other's, the surname shared
                shared = (candidate.shared or candidates[j].shared) and left.end > right.start
                listed = (
                    shared
                    or _PARTNERS.fullmatch(joint)
                    or (re.fullmatch(r"\s*,\s*", joint) and is_first_name(candidate.name.split()[0]))
                )
                if listed:
                    judged[i] = Person(full_name=candidate.name, title=mate.title, source="prose", quote=sentence[:300])
                    changed = True
                    break
    return [p for p in judged if p is not None]


_REFERENCE = re.compile(
    r"(?:\b(?:says|said|adds|added|explains|explained|according\s+to|notes|noted)\s+(?:the|its)\s+|"
    r"(?:^|[.,;]\s*|\bwhen\s+)the\s+)(?P<title>(?:[A-Za-z&/-]+\s+){0,5}?[A-Za-z&/-]+)"
    r"(?=\s+(?:of|at|for|has|had|is|was|says|said)\b|[,.])",
    re.IGNORECASE,
)


_REFERENCE_ENDS = re.compile(r"\s+(?:of|at|for|has|had|is|was|says|said)\b|\s*[,.]")


def _referred(text: str, name: str) -> list[Person]:
    """A block about one person who is then called by title ("..., says the CEO of Riverstone"):
    the title is that person's."""
    for m in _REFERENCE.finditer(text):
        title = _whole_title(text, m.start("title"))
        if title and not _REFERENCE_ENDS.match(text[m.start("title") + len(title) :]):
            title = None  # "According to Jo, the representative initially brushed off ...": someone the text goes on to
        if title := title or is_title(m.group("title")):
            quote = text[max(0, m.start() - 150) : m.end()][:300]
            return [Person(full_name=name, title=title, source="prose", quote=quote)]
    return []


@dataclass(frozen=True)
class _Candidate:
    name: str
    start: int
    end: int
    shared: bool = False  # "Jim and Ursula Faix": the surname is borrowed from the next name
    weak: bool = False  # a name no lexicon knows ("Margette Hepfner"): kept only with a title right beside it


_UP, _LET = "A-ZÀ-ÖØ-Þ", "a-zA-ZÀ-ÖØ-öø-ÿ"  # names are written with accents ("René", "Muñoz")
_SPAN = re.compile(
    rf"(?:[{_UP}][{_LET}'’-]+|[A-Z]\.(?:\s?[A-Z]\.)*)(?:\s+(?:(?:{_PARTICLE}|St\.)\s+){{0,2}}"
    rf"(?:[{_UP}][{_LET}'’-]+|[A-Z]\.|[\"“‘(][{_UP}][{_LET}]+[\"”’)]))+(?:,?\s+(?:Jr|Sr|II|III|IV)\b\.?)?"
)
_PAIR = re.compile(r"\b(?P<first>[A-Z][a-z]+)\s+(?:and|&|or)\s+(?P<second>[A-Z][a-z]+\s+[A-Z][A-Za-z'’-]+)\b")


_FIRM_WORD = re.compile(
    r"(?:Inc|LLC|Ltd|Corp|Co\.|Company|Group|Realty|Properties|Partners|Holdings|Trust|Capital|Associates|"
    r"(?:Property\s+)?(?:Management|Services)(?!\s+(?:Director|Manager|Coordinator|Assistant|Specialist|Associate|"
    r"Team))|(?:High\s+)?(?:School|University|College|Academy|Institute|Hospital|Foundation))\b(?!-)"
)  # a name followed by a firm's or an institution's word is its name; "Jane Doe Property Manager" is a person


def _candidates(sentence: str, *, weak: bool = False) -> list[_Candidate]:
    """Every span of the sentence that reads as a person's full name, trimmed of the capitalised
    words around it ("Ask Christy Freeland", "Bozzuto Group's Toby Bozzuto"); ``weak``: also the
    capitalised pairs no lexicon knows as a name (judged apart, and never in another's way)."""
    out: list[_Candidate] = []
    for run in _SPAN.finditer(sentence):
        tokens = list(re.finditer(r"\S+", run.group(0)))
        best = _name_in_run(sentence, run, tokens, 0)
        if best and (later := _name_in_run(sentence, run, tokens, best.end - run.start())):
            out += [later] if _title_of_the_next_name(sentence[best.end : later.start + 1] + later.name) else []
        if best is None and weak and (unknown := _weak_name(sentence, run)):
            best = unknown
        lead = sentence[run.start() : best.start] if best else ""
        if best and re.search(r"\b(?:San|Santa|Los|Las|El|St\.?|Fort|Port|Mount|Lake)\s+$", lead):
            continue  # "San Juan Capistrano": a place's name
        if best and _on_a_street(sentence, best):
            continue  # "406 E. Green St.": an address
        if best and not _FIRM_WORD.match(sentence[best.end : best.end + 48].lstrip(" ")):
            out.append(best)  # "Terra Search Partners", "Jane Doe Realty": a firm's name, not a person's
    for m in _PAIR.finditer(sentence):
        if (word := re.search(r"([A-Z][\w.'’-]*)\s+$", sentence[: m.start()])) and not (
            word.group(1).lower() in _NOT_NAMES or any(part in HEADS for part in _parts(word.group(1).lower()))
        ):
            continue  # "Melvin Melton and Timothy Gunderman": Melton is a surname here ("Brothers Paul and ..." is not)
        if _PROPERTY_AFTER.match(sentence[m.end() :]):
            continue  # "the Francis and Lana Kay apartment complexes": two properties' names
        second = is_name(m.group("second"), lenient=True)
        if second and is_first_name(m.group("first")):
            surname = second.split()[-1]
            out.append(_Candidate(f"{m.group('first')} {surname}", m.start(), m.end(), shared=True))
            if not is_first_name(second.split()[0]):  # "Robert and Radiah Mallard": a given name by its place
                at = m.start("second")
                out = [c for c in out if c.name != second] + [_Candidate(second, at, m.end(), shared=True)]
    return out


_PROPERTY_AFTER = re.compile(
    r"^\s+(?:apartments?|complex(?:es)?|buildings?|towers?|homes|communities|properties|estates|village|manor|"
    r"gardens|plaza|lofts|residences)\b",
    re.IGNORECASE,
)


def _name_in_run(sentence: str, run: re.Match[str], tokens: list[re.Match[str]], after: int) -> _Candidate | None:
    """The first span of two to four of the run's words (from offset ``after``) that reads as a full name."""
    for i in range(len(tokens)):
        if tokens[i].start() < after:
            continue
        for j in range(len(tokens), i, -1):
            if j - i < 2 or j - i > 4:
                continue
            start, end = run.start() + tokens[i].start(), run.start() + tokens[j - 1].end()
            if name := is_name(sentence[start:end].rstrip(",")):
                if j - i == 3 and (shorter := _given_name_later(sentence, tokens, run.start(), i, j)):
                    return shorter  # "University Partnerships Jared Everett": a heading's word before
                return _Candidate(name, start, end)
    return None


def _given_name_later(sentence: str, tokens: list[re.Match[str]], offset: int, i: int, j: int) -> _Candidate | None:
    """The last two of three words, when the second is a given name and the first is none."""
    first, second = tokens[i].group(0), tokens[i + 1].group(0)
    if is_first_name(first) or re.fullmatch(r"[A-Z]\.", first) or not is_first_name(second):
        return None
    start, end = offset + tokens[i + 1].start(), offset + tokens[j - 1].end()
    name = is_name(sentence[start:end].rstrip(","))
    return _Candidate(name, start, end) if name else None


def _weak_name(sentence: str, run: re.Match[str]) -> _Candidate | None:
    """Two or three capitalised words no lexicon reads as a person ("Margette Hepfner"), standing
    alone as the run: a candidate the judge keeps only when a title stands right beside it."""
    tokens = run.group(0).split()
    if not 2 <= len(tokens) <= 3 or any(t.isupper() for t in tokens):
        return None  # "PMI Professionals": an acronym is a firm's
    start = run.start()
    if len(tokens) == 3 and _not_a_name_word(tokens[0]) and not any(map(_not_a_name_word, tokens[1:])):
        # "Operations Ozias Fell", "MetroPlains Ozias Fell" ("Legal Resources Department" is none)
        start += run.group(0).index(tokens[1], len(tokens[0]))
    text = run.string[start : run.end()].rstrip(",")
    if not (name := is_name(text, lenient=True)):
        return None
    return _Candidate(name, start, start + len(text), weak=True)


def _not_a_name_word(word: str) -> bool:
    """A title's or department's word, or a brand's inner capital: no part of a person's name."""
    lowered = word.lower()
    return lowered in HEADS or lowered in MODIFIERS or bool(re.search(r"[a-z][A-Z]", word))


_HOUSE_NUMBER = re.compile(r"\b(?!(?:19|20)\d\d\b)\d{1,6}[A-Za-z]?\s+$")  # not a year: "In 2015 Jo Doe founded"
_STREET_AFTER = re.compile(r"^\s+(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Ct|Court|Pl|Pkwy|"
                           r"Parkway|Hwy|Highway|Ter|Terrace|Cir|Circle)\b\.?")  # fmt: skip


def _on_a_street(sentence: str, candidate: _Candidate) -> bool:
    """ "406 E. Green St.", "1240 Blue Grass Road": a house number before it, or a street's kind after it."""
    before, after = sentence[: candidate.start], sentence[candidate.end :]
    return bool(_HOUSE_NUMBER.search(before) or _STREET_AFTER.match(after))


_NOT_STAFF = re.compile(
    r"\b(?:reporter|writer|editor|author|columnist|correspondent|photographer|contributor|journalist|senator|"
    r"attorney|lawyer|"
    r"governor|mayor|council(?:man|woman|member)?|congress\w*|representative\s+for|professor|economist|"
    r"student|tenant|resident|renter|landlords?|investor|homeowner|customer|client|guest|host|coach|chapter|"
    r"police|sheriff|detective|judge|prosecutor|district\s+attorney|commissioner)\b",
    re.IGNORECASE,
)
_AUDIENCE = {"client", "resident", "tenant", "investor", "customer", "guest", "student", "landlord", "homeowner"}


def _not_staff(text: str) -> bool:
    """The text speaks of someone who is no staff (a reporter, a senator, a tenant); "Client Relations
    Director", "Resident Services Manager" name a staff role by the people it serves."""
    for m in _NOT_STAFF.finditer(text):
        word = m.group(0).lower().rstrip("s")
        follows = re.match(r"\s+([A-Za-z-]+)", text[m.end() :])
        if word in _AUDIENCE and follows and follows.group(1).lower() in HEADS | MODIFIERS:
            continue
        if word in _AUDIENCE and _function_of(text[: m.start()]):
            continue  # "director of marketing and student life": the people a role serves
        if m.group(0).lower() == "resident" and re.search(r"\bour\s+$", text[: m.start()], re.I) and follows:
            continue  # "our resident leasing guru": in-house, not a tenant
        return True
    return False


def _function_of(before: str) -> bool:
    words = [w.lower() for w in _WORDS.findall(before)[-6:]]
    return len(words) >= 2 and words[-1] in {"of", "and", "&", "for"} and any(w in HEADS for w in words[:-1])


_BYLINE = re.compile(
    r"(?:^|\n|[\s|•])(?:(?:written|posted|photo|review|reviewed|contributed|submitted|article|story|post)\s+)?by\s*:?\s*"
    r"(?:(?:(?-i:[A-Z])[\w.'’-]+\s+){1,3}(?:and|&)\s+)?$",
    re.IGNORECASE,
)
_PROMOTED_EARLIER = re.compile(r"\b(?:promot|elevat|appoint|nam(?:ed|es)\b)\w*[^.;]{0,120}\bto\b", re.I)
_APPOSITION = re.compile(
    r"^\s*,\s*(?:a|an|the|who|formerly|previously)\b[^,;.()]{1,80},(?=\s*(?:is|was|has|will|had)\b)"
)
_APPOINTED = re.compile(
    r"\b(?:(?:promot\w+|nam(?:ed|es)|appoint\w*|hir(?:ed|es|ing)|elect\w*|tapp\w*|welcom\w*|elevat\w*)(?:\s+of)?"
    r"(?:\s+(?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*:)?(?:\s+(?-i:[a-z])[\w-]*){0,2}|"
    r"join(?:ing|s)\s+(?:the\s+|our\s+)?(?:[\w-]+\s+){0,3}?(?:team|firm|company|staff)\s+(?:is|are))\s+$",
    re.I,
)  # "promoted Jo Doe to", "the promotion of Jo Doe to", "tapped industry veteran Jo Doe to", "elevated two
# employees: Ana Cruz to", "Joining the leadership team is Mark Ruiz, ..., as CFO"
_TO_ROLE = re.compile(
    r"^\s*(?:\([^)]{1,30}\)\s*)?(?:,\s*(?:formerly|previously|most\s+recently|who|a|an|the)\b[^,;.()]{1,60},)?"
    r",?\s*(?:(?:as|to)\s+(?:the\s+|its\s+|our\s+|a\s+|an\s+)?|an?\s+)(?:(?:new|newest|first|first-ever|next)\s+)?"
    r"(?P<rest>[^;,.()]{2,60})",
    re.I,
)
# the name opens its sentence (after a date at most): the subject, whose role an "as ..." later in the clause is
_SUBJECT_OPENS = re.compile(r"\W*(?:(?:today|now|since\s+\d{4}|in\s+\d{4})\s*,?\s*)?", re.IGNORECASE)
_AS_ITS_ROLE = re.compile(
    r"^[^.;!?]*?(?<!such)(?<!well)(?<!soon)(?<!long)(?<!same)\s+as\s+(?:(?:its|our|the|his|her|their)\s+)?"
    r"(?:(?:new|first|current|founding)\s+)?(?P<rest>[^.;!?,()]{2,80})"
)
_CREDENTIAL_RUN = re.compile(r"^(?:\s*,?\s*(?:[A-Z][A-Za-z®]{1,6}\b®?|Jr\.?|Sr\.?|II|III|IV)(?=[\s,.;)]|$))+")
_AFTER_ROLE = re.compile(
    r"^\s*(?:,|\(|–|—|-|:)\s*(?:who\s+(?:is|was)\s+|now\s+|as\s+)?(?:the\s+|our\s+|a\s+|an\s+|its\s+|his\s+|her\s+)?"
    r"(?:longtime\s+|long-time\s+|current\s+|former\s+|new\s+|newest\s+|latest\s+|first\s+|then-)?(?P<rest>[^;()“”\"]{2,90})"
    r"|^\s+(?:(?:is|was|has\s+been|had\s+been|will\s+be)\s+(?:recently\s+|since\s+)?(?:promoted|named|appointed|hired|"
    r"elected|tapped|selected|brought\s+on|installed)(?:\s+(?:to|as))?|on\s+(?:being\s+|(?:his|her|their)\s+)?"
    r"(?:named|promoted|appointed|elected|promotion|appointment|election|becoming)(?:\s+(?:to|as))?|is|was|serves\s+as|(?:has\s+|had\s+)?served\s+as|has\s+been|became|"
    r"becomes|is\s+now|works\s+as|joined\s+(?:[\w&'’.-]+\s+){1,5}?as|"
    r"(?:leads|runs|heads|guides|steers|oversees)\s+(?:[\w&'’.-]+\s+){1,4}?as)\s+"
    r"(?:one\s+of\s+)?(?:the\s+|our\s+|a\s+|an\s+|its\s+)?(?:new\s+|newest\s+|latest\s+)?(?P<rest2>[^;()“”\"]{2,90})",
    re.IGNORECASE,
)
# "Tom Becker has been with Acme since 2015", "Ana Ruiz joined our team in 2019", "Li Wei works for us": a
# person the text ties to an employer (whose employer: _elsewhere judges)
_EMPLOYED = re.compile(
    r"^\s*,?\s*(?:who\s+|has\s+|have\s+)?(?:(?:has\s+|had\s+)?been\s+(?:with|at|part\s+of)|joined|rejoined|joins|"
    r"works?\s+(?:for|at|with)|worked\s+(?:for|at|with)\s+(?=us|our)|is\s+(?:a\s+)?(?:part|member)\s+of|came\s+to|"
    r"started\s+(?:at|with)|(?:has\s+been\s+|is\s+|was\s+)?at\s+the\s+helm\s+of|and\s+(?:her|his|their)\s+team(?=\s+\w+\s+"
    r"(?:manag|help|serv|car|look|handl|run|oversee)))\s+(?:the\s+|our\s+)?"
    r"(?P<org>(?:us|team|company|firm|office|staff|family)\b|[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4}|(?=\w))"
)  # "Linda Park has been at the helm of Acme", "Linda Park and her team have managed homes since 2004"
# "contact Heather Brooks at heather@acme.com", "Jo Doe (512-555-0100)": a person one can reach there
_REACHED_AT = re.compile(r"^\s*(?:,|\(|:|-|–)?\s*(?:at|via|on|by\s+(?:email|phone)(?:\s+at)?)?\s*(?:[\w.+-]+@[\w-]+\.|"
                         r"\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b)")  # fmt: skip
# "her role as Acme's Director of Operations", "in his position as president": the role the person holds
_ROLE_HELD = re.compile(
    r"\b(?:his|her|their|(?<=\bto\s)the|(?<=\binto\s)the|(?<=\bin\s)the)\s+(?:current\s+|new\s+|present\s+)?"
    r"(?:role|position|job|title|post|capacity)\s+(?:as|of)\s+"
    r"(?:the\s+|our\s+|(?:[A-Z][\w&.-]*\s+){0,3}[A-Z][\w&.-]*['’]s\s+)?(?P<rest>[^;,.()“”\"]{2,80})"
)
_ORG_AFTER = re.compile(r"^\s*,?\s*(?:of|at|from|with)\s+(?:the\s+)?(?:[A-Z][\w&'’.-]*|[0-9][\w&'’.-]*)")
_ORG_ATTRIBUTION = re.compile(r"^\s*,\s*(?P<org>(?:[A-Z0-9][\w&'’.-]*\s*){1,6})(?=[,.;]|$)")
_ORG_POSSESSIVE = re.compile(r"(?:[A-Z][\w&.-]*\s+){0,4}[A-Z][\w&.-]*['’]s?\s+$")
# "The Apartment Association's president, Gary Holt": the firm's title, then the name
_ORG_POSSESSIVE_TITLE = re.compile(
    r"(?P<org>(?:[A-Z][\w&.-]*\s+){0,4}[A-Z][\w&.-]*['’]s?)\s+(?:[a-z][\w-]*\s+){0,4}[a-z][\w-]*,\s*$"
)
_VERB_AFTER = re.compile(
    r"^(?:\s*,?\s*(?:Jr|Sr)\.?)?(?:\s*,\s*\d{1,3})?\s*,?\s+(?:who\s+|(?:is|was)\s+the\s+(?:person|one|woman|man|investor|buyer|partner)\s+who\s+)?(?:(?:co-?)?(?P<founder>founded|started|opened|launched|established|created|formed)|(?P<owner>(?:(?:co-?)?owns?|has\s+owned)(?!\s+(?:\d|a\s|an\s|one|two|three|four|five|six|several|multiple|some|many|rental|"
    r"homes|houses|properties|investment|land|buildings|apartments|units|duplex|real\s+estate))|"
    # "bought the company", "bought half of Jo's business", "acquired Acme"; "bought a fourplex" is a landlord's
    r"(?:bought|acquired|purchased|took\s+over|inherited)(?=\s+(?:(?:[\w'’-]+\s+){0,5}?(?:company|firm|business)\b|it\b|"
    r"(?-i:[A-Z]))))|(?:runs|leads|heads|manages|oversees|has\s+(?:led|run|headed)))\b",
    re.IGNORECASE,
)
_ROLE_VERBS = (
    r"(?:is|was|am|['’]m|serves\s+as|served\s+as|works\s+as|acts\s+as|has\s+been|became|is\s+now|leads?\s+\w+(?:\s+\w+)?\s+as|"
    r"runs?\s+\w+(?:\s+\w+)?\s+as)"
)
# "Stephanie ... is the founder", "Trubiana, who is president of ...": a role said later of the name
_LATER = (
    r"(?:^\W*|(?:^|[;,]\s*|\b(?:today|now|and|where)\s+))(?:{first}|{full}|he|she|they)\s*(?:,\s*who\s+)?\s*"
    r"(?:still\s+|now\s+)?" + _ROLE_VERBS + r"\s+(?:the\s+|our\s+|a\s+|an\s+|its\s+)?"
    r"(?:(?:new|newest|latest|longtime|long-time|current)\s+)?(?P<rest>.{{2,80}})"
    # "Dana opened the firm in 2009 and today serves as its Owner": the same subject, a clause later
    r"|^\W*(?:{first}|{full}|he|she|they)\b[^.;]{{0,80}}?\band\s+(?:today\s+|now\s+|still\s+)?"
    + _ROLE_VERBS
    + r"\s+(?:the\s+|our\s+|a\s+|an\s+|its\s+)?(?P<rest2>.{{2,80}})"
    # "As owner and manager of Yaquina Bay Property Management for over 30 years, she cared ...": the role opens
    r"|^\W*As\s+(?:the\s+|its\s+|our\s+)?(?P<rest3>[^,]{{2,100}}),\s*(?:{first}|{full}|he|she)\b"
)
# "James Patel, who joined us in 2006 and works as our Leasing Agent": a role verb later in the clause
_ROLE_LATER = re.compile(
    r"^[^.;]{0,80}?\b(?:who|and)\s+(?:now\s+|still\s+)?(?:"
    + _ROLE_VERBS
    + r"|(?-i:[a-z]+)(?:\s+(?-i:[a-z]+)){0,3}\s+as)\s+(?:the\s+|our\s+|a\s+|an\s+|its\s+)?(?P<rest>[^.;]{2,80})",
    re.IGNORECASE,
)  # "... and looks after our owners as property manager": any deed done as a role


def _judge(candidate: _Candidate, sentence: str, later: list[str], company: str | None = None) -> Person | None:
    before, after = sentence[: candidate.start], re.sub(r"^\.(?=\s*,)", "", sentence[candidate.end :])
    if re.search(r"\b(?:Jr|Sr)$", candidate.name):
        after = re.sub(r"^\.", "", after)  # "Robert Chen Jr. is the founder"
    credentials = _CREDENTIAL_RUN.match(after)
    if credentials and all(
        w.lower().strip(".®") in CREDENTIALS or w.rstrip(".") in ("Jr", "Sr", "II", "III", "IV")
        for w in re.findall(r"[A-Za-z®.]+", credentials.group(0))
    ):
        after = after[credentials.end() :]
    else:
        credentials = None
    title = (None if _title_of_the_next_name(after) else _title_after(after)) or _after_the_firm(
        _title_before(before), before, company
    )
    if title is None and (apposition := _APPOSITION.match(after)):
        title = _title_after(after[apposition.end() :])  # "Jo Doe, a 15-year veteran of the company, was promoted to"
    if (
        title is None
        and (intro := _FOUNDING_INTRO.search(before))
        and (not company or is_ours(company, intro.group("org")))
    ):
        title = "Founder"  # "Before founding Acme in 2010, Dave Kim worked as ..."
    if (
        title is None
        and (later_role := _ROLE_LATER.match(after))
        and not _candidates(after[: later_role.start("rest")])
    ):
        title = _longest_title(later_role.group("rest"))
    if (
        title is None
        and (joined := _EMPLOYED.match(after))
        and (
            role := re.match(
                r"^(?:\s+in\s+\d{4})?\s+as\s+(?:the\s+|its\s+|our\s+|a\s+|an\s+)?(?P<rest>[^.;]{2,80})",
                after[joined.end() :],
            )
        )
    ):
        title = _longest_title(role.group("rest"))  # "Sarah Lin has joined Acme as director of leasing"
    if title is None and (held := _ROLE_HELD.search(after)) and not _candidates(after[: held.start("rest")]):
        title = _longest_title(held.group("rest"))  # "... brings 20 years to her role as Director of Operations"
    if (
        title is None
        and _SUBJECT_OPENS.fullmatch(before)
        and (role := _AS_ITS_ROLE.search(after[:220]))
        and not _candidates(after[: role.start("rest")])
    ):
        title = _longest_title(role.group("rest"))  # "Jo Doe serves on Acme's leadership team as its COO"
    if title is None and _APPOINTED.search(before) and (role := _TO_ROLE.match(after)):
        title = _longest_title(role.group("rest"))  # "promoted Toby Bozzuto (pictured) to president"
    if (
        title is None
        and re.search(r"(?:,|\band)\s+$", before)
        and _PROMOTED_EARLIER.search(before)
        and (role := re.match(r"^\s+to\s+(?:the\s+)?(?P<rest>[^;,.()]{2,60})", after))
    ):
        title = _longest_title(role.group("rest"))  # "elevated Ana Cruz to senior PM and Ben Lowe to leasing director"
    tied = bool(
        _ORG_AFTER.match(after)
        or _ORG_POSSESSIVE.search(before)
        or _attributed(after)
        or _EMPLOYED.match(after)
        or _REACHED_AT.match(after)
        or _at_ours_before(before, company)
        or _of_the_team(before, company)
        or _ours_by_apposition(after)  # "Rachel Kim, our resident leasing guru"
        or bool(_LED_BEFORE.search(before))
        or bool(_APPOINTED.search(before) and (mentions(company, before) or re.search(r"\b(?:we|our)\b", before, re.I)))
    )
    deed = None
    if title is None and (verb := _VERB_AFTER.match(after)):
        deed = "Founder" if verb.group("founder") else "Owner" if verb.group("owner") else None
        tied = True
    if title is None:  # a tie does not give the role, which the next sentences may ("At Acme, Jo Doe ...")
        # a role said next beats the one a deed implies ("Jo Doe founded Acme. Jo still leads it as COO")
        clauses = re.split(r";\s*", after)[1:]  # "Jo Doe bought a duplex in 2003; Jo now leads Acme as president"
        speaker = bool(_SPEAKER.search(before))
        if speaker:  # "My name is Jo Doe, and I took over the company in 2011"
            clauses.insert(0, after.lstrip(" ,"))
        title = _said_later(candidate.name, [*clauses, *later], speaker=speaker) or deed
    nearby = f"{before[-40:]} {after[:60]}"
    no_staff = _not_staff(title or "") or (title is None and _not_staff(nearby))
    if (title is None or title.lower() in ("landlord", "landlords")) and _landlord_of(before, after, company):
        title = "Landlord"  # "Jo Doe, landlord at Strack Apartments" for Strack Apartments: its owner
    elif no_staff or _qualified_away(title, before, after, company):
        return None
    authored = title is None or re.match(r"^\s*(?::|[,(–—-]\s*(?:an?|one)\s)", after, re.IGNORECASE)
    if authored and _BYLINE.search(before) and not credentials and not _signed_for(after, company):
        return None  # an author ("By Jo Doe, a local attorney", "Review by Jo Doe: the agent was ...")
    if title is None and not tied and not credentials:
        return None
    if title is None and not (
        candidate.shared
        or is_first_name(candidate.name.split()[0])
        or "." in candidate.name
        or (company and _ORG_AFTER.match(after) and mentions(company, after[:90]))  # "Granger Ott of Acme"
    ):
        return None  # a loose tie needs a given name the lexicon knows ("The Changing Face of ..." is none)
    return Person(full_name=candidate.name, title=title, source="prose", quote=sentence[:300])


_LANDLORD_AT = re.compile(
    r"^\s*,\s*(?:the\s+)?landlord\s+(?:at|of|for)\s+(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4})"
)
_ORG_LANDLORD = re.compile(r"(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4})['’]?s?\s+landlord\s*,?\s*$")


def _landlord_of(before: str, after: str, company: str | None) -> bool:
    """A landlord the text gives the company itself ("Jo Doe, landlord at Strack Apartments", "Farmers Korner
    landlord Jo Doe", when the company is that place's): its owner, not some tenant's landlord."""
    m = _LANDLORD_AT.match(after) or _ORG_LANDLORD.search(before[-80:])
    return bool(m and company and is_ours(company, m.group("org")))


def _after_the_firm(title: str | None, before: str, company: str | None) -> str | None:
    """ "Bluebonnet Residential CEO Grant Hollis": the title read before the name less the words
    that end the firm's name ("CEO", not "Residential CEO")."""
    if not (title and company):
        return title
    firm, words = company.split(), title.split()
    for k in range(min(len(firm), len(words) - 1), 0, -1):
        rest = " ".join(words[k:])
        if [w.lower() for w in words[:k]] == [w.lower() for w in firm[-k:]] and (
            re.search(rf"{re.escape(company)}\s+{re.escape(rest)}\s*$", before, re.IGNORECASE)
        ):
            return is_title(rest) or title
    return title


def _ours_by_apposition(after: str) -> bool:
    """ "Rachel Kim, our resident leasing guru": one of ours ("Troy Farms, our first Community ..." is none)."""
    m = re.match(r"^\s*,\s*(?:our|my)\s+(?P<what>[^,.;]{1,60})", after)
    return m is not None and not _NOT_A_COLLEAGUE.search(m.group("what"))


_NOT_A_COLLEAGUE = re.compile(
    r"\b(?:community|communit|propert|building|complex|home|office|client|tenant|residents|partner|sponsor|vendor|"
    r"customer|owner|investor|neighbou?r|friend|guest|landlord|award|winner)\w*",
    re.IGNORECASE,
)
_LED_BEFORE = re.compile(r"\b(?:under\s+the\s+(?:leadership|direction|guidance|stewardship)\s+of)\s+$", re.I)
# "The latest addition to the CBM team, Diana Romero", "our newest team member Jo Doe", "fellow Acme employee Jo Doe"
_TEAM_BEFORE = re.compile(
    r"\b(?:(?:addition|member|part)s?\s+(?:to|of)\s+(?:the\s+|our\s+)?(?P<org>(?:[A-Z][\w&'’.-]*\s+){0,4})"
    r"(?:\w+\s+)?(?:team|staff|family|crew)|(?:team|staff)\s+members?|employees?|colleagues?|co-?workers?|teammates?)"
    r"\s*,?\s*$",
    re.I,
)


def _of_the_team(before: str, company: str | None) -> bool:
    m = _TEAM_BEFORE.search(before)
    if not m:
        return False
    org = (m.group("org") or "").strip()
    lead = before[max(0, m.start() - 40) : m.start()]
    org = org or (o.group(0) if (o := re.search(r"(?:[A-Z][\w&'’.-]*\s+){1,4}$", lead)) else "")
    return not (org and company) or is_ours(company, org) or org.split()[0].lower() in {"the", "our", "a", "an"}


def _title_of_the_next_name(after: str) -> bool:
    """ "Del Mar Owner Luke Chapman": the title stands before the next name, which it is given to."""
    words = after[:60].split()
    for size in range(1, 4):
        head = " ".join(words[:size])
        if len(words) > size and head[:1].isupper() and is_title(head) == head:
            rest = " ".join(words[size:])
            if any(c.start == 0 for c in _candidates(rest)):
                return True
    return False


_AT_ORG_LEAD = re.compile(
    r"(?:^|[.;]\s+)(?:At|Inside|Within)\s+(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,5}),\s*$"
)


def _at_ours_before(before: str, company: str | None) -> bool:
    """ "At Pinnacle Realty Management Co., Stan Harrelson, 48, makes sure ...": the company sets the scene."""
    m = _AT_ORG_LEAD.search(before)
    return bool(company and m and is_ours(company, m.group("org")))


_FOUNDING_INTRO = re.compile(
    r"(?:^|[.;]\s+)(?:Before|After|Since|Shortly\s+after)\s+(?:co-?)?(?:founding|starting|launching|opening)\s+"
    r"(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4})[^,;]{0,30},\s*$"
)


def _qualified_away(title: str | None, before: str, after: str, company: str | None = None) -> bool:
    """The word right before the title makes it no staff role: "2022 Chapter President, Jo Doe",
    "Jo Doe, student representative" (the lexicon read only "President", "representative"); not
    when that word ends the company's own name ("PMI Scenic City Owner Ian Pfeiffer")."""
    if not title:
        return False
    if _FOR_A_CLIENT.search(before):
        return True  # "manages the building for owner Robert Fields": a client
    near = before[-120:]
    for side, at in ((near, near.rfind(title)), (after, after[:120].find(title))):
        if company and at > 0 and re.search(rf"{re.escape(company)}\W*$", side[:at], re.IGNORECASE):
            continue
        prev = re.findall(r"[A-Za-z-]+", side[:at])[-1:] if at > 0 else []
        if not prev:
            continue
        if _not_staff(prev[0]) or prev[0].lower() in _PUBLIC:
            return True  # "City inspector John Barnes": a public servant
        if _SPOKESPERSON.fullmatch(title) and is_city(prev[0]) and not (company and mentions(company, prev[0])):
            return True  # "Berkeley spokesman Matthai Chakko": a city's
    return False


_FOR_A_CLIENT = re.compile(
    r"\b(?:for|behalf\s+of)\s+(?:the\s+|its\s+)?(?:\w+\s+)?(?:owner|investor|landlord|client|homeowner)s?\s*,?\s*$",
    re.I,
)
_SPOKESPERSON = re.compile(r"spokes(?:man|woman|person)", re.IGNORECASE)
_PUBLIC = frozenset({"city", "county", "state", "federal", "town", "village", "municipal", "township", "borough"})


def _former(title: str | None, before: str) -> bool:
    """A role held once ("former CEO", "ex-manager"); a founder stays its founder."""
    if not title or "found" in title.lower():
        return False
    return bool(_FORMER.match(title) or (title in before and _FORMER.search(before[: before.rfind(title)][-12:])))


_FORMER = re.compile(r"\b(?:former|ex|retired|previous|prior)\b", re.IGNORECASE)


_ITS_TITLE = re.compile(r"\b(?:its|whose)\s+(?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*,?\s*$")
_AN_ORG = re.compile(r"\b(?:[A-Z][\w&'’.-]*\s+){1,5}(?:of\s+)?[A-Z][\w&'’.-]*|\b[A-Z]{3,8}\b")


def _whose_title_of_another(before: str, company: str) -> bool:
    """ "the Austin Board of Realtors and its president, Jane Doe", "NARPM, whose national president,
    Jane Doe": the title of the organisation named just before, when that is another."""
    m = _ITS_TITLE.search(before)
    if m is None or not _longest_title(m.group(0).split(None, 1)[1] if " " in m.group(0) else ""):
        return False
    orgs = [o.group(0).strip() for o in _AN_ORG.finditer(before[: m.start()][-120:])]
    orgs = [o for o in orgs if not _an_address(o)]  # "Acme ("PMP"), of 82A Wormans Mill Court, ..., and its owners"
    return bool(orgs) and not is_ours(company, orgs[-1]) and not mentions(company, orgs[-1])


def _an_address(name: str) -> bool:
    return bool(_STREET_AFTER.match(" " + name.split()[-1])) or is_city(name) or name in STATES.values()


def _org_title(words: list[str]) -> tuple[str, str] | None:
    """(organisation, title) when the words are a firm's name then a title to their end ("Greystar
    Senior Vice President of University Partnerships", "AvalonBay Senior Vice President-Finance")."""
    for size in range(1, min(4, len(words) - 1) + 1):
        org, rest = words[:size], " ".join(words[size:])
        if not all((w[:1].isupper() or w[:1].isdigit()) and not w.endswith((",", ";", ":")) for w in org):
            return None  # a firm's name is capitalised words with no comma between ("5th Meridian Group")
        if not (words[size][:1].isupper() or _CORPORATE.fullmatch(org[-1]) or _brand(org)):
            return None  # a lower-case title after a firm's word or a brand ("Greystar regional manager Sarah Wu")
        if any(w.lower().strip(".,®") in HEADS | CREDENTIALS for w in org):
            return None  # "VP", "ARM": a title's or a credential's word, no firm's
        name = re.sub(r"['’]s?$", "", " ".join(org))
        if (title := is_title(rest)) and rest.startswith(title) and not _generic_org(name):
            return name, title
    return None


_NOT_BRANDS = frozenset(
    {
        "the",
        "our",
        "its",
        "their",
        "his",
        "her",
        "a",
        "an",
        "longtime",
        "veteran",
        "former",
        "new",
        "local",
        "then",
        "now",
        "current",
        "acting",
        "interim",
        "as",
        "when",
        "after",
        "while",
        # a sentence's opening adverb before a title ("Today owner Luis Ramos runs ...", "Since 2009, owner ...")
        "today",
        "since",
        "before",
        "until",
        "currently",
        "recently",
        "later",
        "meanwhile",
        "together",
        "here",
        "there",
        "also",
        "once",
        "yesterday",
    }
)


def _brand(org: list[str]) -> bool:
    """One capitalised word that reads as a firm's brand ("Greystar"), not a sentence's first word or a modifier."""
    word = org[0].strip(".,").lower() if len(org) == 1 else ""
    return (
        len(word) >= 3
        and word not in _NOT_BRANDS
        and word not in MODIFIERS
        and word not in HEADS
        and not is_first_name(org[0])
        and not is_city(org[0])
        and org[0] not in STATES.values()
    )


def _org_title_before(before: str) -> tuple[str, str] | None:
    """The firm and title right before a name ("… said Greystar Senior Vice President Jo Doe")."""
    if not re.search(r"\w\s+$", before):
        return None  # "Property Manager: Vicky Brooks", "… of the Year – Dexter Jones": a heading, no firm's
    words = before.split()[-10:]
    for start in range(len(words) - 1):
        if start and words[start - 1][:1].isupper() and not words[start - 1].endswith((",", ".", ":")):
            continue  # the firm's name starts where capitals start
        if found := _org_title(words[start:]):
            return found
    return None


_KIND_POSSESSIVE = re.compile(
    r"^(?:company|firm|group|agency|business|organi[sz]ation|team|brokerage|partnership)['’]s\s+", re.IGNORECASE
)


def _title_after(after: str) -> str | None:
    m = _AFTER_ROLE.match(after)
    if m is None:
        return None
    rest = m.group("rest") or m.group("rest2") or ""
    # "Ben Oller, TCS' owner", "Scott Wilder, Lincoln Property Company's President"
    unowned = re.sub(r"^(?:[A-Z][\w&.-]*\s+){0,4}[A-Z][\w&.-]*['’]s?\s+", "", rest)
    if unowned == rest:  # "Jo Doe, the company's President of Multifamily": the firm called by its kind
        unowned = _KIND_POSSESSIVE.sub("", rest)
    if unowned == rest:  # "Brian Birdy, PMI Vice President": the firm's name before the title
        unowned = re.sub(r"^[A-Z&]{2,6}\s+(?=[A-Z])", "", rest)
    if unowned == rest:  # "René Wineland, Transwestern vice president": the same, the title in lower case
        unowned = _LEAD_ORG.sub("", rest)
    if unowned == rest and (led := _org_title(re.split(r"[,;]", rest)[0].split())):
        return led[1]  # "Joanne Lockridge, AvalonBay Senior Vice President-Finance"
    return _longest_title(rest) or (_longest_title(unowned) if unowned != rest else None)


def _title_before(before: str) -> str | None:
    intro = _TITLE_WITH_ORG.search(before)  # "Co-Founder and CEO with Acme, Mr. Jo Doe"
    if intro and (title := _longest_title(intro.group("title"), from_end=True)):
        whole = _longest_title(before, from_end=True)  # "Director of Operations Emily Clark": no firm's "of"
        return whole if whole and len(whole) > len(title) and before.rstrip(" ,").endswith(whole) else title
    lead = _PROSE_BEFORE.search(before)
    if lead is None:
        return None
    owned = re.search(r"\b(?:its|their)\s+(?:[\w-]+\s+){0,3}[\w-]+\s*,?\s*$", lead.group("title") + " ", re.IGNORECASE)
    if not owned and re.search(_SPOKEN_BEFORE, before[: lead.start()] or " ", re.IGNORECASE):
        return None  # "spoke with owner Jo Doe"; "a settlement with Acme and its owners, Jo Doe ..." is theirs
    if title := _longest_title(lead.group("title"), from_end=True):
        return title
    named = _NAMED_AS.search(before)  # "Acme's new vice president of operations is Diane Foster"
    return _longest_title(named.group("title"), from_end=True) if named else None


_NAMED_AS = re.compile(r"(?:^|[\s,(])(?:(?:our|the|its|new)\s+)*(?P<title>(?:[A-Za-z&/-]+\s+){0,5}[A-Za-z&/-]+)\s+"
                       r"(?:is|was|are|were|will\s+be|remains)\s+$")  # fmt: skip


def _signed_for(after: str, company: str | None) -> bool:
    """ "by: Lynn Hulbert, Providien Property Management": a byline that signs for the company itself."""
    m = _ORG_ATTRIBUTION.match(after)
    return bool(company and m and is_ours(company, m.group("org").strip()))


def _attributed(after: str) -> bool:
    """ "– Kristin Howell, Meissner Jacquet Commercial Real Estate Services": a name and its firm."""
    m = _ORG_ATTRIBUTION.match(after)
    return bool(m and _CORPORATE.search(m.group("org")))


def _apposed(after: str) -> str | None:
    """The title set beside a name again by a comma ("said Blades, marketing director for ..."), unless
    it is the title of a name that follows."""
    if _title_of_the_next_name(after) or not after.startswith(",") or not (title := _title_after(after)):
        return None
    at = after.lower().find(title.lower())
    ends = at >= 0 and re.match(r"\s*(?:[,.;:)]|$|(?:of|for|at|with|in|since)\b)", after[at + len(title) :])
    return title if ends else None  # "According to Lustig, the representative brushed off ...": a new clause


def _said_later(name: str, later: list[str], *, speaker: bool = False) -> str | None:
    """ "Stephanie Gordon ... Stephanie is the founder of ...": a title said of the person next;
    a ``speaker`` ("I'm Jo Doe") says it in the first person ("I'm the broker here", "I founded Acme")."""
    first, last = re.escape(name.split()[0]), re.escape(name.split()[-1])
    full = f"{re.escape(name)}|{last}" + ("|I" if speaker else "")
    pattern = re.compile(_LATER.format(first=first, full=full), re.IGNORECASE)
    deed = None  # a role said in so many words beats the one a deed implies, wherever it is said
    for sentence in later:
        for m in pattern.finditer(sentence):
            if title := _longest_title(m.group("rest") or m.group("rest2") or m.group("rest3")):
                return title
        if deed is None and speaker and (did := _FIRST_PERSON_DEED.match(sentence)):
            deed = "Founder" if did.group("founder") else "Owner"
        who = f"{first}|{full}|he|she"
        if deed is None and (did := re.match(_THIRD_PERSON_DEED.format(who=who), sentence, re.IGNORECASE)):
            deed = "Founder" if did.group("founder") else "Owner"
        if deed is None and re.match(_THIRD_PERSON_LATER_DEED.format(who=who), sentence, re.IGNORECASE):
            deed = "Founder"
    return deed


# "I founded Acme in 2012", "I own and run the company": what a speaker did, to a firm (not "I own a duplex")
_FIRST_PERSON_DEED = re.compile(
    r"^\W*(?:[Aa]nd\s+)?I\s+(?:(?:[Cc]o-?)?(?P<founder>founded|started|launched|opened|established|created)|"
    r"(?:[Cc]o-?)?own(?:\s+and\s+(?:operate|run))?|took\s+over|bought|inherited)\s+"
    r"(?:[A-Z]|(?:the|this|my|our)\s+(?:(?:family|[a-z]+['’]s)\s+)?(?:company|firm|business)\b)"
)
# "Meet Alan Price. Alan founded Acme in 1999": what the person named before did, to a firm
_THIRD_PERSON_DEED = (  # after a short lead of its own: "Two years later she opened Acme", "In 2005, he founded Acme"
    r"^\W*(?:(?:[\w’'-]+\s+){{1,4}}?(?:[\w’'-]+,?\s+))?(?:{who})\s+(?:(?:co-?)?(?P<founder>founded|started|launched|opened|established|created)|"
    r"(?:co-?)?owns(?:\s+and\s+(?:operates|runs))?|took\s+over|inherited)\s+"
    r"(?:(?-i:[A-Z])|(?:the|this|our)\s+(?:(?:family|[a-z]+['’]s)\s+)?(?:company|firm|business)\b)"
)
# "After inheriting a fourplex in 2005, Maria learned the business the hard way — and founded Acme": the deed
# that ends the person's clause
_THIRD_PERSON_LATER_DEED = (
    r"^\W*(?:[^.;,]{{1,60}},\s+)?(?:{who})\s+(?-i:[a-z])[^.;]{{0,100}}?(?:\s[—–-]\s*|,\s*|\s)and\s+"
    r"(?:later\s+|then\s+|eventually\s+|in\s+\d{{4}}\s+)?(?:co-?)?(?:founded|started|launched|opened|established)\s+"
    r"(?:(?-i:[A-Z])|(?:the|this|our)\s+(?:(?:family|[a-z]+['’]s)\s+)?(?:company|firm|business)\b)"
)
_SPEAKER = re.compile(r"\b(?:I['’]m|I\s+am|my\s+name\s+is|this\s+is)\s*$", re.IGNORECASE)


_SPOKEN_BEFORE = r"(?:meet|welcome|says|said|by|from|and|with)\s*$"
_PROSE_BEFORE = re.compile(
    r"(?:^|[\s,(])(?:(?:our|the|its|their)\s+)?(?P<title>(?:[A-Za-z&/-]+\s+){0,5}[A-Za-z&/-]+)\s*,?\s*$"
)


_TITLE_WITH_ORG = re.compile(
    r"(?P<title>(?:[A-Za-z&/-]+\s+){0,4}[A-Za-z&/-]+)\s+(?:with|of|at|from)\s+[A-Z][\w&.,'’ -]{2,60}?[,.]?\s*"
    r"(?:(?:Mr|Ms|Mrs|Dr)\.?\s*)?$"
)
_FOUNDED_BY = re.compile(
    r"\b(?i:co-?)?(?P<how>(?i:founded|formed|started|established|launched|created|owned|run|led|operated|headed|"
    r"taken\s+over|bought|purchased|managed|supervised|overseen|coordinated))\s+"
    # "founded in Austin, Texas, in 1993 as Campus Lifestyles by Bill Bayless": where and as what, then by whom
    r"(?:(?:(?:in|as|at|on)\s+(?:(?!\b(?:and|is|was|now|today|acquired|led|run|by)\b)[^.;]){0,90}?\s)?by|"
    r"[^.;]{0,60}?\bpartnership\s+between)\s+(?:(?:the\s+)?[a-z][\w-]*\s+){0,3}"
    r"(?:[a-z][\w-]*,\s+(?:[a-z][\w-]*\s+){0,2})?"  # "run by the second generation, siblings Amy and Ben Park"
    r"(?P<names>[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|[\"“‘(][A-Z][a-z]+[\"”’)]))*"  # William “Bill” Morgan
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)*)*)"
)


_NAMED_FIRM = re.compile(r"\b(?:[A-Z][\w&'’.-]*\s+){1,4}(?:Partners|Capital|Group|Realty|Properties|Management|"
                         r"Residential|Companies|Company|Holdings|Investments|Inc\.?|LLC)\b")  # fmt: skip


_TEAM_AT = re.compile(r"\b(?:team|staff|people)\s+(?:at|of)\s+(?P<org>[A-Z][\w&'’.-]*)")


_ORG_JUST_BEFORE = re.compile(r"(?P<org>(?:[A-Z][\w&'’.-]*\s+){1,5}[A-Z][\w&'’.-]*),?\s*(?:which\s+is\s+|and\s+)?$")
_REAL_ESTATE_BEFORE = re.compile(
    r"\b(?:propert(?:y|ies)|homes?|houses?|buildings?|apartments?|units?|complex(?:es)?|communit(?:y|ies)|land|"
    r"lots?|parcels?|sites?|towers?)\s*$",
    re.IGNORECASE,
)


def _founders(text: str, company: str | None = None) -> list[Person]:
    """ "Founded by Jane and John Doe in 1998", "run by husband-and-wife team Mark and Julie Tran":
    each named founder or owner (a shared surname is shared), unless the sentence says what was
    founded or led and it is another organisation ("The seller, Beta Partners, was led by ...")."""
    out = []
    for m in _FOUNDED_BY.finditer(text):
        subject = re.split(r"[.;!?]\s", text[max(0, m.start() - 160) : m.start()])[-1]
        if company and any(not is_ours(company, o.group(0)) for o in _NAMED_FIRM.finditer(subject)):
            continue
        if company and (at := _TEAM_AT.search(subject)) and not is_ours(company, at.group("org")):
            continue  # "The team at Berkadia led by Ernie Katai": another firm's people
        if _REAL_ESTATE_BEFORE.search(subject):
            continue  # "properties owned by Bob Morgan": an owner of buildings, not of a firm
        if company and (led := _ORG_JUST_BEFORE.search(subject)) and not is_ours(company, led.group("org")):
            continue  # "We donated to the Austin Food Bank, led by Ellen Ross": that organisation's head
        parts = [p.strip() for p in re.split(r"\s*(?:,|\band\b|&)\s*", _listed(m.group("names"))) if p.strip()]
        surname = parts[-1].split()[-1] if parts else ""
        how = m.group("how").lower()
        unit = _TEAM_SUBJECT.search(subject)
        if how in _TEAM_HEADS and unit:  # "our leasing team is led by", "our maintenance crew is supervised by"
            title = f"{unit.group('what').title()} {unit.group('unit').title()} {_TEAM_HEADS[how]}"
        elif how in ("managed", "supervised", "overseen", "coordinated"):
            continue  # "properties managed by Jo Doe": only a team of ours is managed by one of us
        elif how in ("owned", "run", "led", "operated", "headed") or how.startswith(("taken", "bought", "purchased")):
            title = "Co-owner" if len(parts) > 1 else "Owner"
        else:
            title = "Co-founder" if len(parts) > 1 else "Founder"
        for part in parts:
            if len(part.split()) == 1 and (len(parts) == 1 or not is_first_name(part)):
                continue  # "owned by the Fosters": a family, no one person
            full = part if len(part.split()) > 1 else f"{part} {surname}"
            if name := is_name(full, lenient=True):
                out.append(
                    Person(full_name=name, title=title, source="prose", quote=text[m.start() : m.end() + 40][:300])
                )
    for m in _FOUNDED_WITH.finditer(text):  # "co-founded Acme with his brother Sam Kim"
        if (not company or is_ours(company, m.group("org"))) and (name := is_name(m.group("name"))):
            out.append(Person(full_name=name, title="Co-founder", source="prose", quote=m.group(0)[:300]))
    return out


# "Our leasing team is headed by", "the maintenance department, led by": a part of the firm, not the firm
_TEAM_HEADS = {"run": "Lead", "led": "Lead", "headed": "Lead", "overseen": "Lead", "managed": "Manager",
               "supervised": "Supervisor", "coordinated": "Coordinator"}  # fmt: skip
_TEAM_SUBJECT = re.compile(
    r"\b(?:our|the|its)\s+(?P<what>[a-z]+(?:\s+[a-z]+)?)\s+(?P<unit>team|department|division|office|staff|crew)\s*,?\s*"
    r"(?:is|are|was|has\s+been|have\s+been)?\s*$",
    re.IGNORECASE,
)
_FOUNDED_WITH = re.compile(
    r"\b(?:co-?)?(?:founded|started|launched|opened)\s+(?P<org>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4})"
    r"(?:\s+in\s+\d{4})?\s+with\s+(?:(?:his|her|their)\s+(?:[a-z-]+\s+){1,2})?(?:,\s*)?"
    r"(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,2})"
)


def _listed(names: str) -> str:
    """The names of a list up to its last "and": "Eric and Dana Fulton, Acme has ..." lists two."""
    if listed := re.match(r"^.*?\s(?:and|&)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)*", names):
        return listed.group(0)
    return names.split(",")[0]


_TITLE_LEAD = re.compile(r"^(?:(?:now|still|currently|also)\s+)?(?:(?:my|his|her|their|our|the)\s+)?", re.I)


def _longest_title(text: str, *, from_end: bool = False) -> str | None:
    """The longest run of words at the start (or end) of ``text`` that reads as a title; "my
    business partner and then friend" gives "business partner"."""
    text = _TITLE_LEAD.sub("", text.strip())
    for part in re.split(r"\s+and\s+(?:then|later|now|also)\s+", text):
        if part != text and (title := _longest_title(part, from_end=from_end)):
            return title
    words = text.split()
    for size in range(min(len(words), 9), 0, -1):
        chunk = " ".join(words[-size:] if from_end else words[:size])
        if title := is_title(chunk):
            return title
    return None
