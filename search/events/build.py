"""Filling the store: a full build from extracted articles, and a local update around a change.

Full build: every passage's terms, then events over the whole corpus, then
stories. Deterministic: an unchanged corpus gives the same events and ids.

Update: the articles that changed are re-extracted and only the
neighbourhood they touch is regrouped: the events their old passages were
in, and the events their new passages link to strongly enough to join
(``threshold``). Average link restricted to a union of whole events gives
those events back unchanged when nothing in them changed, so the events
outside the neighbourhood are simply kept. Stories are redone the same way
for the articles whose events changed and the stories they are in. An
update is therefore local, not exact: term weights (rarity) move a little
with every change, and a full build would weigh the untouched events with
the new weights too. ``EventTable.build`` always regroups everything.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from operator import rshift

from .. import turns
from ..analysis import fold
from ..models import Article, ProgressCallback
from .denials import merge_denials
from .differences import find_differences
from .events import add_event, event_record
from .features import Extract, extract
from .grouping import EventSettings, Weighting, group, score_edges
from .names import Canonical, EntityResolver, build_aliases
from .store import BOILERPLATE, DEAD, DENIES, NONE, TITLE, Store, ints
from .stories import StorySettings, StoryWeights, add_story, article_terms, cluster_articles
from .terms import SHIFT, WEEKDAY, passage_codes
from .timex import publication_day

PARALLEL_MIN_ARTICLES = 2000  # below this, starting worker processes costs more than it saves
WORKER_CHUNK = 200


@dataclass(slots=True)
class Incoming:
    """One article to put in the store, with its extracted content."""

    id: str
    source: str
    date: str | None
    title: str
    fingerprint: str
    text: str | None
    found: Extract


# The stages a derivation reports to a ``ProgressCallback``: extraction with a count of
# articles, the later ones in words (they have no count worth a bar).
EXTRACTING = "extracting passages"
GROUPING = "grouping passages into events"
DESCRIBING = "labelling events"
LINKING = "linking stories"


def extract_all(
    articles: Sequence[Article], workers: int | None, progress: ProgressCallback | None = None
) -> list[Extract]:
    """Extraction of every article, in ``workers`` processes for large batches.

    ``progress`` hears (0, articles, ``EXTRACTING``) first, then (articles done, articles,
    ``EXTRACTING``) after every batch: at 100,000 articles extraction takes two minutes, a
    third of a derivation.
    """
    if workers is None:
        workers = (os.cpu_count() or 1) if len(articles) >= PARALLEL_MIN_ARTICLES else 1
    total = len(articles)
    batches = [articles[i : i + WORKER_CHUNK] for i in range(0, total, WORKER_CHUNK)]
    if progress is not None:
        progress(0, total, EXTRACTING)
    found: list[Extract] = []
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 and total >= 2 else None
    with pool or contextlib.nullcontext():
        for batch in (pool.map if pool is not None else map)(_extract_batch, batches):
            found.extend(batch)
            if progress is not None:
                progress(len(found), total, EXTRACTING)
    return found


def _extract_batch(articles: Sequence[Article]) -> list[Extract]:
    return [extract(a) for a in articles]


# -- adding articles -----------------------------------------------------------------------


def _append_articles(store: Store, items: Sequence[Incoming], resolver: EntityResolver) -> list[int]:
    """Append articles, their passages and coded terms; the new passage numbers with terms."""
    vocabulary = store.vocabulary
    hooked = resolver.canonical is not None
    new_passages: list[int] = []
    adf_counts: Counter[int] = Counter()
    kinds = vocabulary.kinds
    codes_before = len(store.term_codes)
    noted: set[tuple[str, tuple[str, ...]]] = set()  # names ``_note_hooked`` has seen
    for item in items:
        slot = len(store.ids)
        store.ids.append(item.id)
        store.sources.append(item.source)
        store.dates.append(item.date)
        store.titles.append(item.title)
        store.fingerprints.append(item.fingerprint)
        store.first.append(len(store.p_slot))
        store.count.append(len(item.found.spans))
        store.slot_of[item.id] = slot
        store.content.append(item.id, item.found, item.text)
        store.a_story.append(-1)
        article_codes = len(store.term_codes)
        for span, raw in zip(item.found.spans, item.found.raws, strict=True):
            passage = len(store.p_slot)
            store.p_slot.append(slot)
            store.p_start.append(span.start)
            store.p_end.append(span.end)
            store.p_flags.append(
                (TITLE if span.field == "title" else 0)
                | (BOILERPLATE if span.boilerplate else 0)
                | (DENIES if any(cue[0] == "denial" for cue in raw.cues) else 0)
            )
            store.p_event.append(NONE)
            codes: list[int] = []
            if not span.boilerplate:
                source_text = item.title if span.field == "title" else (item.text or "")
                text = source_text[span.start : span.end] if hooked else None
                codes = passage_codes(raw, text, resolver, vocabulary)
                if hooked and text is not None:
                    _note_hooked(store, raw, text, resolver, noted)
                new_passages.append(passage)
            store.term_codes.extend(codes)
            store.term_offsets.append(len(store.term_codes))
        # Terms are counted from the codes array in C: per article (weekday names left out, as
        # ``stories.article_counts``), then per passage for all new codes at once below.
        terms = set(_terms_of(store.term_codes[article_codes:]))
        adf_counts.update([term for term in terms if kinds[term] != WEEKDAY])
    df_counts = turns.count(store.term_codes, _terms_of, start=codes_before)
    grow = len(vocabulary) - len(store.df)
    if grow > 0:
        store.df.extend([0] * grow)
        store.adf.extend([0] * grow)
    for term, count in df_counts.items():
        store.df[term] += count
    for term, count in adf_counts.items():
        store.adf[term] += count
    store.total += len(new_passages)
    store.total_articles += len(items)
    return new_passages


def _terms_of(codes: Sequence[int]) -> Iterable[int]:
    """The term of each code."""
    return map(rshift, codes, repeat(SHIFT))


def _note_hooked(  # type: ignore[no-untyped-def]
    store: Store, raw, text: str, resolver: EntityResolver, noted: set[tuple[str, tuple[str, ...]]]
) -> None:
    """Remember which name words the entity hook resolved, so queries find them by any spelling.

    ``noted``: the names (as written, with their words) already remembered; a name
    adds nothing the second time, and news names the same people over and over.
    """
    for start, end, tokens, _speaker in raw.mentions:
        written = text[start:end]
        if (written, tokens) in noted:
            continue
        noted.add((written, tokens))
        if written in resolver._hooked:
            key = resolver.keys_of(tokens, written)[0]
            for token in tokens:
                keys = store.hooked.setdefault(fold(token), [])
                if key not in keys:
                    keys.append(key)


def _index_postings(store: Store, settings: EventSettings) -> None:
    """The inverted index over the terms rare enough to bring candidates (rebuilt in full)."""
    cap = settings.max_df_cap
    df = store.df
    postings: dict[int, list[int]] = {}
    offsets, codes, events = store.term_offsets, store.term_codes, store.p_event
    for passage in range(len(store.p_slot)):
        if events[passage] == DEAD:
            continue
        for code in codes[offsets[passage] : offsets[passage + 1]]:
            term = code >> SHIFT
            if df[term] <= cap:
                found = postings.get(term)
                if found is None:
                    postings[term] = [passage]
                else:
                    found.append(passage)
    flat_offsets = ints([0])
    flat = ints()
    for term in range(len(store.vocabulary)):
        flat.extend(postings.get(term, ()))
        flat_offsets.append(len(flat))
    store.inverted_offsets, store.inverted_flat, store.inverted_extra = flat_offsets, flat, {}


# -- grouping -------------------------------------------------------------------------------


def _days(store: Store, passages: Sequence[int]) -> list[int | None]:
    out = []
    for passage in passages:
        day = publication_day(store.dates[store.p_slot[passage]])
        out.append(day.toordinal() if day is not None else None)
    return out


def _regroup(
    store: Store,
    passages: Sequence[int],
    weighting: Weighting,
    resolver: EntityResolver,
    progress: ProgressCallback | None = None,
) -> list[int]:
    """Group ``passages`` (in key order) into new events; their numbers."""
    codes = [store.codes(p) for p in passages]
    articles = [store.p_slot[p] for p in passages]
    days = _days(store, passages)
    grouped = group(codes, articles, days, weighting, numbers=passages)
    clusters = merge_denials(grouped, store, passages, days, weighting, resolver)
    turns.let_go(grouped)
    if progress is not None:
        progress(0, 0, DESCRIBING)
    numbers = []
    for cluster in clusters:
        number = add_event(store, [passages[i] for i in cluster], weighting, resolver)
        if store.e_sources[number] > 1:
            store.e_differences[number] = tuple(find_differences(event_record(store, number), resolver))
        numbers.append(number)
    turns.let_go(codes, articles, days, clusters)
    return numbers


def _key_order(store: Store, passages: Iterable[int]) -> list[int]:
    return sorted(passages, key=lambda p: (store.ids[store.p_slot[p]] or "", p))


def new_store(
    items: Sequence[Incoming],
    canonical: Canonical | None,
    settings: EventSettings,
    story_settings: StorySettings,
    progress: ProgressCallback | None = None,
) -> Store:
    """A store for ``items`` (any order), grouped in full; ``progress`` hears each stage begin."""
    store = Store()
    if progress is not None:
        progress(0, 0, GROUPING)
    ordered = sorted(items, key=lambda item: item.id)
    store.aliases = build_aliases(m[2] for item in ordered for raw in item.found.raws for m in raw.mentions)
    resolver = EntityResolver(store.aliases, canonical)
    passages = _append_articles(store, ordered, resolver)
    _index_postings(store, settings)
    weighting = Weighting(store.vocabulary, store.df, store.total, settings)
    _regroup(store, passages, weighting, resolver, progress)
    if progress is not None:
        progress(0, 0, LINKING)
    for group_ in cluster_articles(store, store.live_slots(), story_settings):
        add_story(store, group_)
    return store


def update_store(
    old: Store,
    incoming: Sequence[Incoming],
    removed: Iterable[str],
    canonical: Canonical | None,
    settings: EventSettings,
    story_settings: StorySettings,
) -> Store:
    """A copy of ``old`` with ``incoming`` articles (new or changed) in and ``removed`` out."""
    gone = {old.slot_of[a] for a in removed if a in old.slot_of}
    gone |= {old.slot_of[item.id] for item in incoming if item.id in old.slot_of}
    if not gone and not incoming:
        return old
    store = old.copy()
    touched_events: set[int] = set()
    touched_stories: set[int] = set()
    for slot in gone:
        touched_stories.add(store.a_story[slot])
        _remove_article(store, slot, touched_events)
    aliases = dict(store.aliases)
    fresh = build_aliases(m[2] for item in incoming for raw in item.found.raws for m in raw.mentions)
    for word, target in fresh.items():
        aliases.setdefault(word, aliases.get(target, target))
    store.aliases = aliases
    resolver = EntityResolver(aliases, canonical)
    new_passages = _append_articles(store, sorted(incoming, key=lambda item: item.id), resolver)
    cap = settings.max_df_cap
    for passage in new_passages:
        for code in store.codes(passage):
            if store.df[code >> SHIFT] <= cap:
                store.inverted_extra.setdefault(code >> SHIFT, []).append(passage)
    weighting = Weighting(store.vocabulary, store.df, store.total, settings)
    touched_events |= _neighbour_events(store, new_passages, weighting)
    region = set(new_passages)
    for number in touched_events:
        if store.e_alive[number]:
            store.e_alive[number] = 0
            region.update(p for p in store.e_members[number] if store.p_event[p] != DEAD)
    new_events = _regroup(store, _key_order(store, region), weighting, resolver)
    # stories: those of the articles whose events changed, and those the new articles may join
    slots = {store.p_slot[p] for number in new_events for p in store.e_members[number]}
    slots |= {store.slot_of[item.id] for item in incoming}
    slots |= _neighbour_articles(store, [store.slot_of[item.id] for item in incoming], story_settings)
    touched_stories |= {store.a_story[s] for s in slots}
    region_slots = set(slots)
    for number in touched_stories:
        if number >= 0 and store.s_alive[number]:
            store.s_alive[number] = 0
            region_slots.update(store.s_articles[number])
    live = [s for s in region_slots if store.ids[s] is not None]
    for group_ in cluster_articles(store, live, story_settings):
        add_story(store, group_)
    return store


def _remove_article(store: Store, slot: int, touched_events: set[int]) -> None:
    """Take an article out: its passages dead, its term counts withdrawn."""
    first = store.first[slot]
    article_terms_ = article_terms(store, slot)
    for passage in range(first, first + store.count[slot]):
        number = store.p_event[passage]
        if number >= 0:
            touched_events.add(number)
        codes = store.codes(passage)
        if not store.p_flags[passage] & BOILERPLATE:
            store.total -= 1
        for code in codes:
            store.df[code >> SHIFT] -= 1
        store.p_event[passage] = DEAD
    for term in article_terms_:
        store.adf[term] -= 1
    store.total_articles -= 1
    store.slot_of.pop(store.ids[slot] or "", None)
    store.ids[slot] = None
    store.content.article_ids[slot] = None


def _neighbour_events(store: Store, passages: Sequence[int], weighting: Weighting) -> set[int]:
    """Events with a passage strongly enough linked to one of ``passages`` to take it in."""
    settings = weighting.settings
    max_df = settings.max_df(weighting.total)
    df = store.df
    new = set(passages)
    found: set[int] = set()
    for passage in passages:
        codes = store.codes(passage)
        partners = set()
        for code in codes:
            term = code >> SHIFT
            if 2 <= df[term] <= max_df:
                partners.update(store.postings(term))
        partners -= new
        if not partners:
            continue
        ordered = [passage, *sorted(partners)]
        edges = score_edges(
            [store.codes(p) for p in ordered],
            [store.p_slot[p] for p in ordered],
            _days(store, ordered),
            weighting,
            only_first=True,
        )
        for (_a, b), value in edges.items():
            if value >= settings.threshold and store.p_event[ordered[b]] >= 0:
                found.add(store.p_event[ordered[b]])
    return found


def _neighbour_articles(store: Store, slots: Sequence[int], settings: StorySettings) -> set[int]:
    """Articles similar enough to one of ``slots`` to share a story with it."""
    weights = StoryWeights(store, settings)
    max_df = settings.max_df(store.total_articles)
    found: set[int] = set()
    for slot in slots:
        vector = weights.vector(slot)
        length = _length(vector)
        partners: set[int] = set()
        for term in vector:
            if 2 <= store.adf[term] <= max_df:
                partners.update(store.p_slot[p] for p in store.postings(term))
        partners.discard(slot)
        for other in partners:
            if store.ids[other] is None:
                continue
            theirs = weights.vector(other)
            shared = vector.keys() & theirs.keys()
            score = sum(vector[t] * theirs[t] for t in shared) / (length * _length(theirs))
            if (1 - settings.event_weight) * score >= settings.threshold:
                found.add(other)
    return found


def _length(vector: dict[int, float]) -> float:
    return sum(v * v for v in vector.values()) ** 0.5 or 1.0


Progress = Callable[[int, int], None]
