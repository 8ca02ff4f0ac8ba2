"""Mention records as plain tuples: how they are kept between runs, on disk and in memory.

Why not the dataclasses of ``mentions``: an index of 100,000 articles holds
about four million mentions. Every update loaded them all and made each a
``Mention`` object, then turned each back into a tuple to save it; that was
most of the 31 s an update spent loading and saving them, and the objects took
more memory than the tuples pickle gives back. Kept as tuples, an update makes
objects only of the few articles it resolves again (``to_record``); counting the
corpus and the name nodes read the tuples' fields by position.
"""

from __future__ import annotations

from typing import Any

from .mentions import ArticleMentions, Mention

# A mention: ``Mention``'s fields in their order.
MentionRow = tuple[Any, ...]
START, END, TEXT, TITLE, ROLES, AFFILIATION, ACRONYM, CUES, INITIAL, SENTENCE, LEAD = range(11)

# An article: (id, source, date, lower-case words, mentions).
ArticleRow = tuple[str, str, str | None, tuple[str, ...], tuple[MentionRow, ...]]
ARTICLE_ID, ARTICLE_SOURCE, ARTICLE_DATE, ARTICLE_LOWER, ARTICLE_MENTIONS = range(5)
ARTICLE_FIELDS = 5


def to_row(record: ArticleMentions) -> ArticleRow:
    """The row of an extracted record (its lower-case words as a tuple: nothing tests one
    article's words for membership, they are only counted across the corpus)."""
    return (
        record.id,
        record.source,
        record.date,
        tuple(record.lower),
        tuple(map(tuple, record.mentions)),  # a ``Mention`` is a named tuple of the row's fields
    )


def to_record(row: ArticleRow) -> ArticleMentions:
    """The record of a row, for resolving it (its lower-case words stay the row's tuple)."""
    article_id, source, date, lower, mentions = row
    return ArticleMentions(article_id, source, date, tuple(Mention(*m) for m in mentions), lower)  # type: ignore[arg-type]


__all__ = ["ArticleRow", "MentionRow", "to_record", "to_row"]
