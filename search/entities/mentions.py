"""Name mentions in one article: capitalised sequences, their titles, roles and kind cues.

Why per article and corpus-free: extraction is the expensive step, so it runs
once per article when the article is indexed and its result is stored; a
changed article is re-extracted alone. Whatever needs the whole corpus (is
`Resistance` a common word here? which `Massoud` is meant?) is decided later,
from these stored records, in ``resolve``. So extraction keeps every
candidate, marks the doubtful ones (``initial``: the capital may be grammar),
and records the words the article writes in lower case as the corpus'
evidence of common words.

What one mention holds: the name as written without its title or possessive
(`Lt Gen Faiz Hameed's` -> `Faiz Hameed`, title `lieutenant general`), its
character offsets in the text, the role words around it (`spokesperson`), an
organisation named with that role (`NRF's leader Massoud` -> `NRF`), an
acronym it defines (`Inter-Services Intelligence (ISI)`), kind cues, and the
index of its sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from ..analysis import WORD_PATTERN, fold
from ..models import Article
from .lexicon import (
    ABBREVIATIONS,
    AMBIGUOUS_TITLES,
    DIRECTIONS,
    FUNCTION_WORDS,
    KINSHIP_WORDS,
    LEGAL_SUFFIXES,
    MOVEMENT_VERBS,
    NAME_PARTICLES,
    ORG_WORDS,
    PERSON_TITLES,
    PLACE_NOUNS,
    PLACE_OWNED,
    PLACE_PREPOSITIONS,
    PLACE_WORDS,
    QUALIFIERS,
    ROLE_WORDS,
    SPEECH_VERBS,
    TIME_WORDS,
    TITLE_EXPANSIONS,
    TITLE_PREFIXES,
    TITLE_SUFFIXES,
    WEEKDAYS,
)

# Kind cue codes kept with each mention (weights live in ``kinds``):
#   T title or honorific in the name      r role word beside it     k kinship word beside it
#   s a speech verb follows ("X said")    O organisation word in it  o organisation noun follows
#   P place word in it ("Valley")        p place noun follows or "north of X"   i "in X"
#   a written as an acronym              l a local place cue: "flew to X", "in Amman, X", "X's King"
#   g written with a possessive ('s)     b the only words of their line (a signature, a heading)
#   j a joined reading of words the other mentions keep apart: `Standard and Poor's`,
#     `Moody's Investors Service`; ``resolve`` keeps it only when the corpus writes the
#     possessive word with its 's nearly always (a name ending in 's), else the parts
CUE_CODES = "TrksOoPpialgbj"


def _upper_class() -> str:
    """A regex class of the upper-case letters of the Basic Multilingual Plane, as ranges.

    Written as ranges because a class listing two thousand single letters
    makes the regex engine a hundred times slower.
    """
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        char = chr(code)
        if char.isupper() or char.istitle():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    parts = [re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges]
    return "[" + "".join(parts) + "]"


_UPPER_CLASS = _upper_class()
_PREFIXED = r"\b(?:[ae]l|a[dnrstz]|ash|u[ld]|abu|bin|ibn)[-‐'’]"
_WORD = rf"(?:{_UPPER_CLASS}|{_PREFIXED}{_UPPER_CLASS})\w*(?:['’\-‐.]\w+|&{_UPPER_CLASS}\w*)*"
_H = r"[^\S\r\n]"  # horizontal white space, no-break space included
_GAP = rf"(?:{_H}+|{_H}*\r?\n{_H}?)"
_LINKS = "|".join(sorted((*NAME_PARTICLES, "of", "for", "on", "and", "&"), key=len, reverse=True))
_LINK = rf"(?:{_LINKS})"
SEQUENCE = re.compile(rf"{_WORD}(?:\.?{_GAP}(?:{_LINK}{_GAP})?{_WORD})*(?:['’]s?)?")
TOKEN = re.compile(rf"{_WORD}|(?<![\w'’\-])(?:{_LINKS})(?![\w'’\-])")

# The three line-break alternatives share their "\n" (same order, same matches): a little faster.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n(?:[ \t]*\n|[ \t]{2,}|(?=[-*•]))")
_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9&.\-]{1,11})\s*\)")
_AFTER_ROLE = re.compile(
    r"\s*,\s*(?:(?:the|a|an|its|his|her|their|\w+['’]s)\s+)?"
    r"(?:(?:former|late|acting|deputy|senior|chief|main|top|vice|then|first|new|military|political)\s+)*"
    r"([a-z][\w\-]*)(?:\s+of\s+(?:the\s+)?([A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*))?"
)
_AFTER_WORD = re.compile(rf"{_H}*\r?\n?{_H}*([a-z][\w\-]*)")
_NAME_BEFORE = re.compile(r"(?<![\w\-])([A-Z][\w\-]*(?:[ \t]+[A-Z][\w\-]*){0,3})(?:['’]s)?\)?[ \t]*\Z")
_PLACE_OWNER = re.compile(r"['’]s?[ \t]+(\w+)(?:[ \t]+(\w+))?")
_CITY_COMMA = re.compile(rf"\b(?:in|at|from|to|near|outside){_H}+[A-Z][\w\-]*(?:{_H}+[A-Z][\w\-]*)?,{_H}*\Z")
_ENDS_PHRASE = re.compile(r"[ \t]*(?:[.;)!?]|\Z)")  # not a comma: `at Harvard, Obama, who`
_ORG_NOUNS_AFTER = frozenset("group network movement party company agency militia firm".split())
_OPENERS = frozenset('.!?:;|•*"“‘(—–-[')
_CLOSERS = frozenset('.!?:;"”’)')
_CONTEXT = 48
_NOT_EVIDENCE = FUNCTION_WORDS  # always common: no need to store them per article
_DOTTED = re.compile(r"(?:\w\.)+\w")
_SPACES = " \t\u00a0\u2007\u202f\u2009\u200a\u3000"
_CONNECTORS = frozenset(("of", "for", "on", "and", "&"))
_MAYBE_GRAMMAR = FUNCTION_WORDS | TIME_WORDS  # only these words can be grammar words (see _grammar_word)
_NUMBER_AFTER = re.compile(r"\.?[ \t]*\d")
_HYPHENS = re.compile(r"[-‐]")


class Mention(NamedTuple):
    """One name as written in one article (title, possessive and surrounding words removed).

    A named tuple rather than a frozen dataclass: extraction makes one for each of the
    four million mentions of a 100,000-article corpus, and a frozen dataclass sets each
    of its eleven fields through ``object.__setattr__`` (half the cost of making one);
    its fields in order are also the stored row (``rows.MentionRow``).
    """

    start: int  # offsets of ``text`` in the article text
    end: int
    text: str  # the name as written, whitespace normalised: "Faiz Hameed"
    title: str = ""  # title written in the name, normalised: "lieutenant general"
    roles: tuple[str, ...] = ()  # role or family words beside it: ("chief",)
    affiliation: str = ""  # a name given with the role: "ISI" in "(ISI) chief Lt Gen Faiz Hameed"
    acronym: str = ""  # acronym defined right after it: "ISI" for "Inter-Services Intelligence (ISI)"
    cues: str = ""  # kind cue codes (see CUE_CODES)
    initial: bool = False  # its first word opens a sentence, so its capital may be grammar
    sentence: int = 0  # index of its sentence in the article
    lead: int = 0  # when ``initial`` and several words: offset of the second word from ``start``


@dataclass(slots=True)
class ArticleMentions:
    """What extraction keeps of one article: its mentions and its lower-case words."""

    id: str
    source: str
    date: str | None
    mentions: tuple[Mention, ...] = ()
    lower: frozenset[str] = field(default_factory=frozenset)  # folded words written in lower case


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int
    folded: str
    link: bool  # a lower-case connector (of, bin, al, and ...)


def extract(article: Article) -> ArticleMentions:
    """Mentions and lower-case word evidence of one article (body text only; titles are often Title Case)."""
    text = article.text or ""
    lower = (
        frozenset(fold(word) for word in set(WORD_PATTERN.findall(text)) if word[0].islower()) - _NOT_EVIDENCE
    )
    return ArticleMentions(article.id, article.source, article.date, tuple(extract_mentions(text)), lower)


def extract_mentions(text: str) -> list[Mention]:
    """Every candidate name mention in ``text``, in order of appearance."""
    if not text:
        return []
    sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    mentions: list[Mention] = []
    possessives: list[list[_Token]] = []  # sequences with an apostrophe, for the joined readings
    for match in SEQUENCE.finditer(text):
        sequence = match.group()
        tokens = _tokens(sequence, match.start())
        if "'" in sequence or "’" in sequence:
            possessives.append(tokens)
        if not tokens or _lone_grammar_word(tokens):
            continue
        first = True
        for chunk in _split(tokens, text):
            initial = first and _opens_sentence(text, chunk[0].start)
            mentions.extend(_mentions_of(chunk, initial, text, sentence_starts))
            first = False
    spans = {(m.start, m.end) for m in mentions} if possessives else set()
    for tokens in possessives:  # one pass of SEQUENCE: the tokens are not changed by _split
        joined = _joined(tokens, text, sentence_starts)
        mentions.extend(m for m in joined if (m.start, m.end - 2) not in spans)
    mentions.sort(key=lambda m: (m.start, -m.end))
    return mentions


_POSSESSIVE = ("'s", "’s")
_POSSESSIVE_MARKS = ("'", "’")


def _joined(tokens: list[_Token], text: str, sentence_starts: list[int]) -> list[Mention]:
    """Joined readings around a possessive (cue ``j``): `X and Y's`, `Y's ... Corp/Service`.

    `Standard and Poor's` and `Moody's Investors Service` are one name each, but
    `Spain and Portugal's` and `Pakistan's Foreign Ministry` are not; no rule on
    one article tells them apart, so the joined reading is kept beside the parts
    and ``resolve`` chooses with the corpus' evidence (is `Poor` ever written
    without its 's?).
    """
    out = []
    for index, token in enumerate(tokens):
        if not token.text.endswith(_POSSESSIVE) or len(token.text) <= 3 or token.link:
            continue
        begin = index
        if (
            index >= 2
            and tokens[index - 1].text in ("and", "&")
            and not tokens[index - 2].link
            and tokens[index - 2].folded not in FUNCTION_WORDS
        ):
            begin = index - 2
        end = index
        run = []
        for later in tokens[index + 1 : index + 4]:
            if later.link or later.text.endswith(_POSSESSIVE) or later.folded in FUNCTION_WORDS:
                break
            run.append(later)
        while run and not (run[-1].folded in ORG_WORDS or run[-1].folded in LEGAL_SUFFIXES):
            run.pop()
        if run and not any(_title_word(t.folded) for t in run):
            end = index + len(run)
        if begin == index and end == index:
            continue
        start, stop = tokens[begin].start, tokens[end].end
        words = [t.text for t in tokens[begin : end + 1]]
        cues = ["j"]
        if any(t.folded in ORG_WORDS for t in tokens[begin : end + 1]):
            cues.append("O")
        _roles, _affiliation, context_cues = _context(text, start, stop)
        cues.extend(c for c in context_cues if c in "so")
        out.append(
            Mention(
                start=start,
                end=stop,
                text=" ".join(words),
                cues="".join(dict.fromkeys(cues)),
                initial=_opens_sentence(text, start),
                sentence=bisect_right(sentence_starts, start) - 1,
            )
        )
    return out


def _tokens(sequence: str, offset: int) -> list[_Token]:
    """The words and connectors of one capitalised sequence, with their offsets in the text."""
    return [
        _Token(word, offset + start, offset + end, folded, link)
        for word, start, end, folded, link in _sequence_layout(sequence)
    ]


@lru_cache(maxsize=100_000)
def _sequence_layout(sequence: str) -> tuple[tuple[str, int, int, str, bool], ...]:
    """The tokens of a sequence as (word, start, end, folded, link), offsets from the sequence start.

    Cached because a corpus writes the same names again and again (`Reuter`,
    `U.S.`, `Federal Reserve`): tokenising depends on the sequence alone.
    """
    layout = []
    for match in TOKEN.finditer(sequence):
        word = match.group()
        folded, link = _word_facts(word)
        layout.append((word, match.start(), match.end(), folded, link))
    return tuple(layout)


@lru_cache(maxsize=100_000)
def _word_facts(word: str) -> tuple[str, bool]:
    """A token's folded form and whether it is a lower-case connector (`of`, `bin`, `al-`).

    Cached because names repeat across a corpus: both depend on the word alone.
    """
    link = not (word[0].isupper() or "-" in word[:4] or "‐" in word[:4] or "’" in word[:4] or "'" in word[:4])
    if link and word.lower() not in NAME_PARTICLES and word not in _CONNECTORS:
        link = False
    return fold(word.rstrip(".")), link


def _lone_grammar_word(tokens: list[_Token]) -> bool:
    """A sequence of one function word (`The`, `It`): a quarter of all sequences; _split would drop it."""
    if len(tokens) != 1:
        return False
    token = tokens[0]
    return not token.link and token.folded in FUNCTION_WORDS and not _caps(token.text)


def _split(tokens: list[_Token], text: str) -> list[list[_Token]]:
    """Cut a capitalised run where it is not one name: sentence dots, possessives, grammar words."""
    chunks: list[list[_Token]] = []
    current: list[_Token] = []
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        word = token.text
        if (
            not token.link
            and token.folded in _MAYBE_GRAMMAR  # a set look-up spares most words the call
            and _grammar_word(token, current, text)
            and not _caps(word)
        ):
            if current:
                chunks.append(current)
            current = []
            continue
        possessive = word.endswith(("'s", "’s", "'", "’")) and len(word) > 2
        if possessive:
            cut = 2 if word.endswith(("'s", "’s")) else 1
            token = _Token(word[:-cut], token.start, token.end - cut, token.folded, False)
        dot_after = text[token.end : token.end + 1] == "."
        if dot_after and _DOTTED.fullmatch(token.text):
            # `U.S.`: the last dot is part of the abbreviation, whether or not a sentence ends there
            token = _Token(token.text + ".", token.start, token.end + 1, token.folded, False)
            current.append(token)
            continue
        if dot_after and len(token.text) == 1 and not possessive:
            # `George W. Bush`: an initial keeps its dot, so the name is written as the article wrote it
            token = _Token(token.text + ".", token.start, token.end + 1, token.folded, token.link)
            dot_after = False  # the dot is inside the token now; the name goes on after it
        current.append(token)
        follows_dot = index < last and dot_after
        if possessive or (follows_dot and not _abbreviation(token)):
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    out = []
    for chunk in chunks:
        out.extend(_check_links(chunk))
    return out


def _grammar_word(token: _Token, current: list[_Token], text: str) -> bool:
    """Function words, weekdays and months; a month right after a name is a name (`Theresa May`)."""
    if token.folded in FUNCTION_WORDS:
        return True
    if token.folded not in TIME_WORDS:
        return False
    if token.folded in WEEKDAYS or not current or current[-1].link:
        return True
    return bool(_NUMBER_AFTER.match(text[token.end : token.end + 4]))


def _caps(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _abbreviation(token: _Token) -> bool:
    """A dot after `Gen`, `Dr`, `W` or `U.S` does not end the sentence."""
    word = token.text
    return len(word) == 1 or token.folded in ABBREVIATIONS or bool(_DOTTED.fullmatch(word))


def _check_links(chunk: list[_Token]) -> list[list[_Token]]:
    """Keep `of`/`and` only inside organisation and place names; particles only between names."""
    if not chunk:
        return []
    for token in chunk:
        if token.link:
            break
    else:
        return [chunk]  # no connector at all, the common case: nothing to check
    while chunk and chunk[0].link:
        chunk = chunk[1:]
    while chunk and chunk[-1].link:
        chunk = chunk[:-1]
    if not chunk:
        return []
    pieces: list[list[_Token]] = []
    current: list[_Token] = []
    seen_of = False
    for index, token in enumerate(chunk):
        if token.link and token.text in ("of", "for", "on", "and", "&"):
            head = {t.folded for t in current if not t.link}
            organised = bool(head & (ORG_WORDS | PLACE_WORDS)) or _is_title_run(current)
            keep = organised and (token.text in ("of", "for", "on") or seen_of or token.text == "&")
            if token.text == "&":
                keep = bool(current)
            elif token.text == "and" and not keep:
                keep = len(head) == 1 and _short_org_after(chunk[index + 1 :])
            if keep:
                seen_of = seen_of or token.text == "of"
                current.append(token)
                continue
            if current:
                pieces.append(current)
            current = []
            seen_of = False
            continue
        current.append(token)
    if current:
        pieces.append(current)
    cleaned = []
    for piece in pieces:
        while piece and piece[-1].link:
            piece = piece[:-1]
        if piece:
            cleaned.append(piece)
    return cleaned


def _short_org_after(rest: list[_Token]) -> bool:
    """`Securities and [Exchange Commission]`: one or two words ending in an organisation word."""
    words = []
    for token in rest:
        if token.link:
            break
        words.append(token.folded)
    return 1 <= len(words) <= 2 and words[-1] in ORG_WORDS


@lru_cache(maxsize=50_000)
def _has_org_part(folded: str) -> bool:
    """Whether a word, or a part of a hyphenated one, is an organisation word (`Group`, `Bank-Holding`).

    Cached: it was asked of every word of every chunk, up to three times.
    """
    return any(part in ORG_WORDS for part in folded.split("-"))


@lru_cache(maxsize=50_000)
def _title_word(folded: str) -> bool:
    """A title, hyphenated ones included: `Lieutenant-General`, `Vice-President`, `President-elect`.

    A hyphenated title ends in a title (or a title then `-elect`/`-designate`), and what
    comes before is titles or qualifiers (`Vice`, `Ex`), so `Jean-Pierre` is no title.
    """
    parts = [part for part in folded.replace("‐", "-").split("-") if part]
    if len(parts) > 1 and parts[-1] in TITLE_SUFFIXES:
        parts.pop()
    if not parts or parts[-1] not in PERSON_TITLES:
        return False
    return all(part in PERSON_TITLES or part in QUALIFIERS or part in TITLE_PREFIXES for part in parts[:-1])


@lru_cache(maxsize=50_000)
def _qualifier(folded: str) -> bool:
    return folded in QUALIFIERS or _title_word(folded)


def _is_title_run(tokens: list[_Token]) -> bool:
    """Whether the words (connectors aside) are all titles or qualifiers, the last a title: `Vice President`."""
    last = ""
    for token in tokens:
        if token.link:
            continue
        if not _qualifier(token.folded):
            return False
        last = token.folded
    return bool(last) and _title_word(last)


def _opens_sentence(text: str, position: int) -> bool:
    """Whether the word at ``position`` opens a sentence (so its capital says nothing)."""
    index = position - 1
    while index >= 0 and text[index] in _SPACES:
        index -= 1
    quoted = False
    while index >= 0 and text[index] in "\"“‘'([":
        quoted = True
        index -= 1
        while index >= 0 and text[index] in _SPACES:
            index -= 1
    if index < 0 or (quoted and text[index] in ",:;"):
        return True  # `said, "Wherever you are`: a quotation opens a sentence
    char = text[index]
    if char in "-‐" and index + 1 < len(text) and text[index + 1] not in _SPACES:
        return False  # `anti-Taliban`: a hyphen inside a word opens nothing
    if char in _OPENERS:
        return True
    if char in "\r\n":
        line_start = index + 1
        after = text[line_start:position]
        if len(after) >= 2 and after[0] in _SPACES and (after[1] in _SPACES or after[0] == "\t"):
            return True
        back = index - 1
        while back >= 0 and text[back] in _SPACES + "\r":
            back -= 1
        return back < 0 or text[back] == "\n" or text[back] in _CLOSERS
    return False


def _mentions_of(chunk: list[_Token], initial: bool, text: str, sentence_starts: list[int]) -> list[Mention]:
    """One capitalised chunk -> a mention (or two, when an organisation precedes a title or an expansion)."""
    if len(chunk) > 1 and _shouted(chunk):
        return []  # a heading or a line in capitals: case says nothing there
    if initial:
        while chunk and not chunk[0].link and chunk[0].folded in FUNCTION_WORDS:
            chunk = chunk[1:]
            initial = False
    if not chunk or _is_title_run(chunk):
        return []  # nothing but a title: `President`, `Vice President`
    out: list[Mention] = []
    title_tokens: list[_Token] = []
    title_end = _leading_title(chunk) if len(chunk) > 1 else 0  # a title needs a name after it
    if title_end:
        title_tokens, chunk = chunk[:title_end], chunk[title_end:]
        initial = False
    else:
        inner = _inner_title(chunk) if len(chunk) > 2 else None  # organisation, title, name
        if inner:
            org_end, name_start = inner
            out.extend(_mentions_of(chunk[:org_end], initial, text, sentence_starts))
            title_tokens, chunk = chunk[org_end:name_start], chunk[name_start:]
            initial = False
    acronym = ""
    defined = None
    if not title_tokens and len(chunk) >= 2:  # an acronym is looked for after two words or more
        defined = _ACRONYM_AFTER.match(text, chunk[-1].end)
    if defined and sum(1 for t in chunk if not t.link) >= 2:
        candidate = defined.group(1).replace(".", "")
        begin = _expansion_start(chunk, candidate)
        if begin is not None:
            acronym = candidate
            if begin:
                out.extend(_mentions_of(chunk[:begin], initial, text, sentence_starts))
                chunk = chunk[begin:]
                initial = False
    start, end = chunk[0].start, chunk[-1].end
    folded_words = [t.folded for t in chunk if not t.link]
    cues = []
    if title_tokens:
        cues.append("T")
    if any(map(_has_org_part, folded_words)):
        cues.append("O")
    elif len(folded_words) > 1 and folded_words[-1].split("-")[-1] in PLACE_WORDS:
        cues.append("P")
    if len(folded_words) == 1 and _caps(chunk[0].text) and len(chunk[0].text) <= 6:
        cues.append("a")
    roles, affiliation, context_cues = _context(text, start, end)
    cues.extend(context_cues)
    if text[end : end + 1] in ("'", "’"):
        cues.append("g")
    if _alone_on_line(text, start, end):
        cues.append("b")
    out.append(
        Mention(
            start=start,
            end=end,
            text=chunk[0].text if len(chunk) == 1 else " ".join([t.text for t in chunk]),
            title=_normalise_title(title_tokens) if title_tokens else "",
            roles=roles,
            affiliation=affiliation,
            acronym=acronym,
            cues="".join(dict.fromkeys(cues)),
            initial=initial,
            sentence=bisect_right(sentence_starts, start) - 1,
            lead=chunk[1].start - start if initial and len(chunk) > 1 else 0,
        )
    )
    return out


def _shouted(chunk: list[_Token]) -> bool:
    """Whether two words or more (connectors aside) are written in capitals, four letters or more."""
    return sum(1 for t in chunk if not t.link and len(t.text) >= 4 and t.text.isupper()) >= 2


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """Whether the name is all its line holds, give or take punctuation (`Reuter`, a heading)."""
    line_start = text.rfind("\n", 0, start) + 1
    if len(text[line_start:start].strip()) > 3:
        return False  # words before it on its line: the common case, no need to look further
    line_end = text.find("\n", end)
    rest = text[line_start:start] + text[end : len(text) if line_end < 0 else line_end]
    return len(rest.strip()) <= 3 and not any(ch.isalnum() for ch in rest)


def _leading_title(chunk: list[_Token]) -> int:
    """Length of a title run at the start (`Former First Vice President`, `Lt Gen`), 0 if none.

    `Secretary of State James Baker`: qualifiers after `of` belong to the title.
    """
    index = 0
    last_title = -1
    after_of = False
    while index < len(chunk) - 1:
        token = chunk[index]
        if token.link:
            if token.text == "of" and last_title >= 0 and not after_of:
                after_of = True
                index += 1
                continue
            break
        if not _qualifier(token.folded):
            break
        if _title_word(token.folded) and not after_of:
            if token.folded in AMBIGUOUS_TITLES and not _title_word(chunk[index + 1].folded):
                break
            last_title = index
        index += 1
    if last_title < 0:
        return 0
    end = index if after_of else last_title + 1
    rest = [t.folded for t in chunk[end:] if not t.link]
    if not rest or any(map(_has_org_part, rest)):
        return 0  # `General Motors Corp`, `Justice Department`: an organisation, not a title
    return end


def _inner_title(chunk: list[_Token]) -> tuple[int, int] | None:
    """`Bank of England Governor Robin Leigh-Pemberton` -> (end of organisation, start of name)."""
    for index in range(1, len(chunk) - 1):
        token = chunk[index]
        if token.link or not _title_word(token.folded) or token.folded in AMBIGUOUS_TITLES:
            continue
        rest = [t.folded for t in chunk[index + 1 :] if not t.link]
        if not rest or any(_title_word(w) for w in rest):
            continue
        if any(map(_has_org_part, rest)):
            continue
        begin = index
        while begin > 0 and not chunk[begin - 1].link and chunk[begin - 1].folded in QUALIFIERS:
            begin -= 1
        if begin == 0:
            return None
        return begin, index + 1
    return None


def _normalise_title(tokens: list[_Token]) -> str:
    words = []
    for token in tokens:
        for part in token.folded.replace("‐", "-").split("-"):
            if part:
                words.append(TITLE_EXPANSIONS.get(part, part))
    return " ".join(words)


def _context(text: str, start: int, end: int) -> tuple[tuple[str, ...], str, list[str]]:
    """Role words, an affiliation and kind cues from the words around a name."""
    roles: list[str] = []
    affiliation = ""
    cues: list[str] = []
    before = text[max(0, start - _CONTEXT) : start]
    word, comma, rest = _last_word(before)
    if word and word[0].islower():
        folded = fold(word)
        if folded in ROLE_WORDS:
            roles.append(TITLE_EXPANSIONS.get(folded, folded))
            cues.append("r")
            affiliation = _name_before(rest)
        elif folded in KINSHIP_WORDS:
            roles.append(folded)
            cues.append("k")
        elif folded in PLACE_PREPOSITIONS and not comma:
            cues.append("i")
        elif folded in ("to", "from") and not comma and _moved(rest):
            cues.append("l")  # `flew to Washington`
        elif folded == "of":
            previous, _comma, _rest = _last_word(rest)
            relation = fold(previous) if previous else ""
            if relation in DIRECTIONS or relation in ("capital", "province", "city"):
                cues.append("p")  # `north of Kabul`
            elif relation in KINSHIP_WORDS:
                roles.append(relation)
                cues.append("k")  # `the brother of Sirajuddin Haqqani`
    after = text[end : end + _CONTEXT]
    if _place_pattern(before, after):
        cues.append("l")
    role = _AFTER_ROLE.match(after) if "," in after else None  # `X, a spokesman for`: needs its comma
    if role:
        word = fold(role.group(1))
        if word in ROLE_WORDS:
            roles.append(TITLE_EXPANSIONS.get(word, word))
            cues.append("r")
            if role.group(2) and not affiliation:
                affiliation = role.group(2)
        elif word in KINSHIP_WORDS:
            roles.append(word)
            cues.append("k")
    else:
        follow = _AFTER_WORD.match(after)
        if follow:
            word = follow.group(1)
            if word in SPEECH_VERBS:
                cues.append("s")
            elif word in PLACE_NOUNS:
                cues.append("p")
            elif word in _ORG_NOUNS_AFTER:
                cues.append("o")
    return (tuple(dict.fromkeys(roles)) if roles else ()), affiliation, cues


def _moved(before: str) -> bool:
    """Whether the word before `to`/`from` is a movement verb (`flew to X`, not `spoke to X`)."""
    word, comma, _rest = _last_word(before)
    return bool(word) and not comma and fold(word) in MOVEMENT_VERBS


def _place_pattern(before: str, after: str) -> bool:
    """`in Amman, Jordan.` (a city, then its country) or `Jordan's King` (what only a place has)."""
    if after.startswith(_POSSESSIVE_MARKS):  # quick tests first: most names are neither
        owner = _PLACE_OWNER.match(after)
        if owner and any(word and fold(word) in PLACE_OWNED for word in owner.groups()):
            return True  # `Jordan's King`, `Jordan's new capital`
    if not before.rstrip().endswith(","):
        return False  # `in Amman, X` needs the comma
    return bool(_ENDS_PHRASE.match(after)) and bool(_CITY_COMMA.search(before))


def _last_word(before: str) -> tuple[str, bool, str]:
    """The last word of ``before`` (brackets dropped), whether a comma follows it, and the text before it."""
    trimmed = before.rstrip()
    comma = trimmed.endswith(",")
    if comma:
        trimmed = trimmed[:-1].rstrip()
    cut = len(trimmed)
    while cut > 0 and (trimmed[cut - 1].isalnum() or trimmed[cut - 1] in "-'’()_"):
        cut -= 1
    return trimmed[cut:].strip("()"), comma, trimmed[:cut]


def _name_before(before: str) -> str:
    """A capitalised name (or acronym) right before a role word: `NRF’s leader`, `(ISI) chief`."""
    match = _NAME_BEFORE.search(before[-40:])
    if not match:
        return ""
    words = [w for w in match.group(1).split() if fold(w) not in FUNCTION_WORDS]
    return " ".join(words)


def _expansion_start(chunk: list[_Token], acronym: str) -> int | None:
    """Index of the token where the acronym's long form begins (`Pakistani [Inter-Services Intelligence]`)."""
    letters = [ch for ch in acronym.upper() if ch.isalnum()]
    for begin in range(len(chunk) - 1):
        if chunk[begin].link:
            continue
        parts = [p for t in chunk[begin:] for p in _HYPHENS.split(t.text) if p]
        if _initials_match(letters, parts):
            return begin
    return None


@lru_cache(maxsize=200_000)
def spells_initials(acronym: str, name: str) -> bool:
    """Whether ``acronym`` spells the initials of ``name`` (`ISI`, `Inter-Services Intelligence`).

    Cached: resolution and clustering ask it of the same acronym and name in article after
    article (`U.S.` beside `United States`), and the answer depends on the two strings alone.
    """
    letters = [ch for ch in acronym.upper() if ch.isalnum()]
    parts = [p for w in name.split() for p in _HYPHENS.split(w) if p]
    return len(parts) >= 2 and _initials_match(letters, parts)


def _initials_match(letters: list[str], parts: list[str]) -> bool:
    """Whether ``letters`` spell the initials of ``parts`` (a part may give up to 3 letters; `of` may give none)."""
    if not letters:
        return not parts or all(p.lower() in {"of", "for", "and", "the", "on", "&"} for p in parts)
    if not parts:
        return False
    part = parts[0]
    if part.lower() in {"of", "for", "and", "the", "on", "&"} and _initials_match(letters, parts[1:]):
        return True
    return any(
        len(letters) >= size
        and "".join(letters[:size]) == part[:size].upper()
        and _initials_match(letters[size:], parts[1:])
        for size in range(1, min(3, len(part)) + 1)
    )
