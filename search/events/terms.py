"""Passages as sets of integer terms: entity keys, content stems, amounts, dates.

Why integers: grouping compares hundreds of thousands of passages; with
each term a small int, the shared terms of two passages are one C-level
set intersection and the vectors fit in flat ``array`` columns that save
and load as raw bytes.

A passage's terms are coded as ``term_id << SHIFT | flags``: ``SPEAKER``
when the passage names that entity only as the one who speaks ("...,
Mujahid said"), which counts for less (``SPEAKER_FACTOR``); ``PART`` when
the key is one word of a longer name (the fallback gives "Fahim Dashti"
the keys ``e:fahim`` and ``e:dashti``), so that a two-word name counts
about as much as a one-word name instead of twice (``PART_FACTOR``).
Everything else about a term (its kind, whether it is a generic word)
follows from its text, kept once in the ``Vocabulary``.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence

from .features import RawFeatures
from .lexicon import GENERIC_FACTOR, GENERIC_STEMS
from .names import EntityResolver

SPEAKER_FACTOR = 0.4  # a name that only attributes the passage ("..., Dashti tweeted")
PART_FACTOR = 0.7  # about 1/sqrt(2): each word key of a name of several words
SHIFT = 2
SPEAKER, PART = 1, 2
STRENGTH = (1.0, SPEAKER_FACTOR, PART_FACTOR, SPEAKER_FACTOR * PART_FACTOR)  # by flags

# Kinds of term, by prefix.
ENTITY, WORD, NUMBER, DATE, WEEKDAY = 0, 1, 2, 3, 4
_PREFIXES = (("e:", ENTITY), ("w:", WORD), ("q:", NUMBER), ("d:", DATE), ("wd:", WEEKDAY))


def kind_of(term: str) -> int:
    for prefix, kind in _PREFIXES:
        if term.startswith(prefix):
            return kind
    return WORD


class Vocabulary:
    """Term text <-> id, with the per-term facts grouping needs (kind, strength)."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self.terms: list[str] = []
        self.ids: dict[str, int] = {}
        self.kinds = bytearray()
        self.factor: list[float] = []  # GENERIC_FACTOR for generic words, else 1.0
        self.word_ids: dict[str, int] = {}  # stem -> id of "w:stem" (the commonest lookup)
        for term in terms:
            self.add(term)

    def __len__(self) -> int:
        return len(self.terms)

    def add(self, term: str) -> int:
        found = self.ids.get(term)
        if found is not None:
            return found
        number = len(self.terms)
        self.terms.append(term)
        self.ids[term] = number
        kind = kind_of(term)
        self.kinds.append(kind)
        self.factor.append(GENERIC_FACTOR if kind == WORD and term[2:] in GENERIC_STEMS else 1.0)
        return number

    def copy(self) -> Vocabulary:
        other = Vocabulary.__new__(Vocabulary)
        other.terms = list(self.terms)
        other.ids = dict(self.ids)
        other.kinds = bytearray(self.kinds)
        other.factor = list(self.factor)
        other.word_ids = dict(self.word_ids)
        return other


def number_term(value: float) -> str:
    return "q:" + (str(int(value)) if value == int(value) else str(value))


def passage_codes(
    raw: RawFeatures,
    text: str | None,
    resolver: EntityResolver,
    vocabulary: Vocabulary,
) -> list[int]:
    """The coded terms of one passage (see the module docstring), each term once.

    ``text`` is the passage text, needed only when the resolver has an
    entity hook (the hook reads names as written).
    """
    codes: dict[int, int] = {}  # term -> flags (the strongest mention wins)
    ids, add = vocabulary.ids, vocabulary.add
    hooked = text is not None and resolver.canonical is not None
    for start, end, tokens, speaker in raw.mentions:
        written = text[start:end] if hooked else None  # type: ignore[index]
        keys = resolver.keys_of(tokens, written)
        whole = resolver.is_hooked(written)  # the entity's key first, then the names it contains
        for number, key in enumerate(keys):
            part = number > 0 if whole else len(keys) > 1
            flags = (SPEAKER if speaker else 0) | (PART if part else 0)
            term = ids.get(key)
            if term is None:
                term = add(key)
            old = codes.get(term)
            if old is None or STRENGTH[flags] > STRENGTH[old]:
                codes[term] = flags
    words = vocabulary.word_ids
    for word in raw.words:
        term = words.get(word)
        if term is None:
            term = words[word] = add("w:" + word)
        codes.setdefault(term, 0)
    for quantity in raw.quantities:
        value = quantity[2]
        if value is not None and value > 2:
            codes.setdefault(add(number_term(value)), 0)
    for date in raw.dates:
        if date[2]:
            codes.setdefault(add("d:" + date[2]), 0)
        if date[3]:  # also when resolved: an undated "on Sunday" still meets it
            codes.setdefault(add("wd:" + date[3]), 0)
    return [term << SHIFT | flags for term, flags in codes.items()]


class Weights:
    """Term weights: smoothed inverse document frequency times the multiplier of the term's kind."""

    def __init__(self, vocabulary: Vocabulary, df: Sequence[int], total: int, multipliers: Sequence[float]):
        n = total + 1
        kinds = vocabulary.kinds
        self.value = [
            math.log(n / count) * multipliers[kinds[term]] if count else 0.0 for term, count in enumerate(df)
        ]

    def __getitem__(self, term: int) -> float:
        return self.value[term]


def vector(codes: Sequence[int], weights: list[float], factor: list[float]) -> dict[int, float]:
    """Term -> weighted strength (weight x generic factor x speaker factor) of one passage."""
    out = {}
    for code in codes:
        term = code >> SHIFT
        out[term] = weights[term] * factor[term] * STRENGTH[code & 3]
    return out


def empty_codes() -> array:
    return array("i")
