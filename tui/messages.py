"""Messages that carry results from worker threads back to the UI thread.

Workers never touch widgets: they post one of these (``post_message`` is
thread safe) and the handler, on the UI thread, decides what to show. Each
search carries the generation it was started under, so a result that
arrives after the query changed is recognised as stale and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from search.models import Article, IndexStatus, IndexSummary, SearchResult, Span


@dataclass(frozen=True)
class SearchRequest:
    """Everything one search depends on; equal requests give equal results."""

    query: str
    exact: bool = False
    sources: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    limit: int = 50


@dataclass
class SearchDone(Message):
    """A search finished (``result``) or failed (``error``, a sentence for people)."""

    generation: int
    request: SearchRequest
    result: SearchResult | None = None
    error: str | None = None


@dataclass
class ArticleLoaded(Message):
    """An article and where the current search's words occur in its text."""

    generation: int
    article_id: str
    article: Article | None
    spans: list[Span] = field(default_factory=list)
    error: str | None = None


@dataclass
class SourcesLoaded(Message):
    """The corpus's sources with their article counts, largest first."""

    sources: list[tuple[str, int]]
    error: str | None = None


@dataclass
class IndexProgress(Message):
    """Indexing got further: ``done`` of ``total`` files."""

    done: int
    total: int


@dataclass
class IndexReport(Message):
    """What the index worker learnt: the index's status, and what a run changed.

    ``checked`` says the corpus was compared with the index (stale files
    counted); ``final`` that the worker is done.
    """

    status: IndexStatus | None
    summary: IndexSummary | None = None
    warnings: int = 0
    error: str | None = None
    checked: bool = False
    final: bool = True
