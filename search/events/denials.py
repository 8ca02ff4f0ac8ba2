"""A denial and the claim it answers (filled in below)."""

from __future__ import annotations

from collections.abc import Sequence

from .grouping import Weighting
from .store import Store


def denial_links(store: Store, passages: Sequence[int], weighting: Weighting) -> dict[tuple[int, int], float]:
    return {}
