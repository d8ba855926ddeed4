"""Parse ``queries.sql`` and ``monitors.sql`` once into a name -> SQL mapping."""

from __future__ import annotations

import re
from importlib import resources
from typing import LiteralString, cast

_HEADER = re.compile(r"^-- ([a-z_]+) --$", re.MULTILINE)


def _parse(text: str) -> dict[str, LiteralString]:
    parts = _HEADER.split(text)
    queries: dict[str, LiteralString] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        lines = body.strip().splitlines()
        sql = "\n".join(lines[1:]).strip()  # first line is the description
        queries[name] = cast(LiteralString, sql)  # type: ignore[redundant-cast]
    return queries


QUERIES: dict[str, LiteralString] = {
    name: sql
    for file in ("queries.sql", "monitors.sql")
    for name, sql in _parse(resources.files("leadscout.db").joinpath(file).read_text(encoding="utf-8")).items()
}
