"""Grouping passages from different articles that report the same happening into events.

Each passage is a set of terms (see ``terms.py``): its entity keys
(``e:``), content stems (``w:``), amounts (``q:1000``: "more than 1,000"
and "a thousand" meet) and resolved dates (``d:2021-09-05``, or
``wd:sunday`` when the day could not be placed). Terms are weighted by
rarity (idf) and by kind: names and amounts say more about *which*
happening than ordinary words, dates less (many things happen on one day).

Similarity is the cosine of the weighted term sets, computed only for
candidate pairs that share a rare term. Two passages of the same article
count for less (``same_article``): an article repeating itself is not a
second report. Articles published far apart (``max_days``) are not paired.

Two kinds of evidence: a pair is linked only when what it shares is more
than one kind of thing: a name and a rare word, a name and an amount or a
date, or two rare words. Names alone are what background passages share
with everything ("Led by Ahmad Shah Massoud, the resistance ...", "The
valley lies ... north of Kabul"); a report of a happening also shares what
happened (a rare word), how many (an amount) or when (a date). Names and
words that many passages of the corpus have are no evidence at all
(``common_names``, ``common_words``: a word is common sooner than a name;
in a corpus about one war, "province" and "fighting" are everywhere).

A denial names what it denies ("denied Taliban claims of capturing
Panjshir", "Taliban's claim of occupying Panjshir is false"): after
clustering, its cluster joins the cluster of the claim it answers (see
``denials.py``), so a claim and its denial are one event with the denial
marked as a difference.

Clusters come from average-link agglomeration (see ``cluster.py``). Every
non-boilerplate passage ends up in exactly one event; passages no other
article echoes are single-source events.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from .. import turns
from .cluster import Vector, average_link_split, flags, norm, similar_pairs
from .terms import DATE, ENTITY, NUMBER, SHIFT, SPEAKER, STRENGTH, WEEKDAY, WORD, Vocabulary


@dataclass(frozen=True, slots=True)
class EventSettings:
    """The knobs of event grouping: one setting for every corpus, not tuned per data set."""

    threshold: float = 0.15  # mean cosine a passage must have with an event to join it
    same_article: float = 0.5  # factor on the similarity of two passages of one article
    max_days: int = 7  # passages of articles published further apart are not compared
    max_df_share: float = 0.002  # terms in more than this share of passages do not make candidates
    max_df_floor: int = 40  # ...but any term in at most this many passages does
    max_df_cap: int = 60  # ...and none in more than this many (pairs grow with the square)
    min_edge: float = 0.06  # weaker similarities are dropped before clustering
    entity_weight: float = 1.5
    word_weight: float = 0.8
    number_weight: float = 1.5
    date_weight: float = 0.5
    common_names: float = 0.25  # names in more passages than this share are no evidence
    common_words: float = 0.25  # words in more passages than this share are no evidence
    common_floor: int = 3  # ...unless in at most this many passages
    min_evidence: int = 2  # kinds of shared evidence a link needs (see the module docstring)

    def multipliers(self) -> tuple[float, ...]:
        """Per term kind (entity, word, number, date, weekday)."""
        return (self.entity_weight, self.word_weight, self.number_weight, self.date_weight, self.date_weight)

    def max_df(self, total: int) -> int:
        return min(self.max_df_cap, max(self.max_df_floor, int(self.max_df_share * total)))


def idf(df: int, total: int, multiplier: float) -> float:
    """Smoothed inverse document frequency times the multiplier of the term's kind."""
    return math.log((total + 1) / df) * multiplier if df else 0.0


class Weighting:
    """Term weights and evidence classes for one grouping run, computed once per term."""

    def __init__(self, vocabulary: Vocabulary, df: Sequence[int], total: int, settings: EventSettings):
        self.vocabulary = vocabulary
        self.df = df
        self.total = total
        self.settings = settings
        self.multipliers = settings.multipliers()
        self._weights: dict[int, float] = {}
        self._entries: dict[int, tuple[int, float]] = {}  # code -> (term, value), see ``vector``
        common_names = max(settings.common_floor, int(settings.common_names * total))
        common_words = max(settings.common_floor, int(settings.common_words * total))
        kinds, factor = vocabulary.kinds, vocabulary.factor
        # evidence class per term: 0 none, 1 name, 2 rare word, 3 amount, 4 date
        self.evidence = bytearray(len(vocabulary))
        for term in range(len(vocabulary)):
            kind = kinds[term]
            if kind == ENTITY:
                self.evidence[term] = 1 if df[term] <= common_names else 0
            elif kind == WORD:
                self.evidence[term] = 2 if factor[term] == 1.0 and df[term] <= common_words else 0
            elif kind == NUMBER:
                self.evidence[term] = 3
            elif kind in (DATE, WEEKDAY):  # "on Sunday" in an undated article too
                self.evidence[term] = 4

    @cached_property
    def meeting(self) -> bytes:
        """Per term, 1 when it is rare enough to bring candidate pairs (``max_df``) and not unique.

        Read for every passage's candidate terms (millions at 100,000 articles). Made
        on first use from ``df``, which must not change during the Weighting's life
        (it is final before any pair is scored, in a build and in an update).
        """
        return flags(self.df, 2, self.settings.max_df(self.total))

    @cached_property
    def in_norm(self) -> bytes:
        """Per term, 1 when more than one passage has it (only those count in a passage's norm)."""
        return flags(self.df, 2)

    def weight(self, term: int) -> float:
        found = self._weights.get(term)
        if found is None:
            kind = self.vocabulary.kinds[term]
            found = idf(self.df[term], self.total, self.multipliers[kind])
            self._weights[term] = found
        return found

    def vector(self, codes: Sequence[int]) -> Vector:
        """Term -> weighted strength of one passage.

        Each code's term and value are made once and shared by every passage that has
        the code: a large corpus has millions of passage vectors (1.5 million at 100,000
        synthetic articles), and an int and a float of their own per term were a large
        part of their memory.
        """
        entries = self._entries
        out: Vector = {}
        for code in codes:
            found = entries.get(code)
            if found is None:
                term = code >> SHIFT
                found = entries[code] = (
                    term,
                    self.weight(term) * self.vocabulary.factor[term] * STRENGTH[code & 3],
                )
            out[found[0]] = found[1]
        return out

    def enough_evidence(
        self, shared: Iterable[int], first: Container[int], second: Container[int], kinds: int = 0
    ) -> bool:
        """Whether the shared terms (plus ``kinds`` found otherwise) are ``min_evidence`` kinds of evidence.

        ``first`` and ``second``: the entities each passage names only as the one
        speaking (``spoken``). The one who speaks is not what happened ("..., Dashti
        tweeted"): a report of what someone said and a report about that person share
        the name and nothing else, so such a name is no evidence.
        """
        evidence = self.evidence
        words = 0
        seen = 0
        for term in shared:
            cls = evidence[term]
            if cls == 2:
                words += 1
            elif cls and not seen & (1 << cls):
                if cls == 1 and (term in first or term in second):
                    continue
                seen |= 1 << cls
                kinds += 1
        return kinds + min(words, 2) >= self.settings.min_evidence


def spoken(codes: Iterable[int]) -> frozenset[int]:
    """The terms a passage's codes mark as named only as the one speaking (``SPEAKER``).

    Made once per passage: asked of the codes for every pair that shares a name, it
    was about a seventh of the time of grouping Reuters.
    """
    return frozenset(code >> SHIFT for code in codes if code & SPEAKER)


def group(
    codes: Sequence[Sequence[int]],
    articles: Sequence[int],
    days: Sequence[int | None],
    weighting: Weighting,
    numbers: Sequence[int] | None = None,
) -> list[list[int]]:
    """Clusters of 0..n-1 (every item in exactly one), items given by their coded terms.

    ``articles`` and ``days`` per item: passages of one article count for
    less, passages published more than ``max_days`` apart are not paired.
    ``numbers``: the items' passage numbers
    (consecutive within an article), see ``score_edges``.
    """
    settings = weighting.settings
    edges = score_edges(codes, articles, days, weighting, numbers=numbers)
    clusters = average_link_split(len(codes), edges, settings.threshold)
    turns.let_go(edges)
    return clusters


def score_edges(
    codes: Sequence[Sequence[int]],
    articles: Sequence[int],
    days: Sequence[int | None],
    weighting: Weighting,
    only_first: bool = False,
    numbers: Sequence[int] | None = None,
) -> dict[tuple[int, int], float]:
    """(i, j) -> similarity for the pairs worth keeping (see the module docstring).

    ``only_first``: only the pairs of item 0 with the others (an update
    looking for the events a new passage may join). ``numbers``: passage
    numbers; two passages one after the other in one article count that
    as one kind of evidence ('Mujahid claimed Panjshir had fallen.' then
    '"The last stronghold ... is captured," Mujahid said.').
    """
    settings = weighting.settings
    vectors = [weighting.vector(c) for c in codes]
    meeting = weighting.meeting
    candidates = [[t for t, value in v.items() if meeting[t] and value > 0] for v in vectors]
    # Terms no other passage has cannot be shared; leaving them out of the norms keeps a long
    # passage that reports the event among other things from being penalised for its length.
    in_norm = weighting.in_norm
    lengths = [norm(v, in_norm) for v in vectors]
    speaking = [spoken(c) for c in codes]
    edges: dict[tuple[int, int], float] = {}
    min_edge = settings.min_edge
    pairs = similar_pairs(
        vectors, lengths, candidates, min_edge, days, settings.max_days, [0] if only_first else None
    )
    for first, second, score, shared in pairs:
        if articles[first] == articles[second]:
            score *= settings.same_article
        if score < min_edge:
            continue
        next_to = numbers is not None and articles[first] == articles[second]
        next_to = next_to and abs(numbers[first] - numbers[second]) == 1  # type: ignore[index]
        if not weighting.enough_evidence(shared, speaking[first], speaking[second], 1 if next_to else 0):
            continue
        edges[(first, second)] = score
    turns.let_go(vectors, candidates, lengths, speaking)
    return edges


def day_number(day) -> int | None:  # type: ignore[no-untyped-def]
    """A date as a day count (None stays None), so that day gaps are int subtraction."""
    return day.toordinal() if day is not None else None


Allowed = Callable[[int, int], bool]
