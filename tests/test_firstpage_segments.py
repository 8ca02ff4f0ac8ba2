"""The first page stays exact on an index of several segments written both ways, with deleted documents.

A large first run is written by the writer processes (search/segments.py); a small update
then goes through Whoosh's own writer, adds segments holding words no other segment has
(a one-posting list) and leaves the replaced articles as deleted documents. Every
query's first page must still equal the exhaustive ranking, whatever shortcut read it:
term look-ups kept for the search, posting lists made fast before Whoosh's AND aligns them,
phrase checks on positions.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from search.explorer import Explorer

WORDS = "oil bank rate price trade gold wheat dollar market share loss profit net federal reserve".split()
FILLER = "the a of in said was for on with by it as at from".split()


def _article(rng: random.Random, number: int, prefix: str) -> dict[str, str]:
    weights = [1 / (rank + 1) for rank in range(len(WORDS))]
    length = int(rng.paretovariate(1.2) * 6)
    words = [
        rng.choices(WORDS, weights)[0] if rng.random() < 0.35 else rng.choice(FILLER)
        for _ in range(min(length, 300))
    ]
    if rng.random() < 0.3:
        at = rng.randrange(len(words) + 1)
        words[at:at] = rng.choice([["net", "loss"], ["federal", "reserve"], ["oil", "price"], ["net", "net"]])
    return {
        "id": f"{prefix}{number:04d}",
        "source": rng.choice(["wire-a", "wire-b"]),
        "date": f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "title": " ".join(rng.choices(WORDS, weights)[0] for _ in range(rng.randint(1, 5))),
        "text": " ".join(words) + ".",
    }


def _write(path: Path, articles: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(article) + "\n" for article in articles))


@pytest.fixture(scope="module")
def explorer(tmp_path_factory: pytest.TempPathFactory) -> Explorer:
    root = tmp_path_factory.mktemp("firstpage-segments")
    corpus = root / "corpus"
    corpus.mkdir()
    rng = random.Random(11)
    _write(corpus / "big.jsonl", [_article(rng, n, "b") for n in range(1600)])
    small = [_article(rng, n, "s") for n in range(30)]
    _write(corpus / "small.jsonl", small)
    opened = Explorer.open(corpus, root / "index")
    opened.update()
    # A rare word once (a one-posting term: inline in Whoosh's term table) and a phrase of
    # rare words, then the small file rewritten: its old articles stay as deleted documents.
    small[3]["text"] = "zyxt quorble net loss " + small[3]["text"]
    small[4]["text"] = "quorble oil price zyxt2 " + small[4]["text"]
    _write(corpus / "small.jsonl", small[:20])
    _write(corpus / "later.jsonl", [_article(rng, n, "l") for n in range(25)])
    opened.update()
    return opened


def test_the_index_has_what_the_tests_need(explorer: Explorer) -> None:
    searcher = explorer._current_searcher()
    segments = [sub.reader() for sub, _ in searcher.leaf_searchers()]
    assert len(segments) >= 3
    assert any(reader.has_deletions() for reader in segments), "no deleted documents"
    once = [reader.doc_frequency("exact", "zyxt") for reader in segments if ("exact", "zyxt") in reader]
    assert once == [1], "the rare word is not in one document of one segment"


QUERIES = [
    "oil",
    "net loss",
    '"net loss"',
    '"federal reserve" OR wheat',
    '"oil price" trade',
    '"net net"',
    "zyxt",
    '"zyxt quorble"',
    '"quorble zyxt"',
    "zyxt OR oil",
    '"zyxt quorble" OR "net loss"',
    "quorble net",
    '"net loss" OR "oil price" OR "federal reserve"',
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("limit", [1, 4, 20])
def test_first_page_equals_the_exhaustive_ranking(explorer: Explorer, query: str, limit: int) -> None:
    everything = explorer.search(query, limit=0)
    expected = sorted(((hit.score, hit.id) for hit in everything.hits), key=lambda item: (-item[0], item[1]))
    page = explorer.search(query, limit=limit)
    assert [(hit.score, hit.id) for hit in page.hits] == expected[:limit]  # exact floats, ties by document


@pytest.mark.parametrize("query", ['"net loss"', "oil", '"zyxt quorble"'])
def test_filtered_first_page_equals_the_exhaustive_ranking(explorer: Explorer, query: str) -> None:
    options = {"since": "2020-02-01", "until": "2020-09-30", "sources": ["wire-b"]}
    everything = explorer.search(query, limit=0, **options)  # type: ignore[arg-type]
    expected = sorted(((hit.score, hit.id) for hit in everything.hits), key=lambda item: (-item[0], item[1]))
    page = explorer.search(query, limit=5, **options)  # type: ignore[arg-type]
    assert [(hit.score, hit.id) for hit in page.hits] == expected[:5]


@pytest.mark.parametrize(
    "query", ['"net loss"', "oil price", "title:oil OR price", "net ANDNOT bank", "oil ANDMAYBE wheat"]
)
def test_a_document_bound_holds_its_score(explorer: Explorer, query: str) -> None:
    """``at_most`` (headers of lazy lists, scores of decoded blocks) is never below the document's score.

    Every list is made lazy, so each answer for a document not yet decoded comes from the
    header of the block that holds it.
    """
    from search import blockwalk, firstpage
    from search.query import prepare

    searcher = explorer._current_searcher()
    prepared = prepare(query, explorer._parser, None, searcher.reader())
    relaxed = firstpage.relax(prepared.query)
    bounded = 0
    for subsearcher, _offset in searcher.leaf_searchers():
        bounds, scores = (
            blockwalk.build(firstpage._bisecting(relaxed.matcher(subsearcher, searcher.context())))
            for _ in range(2)
        )
        blockwalk._mark_lazy(bounds, cutting=False)
        blockwalk._mark_lazy(scores, cutting=False)
        for docnum in range(subsearcher.reader().doc_count_all()):
            ceiling, score = bounds.at_most(docnum), scores.score(docnum)
            if score is not None:
                assert ceiling is not None and ceiling >= score, docnum
                bounded += 1
    assert bounded > 50
