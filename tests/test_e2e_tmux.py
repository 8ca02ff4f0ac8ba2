"""End to end: the installed `explorer` in a real tmux, driven by keys, read from the screen.

Each step waits (with a deadline) for the text it expects instead of
sleeping. ``Tmux`` and ``bytes_per_key`` are plain helpers with no pytest
in them, so ``bench/`` can import them to report the bytes the app writes
per keystroke (what an SSH link has to carry).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
EXPLORER = Path(sys.executable).parent / "explorer"
DEADLINE_SECONDS = 30.0
POLL_SECONDS = 0.05
QUIET_SECONDS = 0.5  # output counts as finished after this long without a byte (> the 0.05 s debounce)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it when missing)"),
]


@dataclass
class Tmux:
    """One tmux server on a private socket, running one program in an 80x24 (or given) pane."""

    socket: Path
    session: str = "explorer"
    width: int = 80
    height: int = 24
    env: dict[str, str] = field(default_factory=dict)

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        done = subprocess.run(
            [TMUX, "-S", str(self.socket), "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            env={**os.environ, **self.env},
            timeout=DEADLINE_SECONDS,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: Sequence[str]) -> None:
        """Run ``command``; when it ends, the pane says so with its exit status and stays open."""
        line = f'{shlex.join(command)}; echo; echo "explorer exited with $?"; read _'
        self.tmux(
            "new-session", "-d", "-x", str(self.width), "-y", str(self.height), "-s", self.session, line
        )
        self.tmux("set-option", "-s", "escape-time", "10")

    def send(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, *texts: str, timeout: float = DEADLINE_SECONDS) -> str:
        """The screen, once it shows every one of ``texts``; fails with the last screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            time.sleep(POLL_SECONDS)
        raise AssertionError(f"timed out waiting for {texts!r}; the screen was:\n{screen}")

    def pipe_to(self, path: Path) -> None:
        """Copy everything the program writes to the terminal into ``path``."""
        self.tmux("pipe-pane", "-t", self.session, "-o", f"cat >> {shlex.quote(str(path))}")

    def stop_pipe(self) -> None:
        self.tmux("pipe-pane", "-t", self.session)

    def kill(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self.tmux("kill-server")


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def wait_quiet(path: Path, quiet: float = QUIET_SECONDS, timeout: float = DEADLINE_SECONDS) -> int:
    """Wait until nothing has been written to ``path`` for ``quiet`` seconds; its size then."""
    deadline = time.monotonic() + timeout
    size, since = _size(path), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        now = _size(path)
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return size
    return size


def bytes_per_key(tmux: Tmux, keys: Sequence[str], log: Path, *, literal: bool = False) -> list[int]:
    """Send ``keys`` one at a time; the bytes the program wrote in answer to each.

    Each key's count includes everything it caused (the echo, and a search's
    results), measured until the output goes quiet.
    """
    tmux.pipe_to(log)
    try:
        counts = []
        for key in keys:
            before = wait_quiet(log)
            tmux.send(key, literal=literal)
            counts.append(wait_quiet(log) - before)
        return counts
    finally:
        tmux.stop_pipe()


def idle_bytes(tmux: Tmux, log: Path, seconds: float = 1.0) -> int:
    """Bytes written while nobody touches a key (timers that repaint would show here)."""
    tmux.pipe_to(log)
    try:
        before = wait_quiet(log)
        time.sleep(seconds)
        return _size(log) - before
    finally:
        tmux.stop_pipe()


@pytest.fixture
def tmux(tmp_path: Path):
    env = {
        "EXPLORER_INDEX": str(tmp_path / "index"),
        "EXPLORER_CORPUS": "",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TERM": "xterm-256color",
    }
    session = Tmux(tmp_path / f"tmux-{uuid.uuid4().hex[:8]}.sock", env=env)
    yield session
    session.kill()


def test_search_open_help_and_quit_in_a_real_terminal(tmux: Tmux) -> None:
    tmux.start([str(EXPLORER)])
    tmux.wait_for("5 articles", "index up to date")  # first use: the index is built in the app

    tmux.send("Dashty", literal=True)
    screen = tmux.wait_for("Dashty: also Dashti", "5 hits")
    assert "Afghanistan Conflict" in screen

    tmux.send("Enter")  # search box -> hits
    tmux.wait_for("⏎ Open")
    tmux.send("Enter")  # open the first hit
    tmux.wait_for("4 matches", "Afghanistan Conflict: Heavy fighting")
    tmux.send("n")
    tmux.wait_for("match 1/4")

    tmux.send("?")
    screen = tmux.wait_for("Keys", "Search view")
    assert "Exact" in screen

    tmux.send("q")
    tmux.wait_for("explorer exited with 0")


def test_bytes_written_per_keystroke_are_measured(tmux: Tmux, tmp_path: Path) -> None:
    tmux.start([str(EXPLORER)])
    tmux.wait_for("index up to date")

    typing = bytes_per_key(tmux, list("Panjshir"), tmp_path / "typing.log", literal=True)
    tmux.wait_for("Panjshir")
    tmux.send("Enter")
    tmux.send("Enter")
    tmux.wait_for("Article ·")
    scrolling = bytes_per_key(tmux, ["j"] * 5, tmp_path / "scrolling.log")
    idle = idle_bytes(tmux, tmp_path / "idle.log")

    assert len(typing) == 8 and all(count > 0 for count in typing)  # every key echoes at least
    assert len(scrolling) == 5 and all(count >= 0 for count in scrolling)
    assert idle == 0, "the idle app repainted: a timer or an animation is running"
    print(f"bytes per key: typing {typing}, scrolling {scrolling}, idle {idle}")

    tmux.send("q")
    tmux.wait_for("explorer exited with 0")


def test_tui_command_opens_with_a_first_search(tmux: Tmux) -> None:
    tmux.start([str(EXPLORER), "tui", "--exact", "Dashty"])
    screen = tmux.wait_for("3 hits", "exact")
    assert "also Dashti" not in screen
    tmux.send("Escape")  # leave the box: q must quit, not type
    tmux.send("q")
    tmux.wait_for("explorer exited with 0")
