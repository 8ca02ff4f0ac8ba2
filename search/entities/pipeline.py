"""Stored mentions -> entity table, in one call, with the time each step took.

Why a separate step from extraction: extraction runs per article when the
article is indexed; this runs over the stored records of the whole corpus
(corpus statistics, per-article resolution, blocking, clustering) and takes
seconds even for tens of thousands of articles, so it simply runs again
after every change.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from .casing import CorpusStats
from .clustering import NodeBuilder, cluster
from .corrections import Corrections
from .mentions import ArticleMentions
from .resolve import resolve
from .storage import no_gc
from .table import EntityTable, build_table


def build_entities(records: Iterable[ArticleMentions], corrections: Corrections | None = None) -> EntityTable:
    """The entity table of a corpus from its per-article mention records (sorted by article id)."""
    with no_gc():
        return _build(records, corrections)


def _build(records: Iterable[ArticleMentions], corrections: Corrections | None) -> EntityTable:
    """Each article is resolved and counted into the name nodes at once (``NodeBuilder``), so
    that only the few integers per mention the table needs outlive its resolution; the
    corpus statistics are dropped once every article is resolved."""
    started = time.perf_counter()
    ordered: Sequence[ArticleMentions] = sorted(records, key=lambda record: record.id)
    corrections = corrections or Corrections()
    stats = CorpusStats.gather(ordered)
    blocked = corrections.blocks_attachment
    builder = NodeBuilder()
    for record in ordered:
        builder.add(resolve(record, stats, blocked))
    del stats
    resolved_at = time.perf_counter()
    result = cluster(builder, corrections.merge_pairs(), corrections.split_pairs())
    clustered_at = time.perf_counter()
    timings = {
        "articles": len(ordered),
        "mentions": sum(len(record.mentions) for record in ordered),
        "names": len(result.nodes),
        "candidate_pairs": result.blocking.pairs,
        "skipped_blocks": result.blocking.skipped_blocks,
        "resolve_seconds": round(resolved_at - started, 3),
        "cluster_seconds": round(clustered_at - resolved_at, 3),
    }
    del ordered
    table = build_table(builder.articles, result, timings)
    table.stats["entities"] = len(table)
    table.stats["table_seconds"] = round(time.perf_counter() - clustered_at, 3)
    return table
