"""Portfolio-size claims: how many units, doors, homes or properties a company says it manages.

A claim needs three things close together: a quantity (digits with separators, "1.2k", "1,200+",
a range, number words via text2num, or a vague amount such as "hundreds of"), a unit noun
(units, doors, homes, properties, apartments, rentals, residences, households; communities and
buildings only prove a lower bound), and a sign that the company itself manages them: "we",
"our", "under management", a label such as "Doors managed" or "Portfolio:", a stats block whose
label sits under the number, a table or JSON key, or the company's own name. Decoys are
rejected: years, prices, rates ("a week"), increments ("added 3,000 units"), subsets ("of
which"), thresholds ("16 units or more"), hypotheticals ("for every 250 units", "if"), single
buildings ("a 200-unit community") and other companies' numbers.

Each claim keeps the bounds the text proves: an exact count, a lower bound ("over 500",
"500+", "hundreds of"), an approximate one ("about 400": ±10 %) or a range. Hand-written
patterns: the phrase structures are what is read here; no library parses "Doors managed 450".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from text_to_num import alpha2digit

from leadscout.research.read.page import Block, PageText, sentences

Qualifier = Literal["exact", "at_least", "about", "range"]


class UnitClaim(BaseModel):
    value: int  # the number as stated (the lower end of a range)
    low: int = -1  # what the text proves at least (unset: the value, exactly)
    high: int | None = None  # what it proves at most (None: no upper bound)
    qualifier: Qualifier = "exact"
    kind: str = "units"
    phrase: str = Field(max_length=300)  # the verbatim quote
    basis: str = "self"  # self (we/our/label) | name (the company named) | structure (stats, table, JSON)

    @model_validator(mode="after")
    def _exact_by_default(self) -> UnitClaim:
        if self.low < 0:
            self.low, self.high = self.value, self.value
        return self

    def decides(self, minimum: int | None = None, maximum: int | None = None) -> bool | None:
        """True/False when the bounds settle ``value >= minimum`` (or ``<= maximum``), else None."""
        if minimum is not None:
            if self.low >= minimum:
                return True
            return False if self.high is not None and self.high < minimum else None
        if maximum is not None:
            if self.high is not None and self.high <= maximum:
                return True
            return False if self.low > maximum else None
        return None


# noun -> kind; "lower" kinds count buildings, so N of them prove at least N units
_NOUNS: dict[str, str] = {
    "unit": "units", "units": "units", "door": "doors", "doors": "doors", "home": "homes", "homes": "homes",
    "house": "homes", "houses": "homes", "property": "properties", "properties": "properties",
    "apartment": "units", "apartments": "units", "rental": "rentals", "rentals": "rentals",
    "residence": "units", "residences": "units", "household": "units", "households": "units",
    "condo": "units", "condos": "units", "condominiums": "units", "townhomes": "homes", "townhouses": "homes",
    "community": "communities", "communities": "communities", "building": "buildings", "buildings": "buildings",
    "duplexes": "properties", "fourplexes": "properties", "triplexes": "properties",
}  # fmt: skip
_LOWER_KINDS = {"communities", "buildings"}
_MODIFIERS = {
    "residential", "rental", "single-family", "single", "family", "multifamily", "multi-family", "apartment",
    "managed", "scattered-site", "investment", "income", "total", "student", "senior", "affordable", "luxury",
    "commercial", "retail", "industrial", "office", "mixed-use", "condo", "townhome", "local", "individual",
    "residential-income", "rent", "active", "leased", "owner", "owners'", "client", "privately-owned", "homeowner",
    "apartment-home", "market-rate", "conventional", "different", "unique", "small", "large", "mid-size",
    "mid-sized", "multi-unit", "residential-rental",
}  # fmt: skip
_MANAGE = re.compile(
    r"\b(?:manag(?:e|es|ed|ing|ement)|oversee(?:s|ing)?|oversaw|care\s+(?:for|of)|taking\s+care|take\s+care|"
    r"look(?:s|ing)?\s+after|handl(?:e|es|ing)|responsible\s+for|entrust\w*|trust(?:s|ed)?\s+(?:us|with)|portfolio|"
    r"administer\w*|operat(?:e|es|ing)|under\s+(?:our\s+)?(?:care|management|contract))\b",
    re.IGNORECASE,
)
_GREW_TO = re.compile(
    r"\b(?:gr[eo]w|grown|built|expanded|scaled)\b[^;]{0,120}\bto\s+(?:over\s+|more\s+than\s+|nearly\s+)?$",
    re.IGNORECASE,
)
_SELF = re.compile(r"\b(?:we|we're|we've|we’re|we’ve|our|ours|us)\b", re.IGNORECASE)
_LABEL = re.compile(
    r"^(?:total\s+)?(?:units|doors|homes|properties|rentals|apartments|residences)\s*(?:managed|under\s+management|"
    r"we\s+manage|in\s+our\s+portfolio)?\s*:?$|^(?:portfolio(?:\s+size)?|under\s+management|doors\s+managed|"
    r"units\s+managed|homes\s+managed|properties\s+managed|rentals\s+managed|managed\s+(?:units|doors|homes|"
    r"properties))\s*:?$",
    re.IGNORECASE,
)
_JSON_KEY = re.compile(
    r"[\"']?(?P<key>(?:units|doors|homes|properties|rentals)_?(?:managed|under_management)|portfolio_size|"
    r"doors|units_managed)[\"']?\s*[:=]\s*[\"']?(?P<num>[\d,.]+\s*\+?)",
    re.IGNORECASE,
)
_STAT_PAIR = re.compile(
    r"figure\s*:\s*['\"](?P<num>[\d,.]+\s*[kK]?\s*\+?)['\"]\s*,\s*label\s*:\s*['\"](?P<label>[^'\"]{2,80})['\"]"
)
_NUM = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_QUANTITY = re.compile(
    rf"(?P<pre>\$\s*|#\s*|\bno\.\s*)?(?:between\s+)?(?<![\w.,])(?P<a>{_NUM})(?P<k>\s*[kK]\b)?"
    rf"(?:\s*(?:-|–|—|to|and)\s*(?P<b>{_NUM})(?P<k2>\s*[kK]\b)?)?"
    r"(?P<plus>\s*\+)?",
    re.IGNORECASE,
)
_VAGUE = {
    "hundreds": 200, "thousands": 2000, "dozens": 24, "several hundred": 200, "a few hundred": 200,
    "several thousand": 2000, "a few thousand": 2000, "a hundred": 100, "a thousand": 1000,
}  # fmt: skip
_VAGUE_RE = re.compile(r"\b(several hundred|a few hundred|several thousand|a few thousand|hundreds|thousands|dozens)"
                       r"(?:\s+of)?\b", re.IGNORECASE)  # fmt: skip
_AT_LEAST = re.compile(
    r"(?:over|more\s+than|in\s+excess\s+of|upwards\s+of|at\s+least|exceeding|north\s+of|"
    r"surpass\w*|past|beyond|minimum\s+of|no\s+fewer\s+than)\s*(?:a\s+)?$",
    re.IGNORECASE,
)
_ABOUT = re.compile(r"(?:about|approximately|approx\.?|roughly|around|nearly|almost|close\s+to|some|an\s+estimated|"
                    r"~)\s*(?:a\s+)?$", re.IGNORECASE)  # fmt: skip
_DELTA = re.compile(r"\b(?:add(?:ed|ing|s)?|acquir(?:ed|ing|es)|acquisition\s+of|grew\s+by|grown\s+by|growth\s+of|"
                    r"increas\w*\s+(?:by|of)|additional|another|sold|bought|purchas\w*|new|recently|lost)\s+"
                    r"(?:(?:more\s+than|over|about|nearly|an?)\s+)?$", re.IGNORECASE)  # fmt: skip
_SUBSET = re.compile(r"\b(?:of\s+which|of\s+these|of\s+those|among\s+them)\b|\b(?:including|incl\.)\s+$", re.IGNORECASE)
_HYPOTHETICAL = re.compile(r"\b(?:every|each|per|if|whether|unless|minimum|requires?|verify|verification)\b",
                           re.IGNORECASE)  # fmt: skip
_RATE_AFTER = re.compile(r"^\s*(?:a|per|each|every)\s+(?:week|month|year|day|quarter)\b|^\s*(?:annually|monthly|"
                         r"weekly|years?\b|or\s+(?:more|fewer|less)\b|\d+(?:\.\d+)?\s*%)", re.IGNORECASE)  # fmt: skip
_YEAR_BEFORE = re.compile(r"\b(?:in|since|by|from|until|of|during|circa|est\.?|founded)\s+$", re.IGNORECASE)
_BREAK = re.compile(r";|\bin\s+addition\s+to\b|\bas\s+well\s+as\b|\bwhereas\b|\bwhile\b|\bcompared\s+(?:to|with)\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_GENERIC_NAME_WORDS = {
    "the", "property", "properties", "management", "managers", "manager", "realty", "real", "estate", "group",
    "services", "service", "residential", "rental", "rentals", "homes", "llc", "inc", "co", "company", "corp",
    "pm", "and", "&", "of", "partners", "leasing", "apartments", "living",
}  # fmt: skip
_ANAPHORA = re.compile(r"\b(?:the\s+(?:firm|company|manager|business|group|operator)|it|which|they|its)\b",
                       re.IGNORECASE)  # fmt: skip
# "The Minneapolis-based company manages...": on a company's own pages this is the company itself
_THE_COMPANY = re.compile(
    r"^(?:the\s+)?(?:[\w-]+-based\s+)?(?:company|firm|team|business)\b|^(?:(?:proudly|currently|now|today)\s+)?"
    r"(?:managing|overseeing|serving\s+owners\s+of)\b|^(?:portfolio(?:\s+size)?|units|doors|homes|properties|"
    r"rentals)(?:\s+(?:managed|under\s+management))?\s*:",
    re.IGNORECASE,
)
# "A portfolio of 310 homes.", "Trusted with 95 rental homes.", "1,200 doors and counting": a line with no
# subject of its own is the site speaking of itself ("Greystar manages ..." has one, and is not)
_SUBJECTLESS = re.compile(
    r"^(?:\d|vague\d|(?:a|an|over|more|nearly|about|approximately|almost|trusted|managing|proudly|currently|portfolio|"
    r"with|today|now|helping|serving|caring|overseeing|total)\b)",
    re.IGNORECASE,
)
# "2,000 homes managed", "450 doors under our care": a passive that only the company itself writes
_PASSIVE = re.compile(r"^\s*(?:managed|under\s+(?:our\s+)?(?:management|care))\b", re.IGNORECASE)
MAX_UNITS = 2_000_000


def claims_in_page(page: PageText, company: str | None = None) -> list[UnitClaim]:
    """Every portfolio claim on a page: sentences of each block, stats blocks (a number block
    next to its label block), label/value pairs and JSON keys."""
    out: list[UnitClaim] = []
    named_before = False
    for block in page.blocks:
        for sentence in sentences(block.text):
            found = claims_in_sentence(sentence, company, after_mention=named_before)
            out.extend(found)
            named_before = _mentions(company, sentence) or (named_before and not found and len(sentence) < 40)
        out.extend(_structured(block, page))
    return _unique(out)


def claims_in_text(text: str, company: str | None = None) -> list[UnitClaim]:
    from leadscout.research.read.page import from_text

    return claims_in_page(from_text(text), company)


def claims_in_sentence(sentence: str, company: str | None = None, *, after_mention: bool = False) -> list[UnitClaim]:
    if not re.search(r"\d|hundred|thousand|dozen", sentence, re.IGNORECASE):
        return []
    normal = _normalise(sentence)
    out: list[UnitClaim] = []
    subject = _subject(normal, company, after_mention)
    for clause in _BREAK.split(normal):
        out.extend(_clause_claims(clause, sentence, subject))
    return _sum_enumeration(out, normal, sentence) if len(out) > 1 else out


def _normalise(sentence: str) -> str:
    """Number words to digits (text2num) and vague amounts to markers, keeping everything else."""
    marked = _VAGUE_RE.sub(lambda m: f" vague{_VAGUE[m.group(1).lower()]} ", sentence)
    marked = re.sub(r"\ba\s+(hundred|thousand)\b", lambda m: f"vague{_VAGUE['a ' + m.group(1).lower()]}", marked)
    try:
        converted = str(alpha2digit(marked, "en", threshold=10))
    except Exception:  # text2num is strict about odd input; the digits are still there
        converted = marked
    return converted.replace("’", "'")


def _subject(sentence: str, company: str | None, after_mention: bool) -> str | None:
    if _SELF.search(sentence):
        return "self"
    if _mentions(company, sentence):
        return "name"
    if after_mention and _ANAPHORA.search(sentence):
        return "name"
    if _THE_COMPANY.search(sentence.strip()) or _SUBJECTLESS.match(sentence.strip()):
        return "self"
    return None


def _mentions(company: str | None, text: str) -> bool:
    if not company:
        return False
    words = [w.lower() for w in _WORD.findall(re.sub(r"\(.*?\)", " ", company))]
    distinctive = [w for w in words if w not in _GENERIC_NAME_WORDS][:2] or words[:2]
    lower = text.lower()
    return bool(distinctive) and all(re.search(rf"\b{re.escape(w)}\b", lower) for w in distinctive)


def _clause_claims(clause: str, original: str, subject: str | None) -> list[UnitClaim]:
    out = []
    listed_until = -1  # where an accepted claim's list may go on ("112 homes, 10 duplexes and 5 fourplexes")
    for m in _QUANTITY.finditer(clause):
        gap = clause[listed_until : m.start()].lower() if listed_until >= 0 else "x" * 99
        in_list = len(gap) < 40 and re.fullmatch(r"[\s,&a-z-]*", gap)
        claim = _claim_at(clause, m, original, subject, in_list=bool(in_list))
        if claim is not None:
            out.append(claim)
            listed_until = m.end() + len(_noun_span(clause[m.end() :]))
    for m in re.finditer(r"vague(\d+)", clause):
        claim = _vague_at(clause, m, original, subject)
        if claim is not None:
            out.append(claim)
    return out


def _noun_after(text: str) -> tuple[str, str] | None:
    """(noun, kind) when a unit noun follows within three modifier words."""
    words = _WORD.findall(text[:80])
    for i, word in enumerate(words[:4]):
        lower = word.lower().strip("'’")
        if lower in _NOUNS:
            if lower in ("unit", "units") and i + 1 < len(words) and words[i + 1].lower() in ("year", "years"):
                return None  # "500 unit years" of experience
            return lower, _NOUNS[lower]
        if lower not in _MODIFIERS and lower not in ("of", "and", "&"):
            return None
    return None


def _noun_span(rest: str) -> str:
    """The modifier words and unit noun right after a quantity."""
    found = re.match(r"(?:\s*[A-Za-z][A-Za-z'’-]*){1,4}", rest)
    return found.group(0) if found else ""


def _claim_at(
    clause: str, m: re.Match[str], original: str, subject: str | None, *, in_list: bool = False
) -> UnitClaim | None:
    if m.group("pre"):
        return None  # a price, a rank ("No. 2") or a reference
    rest = clause[m.end() :]
    if re.match(r"^\s*%|^\s*-\s*(?:unit|door|home|plex)", rest):
        return None  # "a 200-unit community": one building, not the portfolio
    noun = _noun_after(rest)
    if noun is None:
        return None
    low = _number(m.group("a"), m.group("k"))
    if low is None or low <= 0:
        return None
    before = clause[: m.start()]
    if re.fullmatch(r"(?:19|20)\d\d", m.group("a")) and _YEAR_BEFORE.search(before):
        return None  # a year
    after_noun = rest[rest.lower().find(noun[0]) + len(noun[0]) :]
    if _DELTA.search(before) or _SUBSET.search(before) or _RATE_AFTER.match(after_noun):
        return None
    window = _window(before, rest)
    grew_to = _GREW_TO.search(before)  # "grew the business to over 800 units": the total it reached
    if _HYPOTHETICAL.search(before[-40:]) or not (in_list or grew_to or _MANAGE.search(window)):
        return None
    basis = subject or ("self" if _PASSIVE.match(after_noun) else None)
    if basis is None:
        return None
    high = _number(m.group("b"), m.group("k2") or m.group("k")) if m.group("b") else None
    at_least = bool(m.group("plus")) or bool(_AT_LEAST.search(before))
    return _make(low, high, at_least, bool(_ABOUT.search(before)), noun[1], original, basis)


def _vague_at(clause: str, m: re.Match[str], original: str, subject: str | None) -> UnitClaim | None:
    rest = clause[m.end() :]
    noun = _noun_after(rest)
    before = clause[: m.start()]
    after_noun = rest[rest.lower().find(noun[0]) + len(noun[0]) :] if noun else ""
    subject = subject or ("self" if _PASSIVE.match(after_noun) else None)
    if noun is None or subject is None or _RATE_AFTER.match(after_noun):
        return None
    if _DELTA.search(before) or not _MANAGE.search(_window(before, rest)):
        return None
    return _make(int(m.group(1)), None, True, False, noun[1], original, subject)


def _window(before: str, rest: str) -> str:
    """The words around a quantity that may say who manages it (about eight words each side)."""
    left = " ".join(before.split()[-9:])
    right = " ".join(rest.split()[:9])
    return f"{left} {right}"


def _make(
    low: int, high: int | None, at_least: bool, about: bool, kind: str, original: str, basis: str
) -> UnitClaim | None:
    if low > MAX_UNITS or (high is not None and (high < low or high > MAX_UNITS)):
        return None
    value = low
    qualifier: Qualifier = "exact"
    if high is not None:
        qualifier = "range"
    elif at_least or kind in _LOWER_KINDS:
        qualifier, high = "at_least", None
    elif about:
        qualifier = "about"
        low, high = int(value * 0.9), int(value * 1.1 + 0.5)
    else:
        high = value
    return UnitClaim(
        value=value, low=low, high=high, qualifier=qualifier, kind=kind, phrase=original[:300], basis=basis
    )


def _number(digits: str | None, k: str | None) -> int | None:
    if not digits:
        return None
    try:
        number = float(digits.replace(",", ""))
    except ValueError:
        return None
    return round(number * (1000 if k else 1))


def _sum_enumeration(claims: list[UnitClaim], normal: str, original: str) -> list[UnitClaim]:
    """ "We manage 112 single family properties, 10 duplexes, 5 fourplexes and 12 retail
    properties": one portfolio told in parts is their sum."""
    exact = [c for c in claims if c.qualifier in ("exact", "at_least") and c.value == c.low]
    exact = [c for c in exact if c.qualifier == "exact" or c.kind in _LOWER_KINDS]
    if len(exact) < 2 or len(exact) != len(claims) or not re.search(r",|\band\b", normal):
        return claims
    kinds = {c.kind for c in exact}
    if "units" in kinds and kinds & _LOWER_KINDS:
        return claims  # "2,400 communities and 660,000 apartment units": two levels, not parts of one whole
    total = sum(c.value for c in exact)
    whole = _make(total, None, False, False, "properties", original, exact[0].basis)
    return [whole] if whole else claims


_LABEL_COLON = re.compile(
    rf"\b(?P<label>(?:total\s+)?(?:units|doors|homes|properties|rentals|apartments)\s+(?:managed|under\s+management)|"
    rf"portfolio(?:\s+size)?|under\s+management)\s*[:\-–]\s*(?P<over>over|more than)?\s*(?P<num>{_NUM})\s*(?P<k>[kK])?"
    r"\s*(?P<plus>\+)?\s*(?P<noun>[A-Za-z][A-Za-z -]{0,30})?",
    re.IGNORECASE,
)


def _structured(block: Block, page: PageText) -> list[UnitClaim]:
    out = []
    for m in _LABEL_COLON.finditer(block.text):
        label = re.sub(r"^(?:total\s+)", "", m.group("label"), flags=re.I)
        noun = _noun_after(m.group("noun") or "") or _noun_after(label)
        value = _number(m.group("num"), m.group("k"))
        if value:
            at_least = bool(m.group("plus") or m.group("over"))
            claim = _make(value, None, at_least, False, noun[1] if noun else "units", m.group(0).strip(), "structure")
            out += [claim] if claim else []
    for m in _JSON_KEY.finditer(block.text):
        value = _number(m.group("num").replace("+", "").strip(), None)
        if value:
            claim = _make(value, None, "+" in m.group("num"), False, "units", block.text, "structure")
            out += [claim] if claim else []
    for m in _STAT_PAIR.finditer(block.text):
        label = m.group("label")
        noun = _noun_after(label)
        if noun and (_MANAGE.search(label) or _LABEL.match(label.strip())):
            value = _number(m.group("num").replace("+", "").replace("k", "").replace("K", "").strip(), None)
            mult = 1000 if re.search(r"[kK]", m.group("num")) else 1
            if value:
                claim = _make(value * mult, None, "+" in m.group("num"), False, noun[1], m.group(0), "structure")
                out += [claim] if claim else []
    if _LABEL.match(block.text.strip()) and len(block.text) < 60:
        out.extend(_label_value(block, page))
    number_only = re.fullmatch(rf"(?:over|more than)?\s*({_NUM})\s*([kK])?\s*(\+)?", block.text.strip(), re.IGNORECASE)
    if number_only:
        out.extend(_number_then_label(block, page, number_only))
    return out


def _label_value(label: Block, page: PageText) -> list[UnitClaim]:
    """ "Doors managed" with its number in the next (or previous) block of the same group."""
    for other in page.neighbours(label, 1):
        m = re.fullmatch(rf"(?:over|more than)?\s*({_NUM})\s*([kK])?\s*(\+)?", other.text.strip(), re.IGNORECASE)
        if m and other.group == label.group and other.index > label.index:
            value = _number(m.group(1), m.group(2))
            bare = re.sub(r"^(?:total|portfolio(?: size)?|under management)\W*", "", label.text, flags=re.I)
            noun = _noun_after(bare)
            at_least = bool(m.group(3)) or "over" in other.text.lower()
            quote = f"{label.text}: {other.text}"
            claim = value and _make(value, None, at_least, False, noun[1] if noun else "units", quote, "structure")
            return [claim] if claim else []
    return []


def _number_then_label(number: Block, page: PageText, m: re.Match[str]) -> list[UnitClaim]:
    """A stats block: "1,200+" with "Doors under management" beside it."""
    for other in page.neighbours(number, 1):
        label = other.text.strip()
        if len(label) > 60 or other.group != number.group or other.index < number.index:
            continue
        noun = _noun_after(label)
        if noun and (_MANAGE.search(label) or _LABEL.match(label) or re.search(r"\bmanaged\b", label, re.I)):
            value = _number(m.group(1), m.group(2))
            at_least = bool(m.group(3)) or "over" in number.text.lower()
            claim = value and _make(value, None, at_least, False, noun[1], f"{number.text} {label}", "structure")
            return [claim] if claim else []
    return []


def _unique(claims: Iterable[UnitClaim]) -> list[UnitClaim]:
    seen: dict[tuple[int, str, str], UnitClaim] = {}
    for c in claims:
        seen.setdefault((c.low, c.kind, c.phrase), c)
    return list(seen.values())


def best_claim(claims: list[UnitClaim]) -> UnitClaim | None:
    """The claim that says most about the portfolio: the largest proven lower bound, exact
    before approximate."""
    if not claims:
        return None
    order = {"exact": 0, "range": 1, "at_least": 2, "about": 3}
    return max(claims, key=lambda c: (c.low, -order[c.qualifier]))
