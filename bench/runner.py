"""Run every measurement on one corpus and turn the figures into table rows.

Index builds are cached under the cache folder, keyed by a fingerprint of
the engine's source, the stock baseline and the corpus: an unchanged engine
on an unchanged corpus is not rebuilt (its build figures are reused and the
row says when they were measured), and any change rebuilds *both* indexes so
the ratio always compares two builds from the same run.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import table
from .corpora import CorpusSpec, prepare, signature
from .extras import clustering_rows
from .measure import ROOT, Latency, dir_size_mb, run_worker, settle_disk
from .queries import KINDS, queries_for
from .startup import cli_startup, tui_available, tui_startup
from .table import Row
from .tui_latency import rows as tui_latency_rows
from .updates import measure_updates

BUILD_FILE = "build.json"


@dataclass(frozen=True, slots=True)
class Options:
    cache: Path
    quick: bool
    rebuild: bool
    repeats: int
    cli_runs: int
    tui_runs: int
    updates: bool
    events_limit: float  # seconds allowed for each entity/event clustering worker
    keep_indexes: bool = False  # search cached indexes even if the engine changed since their build
    clustering: bool = True  # time entity and event clustering (long on big corpora)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def engine_fingerprint() -> str:
    """Changes whenever indexing could change: our engine's code, the baseline, Whoosh itself."""
    import whoosh

    digest = hashlib.sha1(f"{whoosh.versionstring()} {sys.version}".encode())
    for path in [*sorted((ROOT / "search").rglob("*.py")), ROOT / "bench" / "stock.py"]:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build_both(corpus: Path, root: Path, key: str) -> dict[str, Any]:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    figures: dict[str, Any] = {"key": key, "measured": time.strftime("%Y-%m-%d %H:%M")}
    for engine in ("stock", "ours"):
        log(f"building the {engine} index of {corpus.name}")
        run = run_worker(f"build-{engine}", {"corpus": str(corpus), "index": str(root / engine)})
        figures[engine] = {
            **run.result,
            "peak_rss_mb": run.peak_rss_mb,
            "size_mb": dir_size_mb(root / engine),
        }
        log(f"  {run.result['articles']:,} articles in {run.result['seconds']:.1f} s")
    (root / BUILD_FILE).write_text(json.dumps(figures, indent=1))
    return figures


def ensure_indexes(spec: CorpusSpec, corpus: Path, options: Options) -> tuple[dict[str, Any], bool]:
    """Build figures for both engines, and whether they were measured in this run."""
    root = options.cache / "indexes" / spec.name
    key = f"{engine_fingerprint()}-{signature(corpus)}"
    saved = root / BUILD_FILE
    if not options.rebuild and saved.exists():
        figures = json.loads(saved.read_text())
        if figures.get("key") == key and (root / "ours").is_dir() and (root / "stock").is_dir():
            return figures, False
        if options.keep_indexes and (root / "ours").is_dir() and (root / "stock").is_dir():
            log(f"keeping the cached indexes of {spec.name} built {figures.get('measured')} (--keep-indexes)")
            return {**figures, "kept": True}, False
    return _build_both(corpus, root, key), True


def measure_corpus(spec: CorpusSpec, options: Options) -> tuple[list[Row], dict[str, Any]]:
    label = spec.label
    log(f"preparing corpus {label}")
    corpus = prepare(spec, options.cache)
    built, fresh = ensure_indexes(spec, corpus, options)
    ours_index = options.cache / "indexes" / spec.name / "ours"
    stock_index = options.cache / "indexes" / spec.name / "stock"
    queries = queries_for(spec.family, options.quick)
    payload = {"queries": [q.as_dict() for q in queries], "repeats": options.repeats}

    settle_disk()
    log(f"searching {label} (ours)")
    ours_run = run_worker("search-ours", {"corpus": str(corpus), "index": str(ours_index), **payload})
    log(f"searching {label} (stock)")
    stock_run = run_worker("search-stock", {"index": str(stock_index), **payload})
    ours, stock = ours_run.result, stock_run.result

    rows: list[Row] = []

    def add(measure: str, our: str, theirs: str = "", ratio: str = "") -> None:
        rows.append(Row(label, measure, our, theirs, ratio))

    b_ours, b_stock = built["ours"], built["stock"]
    when = "" if fresh else f" (cached build of {built['measured']})"
    add("articles", table.count(b_ours["articles"]), table.count(b_stock["articles"]))
    our_rate = b_ours["articles"] / b_ours["seconds"]
    stock_rate = b_stock["articles"] / b_stock["seconds"]
    add(
        f"index build{when}",
        f"{table.seconds(b_ours['seconds'])}, {our_rate:,.0f} art/s",
        f"{table.seconds(b_stock['seconds'])}, {stock_rate:,.0f} art/s",
        table.rate_ratio(our_rate, stock_rate),
    )
    helper = b_ours.get("rss_children_mb", 0.0)
    add(
        "index build peak RSS",
        table.megabytes(b_ours["rss_self_mb"]) + (f" + {table.megabytes(helper)}/helper" if helper else ""),
        table.megabytes(b_stock["rss_self_mb"]),
        table.size(b_ours["rss_self_mb"] + helper, b_stock["rss_self_mb"]),
    )
    segments = ours["segments"]
    add(
        "index size on disk",
        f"{table.megabytes(b_ours['size_mb'])}, {segments} segment{'s' if segments > 1 else ''}",
        table.megabytes(b_stock["size_mb"]),
        table.size(b_ours["size_mb"], b_stock["size_mb"]),
    )
    add(
        "cold open + first search",
        table.seconds(ours["cold_first_search"]),
        table.seconds(stock["first_search"]),
        table.speed(ours["cold_first_search"], stock["first_search"]),
    )
    add(
        "vocabulary load",
        f"{table.seconds(ours['vocabulary_load'])} ({ours['vocabulary_words']:,} words)",
    )
    for kind in KINDS:
        mine, theirs = Latency.of(ours["samples"][kind]), Latency.of(stock["samples"][kind])
        ratio = table.latency_ratio(mine, theirs)
        stock_figures = table.latency(theirs)
        if kind == "misspelled name":  # stock looks up the misspelling as typed and finds nothing
            ratio = "n/a: stock has no variants"
        elif _finds_nothing(stock, [q.text for q in queries if q.kind == kind]):
            # Stock's parser searches the body, which a corpus of headlines leaves empty: a
            # search that finds nothing is no yardstick for one that lists a page of hits.
            stock_figures += " (finds nothing)"
            ratio = "n/a: stock finds nothing"
        add(f"{kind}, first 20 + snippets (p50/p95/max)", table.latency(mine), stock_figures, ratio)
    variants = Latency.of(ours["variant_samples"])
    add("variant expansion per word (p50/p95/max)", table.latency(variants))
    add(
        "search process peak RSS",
        table.megabytes(ours_run.peak_rss_mb),
        table.megabytes(stock_run.peak_rss_mb),
        table.size(ours_run.peak_rss_mb, stock_run.peak_rss_mb),
    )

    raw: dict[str, Any] = {"build": built, "fresh_build": fresh, "ours": ours, "stock": stock}
    if options.updates:
        log(f"updating {label}: add, edit, remove 10 articles")
        scratch = options.cache / "scratch" / f"{spec.name}-update"
        updates = measure_updates(corpus, ours_index, scratch)
        raw["updates"] = updates
        add("update: add 10 articles (new file)", _with_wait(updates["add"]))
        after = updates["vocabulary_after_add"]
        add(
            f"vocabulary load after that update ({after['segments']} segments)",
            table.seconds(after["seconds"]),
        )
        add("update: remove those 10", _with_wait(updates["remove"]))
        edit = updates.get("edit")
        if edit:
            add(
                f"update: edit 10 articles in a {edit['file_articles']:,}-article file",
                _with_wait(edit),
            )
        else:
            add("update: edit 10 articles", f"n/a ({updates['edit_skipped']})")

    settle_disk()
    log(f"timing CLI start-up on {label}")
    first_word = next(q.text for q in queries if q.kind == "one word")
    cli = cli_startup(corpus, ours_index, first_word, options.cli_runs)
    raw["cli"] = cli
    textual = "Textual not imported" if cli["textual_modules"] == 0 else "Textual IMPORTED"
    add(
        f"CLI `explorer search {first_word}` wall (median of {cli['runs']})",
        f"{table.seconds(cli['median'])}, {textual}",
    )

    if tui_available():
        log(f"timing TUI start-up on {label}")
        try:
            tui = tui_startup(corpus, ours_index, options.tui_runs)
            raw["tui"] = tui
            add(f"TUI to focused search box (median of {tui['runs']})", table.seconds(tui["median"]))
        except Exception as error:  # the TUI is built concurrently: report, do not stop
            add("TUI to focused search box", f"n/a (failed: {str(error).splitlines()[-1][:80]})")
    else:
        add("TUI to focused search box", "n/a (tui/app.py not built yet)")

    if tui_available():
        settle_disk()
        log(f"timing TUI keystroke to results on {label}")
        per_kind = 1 if options.quick else None  # quick: one query of each kind keeps it under 2 minutes
        latency_rows, raw["tui_latency"] = tui_latency_rows(corpus, ours_index, queries, per_kind)
        for measure, value in latency_rows:
            add(measure, value)

    if options.clustering:
        scratch = options.cache / "scratch" / f"{spec.name}-events"
        for measure, value in clustering_rows(corpus, ours_index, options.events_limit, scratch):
            add(measure, table.seconds(value) if isinstance(value, float) else str(value))
    if built.get("kept"):
        add("NOTE", f"indexes built {built['measured']} by earlier engine code, kept (--keep-indexes)")
    elif not built["key"].startswith(engine_fingerprint()):
        # search/ changed while we measured (others commit as we run): say so rather than mix versions
        add("WARNING", "the engine's code changed during this run; figures mix versions, run again")
    return rows, raw


def _finds_nothing(stock: dict[str, Any], texts: list[str]) -> bool:
    """Stock's searches of these queries found no hit at all (``stock.search_session``'s hits)."""
    hits = stock.get("hits") or {}
    return bool(texts) and all(hits.get(text) == 0 for text in texts)


def _with_wait(update: dict[str, Any]) -> str:
    """An update's median seconds (and each run's), and how long that run kept another thread
    (the TUI's screen) waiting."""
    seconds = table.seconds(update["seconds"])
    runs = update.get("runs") or []
    if len(runs) > 1:
        seconds += f" (median of {', '.join(table.seconds(run) for run in runs)})"
    return f"{seconds}; {update['wait']}" if update.get("wait") else seconds
