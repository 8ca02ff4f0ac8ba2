"""Reading corpora: formats, metadata, dates, titles and bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from search.corpus import derive_title, list_files, read_articles
from search.dates import find_date, parse_date
from search.models import Article, CorpusWarning

from .conftest import SEEDS


def read_all(root: Path) -> tuple[list[Article], list[CorpusWarning]]:
    warnings: list[CorpusWarning] = []
    articles = [a for f in list_files(root, warnings.append) for a in read_articles(f, root, warnings.append)]
    return articles, warnings


def test_seeds_are_read_with_ids_dates_and_titles() -> None:
    articles, warnings = read_all(SEEDS)
    assert warnings == []
    by_id = {a.id: a for a in articles}
    assert sorted(by_id) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert by_id["003_7705c138f889e53e"].date == "2021-09-07"
    assert by_id["004_fa9e966636171c75"].date == "2021-09-06"
    assert by_id["001_7b8ec1a6c7eefc3e"].date == "2021-09-06T11:43:00"
    assert by_id["000_c214ca5b6237bbef"].date is None
    # The date label is not the title; the text is kept as written.
    assert by_id["004_fa9e966636171c75"].title.startswith("Afghanistan Conflict")
    assert by_id["004_fa9e966636171c75"].text == (SEEDS / "004_fa9e966636171c75.txt").read_text()
    assert by_id["000_c214ca5b6237bbef"].source == "000_c214ca5b6237bbef"


def test_front_matter_jsonl_csv_and_folder_sources(tmp_path: Path) -> None:
    (tmp_path / "bbc").mkdir()
    (tmp_path / "bbc" / "one.md").write_text(
        '---\ntitle: "A title"\ndate: 2021-09-05\nurl: https://example.org/a\nauthor: Someone\n---\nBody text here.\n'
    )
    (tmp_path / "two.txt").write_text("Plain article. Second sentence.\n")
    rows = [
        {
            "id": "r1",
            "title": "Row one",
            "text": "Text one",
            "source": "Reuters",
            "date": "26-FEB-1987 15:01:01.79",
        },
        {"title": "Row two", "text": "Text two", "lang": "en"},
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with gzip.open(tmp_path / "packed.jsonl.gz", "wt") as handle:
        handle.write(json.dumps({"id": "g1", "text": "Gzipped", "date": "20070101"}) + "\n")
    (tmp_path / "table.csv").write_text(
        'id,title,text,source,date\nc1,"Quoted, title","Line one\nline two",AFP,2021-09-06\n'
    )
    articles, warnings = read_all(tmp_path)
    assert warnings == []
    by_id = {a.id: a for a in articles}
    one = by_id["bbc/one"]
    assert (one.title, one.date, one.source, one.url) == (
        "A title",
        "2021-09-05",
        "bbc",
        "https://example.org/a",
    )
    assert one.meta == {"author": "Someone"}
    assert by_id["two"].title == "Plain article."
    assert by_id["two"].source == "two"
    assert by_id["r1"].date == "1987-02-26T15:01:01" and by_id["r1"].source == "Reuters"
    assert by_id["feed:2"].meta == {"lang": "en"} and by_id["feed:2"].source == "feed"
    assert by_id["g1"].date == "2007-01-01"
    assert by_id["c1"].text == "Line one\nline two" and by_id["c1"].title == "Quoted, title"


def test_bad_input_is_skipped_with_one_warning_each(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("A good article about Kabul.")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00" * 10)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 in Kabul.".encode("latin-1"))
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "rows.jsonl").write_text('{"id": "ok", "text": "fine"}\n{broken\n[1, 2]\n{"id": "x"}\n')
    (tmp_path / "rows.csv").write_text("id,text\nc1,fine\nc2,too,many\n")
    (tmp_path / "dupe.jsonl").write_text('{"id": "ok", "text": "again"}\n')
    articles, warnings = read_all(tmp_path)
    ids = sorted(a.id for a in articles)
    # Duplicate ids are the index's business; the reader yields both.
    assert ids == ["c1", "good", "latin1", "ok", "ok"]
    text = "\n".join(str(w) for w in warnings)
    assert "binary.txt: binary file" in text
    assert "latin1.txt: not valid UTF-8" in text
    assert "empty.md: empty file" in text
    assert "rows.jsonl:2: malformed JSON" in text
    assert "rows.jsonl:3: not a JSON object" in text
    assert "rows.jsonl:4: row has neither text nor title" in text
    assert "rows.csv:3: expected 2 fields, found 3" in text
    assert len(warnings) == 7
    latin = next(a for a in articles if a.id == "latin1")
    assert "\ufffd" in latin.text


def test_dates_in_common_newspaper_forms() -> None:
    assert parse_date("Monday, September 06, 2021, 11:43 AM IST") == "2021-09-06T11:43:00"
    assert parse_date("6 September 2021") == "2021-09-06"
    assert parse_date("Sept. 6, 2021") == "2021-09-06"
    assert parse_date("2021/09/06") == "2021-09-06"
    assert parse_date("September 31, 2021") is None
    assert parse_date("on 3 September") is None
    assert find_date("Updated: 7 Sep 2021 10:00 text")[0] == "2021-09-07T10:00:00"
    assert find_date("Nothing here but 15 August.")[0] is None


def test_title_shortened_at_a_word_boundary() -> None:
    title = derive_title("word " * 60)
    assert title.endswith("…") and len(title) <= 91 and not title[:-1].endswith(" ")
    assert derive_title("Lt. Gen. Hameed visited Kabul. Then left.") == "Lt. Gen. Hameed visited Kabul."


def test_oversized_articles_and_lines_are_skipped(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import search.corpus

    monkeypatch.setattr(search.corpus, "MAX_ARTICLE_CHARS", 1000)
    (tmp_path / "huge.txt").write_text("Kabul " * 1000)
    (tmp_path / "rows.jsonl").write_text(
        json.dumps({"id": "big", "text": "x" * 5000})
        + "\n"
        + json.dumps({"id": "small", "text": "Kabul"})
        + "\n"
    )
    articles, warnings = read_all(tmp_path)
    assert [a.id for a in articles] == ["small"]
    assert sorted(str(w).split(":")[0] for w in warnings) == ["huge.txt", "rows.jsonl"]


def test_symlink_loops_and_unreadable_folders_do_not_stop_the_walk(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("An article about Kabul.")
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "two.txt").write_text("Hidden")
    locked.chmod(0)
    try:
        articles, warnings = read_all(tmp_path)
    finally:
        locked.chmod(0o755)
    assert [a.id for a in articles] in (["a/one"], ["a/one", "locked/two"])  # root can read anything
    assert all("locked" in str(w) for w in warnings)


def test_an_unclosed_csv_quote_is_reported_and_the_rows_after_it_read(tmp_path: Path) -> None:
    """A quote never closed made the csv module read the rest of the file into one field,
    silently: one article where there are two, and no warning."""
    (tmp_path / "c.csv").write_text(
        'title,text\nA,"unterminated Kabul, and more\nB,Kabul fine\nC,Kabul fine too\n'
    )
    articles, warnings = read_all(tmp_path)
    assert [(a.id, a.text) for a in articles] == [("c:3", "Kabul fine"), ("c:4", "Kabul fine too")]
    assert [str(w) for w in warnings] == [
        "c.csv:2: malformed CSV (a quote opened in this row is never closed); row skipped, "
        "the rows after it read again"
    ]


def test_an_unclosed_quote_in_a_csv_header_skips_the_file(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text('"title,text\nA,Kabul\n')
    articles, warnings = read_all(tmp_path)
    assert articles == []
    assert [str(w) for w in warnings] == [
        "h.csv: no readable CSV header (a quote in it is never closed); skipped"
    ]


def test_a_csv_row_id_is_the_line_the_row_starts_on(tmp_path: Path) -> None:
    """A row spanning lines 2-3 is `c:2`, not `c:3`; the rows after it keep their own lines."""
    (tmp_path / "c.csv").write_text('title,text\nA,"Kabul\nsecond line"\nB,Kabul\n\nC,"x\ny\nz"\nD,,extra\n')
    articles, warnings = read_all(tmp_path)
    assert [(a.id, a.line) for a in articles] == [("c:2", 2), ("c:4", 4), ("c:6", 6)]
    assert [str(w) for w in warnings] == ["c.csv:9: expected 2 fields, found 3; row skipped"]
