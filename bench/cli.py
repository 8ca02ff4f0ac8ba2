"""`python -m bench`: run the benchmarks and print one table (Markdown, README-ready).

Progress goes to stderr and the table to stdout, so `make bench > table.md`
keeps just the table. Raw figures (every sample) are saved as JSON beside the
cache for anyone who wants to look closer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from .corpora import ALL, CORPORA, DEFAULT, QUICK
from .measure import ROOT, WorkerFailed
from .runner import Options, log, measure_corpus
from .table import Row, render

EXAMPLES = """\
examples:
  python -m bench                          seeds + Reuters (21,578 articles), about 10 minutes
  python -m bench --quick                  seeds + 5,000 Reuters articles, fewer repeats, under 2 minutes
  python -m bench --corpus synthetic100k   100,000 generated articles (built once, then cached)
  python -m bench --corpus headlines       1,000,000 Reuters headlines
  python -m bench --all                    every corpus
  python -m bench --profile 3000           cProfile of indexing 3,000 Reuters articles
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Time explorer's indexing, search and start-up against stock Whoosh on the same articles.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--corpus",
        action="append",
        choices=sorted(CORPORA),
        help="corpus to run (repeatable; default: seeds and reuters, or seeds and reuters5k with --quick)",
    )
    parser.add_argument("--all", action="store_true", help="every corpus: " + ", ".join(ALL))
    parser.add_argument("--quick", action="store_true", help="small corpora and fewer repeats")
    parser.add_argument("--rebuild", action="store_true", help="rebuild indexes even when cached ones fit")
    parser.add_argument("--repeats", type=int, help="times each query runs (default 5, quick 1)")
    parser.add_argument("--cli-runs", type=int, help="CLI start-up runs, median taken (default 5, quick 2)")
    parser.add_argument("--no-updates", action="store_true", help="skip the incremental-update rows")
    parser.add_argument(
        "--no-clustering", action="store_true", help="skip the entity and event clustering rows"
    )
    parser.add_argument(
        "--keep-indexes",
        action="store_true",
        help="search the cached indexes even when search/ changed since they were built "
        "(for search-only changes on big corpora; the rows say so)",
    )
    parser.add_argument(
        "--clustering-limit",
        type=float,
        metavar="SECONDS",
        help="time allowed for each entity/event clustering measurement (default 900, quick 60)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("BENCH_CACHE", ROOT / "bench" / ".cache")),
        help="where generated corpora, indexes and results go (default bench/.cache)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=3000,
        metavar="N",
        help="instead of the table: profile indexing N Reuters articles (default 3000)",
    )
    return parser


def header(corpora: list[str]) -> str:
    import whoosh

    stamp = time.strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"explorer benchmarks, {stamp}: nproc {os.cpu_count()}, Python {platform.python_version()}, "
        f"Whoosh-Reloaded {whoosh.versionstring()}; corpora: {', '.join(corpora)}.\n"
        "Latencies are p50 / p95 / max over every run of each kind of query; "
        "start-up figures are medians; ratios compare runs made in this same invocation.\n"
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cache: Path = args.cache_dir.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    if args.profile is not None:
        from .profile import run_profile

        return run_profile(args.profile, cache)

    names = list(ALL) if args.all else args.corpus or list(QUICK if args.quick else DEFAULT)
    options = Options(
        cache=cache,
        quick=args.quick,
        rebuild=args.rebuild,
        repeats=args.repeats or (1 if args.quick else 5),
        cli_runs=args.cli_runs or (2 if args.quick else 5),
        tui_runs=1 if args.quick else 3,
        updates=not args.no_updates,
        keep_indexes=args.keep_indexes,
        clustering=not args.no_clustering,
        events_limit=args.clustering_limit or (60 if args.quick else 900),
    )
    rows: list[Row] = []
    raw: dict[str, object] = {}
    failed = False
    for name in dict.fromkeys(names):
        spec = CORPORA[name]
        if not spec.available():
            rows.append(Row(spec.label, "skipped", f"n/a ({spec.source} not found)"))
            continue
        try:
            corpus_rows, corpus_raw = measure_corpus(spec, options)
        except WorkerFailed as error:
            log(f"{spec.label} failed: {error}")
            rows.append(Row(spec.label, "failed", str(error).splitlines()[0]))
            failed = True
            continue
        rows.extend(corpus_rows)
        raw[name] = corpus_raw
    text = header([CORPORA[n].label for n in dict.fromkeys(names)]) + "\n" + render(rows)
    print(text)
    results = cache / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"{stamp}.json").write_text(json.dumps(raw, indent=1, default=str))
    (results / f"{stamp}.md").write_text(text + "\n")
    (cache / "latest.md").write_text(text + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
