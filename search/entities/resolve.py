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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .casing import CorpusStats
from .kinds import ORG, PERSON, PLACE, UNKNOWN
from .lexicon import CLOCK_WORDS, FUNCTION_WORDS, LEGAL_SUFFIXES, TIME_WORDS, WEB_FURNITURE
from .mentions import ArticleMentions, Mention, spells_initials
from .names import core_tokens, is_optional, name_tokens, token_position

Blocked = Callable[[str, str], bool]  # (short key, full key) -> the user said they differ


def _never(_a: str, _b: str) -> bool:
    return False


@dataclass(slots=True)
class Use:
    """One mention as resolved: where, how it was written, and the mention record."""

    start: int
    end: int
    text: str
    mention: Mention
    via: str = ""  # how a short form was attached to the full name (``VIA_*``), "" for the name itself
    index: int = 0  # the mention's position in its article's record (``ArticleMentions.mentions``)


# How a short mention was attached to a full name of its article (kept as merge evidence).
VIA_ALONE = "alone"  # `Hameed` after `Faiz Hameed`
VIA_DEFINED = "defined"  # `ISI` after `Inter-Services Intelligence (ISI)`
VIA_INITIALS = "initials"  # `NRF` beside `National Resistance Front`, never defined


@dataclass(slots=True)
class LocalName:
    """One name in one article, with every form the article used for it."""

    key: str  # folded tokens of the full name: the name's identity across the corpus
    uses: list[Use] = field(default_factory=list)


@dataclass(slots=True)
class ResolvedArticle:
    id: str
    source: str
    date: str | None
    names: list[LocalName]
    unresolved: list[tuple[int, int, str, tuple[str, ...]]]  # (start, end, text, full names it could mean)


# One use as kept between runs: the mention's index in its record when the use is the mention
# as written (most are), else (mention index, start, text or None when the mention's own, via).
UseRow = int | tuple[int, int, str | None, str]
UnresolvedRow = tuple[int, int, str, tuple[str, ...]]
# An article's resolution as kept between runs (``ResolvedArticle.row``): (key, uses) per name, unresolved.
ResolvedRow = tuple[tuple[tuple[str, tuple[UseRow, ...]], ...], tuple[UnresolvedRow, ...]]


def resolved_row(article: ResolvedArticle) -> ResolvedRow:
    """Plain tuples, without the mention records (the article's record holds them)."""
    names = tuple(
        (
            local.key,
            tuple(_use_row(use) for use in local.uses),
        )
        for local in article.names
    )
    return names, tuple(article.unresolved)


def _use_row(use: Use) -> UseRow:
    written = None if use.text == use.mention.text else use.text
    if written is None and not use.via and use.start == use.mention.start:
        return use.index  # a fifth of the size: rows are kept for every article of the corpus
    return use.index, use.start, written, use.via


@dataclass(slots=True)
class _Item:
    mention: Mention
    text: str
    start: int
    key: str
    core: tuple[str, ...]
    acronym: bool
    index: int  # position in the record's mentions

    @property
    def one_word(self) -> bool:
        """Written as one word (`Hameed`, `Jean-Pierre`, `O'Brien`): possibly a surname used alone."""
        return len(self.core) == 1 or " " not in self.text


@dataclass(slots=True)
class _Long:
    key: str
    written: str
    core: tuple[str, ...]
    kind: str
    has_acronym: bool


def resolve(record: ArticleMentions, stats: CorpusStats, blocked: Blocked = _never) -> ResolvedArticle:
    """The names of one article, short forms attached to their full names (see module doc)."""
    items = [item for item in (_prepare(i, m, stats) for i, m in _readings(record.mentions, stats)) if item]
    longs: dict[str, _Long] = {}
    defined: dict[str, str] = {}
    for item in items:
        if not item.one_word:
            if item.key not in longs:
                longs[item.key] = _Long(
                    item.key, item.text, item.core, stats.kind_of(item.key), _has_acronym(item.text)
                )
            if item.mention.acronym:
                defined[item.mention.acronym] = item.key
    names: dict[str, LocalName] = {}
    unresolved: list[tuple[int, int, str, tuple[str, ...]]] = []
    for item in items:
        key = item.key
        via = ""
        if item.one_word:
            if item.acronym:
                letters = item.text.replace(".", "").replace("-", "")
                expansion = defined.get(letters) or _spelled(letters, longs)
                if expansion and not blocked(key, expansion):
                    key, via = expansion, VIA_DEFINED if letters in defined else VIA_INITIALS
                elif not _single_is_name(item, stats):
                    continue
            else:
                candidates = _containers(item, longs, stats, blocked) if longs else []
                if len(candidates) == 1:
                    key, via = candidates[0], VIA_ALONE
                elif candidates:
                    unresolved.append((item.start, item.mention.end, item.text, tuple(sorted(candidates))))
                    continue
                elif len(item.core) == 1 and not _single_is_name(item, stats):
                    continue  # a hyphenated word (`Jean-Pierre`) unattached stays a name, as written
        local = names.get(key)
        if local is None:
            local = names[key] = LocalName(key)
        local.uses.append(Use(item.start, item.mention.end, item.text, item.mention, via, item.index))
    return ResolvedArticle(record.id, record.source, record.date, list(names.values()), unresolved)


def _readings(mentions: tuple[Mention, ...], stats: CorpusStats) -> list[tuple[int, Mention]]:
    """Keep a joined reading (`Standard and Poor's`, cue ``j``) instead of its parts when the
    corpus writes its possessive word with 's nearly always (a name ending in 's), else the parts.
    Each with its position in ``mentions``."""
    joined = [m for m in mentions if "j" in m.cues]
    if not joined:
        return list(enumerate(mentions))
    kept = [m for m in joined if stats.possessive_name(_possessive_key(m.text))]
    out = []
    for index, mention in enumerate(mentions):
        if "j" in mention.cues:
            if mention in kept:
                out.append((index, mention))
        elif not any(m.start <= mention.start and mention.end <= m.end for m in kept):
            out.append((index, mention))
    return out


def _possessive_key(text: str) -> str:
    for word in text.split():
        if word.endswith(("'s", "’s")):
            return " ".join(name_tokens(word))
    return ""


def _prepare(index: int, mention: Mention, stats: CorpusStats) -> _Item | None:
    text, start = mention.text, mention.start
    tokens = name_tokens(text)
    if not tokens:
        return None
    key = " ".join(tokens)
    if key in WEB_FURNITURE or all(t in CLOCK_WORDS for t in tokens) or stats.furniture(key):
        return None  # `Follow`, `Image Source`, `AM IST`, a signature line
    if "g" in mention.cues and len(tokens) == 1 and stats.possessive_name(key):
        text += "'s"  # `Moody's`: the corpus never writes it without
    if mention.initial and mention.lead and len(tokens) > 1 and stats.common(tokens[0]):
        text = text.split(" ", 1)[1]
        start += mention.lead
        tokens = name_tokens(text)
        if not tokens:
            return None
        mention = _with_initial(mention, False)
    core = core_tokens(tokens)
    acronym = False
    if len(core) == 1:
        bare = text.replace(".", "").replace("-", "")
        acronym = 2 <= len(bare) <= 6 and bare.isupper() and bare.isalnum()
        if (len(core[0]) < 2 or core[0] in LEGAL_SUFFIXES) and not acronym:
            return None  # a lone initial, or `Corp` cut off from its name
    elif _only_optional(tokens):
        return None  # `Co Inc`: legal words with no name
    return _Item(mention, text, start, " ".join(tokens), core, acronym, index)


@lru_cache(maxsize=200_000)
def _only_optional(tokens: tuple[str, ...]) -> bool:
    return all(is_optional(token) for token in tokens)


def _with_initial(mention: Mention, initial: bool) -> Mention:
    values = {name: getattr(mention, name) for name in Mention.__slots__}
    values["initial"] = initial
    return Mention(**values)  # type: ignore[arg-type]


def _spelled(letters: str, longs: dict[str, _Long]) -> str | None:
    """The one long name of the article whose initials the acronym spells (not a person's)."""
    first = letters[:1]
    found = [
        long.key
        for long in longs.values()
        if long.written[:1] == first and long.kind != PERSON and spells_initials(letters, long.written)
    ]
    return found[0] if len(found) == 1 else None


def _containers(item: _Item, longs: dict[str, _Long], stats: CorpusStats, blocked: Blocked) -> list[str]:
    """Longer names of the article that contain the one-word mention (people, or names of unknown kind).

    A hyphenated word counts as one word: `Jean-Pierre` is the surname of `Karine Jean-Pierre`.
    A mention written as a place here (`flew to Washington`, `in Amman, Jordan.`) is no
    short form of a person's name, unless the corpus as a whole knows the word as a person.
    """
    part = item.core
    kind = stats.kind_of(item.key)
    if kind in (ORG, PLACE) or (kind != PERSON and _placed_here(item.mention)):
        return []
    found = []
    for long in longs.values():
        if len(long.core) <= len(part) or long.kind in (ORG, PLACE) or token_position(long.core, part) < 0:
            continue
        if long.kind == UNKNOWN and (long.core[-len(part) :] != part or long.has_acronym):
            continue  # a name of unknown kind is shortened to its last word only (`Islamic Emirate`)
        if blocked(item.key, long.key):
            continue
        found.append(long.key)
    return found


# `flew to X`, `X's King`, `north of X`, `X province`; not a bare `in X` (`in Biden's view`)
LOCAL_PLACE_CUES = frozenset("lp")


def _placed_here(mention: Mention) -> bool:
    """Whether the words around this one mention say it is a place (see ``mentions._context``)."""
    return any(cue in LOCAL_PLACE_CUES for cue in mention.cues)


def _has_acronym(written: str) -> bool:
    """`Pakistan ISI`: an acronym inside says organisation, not a person's name."""
    return any(2 <= len(word) <= 6 and word.isupper() for word in written.split())


def _single_is_name(item: _Item, stats: CorpusStats) -> bool:
    word = item.core[0]
    if item.acronym:
        # a shouted common word (`NOTE`) is not an acronym; short ones (`US`, `IT`) may be
        return len(word) < 4 or not stats.common(word)
    if word in FUNCTION_WORDS or word in TIME_WORDS:
        return False
    if item.mention.title:
        return True
    if item.mention.initial and not stats.seen_as_name(word):
        return False
    return not stats.common(word)
