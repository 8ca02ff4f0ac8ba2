"""Searching: ranking, variants, exact mode, filters, snippets, bad queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.explorer import Explorer, QueryError
from search.variants import Vocabulary, WordStats


@pytest.fixture
def explorer(seed_corpus: Path, index_dir: Path) -> Explorer:
    opened = Explorer.open(seed_corpus, index_dir)
    opened.update()
    return opened


def hit_ids(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {hit.id for hit in result.hits}


def spells(path: Path, word: str) -> bool:
    return word in path.read_text()


def test_variants_find_every_spelling(explorer: Explorer, seed_corpus: Path) -> None:
    result = explorer.search("Dashty")
    assert len(result.hits) == 5
    assert [e.describe() for e in result.expansions] == ["Dashty: also Dashti"]
    exact = explorer.search("Dashty", exact=True)
    with_dashty = {p.stem for p in seed_corpus.glob("*.txt") if spells(p, "Dashty")}
    assert hit_ids(exact) == with_dashty and len(with_dashty) == 3
    assert exact.expansions == ()
    # The hits say which index words matched.
    both = {p.stem for p in seed_corpus.glob("*.txt") if spells(p, "Dashty") and spells(p, "Dashti")}
    for hit in result.hits:
        assert ("dashti" in hit.matched and "dashty" in hit.matched) == (hit.id in both)


def test_short_words_need_exact_matches(tmp_path: Path, index_dir: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "kaul.txt").write_text("A tweet by journalist Aditya Raj Kaul said so.")
    (corpus / "kabul.txt").write_text("The delegation arrived in Kabul on Sunday.")
    explorer = Explorer.open(corpus, index_dir)
    explorer.update()
    assert hit_ids(explorer.search("Kabul")) == {"kabul"}
    assert explorer.search("Kabul").expansions == ()


def test_common_words_are_not_widened() -> None:
    vocabulary = Vocabulary(
        {
            "month": WordStats(50, 0),
            "mouth": WordStats(5, 0),
            "masoud": WordStats(3, 3),
            "massoud": WordStats(4, 4),
            "massive": WordStats(4, 0),
        }
    )
    assert vocabulary.variants("month") == ()
    assert vocabulary.variants("masoud") == ("massoud",)
    # A word the corpus does not know (a misspelling) is widened to the names near it.
    assert vocabulary.variants("massaud") == ("massoud",)
    assert vocabulary.variants("massood") == ("massoud",)
    ordered = Vocabulary({"dashti": WordStats(4, 4), "dashty": WordStats(3, 3), "dashtiyar": WordStats(9, 9)})
    assert ordered.variants("dashtu") == ("dashti", "dashty")  # closest, then commonest


def test_phrases_filters_and_dates(explorer: Explorer) -> None:
    phrase = explorer.search('"Fahim Dashty"')
    assert len(phrase.hits) == 5
    exact_phrase = explorer.search('"Fahim Dashty"', exact=True)
    assert len(exact_phrase.hits) == 3
    dated = explorer.search("date:[2021-09-06 TO 2021-09-06]")
    assert hit_ids(dated) == {"001_7b8ec1a6c7eefc3e", "004_fa9e966636171c75"}
    since = explorer.search("Panjshir", since="2021-09-07")
    assert hit_ids(since) == {"003_7705c138f889e53e"}
    sourced = explorer.search("Panjshir", sources=["002_026596cb75424136"])
    assert hit_ids(sourced) == {"002_026596cb75424136"}
    assert hit_ids(explorer.search("source:002_026596cb75424136")) == {"002_026596cb75424136"}
    assert len(explorer.search("Hameed NOT drones").hits) >= 1


def test_snippets_highlight_the_matched_words(explorer: Explorer) -> None:
    result = explorer.search("Zhor")
    assert result.hits
    for hit in result.hits:
        marked = [s.text for s in hit.snippet if s.match]
        assert marked and all(word.lower() in ("zhor", "zara") for word in marked)  # entity spellings
        assert "\n" not in hit.snippet_text


def test_stemming_finds_inflections(explorer: Explorer) -> None:
    killed = hit_ids(explorer.search("kill"))
    assert len(killed) == 5  # every seed says "killed"
    assert hit_ids(explorer.search("kill", exact=True)) == set()


def test_bad_queries_raise_one_line_errors(explorer: Explorer) -> None:
    with pytest.raises(QueryError, match="cannot read query"):
        explorer.search("date:[bogus TO x]")
    with pytest.raises(QueryError, match="--since"):
        explorer.search("Kabul", since="yesterday-ish")
    assert explorer.search('"unbalanced').query == '"unbalanced'
    assert explorer.search("(((").hits == ()


def test_limit_and_totals(explorer: Explorer) -> None:
    limited = explorer.search("Panjshir", limit=2)
    assert len(limited.hits) == 2 and limited.total >= 5
    everything = explorer.search("Panjshir", limit=0)
    assert len(everything.hits) == 5 and everything.total == 5 and not everything.total_is_estimate


def test_article_and_sources(explorer: Explorer, seed_corpus: Path) -> None:
    article = explorer.article("002_026596cb75424136")
    assert article is not None
    assert article.text == (seed_corpus / "002_026596cb75424136.txt").read_text()
    assert explorer.article("nope") is None
    assert len(explorer.sources()) == 5


def test_a_closed_explorer_leaves_no_file_mapped(seed_corpus: Path, index_dir: Path) -> None:
    """The memory maps of posting files and term tables go with the reader that read them: a
    long session re-opening the index after each update would otherwise keep every replaced
    segment's files (deleted, still on disk) and a descriptor each until it exits."""
    import gc

    from search import firstpage

    gc.collect()
    before = len(firstpage._MAPS)
    opened = Explorer.open(seed_corpus, index_dir)
    opened.update()
    assert opened.search('"Panjshir Valley" OR Taliban').hits
    assert len(firstpage._MAPS) > before  # posting files and term tables were mapped
    opened.close()
    del opened
    gc.collect()
    assert len(firstpage._MAPS) == before
