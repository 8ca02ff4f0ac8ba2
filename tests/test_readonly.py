"""A read-only index folder (a shared corpus prepared by someone else) is fully searchable."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import SEEDS


@pytest.fixture
def read_only_index(tmp_path: Path, run_cli) -> Iterator[tuple[Path, Path]]:
    """A corpus and its index on a tmpfs that is then remounted read-only (needs root)."""
    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "none", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        corpus, index = mount / "corpus", mount / "index"
        shutil.copytree(SEEDS, corpus)
        built = run_cli("index", "--corpus", str(corpus), "--index", str(index))
        assert built.code == 0, built.err
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield corpus, index
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_read_only_index_is_searchable(read_only_index: tuple[Path, Path], run_cli) -> None:
    corpus, index = read_only_index
    where = ("--corpus", str(corpus), "--index", str(index))
    found = run_cli("search", "Dashty", "--format", "jsonl", *where)
    assert found.code == 0, found.err
    assert len(found.out.splitlines()) == 5 and found.err == ""
    assert run_cli("show", "004_fa9e966636171c75", *where).code == 0
    assert run_cli("entity", "Dashty", *where).code == 0
    events = run_cli("events", "--min-sources", "3", "--format", "jsonl", *where)
    assert events.code == 0 and events.out  # derived in memory when it cannot be cached
    refused = run_cli("index", *where)
    assert refused.code == 2
    assert refused.err.count("\n") == 1 and "cannot be written" in refused.err
