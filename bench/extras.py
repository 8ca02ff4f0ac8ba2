"""Entity and event clustering rows, found at run time so the harness never breaks on their absence.

search/entities and search/events are being built alongside this harness.
Their owners can supply exact timings through one hook in their own bench
module (bench/entities_bench.py, bench/events_bench.py):

    def measure(corpus: Path, index_dir: Path) -> list[tuple[str, float | str]]

returning (label, seconds or a note) rows, e.g. ("entity clustering", 1.8).
Without a hook, events are timed through their documented entry point
(`EventTable.build` on the corpus' articles, then `update` of 10 of them) in
a worker with a time limit; entities have no entry point yet. Until a
module exists, its rows say "n/a" and why.
"""

from __future__ import annotations

import importlib
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
    # entities
    if not _exists("search.entities"):
        rows.append(("entity clustering", "n/a (search.entities not built yet)"))
    elif (measure := _hook("bench.entities_bench")) is not None:
        try:
            rows.extend(measure(corpus, index_dir))
        except Exception as error:
            rows.append(_failed("entity clustering", error))
    else:
        rows.append(
            ("entity clustering", "n/a (no entry point yet; bench/entities_bench.py has no measure())")
        )
    # events
    if not _exists("search.events"):
        rows.append(("event clustering", "n/a (search.events not built yet)"))
    elif (measure := _hook("bench.events_bench")) is not None:
        try:
            rows.extend(measure(corpus, index_dir))
        except Exception as error:
            rows.append(_failed("event clustering", error))
    else:
        try:
            run = run_worker("events", {"corpus": str(corpus)}, timeout=time_limit)
            result = run.result
            rows.append(
                (f"event clustering: EventTable.build, {result['articles']:,} articles", result["build"])
            )
            rows.append(("event clustering: update 10 changed articles", result["update"]))
        except WorkerFailed as error:
            note = f"n/a (over the {time_limit:.0f} s limit)" if "timed out" in str(error) else None
            rows.append(("event clustering", note) if note else _failed("event clustering", error))
    return rows


def time_events(corpus: Path) -> dict[str, Any]:
    """Runs inside a worker: the event table built from the corpus, then 10 articles changed."""
    from search.corpus import list_files, read_articles
    from search.events import EventTable
    from search.models import Article

    def quiet(_warning: object) -> None:
        return None

    articles = [
        Article(id=a.id, source=a.source, title=a.title, text=a.text, date=a.date)  # no meta: no extra fields
        for file in list_files(corpus, quiet)
        for a in read_articles(file, corpus, quiet)
    ]
    began = time.perf_counter()
    table = EventTable.build(articles)
    build = time.perf_counter() - began
    changed = [
        Article(a.id, a.source, a.title, a.text + "\nCorrection appended.", a.date) for a in articles[:10]
    ]
    began = time.perf_counter()
    table.update(changed)
    update = time.perf_counter() - began
    return {"articles": len(articles), "build": build, "update": update}
