"""One ``Resolver`` kept across a corpus resolves each article as a fresh one would.

Why: the resolver remembers, per mention text, what the corpus statistics make of it
(``resolve._Reading``), and per article what ``_containers`` found. Nothing an article
holds may leak into another's resolution through those memories.
"""

from __future__ import annotations

from search.entities.casing import CorpusStats
from search.entities.resolve import Resolver
from search.entities.rows import ArticleRow
from search.entities.store import extract_row
from search.models import Article
from tests.test_entities_seeds import seed_articles


def _rows() -> list[ArticleRow]:
    return [extract_row(article) for article in seed_articles()]


def test_shared_resolver_matches_one_per_article() -> None:
    rows = _rows()
    stats = CorpusStats.gather(rows)
    shared = Resolver(stats)
    # Twice over, the second time with every text already read: the same answers.
    for row in rows + rows:
        assert shared.resolve(row) == Resolver(CorpusStats.gather(rows)).resolve(row)


def test_blocked_pair_is_not_attached() -> None:
    """The user's split (``blocked``) is asked afresh in each article, not remembered across them."""
    text = "Lt Gen Faiz Hameed spoke. Hameed said the talks went well. Later Hameed left."
    rows = [extract_row(Article(id=f"a{n}", source="s", title="t", text=text)) for n in range(2)]
    stats = CorpusStats.gather(rows)
    attached = Resolver(stats).resolve(rows[0])
    assert [key for key, _uses in attached[0]] == ["faiz hameed"]
    split = Resolver(stats, lambda short, full: (short, full) == ("hameed", "faiz hameed"))
    for row in rows:
        keys = [key for key, _uses in split.resolve(row)[0]]
        assert "faiz hameed" in keys and "hameed" in keys
