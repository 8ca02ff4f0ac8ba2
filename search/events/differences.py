"""What the sources of one event disagree on, or what only some of them say.

Found from the extracted features, never by hand:

- number: the sources give different figures ("more than 600" killed vs
  "at least a thousand" trapped); every figure of a source that no other
  source gives is listed, with the words around it;
- quote: quoted words one source has and another does not (or words it
  puts in quotes differently);
- spelling: one entity written differently by different sources
  (Dashti / Dashty), from the entity keys (hook or fallback);
- hedge: attribution and hedging ("unverified", "reports say",
  "according to") in one source where another states the same flatly;
- denial: a denial or refutation that only some sources report;
- date: sources placing the event on different days;
- only: names only one source gives.

Each difference points at the words as written (passage key and offsets),
so a front end can mark them in the compare columns.
"""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz

from ..analysis import fold
from .models import Difference, Event, Mention, Passage, Quantity
from .names import EntityResolver
from .quantities import format_value

MAX_ONLY = 6  # names-only-one-source-gives listed per source, rarest first


def find_differences(event: Event, resolver: EntityResolver) -> list[Difference]:
    """Differences between the sources of ``event`` (none for a single-source event)."""
    if event.single_source:
        return []
    by_source = event.by_source
    found: list[Difference] = []
    found += _numbers(by_source)
    found += _quotes(by_source)
    found += _spellings(by_source, resolver)
    found += _cues(by_source, "hedge", "hedges")
    found += _cues(by_source, "denial", "reports a denial")
    found += _dates(by_source)
    found += _only(by_source, resolver)
    return found


def _numbers(by_source: dict[str, list[Passage]]) -> list[Difference]:
    figures: dict[str, list[tuple[Passage, Quantity]]] = {
        source: [(p, q) for p in passages for q in p.features.quantities if _worth(q)]
        for source, passages in by_source.items()
    }
    values = {source: {_norm(q) for _p, q in items} for source, items in figures.items()}
    if sum(1 for v in values.values() if v) < 1 or len({frozenset(v) for v in values.values()}) < 2:
        return []
    differences = []
    for source, items in figures.items():
        others = {v for s, vs in values.items() if s != source for v in vs}
        for passage, quantity in items:
            if _norm(quantity) in others and not quantity.qualifier:
                continue
            elsewhere = [
                f"{s}: {', '.join(_phrase(p, q) for p, q in its[:3])}"
                for s, its in figures.items()
                if s != source and its
            ]
            what = _phrase(passage, quantity)
            explanation = f"{source} gives {what}"
            explanation += "; " + "; ".join(elsewhere) if elsewhere else "; no other source gives a figure"
            differences.append(
                _difference(
                    "number",
                    source,
                    passage,
                    quantity.start,
                    quantity.end,
                    format_value(quantity),
                    explanation,
                )
            )
    return differences


def _worth(quantity: Quantity) -> bool:
    """Amounts worth comparing: not a lone small number ("two brothers")."""
    if quantity.value is None:
        return True
    return quantity.value > 2 or bool(quantity.qualifier)


def _norm(quantity: Quantity) -> tuple[float | None, str]:
    return (quantity.value if quantity.value is not None else quantity.magnitude, quantity.qualifier)


def _phrase(passage: Passage, quantity: Quantity) -> str:
    """The amount with the few words after it: 'more than 600 Taliban fighters were killed'."""
    tail = passage.text[quantity.end : quantity.end + 60]
    for stop in '.;:!?"“”,':
        tail = tail.split(stop)[0]
    words = tail.split()[:5]
    return " ".join([quantity.text, *words])


def _quotes(by_source: dict[str, list[Passage]]) -> list[Difference]:
    texts = {source: fold(" ".join(p.text for p in passages)) for source, passages in by_source.items()}
    differences = []
    for source, passages in by_source.items():
        for passage in passages:
            for start, end in passage.features.quotes:
                quoted = passage.text[start:end]
                if len(quoted.split()) < 3:
                    continue
                folded = fold(quoted)
                having, reworded, missing = [], [], []
                for other, text in texts.items():
                    if other == source:
                        continue
                    score = fuzz.partial_ratio(folded, text) if len(folded) <= len(text) else 0.0
                    (having if score >= 92 else reworded if score >= 75 else missing).append(other)
                if not reworded and not missing:
                    continue
                parts = []
                if having:
                    parts.append(f"also quoted by {', '.join(having)}")
                if reworded:
                    parts.append(f"worded differently by {', '.join(reworded)}")
                if missing:
                    parts.append(f"not quoted by {', '.join(missing)}")
                short = quoted if len(quoted) <= 80 else quoted[:77] + "…"
                differences.append(
                    _difference(
                        "quote",
                        source,
                        passage,
                        start,
                        end,
                        short,
                        f"{source} quotes “{short}”: " + "; ".join(parts),
                    )
                )
    return differences


def _spellings(by_source: dict[str, list[Passage]], resolver: EntityResolver) -> list[Difference]:
    seen: dict[str, dict[str, dict[str, tuple[Passage, int, int]]]] = defaultdict(lambda: defaultdict(dict))
    for source, passages in by_source.items():
        for passage in passages:
            for mention in passage.features.mentions:
                for key, spelling, offset in resolver.surface(mention):
                    start = mention.start + offset
                    seen[key][source].setdefault(spelling, (passage, start, start + len(spelling)))
    differences = []
    for per_source in seen.values():
        if len(per_source) < 2:
            continue
        variant: set[tuple[str, str]] = set()  # (source, spelling) spelled differently from another source
        for source, spellings in per_source.items():
            theirs = [sp for other, sps in per_source.items() if other != source for sp in sps]
            for spelling in spellings:
                if any(respelled(spelling, other) for other in theirs):
                    variant.add((source, spelling))
        if not variant:
            continue
        writers: dict[str, set[str]] = defaultdict(set)  # spelling -> the sources that write it
        for source, spelling in variant:
            writers[spelling].add(source)
        summary = "; ".join(
            f"{spelling} by {', '.join(sorted(sources))}"
            for spelling, sources in sorted(writers.items(), key=lambda item: (-len(item[1]), item[0]))
        )
        for source, spelling in sorted(variant):
            passage, start, end = per_source[source][spelling]
            differences.append(
                _difference("spelling", source, passage, start, end, spelling, f"spelled {summary}")
            )
    return differences


ALIGNED_RATIO = 40  # word for word, in two names the entity engine already made one
SHORTER_RATIO = 60  # a word of the shorter name against its best match in the longer


def respelled(first: str, second: str) -> bool:
    """Whether two names of one entity are spelled differently, not merely shortened.

    "Fahim Dashti" / "Fahim Dashty", "Abdul Wadood Zhor" / "Abdul Wudod Zara"
    and "Masoud" / "Ahmad Massoud" are spellings; "Massoud" / "Ahmad Massoud"
    (a surname alone), "NRF" / "National Resistance Front" (an acronym) and
    "Resistance" / "National Resistance Front" (a short form) are other
    names for it, which a reader expects and does not need marked. Each word
    of the shorter name is matched with the most similar word of the
    longer; the names are respelled when a matched pair differs but looks
    alike: with as many words on both sides, a ratio of ``ALIGNED_RATIO``
    (the names are already one entity, so the bar is only there to keep two
    unrelated words apart: `zara`/`zhor` is 50); else ``SHORTER_RATIO``.
    """
    a, b = fold(first).split(), fold(second).split()
    if a == b:
        return False
    if len(a) == len(b):
        return any(x != y and fuzz.ratio(x, y) >= ALIGNED_RATIO for x, y in zip(a, b, strict=True))
    short, long = (a, b) if len(a) < len(b) else (b, a)
    for word in short:
        best = max(fuzz.ratio(word, other) for other in long)
        if SHORTER_RATIO <= best < 100:
            return True
    return False


def _cues(by_source: dict[str, list[Passage]], kind: str, verb: str) -> list[Difference]:
    having = {
        source: [
            (p, c)
            for p in passages
            for c in p.features.cues
            if c.kind == kind or (kind == "hedge" and c.kind == "attribution")
        ]
        for source, passages in by_source.items()
    }
    without = [source for source, cues in having.items() if not cues]
    if not without:
        return []
    differences = []
    for source, cues in having.items():
        for passage, cue in cues:
            says = (
                "attributes it" if cue.kind == "attribution" else verb
            )  # "tweeted" names a source, hedges nothing
            explanation = f"{source} {says} ('{cue.text}'); {', '.join(without)} do{'es' if len(without) == 1 else ''} not"
            differences.append(
                _difference(kind, source, passage, cue.start, cue.end, cue.text.lower(), explanation)
            )
    return differences


def _dates(by_source: dict[str, list[Passage]]) -> list[Difference]:
    days: dict[str, list[tuple[Passage, int, int, str]]] = defaultdict(list)
    for source, passages in by_source.items():
        for passage in passages:
            for mention in passage.features.dates:
                if mention.iso and mention.relative:
                    days[source].append((passage, mention.start, mention.end, mention.iso))
    distinct = {iso for items in days.values() for *_rest, iso in items}
    if len(distinct) < 2:
        return []
    summary = "; ".join(
        f"{s}: {', '.join(sorted({i[3] for i in items}))}" for s, items in sorted(days.items())
    )
    return [
        _difference(
            "date", source, passage, start, end, iso, f"the sources place it on different days ({summary})"
        )
        for source, items in days.items()
        for passage, start, end, iso in items
    ]


def _only(by_source: dict[str, list[Passage]], resolver: EntityResolver) -> list[Difference]:
    names: dict[str, list[tuple[Passage, Mention, tuple[str, ...]]]] = {}
    for source, passages in by_source.items():
        names[source] = [
            (passage, mention, resolver.primary(mention))
            for passage in passages
            for mention in passage.features.mentions
            if not mention.speaker
        ]
    differences = []
    for source, mine in names.items():
        others = {k for s, items in names.items() if s != source for _p, _m, keys in items for k in keys}
        shown: set[str] = set()
        for passage, mention, keys in mine:
            if any(k in others for k in keys) or mention.text in shown or len(shown) >= MAX_ONLY:
                continue
            shown.add(mention.text)
            differences.append(
                _difference(
                    "only",
                    source,
                    passage,
                    mention.start,
                    mention.end,
                    mention.text,
                    f"only {source} mentions {mention.text}",
                )
            )
    return differences


def _difference(
    kind: str, source: str, passage: Passage, start: int, end: int, value: str, explanation: str
) -> Difference:
    return Difference(
        kind=kind,
        source=source,
        article_id=passage.article_id,
        passage=passage.key,
        text=passage.text[start:end],
        value=value,
        explanation=explanation,
        start=start,
        end=end,
    )
