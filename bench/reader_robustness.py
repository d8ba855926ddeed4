"""How the readers hold up when the dev half's text is reshaped the way the web reshapes text: each
row the readers get right is read again hard-wrapped at a width, joined into one line, bulleted,
with straight quotes, doubled spaces, numbers without commas or in thousands ("54k"), in upper
case, with the company renamed (a name no reader has seen), and with its people's given names
swapped for real ones the first-name lexicon lacks ("Jaxtyn", "Oluwaseun"); a row "kept" is still
right. A reader that learnt its examples (their layout, their firms, their names) rather than the
language breaks here. The renamed company keeps the short names the text also uses ("MRG", "Weidner")
and loses its site's host, so its figure is a floor. Only the dev half is used (the test half is
scored by ``readers.py``).

    python bench/reader_robustness.py [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from readers import CORPUS, ROOT, SHARED

from leadscout.research.read.inspect import inspect_page
from leadscout.research.read.scoring import _company, corpus, name_key, unit_right


def _thousands(m: re.Match[str]) -> str:
    n = int(m.group(0).replace(",", ""))
    return f"{n // 1000}k" if n % 1000 == 0 else m.group(0)


SHAPES: dict[str, Callable[[str], str]] = {
    "hard wrap (~70 chars)": lambda t: re.sub(r"(.{60,80}?) ", lambda m: m.group(1) + "\n", t),
    "one line": lambda t: re.sub(r"\s*\n+\s*", " ", t),
    "bulleted lines": lambda t: "\n".join("• " + line if line.strip() else line for line in t.split("\n")),
    "straight quotes": lambda t: t.replace("’", "'").replace("“", '"').replace("”", '"'),
    "double spaces": lambda t: t.replace(" ", "  "),
    "no thousands commas": lambda t: re.sub(r"(?<=\d),(?=\d{3})", "", t),
    "thousands as k": lambda t: re.sub(r"\b\d{1,3}(?:,\d{3})+\b", _thousands, t),
    "upper case": str.upper,
}


RENAMED = "Zephyr Ridge Residential"
# real given names rarer than both lexicons (fewer than 200 US babies since 1880, or none): the readers'
# other cues must carry them (the earlier list, "Jaxtyn", "Oluwaseun", ..., is now in the SSA lexicon)
RARE_GIVEN_NAMES = ["Tavita", "Oluwadamilare", "Quavontae", "Zhyair", "Daquavis", "Ozias", "Nyzier", "Taziyah"]


def _renamed(row: dict[str, Any]) -> dict[str, Any] | None:
    """The row with its company called by a name no reader has seen, where the text names it in full."""
    company = _company(row)
    if not company or company not in row["text"]:
        return None
    labels = {**row["labels"], "company": RENAMED}
    return {**row, "text": row["text"].replace(company, RENAMED), "labels": labels}


def _rare_given_names(row: dict[str, Any]) -> dict[str, Any] | None:
    """The row with each labelled person's given name swapped for one the lexicon lacks."""
    people, text = [], row["text"]
    for i, person in enumerate(row["labels"].get("people") or []):
        given, *rest = person["name"].split()
        if not rest or not re.fullmatch(r"[A-Z][a-z]+", given) or given not in text:
            return None  # an initial ("C. Preston Butcher") is left as it is
        new = RARE_GIVEN_NAMES[i % len(RARE_GIVEN_NAMES)]
        text = re.sub(rf"\b{re.escape(given)}\b", new, text)
        people.append({**person, "name": " ".join([new, *rest])})
    return {**row, "text": text, "labels": {**row["labels"], "people": people}} if people else None


ROW_SHAPES: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
    "company renamed": _renamed,
    "rare given names": _rare_given_names,
}


def _units(row: dict[str, Any], text: str) -> bool:
    got = inspect_page(text, url=row.get("url") or "", company=_company(row)).units_estimate
    return unit_right(row["labels"].get("claimed_number"), got)


def _people(row: dict[str, Any], text: str) -> bool:
    want = {name_key(p["name"]) for p in row["labels"].get("people") or []}
    found = inspect_page(text, url=row.get("url") or "", company=_company(row)).people
    return {name_key(p.full_name) for p in found} == want


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json-out", type=Path, default=ROOT / "bench" / "results" / "reader_robustness.json")
    args = parser.parse_args()
    rows = corpus(CORPUS / "snippets.jsonl", CORPUS / "split.json", "dev", SHARED)
    report: dict[str, dict[str, dict[str, int]]] = {}
    for kind, right in (("A", _units), ("B", _people)):
        base = [r for r in rows if r["kind"] == kind and right(r, r["text"])]
        reader = "units" if kind == "A" else "people"
        report[reader] = {}
        for shape, reshape in SHAPES.items():
            kept = sum(right(r, reshape(r["text"])) for r in base)
            report[reader][shape] = {"right": len(base), "kept": kept}
        for shape, rewrite in ROW_SHAPES.items():
            rewritten = [new for r in base if (new := rewrite(r)) is not None]
            report[reader][shape] = {"right": len(rewritten), "kept": sum(right(r, r["text"]) for r in rewritten)}
    print(f"{'shape':<24} {'units kept':>14} {'people kept':>14}")
    for shape in [*SHAPES, *ROW_SHAPES]:
        cells = [f"{report[r][shape]['kept']}/{report[r][shape]['right']}" for r in ("units", "people")]
        print(f"{shape:<24} {cells[0]:>14} {cells[1]:>14}")
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"wrote {args.json_out}")


if __name__ == "__main__":
    main()
