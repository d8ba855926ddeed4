"""Wild sites in words and markup the team did not write: the blind pool (``data/blind_pool.json``).

Helpers who never read leadscout's readers wrote, from real property-management sites, templates of
how a site states its portfolio, introduces its people and marks up its team page, with decoys of
both. Each wild company takes some of them, picked by a hash of its slug so that a seed keeps its
world; what the text proves is the company's truth, as the catalogue's own phrasings prove it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from leadscout.sandbox.world import Person, WorldCompany, hashed_pick

_FOUNDING = re.compile(r"\b(?:found|start|open|launch|establish|creat|bought|took over|inherit)\w*", re.IGNORECASE)
_LEADS = re.compile(r"\b(?:owner|founder|president|ceo|principal|broker)\b", re.IGNORECASE)


@cache
def pool() -> dict[str, Any]:
    raw = resources.files("leadscout.sandbox").joinpath("data/blind_pool.json").read_text("utf-8")
    return dict(json.loads(raw))


def _pick(c: WorldCompany, salt: str, items: list[Any]) -> Any:
    return items[hashed_pick(f"{c.slug}:blind:{salt}", len(items))]


def _takes(c: WorldCompany, salt: str, share: int) -> bool:
    """Whether this company takes the pool's variant, for about ``share`` companies in 10."""
    return hashed_pick(f"{c.slug}:blind-takes:{salt}", 10) < share


def units_text(c: WorldCompany, kind: str, values: dict[str, int], state_name: str) -> str | None:
    """A pool sentence proving what the catalogue's phrasing of this ``kind`` proves, for 4 in 10
    companies: "exact" states n, "at_least" states the rounded-down r as a floor, "about" states n."""
    if kind not in ("exact", "at_least", "about") or not _takes(c, "units", 4) or "n" not in values:
        return None
    templates = [t["text"] for t in pool()["units"] if t["kind"] == kind]
    number = values["r"] if kind == "at_least" else values["n"]
    return str(_pick(c, "units", templates)).format(
        n=f"{number:,}", company=c.name, metro=c.metro, state=state_name, words=""
    )


def lines_html(text: str) -> str:
    """A template's lines as a page shows them: "1,250+ | Doors Managed" is a stat's two spans."""
    out = []
    for line in text.split("\n"):
        parts = [p.strip() for p in line.split(" | ") if p.strip()]
        if len(parts) > 1:
            out.append("<div class='stat'>" + "".join(f"<span>{escape(p)}</span>" for p in parts) + "</div>")
        elif parts:
            out.append(f"<p>{escape(parts[0])}</p>")
    return "".join(out)


def decoys_html(c: WorldCompany, others: list[str], state_name: str) -> str:
    """A number that is not the portfolio for half the companies, and a named outsider (a client's
    testimonial, a vendor, an economist quoted) for 4 in 10."""
    parts = []
    fill = {"company": c.name, "metro": c.metro, "state": state_name}
    if _takes(c, "unit_decoy", 5):
        parts.append(lines_html(str(_pick(c, "unit_decoy", pool()["unit_decoys"])).format(**fill)))
    if _takes(c, "people_decoy", 4) and others:
        other = _pick(c, "other", others)
        parts.append(lines_html(str(_pick(c, "people_decoy", pool()["people_decoys"])).format(other=other, **fill)))
    return "".join(parts)


def introduction(c: WorldCompany, person: Person, *, first: bool) -> str | None:
    """A pool sentence introducing ``person`` with their own title, for half the people: a founding
    story only for whoever leads the firm."""
    if not _takes(c, f"intro:{person.full_name}", 5):
        return None
    leads = first and bool(_LEADS.search(person.title))
    templates = [
        t["text"] for t in pool()["people"] if "{title}" in t["text"] and (leads or not _FOUNDING.search(t["text"]))
    ]
    given = person.full_name.split()[0]
    text = str(_pick(c, f"intro:{person.full_name}", templates))
    return text.format(name=person.full_name, given=given, title=person.title, company=c.name, metro=c.metro)


def team_html(c: WorldCompany, people: list[Person], emails: list[str | None]) -> str | None:
    """A team page in one of the pool's builders' markups, for 4 in 10 companies."""
    if not _takes(c, "team_layout", 4):
        return None
    layout = _pick(c, "team_layout", pool()["team_layouts"])
    items = "".join(_item(c, layout["item"], p, email) for p, email in zip(people, emails, strict=True))
    return str(layout["wrapper"]).format(items=items, heading="Meet Our Team")


def _item(c: WorldCompany, template: str, person: Person, email: str | None) -> str:
    given = person.full_name.split()[0]
    slug = re.sub(r"[^a-z0-9]+", "-", person.full_name.lower()).strip("-")
    bio = f"{given} has worked in {c.metro} real estate for {4 + hashed_pick(slug, 20)} years."
    values = {
        "name": person.full_name, "title": person.title, "email": email or "", "phone": c.phone,
        "img": f"/img/{slug}.jpg", "bio": bio, "slug": slug,
    }  # fmt: skip
    in_script = template.lstrip().startswith("{{")  # a JS object literal: its strings are JSON's
    return template.format(**{k: (json.dumps(v)[1:-1] if in_script else escape(v)) for k, v in values.items()})
