"""How well `explorer variants` groups real name lists: pairwise precision, recall, F1, time.

The lists and their known groupings are in ../shared/data: the OFAC sanctions
list (a primary name and its aliases per line) and GeoNames cities (a city's
Latin-script spellings per line). The grouping is read only here, to score;
the matcher sees nothing but the names. Two names form a gold pair when some
line lists both (aliases include genuinely different names, so recall has a
ceiling well below 1). Precision matters more: a wrong merge misleads a reader.

    python -m bench.variants_bench [--limit N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from search.entities import group_names

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
LISTS = {
    "ofac": DATA / "ofac_sdn_2022_name_clusters.jsonl",
    "geonames": DATA / "geonames_cities15000_latin_variants.jsonl",
}


def read_lines(name: str, path: Path, limit: int | None) -> Iterator[list[str]]:
    """The names of each line: one known group per line."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if limit is not None and number >= limit:
                return
            row = json.loads(line)
            if name == "ofac":
                names = [row["primary"], *(alias["name"] for alias in row.get("aliases", ()))]
            else:
                names = [row["name"], *row.get("variants", ())]
            yield [" ".join(n.split()) for n in names if n and n.strip()]


def score(name: str, path: Path, limit: int | None) -> dict[str, float]:
    lines = list(read_lines(name, path, limit))
    groups_of: dict[str, set[int]] = defaultdict(set)
    gold_pairs: set[frozenset[str]] = set()
    for number, names in enumerate(lines):
        distinct = sorted(set(names))
        for each in distinct:
            groups_of[each].add(number)
        gold_pairs.update(frozenset(pair) for pair in itertools.combinations(distinct, 2))
    every_name = [n for names in lines for n in names]
    started = time.perf_counter()
    groups = group_names(every_name)
    seconds = time.perf_counter() - started
    predicted = 0
    correct = 0
    for group in groups:
        for a, b in itertools.combinations(sorted(set(group.names)), 2):
            predicted += 1
            correct += bool(groups_of[a] & groups_of[b])
    precision = correct / predicted if predicted else 1.0
    recall = correct / len(gold_pairs) if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "lines": len(lines),
        "names": len(set(every_name)),
        "gold pairs": len(gold_pairs),
        "predicted pairs": predicted,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "seconds": seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, help="only the first N lines of each list")
    parser.add_argument("--list", choices=sorted(LISTS), action="append", help="default: both")
    args = parser.parse_args()
    print("| list | lines | names | gold pairs | predicted pairs | precision | recall | F1 | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.list or sorted(LISTS):
        found = score(name, LISTS[name], args.limit)
        print(
            f"| {name} | {found['lines']:,} | {found['names']:,} | {found['gold pairs']:,} | "
            f"{found['predicted pairs']:,} | {found['precision']:.3f} | {found['recall']:.3f} | "
            f"{found['f1']:.3f} | {found['seconds']:.1f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
