"""Corpus statistics and every article's resolution, kept between runs.

Why: resolving every article again, and counting the corpus statistics that
resolution reads, was about 40% of updating an index by ten articles. An
article's resolution reads the statistics only through a few decisions about
the words and name keys of its own mentions (``CorpusStats.decisions``), and
adding or removing an article changes the counts of its own words and keys
only. So after an update, the articles to resolve again are the changed ones
and those that mention a word whose decision changed (a word first written in
lower case, a name whose cues now say another kind); every other article's
saved resolution is exactly what a fresh build would make of it.

The saved rows depend on the user's splits too (a split forbids attaching a
short form), so a change of splits resolves every article again; merges act
only in clustering.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..analysis import fold
from .casing import CorpusStats
from .mentions import ArticleMentions
from .names import name_tokens
from .resolve import Blocked, ResolvedRow, resolve, resolved_row

# Bump whenever resolve.py or casing.py changes what an article resolves to or what
# the statistics count: saved rows of another version are resolved again.
RESOLVE_VERSION = 2  # 2: a use as written is kept as its mention index alone

Splits = tuple[tuple[str, str], ...]


@dataclass(slots=True)
class Resolutions:
    """The statistics of the stored records and the resolved row of each (by article id)."""

    stats: CorpusStats = field(default_factory=CorpusStats)
    rows: dict[str, ResolvedRow] = field(default_factory=dict)
    splits: Splits = ()
    resolved: int = 0  # articles resolved by the last ``resolve_all`` (the rest were reused)

    @classmethod
    def gather(cls, records: Iterable[ArticleMentions], splits: Splits) -> Resolutions:
        """Statistics counted afresh and no rows: every article is resolved."""
        return cls(CorpusStats.gather(records), {}, splits)

    def apply(
        self,
        before: Mapping[str, ArticleMentions | None],
        records: Mapping[str, ArticleMentions],
    ) -> None:
        """Count the changed articles' records afresh and forget the rows their change may alter.

        ``before`` maps each changed article id to its record as these statistics counted
        it (None for a new article); ``records`` are all records now.
        """
        stats = self.stats
        after = {article_id: records.get(article_id) for article_id in before}
        words: set[str] = set()
        keys: set[str] = set()
        for record in (*before.values(), *after.values()):
            if record is not None:
                more_words, more_keys = stats.words_and_keys(record)
                words |= more_words
                keys |= more_keys
        was = stats.decisions(words, keys)
        for record in before.values():
            if record is not None:
                stats.remove(record)
        for record in after.values():
            if record is not None:
                stats.add(record)
        now = stats.decisions(words, keys)
        changed = [name for name, decision in was.items() if now[name] != decision]
        for article_id in before:
            self.rows.pop(article_id, None)
        if changed:
            changed_words = {name[1:] for name in changed if name[0] == "w"}
            changed_keys = [tuple(name[1:].split()) for name in changed if name[0] == "k"]
            self._forget_mentioning(changed_words, changed_keys, records)

    def _forget_mentioning(
        self, words: set[str], keys: list[tuple[str, ...]], records: Mapping[str, ArticleMentions]
    ) -> None:
        """Drop the rows of articles that may ask about one of ``words`` or ``keys``.

        Every word and key resolution asks about is made of the tokens of one mention
        (``name_tokens``), so an article that asks about them has a mention holding the
        word, or every token of the key. A regular expression over the article's folded
        mention texts first finds the few articles that could (it runs over every
        article); their mentions' tokens are then compared.
        """
        rows = self.rows
        tokens = words.union(*keys)
        pattern = re.compile("|".join(re.escape(token) for token in sorted(tokens, key=len, reverse=True)))
        for article_id, record in records.items():
            if article_id not in rows or not pattern.search(_folded_names(record)):
                continue
            for mention in record.mentions:
                held = name_tokens(mention.text)
                if not words.isdisjoint(held) or any(set(key) <= set(held) for key in keys):
                    del rows[article_id]
                    break

    def forget_all(self, splits: Splits) -> None:
        """The user's splits changed: every row may have attached a short form they now forbid."""
        self.rows.clear()
        self.splits = splits

    def resolve_all(
        self, ordered: Iterable[ArticleMentions], blocked: Blocked
    ) -> Iterator[tuple[ArticleMentions, ResolvedRow]]:
        """Each record with its row: the saved one, else resolved now (and saved)."""
        rows, stats = self.rows, self.stats
        self.resolved = 0
        for record in ordered:
            row = rows.get(record.id)
            if row is None:
                row = rows[record.id] = resolved_row(resolve(record, stats, blocked))
                self.resolved += 1
            yield record, row

    # -- saved with the mention records ------------------------------------------

    def state(self) -> dict[str, Any]:
        stats = self.stats
        return {
            "version": RESOLVE_VERSION,
            "splits": self.splits,
            "stats": (stats.articles, dict(stats.lower), dict(stats.capital), dict(stats.alone), stats.cues),
            "rows": self.rows,
        }

    @classmethod
    def from_state(cls, state: Any, records: Mapping[str, ArticleMentions]) -> Resolutions | None:
        """The saved state, or None when it is of another version or does not match ``records``."""
        if not isinstance(state, dict) or state.get("version") != RESOLVE_VERSION:
            return None
        try:
            articles, lower, capital, alone, cues = state["stats"]
            rows, splits = state["rows"], tuple(tuple(pair) for pair in state["splits"])
        except (KeyError, TypeError, ValueError):
            return None
        if articles != len(records) or not isinstance(rows, dict) or not rows.keys() <= records.keys():
            return None
        stats = CorpusStats(Counter(lower), Counter(capital), Counter(alone), cues, articles)
        return cls(stats, rows, splits)


# What ``name_tokens`` drops inside a token (it splits on whitespace, hyphens, dashes, _ and /).
_INSIDE_TOKEN = re.compile(r"[^\w\s\-‐‑–—_/]+")
_fold = fold.__wrapped__  # type: ignore[attr-defined]  # the uncached function: texts are not words


def _folded_names(record: ArticleMentions) -> str:
    """The article's mention texts folded as ``name_tokens`` folds them: each of their tokens
    is a substring of it (a possessive's s and a joined word's letters may remain; a superset)."""
    return _INSIDE_TOKEN.sub("", _fold("\n".join(mention.text for mention in record.mentions)))


__all__ = ["RESOLVE_VERSION", "Resolutions"]
