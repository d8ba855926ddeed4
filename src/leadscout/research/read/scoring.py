"""How well the readers do on labelled real text: kind A unit claims, B people, C PMS signals, D
places. The text is read the way ``leadscout extract - --json --company NAME`` reads it
(:func:`leadscout.research.read.inspect.inspect_page`). Used by ``bench/quality.py`` and the reader
tests; the data files themselves are never shipped.

* units: a row is right when the reader's lower bound is within 15 % of the labelled number, or
  when neither states one; recall is over the rows that state one, precision over the rows where
  the reader claimed one;
* people: names against the labelled names (a labelled name the text does not contain is
  counted, and reported apart: no reader can find it);
* PMS: a vendor at medium tier or better where the label is strong/medium, and none where it
  is a false signal;
* places: the HQ city and state where the label states one plainly (not "inferred"), and served
  areas found.

The labelled corpus (``tests/data/real_text``) is split once by site into a ``dev`` half, which
the readers are tuned on, and a ``test`` half, which is only scored.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from leadscout.domains import InvalidDomain, registrable_domain
from leadscout.research.read.inspect import inspect_page
from leadscout.research.read.page import from_text
from leadscout.research.read.places import read_places
from leadscout.research.read.pms import Page, Tier, detect_pms

Half = Literal["dev", "test", "all"]
UNIT_TOLERANCE = 0.15


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def site_of(row: dict[str, Any]) -> str:
    if row.get("site"):
        return str(row["site"])
    try:
        return registrable_domain(str(row["url"]))
    except InvalidDomain:
        return str(row["url"])


def corpus(snippets: Path, split: Path, half: Half, shared: Path | None = None) -> list[dict[str, Any]]:
    """The kind A and B rows of one half: the corpus's snippets and the shared file's A/B rows,
    each in the half its site was assigned to (a site missing from the split is in neither)."""
    halves: dict[str, str] = json.loads(split.read_text(encoding="utf-8"))
    rows = load(snippets) + ([r for r in load(shared) if r["kind"] in "AB"] if shared else [])
    return [r for r in rows if r["kind"] in "AB" and (half == "all" or halves.get(site_of(r)) == half)]


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _company(row: dict[str, Any]) -> str | None:
    company = row["labels"].get("company")
    return str(company) if company else None


def unit_right(want: int | None, got: int | None) -> bool:
    if want is None or got is None:
        return want is None and got is None
    return abs(got - want) <= UNIT_TOLERANCE * want


def score_units(rows: list[dict[str, Any]]) -> dict[str, Any]:
    right = hit = claimed = stated = 0
    misses = []
    for row in rows:
        want = row["labels"].get("claimed_number")
        got = inspect_page(row["text"], url=row.get("url") or "", company=_company(row)).units_estimate
        stated += want is not None
        claimed += got is not None
        hit += want is not None and unit_right(want, got)
        right += unit_right(want, got)
        if not unit_right(want, got):
            misses.append({"text": row["text"][:200], "want": want, "got": got})
    return {"rows": len(rows), "stated": stated, "claimed": claimed, "correct": hit, "right": right,
            "accuracy": _ratio(right, len(rows)), "recall": _ratio(hit, stated), "precision": _ratio(hit, claimed),
            "misses": misses}  # fmt: skip


def name_key(name: str) -> str:
    """A name as compared: its first and last names, case, periods, quotes and spacing aside; a middle
    name or initial and a generational suffix say which person no more ("William C. Smith Sr." is
    "William Smith"; "Leola “Lee” Margaretha Hardy" is "Leola Hardy")."""
    plain = re.sub(r"[“”\"(][^“”\"()]{1,20}[“”\")]", " ", name.replace("’", "'"))  # a nickname in quotes
    words = [w for w in re.sub(r"[.,]", " ", plain).lower().split() if w not in _SUFFIXES]
    return " ".join(words[:1] + words[-1:]) if len(words) > 1 else " ".join(words)


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def score_people(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall over every labelled person, and apart over those the label gives a role (the shared
    file's convention: a contact is a person with a role; a name alone is not one)."""
    hit = found = labelled = absent = titled = titled_hit = 0
    misses = []
    for row in rows:
        want = {name_key(p["name"]) for p in row["labels"].get("people", [])}
        with_role = {name_key(p["name"]) for p in row["labels"].get("people", []) if p.get("role") or p.get("title")}
        text = row["text"]
        report = inspect_page(text, url=row.get("url") or "", company=_company(row))
        got = {name_key(p.full_name) for p in report.people}
        labelled += len(want)
        said = set(re.sub(r"[.,\"“”()]", " ", text.replace("’", "'")).lower().split())
        absent += sum(1 for name in want if not set(name.split()) <= said)
        found += len(got)
        hit += len(want & got)
        titled += len(with_role)
        titled_hit += len(with_role & got)
        if want != got:
            misses.append({"text": text[:200], "want": sorted(want), "got": sorted(got)})
    return {"rows": len(rows), "labelled": labelled, "not_in_text": absent, "found": found, "correct": hit,
            "recall": _ratio(hit, labelled), "recall_of_names_in_text": _ratio(hit, labelled - absent),
            "with_role": titled, "recall_with_role": _ratio(titled_hit, titled),
            "precision": _ratio(hit, found), "misses": misses}  # fmt: skip


def score_pms(rows: list[dict[str, Any]]) -> dict[str, Any]:
    right = 0
    misses = []
    for row in rows:
        text = row["text"]
        html = text if "<" in text and ">" in text else f"<html><body><p>{text}</p></body></html>"
        if "<" not in text and ("http" in text and ("=" in text or "'" in text)):
            html = f"<html><body><script>{text}</script></body></html>"  # a line of site code
        found = {label.vendor for label in detect_pms([Page(url=row["url"], html=html)]).best(Tier.MEDIUM)}
        vendor, strength = str(row["labels"]["vendor"]), row["labels"]["signal_strength"]
        good = any(vendor.startswith(v) for v in found) if strength in ("strong", "medium") else not found
        right += good
        if not good:
            misses.append({"text": text[:160], "want": f"{vendor} ({strength})", "got": sorted(found)})
    return {"rows": len(rows), "correct": right, "accuracy": _ratio(right, len(rows)), "misses": misses}


def score_places(rows: list[dict[str, Any]]) -> dict[str, Any]:
    hq_right = hq_rows = served_hit = served_want = 0
    misses = []
    for row in rows:
        labels = row["labels"]
        addresses, served = read_places(from_text(row["text"]))
        city = labels.get("hq_city")
        if city and "(" not in city:
            hq_rows += 1
            got = (addresses[0].city, addresses[0].state) if addresses else None
            hq_right += got == (city, labels.get("hq_state"))
            if got != (city, labels.get("hq_state")):
                misses.append({"text": row["text"][:160], "want": f"{city}, {labels.get('hq_state')}", "got": got})
        plain = [s for s in labels.get("served", []) if s.replace(" ", "").isalpha()]
        served_want += len(plain)
        served_hit += len(set(plain) & set(served))
    return {"rows": len(rows), "hq_rows": hq_rows, "hq_correct": hq_right, "hq_accuracy": _ratio(hq_right, hq_rows),
            "served_labelled": served_want, "served_found": served_hit,
            "served_recall": _ratio(served_hit, served_want), "misses": misses}  # fmt: skip


def reader_table(path: Path) -> dict[str, Any]:
    """Every reader on one labelled file (kinds A, B, C and D)."""
    rows = load(path)
    of = {kind: [r for r in rows if r["kind"] == kind] for kind in "ABCD"}
    return {"units": score_units(of["A"]), "people": score_people(of["B"]), "pms": score_pms(of["C"]),
            "places": score_places(of["D"])}  # fmt: skip


def corpus_table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The unit and people readers on one half of the corpus."""
    return {"units": score_units([r for r in rows if r["kind"] == "A"]),
            "people": score_people([r for r in rows if r["kind"] == "B"])}  # fmt: skip
