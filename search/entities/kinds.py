"""What kind of thing a name is, from the cues around its mentions.

Why weights and a margin: one `in Kabul` does not make a place, and an
organisation also `said` things. Each cue votes for a kind with a weight
(strong cues: a title, an organisation word or a place word inside the name;
weak ones: `X said`, `in X`); a kind is given only when its votes are
enough and clearly ahead of the runner-up. Otherwise the kind is `unknown`,
which is an honest answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter

PERSON, ORG, PLACE, OTHER, UNKNOWN = "person", "org", "place", "other", "unknown"
KINDS = (PERSON, ORG, PLACE, OTHER, UNKNOWN)

CUE_WEIGHTS: dict[str, tuple[str, float]] = {
    "T": (PERSON, 3.0),
    "r": (PERSON, 1.0),
    "k": (PERSON, 1.5),
    "s": (PERSON, 0.4),
    "O": (ORG, 3.0),
    "o": (ORG, 1.0),
    "a": (ORG, 0.3),
    "P": (PLACE, 3.0),
    "p": (PLACE, 1.5),
    "i": (PLACE, 1.0),
    "l": (PLACE, 1.5),
}
CUE_NAMES = {
    "T": "title",
    "r": "role word",
    "k": "family word",
    "s": "speech verb",
    "O": "organisation word",
    "o": "organisation noun",
    "a": "acronym",
    "P": "place word",
    "p": "place noun",
    "i": "'in'",
    "l": "local place cue",
}
MIN_VOTES = 1.0
MARGIN = 2.0  # the winner needs this many times the runner-up's votes
MIN_SHARE = 0.05  # ... and votes worth this share of the name's mentions
MENTIONS = "#"  # pseudo cue: how many mentions the cue counts come from


# `X said`, an acronym: they add to a kind (at most its own votes again), never decide one alone
SUPPORT_ONLY = frozenset("sa")


def _votes(cues: Mapping[str, int]) -> dict[str, float]:
    """Positive votes per kind (plain dicts: this runs for every name of the corpus, and
    Counter's Python-level methods cost more than the sums).

    Summed in one fixed order of the cues, not in the order a name first met them: float sums
    of weights such as 0.3 and 0.4 differ in the last bit with the order, and counts kept
    between runs (``casing.CorpusStats``, the name nodes) meet their cues in another order
    than a fresh count does."""
    votes: dict[str, float] = {}
    support: dict[str, float] = {}
    for code, (kind, weight) in CUE_WEIGHTS.items():
        count = cues.get(code)
        if count:
            target = support if code in SUPPORT_ONLY else votes
            target[kind] = target.get(kind, 0) + weight * count
    for kind, weight in support.items():
        own = votes.get(kind, 0)
        if own > 0:  # at most doubles what the kind's own cues say: 4,907 'U.S.' acronyms and 9
            votes[kind] = own + min(weight, own)  # organisation nouns must not outvote 116 'in's

    return {kind: weight for kind, weight in votes.items() if weight > 0}


def decide_kind(cues: Mapping[str, int]) -> str:
    """The kind the cues support clearly, else `unknown`.

    The count of mentions travels with the cues under MENTIONS: a name
    mentioned a thousand times needs more than one stray `, an official`
    beside it to become a person.
    """
    votes = _votes(cues)
    if not votes:
        return UNKNOWN
    ranked = sorted(votes.items(), key=itemgetter(1), reverse=True)[:2]  # as Counter.most_common(2)
    best, score = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    needed = max(MIN_VOTES, MIN_SHARE * cues.get(MENTIONS, 0))
    if score >= needed and score >= MARGIN * runner:
        return best
    return UNKNOWN


def conflict(kind_a: str, kind_b: str) -> bool:
    """Whether two decided kinds (``decide_kind``) are clearly different.

    A person is never an organisation or a place, and `New York Corp` is not
    `New York`. Only clear kinds conflict: a name of unknown kind (most
    countries acting as governments, `Pakistan accused ...`) meets any.
    """
    return UNKNOWN not in (kind_a, kind_b) and kind_a != kind_b


def describe_cues(cues: Mapping[str, int]) -> str:
    """`title x2, role word x1`: why a kind was given."""
    ranked = sorted(cues.items(), key=lambda item: (-item[1], item[0]))  # ties by code: see ``_votes``
    # Only the cues that vote: the others (a possessive, a name alone on a line) serve resolution.
    parts = [f"{CUE_NAMES[code]} x{count}" for code, count in ranked if code in CUE_NAMES]
    return ", ".join(parts)
