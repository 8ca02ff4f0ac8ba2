"""The benchmark harness runs end to end on the seeds and prints its table.

Only the table's shape is checked, never a timing: timings are for humans
reading `make bench`, and would make this test flaky on shared machines.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LATENCY = re.compile(r"^[0-9.]+ / [0-9.]+ / [0-9.]+ ms$")  # p50 / p95 / max, numbers (never compared)

EXPECTED_ROWS = (
    "articles",
    "index build",
    "index build peak RSS",
    "index size on disk",
    "cold open + first search",
    "vocabulary load",
    "one word, first 20 + snippets",
    "two words, first 20 + snippets",
    "phrase, first 20 + snippets",
    "misspelled name, first 20 + snippets",
    "date-filtered, first 20 + snippets",
    "variant expansion per word",
    "search process peak RSS",
    "update: add 10 articles",
    "update: remove those 10",
    "CLI `explorer search",
    "TUI to focused search box",
    "TUI keystroke to results",
    "TUI search + drawing once the search started",
    "TUI stale results shown",
    "entity clustering",
    "event clustering",
)


def test_quick_bench_on_seeds_prints_the_table(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--corpus", "seeds", "--quick", "--cache-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("| corpus") and "stock Whoosh" in line for line in lines)
    measures = [line.split("|")[2].strip() for line in lines if line.startswith("| seeds ")]
    for expected in EXPECTED_ROWS:
        assert any(m.startswith(expected) for m in measures), f"no {expected!r} row in:\n{done.stdout}"
    cells = {
        line.split("|")[2].strip(): line.split("|")[3].strip()
        for line in lines
        if line.startswith("| seeds ")
    }
    for prefix in ("TUI keystroke to results", "TUI search + drawing once the search started"):
        figure = next(v for m, v in cells.items() if m.startswith(prefix))
        assert LATENCY.match(figure), f"{prefix}: {figure!r} is not p50 / p95 / max in ms"
    stale = next(v for m, v in cells.items() if m.startswith("TUI stale results shown"))
    assert re.match(r"^[0-9]+ ", stale), stale
    assert (tmp_path / "latest.md").exists()


def test_a_stock_search_that_finds_nothing_is_no_yardstick() -> None:
    """A corpus of headlines leaves stock's body field empty: its searches find nothing, and
    their speed is then no ratio to print (the row says so)."""
    from bench.runner import _finds_nothing

    stock = {"hits": {"oil": 0, "bank": 0, "euro": 3}}
    assert _finds_nothing(stock, ["oil", "bank"])
    assert not _finds_nothing(stock, ["oil", "euro"])
    assert not _finds_nothing(stock, [])  # no query of that kind: nothing to say
    assert not _finds_nothing({"hits": {}}, ["oil"])  # not searched: not known to find nothing
