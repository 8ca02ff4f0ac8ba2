"""Every `console` example in README.md runs, and prints what the README shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    found = []
    for block in BLOCK.findall((ROOT / "README.md").read_text()):
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command:
                    found.append((command, "\n".join(expected)))
                command, expected = line[2:], []
            else:
                expected.append(line)
        if command:
            found.append((command, "\n".join(expected)))
    return found


@pytest.mark.parametrize(("command", "expected"), examples(), ids=lambda value: value[:40])
def test_readme_example(command: str, expected: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "XDG_CACHE_HOME": str(tmp_path),
        "EXPLORER_CORPUS": "",
        "EXPLORER_INDEX": "",
    }
    env.pop("NO_COLOR", None)
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.stdout.rstrip("\n") == expected.rstrip("\n"), done.stderr


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert first_block.splitlines()[0].startswith("make run")
    assert first_block.splitlines()[1].startswith("make test")


def test_search_index_and_show_examples_are_all_run() -> None:
    """Their examples sat in ```sh blocks, which nothing runs; they belong in ```console
    blocks (output cut where timings vary), so a change in behaviour shows up here."""
    text = (ROOT / "README.md").read_text()
    unrun = [
        line
        for block in re.findall(r"```sh\n(.*?)```", text, re.S)
        for line in block.splitlines()
        if re.match(r"explorer (search|index|show)\b", line)
    ]
    assert unrun == []
    commands = [command for command, _expected in examples()]
    for wanted in (
        "explorer index",
        "explorer show",
        "show 004_fa9e966636171c75 --format json",
        "--format jsonl",
        "--format json ",
        "| head -1",
    ):
        assert any(wanted in command for command in commands), wanted
