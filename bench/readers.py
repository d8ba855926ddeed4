"""The unit and people readers on the labelled real-text corpus (``tests/data/real_text``), one line
per half: the ``dev`` half the readers are tuned on, and, with ``--final``, the ``test`` half, which
is scored only at the end of a piece of work.

    python bench/readers.py [--final] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from leadscout.research.read.scoring import corpus, corpus_table

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "real_text"
SHARED = next(
    (p / "shared" / "data" / "real_pm_text.jsonl" for p in [*ROOT.parents, Path("/work")]
     if (p / "shared" / "data" / "real_pm_text.jsonl").is_file()),
    None,
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--final", action="store_true", help="score the test half too")
    parser.add_argument("--json-out", type=Path, default=ROOT / "bench" / "results" / "readers.json")
    args = parser.parse_args()
    report = {}
    for half in ("dev", "test") if args.final else ("dev",):
        table = corpus_table(corpus(CORPUS / "snippets.jsonl", CORPUS / "split.json", half, SHARED))
        units, people = table["units"], table["people"]
        print(
            f"{half:<4}  units: {units['rows']} rows, right {units['accuracy']}, recall {units['recall']}, "
            f"precision {units['precision']}  |  people: {people['rows']} rows, recall {people['recall']} "
            f"(with a role: {people['recall_with_role']}), precision {people['precision']}"
        )
        # the test half's scores only: its misses, read once, would be tuned on like the dev half's
        report[half] = table if half == "dev" else {k: _scores(v) for k, v in table.items()}
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"wrote {args.json_out}")


def _scores(reader: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in reader.items() if not isinstance(v, list)}


if __name__ == "__main__":
    main()
