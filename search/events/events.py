"""Event and passage records from the store's columns: ids, labels, dates, materialisation.

An event's id is a hash of its member passages' keys ("article#index"), so
an unchanged corpus gives the same ids on every run, and an update leaves
the ids of events it does not touch alone. Its label is its key entities
and words (the ones most of its articles share, rarer first), spelled as
the articles spell them most often. Its date is the day most sources place
it on, from dates resolved inside the passages, never the publication date
itself.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date

from ..analysis import fold
from .features import to_features
from .grouping import Weighting
from .models import Difference, Event, Features, Passage, passage_key
from .names import EntityResolver, _strip_possessive, written_name
from .store import BOILERPLATE, TITLE, Store
from .terms import ENTITY, SHIFT, WORD
from .timex import publication_day


def key_of(store: Store, passage: int) -> str:
    return passage_key(store.ids[store.p_slot[passage]] or "", store.passage_index(passage))


def display_order(store: Store, members: Sequence[int]) -> tuple[int, ...]:
    """Members ordered by source, publication date, article, then reading order."""
    if len(members) == 1:
        return tuple(members)
    slots = store.p_slot

    def order(passage: int) -> tuple[str, str, str, int]:
        slot = slots[passage]
        return (store.sources[slot], store.dates[slot] or "", store.ids[slot] or "", passage)

    return tuple(sorted(members, key=order))


def event_id(store: Store, members: Sequence[int]) -> str:
    """A stable id: a hash of the sorted keys of the member passages."""
    keys = sorted(key_of(store, p) for p in members)
    return "ev-" + hashlib.blake2b("\n".join(keys).encode("utf-8"), digest_size=6).hexdigest()


def label_terms(
    store: Store, members: Sequence[int], weight: Callable[[int], float], entities: int = 3, words: int = 2
) -> list[int]:
    """The key entity and word terms: those most articles share, rarer ones first."""
    kinds = store.vocabulary.kinds
    terms = store.vocabulary.terms
    if len(members) == 1:
        support = dict.fromkeys((c >> SHIFT for c in store.codes(members[0])), 1)
    else:
        sets: dict[int, set[int]] = defaultdict(set)
        for passage in members:
            slot = store.p_slot[passage]
            for code in store.codes(passage):
                sets[code >> SHIFT].add(slot)
        support = {t: len(s) for t, s in sets.items()}
    named = sorted(
        (t for t in support if kinds[t] == ENTITY), key=lambda t: (-support[t] * weight(t), terms[t])
    )
    worded = sorted(
        (t for t in support if kinds[t] == WORD), key=lambda t: (-support[t] * weight(t), terms[t])
    )
    return named[:entities] + worded[:words]


def make_label(store: Store, members: Sequence[int], terms: Sequence[int], resolver: EntityResolver) -> str:
    """Readable words for the label terms, as the articles spell them most often."""
    wanted = {store.vocabulary.terms[t] for t in terms}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for passage in members:
        raw = store.raw(passage)
        text = None
        for start, end, tokens, _speaker in raw.mentions:
            if resolver.canonical is not None:
                text = text if text is not None else store.passage_text(passage)
                written = text[start:end]
                keys = resolver.keys_of(tokens, written)
                if written in resolver._hooked:
                    if keys[0] in wanted:
                        spellings[keys[0]][_strip_possessive(written_name(written, tokens)[1])] += 1
                    continue
            for token in tokens:
                key = resolver.word_key(token)
                if key in wanted:
                    spellings[key][_strip_possessive(token)] += 1
                elif resolver.canonical is None:  # a loaded table: what the hook said at build time
                    for hooked in store.hooked.get(fold(token), ()):
                        if hooked in wanted:
                            spellings[hooked][_strip_possessive(" ".join(tokens))] += 1
        for word, surface in zip(raw.words, raw.surfaces, strict=True):
            key = "w:" + word
            if key in wanted:
                spellings[key][surface] += 1
    shown = []
    for term in terms:
        counts = spellings.get(store.vocabulary.terms[term])
        if counts:
            shown.append(max(counts, key=lambda s: (counts[s], s)))
    if not shown:
        first = store.passage_text(members[0])
        return first[:60] + ("…" if len(first) > 60 else "")
    # names spelled within another shown name ("Dashti" in "Fahim Dashti") are left out
    return ", ".join(s for s in shown if not any(s != o and s in o.split() for o in shown))


def event_date(store: Store, members: Sequence[int]) -> str | None:
    """The day most sources place the event on; a tie goes to the earlier day.

    Only dates resolved inside the passages count, never the publication
    date itself: an undated passage lends no date, and an article without a
    publication date can still get its event's date from another source.
    """
    votes: dict[str, set[str]] = defaultdict(set)
    for passage in members:
        raw = store.raw(passage)
        if not raw.dates:
            continue
        slot = store.p_slot[passage]
        pub = publication_day(store.dates[slot])
        for _start, _end, iso, _weekday, _relative in raw.dates:
            if not iso:
                continue
            day = date.fromisoformat(iso)
            if pub is not None and (day > pub or (pub - day).days > 31):
                continue  # background dates (weeks earlier) and forecasts say little about this event
            votes[iso].add(store.sources[slot])
    if not votes:
        return None
    return min(votes, key=lambda iso: (-len(votes[iso]), iso))


def add_event(store: Store, members: Sequence[int], weighting: Weighting, resolver: EntityResolver) -> int:
    """Append an event made of ``members`` (passage numbers) to the store's columns; its number."""
    ordered = display_order(store, members)
    slots = [store.p_slot[p] for p in ordered]
    sources = dict.fromkeys(store.sources[s] for s in slots)
    articles = dict.fromkeys(slots)
    published = min((store.dates[s] for s in articles if store.dates[s]), default=None)
    number = len(store.e_id)
    store.e_id.append(event_id(store, ordered))
    if len(ordered) > 1:
        terms: tuple[int, ...] | None = tuple(label_terms(store, ordered, weighting.weight))
        store.e_label.append(make_label(store, ordered, terms, resolver))  # type: ignore[arg-type]
    else:  # most events of a large corpus: labelled when first shown (``ensure_label``)
        terms = None
        store.e_label.append(None)
    store.e_date.append(event_date(store, ordered))
    store.e_published.append(published[:10] if published else None)
    store.e_members.append(ordered)
    store.e_terms.append(terms)  # type: ignore[arg-type]
    store.e_sources.append(len(sources))
    store.e_articles.append(len(articles))
    store.e_differences.append(None)
    store.e_alive.append(1)
    for passage in ordered:
        store.p_event[passage] = number
    return number


# -- records ----------------------------------------------------------------------------


def passage_record(store: Store, passage: int) -> Passage:
    """The Passage record of a passage number; its features are made when first read."""
    slot = store.p_slot[passage]
    flags = store.p_flags[passage]
    text = store.passage_text(passage)
    terms, kinds = store.vocabulary.terms, store.vocabulary.kinds
    entities = tuple(terms[c >> SHIFT] for c in store.codes(passage) if kinds[c >> SHIFT] == ENTITY)
    return Passage(
        article_id=store.ids[slot] or "",
        source=store.sources[slot],
        index=store.passage_index(passage),
        field="title" if flags & TITLE else "text",
        start=store.p_start[passage],
        end=store.p_end[passage],
        text=text,
        published=store.dates[slot],
        boilerplate=bool(flags & BOILERPLATE),
        features=Features.lazy(lambda: to_features(store.raw(passage), text)),
        entities=entities,
    )


def ensure_label(store: Store, number: int, weight: Callable[[int], float], resolver: EntityResolver) -> None:
    """Label an event that was left unlabelled (single-passage events are labelled when first shown)."""
    if store.e_label[number] is None:
        members = store.e_members[number]
        terms = tuple(label_terms(store, members, weight))
        store.e_terms[number] = terms
        store.e_label[number] = make_label(store, members, terms, resolver)


def event_record(store: Store, number: int, passages: dict[int, Passage] | None = None) -> Event:
    """The Event record of an event number (``passages``: a cache of made Passage records).

    The event must be labelled (``ensure_label``).
    """
    members = []
    for p in store.e_members[number]:
        found = passages.get(p) if passages is not None else None
        if found is None:
            found = passage_record(store, p)
            if passages is not None:
                passages[p] = found
        members.append(found)
    differences = store.e_differences[number]
    if isinstance(differences, list):  # as stored on disk
        differences = tuple(Difference(*row) for row in differences)
        store.e_differences[number] = differences
    return Event(
        id=store.e_id[number],
        label=store.e_label[number] or "",
        date=store.e_date[number],
        published=store.e_published[number],
        sources=tuple(dict.fromkeys(p.source for p in members)),
        articles=tuple(dict.fromkeys(p.article_id for p in members)),
        passages=tuple(members),
        terms=tuple(store.vocabulary.terms[t] for t in store.e_terms[number] or ()),
        differences=differences or (),
    )
