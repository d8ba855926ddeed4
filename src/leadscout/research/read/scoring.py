"""How well the readers do on labelled real text (``shared/data/real_pm_text.jsonl``: kind A unit
claims, B people, C PMS signals, D places). Used by ``bench/quality.py`` and the reader tests;
the data file itself is never shipped.

* units: the best claim's number against ``claimed_number`` (precision over what the reader
  claimed, recall over the rows that state one);
* people: names against the labelled names (a labelled name the text does not contain is
  counted, and reported apart: no reader can find it);
* PMS: a vendor at medium tier or better where the label is strong/medium, and none where it
  is a false signal;
* places: the HQ city and state where the label states one plainly (not "inferred"), and served
  areas found.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from leadscout.research.read.page import from_text
from leadscout.research.read.people import read_people
from leadscout.research.read.places import read_places
from leadscout.research.read.pms import Page, Tier, detect_pms
from leadscout.research.read.quantities import best_claim, claims_in_text


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def score_units(rows: list[dict[str, Any]]) -> dict[str, Any]:
    hit = claimed = stated = 0
    misses = []
    for row in rows:
        want = row["labels"].get("claimed_number")
        best = best_claim(claims_in_text(row["text"], row["labels"].get("company")))
        got = best.value if best else None
        stated += want is not None
        claimed += got is not None
        hit += got is not None and got == want
        if got != want:
            misses.append({"text": row["text"][:160], "want": want, "got": got})
    return {"rows": len(rows), "stated": stated, "claimed": claimed, "correct": hit,
            "recall": _ratio(hit, stated), "precision": _ratio(hit, claimed), "misses": misses}  # fmt: skip


def score_people(rows: list[dict[str, Any]]) -> dict[str, Any]:
    hit = found = labelled = absent = 0
    misses = []
    for row in rows:
        want = {p["name"].lower() for p in row["labels"].get("people", [])}
        text = row["text"]
        got = {p.full_name.lower() for p in read_people(from_text(text))}
        labelled += len(want)
        absent += sum(1 for name in want if name not in text.lower())
        found += len(got)
        hit += len(want & got)
        if want != got:
            misses.append({"text": text[:160], "want": sorted(want), "got": sorted(got)})
    return {"rows": len(rows), "labelled": labelled, "not_in_text": absent, "found": found, "correct": hit,
            "recall": _ratio(hit, labelled), "recall_of_names_in_text": _ratio(hit, labelled - absent),
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
    rows = load(path)
    of = {kind: [r for r in rows if r["kind"] == kind] for kind in "ABCD"}
    return {"units": score_units(of["A"]), "people": score_people(of["B"]), "pms": score_pms(of["C"]),
            "places": score_places(of["D"])}  # fmt: skip
