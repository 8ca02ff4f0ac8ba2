"""Per-query timing of ``Explorer.search`` on a cached index, split into first page and the rest.

Why a script of its own: the full benchmark rebuilds and times everything; tuning the
first-page walk needs the per-query figures of the search queries only, in one process,
with the time of ``first_page`` itself and the documents it walked.

    python -m bench.firstpage_timing --corpus synthetic100k --repeats 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from search import firstpage
from search.explorer import Explorer

from .queries import KINDS, queries_for

CACHE = Path(__file__).parent / ".cache"
FAMILY = {"synthetic100k": "synthetic", "reuters": "reuters", "headlines": "headlines"}


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (as bench/measure.py reports them)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def run(corpus_name: str, repeats: int, verbose: bool) -> dict[str, Any]:
    explorer = Explorer.open(CACHE / "corpora" / corpus_name, CACHE / "indexes" / corpus_name / "ours")
    queries = queries_for(FAMILY[corpus_name])
    explorer.search(queries[0].text, limit=20)  # open the searcher, load the vocabulary
    page_time: dict[str, float] = {}
    original = firstpage.first_page

    def timed_first_page(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            page_time["last"] = time.perf_counter() - began

    import search.explorer as explorer_module

    explorer_module.first_page = timed_first_page  # type: ignore[assignment]
    totals: dict[str, list[float]] = {}
    pages: dict[str, list[float]] = {}
    per_query: dict[str, list[tuple[float, float]]] = {}
    for _ in range(repeats):
        for query in queries:
            page_time["last"] = 0.0
            began = time.perf_counter()
            explorer.search(query.text, since=query.since, until=query.until, limit=20)
            elapsed = time.perf_counter() - began
            totals.setdefault(query.kind, []).append(elapsed * 1000)
            pages.setdefault(query.kind, []).append(page_time["last"] * 1000)
            per_query.setdefault(query.text + (" (dated)" if query.since else ""), []).append(
                (elapsed * 1000, page_time["last"] * 1000)
            )
    explorer_module.first_page = original  # type: ignore[assignment]
    explorer.close()
    for kind in KINDS:
        samples = totals[kind]
        print(
            f"{corpus_name:14} {kind:16} search p50/p95/max {statistics.median(samples):6.1f} / "
            f"{percentile(samples, 0.95):6.1f} / {max(samples):6.1f} ms;  first_page p50 "
            f"{statistics.median(pages[kind]):6.1f} p95 {percentile(pages[kind], 0.95):6.1f}"
        )
    if verbose:
        for text, pairs in per_query.items():
            print(
                f"    {text:28} search {statistics.median(p[0] for p in pairs):6.1f} ms, "
                f"first_page {statistics.median(p[1] for p in pairs):6.1f} ms"
            )
    return {"totals": totals, "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="synthetic100k", choices=sorted(FAMILY))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    run(args.corpus, args.repeats, args.verbose)


if __name__ == "__main__":
    main()
