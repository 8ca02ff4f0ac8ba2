"""Edges of `explorer search` and `explorer index`: the tsv header, help, a damaged index,
the progress bar on a dumb terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tui.output import HIT_COLUMNS
from tui.progress import Progress

HEADER = "\t".join(HIT_COLUMNS)


def test_tsv_header_once_per_run_even_when_nothing_matched(run_cli) -> None:
    nothing = run_cli("search", "--format", "tsv", stdin="zzzzqqq\nqqqqzzzz\n")
    assert nothing.code == 1 and nothing.out.splitlines() == [HEADER]
    later = run_cli("search", "--format", "tsv", "--limit", "1", stdin="zzzzqqq\nHameed\nPanjshir\n")
    lines = later.out.splitlines()
    assert lines[0] == HEADER and lines.count(HEADER) == 1 and len(lines) == 3
    bare = run_cli("search", "--format", "tsv", "--no-headers", "zzzzqqq")
    assert bare.code == 1 and bare.out == ""


def test_search_help_names_every_exit_status(run_cli) -> None:
    out = run_cli("search", "--help").out
    assert "exit status: 0 when any query matched, 1 when none did, 2 on error, 130 after Ctrl-C." in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("term", ["dumb", "xterm-256color"])
def test_progress_is_erased_without_escapes_on_a_dumb_terminal(term: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TERM", term)
    stream = _Terminal()
    progress = Progress(stream, "indexing")
    progress.update(3, 3)
    progress.close()
    drawn = "indexing [" + "#" * 30 + "] 3/3 files"
    if term == "dumb":
        assert stream.getvalue() == f"\r{drawn}\r{' ' * len(drawn)}\r"
        assert "\x1b" not in stream.getvalue()
    else:
        assert stream.getvalue() == f"\r{drawn}\r\x1b[K"


def _damage_table_of_contents(index_dir: Path) -> None:
    """What an index copied from another architecture looks like to Whoosh."""
    toc = next((index_dir / "whoosh").glob("_MAIN_*.toc"))
    data = bytearray(toc.read_bytes())
    data[2:6] = b"\x00\x00\x00\x07"
    toc.write_bytes(bytes(data))


def test_a_damaged_index_names_its_folder_and_the_cure(tmp_path: Path, run_cli) -> None:
    env = {"EXPLORER_INDEX": str(tmp_path / "ix")}
    assert run_cli("index", env=env).code == 0
    _damage_table_of_contents(tmp_path / "ix")
    for args in (["search", "Dashty"], ["search", "--no-update", "Dashty"], ["show", "004_fa9e966636171c75"]):
        broken = run_cli(*args, env=env)
        assert broken.code == 2 and broken.out == ""
        assert broken.err.count("\n") == 1 and "unexpected" not in broken.err
        assert f"index {tmp_path / 'ix'} cannot be read" in broken.err
        assert "`explorer index` with the same --corpus and --index rebuilds it" in broken.err
    rebuilt = run_cli("index", env=env)
    assert rebuilt.code == 0 and rebuilt.out.startswith("indexed 5 articles: 5 added"), rebuilt.err
    assert run_cli("search", "Dashty", env=env).code == 0
