"""A one-line progress bar on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import os
import time
from typing import TextIO

WIDTH = 30
REDRAW_SECONDS = 0.1  # at most ten redraws a second: every byte counts over SSH


class Progress:
    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.enabled = stream.isatty()
        self._drawn = 0  # width of the bar on screen, 0 when none
        self._last = 0.0

    def update(self, done: int, total: int, stage: str = "") -> None:
        """Draw ``done`` of ``total`` files of ``stage``; a stage with no count (total 0) as words."""
        if not self.enabled:
            return
        now = time.monotonic()
        if total and done < total and now - self._last < REDRAW_SECONDS:
            return
        self._last = now
        if total:
            filled = WIDTH * done // total
            bar = "#" * filled + "-" * (WIDTH - filled)
            line = f"{self.label} [{bar}] {done}/{total} files" + (f" ({stage})" if stage else "")
        else:
            line = f"{self.label}: {stage or 'working'}…"
        line = line.ljust(self._drawn)  # cover a longer line drawn before
        self.stream.write(f"\r{line}")
        self.stream.flush()
        self._drawn = max(self._drawn, len(line))

    def close(self) -> None:
        """Erase the bar: with the erase-line sequence, or on a terminal that has none
        (TERM=dumb, where it would print as garbage) by writing spaces over it."""
        if self._drawn:
            dumb = os.environ.get("TERM") == "dumb"
            self.stream.write("\r" + " " * self._drawn + "\r" if dumb else "\r\x1b[K")
            self.stream.flush()
            self._drawn = 0
