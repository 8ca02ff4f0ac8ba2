"""Group a plain list of names into spellings of one name (`explorer variants`).

Why the same matcher as the entity clustering: this command is how users
clean their own name lists, and how we measure the matcher on real lists
with known answers (OFAC aliases, GeoNames city spellings). There is no
corpus context here, so only *strong* matches merge: every name token equal
or a few edits apart. `QADHAFI`/`GADDAFI` sound alike but stay apart here;
in a corpus, shared titles and co-mentions can join them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .blocking import candidate_pairs
from .model import NameGroup
from .names import STRONG, compare, core_tokens, listed_name, name_key, name_tokens

SINGLE_MIN = 8  # without context, one-word names need 8 letters for a 1-edit merge (Chuzhou/Chizhou)
SYLLABLE = 3  # romanised syllables (`yi`, `da`, `shi`) are no longer than this


def _syllables(core: tuple[str, ...]) -> bool:
    """Whether every word is a short syllable, so that words read as particles are name parts."""
    return all(len(token) <= SYLLABLE for token in core)


COMPLETE_LINK_MAX = 400  # pairs to check when two groups join; beyond it only their main names are compared


def _all_match(
    left: list[int], right: list[int], cores: list[tuple[str, ...]], known: tuple[int, int]
) -> bool:
    """Whether every name of one group matches every name of the other (a chain
    `Jinzhou`~`Jinzhou Shi`~`Jingzhou` joins two cities through a shared spelling)."""
    if len(left) * len(right) > COMPLETE_LINK_MAX:
        return True
    for a in left:
        for b in right:
            if (a, b) == known or (b, a) == known or cores[a] == cores[b]:
                continue
            if compare(cores[a], cores[b], SINGLE_MIN).kind != STRONG:
                return False
    return True


def group_names(names: Iterable[str], inverted: bool = True) -> list[NameGroup]:
    """Every distinct name in a group; groups in order of first appearance.

    ``inverted``: read `SURNAME, Given` as `Given SURNAME` (common in lists).
    """
    counts: Counter[str] = Counter()
    order: list[str] = []
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            continue
        if name not in counts:
            order.append(name)
        counts[name] += 1
    keys: dict[str, int] = {}
    key_of_name: list[int] = []
    cores: list[tuple[str, ...]] = []
    for name in order:
        key = name_key(listed_name(name) if inverted else name)
        if key not in keys:
            keys[key] = len(cores)
            cores.append(core_tokens(name_tokens(key)))
        key_of_name.append(keys[key])
    weight = Counter()
    for name, key_index in zip(order, key_of_name, strict=True):
        weight[key_index] += counts[name]
    parent = list(range(len(cores)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    heads = list(range(len(cores)))  # per root: its most frequent key
    members = {index: [index] for index in range(len(cores))}  # per root: its keys
    pairs, _stats = candidate_pairs(cores)
    matches = []
    for i, j in pairs:
        if cores[i] == cores[j] and _syllables(cores[i]):
            continue  # `yi da shi`/`yi shi`: `da` is a syllable there, not a particle that may go
        match = compare(cores[i], cores[j], SINGLE_MIN)
        if match.kind == STRONG:
            matches.append((-match.score, i, j))
    matches.sort()
    for _score, i, j in matches:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        hi, hj = heads[ri], heads[rj]
        if (hi, hj) != (i, j) and compare(cores[hi], cores[hj], SINGLE_MIN).kind != STRONG:
            continue  # no chains: the groups' main names must match as strongly
        if not _all_match(members[ri], members[rj], cores, (i, j)):
            continue  # complete link: no two names of a group may fail the matcher
        parent[rj] = ri
        members[ri].extend(members.pop(rj))
        heads[ri] = max(hi, hj, key=lambda k: (weight[k], -k))
    groups: dict[int, list[str]] = {}
    for name, key_index in zip(order, key_of_name, strict=True):
        groups.setdefault(find(key_index), []).append(name)
    first_seen = {name: position for position, name in enumerate(order)}
    out = []
    for members in groups.values():
        canonical = max(members, key=lambda n: (counts[n], -first_seen[n]))
        out.append(NameGroup(tuple(members), canonical))
    return out
