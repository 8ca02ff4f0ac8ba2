"""Shared fixtures: real corpora in temp folders, real Whoosh indexes, the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# The TUI tests' fixtures (make_app, seed_explorer, built_seed_index), offered to every test module.
from .tui_fixtures import (  # noqa: F401  (fixtures)
    built_seed_index_fixture,
    make_app_fixture,
    seed_explorer_fixture,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"
EXPLORER_BIN = Path(sys.executable).parent / "explorer"


@pytest.fixture
def seed_corpus(tmp_path: Path) -> Path:
    """A private copy of the seed articles, safe to edit in a test."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    return corpus


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(tmp_path: Path):
    """Run the installed `explorer` in a subprocess, isolated from the user's cache."""

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> CliResult:
        full_env = {
            **os.environ,
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "EXPLORER_INDEX": "",
            "EXPLORER_CORPUS": "",
            "NO_COLOR": "",
        }
        full_env.update(env or {})
        done = subprocess.run(
            [str(EXPLORER_BIN), *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            env=full_env,
            timeout=300,
        )
        return CliResult(done.returncode, done.stdout, done.stderr)

    return run
