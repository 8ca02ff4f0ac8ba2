"""Start-up figures: `explorer search WORD` wall time, and the TUI's time to a usable search box.

Both are measured from outside, as a person would see them: a new process
each time, index already built, median of several runs.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from .measure import ROOT, median, run_worker

EXPLORER = Path(sys.executable).parent / "explorer"
TUI_TIMEOUT = 20.0
WARM_UP_TIMEOUT = 3 * 3600.0


def _env() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1", "EXPLORER_CORPUS": "", "EXPLORER_INDEX": ""}


def cli_startup(corpus: Path, index_dir: Path, word: str, runs: int) -> dict[str, Any]:
    """Median wall time of `explorer search WORD` (after one untimed warm-up run)."""
    argv = [str(EXPLORER), "search", word, "--corpus", str(corpus), "--index", str(index_dir)]
    argv += ["--format", "tsv"]
    times: list[float] = []
    code = None
    for attempt in range(runs + 1):
        began = time.perf_counter()
        # The untimed first run may have to bring an index built by earlier code up to date
        # (a schema or storage change re-indexes): give it time rather than fail the table.
        limit = 600 if attempt else WARM_UP_TIMEOUT
        done = subprocess.run(argv, capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=limit)
        if attempt:
            times.append(time.perf_counter() - began)
        code = done.returncode
    modules = run_worker(
        "cli-modules",
        {"argv": [word, "--corpus", str(corpus), "--index", str(index_dir), "--format", "tsv"]},
    )
    return {
        "median": median(times),
        "runs": len(times),
        "exit_code": code,
        "textual_modules": modules.result["textual_modules"],
    }


def tui_available() -> bool:
    return (ROOT / "tui" / "app.py").exists() and find_spec("textual") is not None


def tui_startup(corpus: Path, index_dir: Path, runs: int) -> dict[str, Any]:
    """Median seconds from process start to a focused search Input, in a headless terminal."""
    times: list[float] = []
    widget = ""
    for _ in range(runs):
        run = run_worker(
            "tui",
            {"corpus": str(corpus), "index": str(index_dir), "spawned_at": time.time()},
            timeout=TUI_TIMEOUT * 3,
        )
        times.append(run.result["seconds"])
        widget = run.result.get("widget", "")
    return {"median": median(times), "runs": len(times), "widget": widget}


def tui_time_to_search_box(args: dict[str, Any]) -> dict[str, Any]:
    """Runs inside a worker: start `explorer tui` with App.run swapped for a headless run_test().

    Patching App.run (rather than knowing how tui/app.py builds its app) keeps
    this independent of the TUI's internals: whatever app the command starts,
    we wait until an Input has focus, which is when a person can type.
    """
    from textual.app import App
    from textual.widgets import Input

    spawned: float = args["spawned_at"]
    found: dict[str, Any] = {}

    def headless_run(self: App, *_args: Any, **_kwargs: Any) -> Any:
        async def drive() -> None:
            async with self.run_test(size=(120, 40)) as pilot:
                deadline = time.monotonic() + TUI_TIMEOUT
                while not isinstance(self.focused, Input):
                    if time.monotonic() > deadline:
                        raise TimeoutError("no Input took focus")
                    await pilot.pause(0.005)
                found["seconds"] = time.time() - spawned
                found["widget"] = type(self.focused).__name__

        asyncio.run(drive())
        return 0

    App.run = headless_run  # type: ignore[method-assign]
    from tui import cli

    cli.main(["tui", "--corpus", args["corpus"], "--index", args["index"]])
    if "seconds" not in found:
        raise RuntimeError("the TUI exited before showing a search box")
    return found
