"""Subprocess entry point: `python -m bench.worker COMMAND JSON-ARGS`.

Each measurement runs in a fresh interpreter so its peak memory is its own
and no warm cache (fold/stem lru caches, OS-level Whoosh file caches aside)
carries over from the previous measurement. The answer is one JSON line on
stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .measure import worker_rss
from .queries import Query


def _queries(args: dict[str, Any]) -> list[Query]:
    return [Query(**q) for q in args["queries"]]


def _build_ours(args: dict[str, Any]) -> dict[str, Any]:
    from . import ours

    return ours.build(Path(args["corpus"]), Path(args["index"]))


def _build_stock(args: dict[str, Any]) -> dict[str, Any]:
    from . import stock

    return stock.build(Path(args["corpus"]), Path(args["index"]))


def _update_ours(args: dict[str, Any]) -> dict[str, Any]:
    from . import ours

    return ours.update(Path(args["corpus"]), Path(args["index"]))


def _vocabulary_ours(args: dict[str, Any]) -> dict[str, Any]:
    from . import ours

    return ours.vocabulary_load(Path(args["corpus"]), Path(args["index"]))


def _search_ours(args: dict[str, Any]) -> dict[str, Any]:
    from . import ours

    return ours.search_session(Path(args["corpus"]), Path(args["index"]), _queries(args), args["repeats"])


def _search_stock(args: dict[str, Any]) -> dict[str, Any]:
    from . import stock

    return stock.search_session(Path(args["index"]), _queries(args), args["repeats"])


def _cli_modules(args: dict[str, Any]) -> dict[str, Any]:
    """Run `explorer search` in this process and list what it imported."""
    import contextlib
    import io

    from tui import cli

    with contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["search", *args["argv"]])
    loaded = sorted(name for name in sys.modules if name == "textual" or name.startswith("textual."))
    return {"code": code, "textual_modules": len(loaded)}


def _tui(args: dict[str, Any]) -> dict[str, Any]:
    from .startup import tui_time_to_search_box

    return tui_time_to_search_box(args)


def _tui_latency(args: dict[str, Any]) -> dict[str, Any]:
    from .tui_latency import measure

    return measure(args)


def _entities(args: dict[str, Any]) -> dict[str, Any]:
    from .extras import time_entities

    return time_entities(Path(args["corpus"]))


def _events(args: dict[str, Any]) -> dict[str, Any]:
    from .extras import time_events

    progress = Path(args["progress"]) if args.get("progress") else None
    return time_events(Path(args["corpus"]), Path(args["index"]), progress)


COMMANDS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "build-ours": _build_ours,
    "build-stock": _build_stock,
    "update-ours": _update_ours,
    "vocabulary-ours": _vocabulary_ours,
    "search-ours": _search_ours,
    "search-stock": _search_stock,
    "cli-modules": _cli_modules,
    "tui": _tui,
    "tui-latency": _tui_latency,
    "entities": _entities,
    "events": _events,
}


def main() -> int:
    command, raw = sys.argv[1], sys.argv[2]
    result = COMMANDS[command](json.loads(raw))
    result.update(worker_rss())
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
