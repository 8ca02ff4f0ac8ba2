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

The kept resolutions depend on the user's splits too (a split forbids attaching a
short form), so a change of splits resolves every article again; merges act
only in clustering.
"""

from __future__ import annotations

import contextlib
import pickle
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from .. import turns
from ..analysis import fold
from .casing import CorpusStats
from .clustering import Compared
from .names import name_tokens
from .nodes import NodeSet
from .partition import Partition
from .resolve import Blocked, ResolvedRow, Resolver
from .rows import ARTICLE_ID, ARTICLE_MENTIONS, TEXT, ArticleRow

if TYPE_CHECKING:
    from .pipeline import Records

# The name comparisons are saved as pickled pieces, the comparisons each update added apart,
# up to this many pieces (a full clustering, every ``partition.FULL_EVERY`` updates or sooner,
# saves them in one piece again).
COMPARED_PIECES = 24
# Bump whenever resolve.py or casing.py changes what an article resolves to or what
# the statistics count: resolutions kept by another version are made again.
RESOLVE_VERSION = 3  # 2: a use as written is kept as its mention index alone; 3: "kept"

Splits = tuple[tuple[str, str], ...]


@dataclass(slots=True)
class Resolutions:
    """The statistics of the stored records and the resolution of each (by article id)."""

    stats: CorpusStats = field(default_factory=CorpusStats)
    kept: dict[str, ResolvedRow] = field(default_factory=dict)  # article id -> its resolution
    splits: Splits = ()
    resolved: int = 0  # articles resolved by the last ``resolve_all`` (the rest were reused)
    # Articles resolved since the store last saved these resolutions (it saves only theirs).
    touched: set[str] = field(default_factory=set)
    # The name comparisons of the last clustering (``clustering.Compared``), reused by the next.
    compared: Compared = field(default_factory=dict)
    # Every kept resolution counted into the name nodes: a resolution dropped is counted out.
    nodes: NodeSet = field(default_factory=NodeSet)
    # The entities the last clustering of these nodes made (None: cluster every name next).
    partition: Partition | None = None
    # ``compared`` as loaded or last saved, its size then, and its saved form (``_compared_pieces``).
    _compared_saved: tuple[Compared, int, tuple[bytes, ...]] | None = None

    def apply(self, before: Mapping[str, ArticleRow | None], records: Records) -> None:
        """Count the changed articles' records afresh and forget the resolutions their change may alter.

        ``before`` maps each changed article id to its record as these statistics counted
        it (None for a new article); ``records`` are all records now.
        """
        stats = self.stats
        after = {article_id: records.get(article_id) for article_id in before}
        words: set[str] = set()
        keys: set[str] = set()
        for row in (*before.values(), *after.values()):
            if row is not None:
                more_words, more_keys = stats.words_and_keys(row)
                words |= more_words
                keys |= more_keys
        was = stats.decisions(words, keys)
        for row in before.values():
            if row is not None:
                stats.remove(row)
        for row in after.values():
            if row is not None:
                stats.add(row)
        now = stats.decisions(words, keys)
        changed = [name for name, decision in was.items() if now[name] != decision]
        for article_id, row in before.items():
            resolved = self.kept.pop(article_id, None)
            if resolved is not None and row is not None:
                self.nodes.remove(row, resolved)
        if changed:
            changed_words = {name[1:] for name in changed if name[0] == "w"}
            changed_keys = [tuple(name[1:].split()) for name in changed if name[0] == "k"]
            self._forget_mentioning(changed_words, changed_keys, records)

    def _forget_mentioning(self, words: set[str], keys: list[tuple[str, ...]], records: Records) -> None:
        """Forget the resolutions of articles that may ask about one of ``words`` or ``keys``.

        Every word and key resolution asks about is made of the tokens of one mention
        (``name_tokens``), so an article that asks about them has a mention holding the
        word, or every token of the key. The records that may (``Records.mentioning``:
        every one, or those of the shards holding such tokens) are first tested with a
        regular expression over their folded mention texts; the mentions' tokens of those
        it finds are then compared.
        """
        kept = self.kept
        tokens = words.union(*keys)
        pattern = re.compile("|".join(re.escape(token) for token in sorted(tokens, key=len, reverse=True)))
        for article in records.mentioning(words, keys):
            article_id = article[ARTICLE_ID]
            if article_id not in kept or not pattern.search(_folded_names(article)):
                continue
            for mention in article[ARTICLE_MENTIONS]:
                held = name_tokens(mention[TEXT])
                if not words.isdisjoint(held) or any(set(key) <= set(held) for key in keys):
                    self.nodes.remove(article, kept.pop(article_id))
                    break

    def forget_all(self, splits: Splits) -> None:
        """The user's splits changed: every row may have attached a short form they now forbid."""
        self.kept.clear()
        self.nodes = NodeSet()
        self.partition = None
        self.splits = splits

    def resolve_all(self, ordered: Iterable[ArticleRow], blocked: Blocked) -> None:
        """Resolve each record that has no kept resolution (and count it into the nodes).

        One ``Resolver`` for the whole run: the statistics do not change while it runs, and
        what they make of a mention's text is then worked out once per distinct text."""
        kept, touched, nodes = self.kept, self.touched, self.nodes
        resolver = Resolver(self.stats, blocked)
        self.resolved = 0
        # A build's records come shard by shard, their ids out of order: counted in bulk. Not
        # into nodes already counted (an update): re-sorting their long lists for a few ids
        # each cost more than placing them (10 articles: 1 ms -> 70 ms).
        with nodes.bulk() if not nodes.nodes else contextlib.nullcontext():
            for article in ordered:
                article_id = article[ARTICLE_ID]
                if article_id not in kept:
                    resolved = kept[article_id] = resolver.resolve(article)
                    nodes.add(article, resolved)
                    touched.add(article_id)
                    self.resolved += 1

    # -- saved with the mention records ------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything but the per-article resolutions (``kept``), which the store saves with
        each article's record."""
        stats = self.stats
        return {
            "version": RESOLVE_VERSION,
            "splits": self.splits,
            "stats": (stats.articles, dict(stats.lower), dict(stats.capital), dict(stats.alone), stats.cues),
            "compared": self._compared_pieces(),
            "nodes": self.nodes.state(),
            "partition": None if self.partition is None else self.partition.state(),
        }

    def _compared_pieces(self) -> tuple[bytes, ...]:
        """The comparisons pickled: as they were loaded, plus the comparisons added since
        pickled apart (an incremental clustering only adds to them, at the end of the dict),
        or all of them again (7.7 MB and 0.14-0.23 s at 100,000 articles) after a full
        clustering, or once ``COMPARED_PIECES`` additions are kept."""
        saved, compared = self._compared_saved, self.compared
        if saved is not None and saved[0] is compared and saved[1] <= len(compared):
            size, pieces = saved[1], saved[2]
            if size == len(compared):
                return pieces
            if len(pieces) < COMPARED_PIECES:
                added = dict(islice(compared.items(), size, None))
                pieces = (*pieces, pickle.dumps(added, protocol=pickle.HIGHEST_PROTOCOL))
                self._compared_saved = (compared, len(compared), pieces)
                return pieces
        pieces = (pickle.dumps(compared, protocol=pickle.HIGHEST_PROTOCOL),)
        self._compared_saved = (compared, len(compared), pieces)
        return pieces

    @classmethod
    def from_state(
        cls,
        state: Any,
        kept: dict[str, ResolvedRow],
        articles: int,
        names: int,
        records: Mapping[str, ArticleRow] | None = None,
    ) -> Resolutions | None:
        """The saved state and resolutions, or None when of another version or not of the
        store's ``articles`` and the ``names`` its kept resolutions hold.

        The saved name nodes must count those names; when they do not, they are counted
        afresh from the kept resolutions and ``records`` (every one of them), or without
        ``records`` (a store whose shards are not read yet) None is returned."""
        if not isinstance(state, dict) or state.get("version") != RESOLVE_VERSION:
            return None
        try:
            state_articles, lower, capital, alone, cues = state["stats"]
            splits = tuple(tuple(pair) for pair in state["splits"])
            compared_saved = compared = state["compared"]
            if isinstance(compared, bytes):  # pickled apart in one piece; a dict before that
                compared_saved = (compared,)
            if isinstance(compared_saved, tuple):  # ``_compared_pieces``
                compared = turns.unpickle(compared_saved[0])
                for added in compared_saved[1:]:
                    compared.update(turns.unpickle(added))
        except (
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
            IndexError,
            pickle.UnpicklingError,
            EOFError,
        ):
            return None
        if not isinstance(compared, dict):
            return None
        if state_articles != articles:
            return None
        stats = CorpusStats(Counter(lower), Counter(capital), Counter(alone), cues, articles)
        nodes = NodeSet.from_state(state.get("nodes"))
        # The partition describes the nodes saved with it: kept only while they are.
        partition = Partition.from_state(state.get("partition"))
        # Each name of each kept resolution is one article of one node: a cheap check that
        # the nodes count what is kept.
        if nodes is None or nodes.names() != names:  # saved without them, in another form, or not
            if records is None:  # of these resolutions: counted afresh from the kept rows
                return None
            nodes = NodeSet()
            for article_id in sorted(kept):
                nodes.add(records[article_id], kept[article_id])
            partition = None
        nodes.touched.clear()
        kept_resolutions = cls(stats, kept, splits, compared=compared, nodes=nodes, partition=partition)
        if isinstance(compared_saved, tuple):
            kept_resolutions._compared_saved = (compared, len(compared), compared_saved)
        return kept_resolutions


# What ``name_tokens`` drops inside a token (it splits on whitespace, hyphens, dashes, _ and /).
_INSIDE_TOKEN = re.compile(r"[^\w\s\-‐‑–—_/]+")
_fold = fold.__wrapped__  # type: ignore[attr-defined]  # the uncached function: texts are not words


# The same for ASCII text in one C call: what ``_INSIDE_TOKEN`` deletes among ASCII characters.
_ASCII_INSIDE = str.maketrans("", "", "".join(c for c in map(chr, range(128)) if _INSIDE_TOKEN.fullmatch(c)))


def _folded_names(article: ArticleRow) -> str:
    """The article's mention texts folded as ``name_tokens`` folds them: each of their tokens
    is a substring of it (a possessive's s and a joined word's letters may remain; a superset).

    Most news is ASCII: lower-cased with the characters deleted by one ``translate``: 0.6 s
    over 100,000 articles where the regular expression took 1.1 s (it runs over every article
    when an update changes how a word reads)."""
    text = "\n".join(mention[TEXT] for mention in article[ARTICLE_MENTIONS])
    if text.isascii():
        return text.translate(_ASCII_INSIDE).lower()
    return _INSIDE_TOKEN.sub("", _fold(text))


__all__ = ["RESOLVE_VERSION", "Resolutions"]
