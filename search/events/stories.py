"""Articles clustered into stories by what they report.

An article is represented by the terms of its passages (entities with
their spellings unified, content words, amounts, resolved dates), weighted
by rarity across articles and with a sublinear count, plus the events it
shares with other articles: two articles that report the same happenings
passage by passage belong together even when their vocabularies differ.
Average-link clustering over candidate pairs (articles sharing a rare term)
then forms the stories; an article that shares nothing is a story of one.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .. import turns
from .cluster import Vector, average_link_split, flags, norm, similar_pairs
from .grouping import idf
from .store import Store
from .terms import SHIFT, STRENGTH, WEEKDAY
from .timex import publication_day

MAX_EVENT_ARTICLES = 50  # a "happening" in fifty articles is background, not evidence


@dataclass(frozen=True, slots=True)
class StorySettings:
    """One setting for every corpus (measured on ECB+ and WikiRef220, see README)."""

    threshold: float = 0.2
    event_weight: float = 0.3  # share of similarity that comes from shared multi-article events
    max_days: int = 30
    max_df_share: float = 0.05
    max_df_floor: int = 60
    max_df_cap: int = 60  # pairs grow with the square of a term's frequency
    min_edge: float = 0.05
    entity_weight: float = 1.5
    word_weight: float = 1.0
    number_weight: float = 1.0
    date_weight: float = 0.5

    def multipliers(self) -> tuple[float, ...]:
        return (self.entity_weight, self.word_weight, self.number_weight, self.date_weight, 0.0)

    def max_df(self, total: int) -> int:
        return min(self.max_df_cap, max(self.max_df_floor, int(self.max_df_share * total)))


def article_counts(
    store: Store, slot: int, strengths: dict[int, tuple[int, float] | None] | None = None
) -> dict[int, float]:
    """Term -> summed strength over the article's passages (weekday names left out).

    ``strengths``: code -> (term, strength), None for a weekday, filled as codes are
    met; a caller that counts every article passes one, so that each code is decoded
    once rather than once an article (tens of millions of codes at 100,000 articles).
    """
    if strengths is None:
        strengths = {}
    counts: dict[int, float] = {}
    first = store.first[slot]
    offsets = store.term_offsets
    for code in store.term_codes[offsets[first] : offsets[first + store.count[slot]]]:
        found = strengths.get(code, False)
        if found is False:
            found = strengths[code] = _strength(store, code)
        if found is not None:
            term, value = found
            counts[term] = counts.get(term, 0.0) + value
    return counts


def _strength(store: Store, code: int) -> tuple[int, float] | None:
    term = code >> SHIFT
    if store.vocabulary.kinds[term] == WEEKDAY:
        return None
    return term, store.vocabulary.factor[term] * STRENGTH[code & 3]


def article_terms(store: Store, slot: int) -> set[int]:
    """The terms an article counts for in the article frequencies (``adf``)."""
    return set(article_counts(store, slot))


class StoryWeights:
    def __init__(self, store: Store, settings: StorySettings) -> None:
        self.store = store
        self.multipliers = settings.multipliers()
        self.total = store.total_articles
        self._cache: dict[int, float] = {}
        self._strengths: dict[int, tuple[int, float] | None] = {}  # see ``article_counts``

    def weight(self, term: int) -> float:
        found = self._cache.get(term)
        if found is None:
            kind = self.store.vocabulary.kinds[term]
            found = idf(self.store.adf[term], self.total, self.multipliers[kind])
            self._cache[term] = found
        return found

    def vector(self, slot: int) -> Vector:
        weight = self.weight
        return {
            t: (1.0 + math.log(c) if c >= 1 else c) * weight(t)
            for t, c in article_counts(self.store, slot, self._strengths).items()
        }


def event_links(store: Store, slots: Sequence[int]) -> tuple[Counter[int], Counter[tuple[int, int]]]:
    """Per article, the events with several articles it is in; per pair of articles, those they share."""
    wanted = set(slots)
    count: Counter[int] = Counter()
    together: Counter[tuple[int, int]] = Counter()
    seen: set[int] = set()
    for slot in slots:
        first = store.first[slot]
        for passage in range(first, first + store.count[slot]):
            number = store.p_event[passage]
            if number < 0 or number in seen:
                continue
            seen.add(number)
            if store.e_articles[number] < 2:
                continue
            members = sorted({store.p_slot[p] for p in store.e_members[number]})
            for member in members:
                count[member] += 1
            if len(members) > MAX_EVENT_ARTICLES:
                continue
            inside = [m for m in members if m in wanted]
            for position, a in enumerate(inside):
                for b in inside[position + 1 :]:
                    together[(a, b)] += 1
    return count, together


def cluster_articles(store: Store, slots: Sequence[int], settings: StorySettings) -> list[list[int]]:
    """Groups of article slots (every slot of ``slots`` in exactly one)."""
    slots = sorted(slots, key=lambda s: store.ids[s] or "")
    weights = StoryWeights(store, settings)
    vectors = [weights.vector(s) for s in slots]
    lengths = [norm(v) for v in vectors]
    max_df = settings.max_df(store.total_articles)
    meeting = flags(store.adf, 2, max_df)
    candidates = [[t for t, value in v.items() if meeting[t] and value > 0] for v in vectors]
    days = [_day(store.dates[s]) for s in slots]
    max_days = settings.max_days

    def allowed(a: int, b: int) -> bool:
        return days[a] is None or days[b] is None or abs(days[a] - days[b]) <= max_days  # type: ignore[operator]

    edges: dict[tuple[int, int], float] = {}
    text_share = 1 - settings.event_weight
    pairs = similar_pairs(
        vectors, lengths, candidates, settings.min_edge / 2, days, max_days, with_shared=False
    )
    for a, b, score, _shared in pairs:
        edges[(a, b)] = text_share * score
    count, together = event_links(store, slots)
    number = {slot: n for n, slot in enumerate(slots)}
    for (sa, sb), both in together.items():
        a, b = number[sa], number[sb]
        if a > b:
            a, b = b, a
        if not allowed(a, b):
            continue
        by_events = both / math.sqrt(count[sa] * count[sb])
        text = edges.get((a, b))
        if text is None:
            shared = vectors[a].keys() & vectors[b].keys()
            text = text_share * sum(vectors[a][t] * vectors[b][t] for t in shared) / (lengths[a] * lengths[b])
        edges[(a, b)] = text + settings.event_weight * by_events
    groups = average_link_split(len(slots), edges, settings.threshold)
    turns.let_go(vectors, lengths, candidates, days, edges, count, together, number)
    return [[slots[n] for n in group] for group in groups]


def _day(published: str | None) -> int | None:
    day = publication_day(published)
    return day.toordinal() if day is not None else None


def add_story(store: Store, slots: Sequence[int]) -> int:
    """Append a story of these article slots to the store's columns; its number.

    Its id is a hash of its sorted article ids; its label the label of the
    event most of its articles share (with more than one source), else the
    first article's title.
    """
    members = sorted(slots, key=lambda s: store.ids[s] or "")
    ids = [store.ids[s] or "" for s in members]
    digest = hashlib.blake2b("\n".join(ids).encode("utf-8"), digest_size=6).hexdigest()
    member_set = set(members)
    overlap: Counter[int] = Counter()
    for slot in members:
        first = store.first[slot]
        events = {store.p_event[p] for p in range(first, first + store.count[slot])}
        for event in events:
            if event >= 0 and store.e_sources[event] > 1:
                overlap[event] += 1
    shared = sorted(overlap, key=lambda e: (-overlap[e], -store.e_sources[e], store.e_id[e]))
    if shared and len(members) > 1:
        label = store.e_label[shared[0]]
    else:
        label = " ".join((store.titles[members[0]] or ids[0]).split())
        label = label if len(label) <= 80 else label[:79] + "…"
    # The story's date is the day most of its shared reporting is about (weighted by how many of
    # its articles report each event), not the earliest: background ("after the fall of Kabul on
    # August 15") is dated too, and would otherwise date a story weeks early.
    days: Counter[str] = Counter()
    for event in shared:
        if store.e_date[event]:
            days[store.e_date[event]] += overlap[event]
    dates = [min(days, key=lambda day: (-days[day], day))] if days else []
    published = [store.dates[s][:10] for s in members if store.dates[s]]  # type: ignore[index]
    number = len(store.s_id)
    store.s_id.append("st-" + digest)
    store.s_label.append(label)
    store.s_date.append(min(dates) if dates else (min(published) if published else None))  # type: ignore[type-var]
    store.s_articles.append(tuple(members))
    store.s_events.append(tuple(shared))
    store.s_alive.append(1)
    for slot in member_set:
        store.a_story[slot] = number
    return number
