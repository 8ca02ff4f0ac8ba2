"""The fast segment writer (search.segments) must write what Whoosh's own writer writes.

Each test builds the same corpus twice, once through Whoosh's writer and once
through the writer processes, and compares the two indexes term by term,
posting by posting (positions included), with Whoosh's own reader.
"""

from __future__ import annotations

import json
import random
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, NUMERIC

from search import index as index_module
from search.analysis import analyse, exact_analyzer, stemming_analyzer
from search.entities import EntityIndex, MentionStore
from search.explorer import Explorer
from search.index import WHOOSH_DIR
from search.segments import _field_items
from search.variants import Vocabulary

from .conftest import SEEDS

WORDS = (
    "oil prices rose fell Kabul Brussels minister's ministers said talks ceasefire résumé Zürich "
    "O'Brien U.S. don’t naïve 1987 3.5 co-operation the of and a to in Dashty Dashti"
).split()


def _corpus(root: Path, articles: int) -> Path:
    """Seeds plus generated articles: common words (many blocks per term), rare ones, a long
    article (positions beyond the writer's table), empty titles, accents and apostrophes."""
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    rng = random.Random(7)
    rows = []
    for number in range(articles):
        size = 6000 if number == 5 else rng.randint(0, 120)
        text = " ".join(rng.choice(WORDS) for _ in range(size)) + f" unique{number}"
        title = "" if number % 17 == 0 else " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 9)))
        row = {"id": f"g{number}", "title": title, "text": text, "source": f"src{number % 3}"}
        if number % 4:
            row["date"] = f"2020-0{1 + number % 9}-1{number % 10}"
        rows.append(json.dumps(row, ensure_ascii=False))
    (corpus / "generated.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return corpus


def _postings(reader, fieldname: str, term: bytes) -> list:  # type: ignore[no-untyped-def]
    kind = "positions" if fieldname in ("title", "body", "exact") else "weight"
    return list(reader.postings(fieldname, term).items_as(kind))


def _same_index(a: Path, b: Path) -> None:
    ra = whoosh_index.open_dir(str(a / WHOOSH_DIR)).reader()
    rb = whoosh_index.open_dir(str(b / WHOOSH_DIR)).reader()
    assert ra.doc_count_all() == rb.doc_count_all()
    terms = list(ra.all_terms())
    assert terms == list(rb.all_terms())
    for fieldname, term in terms:
        ia, ib = ra.term_info(fieldname, term), rb.term_info(fieldname, term)
        stats = lambda i: (i.doc_frequency(), i.weight(), i.min_length(), i.max_length(), i.max_weight())  # noqa: E731
        assert stats(ia) == stats(ib), (fieldname, term)
        assert _postings(ra, fieldname, term) == _postings(rb, fieldname, term), (fieldname, term)
    assert list(ra.all_stored_fields()) == list(rb.all_stored_fields())
    for fieldname in ("title", "body", "exact"):
        assert ra.field_length(fieldname) == rb.field_length(fieldname)
        for docnum in range(ra.doc_count_all()):
            assert ra.doc_field_length(docnum, fieldname) == rb.doc_field_length(docnum, fieldname)


def test_analyse_gives_the_analyzers_tokens() -> None:
    text = "Dashty's men — O'Brien, U.S. naïve résumé ZÜRICH don’t 3.5% co-operation İstanbul ǅemal"
    folded, stems = analyse(text)
    assert folded == [t.text for t in exact_analyzer()(text)]
    assert stems == [t.text for t in stemming_analyzer()(text)]


@pytest.mark.parametrize("procs", [1, 2])
def test_writer_processes_write_what_whoosh_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, procs: int
) -> None:
    corpus = _corpus(tmp_path, 1500)
    monkeypatch.setattr(index_module, "PARALLEL_ARTICLES", 10**9)
    Explorer.open(corpus, tmp_path / "whoosh").update()
    monkeypatch.setattr(index_module, "PARALLEL_ARTICLES", 100)
    monkeypatch.setattr("search.segments.cpu_count", lambda: procs)
    # a low flush threshold makes each process write several segments
    monkeypatch.setattr("search.segments.FLUSH_POSTINGS", 20_000)
    explorer = Explorer.open(corpus, tmp_path / "fast")
    summary = explorer.update()
    assert summary.added == 1505
    _same_index(tmp_path / "whoosh", tmp_path / "fast")
    indexes = [EntityIndex(tmp_path / name) for name in ("whoosh", "fast")]
    tables = [index.table().to_json() for index in indexes]
    for table in tables:
        table.pop("stats")
    assert tables[0] == tables[1] and tables[0]["entities"]
    ids = sorted(MentionStore.load(indexes[0].mentions_dir).rows)
    assert len(ids) == 1505
    marks = [[index.table().article_mentions(article_id) for article_id in ids] for index in indexes]
    assert marks[0] == marks[1] and any(marks[0])
    reference = Explorer.open(corpus, tmp_path / "whoosh")
    for query in ("oil prices", '"Kabul Brussels"', "Dashty", "unique777", "résumé"):
        assert [h.id for h in explorer.search(query).hits] == [h.id for h in reference.search(query).hits]
    # later small updates go through Whoosh's writer on top of the fast segments
    (corpus / "more.txt").write_text("A new article about Zebulon in Kabul.", encoding="utf-8")
    assert explorer.update().added == 1
    assert len(explorer.search("Zebulon").hits) == 1
    # the vocabulary kept per segment is the one Whoosh's reader gives
    ix = whoosh_index.open_dir(str(tmp_path / "fast" / WHOOSH_DIR))
    with ix.reader() as reader:
        assert len(list(reader.leaf_readers())) > 1
        assert explorer.vocabulary().stats == Vocabulary.from_reader(reader).stats


_DATES = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59))
_INTS = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@settings(max_examples=300, deadline=None)
@given(date=_DATES, number=_INTS, real=st.floats(allow_nan=False), small=st.integers(-(2**31), 2**31 - 1))
def test_a_numbers_tiers_are_the_terms_whoosh_indexes(
    date: datetime, number: int, real: float, small: int
) -> None:
    cases = [
        (DATETIME(), date),
        (NUMERIC(int, 64, signed=True), number),
        (NUMERIC(float), real),
        (NUMERIC(int, 32, shift_step=4), small),
        (NUMERIC(int, 64, shift_step=0), number),  # no tiers: one term
        (DATETIME(), [date, date]),  # a list: Whoosh's path
        (NUMERIC(int, 64), b"\x00" * 9),  # bytes taken as they are: Whoosh's path
    ]
    for field, value in cases:
        assert _field_items(field, value) == list(field.index(value)), (field, value)
