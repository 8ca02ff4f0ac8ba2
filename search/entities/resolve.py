"""Within one article: which mentions are names, and which full name a short mention means.

Why per article: a reporter introduces `Lt Gen Faiz Hameed` once and then
writes `Hameed`; `NRF` after `National Resistance Front (NRF)`. Inside one
article these short forms are unambiguous far more often than across the
corpus, so they are attached here, and the corpus-wide clustering compares
full names only.

The rules, in order:
1. A sentence-initial word that the corpus treats as a common word is not
   part of the name (`Several Taliban` -> `Taliban`).
2. An acronym joins the long form defined in the article
   (`Inter-Services Intelligence (ISI)`), else the one long form of the
   article whose initials it spells, if there is exactly one.
3. A one-word mention (`Hameed`, `Anas`, `Dashty's`) joins the longer name
   of the article that contains its words in order, when exactly one such
   name exists. Two candidates (`Ahmad Massoud` and `Ahmad Shah Massoud` for a
   bare `Massoud`) leave it unattached: guessing by proximity picks the
   father for the son in real articles (`Ahmad Massoud, the son of ... Ahmad
   Shah Massoud ... NRF's leader Massoud`), and a wrong merge misleads while
   a missing one only costs a search. Unattached ambiguous mentions are kept
   in ``unresolved`` and belong to no entity.
4. A remaining single word is a name only if the corpus says so: not a
   grammar or calendar word, not a common word of the corpus, and, at the
   start of a sentence, seen capitalised inside a sentence somewhere.

Why a ``Resolver`` that reads mention rows: a fresh build resolves every article
of the corpus against one set of statistics, and a corpus writes the same names
again and again (840,000 mentions of 20,000 synthetic articles hold 58,000
distinct texts). What rule 1 and the corpus' word decisions make of a mention
depends on its text and two of its flags only, so the resolver works it out
once per distinct text (``_Reading``); and it reads the stored rows
(``rows``) as they are, where making a ``Mention`` object of every mention cost
a tenth of the resolution.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .casing import CorpusStats
from .kinds import ORG, PERSON, PLACE, UNKNOWN
from .lexicon import CLOCK_WORDS, FUNCTION_WORDS, LEGAL_SUFFIXES, TIME_WORDS, WEB_FURNITURE
from .mentions import spells_initials
from .names import core_tokens, is_optional, name_tokens, token_position
from .rows import (
    ACRONYM,
    ARTICLE_MENTIONS,
    CUES,
    END,
    INITIAL,
    LEAD,
    START,
    TEXT,
    TITLE,
    ArticleRow,
    MentionRow,
)

Blocked = Callable[[str, str], bool]  # (short key, full key) -> the user said they differ


def _never(_a: str, _b: str) -> bool:
    return False


# How a short mention was attached to a full name of its article (kept as merge evidence).
VIA_ALONE = "alone"  # `Hameed` after `Faiz Hameed`
VIA_DEFINED = "defined"  # `ISI` after `Inter-Services Intelligence (ISI)`
VIA_INITIALS = "initials"  # `NRF` beside `National Resistance Front`, never defined


# One use as kept between runs: the mention's index in its record when the use is the mention
# as written (most are), else (mention index, start, text or None when the mention's own, via).
UseRow = int | tuple[int, int, str | None, str]
UnresolvedRow = tuple[int, int, str, tuple[str, ...]]
# An article's resolution as kept between runs: (key, uses) per name of the article, in the
# order the article first names them, and the short forms left unresolved.
ResolvedRow = tuple[tuple[tuple[str, tuple[UseRow, ...]], ...], tuple[UnresolvedRow, ...]]


def name_spans(row: ArticleRow, resolved: ResolvedRow) -> list[tuple[int, int, str]]:
    """(start, end, name key) of each use of the article's resolution, read back from its record.

    What the article pane marks: kept with the resolution rather than in the entity table, so
    that an update rewrites only the changed articles' spans (``nodes.NodeSet`` reads the
    same uses, inline, as its loop over every mention of the corpus is the derivation's
    hottest)."""
    mentions = row[ARTICLE_MENTIONS]
    spans = []
    for key, uses in resolved[0]:
        for use in uses:
            if type(use) is int:
                mention = mentions[use]
                spans.append((mention[START], mention[END], key))
            else:
                spans.append((use[1], mentions[use[0]][END], key))
    return spans


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the corpus makes of a mention's text: the same wherever the text is written with
    the same two flags (a possessive cue; opening a sentence before a second word)."""

    text: str  # as the name is written: a sentence-opening common word dropped, a possessive 's kept
    shifted: bool  # the first word was dropped: the name starts at the mention's ``lead``
    key: str  # folded tokens of the name: its identity across the corpus
    core: tuple[str, ...]
    acronym: bool  # one word written in capitals (`ISI`, `U.S.`)
    one_word: bool  # written as one word (`Hameed`, `Jean-Pierre`): possibly a surname used alone
    kind: str  # the kind the corpus' cues give the key (``CorpusStats.kind_of``)
    has_acronym: bool  # an acronym inside a longer name says organisation (``_has_acronym``)


@dataclass(slots=True)
class _Item:
    """One mention of the article read as a name."""

    reading: _Reading
    mention: MentionRow
    start: int  # where the name as read starts (after a dropped first word)
    index: int  # position in the record's mentions
    initial: bool  # still opens a sentence (not once its first word is dropped)


class Resolver:
    """Resolves articles against one set of corpus statistics (which must not change while it
    is used), remembering per mention text what the statistics make of it (``_Reading``)."""

    def __init__(self, stats: CorpusStats, blocked: Blocked = _never) -> None:
        self.stats = stats
        self.blocked = blocked
        self._readings: dict[tuple[str, bool, bool], _Reading | None] = {}

    def resolve(self, row: ArticleRow) -> ResolvedRow:
        """The names of one article's mention row, short forms attached to their full names (see
        module doc), as kept between runs."""
        mentions = row[ARTICLE_MENTIONS]
        items = self._items(mentions)
        longs: dict[str, _Reading] = {}
        defined: dict[str, str] = {}
        for item in items:
            reading = item.reading
            if not reading.one_word:
                longs.setdefault(reading.key, reading)
                acronym = item.mention[ACRONYM]
                if acronym:
                    defined[acronym] = reading.key
        blocked = self.blocked
        names: dict[str, list[UseRow]] = {}
        unresolved: list[UnresolvedRow] = []
        containers: dict[tuple[str, bool], list[str]] = {}  # what ``_containers`` said in this article
        for item in items:
            reading, mention = item.reading, item.mention
            key = reading.key
            via = ""
            if reading.one_word:
                if reading.acronym:
                    letters = reading.text.replace(".", "").replace("-", "")
                    expansion = defined.get(letters) or _spelled(letters, longs)
                    if expansion and not blocked(key, expansion):
                        key, via = expansion, VIA_DEFINED if letters in defined else VIA_INITIALS
                    elif not self._single_is_name(reading, mention[TITLE], item.initial):
                        continue
                else:
                    candidates: list[str] = []
                    if longs:
                        asked = (key, _placed_here(mention))
                        found = containers.get(asked)
                        if found is None:
                            found = containers[asked] = self._containers(reading, asked[1], longs)
                        candidates = found
                    if len(candidates) == 1:
                        key, via = candidates[0], VIA_ALONE
                    elif candidates:
                        unresolved.append((item.start, mention[END], reading.text, tuple(sorted(candidates))))
                        continue
                    elif len(reading.core) == 1 and not self._single_is_name(
                        reading, mention[TITLE], item.initial
                    ):
                        continue  # a hyphenated word (`Jean-Pierre`) unattached stays a name, as written
            uses = names.get(key)
            if uses is None:
                uses = names[key] = []
            written = None if reading.text == mention[TEXT] else reading.text
            if written is None and not via and item.start == mention[START]:
                uses.append(item.index)  # a fifth of the size: rows are kept for every article of the corpus
            else:
                uses.append((item.index, item.start, written, via))
        return tuple((key, tuple(uses)) for key, uses in names.items()), tuple(unresolved)

    def _items(self, mentions: Sequence[MentionRow]) -> list[_Item]:
        """The mentions read as names (``_readings``, then ``_read``), in their order."""
        items = []
        readings = self._readings
        for index, mention in self._chosen(mentions):
            initial = mention[INITIAL]
            asked = (mention[TEXT], "g" in mention[CUES], bool(initial and mention[LEAD]))
            reading = readings.get(asked, _UNREAD)
            if reading is _UNREAD:
                reading = readings[asked] = self._read(*asked)
            if reading is None:
                continue
            if reading.shifted:
                items.append(_Item(reading, mention, mention[START] + mention[LEAD], index, False))
            else:
                items.append(_Item(reading, mention, mention[START], index, initial))
        return items

    def _chosen(self, mentions: Sequence[MentionRow]) -> list[tuple[int, MentionRow]]:
        """Keep a joined reading (`Standard and Poor's`, cue ``j``) instead of its parts when the
        corpus writes its possessive word with 's nearly always (a name ending in 's), else the
        parts. Each with its position in ``mentions``."""
        joined = [m for m in mentions if "j" in m[CUES]]
        if not joined:
            return list(enumerate(mentions))
        kept = [m for m in joined if self.stats.possessive_name(_possessive_key(m[TEXT]))]
        out = []
        for index, mention in enumerate(mentions):
            if "j" in mention[CUES]:
                if mention in kept:
                    out.append((index, mention))
            elif not any(m[START] <= mention[START] and mention[END] <= m[END] for m in kept):
                out.append((index, mention))
        return out

    def _read(self, text: str, possessive: bool, opens_before_second: bool) -> _Reading | None:
        """What the corpus makes of a mention's text (None: no name at all). ``possessive``: cue
        ``g``; ``opens_before_second``: it opens a sentence, and has a second word (``lead``)."""
        stats = self.stats
        tokens = name_tokens(text)
        if not tokens:
            return None
        key = " ".join(tokens)
        if key in WEB_FURNITURE or all(t in CLOCK_WORDS for t in tokens) or stats.furniture(key):
            return None  # `Follow`, `Image Source`, `AM IST`, a signature line
        if possessive and len(tokens) == 1 and stats.possessive_name(key):
            text += "'s"  # `Moody's`: the corpus never writes it without
        shifted = False
        if opens_before_second and len(tokens) > 1 and stats.common(tokens[0]):
            text = text.split(" ", 1)[1]
            shifted = True
            tokens = name_tokens(text)
            if not tokens:
                return None
        core = core_tokens(tokens)
        acronym = False
        if len(core) == 1:
            bare = text.replace(".", "").replace("-", "")
            acronym = 2 <= len(bare) <= 6 and bare.isupper() and bare.isalnum()
            if (len(core[0]) < 2 or core[0] in LEGAL_SUFFIXES) and not acronym:
                return None  # a lone initial, or `Corp` cut off from its name
        elif _only_optional(tokens):
            return None  # `Co Inc`: legal words with no name
        key = " ".join(tokens)
        one_word = len(core) == 1 or " " not in text
        return _Reading(text, shifted, key, core, acronym, one_word, stats.kind_of(key), _has_acronym(text))

    def _containers(self, part: _Reading, placed: bool, longs: dict[str, _Reading]) -> list[str]:
        """Longer names of the article that contain the one-word mention (people, or names of unknown kind).

        A hyphenated word counts as one word: `Jean-Pierre` is the surname of `Karine Jean-Pierre`.
        A mention written as a place here (``placed``: `flew to Washington`, `in Amman, Jordan.`)
        is no short form of a person's name, unless the corpus as a whole knows the word as a person.
        """
        kind = part.kind
        if kind in (ORG, PLACE) or (kind != PERSON and placed):
            return []
        core = part.core
        size = len(core)
        first = core[0]
        found = []
        for long in longs.values():
            if len(long.core) <= size or long.kind in (ORG, PLACE) or first not in long.core:
                continue  # (a quick test before ``token_position``: the part's first word is there)
            if size > 1 and token_position(long.core, core) < 0:
                continue
            if long.kind == UNKNOWN and (long.core[-size:] != core or long.has_acronym):
                continue  # a name of unknown kind is shortened to its last word only (`Islamic Emirate`)
            if self.blocked(part.key, long.key):
                continue
            found.append(long.key)
        return found

    def _single_is_name(self, reading: _Reading, title: str, initial: bool) -> bool:
        stats = self.stats
        word = reading.core[0]
        if reading.acronym:
            # a shouted common word (`NOTE`) is not an acronym; short ones (`US`, `IT`) may be
            return len(word) < 4 or not stats.common(word)
        if word in FUNCTION_WORDS or word in TIME_WORDS:
            return False
        if title:
            return True
        if initial and not stats.seen_as_name(word):
            return False
        return not stats.common(word)


_UNREAD = _Reading("", False, "", (), False, False, "", False)  # not yet read (None: read, no name)


def _possessive_key(text: str) -> str:
    for word in text.split():
        if word.endswith(("'s", "’s")):
            return " ".join(name_tokens(word))
    return ""


@lru_cache(maxsize=200_000)
def _only_optional(tokens: tuple[str, ...]) -> bool:
    return all(is_optional(token) for token in tokens)


def _spelled(letters: str, longs: dict[str, _Reading]) -> str | None:
    """The one long name of the article whose initials the acronym spells (not a person's)."""
    first = letters[:1]
    found = [
        long.key
        for long in longs.values()
        if long.text[:1] == first and long.kind != PERSON and spells_initials(letters, long.text)
    ]
    return found[0] if len(found) == 1 else None


# `flew to X`, `X's King`, `north of X`, `X province`; not a bare `in X` (`in Biden's view`)
LOCAL_PLACE_CUES = frozenset("lp")


def _placed_here(mention: MentionRow) -> bool:
    """Whether the words around this one mention say it is a place (see ``mentions._context``)."""
    return any(cue in LOCAL_PLACE_CUES for cue in mention[CUES])


def _has_acronym(written: str) -> bool:
    """`Pakistan ISI`: an acronym inside says organisation, not a person's name."""
    return any(2 <= len(word) <= 6 and word.isupper() for word in written.split())
