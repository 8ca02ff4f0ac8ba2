"""Stored mentions -> entity table, in one call, with the time each step took.

Why a separate step from extraction: extraction runs per article when the
article is indexed; this runs over the stored records of the whole corpus
(corpus statistics, per-article resolution, name nodes, blocking, clustering).
Clustering runs again over every name after each change; resolution, and the
counting of names into their nodes, only for the articles a change can affect
(``resolutions``, ``nodes``), whose records alone the store reads (``Records``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Protocol, runtime_checkable

from ..gcpause import no_gc
from .casing import CorpusStats
from .clustering import Previous, cluster
from .corrections import Corrections
from .mentions import ArticleMentions
from .partition import Partition
from .patching import TOKEN, PatchedTable, SavedLines, SavedTableDamaged
from .resolutions import Resolutions
from .resolve import ResolvedRow
from .rows import ARTICLE_DATE, ARTICLE_ID, ARTICLE_MENTIONS, ArticleRow, to_row
from .table import EntityTable, build_table


@runtime_checkable
class Records(Protocol):
    """The mention records a derivation reads: held in memory (``RecordsInMemory``), or the
    store's (``store.MentionStore``), which reads a shard only when a record in it is asked for.

    Why a derivation needs no more: besides the records it resolves (the changed ones and
    those a changed reading can affect, ``Resolutions.apply``), it reads only each article's
    date and a few counts, which the store keeps for every article (``catalog``)."""

    def __len__(self) -> int: ...

    def get(self, article_id: str) -> ArticleRow | None:
        """The record (its shard read now, with the kept resolutions of its articles)."""

    def everything(self) -> Iterable[ArticleRow]:
        """Every record, read now if need be."""

    def statistics(self) -> CorpusStats:
        """The corpus statistics of every record, counted afresh."""

    def resolving(self, kept: dict[str, ResolvedRow]) -> Iterable[ArticleRow]:
        """Every record without a resolution in ``kept``, to resolve (``Resolutions.resolve_all``)."""

    def dates(self) -> dict[str, str | None]:
        """Every article's date by id."""

    def mention_count(self) -> int: ...

    def mentioning(self, words: set[str], keys: list[tuple[str, ...]]) -> Iterable[ArticleRow]:
        """The records that may hold a mention with one of ``words`` or all tokens of one of
        ``keys`` (a superset; every record in memory is among them)."""


class RecordsInMemory:
    """Every record held in memory (a fresh extraction, or tests)."""

    def __init__(self, rows: Iterable[ArticleRow]) -> None:
        self._rows = {row[ARTICLE_ID]: row for row in rows}

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, article_id: str) -> ArticleRow | None:
        return self._rows.get(article_id)

    def everything(self) -> Iterable[ArticleRow]:
        return self._rows.values()

    def statistics(self) -> CorpusStats:
        return CorpusStats.gather(self._rows.values())

    def resolving(self, kept: dict[str, ResolvedRow]) -> Iterable[ArticleRow]:
        return sorted(
            (row for row in self._rows.values() if row[ARTICLE_ID] not in kept), key=itemgetter(ARTICLE_ID)
        )

    def dates(self) -> dict[str, str | None]:
        return {article_id: row[ARTICLE_DATE] for article_id, row in self._rows.items()}

    def mention_count(self) -> int:
        return sum(len(row[ARTICLE_MENTIONS]) for row in self._rows.values())

    def mentioning(self, words: set[str], keys: list[tuple[str, ...]]) -> Iterable[ArticleRow]:
        return self._rows.values()


class KeptNames:
    """The records a derivation read and their resolutions: where the table it makes reads
    each article's names (``table.ArticleNames``) until the store saves them
    (``store.StoredNames`` then reads them back from disk)."""

    def __init__(self, records: Records, kept: dict[str, ResolvedRow]) -> None:
        self._records = records
        self._kept = kept

    def resolution(self, article_id: str) -> tuple[ArticleRow, ResolvedRow] | None:
        row = self._records.get(article_id)  # first: reading its shard brings its resolution
        resolved = None if row is None else self._kept.get(article_id)
        return None if row is None or resolved is None else (row, resolved)


def build_entities(records: Iterable[ArticleMentions], corrections: Corrections | None = None) -> EntityTable:
    """The entity table of a corpus from its per-article mention records."""
    table = derive(map(to_row, records), corrections)[0]
    assert isinstance(table, EntityTable)  # no saved table to patch: every entity is made
    return table


# The saved table made with a partition (by its token), or None: what an update patches.
SavedTable = Callable[[str], SavedLines | None]


def derive(
    records: Records | Iterable[ArticleRow],
    corrections: Corrections | None = None,
    resolutions: Resolutions | None = None,
    saved: SavedTable | None = None,
) -> tuple[EntityTable | PatchedTable, Resolutions]:
    """The entity table of the mention records (rows, or the store's ``Records``), and the
    statistics and resolutions it was made from (to keep).

    ``resolutions`` are those kept from an earlier run, already told of the changed
    records (``Resolutions.apply``); the resolutions still there are reused. None counts
    and resolves everything. With their partition and the table it made (``saved``), only
    the names the change touched are clustered again (``partition``), and the table is
    that table patched (``patching.PatchedTable``).
    """
    if not isinstance(records, Records):
        records = RecordsInMemory(records)
    with no_gc():
        return _build(records, corrections or Corrections(), resolutions, saved)


def _build(
    records: Records, corrections: Corrections, resolutions: Resolutions | None, saved: SavedTable | None
) -> tuple[EntityTable | PatchedTable, Resolutions]:
    """The nodes kept with the resolutions (``nodes.NodeSet``) already count every article
    but those resolved now, which ``resolve_all`` counts in."""
    started = time.perf_counter()
    splits = tuple(sorted(corrections.split_pairs()))
    if resolutions is None:
        resolutions = Resolutions(records.statistics(), splits=splits)
    elif resolutions.splits != splits:
        records.everything()  # every record is resolved again: all of them read first
        resolutions.forget_all(splits)
    resolutions.resolve_all(records.resolving(resolutions.kept), corrections.blocks_attachment)
    names = KeptNames(records, resolutions.kept)
    nodes = resolutions.nodes.ordered(lambda article_id: names.resolution(article_id)[1])  # type: ignore[index]
    corrected = (tuple(corrections.merge_pairs()), tuple(corrections.split_pairs()))
    last, touched = resolutions.partition, resolutions.nodes.touched
    table_lines = None
    if last is not None and saved is not None and last.allows_update(corrected, len(touched), len(nodes)):
        table_lines = saved(last.token)
    previous = None if table_lines is None or last is None else Previous(last.clusters, touched)
    resolved_at = time.perf_counter()
    dates = records.dates()
    result = cluster(nodes, dates, corrected[0], corrected[1], resolutions.compared, previous)
    clustered_at = time.perf_counter()
    table = None
    if previous is not None:
        try:
            table = build_table(result, None, names, table_lines)
        except SavedTableDamaged:  # a line of the saved table proved unreadable: cluster anew
            previous = table_lines = None
            result = cluster(nodes, dates, corrected[0], corrected[1], resolutions.compared)
            clustered_at = time.perf_counter()
    resolutions.compared = result.compared
    updates = 0 if previous is None or last is None else last.updates + 1
    resolutions.partition = partition = Partition(result.merged, corrected, updates)
    resolutions.nodes.touched = set()  # the next clustering starts from this one
    timings = {
        "articles": len(records),
        "mentions": records.mention_count(),
        "names": len(result.nodes),
        "candidate_pairs": result.blocking.pairs,
        "skipped_blocks": result.blocking.skipped_blocks,
        "resolved": resolutions.resolved,
        "resolve_seconds": round(resolved_at - started, 3),
        "cluster_seconds": round(clustered_at - resolved_at, 3),
        "clustered": "full" if previous is None else f"{result.opened} names of {len(result.nodes)}",
        TOKEN: partition.token,
    }
    if table is None:
        table = build_table(result, timings, names)
    else:
        table.stats.update(timings)
    table.stats["entities"] = len(table)
    table.stats["table_seconds"] = round(time.perf_counter() - clustered_at, 3)
    return table, resolutions
