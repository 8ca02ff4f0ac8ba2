"""From name mentions to entity keys: the hook for real entities, and a simple fallback.

The hook: ``canonical(name: str) -> str | tuple[str, ...] | None`` receives
a mention as written ("Fahim Dashty", "General Sahib Abdul Wadood Zhor",
"NRF") and returns an entity id when it knows the name (``search/entities``
clusters spellings into entities), else None. A known mention becomes one
key, ``"e:<id>"``. The hook may also return several ids: the entity first,
then entities the name contains ("Pakistani Air Force" contains
"Pakistani", "Panjshir Valley" contains "Panjshir"). Those come after the
entity's own key (``keys_of``) and count as parts of the name, so that a
report of "Pakistani Air Force drones" meets one of "Pakistani drones"; the
entity's own key (``primary``) is what spellings and "only one source
names it" are about.

The fallback, for mentions the hook does not know or when there is no hook:
each word of the name (titles left out) becomes a key of its own, folded
(``fold``), so "Dashti" alone still meets "Fahim Dashti". Near spellings of
one word are joined only when they stand next to the same other name word
somewhere in the corpus ("Fahim Dashti" / "Fahim Dashty", "Ahmad Masoud" /
"Ahmad Massoud") and are close as strings (rapidfuzz ratio, first letter
equal, five letters or more). That context requirement is what keeps
"Kabul" and "Kaul" apart. It is deliberately cautious: the entities package
does the real work.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from rapidfuzz.distance import Levenshtein

from ..analysis import fold
from .models import Mention

Canonical = Callable[[str], "str | tuple[str, ...] | None"]
MIN_VARIANT_LENGTH = 5


def build_aliases(mentions: Iterable[Mention | tuple[str, ...]]) -> dict[str, str]:
    """Folded name word -> the spelling it is unified with (only for words that have variants).

    ``mentions`` are Mention records or just their name words (tuples).
    """
    names: Counter[tuple[str, ...]] = Counter(
        m if isinstance(m, tuple) else m.tokens for m in mentions
    )  # a corpus repeats its names: each distinct one is looked at once
    counts: Counter[str] = Counter()
    neighbours: dict[tuple[str, str], set[str]] = defaultdict(set)  # (side, neighbour) -> words
    for tokens, seen in names.items():
        words = [fold(token) for token in tokens]
        for word in words:
            counts[word] += seen
        for position, word in enumerate(words):
            if len(word) < MIN_VARIANT_LENGTH or not word.isalpha():
                continue
            if position > 0:
                neighbours[("L", words[position - 1])].add(word)
            if position + 1 < len(words):
                neighbours[("R", words[position + 1])].add(word)
    parent: dict[str, str] = {}

    def find(word: str) -> str:
        while parent.get(word, word) != word:
            word = parent[word]
        return word

    for group in neighbours.values():
        if len(group) < 2 or len(group) > 200:
            continue
        ordered = sorted(group)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                if first[0] != second[0] or not _close(first, second):
                    continue
                a, b = find(first), find(second)
                if a != b:
                    # the more frequent spelling (then the alphabetically first) names the group
                    keep, drop = sorted((a, b), key=lambda w: (-counts[w], w))
                    parent[drop] = keep
    return {word: find(word) for word in parent}


def _close(first: str, second: str) -> bool:
    """One edit for names up to eight letters, two beyond."""
    allowed = 1 if max(len(first), len(second)) <= 8 else 2
    return Levenshtein.distance(first, second, score_cutoff=allowed) <= allowed


class EntityResolver:
    """Maps mentions to entity keys, with the hook first and the fallback after."""

    def __init__(self, aliases: dict[str, str], canonical: Canonical | None = None) -> None:
        self.aliases = aliases
        self.canonical = canonical
        self._cache: dict[str, tuple[str, ...]] = {}  # name as written -> keys (hook)
        self._words: dict[tuple[str, ...], tuple[str, ...]] = {}  # name words -> keys (fallback)
        self._hooked: set[str] = set()

    def keys(self, mention: Mention) -> tuple[str, ...]:
        return self.keys_of(mention.tokens, mention.text)

    def keys_of(self, tokens: tuple[str, ...], written: str | None = None) -> tuple[str, ...]:
        """Entity keys of a name given by its words (and, for the hook, as written)."""
        if self.canonical is not None and written is not None:
            cached = self._cache.get(written)
            if cached is not None:
                return cached
            found = None
            try:
                found = self.canonical(written_name(written, tokens)[1])  # without titles ("General")
            except Exception:  # a failing hook must not break grouping; fall back
                found = None
            if found:
                self._hooked.add(written)
                ids = (found,) if isinstance(found, str) else found
                keys: tuple[str, ...] = tuple(dict.fromkeys(f"e:{i}" for i in ids))
            else:
                keys = self._fallback(tokens)
            self._cache[written] = keys
            return keys
        return self._fallback(tokens)

    def primary(self, mention: Mention) -> tuple[str, ...]:
        """The keys of what the mention names itself: without the entities its name contains."""
        return self.own_keys(mention.tokens, mention.text)

    def own_keys(self, tokens: tuple[str, ...], written: str | None = None) -> tuple[str, ...]:
        """``keys_of`` without the entities a hooked name contains (they come after its own key)."""
        keys = self.keys_of(tokens, written)
        return keys[:1] if self.is_hooked(written) else keys

    def is_hooked(self, written: str | None) -> bool:
        """Whether the name hook answered for ``written``: its keys are the entity's own key,
        then the entities its name contains."""
        return written is not None and written in self._hooked

    def _fallback(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        cached = self._words.get(tokens)
        if cached is None:
            cached = tuple(dict.fromkeys(self.word_key(token) for token in tokens))
            self._words[tokens] = cached
        return cached

    def word_key(self, token: str) -> str:
        folded = fold(token)
        return "e:" + self.aliases.get(folded, folded)

    def surface(self, mention: Mention) -> list[tuple[str, str, int]]:
        """(key, spelling as written, offset in the mention) for what each key was called in it.

        A hooked mention gives one spelling: the name from its first word to
        its last as written ("National Resistance Front of Afghanistan",
        titles such as "General" left out); the fallback gives one per word.
        """
        keys = self.keys(mention)
        if mention.text in self._hooked:
            offset, written = written_name(mention.text, mention.tokens)
            return [(keys[0], _strip_possessive(written), offset)]
        found = []
        at = 0
        for token in mention.tokens:
            where = mention.text.find(token, at)
            where = where if where >= 0 else 0
            at = where + len(token)
            found.append((self.word_key(token), _strip_possessive(token), where))
        return found


def written_name(text: str, tokens: tuple[str, ...]) -> tuple[int, str]:
    """Where the name's words start in ``text`` and the name as written from its first word to its last.

    The tokens leave out titles and small words ("of"); the reader should
    see the name as the source wrote it, and a mark must cover exactly it.
    """
    if not tokens:
        return 0, text
    start = text.find(tokens[0])
    if start < 0:
        return 0, text
    end = text.rfind(tokens[-1])
    if end < start:
        return start, text[start:]
    return start, text[start : end + len(tokens[-1])]


def _strip_possessive(token: str) -> str:
    for ending in ("'s", "’s"):
        if token.endswith(ending):
            return token[: -len(ending)]
    return token
