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

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .casing import CorpusStats
from .kinds import ORG, PERSON, PLACE, UNKNOWN, decide_kind
from .lexicon import FUNCTION_WORDS, TIME_WORDS
from .mentions import ArticleMentions, Mention, spells_initials
from .names import core_tokens, name_key, name_tokens

Blocked = Callable[[str, str], bool]  # (short key, full key) -> the user said they differ


def _never(_a: str, _b: str) -> bool:
    return False


@dataclass(slots=True)
class LocalName:
    """One name in one article, with every form the article used for it."""

    key: str  # folded tokens of the full name: the name's identity across the corpus
    spellings: Counter[str] = field(default_factory=Counter)  # as written, short forms included
    titles: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    affiliations: Counter[str] = field(default_factory=Counter)  # name keys
    cues: Counter[str] = field(default_factory=Counter)
    acronyms: Counter[str] = field(default_factory=Counter)  # acronyms it defines here
    mentions: list[int] = field(default_factory=list)  # indices into ArticleMentions.mentions
    spans: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each mention


@dataclass(slots=True)
class ResolvedArticle:
    id: str
    source: str
    date: str | None
    names: list[LocalName]
    unresolved: list[tuple[int, int, str, tuple[str, ...]]]  # (start, end, text, full names it could mean)


@dataclass(slots=True)
class _Item:
    index: int
    mention: Mention
    text: str
    start: int
    tokens: tuple[str, ...]
    acronym: bool


def resolve(record: ArticleMentions, stats: CorpusStats, blocked: Blocked = _never) -> ResolvedArticle:
    """The names of one article, short forms attached to their full names (see module doc)."""
    items = [item for item in (_prepare(i, m, stats) for i, m in enumerate(record.mentions)) if item]
    longs = [item for item in items if len(core_tokens(item.tokens)) >= 2 and not item.acronym]
    long_keys: dict[str, str] = {}  # key -> the name as first written
    for item in longs:
        long_keys.setdefault(name_key(item.text), item.text)
    defined = {item.mention.acronym: name_key(item.text) for item in longs if item.mention.acronym}
    target: dict[int, str] = {}
    unresolved: list[tuple[int, int, str, tuple[str, ...]]] = []
    for item in items:
        key = name_key(item.text)
        if item.acronym:
            letters = item.text.replace(".", "").replace("-", "")
            expansion = defined.get(letters) or _spelled(letters, long_keys, stats)
            if expansion and not blocked(key, expansion):
                target[item.index] = expansion
                continue
        elif len(core_tokens(item.tokens)) == 1:
            candidates = _containers(item, long_keys, stats, blocked)
            if len(candidates) == 1:
                target[item.index] = candidates[0]
                continue
            if len(candidates) > 1:
                unresolved.append((item.start, item.mention.end, item.text, tuple(sorted(candidates))))
                continue
        if len(core_tokens(item.tokens)) == 1 and not _single_is_name(item, stats):
            continue
        target[item.index] = key
    names: dict[str, LocalName] = {}
    for item in items:
        key = target.get(item.index)
        if key is None:
            continue
        local = names.get(key)
        if local is None:
            local = names[key] = LocalName(key)
        mention = item.mention
        local.spellings[item.text] += 1
        local.mentions.append(item.index)
        local.spans.append((item.start, mention.end))
        if mention.title:
            local.titles[mention.title] += 1
        for role in mention.roles:
            local.roles[role] += 1
        if mention.affiliation:
            local.affiliations[name_key(mention.affiliation)] += 1
        if mention.acronym:
            local.acronyms[mention.acronym] += 1
        local.cues.update(mention.cues)
    return ResolvedArticle(record.id, record.source, record.date, list(names.values()), unresolved)


def _prepare(index: int, mention: Mention, stats: CorpusStats) -> _Item | None:
    text, start = mention.text, mention.start
    tokens = name_tokens(text)
    if not tokens:
        return None
    if mention.initial and mention.lead and len(tokens) > 1 and stats.common(tokens[0]):
        text = text.split(" ", 1)[1]
        start += mention.lead
        tokens = name_tokens(text)
        if not tokens:
            return None
    bare = text.replace(".", "").replace("-", "")
    acronym = len(tokens) == 1 and bare.isupper() and 2 <= len(bare) <= 6 and bare.isalnum()
    initial = mention.initial and text == mention.text
    if initial != mention.initial:
        mention = _with_initial(mention, initial)
    return _Item(index, mention, text, start, tokens, acronym)


def _with_initial(mention: Mention, initial: bool) -> Mention:
    values = {name: getattr(mention, name) for name in Mention.__slots__}
    values["initial"] = initial
    return Mention(**values)  # type: ignore[arg-type]


def _spelled(letters: str, long_keys: dict[str, str], stats: CorpusStats) -> str | None:
    """The one long name of the article whose initials the acronym spells (not a person's)."""
    found = [
        key
        for key in long_keys
        if spells_initials(letters, long_keys[key]) and decide_kind(stats.cues.get(key, {})) != PERSON
    ]
    return found[0] if len(found) == 1 else None


def _containers(item: _Item, long_keys: dict[str, str], stats: CorpusStats, blocked: Blocked) -> list[str]:
    """Longer names of the article that contain the short mention's words in order (people only)."""
    short = core_tokens(item.tokens)
    own = decide_kind(stats.cues.get(name_key(item.text), {}))
    if own in (ORG, PLACE):
        return []
    found = []
    for key, written in long_keys.items():
        core = core_tokens(name_tokens(written))
        if len(core) <= len(short) or not _contains(core, short):
            continue
        kind = decide_kind(stats.cues.get(key, {}))
        if kind in (ORG, PLACE):
            continue
        if kind == UNKNOWN and (core[-len(short) :] != short or _has_acronym(written)):
            continue  # a name of unknown kind is shortened to its last word only (`Islamic Emirate`)
        if blocked(name_key(item.text), key):
            continue
        found.append(key)
    return found


def _has_acronym(written: str) -> bool:
    """`Pakistan ISI`: an acronym inside says organisation, not a person's name."""
    return any(2 <= len(word) <= 6 and word.isupper() for word in written.split())


def _contains(tokens: tuple[str, ...], part: tuple[str, ...]) -> bool:
    size = len(part)
    return any(tokens[i : i + size] == part for i in range(len(tokens) - size + 1))


def _single_is_name(item: _Item, stats: CorpusStats) -> bool:
    word = item.tokens[0]
    if item.acronym:
        return len(word) >= 2
    if word in FUNCTION_WORDS or word in TIME_WORDS:
        return False
    if item.mention.title:
        return True
    if item.mention.initial and not stats.seen_as_name(word):
        return False
    return not stats.common(word)
