"""Email addresses for a named person, from best to weakest evidence:

1. an address the company's site publishes for that person;
2. the domain's pattern, learned from addresses the site publishes for other people;
3. name permutations, ordered by how common each pattern is among small US businesses.

Nothing here claims an address exists: :mod:`leadscout.research.judge.mailcheck` decides that."""

from __future__ import annotations

import unicodedata
from collections import Counter

from pydantic import BaseModel

# pattern -> prior (share among small-business domains; the order is what matters)
PATTERNS: dict[str, float] = {
    "{first}.{last}": 0.30,
    "{f}{last}": 0.22,
    "{first}": 0.16,
    "{first}{l}": 0.08,
    "{first}{last}": 0.07,
    "{f}.{last}": 0.05,
    "{first}_{last}": 0.04,
    "{last}": 0.03,
    "{last}{f}": 0.03,
    "{last}.{first}": 0.02,
}
ROLE_LOCALS = frozenset(
    {"info", "office", "contact", "hello", "admin", "support", "sales", "leasing", "rentals", "manager", "team"}
    | {"maintenance", "accounting", "billing", "careers", "jobs", "noreply", "no-reply", "help", "service"}
)


class EmailGuess(BaseModel):
    address: str
    source: str  # published_on_site | pattern_inferred | permutation
    pattern: str | None = None


def _ascii(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if ch.isascii() and ch.isalpha()).lower()


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_PARTICLES = frozenset(
    {"de", "del", "della", "la", "le", "van", "von", "der", "den", "da", "di", "du", "dos", "das", "o", "ni"}
)  # "o" and "ni": the Irish Ó and Ní, folded


def name_parts(full_name: str) -> tuple[str, str] | None:
    """The given name and the surname a mailbox is made of, folded to ASCII letters: the whole
    surname ("vanderberg", "smithjones", "obrien"), never a suffix ("Robert Chen Jr" is chen)."""
    words = [w for w in (_ascii(part) for part in full_name.split()) if w]
    while len(words) > 2 and words[-1] in _SUFFIXES:
        words.pop()
    if len(words) < 2:
        return None
    start = next((i for i in range(1, len(words) - 1) if words[i] in _PARTICLES), len(words) - 1)
    return words[0], "".join(words[start:])


def local_part(pattern: str, first: str, last: str) -> str:
    return pattern.format(first=first, last=last, f=first[0], l=last[0])


def is_role(address: str) -> bool:
    return address.partition("@")[0].lower() in ROLE_LOCALS


def patterns_of(full_name: str, address: str) -> list[str]:
    """Every known pattern that turns ``full_name`` into the local part of ``address``."""
    parts = name_parts(full_name)
    if parts is None:
        return []
    local = address.partition("@")[0].lower()
    return [p for p in PATTERNS if local_part(p, *parts) == local]


def infer_pattern(published: list[tuple[str, str]]) -> str | None:
    """The domain's pattern from (person name, published address) pairs; ties go to the prior."""
    votes: Counter[str] = Counter()
    for name, address in published:
        for pattern in patterns_of(name, address):
            votes[pattern] += 1
    if not votes:
        return None
    return max(votes, key=lambda p: (votes[p], PATTERNS[p]))


def guesses(full_name: str, domain: str, pattern: str | None, limit: int = 4) -> list[EmailGuess]:
    """Addresses to try for a person without a published one, best first."""
    parts = name_parts(full_name)
    if parts is None:
        return []
    if pattern is not None:
        return [
            EmailGuess(address=f"{local_part(pattern, *parts)}@{domain}", source="pattern_inferred", pattern=pattern)
        ]
    ordered = sorted(PATTERNS, key=lambda p: -PATTERNS[p])[:limit]
    return [EmailGuess(address=f"{local_part(p, *parts)}@{domain}", source="permutation", pattern=p) for p in ordered]
