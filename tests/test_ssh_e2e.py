"""End to end over a real SSH connection: OpenSSH on 127.0.0.1, `ssh -tt` inside tmux at 80x24.

The server is private to the test: a throwaway host key, a key-only login for
the current user, a free port on the loopback address. Each terminal type is
driven through the same steps, checking the screen after each one.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_e2e_tmux import TMUX, Tmux

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
SSH = shutil.which("ssh")
KEYGEN = shutil.which("ssh-keygen")
EXPLORER = Path(sys.executable).parent / "explorer"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (SSHD and SSH and KEYGEN and TMUX),
        reason="needs openssh-server, openssh-client and tmux (.ci/run installs them when missing)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def ssh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("sshd")
    host_key, user_key = folder / "host_ed25519", folder / "user_ed25519"
    for key in (host_key, user_key):
        subprocess.run([KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    authorized = folder / "authorized_keys"
    authorized.write_text(user_key.with_suffix(".pub").read_text())
    authorized.chmod(0o600)
    port = _free_port()
    config = folder / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                f"AuthorizedKeysFile {authorized}",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "UsePAM no",
                f"PidFile {folder / 'sshd.pid'}",
                f"AllowUsers {getpass.getuser()}",
                "",
            ]
        )
    )
    Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation folder (root only)
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            break
        if server.poll() is not None:
            pytest.skip(f"sshd did not start: {server.stderr.read() if server.stderr else ''}")
        time.sleep(0.05)
    try:
        yield {"port": str(port), "key": str(user_key), "folder": str(folder)}
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=5)


def _ssh_command(server: dict[str, str], remote_env: dict[str, str]) -> list[str]:
    remote = "cd {root} && exec env {env} {explorer}".format(
        root=shlex.quote(str(ROOT)),
        env=" ".join(f"{k}={shlex.quote(v)}" for k, v in remote_env.items()),
        explorer=shlex.quote(str(EXPLORER)),
    )
    return [
        str(SSH),
        "-tt",
        "-p",
        server["port"],
        "-i",
        server["key"],
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "BatchMode=yes",
        f"{getpass.getuser()}@127.0.0.1",
        remote,
    ]


@pytest.mark.parametrize(
    ("term", "no_color"),
    [("xterm-256color", False), ("screen", False), ("linux", False), ("xterm-256color", True)],
    ids=["xterm-256color", "screen", "linux", "no-color"],
)
def test_explorer_over_ssh(ssh_server: dict[str, str], tmp_path: Path, term: str, no_color: bool) -> None:
    remote_env = {
        "TERM": term,
        "EXPLORER_INDEX": str(tmp_path / "index"),
        "EXPLORER_CORPUS": str(ROOT / "seeds"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    if no_color:
        remote_env["NO_COLOR"] = "1"
    tmux = Tmux(socket=tmp_path / "tmux.sock")
    tmux.start(_ssh_command(ssh_server, remote_env))
    try:
        tmux.wait_for("5 articles")
        tmux.send("Dashty", literal=True)
        tmux.wait_for("Dashty: also Dashti", "5 hits")
        tmux.send("Enter")  # search box -> hits
        tmux.wait_for("⏎ Open")
        tmux.send("Enter")  # open the first hit
        tmux.wait_for("4 matches", "Afghanistan Conflict: Heavy fighting")
        tmux.send("n")
        tmux.wait_for("match 1/4")
        tmux.send("?")
        tmux.wait_for("Keys", "Search view")
        tmux.send("Escape")
        tmux.wait_for("match 1/4")
        # The article's events, then the compare view of the first (most sources): two columns
        # at 80x24, all four once the window is wide, two again after shrinking it.
        tmux.send("E")
        tmux.wait_for("events of", "4 src")
        tmux.send("Enter")  # filter -> list
        tmux.send("Enter")  # open the event
        tmux.wait_for("sources 1-2 of 4", "Differences", "Fahim Dashti")
        tmux.tmux("resize-window", "-t", tmux.session, "-x", "160", "-y", "40")
        tmux.wait_for("· 4 sources ·", "Fahim Dashty was")
        tmux.tmux("resize-window", "-t", tmux.session, "-x", "80", "-y", "24")
        tmux.wait_for("sources 1-2 of 4")
        tmux.send("Escape")
        tmux.wait_for("events of")
        tmux.send("Escape")
        tmux.wait_for("match 1/4")
        # Wide: hits and article side by side; then back to 80x24, still usable.
        tmux.tmux("resize-window", "-t", tmux.session, "-x", "160", "-y", "40")
        wide = tmux.wait_for("5 hits", "Afghanistan Conflict: Heavy fighting")
        assert "Dashty: also Dashti" in wide
        tmux.tmux("resize-window", "-t", tmux.session, "-x", "80", "-y", "24")
        tmux.wait_for("5 articles")
        tmux.send("q")
        tmux.wait_for("explorer exited with 0")
    finally:
        tmux.kill()
