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
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, KeysView, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from operator import mul

Vector = dict[int, float]  # term id -> weighted strength


def norm(vector: Vector, keep: Sequence[int] | None = None) -> float:
    """Euclidean length (over the terms whose ``keep`` flag is set); 1.0 for an empty vector."""
    if keep is None:
        return math.sqrt(sum([v * v for v in vector.values()])) or 1.0
    return math.sqrt(sum([v * v for t, v in vector.items() if keep[t]])) or 1.0


def flags(counts: Iterable[int], low: int, high: int | None = None) -> bytes:
    """Per term, 1 when its count is at least ``low`` (and at most ``high``): a lookup per term
    where millions of vectors are filtered, made once over the vocabulary."""
    if high is None:
        return bytes([low <= count for count in counts])
    return bytes([low <= count <= high for count in counts])


Pair = tuple[int, int, float, AbstractSet[int]]  # (i, j, cosine, shared terms)
PARALLEL_MIN_CANDIDATES = 100_000  # below this many candidate pairs, forking workers costs more than it saves
CHUNKS_PER_WORKER = 16  # items are handed out in this many slices per worker, for an even load


def similar_pairs(
    vectors: Sequence[Vector],
    lengths: Sequence[float],
    candidate_terms: Sequence[Sequence[int]],
    min_score: float,
    days: Sequence[int | None] | None = None,
    max_days: int = 0,
    starts: Sequence[int] | None = None,
    with_shared: bool = True,
    workers: int | None = None,
) -> Iterator[Pair]:
    """(i, j, cosine, shared terms) for i < j sharing a candidate term, cosine >= ``min_score``.

    Yielded as found rather than gathered: a corpus has about as many pairs
    as items times a hundred, and each carries its shared terms, so a list of
    them was most of the memory a large corpus took (gigabytes at 100,000
    articles) although every caller reads them once, in order.

    ``candidate_terms[i]`` are the terms through which item i meets others
    (the rarer ones: pairs grow with the square of a term's frequency).
    Candidates of each item are gathered with C-level set unions, the
    shared terms of a pair with one intersection of the two vectors' key
    views and the dot product with ``map``, so Python's own loop runs once
    per pair. (The key views replaced a frozenset per item, a large part of
    the memory at 100,000 articles; the dot product now adds the same products in the
    order of that intersection, which may differ in the last bit from the
    order the frozensets gave. Runs stay deterministic.) Items
    whose ``days`` (day numbers, None for unknown) are more than
    ``max_days`` apart are not paired. ``starts``: only pairs whose first
    item is one of these. ``with_shared=False`` yields an empty set in place
    of the shared terms (cheaper to send back from a worker).

    Scoring pairs is most of the time of a full build, so when there are many
    candidates (``PARALLEL_MIN_CANDIDATES``) it runs in ``workers`` forked
    processes (default: every core), each scoring slices of the items; the
    pairs come out in the same order as from one process.
    """
    job = _PairJob(vectors, lengths, candidate_terms, min_score, days, max_days, with_shared)
    if starts is not None:
        yield from job.pairs(starts, later_only=False)
        return
    if workers is None:
        workers = os.cpu_count() or 1
    if workers <= 1 or job.candidates() < PARALLEL_MIN_CANDIDATES or not _CAN_FORK:
        yield from job.pairs(range(len(candidate_terms)), later_only=True)
        return
    yield from _in_workers(job, workers)


@dataclass
class _PairJob:
    """Everything scoring needs, built once; forked workers inherit it rather than receive it."""

    vectors: Sequence[Vector]
    lengths: Sequence[float]
    candidate_terms: Sequence[Sequence[int]]
    min_score: float
    days: Sequence[int | None] | None
    max_days: int
    with_shared: bool
    postings: dict[int, list[int]] = field(init=False)  # candidate term -> items holding it
    keys: list[KeysView[int]] = field(init=False)  # each item's terms, for one C-level intersection
    getters: list[Callable[[int], float]] = field(init=False)

    def __post_init__(self) -> None:
        self.postings = {}
        for number, terms in enumerate(self.candidate_terms):
            for term in terms:
                found = self.postings.get(term)
                if found is None:
                    self.postings[term] = [number]
                else:
                    found.append(number)
        self.keys = [v.keys() for v in self.vectors]
        self.getters = [v.__getitem__ for v in self.vectors]

    def candidates(self) -> int:
        """How many pairs share a candidate term, at most (counted twice over for simplicity)."""
        return sum(len(items) * len(items) for items in self.postings.values()) // 2

    def pairs(self, firsts: Iterable[int], later_only: bool) -> Iterator[Pair]:
        """The pairs of each item of ``firsts``; only with later items when ``later_only``."""
        postings, keys, getters, lengths = self.postings, self.keys, self.getters, self.lengths
        days, max_days, min_score = self.days, self.max_days, self.min_score
        nothing: frozenset[int] = frozenset()
        for first in firsts:
            terms = self.candidate_terms[first]
            if not terms:
                continue
            others = set().union(*[postings[t] for t in terms])
            mine, get, length = keys[first], getters[first], lengths[first]
            day = days[first] if days is not None else None
            for second in others:
                if second == first or (later_only and second < first):
                    continue
                if day is not None:
                    other_day = days[second]  # type: ignore[index]
                    if other_day is not None and abs(day - other_day) > max_days:
                        continue
                shared = mine & keys[second]
                score = sum(map(mul, map(get, shared), map(getters[second], shared))) / (
                    length * lengths[second]
                )
                if score >= min_score:
                    yield first, second, score, shared if self.with_shared else nothing


_CAN_FORK = "fork" in multiprocessing.get_all_start_methods()
_job: _PairJob | None = None  # the job forked workers score; set only while a pool runs


def _in_workers(job: _PairJob, workers: int) -> Iterator[Pair]:
    """``job``'s pairs scored in forked processes, slice by slice, yielded in item order."""
    global _job
    size = len(job.candidate_terms)
    step = max(1, -(-size // (workers * CHUNKS_PER_WORKER)))
    slices = [(start, min(size, start + step)) for start in range(0, size, step)]
    _job = job
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for found in pool.map(_score_slice, slices):
                yield from found
    finally:
        _job = None


def _score_slice(bounds: tuple[int, int]) -> list[Pair]:
    """In a worker: the pairs of items ``bounds[0]`` to ``bounds[1] - 1`` with later items."""
    assert _job is not None, "a pair slice runs only in a worker forked with its job"
    return list(_job.pairs(range(*bounds), later_only=True))


def components(size: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    """Union-find over ``edges``: the smallest member of each item's connected component."""
    parent = list(range(size))

    def find(item: int) -> int:
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            if ra < rb:
                parent[rb] = ra
            else:
                parent[ra] = rb
    return [find(i) for i in range(size)]


def average_link_split(size: int, edges: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    """``average_link``, run apart on each part of the graph that can merge at all.

    Two clusters merge only when the mean similarity of their pairs
    reaches ``threshold``, so at least one pair must reach it: clusters
    never cross the connected components of the edges >= threshold, and
    the weaker edges between those components never matter. Running each
    component on its own gives the same clusters with fewer edges and
    smaller heaps.
    """
    strong = [pair for pair, value in edges.items() if value >= threshold]
    root = components(size, strong)
    members: dict[int, list[int]] = {}
    for a, _b in strong:
        members.setdefault(root[a], [])
    for item in range(size):
        found = members.get(root[item])
        if found is not None:
            found.append(item)
    local_edges: dict[int, dict[tuple[int, int], float]] = {r: {} for r in members}
    for (a, b), value in edges.items():
        r = root[a]
        if r == root[b] and r in local_edges:
            local_edges[r][(a, b)] = value
    clusters: list[list[int]] = [[i] for i in range(size) if root[i] not in members]
    for r, items in members.items():
        index = {item: n for n, item in enumerate(items)}
        sub = {(index[a], index[b]): v for (a, b), v in local_edges[r].items()}
        clusters.extend([items[n] for n in cluster] for cluster in average_link(len(items), sub, threshold))
    return sorted(clusters, key=lambda group: group[0])


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
