"""Laying one event out as columns, one per source, aligned passage by passage.

Why an alignment and not just side-by-side lists: sources tell the same
happening in different orders and at different lengths. Rows pair each
passage with the most similar passage of the other columns while keeping
every column in reading order (a monotone alignment, like aligning two
texts), so the reader's eye moves down all columns at once.

Columns are added one at a time, the source with most passages first; each
new column is aligned to the rows built so far by dynamic programming
(gaps are free, a pairing scores its similarity). Passages that pair with
nothing get rows of their own, placed after the row of the passage before
them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .differences import find_differences
from .models import CompareRow, Comparison, Event, Passage
from .names import EntityResolver

MIN_SIMILARITY = 0.05


def passage_vector(passage: Passage) -> dict[str, float]:
    """A light term set for alignment: resolved entities, content words, amounts."""
    terms: dict[str, float] = dict.fromkeys(passage.entities, 1.5)
    for word in passage.features.words:
        terms["w:" + word] = 1.0
    for quantity in passage.features.quantities:
        if quantity.value is not None:
            terms[f"q:{quantity.value:g}"] = 1.5
    return terms


def similarity(
    first: Mapping[str, float], second: Mapping[str, float], weights: Mapping[str, float] | None = None
) -> float:
    def w(term: str) -> float:
        return weights.get(term, 1.0) if weights else 1.0

    shared = sum(first[t] * second[t] * w(t) ** 2 for t in first if t in second)
    if not shared:
        return 0.0
    norm = math.sqrt(
        sum((v * w(t)) ** 2 for t, v in first.items()) * sum((v * w(t)) ** 2 for t, v in second.items())
    )
    return shared / norm if norm else 0.0


def align(
    event: Event, weights: Mapping[str, float] | None = None
) -> tuple[tuple[str, ...], list[CompareRow]]:
    """Column order and aligned rows for ``event``."""
    by_source = event.by_source
    columns = tuple(sorted(by_source, key=lambda s: (-len(by_source[s]), s)))
    vectors = {p.key: passage_vector(p) for p in event.passages}
    rows: list[list[list[Passage]]] = [[[p]] for p in by_source[columns[0]]] if columns else []
    for column_number, source in enumerate(columns[1:], start=1):
        new = by_source[source]
        pairs = _monotone(rows, new, vectors, weights)
        merged: list[list[list[Passage]]] = []
        position = 0
        for row_index, row in enumerate(rows):
            # passages that pair with nothing and come before this row's partner get rows of their own
            partner = pairs.get(row_index)
            if partner is not None:
                while position < partner:
                    merged.append(_row_with(column_number, new[position]))
                    position += 1
                row.append([new[partner]])
                position = partner + 1
            else:
                row.append([])
            merged.append(row)
        while position < len(new):
            merged.append(_row_with(column_number, new[position]))
            position += 1
        for row in merged:  # rows created before this column get an empty cell for it
            while len(row) < column_number + 1:
                row.append([])
        rows = merged
    return columns, [CompareRow(tuple(tuple(cell) for cell in row)) for row in rows]


def _row_with(column_number: int, passage: Passage) -> list[list[Passage]]:
    return [[] for _ in range(column_number)] + [[passage]]


def _monotone(
    rows: Sequence[Sequence[Sequence[Passage]]],
    new: Sequence[Passage],
    vectors: Mapping[str, Mapping[str, float]],
    weights: Mapping[str, float] | None,
) -> dict[int, int]:
    """Row index -> index in ``new``: the order-keeping pairing of greatest total similarity."""
    n, m = len(rows), len(new)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 0 skip row, 1 skip passage, 2 pair
    for i in range(1, n + 1):
        row_passages = [p for cell in rows[i - 1] for p in cell]
        for j in range(1, m + 1):
            best, how = score[i - 1][j], 0
            if score[i][j - 1] > best:
                best, how = score[i][j - 1], 1
            sim = max(
                (similarity(vectors[p.key], vectors[new[j - 1].key], weights) for p in row_passages),
                default=0.0,
            )
            if sim >= MIN_SIMILARITY and score[i - 1][j - 1] + sim > best:
                best, how = score[i - 1][j - 1] + sim, 2
            score[i][j], move[i][j] = best, how
    pairs: dict[int, int] = {}
    i, j = n, m
    while i > 0 and j > 0:
        if move[i][j] == 2:
            pairs[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif move[i][j] == 1:
            j -= 1
        else:
            i -= 1
    return pairs


def compare_event(
    event: Event, resolver: EntityResolver | None = None, weights: Mapping[str, float] | None = None
) -> Comparison:
    """The compare view of ``event`` as plain data: columns, aligned rows, differences."""
    columns, rows = align(event, weights)
    differences = event.differences
    if not differences and resolver is not None:
        differences = tuple(find_differences(event, resolver))
    return Comparison(event=event, columns=columns, rows=tuple(rows), differences=tuple(differences))
