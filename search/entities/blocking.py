"""Candidate pairs of names, without comparing every name with every other.

Why these keys: two spellings of one name share the *sound* of their name
tokens far more reliably than any substring. Each name gets keys made of the
consonant skeletons (``names.sound_key``) of two of its tokens, tagged with
its number of tokens (a name only matches a name of the same length), plus
one key for all its tokens run together (`Abdulqader` / `Abdul Qader`).
One-word names get the skeleton of their word. Names sharing a key are
candidates; a block so large that it stands for nothing specific (a very
common first name and surname pair) is skipped and counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from .names import sound_key

MAX_BLOCK = 120
# Bump whenever ``block_keys`` would give a name other keys (as when ``names.sound_key`` or
# ``names.core_tokens`` change): the keys kept with the name nodes are then made again.
BLOCKS_VERSION = 1


@dataclass(frozen=True, slots=True)
class BlockingStats:
    names: int
    blocks: int
    skipped_blocks: int  # blocks larger than the limit, not expanded into pairs
    pairs: int


def block_keys(core: tuple[str, ...]) -> list[str]:
    """Blocking keys of a name given its core tokens."""
    if not core:
        return []
    sounds = [sound_key(token) for token in core]
    if len(core) == 1:
        return [f"1|{sounds[0]}"]
    size = len(core)
    keys = [f"{size}|{a}|{b}" for a, b in combinations(sounds, 2)]
    keys.append(f"*|{sound_key(''.join(core))}")
    return keys


def candidate_pairs(
    names: Sequence[tuple[str, ...]],
    max_block: int = MAX_BLOCK,
    focus: set[int] | None = None,
    keys: Sequence[Sequence[str]] | None = None,
) -> tuple[list[tuple[int, int]], BlockingStats]:
    """Index pairs (i < j) of names that share a blocking key; with ``focus``, only the pairs
    that hold one of those names (an incremental clustering). ``keys``: each name's
    ``block_keys``, when known."""
    blocks: dict[str, list[int]] = defaultdict(list)
    of = (lambda index: block_keys(names[index])) if keys is None else keys.__getitem__
    # With a focus, only its names' blocks are gathered (each whole: its size decides).
    wanted = None if focus is None else {key for index in focus for key in of(index)}
    for index in range(len(names)):
        for key in of(index):
            if wanted is None or key in wanted:
                blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    skipped = 0
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) > max_block:
            skipped += 1
            continue
        if focus is None:
            pairs.update(combinations(sorted(set(members)), 2))
        elif not focus.isdisjoint(members):
            everyone = set(members)
            for inside in focus.intersection(members):
                pairs.update(
                    (min(inside, other), max(inside, other)) for other in everyone if other != inside
                )
    # Sorted as one int per pair (i * len(names) + j: the same order): a sort of 300,000 tuples
    # held the GIL about 0.25 s at 100,000 articles, the TUI's screen waiting meanwhile.
    size = len(names)
    ordered = [divmod(code, size) for code in sorted(first * size + second for first, second in pairs)]
    return ordered, BlockingStats(len(names), len(blocks), skipped, len(ordered))
