"""Generated corpora: whatever bytes the files hold, reading and indexing never raise.

Hypothesis writes random corpora of .txt/.md (with and without front matter),
.jsonl, .jsonl.gz and .csv files, mixing good rows with hostile ones (arbitrary
bytes, invalid UTF-8, BOMs, NUL bytes, CSV fields with newlines and quotes,
deeply nested JSON, huge numbers, lone surrogate escapes, long lines). Each
generated file knows what a correct reader must do with it, so the properties
are exact: every good row is read (and indexed) with its text, every bad row or
file gets a warning naming it (and the line), clean files give no warning at
all, and the corpus is byte-for-byte and mtime-for-mtime what it was.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.corpus import MAX_NESTING, list_files, read_articles
from search.explorer import Explorer
from search.models import Article, CorpusWarning

LineRange = tuple[int, int]
# Modest by default so the suite stays fast; raise it to hunt (EXPLORER_HYPOTHESIS_SCALE=20).
SCALE = int(os.environ.get("EXPLORER_HYPOTHESIS_SCALE", "1"))


@dataclass
class FileSpec:
    """One generated file and what reading it must give."""

    name: str
    data: bytes
    must: dict[str, str | None] = field(default_factory=dict)  # id -> exact text (None: any text)
    may: set[str] = field(default_factory=set)  # ids a bad row may still produce
    warn_lines: list[LineRange] = field(default_factory=list)  # each needs a warning in this range
    warn_file: bool = False  # needs at least one warning naming the file
    clean: bool = False  # must give no warning at all
    arbitrary: bool = False  # random bytes: only "an article or a warning" is promised
    path_id: bool = False  # one article per file, whose id is the path without the suffix


# Text a good article may hold: any Unicode scalar except NUL (NUL bytes in the
# first 8 KB make a file binary, which is tested on its own).
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=120)
BODY = ANY_TEXT.filter(lambda text: text.strip() != "")
SAFE_LINE = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Zl", "Zp", "Cs")), min_size=1, max_size=30
).filter(lambda text: text.strip() != "" and not text.strip().startswith(("---", "+++")))
JSON_LEAF = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=6,
)
META = st.dictionaries(
    st.text("abcxyz", min_size=1, max_size=5).map(lambda k: f"m_{k}"), JSON_VALUE, max_size=2
)
LONG_TEXT = st.integers(2_000, 40_000).map(lambda n: "Kabul long line " * n)
NO_NEWLINES = st.binary(max_size=80).map(lambda raw: raw.replace(b"\n", b" ").replace(b"\r", b" "))


def _line_breaks(text: str) -> int:
    """Physical lines the reader sees: it splits on \\n, \\r\\n and a lone \\r."""
    return len(re.findall(r"\r\n|\r|\n", text))


# -- one row of a JSONL file: (line bytes, kind, id, expected text) ----------------------------


@st.composite
def jsonl_row(draw: st.DrawFn, row_id: str) -> tuple[bytes, str, str | None]:
    """A JSONL line (without its newline) and what it is: good, maybe (a bad row that may
    still give its article), warn (a bad row), bad_bytes (good, but not valid UTF-8) or blank."""
    kind = draw(
        st.sampled_from(
            [
                "good",
                "good",
                "good",
                "long",
                "bigint",
                "surrogate",
                "deep",
                "malformed",
                "not_object",
                "no_text",
                "bad_bytes",
                "blank",
            ]
        )
    )
    ascii_only = draw(st.booleans())
    if kind in ("good", "long", "bigint"):
        text = draw(LONG_TEXT if kind == "long" else BODY)
        row = {"id": row_id, "text": text, **draw(META)}
        if draw(st.booleans()):
            row["title"] = draw(ANY_TEXT)
        line = json.dumps(row, ensure_ascii=ascii_only)
        if kind == "bigint":  # Python refuses int() of more than 4,300 digits
            line = line[:-1] + ', "m_big": ' + "9" * draw(st.integers(4_301, 6_000)) + "}"
        if draw(st.integers(0, 7)) == 0:  # a BOM mid-file, as `cat a.jsonl b.jsonl` leaves one
            line = "\ufeff" + line
        return line.encode(), "good", text
    if kind == "surrogate":
        return f'{{"id": "{row_id}", "text": "Kabul \\ud800 news"}}'.encode(), "maybe", None
    if kind == "deep":
        depth = draw(st.sampled_from([MAX_NESTING + 1, 200, 900, 5_000]))
        nested = "[" * depth + "]" * depth
        return f'{{"id": "{row_id}", "text": "Kabul", "m_deep": {nested}}}'.encode(), "maybe", None
    if kind == "malformed":
        return b"{" + draw(NO_NEWLINES), "warn", None
    if kind == "not_object":
        value = draw(st.lists(st.integers(), max_size=3) | st.integers() | ANY_TEXT)
        return json.dumps(value).encode(), "warn", None
    if kind == "no_text":
        return json.dumps({"id": row_id, "m_x": draw(JSON_VALUE)}).encode(), "warn", None
    if kind == "bad_bytes":
        return (
            f'{{"id": "{row_id}", "text": "Kabul '.encode() + b"\xff\xfe\xc3" + b' news"}',
            "bad_bytes",
            None,
        )
    return draw(st.sampled_from([b"", b"   ", b"\t"])), "blank", None


@st.composite
def jsonl_file(draw: st.DrawFn, stem: str, gz: bool) -> FileSpec:
    spec = FileSpec(f"{stem}.jsonl.gz" if gz else f"{stem}.jsonl", b"")
    newline = draw(st.sampled_from([b"\n", b"\r\n"]))
    lines: list[bytes] = []
    kinds = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        row_id = f"{stem}-r{number}"
        line, kind, text = draw(jsonl_row(row_id))
        lines.append(line)
        kinds.append(kind)
        if kind == "good":
            spec.must[row_id] = text
        elif kind == "bad_bytes":
            spec.must[row_id] = None
            spec.warn_file = True
        elif kind == "maybe":
            spec.may.add(row_id)
            spec.warn_lines.append((number, number))
        elif kind == "warn":
            spec.may.add(f"{stem}:{number}")  # a random object could, rarely, be a valid row
            spec.warn_lines.append((number, number))
    bom = draw(st.booleans())
    data = (codecs.BOM_UTF8 if bom else b"") + newline.join(lines)
    if draw(st.booleans()):
        data += newline
    spec.clean = "good" in kinds and all(kind in ("good", "blank") for kind in kinds)
    if gz:
        data = gzip.compress(data, mtime=0)
        if draw(st.integers(0, 5)) == 0:  # a damaged archive: truncated or a byte flipped
            spec.warn_file, spec.clean, spec.warn_lines = True, False, []
            spec.may |= set(spec.must)
            spec.must = {}
            if draw(st.booleans()):
                data = data[: draw(st.integers(10, len(data) - 1))]
            else:
                where = draw(st.integers(10, len(data) - 1))
                data = data[:where] + bytes([data[where] ^ 0xFF]) + data[where + 1 :]
    spec.data = data
    return spec


@st.composite
def text_file(draw: st.DrawFn, stem: str) -> FileSpec:
    suffix = draw(st.sampled_from([".txt", ".md"]))
    kind = draw(st.sampled_from(["good", "good", "front_matter", "utf16", "latin1", "arbitrary", "nul"]))
    spec = FileSpec(stem + suffix, b"", path_id=True)
    body = draw(BODY.filter(lambda text: not text.lstrip().startswith(("---", "+++"))))
    if kind in ("good", "front_matter"):
        text = body
        if kind == "front_matter":
            text = f"---\ntitle: {draw(SAFE_LINE)}\nsource: {draw(SAFE_LINE)}\nauthor: x\n---\n" + body
        bom = codecs.BOM_UTF8 if draw(st.booleans()) else b""
        spec.data, spec.must, spec.clean = bom + text.encode(), {stem: body}, True
    elif kind == "utf16":  # as Windows tools write it: a BOM, then UTF-16
        spec.data, spec.must, spec.clean = body.encode("utf-16"), {stem: body}, True
    elif kind == "latin1":
        spec.data = "Caf\xe9 in Kabul. ".encode("latin-1") + body.encode()
        spec.must, spec.warn_file = {stem: None}, True
    elif kind == "nul":
        spec.data, spec.warn_file = body.encode() + b"\x00" + body.encode(), True
    else:
        spec.data, spec.arbitrary = draw(st.binary(max_size=300)), True
    return spec


@st.composite
def csv_file(draw: st.DrawFn, stem: str) -> FileSpec:
    spec = FileSpec(f"{stem}.csv", b"")
    terminator = draw(st.sampled_from(["\r\n", "\n"]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=terminator)
    writer.writerow(["id", "title", "text"])
    line = 1
    kinds = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        row_id = f"{stem}-c{number}"
        kind = draw(st.sampled_from(["good", "good", "good", "too_few", "too_many", "blank"]))
        kinds.append(kind)
        title, text = draw(ANY_TEXT), draw(BODY)
        row = {
            "good": [row_id, title, text],
            "too_few": [row_id, text],
            "too_many": [row_id, title, text, "extra"],
            "blank": ["", "", ""],
        }[kind]
        record = io.StringIO()
        # csv.writer leaves a lone \r unquoted when the terminator is \n, which no reader can
        # tell from a line end: quote every field of such a row, as a careful writer would.
        quoting = csv.QUOTE_ALL if any("\r" in value for value in row) else csv.QUOTE_MINIMAL
        csv.writer(record, lineterminator=terminator, quoting=quoting).writerow(row)
        first, line = line + 1, line + _line_breaks(record.getvalue())
        out.write(record.getvalue())
        if kind == "good":
            spec.must[row_id] = text
        elif kind != "blank":
            spec.warn_lines.append((first, line))
    spec.clean = "good" in kinds and all(kind in ("good", "blank") for kind in kinds)
    spec.data = (codecs.BOM_UTF8 if draw(st.booleans()) else b"") + out.getvalue().encode()
    return spec


@st.composite
def arbitrary_row_file(draw: st.DrawFn, stem: str) -> FileSpec:
    suffix = draw(st.sampled_from([".jsonl", ".csv", ".jsonl.gz"]))
    data = draw(st.binary(max_size=400))
    if suffix == ".jsonl.gz" and draw(st.booleans()):
        data = gzip.compress(data, mtime=0)
    return FileSpec(stem + suffix, data, arbitrary=True)


@st.composite
def corpora(draw: st.DrawFn) -> list[FileSpec]:
    specs = []
    for number in range(draw(st.integers(1, 6))):
        stem = f"f{number}"
        maker: Callable[..., st.SearchStrategy[FileSpec]] = draw(
            st.sampled_from([text_file, jsonl_file, csv_file, arbitrary_row_file])
        )
        spec = draw(maker(stem, draw(st.booleans())) if maker is jsonl_file else maker(stem))
        if draw(st.booleans()):
            spec.name = f"src{number % 2}/{spec.name}"
            if spec.path_id:
                spec.must = {f"src{number % 2}/{key}": text for key, text in spec.must.items()}
        specs.append(spec)
    return specs


# -- helpers -------------------------------------------------------------------------------------


def write_corpus(root: Path, specs: list[FileSpec]) -> None:
    for spec in specs:
        path = root / spec.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(spec.data)


def fingerprint(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every file and folder under ``root`` with its content hash, size and mtime."""
    found = {}
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        found[path.relative_to(root).as_posix()] = (digest, stat.st_size, stat.st_mtime_ns)
    return found


def read_all(root: Path) -> tuple[list[Article], list[CorpusWarning]]:
    warnings: list[CorpusWarning] = []
    articles = [a for f in list_files(root, warnings.append) for a in read_articles(f, root, warnings.append)]
    return articles, warnings


def check_reading(specs: list[FileSpec], articles: list[Article], warnings: list[CorpusWarning]) -> None:
    """The exact promises, file by file."""
    names = {spec.name for spec in specs}
    assert all(w.path in names for w in warnings), warnings
    for spec in specs:
        mine = {a.id: a for a in articles if a.path == spec.name}
        said = [w for w in warnings if w.path == spec.name]
        if any("binary file" in w.message for w in said):
            assert b"\x00" in spec.data[:16384] and not mine
            continue
        assert mine or said, f"{spec.name}: neither an article nor a warning"
        if spec.arbitrary:
            continue
        for article_id, text in spec.must.items():
            assert article_id in mine, f"{spec.name}: good row {article_id} not read; warnings {said}"
            if text is not None:
                assert mine[article_id].text == text
        assert set(mine) <= set(spec.must) | spec.may, f"{spec.name}: unexpected {set(mine) - set(spec.must)}"
        for low, high in spec.warn_lines:
            assert any(w.line is not None and low <= w.line <= high for w in said), (
                f"{spec.name}: no warning for lines {low}-{high}; got {said}"
            )
        if spec.warn_file:
            assert said, f"{spec.name}: bad file read without a warning"
        if spec.clean:
            assert not said, f"{spec.name}: a clean file gave warnings {said}"


# -- properties ----------------------------------------------------------------------------------


@settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_reading_generated_corpora_never_raises_and_reports_every_bad_row(specs: list[FileSpec]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_corpus(root, specs)
        before = fingerprint(root)
        articles, warnings = read_all(root)
        check_reading(specs, articles, warnings)
        assert fingerprint(root) == before


@settings(max_examples=8 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_indexing_generated_corpora_indexes_every_good_row(specs: list[FileSpec]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root, index = Path(folder) / "corpus", Path(folder) / "index"
        root.mkdir()
        write_corpus(root, specs)
        before = fingerprint(root)
        warnings: list[CorpusWarning] = []
        explorer = Explorer.open(root, index)
        try:
            summary = explorer.update(warnings.append)
            for spec in specs:
                if any("binary file" in w.message for w in warnings if w.path == spec.name):
                    continue
                for article_id, text in spec.must.items():
                    stored = explorer.article(article_id)
                    assert stored is not None, f"{article_id} from {spec.name} not in the index"
                    if text is not None:
                        assert stored.text == text
            assert summary.warnings == len(warnings)
            assert not explorer.update().changed  # an unchanged corpus stays unchanged
        finally:
            explorer.close()
        assert fingerprint(root) == before
        shutil.rmtree(index)


# -- single cases the generators found, kept as plain regression tests ---------------------------


def test_a_corpus_that_gives_no_article_indexes_and_searches_empty(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "binary.txt").write_bytes(b"\x00\x01 not text")
    (corpus / "blank.jsonl").write_text("\n\n")
    warnings: list[CorpusWarning] = []
    explorer = Explorer.open(corpus, tmp_path / "ix")
    summary = explorer.update(warnings.append)
    assert summary.articles == 0 and len(warnings) == 2
    assert not explorer.search("Kabul").hits
    assert not Explorer.open(corpus, tmp_path / "ix").search("Kabul").hits


def test_rows_that_crashed_the_indexer_are_indexed_with_a_warning(tmp_path: Path) -> None:
    """Each of these rows once stopped `explorer index` (and so every search) with a traceback:
    a field nested 900 deep (RecursionError pickling it), a lone surrogate escape
    (UnicodeEncodeError in Whoosh), a 5,000-digit number (ValueError in json)."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    rows = [
        '{"id": "deep", "text": "Kabul deep", "m": ' + "[" * 900 + "]" * 900 + "}",
        '{"id": "sur\\udc80", "text": "Kabul \\ud800 surrogate"}',
        '{"id": "big", "text": "Kabul big", "n": ' + "9" * 5000 + "}",
        '{"id": "  ", "text": "Kabul blank id"}',
        '{"id": "ok", "text": "Kabul fine"}',
    ]
    (corpus / "rows.jsonl").write_text("\n".join(rows) + "\n")
    warnings: list[CorpusWarning] = []
    explorer = Explorer.open(corpus, tmp_path / "ix")
    summary = explorer.update(warnings.append)
    assert summary.articles == 5
    assert {hit.id for hit in explorer.search("Kabul", limit=0).hits} == {
        "deep",
        "sur\ufffd",
        "big",
        "rows:4",
        "ok",
    }
    said = sorted(str(w) for w in warnings)
    assert said == [
        f"rows.jsonl:1: field 'm' nested more than {MAX_NESTING} levels deep; field dropped",
        "rows.jsonl:2: lone UTF-16 surrogate escapes replaced with U+FFFD",
    ]
    assert explorer.article("big").meta["n"] == "9" * 5000  # kept, as its digits
    explorer.close()


def test_invalid_utf8_warning_gives_the_true_byte_offset(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"Kabul news. " + b"a" * 20_000 + b"\xff tail")
    _articles, warnings = read_all(tmp_path)
    assert [str(w) for w in warnings] == [
        "a.txt: not valid UTF-8 (first bad byte at offset 20012); undecodable bytes replaced with U+FFFD"
    ]


def test_reading_many_files_registers_no_codec_handler_per_file(tmp_path: Path) -> None:
    """A decoding error handler registered per file stayed in the codecs registry for good,
    with its report object (about 230 MB over a million files). One handler serves every
    file now, so no report outlives its file."""
    import gc

    from search import corpus

    for number in range(50):
        (tmp_path / f"{number}.txt").write_bytes(b"Caf\xe9 in Kabul.")
    _articles, warnings = read_all(tmp_path)
    assert len(warnings) == 50
    gc.collect()
    assert [o for o in gc.get_objects() if type(o) is corpus._DecodeReport] == []


def test_an_unclosed_csv_quote_cannot_swallow_the_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An opening quote never closed made the csv module read the rest of the file into one
    field (up to 2 GB); a field may now be no larger than one article."""
    import search.corpus

    monkeypatch.setattr(search.corpus, "MAX_ARTICLE_CHARS", 10_000)
    lines = ["id,text", "c1,fine", 'c2,"never closed'] + ["filler line, with a comma"] * 2_000
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "long.csv").write_text("id,text\nc3," + "x" * 20_000 + "\nc4,after the long line\n")
    articles, warnings = read_all(tmp_path)
    assert {a.id for a in articles} >= {"c1", "c4"}
    assert all(len(a.text) <= 10_000 for a in articles)
    assert any(w.path == "t.csv" and "field larger than field limit" in w.message for w in warnings)
    assert [str(w) for w in warnings if w.path == "long.csv"] == [
        "long.csv:2: line longer than 0 MB; row skipped"
    ]
