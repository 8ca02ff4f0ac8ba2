"""Candidate pairs of the event engine: scored in forked workers, the same pairs as in one process."""

from __future__ import annotations

import random

from search.events import cluster
from search.events.cluster import PARALLEL_MIN_CANDIDATES, norm, similar_pairs


def _items(count: int, pool: int, per_item: int, seed: int) -> tuple[list[dict[int, float]], list[list[int]]]:
    """Random weighted vectors over a small pool of terms: every term is shared by many items."""
    rng = random.Random(seed)
    vectors = [{t: rng.uniform(0.1, 2.0) for t in rng.sample(range(pool), per_item)} for _ in range(count)]
    return vectors, [sorted(v) for v in vectors]


def test_pairs_from_workers_are_those_of_one_process_in_the_same_order() -> None:
    vectors, candidates = _items(count=600, pool=60, per_item=8, seed=7)
    lengths = [norm(v) for v in vectors]
    days = [None if n % 7 == 0 else n % 45 for n in range(len(vectors))]
    job = cluster._PairJob(vectors, lengths, candidates, 0.2, days, 30, True)
    assert job.candidates() >= PARALLEL_MIN_CANDIDATES  # large enough that workers are used

    alone = list(similar_pairs(vectors, lengths, candidates, 0.2, days, 30, workers=1))
    forked = list(similar_pairs(vectors, lengths, candidates, 0.2, days, 30, workers=2))

    assert alone, "the random items should have similar pairs"
    assert forked == alone
    assert all(a < b and score >= 0.2 for a, b, score, _shared in alone)
    assert all(shared == vectors[a].keys() & vectors[b].keys() for a, b, _score, shared in alone)
    assert cluster._job is None  # the job is not kept once the workers are done


def test_pairs_without_shared_terms_carry_empty_sets_and_the_same_scores() -> None:
    vectors, candidates = _items(count=600, pool=60, per_item=8, seed=11)
    lengths = [norm(v) for v in vectors]
    full = list(similar_pairs(vectors, lengths, candidates, 0.25, workers=2))
    lean = list(similar_pairs(vectors, lengths, candidates, 0.25, with_shared=False, workers=2))

    assert [(a, b, s) for a, b, s, _ in lean] == [(a, b, s) for a, b, s, _ in full]
    assert all(shared == frozenset() for *_rest, shared in lean)


def test_pairs_of_given_starts_include_earlier_items() -> None:
    vectors = [{1: 1.0, 2: 1.0}, {1: 1.0, 3: 1.0}, {1: 1.0, 2: 1.0}]
    lengths = [norm(v) for v in vectors]
    candidates = [[1, 2], [1, 3], [1, 2]]

    pairs = {(a, b) for a, b, _s, _t in similar_pairs(vectors, lengths, candidates, 0.1, starts=[2])}

    assert pairs == {(2, 0), (2, 1)}
