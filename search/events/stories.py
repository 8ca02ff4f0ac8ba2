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
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .cluster import average_link, candidate_pairs, dot, idf_weights, norms
from .grouping import passage_terms
from .models import Event, Passage, Story
from .names import EntityResolver
from .timex import publication_day


@dataclass(frozen=True, slots=True)
class StorySettings:
    """One setting for every corpus (measured on ECB+ and WikiRef220, see README)."""

    threshold: float = 0.2
    event_weight: float = 0.3  # share of similarity that comes from shared multi-source events
    max_days: int = 30
    max_df_share: float = 0.05
    max_df_floor: int = 60
    max_df_cap: int = 60  # pairs grow with the square of a term's frequency
    min_edge: float = 0.05
    entity_weight: float = 1.5
    word_weight: float = 1.0
    number_weight: float = 1.0
    date_weight: float = 0.5


def article_vectors(
    passages_by_article: dict[str, Sequence[Passage]], resolver: EntityResolver
) -> dict[str, dict[str, float]]:
    """Article -> term strengths (1 + log of the count over its passages)."""
    vectors: dict[str, dict[str, float]] = {}
    for article_id, passages in passages_by_article.items():
        counts: Counter[str] = Counter()
        for passage in passages:
            if passage.boilerplate:
                continue
            for term, value in passage_terms(passage, resolver).items():
                if term.startswith("wd:"):
                    continue
                counts[term] += value
        vectors[article_id] = {t: 1.0 + math.log(c) if c >= 1 else c for t, c in counts.items()}
    return vectors


def cluster_stories(
    passages_by_article: dict[str, Sequence[Passage]],
    events: Sequence[Event],
    resolver: EntityResolver,
    published: dict[str, str | None],
    settings: StorySettings | None = None,
) -> list[list[str]]:
    """Groups of article ids; every article in exactly one group (``published``: id -> ISO date)."""
    settings = settings or StorySettings()
    ids = sorted(passages_by_article)
    number = {article_id: n for n, article_id in enumerate(ids)}
    vectors = article_vectors(passages_by_article, resolver)
    docs = [vectors[i] for i in ids]
    weights = idf_weights(
        docs,
        {
            "e:": settings.entity_weight,
            "w:": settings.word_weight,
            "q:": settings.number_weight,
            "d:": settings.date_weight,
        },
    )
    days = [publication_day(published.get(article_id)) for article_id in ids]

    def allowed(a: int, b: int) -> bool:
        return days[a] is None or days[b] is None or abs((days[a] - days[b]).days) <= settings.max_days

    max_df = min(settings.max_df_cap, max(settings.max_df_floor, int(settings.max_df_share * len(ids))))
    shared = candidate_pairs(docs, weights, max_df, allowed)
    lengths = norms(docs, weights)
    # events: how many multi-source events each pair of articles shares
    event_count: Counter[int] = Counter()
    together: dict[tuple[int, int], int] = defaultdict(int)
    for event in events:
        if len(event.articles) < 2:
            continue
        members = sorted(number[a] for a in event.articles if a in number)
        for member in members:
            event_count[member] += 1
        if len(members) > 50:
            continue  # a "happening" in fifty articles is background, not evidence
        for position, first in enumerate(members):
            for second in members[position + 1 :]:
                together[(first, second)] += 1
    edges: dict[tuple[int, int], float] = {}
    for pair in set(shared) | set(together):
        a, b = pair
        if not allowed(a, b):
            continue
        both = together.get(pair, 0)
        scale = lengths[a] * lengths[b]
        if not both and shared.get(pair, 0.0) / scale < settings.min_edge / 2:
            continue  # far below the threshold even with the common terms added
        text = dot(docs[a], docs[b], weights) / scale
        by_events = both / math.sqrt(event_count[a] * event_count[b]) if both else 0.0
        edges[pair] = (1 - settings.event_weight) * text + settings.event_weight * by_events
    groups = average_link(len(ids), edges, settings.threshold)
    return [[ids[n] for n in group] for group in groups]


def make_story(
    article_ids: Sequence[str],
    passages_by_article: dict[str, Sequence[Passage]],
    events: Sequence[Event],
    meta: dict[str, tuple[str, str | None, str]],
) -> Story:
    """A Story record: id from its sorted article ids, label from its most shared event or title.

    ``meta`` maps article id -> (source, publication date, title).
    """
    members = sorted(article_ids)
    digest = hashlib.blake2b("\n".join(members).encode("utf-8"), digest_size=6).hexdigest()
    member_set = set(members)
    shared_events = [e for e in events if len(e.sources) > 1 and member_set.intersection(e.articles)]
    shared_events.sort(key=lambda e: (-len(member_set.intersection(e.articles)), -len(e.sources), e.id))
    sources = tuple(sorted({meta[a][0] for a in members}))
    if shared_events and len(members) > 1:
        label = shared_events[0].label
    else:
        label = " ".join((meta[members[0]][2] or members[0]).split())
        label = label if len(label) <= 80 else label[:79] + "…"
    dates = [e.date for e in shared_events if e.date]
    published = [meta[a][1][:10] for a in members if meta[a][1]]
    return Story(
        id="st-" + digest,
        label=label,
        date=min(dates) if dates else (min(published) if published else None),
        sources=sources,
        articles=tuple(members),
        events=tuple(e.id for e in shared_events),
    )
