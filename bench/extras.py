"""Entity and event clustering rows, found at run time so the harness never breaks on their absence.

search/entities and search/events are being built alongside this harness.
Their owners can supply exact timings through one hook in their own bench
module (bench/entities_bench.py, bench/events_bench.py):

    def measure(corpus: Path, index_dir: Path) -> list[tuple[str, float | str]]

returning (label, seconds or a note) rows, e.g. ("entity clustering", 1.8).
Without a hook, each is timed through its package's entry points, in a
worker with a time limit: entities by `extract()` per article then
`build_entities()`, events by `EventTable.build()` then `update()` of 10
articles. Until a module exists, its rows say "n/a" and why.
"""

from __future__ import annotations

import importlib
import tempfile
import time
import traceback
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from .measure import WorkerFailed, run_worker


def _exists(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _hook(module: str):  # type: ignore[no-untyped-def]
    try:
        return getattr(importlib.import_module(module), "measure", None)
    except Exception:  # a half-written bench module must not sink the whole benchmark
        return None


def _failed(label: str, error: BaseException) -> tuple[str, str]:
    last = traceback.format_exception_only(error)[-1].strip().splitlines()[-1]
    return label, f"n/a (failed: {last[:90]})"


def clustering_rows(corpus: Path, index_dir: Path, time_limit: float) -> list[tuple[str, float | str]]:
    rows: list[tuple[str, float | str]] = []
    for label, module, hook_module, command in (
        ("entity clustering", "search.entities", "bench.entities_bench", "entities"),
        ("event clustering", "search.events", "bench.events_bench", "events"),
    ):
        if not _exists(module):
            rows.append((label, f"n/a ({module} not built yet)"))
        elif (measure := _hook(hook_module)) is not None:
            try:
                rows.extend(measure(corpus, index_dir))
            except Exception as error:
                rows.append(_failed(label, error))
        else:
            rows.extend(_fallback(command, corpus, time_limit, label))
    return rows


def _fallback(command: str, corpus: Path, time_limit: float, label: str) -> list[tuple[str, float | str]]:
    try:
        result = run_worker(command, {"corpus": str(corpus)}, timeout=time_limit).result
    except WorkerFailed as error:
        if "timed out" in str(error):
            return [(label, f"n/a (over the {time_limit:.0f} s limit)")]
        return [_failed(label, error)]
    return [(f"{label}: {name}", float(seconds)) for name, seconds in result["rows"]]


def _articles(corpus: Path) -> list[Any]:
    """The corpus' articles as the product reads them, extra fields (meta) left out."""
    from search.corpus import list_files, read_articles
    from search.models import Article

    def quiet(_warning: object) -> None:
        return None

    return [
        Article(id=a.id, source=a.source, title=a.title, text=a.text, date=a.date)
        for file in list_files(corpus, quiet)
        for a in read_articles(file, corpus, quiet)
    ]


def time_entities(corpus: Path) -> dict[str, Any]:
    """Runs inside a worker: entity mentions extracted from every article, then clustered."""
    from search.entities import build_entities, extract

    articles = _articles(corpus)
    began = time.perf_counter()
    records = [extract(article) for article in articles]
    extracted = time.perf_counter() - began
    began = time.perf_counter()
    build_entities(records)
    clustered = time.perf_counter() - began
    return {
        "rows": [
            (f"extract(), {len(articles):,} articles", extracted),
            ("build_entities()", clustered),
        ]
    }


def time_events(corpus: Path) -> dict[str, Any]:
    """Runs inside a worker: the event table built from the corpus, then 10 articles changed."""
    from search.events import EventTable
    from search.models import Article

    articles = _articles(corpus)
    began = time.perf_counter()
    table = EventTable.build(articles)
    build = time.perf_counter() - began
    changed = [
        Article(a.id, a.source, a.title, a.text + "\nCorrection appended.", a.date) for a in articles[:10]
    ]
    began = time.perf_counter()
    table.update(changed)
    update = time.perf_counter() - began
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.table"
        table.save(path)
        began = time.perf_counter()
        EventTable.load(path)
        load = time.perf_counter() - began
    return {
        "rows": [
            (f"EventTable.build, {len(articles):,} articles", build),
            ("update 10 changed articles", update),
            ("table load", load),
        ]
    }
