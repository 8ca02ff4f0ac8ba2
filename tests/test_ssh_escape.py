"""Escape over SSH: pressing it changes the screen, every time.

Reuses the private sshd of ``test_ssh_e2e`` and the timing helpers of
``bench/ssh_escape.py``. Only the behaviour is asserted (help closes after
Escape, within the generous deadline every screen check has); how long it
takes is measured and printed by the bench, never asserted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.ssh_escape import HELP_SHOWN, open_and_close_help, start_explorer

from .test_e2e_tmux import Tmux
from .test_ssh_e2e import KEYGEN, SSH, SSHD, TMUX, ssh_server

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (SSHD and SSH and KEYGEN and TMUX),
        reason="needs openssh-server, openssh-client and tmux (.ci/run installs them when missing)",
    ),
]

__all__ = ["ssh_server"]  # the module-scoped fixture, shared with test_ssh_e2e


def test_escape_changes_the_screen_over_ssh(ssh_server: dict[str, str], tmp_path: Path) -> None:
    tmux = Tmux(socket=tmp_path / "tmux.sock")
    try:
        start_explorer(tmux, ssh_server, tmp_path / "index", escdelay=None)
        times = open_and_close_help(tmux, rounds=2)
        assert len(times["escape"]) == 2 and len(times["?"]) == 2
        assert HELP_SHOWN not in tmux.screen()
        print(f"escape over ssh: {[round(t * 1000) for t in times['escape']]} ms")
        tmux.send("q")
        tmux.wait_for("explorer exited with 0")
    finally:
        tmux.kill()
