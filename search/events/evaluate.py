"""Scores of a clustering against known groups: B-cubed, pairwise precision/recall, adjusted Rand.

Pure functions over two mappings item -> cluster label. They never read a
data set: benchmarks and tests strip the known answers from the articles,
cluster them, and only then hand the gold labels to these functions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from math import comb


def bcubed(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 over the items in ``gold``."""
    items = [i for i in gold if i in predicted]
    if not items:
        return 0.0, 0.0, 0.0
    pairs = Counter((predicted[i], gold[i]) for i in items)
    by_pred = Counter(predicted[i] for i in items)
    by_gold = Counter(gold[i] for i in items)
    precision = sum(pairs[(predicted[i], gold[i])] / by_pred[predicted[i]] for i in items) / len(items)
    recall = sum(pairs[(predicted[i], gold[i])] / by_gold[gold[i]] for i in items) / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def pairwise(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> tuple[float, float, float]:
    """Precision and recall over pairs of items put together, and their F1."""
    items = [i for i in gold if i in predicted]
    pairs = Counter((predicted[i], gold[i]) for i in items)
    together = sum(comb(n, 2) for n in pairs.values())
    predicted_pairs = sum(comb(n, 2) for n in Counter(predicted[i] for i in items).values())
    gold_pairs = sum(comb(n, 2) for n in Counter(gold[i] for i in items).values())
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> float:
    """Adjusted Rand index (1 is perfect, about 0 is chance)."""
    items = [i for i in gold if i in predicted]
    n = len(items)
    if n < 2:
        return 1.0
    index = sum(comb(c, 2) for c in Counter((predicted[i], gold[i]) for i in items).values())
    a = sum(comb(c, 2) for c in Counter(predicted[i] for i in items).values())
    b = sum(comb(c, 2) for c in Counter(gold[i] for i in items).values())
    expected = a * b / comb(n, 2)
    maximum = (a + b) / 2
    return (index - expected) / (maximum - expected) if maximum != expected else 1.0
