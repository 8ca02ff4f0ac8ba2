"""What each passage says, reduced to comparable pieces: names, content words, amounts, dates.

Extraction looks at one article at a time and depends on nothing else in
the corpus, so its result can be stored per article and reused until that
article changes (see ``table.py``): re-indexing ten changed articles
re-extracts ten articles. Everything that depends on the whole corpus
(which spellings are one entity, how rare a word is) happens later, at
grouping time, over these stored pieces.

Names: runs of capitalised words inside a sentence ("Fahim Dashti",
"National Resistance Front", "Inter-Services Intelligence"). A capitalised
first word of a sentence counts only if the article also capitalises it
mid-sentence, so "Several" or "Meanwhile" are not names. In fields written
in capitals (Reuters headlines), case says nothing and no names are taken.
"""

from __future__ import annotations

import re

from ..analysis import WORD_PATTERN, fold, name_words, stem
from ..models import Article
from .lexicon import CUE_PATTERNS, NAME_CONNECTORS, STOPWORDS, TITLES
from .models import Cue, Features, Mention, Passage
from .passages import split_passages
from .quantities import find_quantities
from .timex import calendar_spans, find_dates

_SENTENCE_OPENERS = frozenset(".!?:;\n\r\"“‘'(—–|*•")  # not "-": Inter-Services
_QUOTES = re.compile(r"“([^“”]{3,600})”|\"([^\"]{3,600})\"|(?<![\w'’])[‘']([^‘’']{6,300})[’'](?![\w'’])")
_TOKEN = re.compile(WORD_PATTERN.pattern + r"|[-–—]|[^\w\s]")


def extract_article(article: Article) -> list[Passage]:
    """Split ``article`` into passages and extract each one's features.

    A title that is not simply the article's first sentence (JSONL and CSV
    rows usually have one of their own) becomes passage 0 with
    ``field="title"``; it often names the event more plainly than any
    sentence does.
    """
    passages: list[Passage] = []
    names = name_words(article.text) | name_words(article.title)
    title = article.title.strip()
    body_head = " ".join(article.text[: len(title) + 200].split())
    plain_title = " ".join(title.rstrip("…").split())
    if title and plain_title[: max(1, len(plain_title) - 1)] not in body_head:
        passages.append(_make(article, 0, "title", 0, len(article.title), article.title, names, False))
    for span in split_passages(article.text):
        passages.append(
            _make(
                article,
                len(passages),
                "text",
                span.start,
                span.end,
                article.text,
                names,
                span.boilerplate,
            )
        )
    return passages


def _make(
    article: Article,
    index: int,
    field: str,
    start: int,
    end: int,
    source_text: str,
    names: set[str],
    boilerplate: bool,
) -> Passage:
    text = source_text[start:end]
    features = Features() if boilerplate else extract_features(text, article.date, names)
    return Passage(
        article_id=article.id,
        source=article.source,
        index=index,
        field=field,
        start=start,
        end=end,
        text=text,
        published=article.date,
        boilerplate=boilerplate,
        features=features,
    )


def extract_features(text: str, published: str | None, names: set[str] | None = None) -> Features:
    """Features of one passage; offsets are relative to ``text``.

    ``names`` is the set of folded words the article capitalises
    mid-sentence (``search.analysis.name_words``); it decides whether a
    sentence's capitalised first word is a name.
    """
    if names is None:
        names = name_words(text)
    mentions = mark_speakers(text, find_mentions(text, names))
    in_names = {fold(token) for mention in mentions for token in mention.tokens}
    dates = find_dates(text, published)
    quantities = find_quantities(text, [(d.start, d.end) for d in dates] + calendar_spans(text))
    words: dict[str, None] = {}
    for match in WORD_PATTERN.finditer(text):
        folded = fold(match.group())
        if len(folded) < 3 or not folded.isalpha() or folded in STOPWORDS or folded in in_names:
            continue
        words[stem(folded)] = None
    return Features(
        mentions=tuple(mentions),
        words=tuple(words),
        quantities=tuple(quantities),
        dates=tuple(dates),
        quotes=tuple(find_quotes(text)),
        cues=tuple(find_cues(text)),
    )


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def find_mentions(text: str, names: set[str]) -> list[Mention]:
    """Runs of capitalised words (with inner connectors such as "of") as name mentions."""
    if _mostly_capitals(text):
        return []
    mentions: list[Mention] = []
    run: list[re.Match[str]] = []
    pending: list[re.Match[str]] = []  # connectors waiting for a following name word

    def close() -> None:
        if run:
            tokens = tuple(
                m.group()
                for m in run
                if fold(m.group()) not in TITLES and fold(m.group()) not in NAME_CONNECTORS
            )
            if tokens:
                mentions.append(
                    Mention(text[run[0].start() : run[-1].end()], run[0].start(), run[-1].end(), tokens)
                )
        run.clear()
        pending.clear()

    previous_end = 0
    for match in _TOKEN.finditer(text):
        word = match.group()
        gap = text[previous_end : match.start()]
        previous_end = match.end()
        if not word[0].isalnum():
            if word in "-–" and run and not gap.strip():
                continue  # Inter-Services: a hyphen inside a name
            if word == "." and run and fold(run[-1].group()) in TITLES:
                continue  # Lt. Gen. Faiz Hameed
            close()
            continue
        if "\n" in gap:
            close()
        if _is_name_word(word, text, match.start(), names):
            if run and pending:
                run.extend(pending)
            pending.clear()
            run.append(match)
            if word.endswith(("'s", "’s")):
                close()  # Afghanistan's Samangan province: two names
        elif run and fold(word) in NAME_CONNECTORS and not pending:
            pending.append(match)
        else:
            close()
    close()
    return mentions


def _is_name_word(word: str, text: str, start: int, names: set[str]) -> bool:
    if not word[0].isupper():
        return False
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


def mark_speakers(text: str, mentions: list[Mention]) -> list[Mention]:
    """Flag mentions that attribute the passage ("Dashti tweeted", "said Mujahid").

    A speaker tells whose words these are, not what happened: two reports
    quoting the same spokesman about different things must not look alike
    because of him. Heuristic: a speech verb within a few words after the
    name in the same clause, or just before it ("said spokesman X",
    "according to X", "quoted X as saying").
    """
    marked = []
    for mention in mentions:
        after = re.split(r"[.;:!?\"“”]|\bthat\b", text[mention.end : mention.end + 60])[0]
        before = re.split(r"[.;:!?\"“”,]", text[max(0, mention.start - 45) : mention.start])[-1]
        speaker = bool(
            (_SPEECH.search(after) and len(after.split()) <= 8 and _SPEECH.search(after).start() < 50)
            or re.search(r"\b(?:said|says|according to|quoted|by)\b(?:\s+\w+){0,3}\s*$", before, re.I)
        )
        marked.append(
            Mention(mention.text, mention.start, mention.end, mention.tokens, speaker) if speaker else mention
        )
    return marked


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quoted words (inside the marks) of at least two words."""
    spans = []
    for match in _QUOTES.finditer(text):
        group = next(g for g in (1, 2, 3) if match.group(g) is not None)
        if len(match.group(group).split()) >= 2:
            spans.append(match.span(group))
    return spans


def find_cues(text: str) -> list[Cue]:
    """Words of hedging, attribution, claim and denial, in reading order."""
    cues = [
        Cue(kind, match.group(0), match.start(), match.end())
        for kind, pattern in CUE_PATTERNS.items()
        for match in pattern.finditer(text)
    ]
    cues.sort(key=lambda cue: (cue.start, cue.kind))
    return cues
