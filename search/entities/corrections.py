"""A user's merge and split decisions, kept in the index folder and applied on every clustering.

Why name keys and not entity ids: ids come from canonical names, which can
change when the corpus changes; the folded names a user pointed at
(`Abdul Wudod Zara`, `Abdul Wadood Zhor`) do not. Decisions are kept in the
order they were made; a new decision on the same pair replaces the old one,
so `merge A B` after `split A B` is simply a merge. They win over the
algorithm: a split is a cannot-link that no automatic merge may cross, a
merge is applied before any automatic one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..atomic import read_json, write_json_atomic
from .names import name_key

MERGE = "merge"
SPLIT = "split"


class CorrectionsError(Exception):
    """The corrections file cannot be read; it is never overwritten silently."""


@dataclass(frozen=True, slots=True)
class Correction:
    op: str  # merge | split
    a: str  # name key
    b: str
    a_text: str = ""  # as the user typed it
    b_text: str = ""
    at: str = ""  # ISO time

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.a, self.b))

    def as_dict(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "a": self.a,
            "b": self.b,
            "a_text": self.a_text,
            "b_text": self.b_text,
            "at": self.at,
        }

    def describe(self) -> str:
        return f"{self.op} {self.a_text or self.a} / {self.b_text or self.b}"


@dataclass
class Corrections:
    items: list[Correction] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Corrections:
        """The decisions in ``path``; none when the file does not exist."""
        try:
            data = read_json(Path(path))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, EOFError) as error:
            raise CorrectionsError(
                f"corrections file {path} cannot be read ({error}); fix or remove it"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("corrections"), list):
            raise CorrectionsError(f"corrections file {path} is not a corrections file; fix or remove it")
        items = []
        for row in data["corrections"]:
            try:
                if row["op"] not in (MERGE, SPLIT):
                    continue
                items.append(
                    Correction(
                        row["op"],
                        row["a"],
                        row["b"],
                        row.get("a_text", ""),
                        row.get("b_text", ""),
                        row.get("at", ""),
                    )
                )
            except (KeyError, TypeError):
                continue
        return cls(items)

    def save(self, path: Path) -> None:
        write_json_atomic(Path(path), {"version": 1, "corrections": [item.as_dict() for item in self.items]})

    def record(
        self, op: str, a: str, b: str, a_key: str | None = None, b_key: str | None = None
    ) -> Correction:
        """Add a decision (replacing any earlier one on the same pair) and return it."""
        if op not in (MERGE, SPLIT):
            raise ValueError(f"unknown correction {op!r}")
        key_a, key_b = a_key or name_key(a), b_key or name_key(b)
        if not key_a or not key_b:
            raise ValueError("both names must contain letters or digits")
        if key_a == key_b:
            raise ValueError(f"{a!r} and {b!r} are the same name")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        correction = Correction(op, key_a, key_b, a, b, now)
        self.items = [item for item in self.items if item.pair != correction.pair]
        self.items.append(correction)
        return correction

    def merge_pairs(self) -> list[tuple[str, str]]:
        return [(item.a, item.b) for item in self.items if item.op == MERGE]

    def split_pairs(self) -> list[tuple[str, str]]:
        return [(item.a, item.b) for item in self.items if item.op == SPLIT]

    def blocks_attachment(self, short_key: str, full_key: str) -> bool:
        """Whether a split forbids attaching a short mention (`Massoud`) to a full name."""
        pair = frozenset((short_key, full_key))
        return any(item.op == SPLIT and item.pair == pair for item in self.items)
