"""How far slow work got: a one-line bar on stderr (the CLI, a terminal only), and the throttle both it and the TUI use."""

from __future__ import annotations

import os
import time
from typing import TextIO

from search.models import ProgressCallback

WIDTH = 30  # the bar's width, narrowed (to MIN_WIDTH) when the words need the room
MIN_WIDTH = 10
REDRAW_SECONDS = 0.1  # at most ten redraws a second: every byte counts over SSH


def throttled(report: ProgressCallback, seconds: float = REDRAW_SECONDS) -> ProgressCallback:
    """``report``, passed on at most once every ``seconds``; a new stage and a count's end always pass.

    Why: the engine reports after every batch, and each report the TUI takes is a message
    and a redraw (the CLI's, bytes over SSH); a stage's first and last words must not be
    the ones dropped.
    """
    last = 0.0
    shown: str | None = None

    def passed_on(done: int, total: int, stage: str = "") -> None:
        nonlocal last, shown
        now = time.monotonic()
        if stage != shown or done >= total or now - last >= seconds:
            last, shown = now, stage
            report(done, total, stage)

    return passed_on


class Progress:
    def __init__(self, stream: TextIO, label: str, unit: str = "files") -> None:
        self.stream = stream
        self.label = label
        self.unit = unit  # what ``done`` counts
        self.enabled = stream.isatty()
        self._drawn = 0  # width of the bar on screen, 0 when none
        self._throttled = throttled(self._draw)

    def update(self, done: int, total: int, stage: str = "") -> None:
        """Draw ``done`` of ``total`` (files, or the unit given) of ``stage``; a stage with no count (total 0) as words."""
        if self.enabled:
            self._throttled(done, total, stage)

    def _draw(self, done: int, total: int, stage: str) -> None:
        room = self._columns() - 1  # the last column would wrap on some terminals
        if total:
            words = f" {done}/{total} {self.unit}" + (f" ({stage})" if stage else "")
            width = max(MIN_WIDTH, min(WIDTH, room - len(self.label) - 3 - len(words)))
            filled = width * done // total
            line = f"{self.label} [{'#' * filled}{'-' * (width - filled)}]{words}"
        else:
            line = f"{self.label}: {stage or 'working'}…"
        # A line longer than the terminal wraps, and each redraw's carriage return then goes back
        # only to the start of its last row: a new row every redraw.
        line = line[:room].ljust(min(self._drawn, room))  # cover a longer line drawn before
        self.stream.write(f"\r{line}")
        self.stream.flush()
        self._drawn = max(self._drawn, len(line))

    def _columns(self) -> int:
        try:
            return os.get_terminal_size(self.stream.fileno()).columns or 80
        except (OSError, ValueError, AttributeError):  # not a real terminal (a test's stream)
            return 80

    def close(self) -> None:
        """Erase the bar: with the erase-line sequence, or on a terminal that has none
        (TERM=dumb, where it would print as garbage) by writing spaces over it."""
        if self._drawn:
            dumb = os.environ.get("TERM") == "dumb"
            self.stream.write("\r" + " " * self._drawn + "\r" if dumb else "\r\x1b[K")
            self.stream.flush()
            self._drawn = 0
