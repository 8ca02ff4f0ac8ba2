"""Grouping passages from different articles that report the same happening into events.

Each passage becomes a set of terms: its entity keys (``e:``), content
stems (``w:``), amounts (``q:1000``: "more than 1,000" and "a thousand"
meet) and resolved dates (``d:2021-09-05``, or ``wd:sunday`` when the day
could not be placed). Terms are weighted by rarity (idf) and by kind:
names and amounts say more about *which* happening than ordinary words,
dates less (many things happen on one day).

Similarity is the cosine of the weighted term sets, computed only for
candidate pairs that share a rare term. Two passages of the same article
count for less (``same_article``): an article repeating itself is not a
second report. Articles published far apart (``max_days``) are not paired.
Clusters come from average-link agglomeration (see ``cluster.py``).

Every non-boilerplate passage ends up in exactly one event; passages no
other article echoes are single-source events.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from ..analysis import fold, iter_words, stem
from .cluster import average_link, candidate_pairs, dot, idf_weights, norms
from .lexicon import GENERIC_FACTOR, GENERIC_STEMS
from .models import Event, Passage
from .names import EntityResolver
from .timex import publication_day


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


MULTIPLIERS_KEYS = ("e:", "w:", "q:", "d:", "wd:")


SPEAKER_FACTOR = 0.4  # a name that only attributes the passage ("..., Dashti tweeted")


def passage_terms(passage: Passage, resolver: EntityResolver) -> dict[str, float]:
    """The terms a passage is compared by, each with its strength in this passage."""
    features = passage.features
    terms: dict[str, float] = {}
    for mention in features.mentions:
        strength = SPEAKER_FACTOR if mention.speaker else 1.0
        for key in resolver.keys(mention):
            terms[key] = max(terms.get(key, 0.0), strength)
    for word in features.words:
        terms["w:" + word] = GENERIC_FACTOR if word in GENERIC_STEMS else 1.0
    for quantity in features.quantities:
        if quantity.value is not None and quantity.value > 2:
            value = quantity.value
            terms["q:" + (str(int(value)) if value == int(value) else str(value))] = 1.0
    for mention in features.dates:
        if mention.iso:
            terms["d:" + mention.iso] = 1.0
        if mention.weekday:  # also when resolved: an undated "on Sunday" still meets it
            terms["wd:" + mention.weekday] = 1.0
    return terms


def resolve_entities(passages: Sequence[Passage], resolver: EntityResolver) -> list[Passage]:
    """Copies of ``passages`` with their ``entities`` keys filled in."""
    resolved = []
    for passage in passages:
        keys: dict[str, None] = {}
        for mention in passage.features.mentions:
            keys.update(dict.fromkeys(resolver.keys(mention)))
        resolved.append(replace(passage, entities=tuple(keys)))
    return resolved


def group_passages(
    passages: Sequence[Passage], resolver: EntityResolver, settings: EventSettings | None = None
) -> tuple[list[list[int]], dict[str, float]]:
    """Clusters of passage numbers (every passage in exactly one) and the term weights used."""
    settings = settings or EventSettings()
    docs = [passage_terms(p, resolver) if not p.boilerplate else {} for p in passages]
    multipliers = {
        "e:": settings.entity_weight,
        "w:": settings.word_weight,
        "q:": settings.number_weight,
        "d:": settings.date_weight,
        "wd:": settings.date_weight,
    }
    weights = idf_weights(docs, multipliers)
    days = [publication_day(p.published) for p in passages]
    articles = [p.article_id for p in passages]

    def allowed(first: int, second: int) -> bool:
        a, b = days[first], days[second]
        return a is None or b is None or abs((a - b).days) <= settings.max_days

    max_df = min(settings.max_df_cap, max(settings.max_df_floor, int(settings.max_df_share * len(passages))))
    undated = [{t: v for t, v in terms.items() if not t.startswith(("d:", "wd:"))} for terms in docs]
    shared = candidate_pairs(undated, weights, max_df, allowed)
    # Terms no other passage has cannot be shared; leaving them out of the norms keeps a long
    # passage that reports the event among other things from being penalised for its length.
    df = Counter(t for terms in docs for t in terms)
    lengths = norms(docs, weights, keep=lambda t: df[t] > 1)
    edges: dict[tuple[int, int], float] = {}
    for (first, second), partial in shared.items():
        scale = lengths[first] * lengths[second]
        if partial / scale < settings.min_edge / 2:
            continue  # even with the common terms added, it would stay far below any use
        score = dot(docs[first], docs[second], weights) / scale
        if articles[first] == articles[second]:
            score *= settings.same_article
        if score >= settings.min_edge:
            edges[(first, second)] = score
    return average_link(len(passages), edges, settings.threshold), weights


def event_id(passages: Sequence[Passage]) -> str:
    """A stable id: a hash of the sorted keys of the member passages."""
    digest = hashlib.blake2b("\n".join(sorted(p.key for p in passages)).encode("utf-8"), digest_size=6)
    return "ev-" + digest.hexdigest()


def make_event(members: Sequence[Passage], weights: dict[str, float], resolver: EntityResolver) -> Event:
    """An Event from its member passages: ordered, labelled, dated."""
    ordered = sorted(members, key=lambda p: (p.source, p.published or "", p.article_id, p.index))
    sources = tuple(dict.fromkeys(p.source for p in ordered))
    articles = tuple(dict.fromkeys(p.article_id for p in ordered))
    published = min((p.published for p in ordered if p.published), default=None)
    terms = label_terms(ordered, weights)
    return Event(
        id=event_id(ordered),
        label=make_label(ordered, terms, resolver),
        date=event_date(ordered),
        published=published[:10] if published else None,
        sources=sources,
        articles=articles,
        passages=tuple(ordered),
        terms=tuple(terms),
    )


def label_terms(
    passages: Sequence[Passage], weights: dict[str, float], entities: int = 3, words: int = 2
) -> list[str]:
    """The key entity and word terms: those most sources share, rarer ones first."""
    support: dict[str, set[str]] = defaultdict(set)
    for passage in passages:
        for term in passage.entities:
            support[term].add(passage.article_id)
        for word in passage.features.words:
            support["w:" + word].add(passage.article_id)
    ranked = sorted(support, key=lambda t: (-len(support[t]) * weights.get(t, 0.0), t))
    chosen = [t for t in ranked if t.startswith("e:")][:entities]
    chosen += [t for t in ranked if t.startswith("w:")][:words]
    return chosen


def make_label(passages: Sequence[Passage], terms: Sequence[str], resolver: EntityResolver) -> str:
    """Readable words for the label terms, as the articles spell them most often."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    wanted = set(terms)
    for passage in passages:
        for mention in passage.features.mentions:
            for key, spelling in resolver.surface(mention):
                if key in wanted:
                    spellings[key][spelling] += 1
        for word, _start, _end in iter_words(passage.text):
            folded = fold(word)
            key = "w:" + stem(folded)
            if key in wanted:
                spellings[key][folded] += 1
    shown = []
    for term in terms:
        counts = spellings.get(term)
        if counts:
            shown.append(max(counts, key=lambda s: (counts[s], s)))
    if not shown:
        first = passages[0].text
        return first[:60] + ("…" if len(first) > 60 else "")
    # names spelled within another shown name ("Dashti" in "Fahim Dashti") are left out
    return ", ".join(s for s in shown if not any(s != o and s in o.split() for o in shown))


def event_date(passages: Sequence[Passage]) -> str | None:
    """The day most sources place the event on; a tie goes to the earlier day.

    Only dates resolved inside the passages count, never the publication
    date itself: an undated passage lends no date, and an article without a
    publication date can still get its event's date from another source.
    """
    votes: dict[str, set[str]] = defaultdict(set)
    for passage in passages:
        pub = publication_day(passage.published)
        for mention in passage.features.dates:
            if not mention.iso:
                continue
            day = date.fromisoformat(mention.iso)
            if pub is not None and (day > pub or (pub - day).days > 31):
                continue  # background dates (weeks earlier) and forecasts say little about this event
            votes[mention.iso].add(passage.source)
    if not votes:
        return None
    return min(votes, key=lambda iso: (-len(votes[iso]), iso))
