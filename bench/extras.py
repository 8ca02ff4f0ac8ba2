"""Entity and event clustering rows, found at run time so the harness never breaks on their absence.

search/entities and search/events are being built alongside this harness.
Their owners can supply exact timings through one hook in their own bench
module (bench/entities_bench.py, bench/events_bench.py):

    def measure(corpus: Path, index_dir: Path) -> list[tuple[str, float | str]]

returning (label, seconds or a note) rows, e.g. ("entity clustering", 1.8).
Without a hook, each is timed in a worker with a time limit: entities by
`extract()` per article then `build_entities()`; events the way the product
derives them, through `Explorer.events_table()` (which groups passages with
the corpus' entities as the `canonical` hook) on a scratch copy of the
cached index: from cold (no saved table), then after 10 articles were added
and `update()` ran (the incremental path), then loaded by a fresh Explorer.
Until a module exists, its rows say "n/a" and why.
"""

from __future__ import annotations

import importlib
import json
import shutil
import time
import traceback
from collections.abc import Callable
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


def clustering_rows(
    corpus: Path, index_dir: Path, time_limit: float, scratch: Path | None = None
) -> list[tuple[str, float | str]]:
    """Entity and event rows; ``scratch`` is where the event timing copies the index (default beside it)."""
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
        elif command == "events":
            rows.extend(
                _event_rows(corpus, index_dir, time_limit, scratch or index_dir.parent / "events-scratch")
            )
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


# A table is handed over before it is saved (``search.deferred``): the save is timed apart, as
# ``Explorer.flush`` right after, with the waits it caused in another thread.
EVENT_STEPS = (
    ("build", "event clustering: Explorer.events_table() from cold, {articles} articles, entity hook"),
    ("build_save", "event clustering: that table saved in the background (flush() right after)"),
    ("incremental", "event clustering: events_table() after adding 10 articles and update()"),
    ("incremental_save", "event clustering: that table saved in the background (flush() right after)"),
    ("load", "event clustering: events_table() load by a fresh Explorer (table saved)"),
)


def _event_rows(
    corpus: Path, index_dir: Path, time_limit: float, scratch: Path
) -> list[tuple[str, float | str]]:
    """The product's event derivation on a scratch copy of the index, in a worker with a time limit.

    The worker adds a file of 10 articles to the corpus folder for the incremental step and
    takes it away again; it is taken away here too, in case the worker was killed in between,
    so the cached index stays fresh. Steps finished before a time-out still get their rows.
    """
    from .updates import EXTRA_FILE

    progress = scratch.with_name(scratch.name + ".progress.jsonl")
    done: dict[str, dict[str, Any]] = {}
    problem = ""
    try:
        if scratch.exists():
            shutil.rmtree(scratch)
        scratch.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(index_dir, scratch)
        progress.unlink(missing_ok=True)
        args = {"corpus": str(corpus), "index": str(scratch), "progress": str(progress)}
        run_worker("events", args, timeout=time_limit)
    except WorkerFailed as error:
        if "timed out" in str(error):
            problem = f"n/a (over the {time_limit:.0f} s limit)"
        else:
            problem = _failed("", error)[1]
    except Exception as error:  # a copy or a read that failed: report it, never sink the run
        problem = _failed("", error)[1]
    finally:
        (corpus / EXTRA_FILE).unlink(missing_ok=True)
        shutil.rmtree(scratch, ignore_errors=True)
        if progress.exists():
            for line in progress.read_text().splitlines():
                step = json.loads(line)
                done[step["step"]] = step
            progress.unlink(missing_ok=True)
    rows: list[tuple[str, float | str]] = []
    articles = done.get("build", {}).get("articles")
    for step, template in EVENT_STEPS:
        label = template.format(articles=f"{articles:,}" if articles else "all")
        if step in done:
            figure = done[step]
            notes = "; ".join(n for n in (figure.get("note"), figure.get("wait")) if n)
            seconds = float(figure["seconds"])
            rows.append((label, f"{_seconds(seconds)}, {notes}" if notes else seconds))
        else:
            rows.append((label, problem or "n/a (not reached)"))
            problem = problem and "n/a (not reached: see above)"
    return rows


def _time_flush(explorer: Any, step: str, record: Callable[..., None]) -> None:
    """How long the table just handed over took to be on disk after that (``Explorer.flush``)."""
    from .gilprobe import GilProbe

    began = time.perf_counter()
    with GilProbe() as probe:
        explorer.flush()
    record(step, time.perf_counter() - began, wait=probe.note())


def _seconds(value: float) -> str:
    from . import table

    return table.seconds(value)


def time_events(corpus: Path, index_dir: Path, progress: Path | None = None) -> dict[str, Any]:
    """Runs inside a worker: `Explorer.events_table()` cold, after an update of 10 articles, then loaded.

    ``index_dir`` is a scratch copy (its saved event table, if any, is deleted first, so the
    first call builds). Each finished step is appended to ``progress`` as one JSON line.
    """
    from search.derived import EventStore
    from search.event_updates import BASIS, load_basis
    from search.explorer import Explorer

    from .gilprobe import GilProbe
    from .ours import NO_SUCH_ID
    from .updates import EXTRA_FILE, _extra_articles

    steps: list[dict[str, Any]] = []

    def record(step: str, seconds: float, **more: Any) -> None:
        steps.append({"step": step, "seconds": seconds, **more})
        if progress is not None:
            with progress.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(steps[-1]) + "\n")

    for name in (EventStore.TABLE, EventStore.TAG, BASIS):
        (index_dir / name).unlink(missing_ok=True)
    explorer = Explorer.open(corpus, index_dir)
    explorer.article(NO_SUCH_ID)  # opens the searcher: not counted
    articles = explorer.status().articles
    began = time.perf_counter()
    with GilProbe() as probe:  # as in the TUI, which derives events in a worker thread
        table = explorer.events_table()
    seconds = time.perf_counter() - began
    # Counted from the store: ``table.events()`` makes a record and a label for every event (a
    # million at 100,000 articles), which no view does and which took longer than the build.
    record("build", seconds, articles=articles, events=sum(table.store.e_alive), wait=probe.note())
    _time_flush(explorer, "build_save", record)

    extra = corpus / EXTRA_FILE
    try:
        extra.write_text(_extra_articles(), encoding="utf-8")
        began = time.perf_counter()
        summary = explorer.update()
        updated = time.perf_counter() - began
        began = time.perf_counter()
        with GilProbe() as probe:
            explorer.events_table()
        seconds = time.perf_counter() - began
    finally:
        extra.unlink(missing_ok=True)
    _time_flush(explorer, "incremental_save", record)  # before the basis is read: saved with the table
    basis = load_basis(index_dir)
    how = "incremental" if basis is not None and basis.updates > 0 else "REBUILT, not incremental"
    note = f"{how} (update() before it, not counted: {_seconds(updated)}, {summary.added} added)"
    record("incremental", seconds, note=note, update_seconds=updated, added=summary.added, wait=probe.note())
    explorer.close()

    fresh = Explorer.open(corpus, index_dir)
    fresh.article(NO_SUCH_ID)  # opens the searcher: not counted
    began = time.perf_counter()
    with GilProbe() as probe:
        fresh.events_table()
    record("load", time.perf_counter() - began, wait=probe.note())
    fresh.close()
    return {"steps": steps}
