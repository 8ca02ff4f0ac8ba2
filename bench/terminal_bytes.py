"""Bytes the explorer writes to the terminal per keystroke: what an SSH link has to carry.

Runs the installed `explorer` in a real tmux (80x24 and 200x60), copies its
output with `pipe-pane`, and counts the bytes each key causes: typing a query
(each key, including the search it triggers), moving the
hit cursor, scrolling an article, and sitting idle. Prints a table; asserts
nothing (timings and sizes are for people to read).

    python -m bench.terminal_bytes
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from tests.test_e2e_tmux import EXPLORER, Tmux, bytes_per_key, idle_bytes

SIZES = ((80, 24), (200, 60))


def _median(values: list[int]) -> str:
    return f"{statistics.median(values):,.0f} B" if values else "n/a"


def measure(width: int, height: int, folder: Path) -> dict[str, str]:
    tmux = Tmux(socket=folder / f"tmux-{width}.sock", width=width, height=height)
    env = f"EXPLORER_INDEX={folder / 'index'} EXPLORER_CORPUS={Path(__file__).parents[1] / 'seeds'}"
    tmux.start(["sh", "-c", f"{env} exec {EXPLORER}"])
    try:
        tmux.wait_for("5 articles")
        typing = bytes_per_key(tmux, list("Dashty"), folder / f"type-{width}.log", literal=True)
        tmux.send("Enter")
        tmux.wait_for("Open")
        cursor = bytes_per_key(tmux, ["j", "j", "k"], folder / f"cursor-{width}.log")
        tmux.send("Enter")
        tmux.wait_for("matches")
        scroll = bytes_per_key(tmux, ["j", "j", "j", "k"], folder / f"scroll-{width}.log")
        jumps = bytes_per_key(tmux, ["n", "n", "N"], folder / f"jump-{width}.log")
        idle = idle_bytes(tmux, folder / f"idle-{width}.log", seconds=2.0)
    finally:
        tmux.kill()
    return {
        "typing a query, per key (median)": _median(typing),
        "typing a query, all 6 keys": f"{sum(typing):,} B",
        "moving the hit cursor (median)": _median(cursor),
        "scrolling an article one line (median)": _median(scroll),
        "n / N between matches (median)": _median(jumps),
        "idle for 2 s": f"{idle:,} B",
    }


def main() -> int:
    if shutil.which("tmux") is None:
        print("terminal bytes: n/a (tmux is not installed)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        results = {f"{w}x{h}": measure(w, h, Path(tmp)) for w, h in SIZES}
    rows = list(next(iter(results.values())))
    header = ["bytes written to the terminal", *results]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join([row, *(results[size][row] for size in results)]) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
