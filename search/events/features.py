"""What each passage says, reduced to comparable pieces: names, content words, amounts, dates.

Extraction looks at one article at a time and depends on nothing else in
the corpus, so its result can be reused until that article changes (see
``table.py``): re-indexing ten changed articles re-extracts ten articles.
Everything that depends on the whole corpus (which spellings are one
entity, how rare a word is) happens later, at grouping time.

Why two shapes: extraction runs over every article of a corpus (in worker
processes), so it produces plain tuples (``RawFeatures``, offsets and small
values, cheap to create and to send between processes); the ``Features``
records with their text fields are made from them only for the passages a
reader looks at (``to_features``).

Names: runs of capitalised words inside a sentence ("Fahim Dashti",
"National Resistance Front", "Inter-Services Intelligence"). A capitalised
first word of a sentence counts only if the article also capitalises it
mid-sentence, so "Several" or "Meanwhile" are not names. In fields written
in capitals (Reuters headlines), case says nothing and no names are taken.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..analysis import WORD_PATTERN, fold, stem
from ..models import Article
from . import caseless
from .lexicon import CUE_PATTERNS, NAME_CONNECTORS, STOPWORDS, TITLES
from .models import Cue, DateMention, Features, Mention, Passage, Quantity
from .passages import split_passages
from .quantities import NUMBER_WORDS, context_words, quantity_spans
from .timex import DATE_WORDS, date_spans

_SENTENCE_OPENERS = frozenset(".!?:;\n\r\"“‘'(—–|*•")  # not "-": Inter-Services
_QUOTES = re.compile(r"“([^“”]{3,600})”|\"([^\"]{3,600})\"|(?<![\w'’])[‘']([^‘’']{6,300})[’'](?![\w'’])")
_QUOTE_MARKS = frozenset("“\"‘'")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_LOWER = re.compile(r"[a-zß-öø-ÿ]")
_DIGIT = re.compile(r"\d")
_HYPHENS = frozenset("-–")

RawMention = tuple[int, int, tuple[str, ...], bool]  # start, end, name words, speaker
RawCue = tuple[str, int, int]  # kind, start, end


class RawFeatures(NamedTuple):
    """One passage's features as plain values; offsets are relative to the passage text."""

    mentions: tuple[RawMention, ...] = ()
    words: tuple[str, ...] = ()  # content stems, unique, in order
    surfaces: tuple[str, ...] = ()  # the folded word each stem was first written as
    quantities: tuple[tuple, ...] = ()  # (start, end, value, qualifier, magnitude, unit)
    dates: tuple[tuple, ...] = ()  # (start, end, iso, weekday, relative)
    quotes: tuple[tuple[int, int], ...] = ()
    cues: tuple[RawCue, ...] = ()


EMPTY = RawFeatures()


class PassageSpan(NamedTuple):
    """Where a passage is: field ("title" or "text"), offsets in that field, boilerplate flag."""

    field: str
    start: int
    end: int
    boilerplate: bool


class Extract(NamedTuple):
    """Everything extraction gives for one article: passage spans and their raw features."""

    spans: tuple[PassageSpan, ...]
    raws: tuple[RawFeatures, ...]


def extract(article: Article) -> Extract:
    """Passages of ``article`` and the raw features of each.

    A title that is not simply the article's first sentence (JSONL and CSV
    rows usually have one of their own) becomes passage 0 with
    ``field="title"``; it often names the event more plainly than any
    sentence does.
    """
    spans: list[PassageSpan] = []
    raws: list[RawFeatures] = []
    names = article_names(article.text) | article_names(article.title)
    title = article.title.strip()
    if title:
        body_head = " ".join(article.text[: len(title) + 200].split())
        plain_title = " ".join(title.rstrip("…").split())
        if plain_title[: max(1, len(plain_title) - 1)] not in body_head:
            spans.append(PassageSpan("title", 0, len(article.title), False))
            raws.append(raw_features(article.title, article.date, names))
    text = article.text
    for span in split_passages(text):
        spans.append(PassageSpan("text", span.start, span.end, span.boilerplate))
        if span.boilerplate:
            raws.append(EMPTY)
        else:
            raws.append(raw_features(text[span.start : span.end], article.date, names))
    return Extract(tuple(spans), tuple(raws))


def extract_article(article: Article) -> list[Passage]:
    """Passages of ``article`` with their features (the record form, for callers that want objects)."""
    found = extract(article)
    passages = []
    for index, (span, raw) in enumerate(zip(found.spans, found.raws, strict=True)):
        source_text = article.title if span.field == "title" else article.text
        text = source_text[span.start : span.end]
        passages.append(
            Passage(
                article_id=article.id,
                source=article.source,
                index=index,
                field=span.field,
                start=span.start,
                end=span.end,
                text=text,
                published=article.date,
                boilerplate=span.boilerplate,
                features=to_features(raw, text),
            )
        )
    return passages


def extract_features(text: str, published: str | None, names: set[str] | None = None) -> Features:
    """Features of one passage; offsets are relative to ``text``.

    ``names`` is the set of folded words the article capitalises
    mid-sentence (``search.analysis.name_words``); it decides whether a
    sentence's capitalised first word is a name.
    """
    return to_features(raw_features(text, published, names), text)


# Per raw word: (folded, stem) when it can be a content word, else None. Corpora repeat words,
# so this is looked up far more often than computed.
_WORD_INFO: dict[str, tuple[str, str] | None] = {}


def _word_info(word: str) -> tuple[str, str] | None:
    info = _WORD_INFO.get(word, False)
    if info is False:
        folded = fold(word)
        info = (
            None if len(folded) < 3 or not folded.isalpha() or folded in STOPWORDS else (folded, stem(folded))
        )
        if len(_WORD_INFO) < 500_000:
            _WORD_INFO[word] = info
    return info  # type: ignore[return-value]


def raw_features(text: str, published: str | None, names: set[str] | None = None) -> RawFeatures:
    """The raw features of one passage (see ``RawFeatures``)."""
    if names is None:
        names = article_names(text)
    mentions = _speakers(text, _mentions(text, names))
    in_names = {fold(token) for mention in mentions for token in mention[2]}
    words: dict[str, str] = {}
    lowered: set[str] = set()
    for word in WORD_PATTERN.findall(text):
        info = _word_info(word)
        if info is None:
            lowered.add(fold(word))
            continue
        folded, stemmed = info
        lowered.add(folded)
        if folded not in in_names and stemmed not in words:
            words[stemmed] = folded
    has_digit = _DIGIT.search(text) is not None
    low = caseless.lowered(text)  # one lower-cased copy for every scan below
    written: list[tuple[int, int]] = []  # every calendar date's span (found with the dates)
    dates = (
        date_spans(text, published, written, low) if has_digit or not lowered.isdisjoint(DATE_WORDS) else []
    )
    quantities: list[tuple] = []
    if has_digit or not lowered.isdisjoint(NUMBER_WORDS):
        skip = [(d[0], d[1]) for d in dates] + written
        quantities = quantity_spans(text, skip, low)
    return RawFeatures(
        tuple(mentions),
        tuple(words),
        tuple(words.values()),
        tuple(quantities),
        tuple(dates),
        tuple(find_quotes(text)) if not _QUOTE_MARKS.isdisjoint(text) else (),
        tuple(find_raw_cues(text, low)),
    )


def to_features(raw: RawFeatures, text: str) -> Features:
    """The record form of ``raw`` for the passage ``text`` (text fields sliced from it)."""
    if raw is EMPTY or raw == EMPTY:
        return Features()
    return Features(
        mentions=tuple(Mention(text[s:e], s, e, tokens, speaker) for s, e, tokens, speaker in raw.mentions),
        words=raw.words,
        quantities=tuple(
            Quantity(text[s:e], s, e, value, qualifier, magnitude, unit, context_words(text, s, e))
            for s, e, value, qualifier, magnitude, unit in raw.quantities
        ),
        dates=tuple(
            DateMention(text[s:e], s, e, iso, weekday, relative) for s, e, iso, weekday, relative in raw.dates
        ),
        quotes=raw.quotes,
        cues=tuple(Cue(kind, text[s:e], s, e) for kind, s, e in raw.cues),
    )


def _mostly_capitals(text: str) -> bool:
    upper = len(_UPPER.findall(text))
    letters = upper + len(_LOWER.findall(text))
    return letters >= 8 and upper > 0.6 * letters


def find_mentions(text: str, names: set[str]) -> list[Mention]:
    """Runs of capitalised words (with inner connectors such as "of") as name mentions."""
    return [Mention(text[s:e], s, e, t, sp) for s, e, t, sp in _mentions(text, names)]


# A word (as ``WORD_PATTERN`` cuts them: not inside "O'Brien" or "U.S") that starts with a letter
# that may be a capital; the few lower-case non-ASCII letters it lets through are checked after.
_CAPITALISED = re.compile(r"(?<!\w)(?<!\w['’.])[^\W\d_a-z]\w*(?:['’.]\w+)*")
_NAME_OPENERS = frozenset(".!?:;\n\r\"“‘'(—–-|*•")  # as search.analysis.name_words


def article_names(text: str) -> set[str]:
    """Folded words written with a capital inside a sentence (``search.analysis.name_words``).

    The same set, found by visiting only the capitalised words.
    """
    names: set[str] = set()
    for match in _CAPITALISED.finditer(text):
        word = match.group()
        if not word[0].isupper() or word.isupper():
            continue
        position = match.start() - 1
        while position >= 0 and text[position] in " \t":
            position -= 1
        if position < 0 or text[position] in _NAME_OPENERS:
            continue
        names.add(fold(word))
    return names


def _mentions(text: str, names: set[str]) -> list[RawMention]:
    """Name runs: consecutive capitalised name words.

    Between two words of a run only spaces may stand, or a hyphen
    ("Inter-Services"), or the period of an abbreviated title ("Lt. Gen.
    Faiz Hameed"), or one lower-case connector ("Bank of England", "Osama
    bin Laden"); a line break, any other word or punctuation ends the run.
    Only the capitalised words are visited.
    """
    if _mostly_capitals(text):
        return []
    mentions: list[RawMention] = []
    run: list[tuple[int, int, str]] = []

    def close() -> None:
        if run:
            kept = tuple(w for _s, _e, w in run if (f := fold(w)) not in TITLES and f not in NAME_CONNECTORS)
            if kept:
                mentions.append((run[0][0], run[-1][1], kept, False))
            run.clear()

    for match in _CAPITALISED.finditer(text):
        word = match.group()
        start = match.start()
        if not word[0].isupper() or not _is_name_word(word, text, start, names):
            if run and fold(word) in NAME_CONNECTORS:
                continue  # "Services Of America": judged with the gap before the next name word
            close()
            continue
        if run:
            _start, last_end, last = run[-1]
            gap = text[last_end:start]
            connector = _joins(gap, last)
            if connector is False:
                close()
            elif connector is not None:
                offset = last_end + gap.index(connector)
                run.append((offset, offset + len(connector), connector))
        run.append((start, match.end(), word))
        if word.endswith(("'s", "’s")):
            close()  # Afghanistan's Samangan province: two names
    close()
    return mentions


def _joins(gap: str, last: str) -> str | bool | None:
    """Whether two name words with ``gap`` between them are one name: False, or True-ish.

    Returns None when they join directly, the connector word when one
    joins them, False when they do not join.
    """
    if not gap or gap.isspace():
        return None if "\n" not in gap else False
    if "\n" in gap:
        return False
    marks = gap.strip()
    if all(c in _HYPHENS or c.isspace() for c in marks):
        return None
    title = fold(last) in TITLES
    if marks == "." and title:
        return None
    if title and marks.startswith("."):
        marks = marks[1:]  # "Rev. Al Sharpton"
    word = marks.strip("".join(_HYPHENS) + " \t")
    if (
        word.isalpha()
        and fold(word) in NAME_CONNECTORS
        and all(c in _HYPHENS or c.isspace() for c in marks.replace(word, "", 1))
        and (gap[0].isspace() or gap[0] in _HYPHENS or title)
    ):
        return word
    return False


def _is_name_word(word: str, text: str, start: int, names: set[str]) -> bool:
    folded = fold(word)
    if folded in STOPWORDS and not (word.isupper() and len(word) > 1):
        return False
    position = start - 1
    while position >= 0 and text[position] in " \t":
        position -= 1
    sentence_start = position < 0 or text[position] in _SENTENCE_OPENERS
    if sentence_start and not word.isupper():
        return folded in names
    return True


_SPEECH = re.compile(
    r"\b(?:said|says|say|tweeted|told|wrote|stated|added|announced|confirmed|claimed|insisted|"
    r"according to|quoted|quoting|as saying|posted)\b",
    re.I,
)
# "by" only after a word of speech: "a tweet by X" attributes, "bombed by X" names the actor
_SPEECH_BEFORE = re.compile(
    r"\b(?:said|says|according to|attributed to|credited to|quoted|"
    r"(?:quoted|reported|cited|tweet|tweeted|statement|posted|"
    r"written|report|interview|message|post|thread)\s+by)\b(?:\s+\w+){0,3}\s*$",
    re.I,
)
_SELF = re.compile(r"\s*,?\s*(?:that\s+)?(?:he|she|they|we|i)\b", re.I)
_CLAUSE_AFTER = re.compile(r"[.;:!?\"“”]|\bthat\b")
_CLAUSE_BEFORE = re.compile(r"[.;:!?\"“”,]")


def mark_speakers(text: str, mentions: list[Mention]) -> list[Mention]:
    """Flag mentions that attribute the passage ("Dashti tweeted", "said Mujahid")."""
    raw = _speakers(text, [(m.start, m.end, m.tokens, m.speaker) for m in mentions])
    return [Mention(text[s:e], s, e, t, sp) for s, e, t, sp in raw]


def _speakers(text: str, mentions: list[RawMention]) -> list[RawMention]:
    """Mentions that attribute the passage ("Dashti tweeted", "said Mujahid") get the speaker flag.

    A speaker tells whose words these are, not what happened: two reports
    quoting the same spokesman about different things must not look alike
    because of him. Heuristic: a speech verb within a few words after the
    name in the same clause, or just before it ("said spokesman X",
    "according to X", "quoted X as saying"). Not a speaker: one who says
    something of himself ("Massoud said that he was ready to talk").
    """
    marked = []
    for start, end, tokens, speaker in mentions:
        after = _CLAUSE_AFTER.split(text[end : end + 60], maxsplit=1)[0]
        found = _SPEECH.search(after)
        if found and len(after.split()) <= 8 and found.start() < 50:
            # "Massoud said that he was ready to ...": one who speaks of himself is what happened
            speaker = not _SELF.match(text, end + found.end())
        else:
            before = _CLAUSE_BEFORE.split(text[max(0, start - 45) : start])[-1]
            speaker = speaker or bool(_SPEECH_BEFORE.search(before))
        marked.append((start, end, tokens, speaker))
    return marked


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quoted words (inside the marks) of at least two words."""
    spans = []
    for match in _QUOTES.finditer(text):
        group = next(g for g in (1, 2, 3) if match.group(g) is not None)
        if len(match.group(group).split()) >= 2:
            spans.append(match.span(group))
    return spans


# The cue patterns matched against lower-cased text without their leading \b: a pattern that
# starts with plain letters lets the regex engine skip to candidate positions (several times
# faster on long articles); the word boundary is checked by hand.
_FAST_CUES = {
    kind: re.compile(pattern.pattern.replace(r"\b(?:", "(?:", 1)) for kind, pattern in CUE_PATTERNS.items()
}


def find_raw_cues(text: str, low: str | None = None) -> list[RawCue]:
    """Words of hedging, attribution, claim and denial as (kind, start, end), in reading order.

    ``low``: ``caseless.lowered(text)`` when the caller has it. The cues are always found
    on lower-cased text: when ``low`` is None (a text holding İ, ı or ſ, or no caller's
    copy), the text is lower-cased here with its offsets kept.
    """
    if low is None:
        low = caseless.lower_keeping_offsets(text)
    cues = []
    for kind, pattern in _FAST_CUES.items():
        position = 0
        while (match := pattern.search(low, position)) is not None:
            start = match.start()
            if start and (low[start - 1].isalnum() or low[start - 1] == "_"):
                position = start + 1  # inside a word ("was quoted by"): look again just after
                continue
            cues.append((kind, start, match.end()))
            position = max(match.end(), start + 1)
    cues.sort(key=lambda cue: (cue[1], cue[0]))
    return cues


def find_cues(text: str) -> list[Cue]:
    """Words of hedging, attribution, claim and denial, in reading order."""
    return [Cue(kind, text[s:e], s, e) for kind, s, e in find_raw_cues(text)]
