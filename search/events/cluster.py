"""Weighted sparse vectors, candidate pairs from an inverted index, average-link clustering.

Shared by events (passages) and stories (articles). Why these choices:

- Candidates come from an inverted index over the rarer terms, like a
  search index: two items are compared only when they share a term that
  few items have. Very common terms ("said", "Taliban" in a Taliban
  corpus) would pair everything with everything and say little.
- Average link over the candidate graph, with missing edges counting as 0:
  a group grows only while its members are, on average, similar to the
  newcomer. Connected components would chain: a passage mentioning both the
  spokesman's death and the casualty claims would glue two events into one.
- Deterministic: ties are broken by item number, so an unchanged corpus
  gives the same clusters (and event ids) on every run.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

Doc = Mapping[str, float]  # term -> how strongly this item has it (1.0 for plain presence)


def idf_weights(docs: Sequence[Doc], multipliers: dict[str, float]) -> dict[str, float]:
    """Term -> weight: smoothed inverse document frequency times the multiplier of its kind.

    A term's kind is the prefix before ":" ("e:" entity, "w:" word, ...).
    """
    df: Counter[str] = Counter()
    for terms in docs:
        df.update(terms)
    n = len(docs) + 1
    weights = {}
    for term, count in df.items():
        kind = term[: term.index(":") + 1] if ":" in term else ""
        weights[term] = math.log(n / count) * multipliers.get(kind, 1.0)
    return weights


def candidate_pairs(
    docs: Sequence[Doc],
    weights: dict[str, float],
    max_df: int,
    allowed: Callable[[int, int], bool] | None = None,
    min_df: int = 2,
) -> dict[tuple[int, int], float]:
    """(i, j) -> dot product over the shared terms with min_df <= df <= max_df.

    ``allowed`` can veto pairs (e.g. articles published weeks apart).
    """
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for number, terms in enumerate(docs):
        for term, value in terms.items():
            postings[term].append((number, value))
    shared: dict[tuple[int, int], float] = defaultdict(float)
    for term, items in postings.items():
        if not min_df <= len(items) <= max_df:
            continue
        weight = weights[term] ** 2
        if weight <= 0:
            continue
        for position, (first, value) in enumerate(items):
            for second, other in items[position + 1 :]:
                shared[(first, second)] += weight * value * other
    if allowed is not None:
        return {pair: value for pair, value in shared.items() if allowed(*pair)}
    return shared


def norms(
    docs: Sequence[Doc], weights: dict[str, float], keep: Callable[[str], bool] | None = None
) -> list[float]:
    """Euclidean length of each weighted vector (over the terms ``keep`` accepts)."""
    return [
        math.sqrt(sum((weights[t] * v) ** 2 for t, v in terms.items() if keep is None or keep(t))) or 1.0
        for terms in docs
    ]


def dot(first: Doc, second: Doc, weights: dict[str, float]) -> float:
    if len(second) < len(first):
        first, second = second, first
    return sum(weights[t] ** 2 * v * second[t] for t, v in first.items() if t in second)


def average_link(size: int, edges: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    """Clusters of 0..size-1 by average-link agglomeration over ``edges`` (missing edges are 0).

    Two clusters merge while the mean similarity over all pairs of their
    members is at least ``threshold``. Returns clusters sorted by their
    smallest member, members sorted.
    """
    members: dict[int, list[int]] = {i: [i] for i in range(size)}
    links: dict[int, dict[int, float]] = defaultdict(dict)  # cluster -> neighbour -> summed similarity
    for (a, b), value in edges.items():
        if value <= 0 or a == b:
            continue
        links[a][b] = links[a].get(b, 0.0) + value
        links[b][a] = links[b].get(a, 0.0) + value
    heap = [
        (-value, a, b)
        for a, neighbours in links.items()
        for b, value in neighbours.items()
        if a < b and value >= threshold
    ]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        total = links[a].get(b)
        if total is None:
            continue
        mean = total / (len(members[a]) * len(members[b]))
        if abs(mean + negative) > 1e-12:
            continue  # stale entry: the clusters changed since it was pushed
        keep, gone = (a, b) if a < b else (b, a)
        members[keep].extend(members.pop(gone))
        neighbours_gone = links.pop(gone, {})
        neighbours_keep = links[keep]
        neighbours_keep.pop(gone, None)
        neighbours_gone.pop(keep, None)
        for other, value in neighbours_gone.items():
            neighbours_keep[other] = neighbours_keep.get(other, 0.0) + value
            other_links = links[other]
            other_links.pop(gone, None)
            other_links[keep] = neighbours_keep[other]
        size_keep = len(members[keep])
        for other, value in neighbours_keep.items():
            mean = value / (size_keep * len(members[other]))
            if mean >= threshold:
                first, second = (keep, other) if keep < other else (other, keep)
                heapq.heappush(heap, (-mean, first, second))
    return sorted((sorted(group) for group in members.values()), key=lambda group: group[0])
