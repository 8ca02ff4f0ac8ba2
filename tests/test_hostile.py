"""Article bytes are data: they never drive the terminal, and no query string crashes search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.explorer import Explorer, QueryError
from tui.textsafe import safe_text

HOSTILE = (
    "Evil\x1b[2J\x1b]0;pwned\x07 title\n"
    "Kabul \x1b]52;c;ZXZpbA==\x07 clipboard \x9b31m C1 \u202eevil\u202c [bold red]markup[/] "
    "[link=file:///etc/passwd]x[/link] [@click=app.quit]y[/]\n"
)


@pytest.fixture
def hostile_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(HOSTILE)
    return corpus


def test_text_output_escapes_control_characters(hostile_corpus: Path, run_cli) -> None:
    for args in (("search", "Kabul", "--format", "text"), ("show", "evil")):
        result = run_cli(*args, "--corpus", str(hostile_corpus), "--color", "never")
        assert result.code == 0, result.err
        assert "\x1b" not in result.out and "\x07" not in result.out and "\x9b" not in result.out
        assert "\u202e" not in result.out
        assert "\\x1b[2J" in result.out and "[bold red]markup[/]" in result.out


def test_machine_formats_keep_the_exact_text(hostile_corpus: Path, run_cli) -> None:
    shown = json.loads(run_cli("show", "evil", "--format", "json", "--corpus", str(hostile_corpus)).out)
    assert shown["text"] == HOSTILE
    tsv = run_cli("search", "Kabul", "--format", "tsv", "--corpus", str(hostile_corpus)).out
    assert "\x1b" not in tsv and "\\x1b]52;c;" in tsv
    assert len(tsv.splitlines()) == 2


def test_safe_text_is_visible_and_reversible_enough() -> None:
    assert safe_text("a\x1b[2Jb\tc\nd\u202e") == "a\\x1b[2Jb\tc\nd\\u202e"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Explorer:
    from .conftest import SEEDS

    explorer = Explorer.open(SEEDS, tmp_path_factory.mktemp("ix"))
    explorer.update()
    return explorer


QUERY_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))
QUERY_PIECES = st.sampled_from(
    [
        '"',
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "AND",
        "OR",
        "NOT",
        "-",
        "+",
        "*",
        "?",
        "~",
        "^",
        ":",
        "date:",
        "source:",
        "title:",
        "foo:",
        "date:[",
        " TO ",
        "\x1b",
        "\x00",
        "Dashty",
        "Kabul",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(QUERY_PIECES, st.text(QUERY_ALPHABET, max_size=8)), max_size=12).map(" ".join))
def test_any_query_gives_results_or_one_line_error(seeded: Explorer, query: str) -> None:
    for exact in (False, True):
        try:
            result = seeded.search(query, exact=exact)
        except QueryError as error:
            assert "\n" not in str(error).strip()
        else:
            assert result.query == query
