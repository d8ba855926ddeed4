"""A company's name as texts write it: whether a text mentions the company, and whether an
organisation a text names may be the company itself. Shared by the readers of units and people."""

from __future__ import annotations

import re

from leadscout.domains import InvalidDomain, host_of
from leadscout.research.read.given_names import is_first_name

GENERIC_NAME_WORDS = {
    "the", "property", "properties", "management", "managers", "manager", "realty", "real", "estate", "group",
    "services", "service", "residential", "rental", "rentals", "homes", "llc", "inc", "co", "company", "corp",
    "pm", "and", "&", "of", "partners", "leasing", "apartments", "living", "companies", "cos", "corporation",
    "housing", "community", "communities", "development",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NAME_WORD = re.compile(r"[A-Za-z][\w'’-]*")  # a word of a firm's name: a letter, then letters or digits


def _words(name: str) -> set[str]:
    """The distinctive words of a name, lower-cased (no "Property", "Management", "LLC")."""
    return {w.lower() for w in _NAME_WORD.findall(name) if len(w) > 1} - GENERIC_NAME_WORDS


def is_firm_name(name: str, company: str) -> bool:
    """The firm is called like a person ("Blanton Turner"); "Jane Morrow Realty" is Jane Morrow's."""
    return sorted(w.lower() for w in _NAME_WORD.findall(company) if len(w) > 1) == sorted(
        w.lower() for w in name.split()
    )


def named_after(company: str, surname: str) -> bool:
    """The firm bears the person's family name ("Dick Elliott" of Elliott Beach Rentals)."""
    return len(surname) >= 3 and surname.lower().strip(".,") in _words(company)


def names_of(company: str) -> list[str]:
    """The names a company goes by: "A; B", "A / B", "A (B)", "CMI-CARG"."""
    return [n for n in re.split(r"\s*(?:;|\s/\s|\(|\)|(?<=[A-Z])-(?=[A-Z]))\s*", company) if n.strip()]


def mentions(company: str | None, text: str) -> bool:
    """The text names the company, or one of its names ("Castle Group / Seacrest Services"), by its first
    two distinctive words ("Acme" of "Acme Realty")."""
    if not company:
        return False
    if " / " in company or ";" in company:
        return any(_mentions_one(name, text) for name in names_of(company))
    return _mentions_one(company, text)


def _mentions_one(company: str, text: str) -> bool:
    spoken = re.sub(r"(?<=[A-Za-z])-(?=[A-Za-z])", " ", re.sub(r"\(.*?\)", " ", company))  # "Mark-Taylor"
    words = [w.lower() for w in _WORD.findall(spoken)]
    distinctive = [w for w in words if w not in GENERIC_NAME_WORDS][:2] or words[:2]
    lower = text.lower()
    if bool(distinctive) and all(re.search(rf"\b{re.escape(w)}\b", lower) for w in distinctive):
        return True
    if _called_short(company, text) or _surname_of_a_person(company, text):
        return True
    if any(re.search(rf"\b{re.escape(alias)}\b", text) for alias in re.findall(r"\(([A-Z][A-Za-z&]{1,9})\)", company)):
        return True  # "CPO" of "Community Properties of Ohio Management Services (CPO)"
    acronym = "".join(w if w.isupper() else w[0] for w in _WORD.findall(company) if w[0].isupper())
    return len(acronym) >= 3 and re.search(rf"\b{re.escape(acronym)}\b", text) is not None  # "GBAHC"


def _surname_of_a_person(company: str, text: str) -> bool:
    """ "Croman" for the landlord Steven Croman: a company that is a person is called by surname."""
    words = company.split()
    if len(words) != 2 or not is_first_name(words[0]) or not re.fullmatch(r"[A-Z][a-z'’-]{2,}", words[1]):
        return False
    return re.search(rf"\b{re.escape(words[1])}\b", text) is not None


def _called_short(company: str, text: str) -> bool:
    """ "Pintar" for Pintar Investment Co.: the first distinctive word alone, capitalised as a name,
    when it is no city's name ("Austin" of Austin Property Management says nothing; Acme, WA is too small to)."""
    from leadscout.geo import STATES, is_large_place

    first = next((w for w in _WORD.findall(company) if w.lower() not in GENERIC_NAME_WORDS), "")
    short = len(first) < 4 and not (len(first) == 3 and first.isupper())  # "BMC" of BMC Investments is its name
    if short or not first[0].isupper() or is_large_place(first) or first in STATES.values():
        return False
    return re.search(rf"\b{re.escape(first)}\b", text) is not None


def names_site(company: str | None, url: str) -> bool:
    """The page is on the company's own site: a label of its host spells a distinctive word of the
    company's name ("rpmdiversified.com" for RPM Diversified), starts with its initials (three or
    more) or spells its whole name ("daypropertymanagement.com" for Day Property Management)."""
    if not company or not url:
        return False
    try:
        host = host_of(url)
    except InvalidDomain:
        return False  # a page without a usable address is not known to be anyone's
    labels = [label for label in map(_letters, host.split(".")[:-1]) if label and label != "www"]
    words = [squashed for w in _words(company) if len(squashed := _letters(w)) >= 4]
    initials = _initials(company).lower()
    whole = _letters(re.sub(r"\(.*?\)", "", company))  # "daypropertymanagement.com"
    acronym = bool(re.fullmatch(r"[A-Z]{3,6}", company.strip()))
    return any(
        any(w in label for w in words)
        or (len(initials) >= 3 and label.startswith(initials))
        or (len(whole) >= 6 and (label.startswith(whole) or (len(label) >= 6 and whole.startswith(label))))
        or (len(whole) >= 3 and acronym and label.startswith(whole))  # "csiproperties.com" for CSI
        for label in labels
    )


def is_ours(company: str, org: str) -> bool:
    """``org`` may be the company: it shares a distinctive word with one of the company's names
    ("A; B", "A / B", "CMI-CARG"), or is its initials ("LPC" for Lincoln Property Company). Lenient
    on purpose: texts shorten and vary a firm's name, and a person wrongly dropped is a lost contact."""
    org = org.strip(" .,")
    org_words = _words(org)
    squashed = _letters(company)
    if any(len(w) >= 4 and w in squashed for w in org_words):
        return True  # "richmondpropertymanagementrw.com" is Richmond Property Management
    for name in names_of(company):
        words = _words(name)
        if words & org_words or _initials(name) == org or not words or not org_words:
            return True
        acronym, short = name.strip(" .,"), _initials(org)
        if acronym.isupper() and len(short) >= 2 and acronym.startswith(short):
            return True  # "Cities Management" in a text about "CMI"
        initials = _initials(name)
        if org.isupper() and len(org) >= 2 and (initials.startswith(org) or org.startswith(initials)):
            return True  # "SPM" for Smith Property Management Inc
    return False


def _letters(text: str) -> str:
    """ "C-REM (Salem)" -> "cremsalem": a name as a host spells it."""
    return re.sub(r"[^a-z]", "", text.lower())


def _initials(name: str) -> str:
    """ "Lincoln Property Company" -> "LPC": how a firm is often called in its own news."""
    return "".join(w[0] for w in _NAME_WORD.findall(name) if w[0].isupper())
