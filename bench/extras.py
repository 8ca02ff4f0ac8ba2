"""Entity and event clustering rows, found at run time so the harness never breaks on their absence.

search/entities and search/events are being built alongside this harness.
Their timings come from bench/entities_bench.py (owned by the entities
work), through one hook:

    def measure(corpus: Path, index_dir: Path) -> list[tuple[str, float | str]]

returning (label, seconds or a note) rows, e.g. ("entity clustering", 1.8).
Until the modules and the hook exist, the rows say "n/a" and why.
"""

from __future__ import annotations

import importlib
import traceback
from importlib.util import find_spec
from pathlib import Path

MODULES = (("entity clustering", "search.entities"), ("event clustering", "search.events"))


def _exists(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def clustering_rows(corpus: Path, index_dir: Path) -> list[tuple[str, float | str]]:
    missing = [(label, module) for label, module in MODULES if not _exists(module)]
    if len(missing) == len(MODULES):
        return [(label, f"n/a ({module} not built yet)") for label, module in MODULES]
    try:
        hook = importlib.import_module("bench.entities_bench")
    except ImportError:
        hook = None
    measure = getattr(hook, "measure", None)
    if measure is None:
        return [
            (
                label,
                "n/a (no measure() in bench/entities_bench.py)" if _exists(module) else "n/a (not built yet)",
            )
            for label, module in MODULES
        ]
    try:
        rows = list(measure(corpus, index_dir))
    except Exception as error:  # a half-built module must not sink the whole benchmark
        last = traceback.format_exception_only(error)[-1].strip()
        return [(label, f"n/a (failed: {last[:80]})") for label, _ in MODULES]
    return rows + [(label, f"n/a ({module} not built yet)") for label, module in missing]
