"""Plain records that the engine hands to its front ends.

Everything the CLI and the TUI show comes from these dataclasses, so both
front ends stay in agreement and neither needs to know about Whoosh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# (done, total, stage): how far slow work got, for a progress bar. ``total`` 0 means the
# stage has no count to give (it is shown in words). Index runs count files ("reading",
# "writing", then "entities" without a count); event derivation counts the articles it
# extracts passages from, then names its later stages.
ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from the corpus, text kept exactly as written."""

    id: str
    source: str
    title: str
    text: str
    date: str | None = None  # ISO 8601 (YYYY-MM-DD or with a time), None when unknown
    url: str | None = None
    path: str = ""  # file it came from, relative to the corpus root
    meta: dict[str, Any] = field(default_factory=dict)
    # Where a row file's article starts (None for one-article files): warnings about the
    # article, a duplicate id for one, can then name the line. Not stored in the index.
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "date": self.date,
            "title": self.title,
            "url": self.url,
            "path": self.path,
            "meta": self.meta,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class CorpusWarning:
    """A problem with one input file (or one row of it) that did not stop the run."""

    path: str
    message: str
    line: int | None = None
    # Whether a file or row was left out. False for input indexed all the same (bytes
    # replaced, a date not understood, a field dropped): the summary counts the two apart,
    # so that a file indexed with U+FFFD is not reported as skipped.
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) in an article's text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of snippet text; ``match`` marks the words the query found."""

    text: str
    match: bool = False


@dataclass(frozen=True, slots=True)
class Expansion:
    """The other spellings one query word was widened to, and why."""

    word: str
    variants: tuple[str, ...]
    reason: str = "word variant"  # or "entity": other spellings of the entity the word names
    entity: str | None = None  # the entity's canonical name, for entity expansions

    def describe(self) -> str:
        head = f"entity {self.entity}" if self.entity else self.word
        return f"{head}: also {', '.join(self.variants)}"


@dataclass(frozen=True, slots=True)
class MatchTerms:
    """What counts as a match when highlighting: surface forms and stems.

    Kept with each search so highlighting an article later (in the TUI's
    article pane) uses exactly the words the search matched.
    """

    words: frozenset[str] = frozenset()  # folded surface forms, variants included
    stems: frozenset[str] = frozenset()  # stems of the query words (empty when exact)


@dataclass(frozen=True, slots=True)
class Hit:
    rank: int
    id: str
    score: float
    date: str | None
    source: str
    title: str
    snippet: tuple[Segment, ...]
    matched: tuple[str, ...]

    @property
    def snippet_text(self) -> str:
        return "".join(segment.text for segment in self.snippet)


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    hits: tuple[Hit, ...]
    total: int
    total_is_estimate: bool
    expansions: tuple[Expansion, ...]
    terms: MatchTerms
    exact: bool
    elapsed_ms: float


@dataclass(frozen=True, slots=True)
class IndexSummary:
    """What one `explorer index` run did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    warnings: int = 0  # every warning, whether or not something was left out
    skipped: int = 0  # files and rows left out (each also a warning)
    seconds: float = 0.0
    articles: int = 0  # articles in the index afterwards

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """How the index on disk relates to the corpus it was built from."""

    corpus: str
    index_dir: str
    articles: int
    built_at: str | None  # ISO time of the last successful update
    exists: bool
    stale_files: int | None = None  # None: not checked
