"""Decision-maker ranking by title: owner, president, CEO, broker/principal, COO,
director of operations, then property manager. Lower rank = more senior."""

from __future__ import annotations

_RANKS: list[tuple[int, tuple[str, ...]]] = [
    (1, ("owner", "founder", "co-owner")),
    (2, ("president",)),
    (3, ("ceo", "chief executive")),
    (4, ("broker", "principal", "managing partner", "partner")),
    (5, ("coo", "chief operating")),
    (6, ("director of operations", "operations director", "vp of operations", "vice president")),
    (7, ("director",)),
    (8, ("property manager", "portfolio manager")),
]
UNRANKED = 99


def title_rank(title: str | None) -> int:
    text = f" {(title or '').lower()} "
    # 'vice president' must not count as 'president'
    text = text.replace("vice president", "vp")
    for rank, needles in _RANKS:
        if any(_has_word(text, needle) for needle in needles):
            return rank
    return UNRANKED


def _has_word(text: str, needle: str) -> bool:
    import re

    return re.search(rf"(?<![a-z]){re.escape(needle)}(?![a-z])", text) is not None
