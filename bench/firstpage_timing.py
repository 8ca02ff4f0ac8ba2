"""Per-query timing of ``Explorer.search`` on a cached index, split into first page and the rest.

Why a script of its own: the full benchmark rebuilds and times everything; tuning the
first-page walk needs the per-query figures of the search queries only, in one process,
with the time of ``first_page`` itself.

``--baseline REV`` also loads the ``search`` package as of git revision REV (extracted
to a temporary folder under another name) and times both on the same index, query by
query, alternating which goes first: on a machine shared with other work, figures taken
minutes apart are not comparable, figures taken interleaved are. Besides wall-clock time
each search's CPU time (its thread's) is reported: other processes stretch the first
much more than the second.

Blocks kept between searches (``firstpage.forget_blocks``, where the version has it) are
dropped before each timed search, so each search is timed from a cold start as a first
search of those words would be; ``--warm`` keeps them (search-as-you-type repeating words).

    python -m bench.firstpage_timing --corpus synthetic100k --repeats 5 --baseline HEAD~1 -v
"""

from __future__ import annotations

import argparse
import importlib
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .queries import KINDS, Query, queries_for

CACHE = Path(__file__).parent / ".cache"
FAMILY = {"synthetic100k": "synthetic", "reuters": "reuters", "headlines": "headlines"}
ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (as bench/measure.py reports them)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


@dataclass
class Timed:
    """One version of the engine, with its explorer and the samples taken so far (ms)."""

    label: str
    explorer: Any
    forget: Any = None  # drops the blocks the version keeps between searches (None: keeps none)
    page_time: dict[str, float] = field(default_factory=dict)
    wall: dict[str, list[float]] = field(default_factory=dict)  # per kind
    cpu: dict[str, list[float]] = field(default_factory=dict)
    page: dict[str, list[float]] = field(default_factory=dict)
    per_query: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)

    def search(self, query: Query) -> None:
        self.page_time["last"] = 0.0
        if self.forget is not None:
            self.forget()
        began, cpu_began = time.perf_counter(), time.thread_time()
        self.explorer.search(query.text, since=query.since, until=query.until, limit=20)
        cpu = (time.thread_time() - cpu_began) * 1000
        wall = (time.perf_counter() - began) * 1000
        page = self.page_time["last"] * 1000
        self.wall.setdefault(query.kind, []).append(wall)
        self.cpu.setdefault(query.kind, []).append(cpu)
        self.page.setdefault(query.kind, []).append(page)
        name = query.text + (" (dated)" if query.since else "")
        self.per_query.setdefault(name, []).append((wall, cpu, page))


def _package(revision: str | None) -> ModuleType:
    """``search.explorer`` of the working tree (None) or of a git revision, under its own name."""
    if revision is None:
        return importlib.import_module("search.explorer")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "search"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    folder = Path(tempfile.mkdtemp(prefix="firstpage-baseline-"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    name = "search_" + "".join(c if c.isalnum() else "_" for c in revision)
    (folder / "search").rename(folder / name)
    sys.path.insert(0, str(folder))
    return importlib.import_module(f"{name}.explorer")


def _opened(label: str, module: ModuleType, corpus_name: str, warm: Query, cold: bool) -> Timed:
    explorer = module.Explorer.open(CACHE / "corpora" / corpus_name, CACHE / "indexes" / corpus_name / "ours")
    explorer.search(warm.text, limit=20)  # open the searcher, load the vocabulary
    package = importlib.import_module(module.__name__.rsplit(".", 1)[0] + ".firstpage")
    timed = Timed(label, explorer, getattr(package, "forget_blocks", None) if cold else None)
    original = module.first_page

    def timed_first_page(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            timed.page_time["last"] = time.perf_counter() - began

    module.first_page = timed_first_page  # type: ignore[attr-defined]
    return timed


def run(
    corpus_name: str, repeats: int, verbose: bool, baseline: str | None = None, cold: bool = True
) -> list[Timed]:
    queries = queries_for(FAMILY[corpus_name])
    versions = [_opened("now", _package(None), corpus_name, queries[0], cold)]
    if baseline is not None:
        versions.insert(0, _opened(baseline, _package(baseline), corpus_name, queries[0], cold))
    for _ in range(2):  # entity look-ups, vocabulary buckets, OS caches: not what is compared
        for query in queries:
            for version in versions:
                version.explorer.search(query.text, since=query.since, until=query.until, limit=20)
    for repeat in range(repeats):
        for number, query in enumerate(queries):
            order = versions if (repeat + number) % 2 == 0 else versions[::-1]
            for version in order:
                version.search(query)
    for version in versions:
        version.explorer.close()
    _report(corpus_name, versions, verbose)
    return versions


def _figures(samples: list[float]) -> str:
    return f"{statistics.median(samples):6.1f} / {percentile(samples, 0.95):6.1f} / {max(samples):6.1f}"


def _report(corpus_name: str, versions: list[Timed], verbose: bool) -> None:
    print(f"{corpus_name}: ms per Explorer.search, p50 / p95 / max (wall; CPU of the searching thread)")
    for kind in KINDS:
        for version in versions:
            print(
                f"  {kind:16} {version.label:8} wall {_figures(version.wall[kind])}   "
                f"cpu {_figures(version.cpu[kind])}   first_page p50 {statistics.median(version.page[kind]):6.1f}"
            )
    if verbose:
        print("  per query, medians (wall / cpu / first_page ms):")
        for name in versions[0].per_query:
            cells = "   ".join(
                f"{v.label}: "
                + " / ".join(f"{statistics.median(s[i] for s in v.per_query[name]):6.1f}" for i in range(3))
                for v in versions
            )
            print(f"    {name:24} {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="synthetic100k", choices=sorted(FAMILY))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline", metavar="REV", help="also time the search package of this git revision")
    parser.add_argument("--warm", action="store_true", help="keep posting blocks between searches")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    run(args.corpus, args.repeats, args.verbose, args.baseline, cold=not args.warm)


if __name__ == "__main__":
    main()
