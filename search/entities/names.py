"""Names as folded tokens, and whether two names are spellings of one name.

Why token alignment and not one string score: `Fahim Dashti`/`Fahim Dashty`
and `Ahmad Massoud`/`Ahmad Shah Massoud` are equally close as strings, yet
the first is one man and the second a father and his son. Comparing token by
token says *which* part differs: a surname one letter apart is a spelling; a
whole extra name is another person. So two names match only when every name
token of one is aligned with a token of the other; particles (`al`, `bin`,
`de`) and legal suffixes (`Co`, `Ltd`) may be missing on either side, and
`Abdulqader` may align with `Abdul Qader`.

Each aligned pair gets a level: EXACT, CLOSE (a few edits, scaled by length
as in ``search.variants.allowed_edits``) or SOUND (same consonant skeleton:
`Wadood`/`Wudod`, `Zhor`/`Zara`). A match is *strong* when every pair is
EXACT or CLOSE, or when two tokens are EXACT and a single other one only
sounds alike (safe to merge on the strings alone); it is *weak* when other
tokens only sound alike (it needs evidence from context before a merge).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, Indel

from ..analysis import fold
from ..variants import allowed_edits
from .lexicon import LEGAL_SUFFIXES, NAME_PARTICLES

NONE, SOUND, CLOSE, EXACT = 0, 1, 2, 3
LEVEL_NAMES = {NONE: "none", SOUND: "sound", CLOSE: "close", EXACT: "exact"}

SOUND_SIMILARITY = 0.6  # a sound-alike token must also share most letters to count in a strong match
SOUND_MIN = 5  # ... and be this long: `jin`/`qin zhou shi` are two cities
TWO_EDITS_SINGLE_MIN = 11  # a one-word name two edits away needs this many letters
STRONG = "strong"
WEAK = "weak"

_SPLIT = re.compile(r"[\s\-‐‑–—_/]+")
_DROP = re.compile(r"[^\w]+")


@lru_cache(maxsize=500_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """Folded tokens of a name: `Inter-Services Intelligence` -> (inter, services, intelligence).

    Dots and apostrophes go (`U.S.` -> us, `O'Brien` -> obrien), possessives
    too (`Dashty's` -> dashty), and hyphens separate tokens so that the
    hyphenated and the spaced spellings are one name.

    The stored mentions' catalog saves which shards hold each token (``catalog``), and
    resolutions read these tokens: a change to what this returns must bump
    ``catalog.CATALOG_VERSION`` and ``resolutions.RESOLVE_VERSION``.
    """
    tokens = []
    for part in _SPLIT.split(name):
        if not part:
            continue
        folded = _DROP.sub("", fold(part))
        if folded:
            tokens.append(folded)
    return tuple(tokens)


def name_key(name: str) -> str:
    """The identity of a spelling across the corpus: its folded tokens, space separated."""
    return " ".join(name_tokens(name))


def is_optional(token: str) -> bool:
    """Particles and legal suffixes may be present in one spelling and absent in another."""
    return token in NAME_PARTICLES or token in LEGAL_SUFFIXES


@lru_cache(maxsize=500_000)
def token_position(tokens: tuple[str, ...], part: tuple[str, ...]) -> int:
    """Where ``part`` starts as consecutive tokens of ``tokens``; -1 when it does not occur."""
    size = len(part)
    for start in range(len(tokens) - size + 1):
        if tokens[start : start + size] == part:
            return start
    return -1


def core_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens that must all be matched: the name without particles and legal suffixes.

    A legal suffix stays when dropping it would leave a single word: `Boston
    Corp` is a company, `Boston` a city; `Standard Oil Co` is `Standard Oil`.
    Most names hold neither: they are their own core (tested in C; an update makes the core of
    each of 71,000 names it loads at 100,000 articles).
    """
    if NAME_PARTICLES.isdisjoint(tokens) and LEGAL_SUFFIXES.isdisjoint(tokens):
        return tokens
    core = tuple(t for t in tokens if t not in NAME_PARTICLES)
    without_legal = tuple(t for t in core if t not in LEGAL_SUFFIXES)
    if len(without_legal) >= 2:
        return without_legal
    return core or tokens


# Consonant classes that transliterations swap freely (q/k/g, z/s, d/t ...).
_SOUND_MAP = str.maketrans(
    {
        "c": "k",
        "q": "k",
        "g": "k",
        "j": "k",
        "z": "s",
        "d": "t",
        "b": "p",
        "v": "f",
        "w": "f",
    }
)
_DIGRAPHS = (
    ("x", "ks"),
    ("ph", "f"),
    ("ck", "k"),
    ("kh", "k"),
    ("gh", "g"),
    ("sh", "s"),
    ("th", "t"),
    ("dh", "d"),
)
_VOWELS = frozenset("aeiouyh")  # dropped inside a word
_FIRST_VOWELS = frozenset("aeiou")  # a first vowel stands for any first vowel (Usama/Osama)


@lru_cache(maxsize=500_000)
def sound_key(token: str) -> str:
    """A coarse consonant skeleton: `Wadood` and `Wudod` -> `ft`, `Zhor` and `Zara` -> `sr`.

    The first letter stays (as its class; a first vowel becomes `a`), other
    vowels and `h` go, repeated letters collapse. Coarse on purpose: it is
    used to find candidates and as the weakest level of agreement, which on
    its own never merges two names.
    """
    if not token:
        return ""
    word = token
    for digraph, single in _DIGRAPHS:
        if digraph in word:
            word = word.replace(digraph, single)
    word = word.translate(_SOUND_MAP)
    first = "a" if word[0] in _FIRST_VOWELS else word[0]
    out = [first]
    for ch in word[1:]:
        if ch in _VOWELS or not ch.isalpha():
            continue
        if ch != out[-1]:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1_000_000)
def token_level(a: str, b: str) -> tuple[int, int]:
    """(level, edits) of two folded tokens: EXACT, CLOSE, SOUND or NONE."""
    if a == b:
        return EXACT, 0
    if not (a.isalpha() and b.isalpha()):
        return NONE, 0  # numbers must be equal: `Yard No 2656` is not `Yard No 2657`
    if a[0] != b[0] and sound_key(a[0]) != sound_key(b[0]):
        return NONE, 0
    shorter = min(len(a), len(b))
    budget = allowed_edits(shorter)
    if budget and not _derived(a, b):
        edits = OSA.distance(a, b, score_cutoff=budget)
        if edits <= budget:
            return CLOSE, edits
    if min(len(a), len(b)) >= 3 and sound_key(a) == sound_key(b) and len(sound_key(a)) >= 2:
        return SOUND, OSA.distance(a, b)
    return NONE, 0


def _derived(a: str, b: str) -> bool:
    """`Pakistan`/`Pakistani`, `Mohammad`/`Mohammadi`: one word extends the other, another word."""
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return long.startswith(short) and len(long) > len(short)


@dataclass(frozen=True, slots=True)
class TokenPair:
    """Two aligned parts of two names (a part may be two tokens run together)."""

    a: str
    b: str
    level: int
    edits: int


@dataclass(frozen=True, slots=True)
class NameMatch:
    """How two names align, token by token; ``kind`` is STRONG, WEAK or '' (no match)."""

    kind: str
    pairs: tuple[TokenPair, ...]
    score: float  # 0..1, length-weighted similarity of the aligned tokens

    @property
    def sound_only(self) -> int:
        return sum(1 for pair in self.pairs if pair.level == SOUND)

    def describe(self, person: bool = True) -> str:
        """Why the two names match, in words: 'same first name, surname 1 edit apart'."""
        return describe_pairs(self.pairs, person)


NO_MATCH = NameMatch("", (), 0.0)


def _pair_phrase(pair: TokenPair) -> str:
    a, b = pair.a.title(), pair.b.title()
    if pair.level == EXACT:
        return f"{a} same"
    if pair.level == CLOSE:
        plural = "s" if pair.edits != 1 else ""
        return f"{a}/{b} {pair.edits} edit{plural} apart"
    return f"{a}/{b} sound alike"


def describe_pairs(pairs: tuple[TokenPair, ...], person: bool) -> str:
    """Readable alignment: first names then surname for people, words otherwise."""
    if not pairs:
        return ""
    if person and len(pairs) >= 2:
        first, last = pairs[:-1], pairs[-1]
        label = "first names" if len(first) > 1 else "first name"
        if all(p.level == EXACT for p in first):
            head = f"same {label} " + " ".join(p.a.title() for p in first)
        else:
            head = f"{label} " + ", ".join(_pair_phrase(p) for p in first)
        if last.level == EXACT:
            tail = f"same surname {last.a.title()}"
        else:
            tail = "surname " + _pair_phrase(last)
        return f"{head}; {tail}"
    if all(p.level == EXACT for p in pairs):
        return "same words"
    return ", ".join(_pair_phrase(p) for p in pairs if p.level != EXACT)


def align(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[TokenPair, ...] | None:
    """Best alignment of two token lists in order, or None when some name token stays unmatched."""
    return _align(a, b)


@lru_cache(maxsize=300_000)
def _align(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[TokenPair, ...] | None:
    best = _search(a, b, 0, 0, {})
    return None if best is None else best[1]


def _search(
    a: tuple[str, ...],
    b: tuple[str, ...],
    i: int,
    j: int,
    memo: dict[tuple[int, int], tuple[float, tuple[TokenPair, ...]] | None],
) -> tuple[float, tuple[TokenPair, ...]] | None:
    if (i, j) in memo:
        return memo[(i, j)]
    if i == len(a) and j == len(b):
        return (0.0, ())
    options: list[tuple[float, tuple[TokenPair, ...]]] = []

    def consider(step: float, pair: TokenPair | None, ni: int, nj: int) -> None:
        rest = _search(a, b, ni, nj, memo)
        if rest is not None:
            options.append((step + rest[0], ((pair,) if pair else ()) + rest[1]))

    if i < len(a) and j < len(b):
        level, edits = token_level(a[i], b[j])
        if level:
            consider(level, TokenPair(a[i], b[j], level, edits), i + 1, j + 1)
        if i + 1 < len(a) and min(len(a[i]), len(a[i + 1])) >= 3:
            joined = a[i] + a[i + 1]
            level, edits = token_level(joined, b[j])
            if level >= CLOSE:
                consider(level - 0.5, TokenPair(f"{a[i]} {a[i + 1]}", b[j], level, edits), i + 2, j + 1)
        if j + 1 < len(b) and min(len(b[j]), len(b[j + 1])) >= 3:
            joined = b[j] + b[j + 1]
            level, edits = token_level(a[i], joined)
            if level >= CLOSE:
                consider(level - 0.5, TokenPair(a[i], f"{b[j]} {b[j + 1]}", level, edits), i + 1, j + 2)
    if i < len(a) and a[i] in NAME_PARTICLES:
        consider(-0.25, None, i + 1, j)
    if j < len(b) and b[j] in NAME_PARTICLES:
        consider(-0.25, None, i, j + 1)
    result = max(options, key=lambda option: option[0]) if options else None
    memo[(i, j)] = result
    return result


def compare(a: tuple[str, ...], b: tuple[str, ...], single_min: int = 5) -> NameMatch:
    """Whether two token lists are spellings of one name (strongly, weakly) or not at all.

    Single-token names need a CLOSE match of at least ``single_min`` letters
    (`Kabul` is not `Kaul`); longer names need every token aligned, and a weak match at
    least one token EXACT or CLOSE so that two names never meet on sound alone.
    """
    if not a or not b:
        return NO_MATCH
    if a == b:
        pairs = tuple(TokenPair(t, t, EXACT, 0) for t in core_tokens(a))
        return NameMatch(STRONG, pairs, 1.0)
    pairs = align(a, b)
    if not pairs:
        return NO_MATCH
    levels = [pair.level for pair in pairs]
    score = _score(pairs)
    if len(pairs) == 1:
        pair = pairs[0]
        if pair.level >= CLOSE and min(len(pair.a), len(pair.b)) >= single_min and _single_close(pair):
            return NameMatch(STRONG, pairs, score)
        return NO_MATCH
    if all(level >= CLOSE for level in levels):
        edits = sum(pair.edits for pair in pairs)
        if EXACT in levels or edits <= 2:
            return NameMatch(STRONG, pairs, score)
        return NameMatch(WEAK, pairs, score)
    if levels.count(EXACT) >= 2 and levels.count(SOUND) == 1:
        sound = next(pair for pair in pairs if pair.level == SOUND)
        similar = Indel.normalized_similarity(sound.a, sound.b) >= SOUND_SIMILARITY
        if similar and min(len(sound.a), len(sound.b)) >= SOUND_MIN:
            return NameMatch(STRONG, pairs, score)  # two names equal, the third sounds alike
    if any(level >= CLOSE for level in levels):
        return NameMatch(WEAK, pairs, score)
    return NO_MATCH


def _single_close(pair: TokenPair) -> bool:
    """Whether a one-word name's close spelling is safe without context.

    Not when the one difference is a vowel for a vowel (`Changzhou`/`Chengzhou`:
    romanisations keep vowels apart to tell places apart), nor two edits in a word
    shorter than ``TWO_EDITS_SINGLE_MIN`` letters (measured on the GeoNames list).
    """
    if pair.level == EXACT:
        return True
    if pair.edits >= 2 and min(len(pair.a), len(pair.b)) < TWO_EDITS_SINGLE_MIN:
        return False
    return not _vowel_swap(pair.a, pair.b)


_PLAIN_VOWELS = frozenset("aeiou")


def _vowel_swap(a: str, b: str) -> bool:
    """`chuzhou`/`chizhou`: the same length, one vowel replaced by another, nothing else."""
    if len(a) != len(b):
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and diff[0][0] in _PLAIN_VOWELS and diff[0][1] in _PLAIN_VOWELS


def _score(pairs: tuple[TokenPair, ...]) -> float:
    total = weight = 0.0
    for pair in pairs:
        length = max(len(pair.a), len(pair.b))
        total += length * Indel.normalized_similarity(pair.a.replace(" ", ""), pair.b.replace(" ", ""))
        weight += length
    return round(total / weight, 3) if weight else 0.0


def compare_names(a: str, b: str) -> NameMatch:
    """``compare`` on two written names (their core tokens, as the clustering compares them)."""
    return compare(core_tokens(name_tokens(a)), core_tokens(name_tokens(b)))


_INVERTED = re.compile(r"^\s*([^,]+?)\s*,\s*([^,]+?)\s*$")


def listed_name(line: str) -> str:
    """A name from a list, in reading order: `AL-SHAMI, Abdul Qader` -> `Abdul Qader AL-SHAMI`.

    Lists of people often put the surname first, before a comma; a company's
    legal form after a comma (`DELVEST HOLDING, S.A.`) is not a given name.
    """
    match = _INVERTED.match(line)
    if not match:
        return line.strip()
    surname, given = match.groups()
    given_tokens = name_tokens(given)
    if not given_tokens or all(t in LEGAL_SUFFIXES for t in given_tokens) or len(name_tokens(surname)) > 4:
        return line.strip()
    return f"{given} {surname}"
