"""Stored mentions -> entity table, in one call, with the time each step took.

Why a separate step from extraction: extraction runs per article when the
article is indexed; this runs over the stored records of the whole corpus
(corpus statistics, per-article resolution, name nodes, blocking, clustering).
Clustering runs again over every name after each change; resolution, and the
counting of names into their nodes, only for the articles a change can affect
(``resolutions``, ``nodes``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter

from ..gcpause import no_gc
from .clustering import cluster
from .corrections import Corrections
from .mentions import ArticleMentions
from .resolutions import Resolutions
from .resolve import ResolvedRow
from .rows import ARTICLE_DATE, ARTICLE_ID, ARTICLE_MENTIONS, ArticleRow, to_row
from .table import EntityTable, build_table

_KEY = itemgetter(0)  # of a name of ``resolve.ResolvedRow``: (key, uses)


def article_nodes(kept: Mapping[str, ResolvedRow], node_of: Mapping[str, int]) -> dict[str, tuple[int, ...]]:
    """The nodes each article names (indices into the ordered nodes), from its kept resolution:
    made afresh each run, as the order of the nodes, and so their indices, changes with every
    update. All at once, two maps in C each: clustering asks about most articles anyway."""
    at = node_of.__getitem__
    return {article_id: tuple(map(at, map(_KEY, resolved[0]))) for article_id, resolved in kept.items()}


class KeptNames:
    """The records a derivation read and their resolutions, held in memory: where the table it
    makes reads each article's names (``table.ArticleNames``) until the store saves them
    (``store.StoredNames`` then reads them back from disk)."""

    def __init__(self, rows: dict[str, ArticleRow], kept: dict[str, ResolvedRow]) -> None:
        self._rows = rows
        self._kept = kept

    def resolution(self, article_id: str) -> tuple[ArticleRow, ResolvedRow] | None:
        row, resolved = self._rows.get(article_id), self._kept.get(article_id)
        return None if row is None or resolved is None else (row, resolved)


def build_entities(records: Iterable[ArticleMentions], corrections: Corrections | None = None) -> EntityTable:
    """The entity table of a corpus from its per-article mention records."""
    return derive(map(to_row, records), corrections)[0]


def derive(
    records: Iterable[ArticleRow],
    corrections: Corrections | None = None,
    resolutions: Resolutions | None = None,
) -> tuple[EntityTable, Resolutions]:
    """The entity table of the mention records (``rows``), and the statistics and
    resolutions it was made from (to keep).

    ``resolutions`` are those kept from an earlier run, already told of the changed
    records (``Resolutions.apply``); the resolutions still there are reused. None counts
    and resolves everything.
    """
    with no_gc():
        return _build(records, corrections or Corrections(), resolutions)


def _build(
    records: Iterable[ArticleRow], corrections: Corrections, resolutions: Resolutions | None
) -> tuple[EntityTable, Resolutions]:
    """The nodes kept with the resolutions (``nodes.NodeSet``) already count every article
    but those resolved now, which ``resolve_all`` counts in."""
    started = time.perf_counter()
    ordered: Sequence[ArticleRow] = sorted(records, key=itemgetter(ARTICLE_ID))
    splits = tuple(sorted(corrections.split_pairs()))
    if resolutions is None:
        resolutions = Resolutions.gather(ordered, splits)
    elif resolutions.splits != splits:
        resolutions.forget_all(splits)
    resolutions.resolve_all(ordered, corrections.blocks_attachment)
    kept = resolutions.kept
    nodes = resolutions.nodes.ordered(kept)
    resolved_at = time.perf_counter()
    result = cluster(
        nodes,
        article_nodes(kept, {node.key: index for index, node in enumerate(nodes)}),
        {article[ARTICLE_ID]: article[ARTICLE_DATE] for article in ordered},
        corrections.merge_pairs(),
        corrections.split_pairs(),
        resolutions.compared,
    )
    resolutions.compared = result.compared
    clustered_at = time.perf_counter()
    timings = {
        "articles": len(ordered),
        "mentions": sum(len(article[ARTICLE_MENTIONS]) for article in ordered),
        "names": len(result.nodes),
        "candidate_pairs": result.blocking.pairs,
        "skipped_blocks": result.blocking.skipped_blocks,
        "resolved": resolutions.resolved,
        "resolve_seconds": round(resolved_at - started, 3),
        "cluster_seconds": round(clustered_at - resolved_at, 3),
    }
    articles = KeptNames({article[ARTICLE_ID]: article for article in ordered}, resolutions.kept)
    del ordered
    table = build_table(result, timings, articles)
    table.stats["entities"] = len(table)
    table.stats["table_seconds"] = round(time.perf_counter() - clustered_at, 3)
    return table, resolutions
