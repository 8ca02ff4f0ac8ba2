"""How long after pressing Escape the screen changes, over a real SSH connection.

Starts the private OpenSSH server of ``tests/test_ssh_e2e.py`` (its fixture,
called directly), runs the installed `explorer` through `ssh -tt` inside tmux
at 80x24 (tmux ``escape-time`` 10 ms, as the README recommends), opens the help
with ``?`` and closes it with Escape, many times, and times each key from
``send-keys`` until ``capture-pane`` shows the change. ``?`` is the baseline:
the same screen change, from a key that needs no waiting. The difference is
the time the terminal layer holds a lone ESC to tell it from the start of an
escape sequence. Prints a table; asserts nothing.

    python -m bench.ssh_escape [--rounds N]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.test_e2e_tmux import Tmux
from tests.test_ssh_e2e import KEYGEN, SSH, SSHD, TMUX, _ssh_command, ssh_server

ROOT = Path(__file__).resolve().parents[1]
HELP_SHOWN = "Search view"  # a heading only the help screen has
POLL_SECONDS = 0.002
DEADLINE_SECONDS = 30.0


def time_key(tmux: Tmux, key: str, done: Callable[[str], bool]) -> float:
    """Seconds from sending ``key`` until ``done(screen)`` holds (captured as fast as tmux allows)."""
    started = time.perf_counter()
    tmux.send(key)
    while time.perf_counter() - started < DEADLINE_SECONDS:
        if done(tmux.screen()):
            return time.perf_counter() - started
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"the screen did not change after {key!r}:\n{tmux.screen()}")


def open_and_close_help(tmux: Tmux, rounds: int) -> dict[str, list[float]]:
    """Latencies of ``?`` (help opens) and Escape (help closes), ``rounds`` of each."""
    times: dict[str, list[float]] = {"?": [], "escape": []}
    for _ in range(rounds):
        time.sleep(0.2)  # start each key from a quiet terminal
        times["?"].append(time_key(tmux, "?", lambda screen: HELP_SHOWN in screen))
        time.sleep(0.2)
        times["escape"].append(time_key(tmux, "Escape", lambda screen: HELP_SHOWN not in screen))
    return times


def start_explorer(tmux: Tmux, server: dict[str, str], index: Path, escdelay: str | None) -> None:
    """The explorer over SSH, with a search run and the hits focused (where ``?`` is a key)."""
    remote_env = {
        "TERM": "xterm-256color",
        "EXPLORER_INDEX": str(index),
        "EXPLORER_CORPUS": str(ROOT / "seeds"),
        "PATH": "/usr/bin:/bin",
    }
    if escdelay is not None:
        remote_env["ESCDELAY"] = escdelay
    tmux.start(_ssh_command(server, remote_env))
    tmux.wait_for("5 articles")
    tmux.send("Dashty", literal=True)
    tmux.wait_for("5 hits")
    tmux.send("Enter")
    tmux.wait_for("⏎ Open")


class _TempFolders:
    """The one method of pytest's tmp_path_factory that the sshd fixture uses."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=name, dir=self.root))


@contextlib.contextmanager
def sshd(folder: Path) -> Iterator[dict[str, str]]:
    """The test suite's private sshd, outside pytest."""
    fixture = ssh_server.__wrapped__(_TempFolders(folder))  # type: ignore[attr-defined]
    try:
        yield next(fixture)
    finally:
        with contextlib.suppress(StopIteration):
            next(fixture)


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(values) * 1000:.0f} / {p95 * 1000:.0f} / {max(values) * 1000:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    if not (SSHD and SSH and KEYGEN and TMUX):
        print("ssh_escape: needs openssh-server, openssh-client and tmux; skipped")
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        with sshd(folder) as server:
            for escdelay in (None, "25", "250"):
                tmux = Tmux(socket=folder / f"tmux-{escdelay}.sock")
                try:
                    start_explorer(tmux, server, folder / "index", escdelay)
                    times = open_and_close_help(tmux, args.rounds)
                finally:
                    tmux.kill()
                label = f"ESCDELAY={escdelay}" if escdelay else "ESCDELAY unset (100)"
                rows.append((label, _ms(times["?"]), _ms(times["escape"])))
    print(f"keys over SSH to 127.0.0.1, tmux escape-time 10 ms, {args.rounds} rounds; p50 / p95 / max")
    print(f"| {'setting':<22} | {'? opens help':<22} | {'Escape closes help':<22} |")
    print(f"|{'-' * 24}|{'-' * 24}|{'-' * 24}|")
    for label, question, escape in rows:
        print(f"| {label:<22} | {question:<22} | {escape:<22} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
