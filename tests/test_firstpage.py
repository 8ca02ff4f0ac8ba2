"""The first-page collector returns exactly the best hits an exhaustive search ranks first.

The corpus (2,500 articles of very different lengths, a few common words and
many rare ones) is large enough for posting lists of many blocks (Whoosh writes
128 postings a block), so block skipping, pruning, phrase checks and filter
jumps all run; the reference is Whoosh scoring every match (``limit=0``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path

import pytest

from search.explorer import Explorer, SearchCancelled

WORDS = "oil bank rate price trade gold wheat dollar market share loss profit net federal reserve".split()
FILLER = "the a of in said was for on with by it as at from".split()


def _indexed(root: Path, articles: Iterable[dict[str, str]]) -> Explorer:
    """An explorer on ``articles`` (one JSON Lines file under ``root``), indexed."""
    corpus = root / "corpus"
    corpus.mkdir()
    with (corpus / "articles.jsonl").open("w") as out:
        out.writelines(json.dumps(article) + "\n" for article in articles)
    opened = Explorer.open(corpus, root / "index")
    opened.update()
    return opened


@pytest.fixture(scope="module")
def explorer(tmp_path_factory: pytest.TempPathFactory) -> Explorer:
    rng = random.Random(7)
    weights = [1 / (rank + 1) for rank in range(len(WORDS))]  # a few common words, many rare ones

    def article(number: int) -> dict[str, str]:
        length = int(rng.paretovariate(1.2) * 6)  # mostly short, some long: lengths drive BM25
        words = [
            rng.choices(WORDS, weights)[0] if rng.random() < 0.35 else rng.choice(FILLER)
            for _ in range(min(length, 400))
        ]
        if rng.random() < 0.3:
            at = rng.randrange(len(words) + 1)
            words[at:at] = rng.choice([["net", "loss"], ["federal", "reserve"], ["oil", "price"]])
        title = " ".join(rng.choices(WORDS, weights)[0] for _ in range(rng.randint(1, 6)))
        return {
            "id": f"a{number:04d}",
            "source": rng.choice(["wire-a", "wire-b", "wire-c"]),
            "date": f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "title": title,
            "text": " ".join(words) + ".",
        }

    return _indexed(tmp_path_factory.mktemp("firstpage"), map(article, range(2500)))


def ranked(result) -> list[tuple[float, str]]:  # type: ignore[no-untyped-def]
    return [(round(hit.score, 3), hit.id) for hit in result.hits]


QUERIES = [
    "oil",
    "the",
    "oil bank",
    "oil OR gold",
    '"net loss"',
    '"federal reserve" OR wheat',
    'price -"oil price"',
    "bank NOT rate",
    'trade AND "net loss"',
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("limit", [1, 5, 20])
def test_first_page_equals_the_exhaustive_ranking(explorer: Explorer, query: str, limit: int) -> None:
    everything = explorer.search(query, limit=0)
    expected = sorted(ranked(everything), key=lambda item: (-item[0], item[1]))[:limit]
    page = explorer.search(query, limit=limit)
    assert sorted(ranked(page), key=lambda item: (-item[0], item[1])) == expected
    assert page.total >= len(page.hits)
    assert page.total_is_estimate == (len(everything.hits) >= limit)


@pytest.mark.parametrize("query", ["oil", '"net loss"', "bank NOT rate"])
def test_filtered_first_page_equals_the_exhaustive_ranking(explorer: Explorer, query: str) -> None:
    options = {"since": "2020-03-01", "until": "2020-05-31", "sources": ["wire-b"]}
    everything = explorer.search(query, limit=0, **options)  # type: ignore[arg-type]
    assert everything.hits and all("2020-03" <= (hit.date or "") <= "2020-05-31" for hit in everything.hits)
    expected = sorted(ranked(everything), key=lambda item: (-item[0], item[1]))[:5]
    page = explorer.search(query, limit=5, **options)  # type: ignore[arg-type]
    assert sorted(ranked(page), key=lambda item: (-item[0], item[1])) == expected
    assert all(hit.source == "wire-b" for hit in page.hits)


def test_a_filter_nothing_passes_finds_nothing(explorer: Explorer) -> None:
    assert explorer.search("oil", since="2031-01-01").hits == ()


def test_a_search_stops_when_its_caller_cancels_it(explorer: Explorer) -> None:
    """Search-as-you-type cancels a search the next keystroke made stale; it must stop mid-walk."""
    asked: list[int] = []

    def cancelled_after_the_first_look() -> bool:
        asked.append(1)
        return len(asked) > 1  # the look before the walk says go on; the next, inside it, says stop

    with pytest.raises(SearchCancelled):
        explorer.search("the", limit=20, cancelled=cancelled_after_the_first_look)
    assert len(asked) == 2
    # a search nobody cancels still answers in full, and the explorer is usable afterwards
    assert len(explorer.search("the", limit=20, cancelled=lambda: False).hits) == 20


def test_posting_leaves_read_what_whoosh_reads(explorer: Explorer) -> None:
    """The leaf's own header reading, ids-and-weights decoding and block scores give Whoosh's values.

    Every posting of the common words (many blocks, compressed and not): same block
    statistics, ids, weights, positions, and scores equal to the float Whoosh's scorer gives.
    """
    from search.firstpage import _bisecting, _BisectingLeaf

    searcher = explorer._current_searcher()
    checked = partial = 0
    for subsearcher, _offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        for field in ("body", "title", "exact"):
            for word in WORDS + FILLER:
                if (field, word) not in reader:
                    continue
                whoosh = reader.postings(
                    field, word, scorer=searcher.weighting.scorer(subsearcher, field, word)
                )
                ours = _bisecting(
                    reader.postings(field, word, scorer=searcher.weighting.scorer(subsearcher, field, word))
                )
                if type(ours) is not _BisectingLeaf:
                    continue  # inline postings: not a block matcher
                while whoosh.is_active():
                    assert ours.is_active()
                    header = (
                        "_blocklength",
                        "_maxid",
                        "_maxweight",
                        "_compression",
                        "_minlength",
                        "_dataoffset",
                    )
                    assert [getattr(ours, name) for name in header] == [
                        getattr(whoosh, name) for name in header
                    ]
                    scores = ours.block_scores()
                    partial += ours._partial
                    assert scores is not None
                    for position in range(whoosh._blocklength):
                        whoosh._i = ours._i = position
                        assert (ours.id(), ours.weight(), ours.score()) == (
                            whoosh.id(),
                            whoosh.weight(),
                            whoosh.score(),
                        )
                        assert scores[position] == whoosh.score()
                        checked += 1
                    assert ours.value() == whoosh.value()  # positions: the whole block is decoded now
                    whoosh._next_block()
                    ours._next_block()
                assert not ours.is_active()
    assert checked > 10_000 and partial > 10


def test_exact_block_bounds_hold_every_score_of_their_range(explorer: Explorer) -> None:
    """``range_quality`` is at least every score from the current posting to the range's end."""
    from search.firstpage import _bisecting

    searcher = explorer._current_searcher()
    for subsearcher, _offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        for word in ("oil", "the", "loss"):
            leaf = _bisecting(
                reader.postings("body", word, scorer=searcher.weighting.scorer(subsearcher, "body", word))
            )
            while leaf.is_active():
                ids, scores = leaf._ids or (leaf._read_ids() or leaf._ids), leaf.block_scores()
                for start in range(0, len(ids), 17):
                    leaf._i = start
                    for end in (ids[start], ids[min(start + 5, len(ids) - 1)], leaf.block_max_id()):
                        within = [s for d, s in zip(ids, scores, strict=True) if ids[start] <= d <= end]
                        assert leaf.range_quality(end) == max(within)
                leaf._next_block()


def test_postings_scored_alone_and_by_weight_give_the_block_scores(explorer: Explorer) -> None:
    """``posting_score`` is the block score to the bit, ``range_max`` the exact best of a stretch,
    and no posting at or below ``weight_floor(t)`` scores above ``t``, for thresholds on and
    around the block's own scores (the floor is cut closest there)."""
    from search.firstpage import _bisecting

    searcher = explorer._current_searcher()
    stretches = floors = 0
    for subsearcher, _offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        for field, word in (("body", "oil"), ("body", "the"), ("body", "loss"), ("title", "oil")):
            lists = [
                _bisecting(
                    reader.postings(field, word, scorer=searcher.weighting.scorer(subsearcher, field, word))
                )
                for _ in range(2)
            ]
            alone, whole = lists
            while whole.is_active():
                count = whole._blocklength
                scores = whole.block_scores()
                weights = alone.weights()
                assert [alone.posting_score(i) for i in range(count)] == scores
                for first in range(0, count, 7):
                    for stop in {first + 1, min(first + 9, count), count}:
                        alone._scores = None  # bound from the weights, as a window does
                        assert alone.range_max(first, stop) == max(scores[first:stop])
                        stretches += 1
                for threshold in {*scores[::5], *(s * (1 + 1e-12) for s in scores[::5]), -1.0, 0.0, 1e9}:
                    floor = alone.weight_floor(threshold)
                    if floor is not None:
                        assert all(s <= threshold for s, w in zip(scores, weights, strict=True) if w <= floor)
                        floors += 1
                whole._next_block()
                alone._next_block()
    assert stretches > 1000 and floors > 1000


def test_a_window_a_list_has_no_posting_in_gives_no_candidate(explorer: Explorer) -> None:
    """A decoded block asked for candidates between two of its postings answers with none, at any threshold."""
    from search import blockwalk
    from search.firstpage import _bisecting

    searcher = explorer._current_searcher()
    subsearcher = searcher.leaf_searchers()[0][0]
    matcher = _bisecting(
        subsearcher.reader().postings(
            "body", "oil", scorer=searcher.weighting.scorer(subsearcher, "body", "oil")
        )
    )
    leaf = blockwalk._Leaf(matcher)
    ids = matcher._ids or (matcher._read_ids() or matcher._ids)
    gaps = [(a + 1, b - 1) for a, b in pairwise(ids) if b - a > 1]
    assert gaps
    for start, end in gaps[:20]:
        for ms in (None, 0.0, 0.5, 100.0):
            matcher._scores = None  # not scored whole yet, as in a window that first decodes it
            assert leaf.candidates(start, end, ms) == set()
        assert leaf.bound(start, end) is None


def test_the_larger_list_of_a_phrase_is_read_lazily(
    explorer: Explorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Of two lists of close sizes (`net`, `loss`), the larger one does not cut windows: fewer windows than blocks."""
    from search import blockwalk

    lazy: list[bool] = []
    original = blockwalk._lazier

    def recorded(a, b):  # type: ignore[no-untyped-def]
        sides = original(a, b)
        lazy.append(any(side.lazy for side in sides))
        return sides

    monkeypatch.setattr(blockwalk, "_lazier", recorded)
    explorer.search('"net loss"', limit=20)
    assert lazy and all(lazy)


def test_an_and_gives_every_document_its_lazy_side_can_lift_over_the_threshold(
    explorer: Explorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two lists, the second lazy (`"net loss"`): each window's candidates (``_lifted``) hold every
    document of both whose exact score beats the threshold."""
    from search import blockwalk
    from search.firstpage import _bisecting

    lifted: list[int] = []
    original = blockwalk._lifted

    def counted(*args):  # type: ignore[no-untyped-def]
        found = original(*args)
        lifted.append(len(found))
        return found

    monkeypatch.setattr(blockwalk, "_lifted", counted)

    searcher = explorer._current_searcher()
    subsearcher = searcher.leaf_searchers()[0][0]

    def postings(word: str):  # type: ignore[no-untyped-def]
        scorer = searcher.weighting.scorer(subsearcher, "body", word)
        return subsearcher.reader().postings("body", word, scorer=scorer)

    def exact(word: str) -> dict[int, float]:
        matcher, found = postings(word), {}
        while matcher.is_active():
            found[matcher.id()] = matcher.score()
            matcher.next()
        return found

    net, loss = exact("net"), exact("loss")
    both = sorted(net[docnum] + loss[docnum] for docnum in net.keys() & loss.keys())
    assert len(both) > 100 and len(net) > 128  # lists of two blocks or more
    for ms in (both[0] - 1.0, both[len(both) // 2], both[-25]):
        first, second = (
            blockwalk._Leaf(_bisecting(postings("net"))),
            blockwalk._Leaf(_bisecting(postings("loss"))),
        )
        second.lazy = True
        node = blockwalk._And(first, second)
        kept: set[int] = set()
        start = 0
        while (last := first.advance(start)) is not None:
            kept |= node.candidates(start, last, ms)
            start = last + 1
        beating = {docnum for docnum in net.keys() & loss.keys() if net[docnum] + loss[docnum] > ms}
        assert beating <= kept <= net.keys()
    assert lifted and len(kept) < len(net)


WINDOWED = [
    "oil OR (gold wheat)",
    "net^2 loss",
    '"net loss" OR "federal reserve"',
    '"net loss"^3 OR price',
    "oil AND NOT bank",
    "title:oil OR price",
    "the a of",
    '"oil price" trade',
    # the same word in several clauses: its blocks are read once and shared
    '"oil price" OR "oil bank"',
    'net "net loss" "net profit"',
    # an AND of a common word and a rare one: the common list is read lazily
    '"oil reserve"',
    '"reserve oil"',
    "body:oil AND body:reserv",
    '"oil reserve" OR "federal reserve"',
]


@pytest.mark.parametrize("query", QUERIES + WINDOWED)
@pytest.mark.parametrize("limit", [1, 3, 20])
def test_the_window_walk_is_taken_and_equals_the_exhaustive_ranking(
    explorer: Explorer, query: str, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unfiltered pages come from search/blockwalk.py; same documents, order and scores as scoring all."""
    from search import blockwalk

    windows: list[int] = []
    collect = blockwalk.collect

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        windows.append(collect(*args, **kwargs))
        return windows[-1]

    monkeypatch.setattr(blockwalk, "collect", counted)
    everything = explorer.search(query, limit=0)
    expected = sorted(((hit.score, hit.id) for hit in everything.hits), key=lambda item: (-item[0], item[1]))
    page = explorer.search(query, limit=limit)
    # A NOT is Whoosh's InverseMatcher, which the window walk does not mirror: the matcher walk answers.
    assert bool(windows) == ("NOT" not in query and " -" not in query), "the window walk was (not) taken"
    assert [(hit.score, hit.id) for hit in page.hits] == expected[:limit]  # exact floats, ties by document


@pytest.mark.parametrize("query", ['"oil reserve"', '"reserve oil"'])
def test_a_common_word_beside_a_rare_one_is_read_lazily(
    explorer: Explorer, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window walk reads such a list only where the rare side has documents, and still ranks exactly."""
    from search import blockwalk

    lazy: list[int] = []
    original = blockwalk._lazier

    def counted(a, b):  # type: ignore[no-untyped-def]
        sides = original(a, b)
        lazy.extend(1 for side in sides if side.lazy)
        return sides

    monkeypatch.setattr(blockwalk, "_lazier", counted)
    everything = explorer.search(query, limit=0)
    expected = sorted(((hit.score, hit.id) for hit in everything.hits), key=lambda item: (-item[0], item[1]))
    for limit in (1, 5, 20):
        page = explorer.search(query, limit=limit)
        assert [(hit.score, hit.id) for hit in page.hits] == expected[:limit]
    assert lazy, "no list was read lazily"


def test_lists_of_one_search_share_their_blocks(explorer: Explorer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A word in several clauses (and in the phrase check) is decoded once per block, not once per clause."""
    from search import firstpage

    decoded: list[int] = []
    original = firstpage._ids_and_weights

    def counted(raw, count):  # type: ignore[no-untyped-def]
        decoded.append(count)
        return original(raw, count)

    monkeypatch.setattr(firstpage, "_ids_and_weights", counted)
    explorer.search("body:the", limit=20)
    once = len(decoded)
    decoded.clear()
    explorer.search("body:the OR body:the^2 OR (body:the AND body:the)", limit=20)
    assert once > 5 and len(decoded) <= once + 1


@pytest.fixture(scope="module")
def titled(tmp_path_factory: pytest.TempPathFactory) -> Explorer:
    """Phrases in many titles and texts, ties included: the titles' first walk must leave exact scores."""
    rng = random.Random(11)
    phrases = [["net", "loss"], ["oil", "price"], ["loss", "net"]]

    def article(number: int) -> dict[str, str]:
        words = [rng.choice(WORDS[:40] + FILLER) for _ in range(rng.choice([3, 8, 8, 20, 60, 200]))]
        for _ in range(rng.choice([0, 0, 1, 2])):
            at = rng.randrange(len(words) + 1)
            words[at:at] = rng.choice(phrases)
        title = [rng.choice(WORDS[:40]) for _ in range(rng.randint(1, 5))]
        if rng.random() < 0.25:
            title[rng.randrange(len(title)) :] = rng.choice(phrases)
        return {"id": f"t{number:04d}", "source": "wire", "title": " ".join(title), "text": " ".join(words)}

    return _indexed(tmp_path_factory.mktemp("titled"), map(article, range(1800)))


@pytest.mark.parametrize(
    "query",
    ['"net loss"', '"oil price"', '"net loss" OR "oil price"', '"net loss" OR oil', '"loss net" trade'],
)
@pytest.mark.parametrize("limit", [1, 3, 10, 20, 60, 150])
def test_a_first_walk_over_titles_leaves_the_exhaustive_ranking(
    titled: Explorer, query: str, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The titles' clauses are walked first (``firstpage._titles_first``) when the query is an OR
    with a title phrase; their scores are lower bounds, replaced by the exact ones."""
    from search import firstpage

    walked: list[object] = []
    titles_first = firstpage._titles_first

    def observed(query_):  # type: ignore[no-untyped-def]
        walked.append(titles_first(query_))
        return walked[-1]

    monkeypatch.setattr(firstpage, "_titles_first", observed)
    everything = titled.search(query, limit=0)
    expected = sorted(((hit.score, hit.id) for hit in everything.hits), key=lambda item: (-item[0], item[1]))
    page = titled.search(query, limit=limit)
    assert [(hit.score, hit.id) for hit in page.hits] == expected[:limit]
    small_page = limit <= firstpage.TITLES_FIRST_LIMIT  # a page of thousands re-scores too often
    assert any(w is not None for w in walked) == (" trade" not in query and small_page), walked
