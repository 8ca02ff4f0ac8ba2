"""Splitting an article into sentences, and sentences into passages.

Why not one regex on ". ": news text is full of periods that end nothing
(Lt Gen., Aug. 25, U.S., No. 1, 5.93 mln) and of sentences that end inside
quotes ('... will continue," he said.'). The splitter looks at the word
before each period and at what follows it.

Why passages and not sentences: a quote and the sentence that attributes
it, or a sentence and the one that goes on with "He ..." or "They ...",
report one thing; comparing them apart would lose the name or the claim.
Headings and boilerplate ("Also Read | ...") stay passages of their own and
are flagged so they take part in no event.

Spans are offsets into the text as written: nothing is dropped or changed,
so a front end can highlight the exact characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end with a period without ending a sentence (lower case, no dot).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof rev fr sr jr st mt ft gen lt col maj capt cpt sgt cpl pvt adm cmdr cdr brig
    gov sen rep pres supt insp det hon amb
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun
    no nos vol vols fig figs pp op ed eds approx est dept div univ assn bros inc ltd co corp plc
    vs etc al cf ie eg viz ca
    """.split()
)
# After these a capitalised word is very likely a new sentence, even after "U.S."
_SENTENCE_STARTERS = frozenset(
    "the a an he she it they we i you his her its their our this that these those there but and "
    "in on at for however meanwhile also after before when while if as".split()
)
_CLOSERS = "\"'”’)]»"
_OPENERS = "\"'“‘([«"
_BOUNDARY = re.compile(
    r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s)|[.!?…]+[" + re.escape(_CLOSERS) + r"]*$"
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.){1,}[A-Za-z]?$")

BOILERPLATE = re.compile(
    r"^\W*(?:date\s+\d{4}-\d\d-\d\d\s+)?(?:also\s+read|read\s+also|read\s+more|follow\s+us|image\s+source|"
    r"published\s+on|updated\s+on|first\s+published|subscribe|click\s+here|advertisement|"
    r"also\s+watch|watch\s*:|share\s+this|photo\s*:|file\s+photo|copyright|©)",
    re.I,
)
MAX_SENTENCES = 3
MAX_QUOTE_SENTENCES = 8
MAX_CHARS = 1200

# A sentence that opens with one of these continues the previous one's subject.
_CONTINUERS = re.compile(
    r"^[\"“‘']?(?:he|she|they|it|his|her|their|its|him|them|this|these|those|such|moreover|furthermore)\b",
    re.I,
)
_PERSONAL = re.compile(r"^[\"“‘']?(?:he|she|they|his|her|their)\b", re.I)
# "The information was shared through ...", "The claim could not be verified": a definite noun
# for what was just reported, then its verb, goes on with the sentence before (even across a
# paragraph break: news sites give every sentence a paragraph of its own).
_ANAPHORIC = re.compile(
    r"^[\"“‘']?the\s+(?:information|claims?|statements?|reports?|news|announcement|allegations?|"
    r"remarks|comments|tweets?|posts?|message|video|footage|footages|accounts?|figures?|numbers?)\s+"
    r"(?:was|were|is|are|has|have|had|could|can|cannot|can't|could not|came|comes|did|does|remains?)\b",
    re.I,
)
# 'quote,' he said / quoted him as saying: a quote attributed by pronoun only
_PRONOUN_ATTRIBUTION = re.compile(
    r"[\"”’']\s*,?\s*(?:he|she|they|it|him|her|them)\b|"
    r"\b(?:quoted|cited)\s+(?:him|her|them)\b|\b(?:he|she|they)\s+(?:said|added|told|wrote|tweeted|stated)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    heading: bool = False  # a line without final punctuation: a headline or sub-heading
    boilerplate: bool = False
    paragraph: int = 0


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` as spans; every non-space character is in exactly one sentence.

    Line breaks always end a sentence (news sites put headings and
    captions on lines of their own); inside a line, a sentence ends at
    . ! ? (with any closing quotes) followed by space and a plausible
    sentence start.
    """
    sentences: list[Sentence] = []
    paragraph = 0
    for line_start, line_end, blank_before in _lines(text):
        if blank_before:
            paragraph += 1
        for start, end in _split_line(text, line_start, line_end):
            chunk = text[start:end]
            heading = not _ends_sentence(chunk) and len(chunk) < 160
            sentences.append(Sentence(start, end, heading, bool(BOILERPLATE.match(chunk)), paragraph))
    return sentences


def _lines(text: str) -> list[tuple[int, int, bool]]:
    """Blocks of text as (start, end) without surrounding space, and whether a blank line precedes.

    A block is a line, or several when the text is hard-wrapped (newswire
    copy breaks lines every 60 characters): a line that does not end a
    sentence and is long enough not to be a heading goes on in the next one.
    """
    lines: list[tuple[int, int, bool]] = []
    position = 0
    blank = False
    joinable = False
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            offset = raw.index(stripped[0])
            start, end = position + offset, position + offset + len(stripped)
            if joinable and not blank and lines and stripped[0] not in "*•-–—|":
                first, _end, before = lines[-1]
                lines[-1] = (first, end, before)
            else:
                lines.append((start, end, blank or not lines))
            joinable = len(stripped) >= 40 and not _ends_sentence(stripped)
            blank = False
        else:
            blank = True
            joinable = False
        position += len(raw)
    return lines


def _ends_sentence(chunk: str) -> bool:
    return bool(re.search(r"[.!?…:][" + re.escape(_CLOSERS) + r"]*$", chunk))


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    line = text[start:end]
    spans: list[tuple[int, int]] = []
    begin = 0
    for match in _BOUNDARY.finditer(line):
        cut = match.end()
        if cut >= len(line):
            break
        if not _is_boundary(line, match.start(), cut):
            continue
        piece_start, piece_end = _trim(line, begin, cut)
        if piece_end > piece_start:
            spans.append((start + piece_start, start + piece_end))
        begin = cut
    piece_start, piece_end = _trim(line, begin, len(line))
    if piece_end > piece_start:
        spans.append((start + piece_start, start + piece_end))
    return spans


def _trim(line: str, begin: int, end: int) -> tuple[int, int]:
    while begin < end and line[begin].isspace():
        begin += 1
    while end > begin and line[end - 1].isspace():
        end -= 1
    return begin, end


def _is_boundary(line: str, mark: int, cut: int) -> bool:
    """Whether the punctuation at ``mark`` (ending at ``cut``) ends a sentence."""
    rest = line[cut:].lstrip()
    if not rest:
        return True
    first = rest[0]
    if first.islower() or first in ",;:":
        return False  # '"... today!" he said', "5.93 mln"
    if not (first.isupper() or first.isdigit() or first in _OPENERS or first in "*•-–—"):
        return False
    if line[mark] != ".":
        return True
    before = _WORD_BEFORE.search(line[max(0, mark - 40) : mark])
    if not before:
        return True
    word = before.group(1)
    next_word = re.match(r"[\"“‘'(]*([A-Za-z]+)", rest)
    starter = bool(next_word and next_word.group(1).lower() in _SENTENCE_STARTERS)
    if _ACRONYM.match(word) and "." in word:
        return starter  # U.S. Army (no) / U.S. The next (yes)
    bare = word.rstrip(".").lower()
    if bare in ABBREVIATIONS:
        return starter and bare not in {"mr", "mrs", "ms", "dr", "gen", "lt", "col", "st", "no"}
    if len(word) == 1 and word.isupper():
        return starter  # an initial: "John F. Kennedy"
    return True


@dataclass(frozen=True, slots=True)
class PassageSpan:
    """A run of sentences that belong together."""

    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]
    heading: bool
    boilerplate: bool


def group_sentences(text: str, sentences: list[Sentence]) -> list[PassageSpan]:
    """Join sentences that belong together: open quotes, pronoun continuations, attributions."""
    groups: list[list[Sentence]] = []
    quote_open = False
    for sentence in sentences:
        chunk = text[sentence.start : sentence.end]
        previous = groups[-1] if groups else None
        join = False
        if previous is not None and not sentence.heading and not sentence.boilerplate:
            last = previous[-1]
            joinable = not last.heading and not last.boilerplate
            size = sum(s.end - s.start for s in previous) + len(chunk)
            if joinable and quote_open and last.paragraph == sentence.paragraph:
                join = len(previous) < MAX_QUOTE_SENTENCES and size < MAX_CHARS * 2
            elif joinable and len(previous) < MAX_SENTENCES and size < MAX_CHARS:
                if last.paragraph == sentence.paragraph:
                    join = bool(_CONTINUERS.match(chunk))
                else:  # a new paragraph goes on only with a personal pronoun
                    join = bool(_PERSONAL.match(chunk))
                join = join or bool(_ANAPHORIC.match(chunk))
                head = chunk if chunk[:1] in _OPENERS else chunk[:80]
                join = join or bool(_PRONOUN_ATTRIBUTION.search(head))
        if join and previous is not None:
            previous.append(sentence)
        else:
            groups.append([sentence])
            if previous is not None and previous[-1].paragraph != sentence.paragraph:
                quote_open = False
        if sentence.heading or sentence.boilerplate:
            quote_open = False
        else:
            quote_open = _quote_state(chunk, quote_open)
    return [
        PassageSpan(
            group[0].start,
            group[-1].end,
            tuple((s.start, s.end) for s in group),
            all(s.heading for s in group),
            any(s.boilerplate for s in group),
        )
        for group in groups
    ]


_QUOTE_CHARS = re.compile(r'[“”"]')


def _quote_state(chunk: str, open_: bool) -> bool:
    """Whether a double quote is still open after ``chunk`` (straight quotes toggle)."""
    for char in _QUOTE_CHARS.findall(chunk):
        if char == "“":
            open_ = True
        elif char == "”":
            open_ = False
        else:
            open_ = not open_
    return open_


def split_passages(text: str) -> list[PassageSpan]:
    """Passages of ``text`` in reading order."""
    return group_sentences(text, split_sentences(text))
