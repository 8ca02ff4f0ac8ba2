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
from .clustering import cluster
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
    started = time.perf_counter()
    ordered: Sequence[ArticleMentions] = sorted(records, key=lambda record: record.id)
    corrections = corrections or Corrections()
    stats = CorpusStats.gather(ordered)
    blocked = corrections.blocks_attachment
    resolved = [resolve(record, stats, blocked) for record in ordered]
    resolved_at = time.perf_counter()
    result = cluster(resolved, corrections.merge_pairs(), corrections.split_pairs())
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
    table = build_table(resolved, result, timings)
    table.stats["entities"] = len(table)
    table.stats["table_seconds"] = round(time.perf_counter() - clustered_at, 3)
    return table
