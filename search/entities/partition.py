"""Which names the last clustering put together, kept between runs so that an update can
re-cluster only the names it touches.

Why: clustering every name again after each change was most of an index update at
100,000 articles (about 5 s, and 2 s more to make every entity again and 1.3 s to write
them all), while ten changed articles touch a few hundred names. An update now opens the
entities that hold a name it counted in or out, re-clusters their names and the names
they could merge with, and keeps every other entity as it was (``clustering.cluster``).

Why not exact: whether two names merge may read which entities the names beside them
are in, anywhere in the corpus, and merges are made best first across the whole corpus;
so a change can, in principle, alter a decision far from the names it touched. Such
decisions are left as they were until the next full clustering, which runs after
``FULL_EVERY`` updates in a row, when more than ``MAX_SHARE`` of the names were touched,
and whenever the user's corrections change (as the event table is rebuilt after a number
of incremental updates). A full clustering is what a fresh build makes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from .model import Evidence

FULL_EVERY = 20  # incremental clusterings in a row before a full one
MAX_SHARE = 0.2  # a change touching more of the names than this clusters them all again

Corrected = tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]  # (merges, splits)


@dataclass(slots=True)
class Partition:
    """The entities of more than one name (their sorted name keys and the evidence of the
    merges that made them: short forms' evidence is made again from the names), the user's
    corrections they were clustered with, and how many updates ago the last full clustering
    was. ``token`` is written into the stats of the table made with it, so that an update
    patches only the table file this partition describes."""

    clusters: list[tuple[tuple[str, ...], tuple[Evidence, ...]]]
    corrected: Corrected
    updates: int = 0
    token: str = ""

    def __post_init__(self) -> None:
        if not self.token:
            self.token = secrets.token_hex(8)

    def allows_update(self, corrected: Corrected, touched: int, names: int) -> bool:
        """Whether the next clustering may be incremental (see the module doc)."""
        return (
            self.corrected == corrected
            and self.updates + 1 < FULL_EVERY
            and touched <= MAX_SHARE * max(names, 1)
        )

    def state(self) -> tuple[Any, ...]:
        """Plain tuples (pickled with the name nodes)."""
        clusters = [
            (keys, tuple((e.a, e.b, e.rule, e.score, e.context, e.reasons) for e in evidence))
            for keys, evidence in self.clusters
        ]
        return 1, clusters, self.corrected, self.updates, self.token

    @classmethod
    def from_state(cls, state: Any) -> Partition | None:
        """The saved partition, or None when there is none or it is of another form."""
        if not (isinstance(state, tuple) and len(state) == 5 and state[0] == 1):
            return None
        try:
            _version, clusters, corrected, updates, token = state
            kept = [(tuple(keys), tuple(Evidence(*item) for item in evidence)) for keys, evidence in clusters]
            merges, splits = corrected
            fixed = (tuple(map(tuple, merges)), tuple(map(tuple, splits)))
        except (TypeError, ValueError):
            return None
        return cls(kept, fixed, int(updates), str(token))  # type: ignore[arg-type]


__all__ = ["FULL_EVERY", "MAX_SHARE", "Corrected", "Partition"]
