"""A denial and the claim it answers are one event.

"The NRF denied Taliban claims of capturing Panjshir" shares few words with
"Panjshir province is completely captured, Mujahid said": passage
similarity keeps them apart, and even a strong link between one denial and
one claim passage could not join two clusters under average link. Yet the
reader wants them side by side, the denial marked as a difference.

So denials are joined after clustering, cluster to cluster. A denial names
what it denies: the words after a denying verb ("denied Taliban claims of
capturing Panjshir") or before a denying adjective ("Taliban's claim of
occupying Panjshir is false"), within the clause. Those words' terms (its
*object*) are looked up in the other clusters; the cluster that shares the
most weight with the object, with at least two shared terms of which one
is a rare word or an amount (a name alone is not what was claimed),
published within ``max_days``, is the claim, and the two become one
cluster. A cluster holding a passage told just before the denial in its
article counts double: news writing puts a denial right after the claim
it answers. Each denial cluster joins at most one claim cluster.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import chain

from .. import turns
from ..analysis import WORD_PATTERN
from .cluster import components
from .features import _word_info
from .grouping import Weighting
from .names import EntityResolver
from .store import DENIES, Store
from .terms import SHIFT

# Denials whose object comes before them ("... is false"); all others take the words after them.
_OBJECT_BEFORE = re.compile(r"false|untrue|not true|baseless|unfounded|fake news|rubbish", re.I)
# An object ends with its clause, or where the sentence goes on to something else
# ("denied Taliban claims of capturing Panjshir and said the forces are present ...").
_CLAUSE_END = re.compile(r"[.;:!?,\"“”]|\s(?:and|but|while|saying|adding)\s")
_CLAUSE_START = re.compile(r"[.;!?\"“”][^.;!?\"“”]*$")
OBJECT_CHARS = 100  # how far an object reaches from its denial
PRECEDING_FACTOR = 2.0  # weight of a claim told just before its denial
RARE_WORD, AMOUNT = 2, 3  # evidence classes (see grouping.Weighting)


def merge_denials(
    clusters: list[list[int]],
    store: Store,
    passages: Sequence[int],
    days: Sequence[int | None],
    weighting: Weighting,
    resolver: EntityResolver,
) -> list[list[int]]:
    """``clusters`` (lists of indices into ``passages``) with each denial joined to the claim it names.

    Only the terms some denial names are gathered per cluster: denials are
    few, and collecting every term of every cluster cost more than the rest
    of the grouping's bookkeeping on a large corpus.
    """
    denials: dict[int, set[int]] = {}  # cluster -> the terms of what its passages deny
    for number, cluster in enumerate(clusters):
        denied = set().union(*(denial_object(store, passages[index], resolver) for index in cluster))
        if denied:
            denials[number] = denied
    named = set().union(*denials.values())
    cluster_terms: list[set[int]] = []
    holders: dict[int, list[int]] = {}
    for number, cluster in enumerate(clusters if named else ()):
        codes = chain.from_iterable(store.codes(passages[index]) for index in cluster)
        terms = {term for code in codes if (term := code >> SHIFT) in named}
        cluster_terms.append(terms)
        for term in terms:
            holders.setdefault(term, []).append(number)
    spans = [_span([days[i] for i in cluster]) for cluster in clusters] if named else []
    max_days = weighting.settings.max_days
    holding_in = _Holders(holders, spans, max_days)
    joins: list[tuple[int, int]] = []  # (denial cluster, claim cluster)
    cluster_of = {passages[i]: number for number, cluster in enumerate(clusters) for i in cluster}
    evidence = weighting.evidence
    for number, denied in denials.items():
        cluster = clusters[number]
        span = spans[number]
        # News writing puts a denial right after the claim ("However, the NRF denied ..."):
        # the clusters of the passages just before a denial in its article are likelier claims.
        before = {
            cluster_of.get(passages[i] - back)
            for i in cluster
            for back in (1, 2)
            if passages[i] - back >= 0 and store.p_slot[passages[i] - back] == store.p_slot[passages[i]]
        }
        best, best_score = -1, 0.0
        # A claim shares at least two terms with the denial: the clusters holding them are
        # counted in C (a denied number or common word is held across the whole corpus), and
        # only those holding two or more are looked at in Python.
        holding = Counter(chain.from_iterable(holding_in.near(term, span) for term in denied))
        for other, count in holding.items():
            if count < 2 or other == number:
                continue
            theirs = spans[other]
            if span and theirs and max(theirs[0] - span[1], span[0] - theirs[1]) > max_days:
                continue  # published too far apart
            shared = denied & cluster_terms[other]
            if not any(evidence[t] in (RARE_WORD, AMOUNT) for t in shared):
                continue
            score = math.fsum(weighting.weight(t) for t in shared) * (
                PRECEDING_FACTOR if other in before else 1.0
            )
            if score > best_score or (score == best_score and other < best):
                best, best_score = other, score
        if best >= 0:
            joins.append((number, best))
    root = components(len(clusters), joins)
    merged: dict[int, list[int]] = {}
    for number, cluster in enumerate(clusters):
        merged.setdefault(root[number], []).extend(cluster)
    result = sorted((sorted(members) for members in merged.values()), key=lambda members: members[0])
    turns.let_go(cluster_of, cluster_terms, holders, spans, root, merged)
    return result


class _Holders:
    """The clusters holding a term, narrowed to those a denial's days can reach.

    Why: a denied word that is common ("company", "report") is held by clusters all
    over the corpus, and counting them for every denial took about half of the
    grouping time at 100,000 articles (py-spy samples). A claim is published within
    ``max_days`` of its denial, so each term's dated holders are kept sorted by their
    first day, and a denial
    counts only those that start no earlier than its own first day less ``max_days``
    and less the longest span of a holder, and no later than its last day plus
    ``max_days`` (a superset of those in reach: the exact test follows); undated
    holders are always counted, as before.
    """

    def __init__(self, holders: dict[int, list[int]], spans: Sequence[tuple[int, int] | None], max_days: int):
        self.max_days = max_days
        self.undated: dict[int, list[int]] = {}
        self.starts: dict[int, list[int]] = {}  # term -> first days of its dated holders, ascending
        self.dated: dict[int, list[int]] = {}  # term -> its dated holders, in that order
        self.longest: dict[int, int] = {}  # term -> the longest span (last - first day) of a holder
        for term, numbers in holders.items():
            dated = sorted((span[0], number) for number in numbers if (span := spans[number]) is not None)
            self.starts[term] = [start for start, _number in dated]
            self.dated[term] = [number for _start, number in dated]
            self.undated[term] = [number for number in numbers if spans[number] is None]
            self.longest[term] = max((spans[n][1] - spans[n][0] for n in self.dated[term]), default=0)  # type: ignore[index]

    def near(self, term: int, span: tuple[int, int] | None) -> list[int]:
        """The clusters holding ``term`` that may be within reach of a denial spanning ``span``."""
        dated = self.dated.get(term)
        if dated is None:
            return []
        if span is None:
            return dated + self.undated[term]
        starts = self.starts[term]
        low = bisect_left(starts, span[0] - self.max_days - self.longest[term])
        high = bisect_right(starts, span[1] + self.max_days, low)
        return dated[low:high] + self.undated[term]


def _span(days: Sequence[int | None]) -> tuple[int, int] | None:
    """First and last publication day of a cluster's passages (None when none is dated)."""
    known = [day for day in days if day is not None]
    return (min(known), max(known)) if known else None


def denial_object(store: Store, passage: int, resolver: EntityResolver) -> set[int]:
    """Terms of what the passage denies (empty when it denies nothing)."""
    if not store.p_flags[passage] & DENIES:  # known without decoding the passage's features
        return set()
    raw = store.raw(passage)
    cues = [(start, end) for kind, start, end in raw.cues if kind == "denial"]
    if not cues:
        return set()
    text = store.passage_text(passage)
    vocabulary = store.vocabulary
    factor = vocabulary.factor
    found: set[int] = set()
    for start, end in cues:
        if _OBJECT_BEFORE.fullmatch(text[start:end]):
            before = text[max(0, start - OBJECT_CHARS) : start]
            clause = _CLAUSE_START.search(before)
            low, high = (start - len(before) + (clause.start() + 1 if clause else 0)), start
        else:
            after = text[end : end + OBJECT_CHARS]
            stop = _CLAUSE_END.search(after)
            low, high = end, end + (stop.start() if stop else len(after))
        for match in WORD_PATTERN.finditer(text, low, high):
            info = _word_info(match.group())
            term = vocabulary.word_ids.get(info[1]) if info else None
            if term is not None and factor[term] == 1.0:  # generic words ("claims", "said") name nothing
                found.add(term)
        for m_start, m_end, tokens, _speaker in raw.mentions:
            if low <= m_start and m_end <= high:
                written = text[m_start:m_end] if resolver.canonical is not None else None
                for key in resolver.own_keys(tokens, written):  # the name, not the names it contains
                    term = vocabulary.ids.get(key)
                    if term is not None:
                        found.add(term)
    return found
