"""The `explorer` command line, run as a real subprocess on a real index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import EXPLORER_BIN, SEEDS


def test_search_defaults_to_the_bundled_seeds(run_cli) -> None:
    result = run_cli("search", "Dashty", "--format", "jsonl")
    assert result.code == 0, result.err
    hits = [json.loads(line) for line in result.out.splitlines()]
    assert {h["id"] for h in hits} == {p.stem for p in SEEDS.glob("*.txt")}
    for hit in hits:
        assert set(hit) >= {"query", "rank", "id", "score", "date", "source", "title", "snippet", "matched"}
        assert hit["query"] == "Dashty"
    assert hits[0]["expansions"] == [{"word": "Dashty", "variants": ["Dashti"], "reason": "word variant"}]
    assert result.err == ""  # first-use indexing is quiet


def test_exact_and_exit_codes(run_cli) -> None:
    exact = run_cli("search", "--exact", "Dashty", "--format", "jsonl")
    assert exact.code == 0 and len(exact.out.splitlines()) == 3
    none = run_cli("search", "zzzzqqq")
    assert none.code == 1 and none.out == "query\trank\tid\tscore\tdate\tsource\ttitle\tsnippet\tmatched\n"
    bad = run_cli("search", "date:[bogus TO x]")
    assert bad.code == 2
    assert bad.err.count("\n") == 1 and "cannot read query" in bad.err and "Traceback" not in bad.err


def test_kabul_does_not_match_through_kaul(run_cli) -> None:
    result = run_cli("search", "Kabul", "--format", "jsonl")
    for hit in map(json.loads, result.out.splitlines()):
        assert "kaul" not in hit["matched"]
        assert hit["matched"] == ["kabul"]


def test_queries_from_stdin(run_cli) -> None:
    result = run_cli("search", "--format", "jsonl", stdin="Panjshir\nHameed\n")
    assert result.code == 0
    queries = {json.loads(line)["query"] for line in result.out.splitlines()}
    assert queries == {"Panjshir", "Hameed"}
    none = run_cli("search", "-", stdin="zzzzqqq\nqqqqzzzz\n")
    assert none.code == 1


def test_tsv_and_json_formats(run_cli) -> None:
    tsv = run_cli("search", "Hameed", "--format", "tsv")
    lines = tsv.out.splitlines()
    assert lines[0].split("\t") == [
        "query",
        "rank",
        "id",
        "score",
        "date",
        "source",
        "title",
        "snippet",
        "matched",
    ]
    assert all(len(line.split("\t")) == 9 for line in lines)
    bare = run_cli("search", "Hameed", "--format", "tsv", "--no-headers")
    assert bare.out.splitlines() == lines[1:]
    as_json = json.loads(run_cli("search", "Hameed", "--format", "json").out)
    assert [h["rank"] for h in as_json] == list(range(1, len(lines)))
    assert json.loads(run_cli("search", "zzzzqqq", "--format", "json").out) == []
    # Piped output defaults to tsv.
    assert run_cli("search", "Hameed").out == tsv.out


def test_colour_only_when_asked(run_cli) -> None:
    plain = run_cli("search", "Hameed", "--format", "text")
    assert "\x1b[" not in plain.out
    forced = run_cli("search", "Hameed", "--format", "text", "--color", "always")
    assert "\x1b[1;31mHameed\x1b[0m" in forced.out


def test_quiet_when_the_pipe_closes(tmp_path: Path) -> None:
    env = f"XDG_CACHE_HOME={tmp_path} "
    done = subprocess.run(
        f"{env}{EXPLORER_BIN} search Panjshir --limit 0 | head -1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == 1


def test_show_prints_one_article(run_cli) -> None:
    text = run_cli("show", "004_fa9e966636171c75")
    assert text.code == 0
    assert "date:    2021-09-06" in text.out and "Fahim Dashty was killed" in text.out
    data = json.loads(run_cli("show", "004_fa9e966636171c75", "--format", "json").out)
    assert data["id"] == "004_fa9e966636171c75" and data["text"].startswith(" date 2021-09-06")
    missing = run_cli("show", "no-such-id")
    assert missing.code == 1 and "no article with id" in missing.err


def test_index_summary_and_bad_files(tmp_path: Path, run_cli) -> None:
    corpus = tmp_path / "mixed"
    corpus.mkdir()
    (corpus / "good.txt").write_text("An article about Kabul and Panjshir.")
    (corpus / "binary.txt").write_bytes(b"\x00\xff" * 100)
    (corpus / "latin1.txt").write_bytes("Caf\xe9 near Panjshir.".encode("latin-1"))
    (corpus / "empty.txt").write_text("")
    (corpus / "rows.jsonl").write_text('{"id": "r1", "text": "Row about Panjshir"}\n{oops\n')
    first = run_cli("index", "--corpus", str(corpus))
    assert first.code == 0
    # latin1.txt is indexed (with U+FFFD) all the same: a warning, but nothing skipped.
    assert "indexed 3 articles: 3 added, 0 updated, 0 removed, 3 skipped, 4 warnings" in first.out
    warnings = [line for line in first.err.splitlines() if line.startswith("explorer: warning:")]
    assert len(warnings) == 4
    for name in ("binary.txt", "latin1.txt", "empty.txt", "rows.jsonl:2"):
        assert sum(name in line for line in warnings) == 1
    again = run_cli("index", "--corpus", str(corpus))
    assert again.code == 0 and again.out.startswith("index is up to date: 3 articles")
    found = run_cli("search", "Panjshir", "--corpus", str(corpus), "--format", "jsonl")
    assert {json.loads(line)["id"] for line in found.out.splitlines()} == {"good", "latin1", "r1"}


def test_missing_corpus_is_one_line(run_cli, tmp_path: Path) -> None:
    result = run_cli("search", "x", "--corpus", str(tmp_path / "nowhere"))
    assert result.code == 2 and result.err.count("\n") == 1 and "does not exist" in result.err


def test_commands_without_the_app_never_import_textual(tmp_path: Path) -> None:
    code = (
        "import sys, contextlib, io\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['search', 'Dashty'])\n"
        "    main(['show', '004_fa9e966636171c75'])\n"
        "    main(['status'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_help_shows_examples(run_cli) -> None:
    for args in (
        ["--help"],
        ["search", "--help"],
        ["index", "--help"],
        ["show", "--help"],
        ["tui", "--help"],
    ):
        result = run_cli(*args)
        assert result.code == 0 and "examples:" in result.out


def test_many_warnings_of_one_kind_are_summarised(tmp_path: Path, run_cli) -> None:
    corpus = tmp_path / "rows.jsonl"
    corpus.write_text('{"id": "a", "text": "Kabul"}\n' + '{"id": "", "text": ""}\n' * 12)
    result = run_cli("index", "--corpus", str(corpus))
    lines = result.err.splitlines()
    assert len(lines) == 6
    assert (
        lines[-1]
        == "explorer: warning: rows.jsonl: 7 more like this: row has neither text nor title; skipped"
    )
    assert "12 skipped, 12 warnings" in result.out


def test_a_bad_query_on_stdin_is_reported_and_the_others_answered(run_cli) -> None:
    """One unreadable query among many used to end the run: Panjshir was never answered."""
    result = run_cli(
        "search", "--format", "tsv", "--no-headers", stdin="Hameed\ndate:[bogus TO x]\nPanjshir\n"
    )
    assert result.code == 2
    assert {line.split("\t")[0] for line in result.out.splitlines()} == {"Hameed", "Panjshir"}
    assert result.err.splitlines() == [
        "explorer: error: cannot read query 'date:[bogus TO x]' (invalid literal for int() with base 10: "
        "'bogu'); write dates as YYYY-MM-DD"
    ]
    # An option that cannot be read is one error for the whole run, before any query.
    options = run_cli("search", "--since", "bogus", stdin="Hameed\nPanjshir\n")
    assert options.code == 2 and options.out == ""
    assert options.err.splitlines() == ["explorer: error: --since 'bogus' is not a date; use YYYY-MM-DD"]


def test_a_date_range_that_ends_before_it_starts_is_an_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("search", "Dashty", "--since", "2021-09-10", "--until", "2021-09-06")
    assert result.code == 2
    assert "since 2021-09-10 is after until 2021-09-06" in result.err
