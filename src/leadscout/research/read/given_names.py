"""Given names: whether a word is one, from a maintained lexicon of about 40,000 (gender-guesser).
Every reader that must tell a person from a firm or a place asks here."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _first_names() -> Any:
    from gender_guesser.detector import Detector

    return Detector(case_sensitive=False)


def is_first_name(word: str) -> bool:
    """A given name the lexicon knows ("Kevin", "Ursula"; not "Property")."""
    return len(word) > 1 and word[0].isupper() and _first_names().get_gender(word.strip(".,")) != "unknown"
