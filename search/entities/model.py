"""Plain records the entity engine hands out: entities, merge evidence, expansions.

Front ends format these and nothing else, so the CLI and the TUI say the
same thing about an entity. They convert to and from JSON-ready dicts for
the saved table and for `--format json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# How a merge was decided, strongest authority first.
RULE_USER = "user"  # `explorer entities merge A B`
RULE_ACRONYM = "acronym"  # `National Resistance Front (NRF)` written in the corpus
RULE_SPELLING = "spelling"  # every name token equal or a few edits apart
RULE_QUALIFIED = "qualified"  # `National Resistance Front` / `... of Afghanistan`
RULE_CONTEXT = "context"  # tokens only sound alike; titles, roles and co-mentions agree
RULE_SURNAME = "surname"  # a surname used alone, and only one person in the corpus bears it
RULE_SHORT = "short form"  # `Hameed` alone in an article that names `Faiz Hameed` in full

# Rules decided by something other than how alike two strings are: their score means nothing
# to a reader (a user's merge is not a "name score 1.00"), so it is not shown.
UNSCORED_RULES = frozenset((RULE_USER, RULE_ACRONYM, RULE_QUALIFIED, RULE_SURNAME, RULE_SHORT))


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why two spellings were put in one entity: the rule, scores and reasons a person can read."""

    a: str  # a spelling on one side of the merge
    b: str  # a spelling on the other side
    rule: str
    score: float  # string similarity of the aligned names, 0..1 (1.0 for user and acronym merges)
    context: float = 0.0  # weight of the context evidence, when the rule needed it
    reasons: tuple[str, ...] = ()

    def describe(self) -> str:
        """`Fahim Dashti = Fahim Dashty (spelling, name score 0.91): same first name Fahim; ...`.

        Rules that do not compare strings (``UNSCORED_RULES``) show no score: `(user)`.
        """
        label = self.rule
        if self.rule not in UNSCORED_RULES:
            label += f", name score {self.score:.2f}"
            if self.context:
                label += f", context {self.context:.2f}"
        reasons = "; ".join(self.reasons)
        return f"{self.a} = {self.b} ({label}): {reasons}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "rule": self.rule,
            "score": self.score,
            "context": self.context,
            "reasons": list(self.reasons),
            "text": self.describe(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(
            data["a"],
            data["b"],
            data["rule"],
            float(data["score"]),
            float(data.get("context", 0.0)),
            tuple(data.get("reasons", ())),
        )


@dataclass(frozen=True, slots=True)
class Entity:
    """One person, organisation or place with every spelling the corpus uses for it."""

    id: str  # stable for an unchanged corpus: derived from the canonical name
    name: str  # canonical name: the most used full form
    kind: str  # person | org | place | other | unknown
    spellings: dict[str, int]  # spelling as written -> mentions, most used first
    sources: dict[str, dict[str, int]]  # source -> spelling -> mentions
    articles: tuple[str, ...]  # article ids, sorted
    evidence: tuple[Evidence, ...] = ()  # one record per merge that joined two spellings
    roles: dict[str, int] = field(default_factory=dict)  # titles and roles written with it
    kind_cues: str = ""  # why that kind: "title x3, role word x2"

    @property
    def article_count(self) -> int:
        return len(self.articles)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "spellings": dict(self.spellings),
            "sources": {source: dict(names) for source, names in self.sources.items()},
            "articles": list(self.articles),
            "evidence": [item.as_dict() for item in self.evidence],
            "roles": dict(self.roles),
            "kind_cues": self.kind_cues,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            id=data["id"],
            name=data["name"],
            kind=data["kind"],
            spellings=dict(data["spellings"]),
            sources={source: dict(names) for source, names in data["sources"].items()},
            articles=tuple(data["articles"]),
            evidence=tuple(Evidence.from_dict(item) for item in data.get("evidence", ())),
            roles=dict(data.get("roles", {})),
            kind_cues=data.get("kind_cues", ""),
        )


@dataclass(frozen=True, slots=True)
class MentionRef:
    """Where an entity is named in one article (for marking names in the article pane)."""

    start: int
    end: int
    entity_id: str


@dataclass(frozen=True, slots=True)
class EntityExpansion:
    """A query phrase that names an entity, and the other spellings to search for with it.

    ``alternatives`` are written forms of the *matched part* (`Zara` -> `Zhor`,
    `Dashty` -> `Dashti`; the whole name -> every other spelling), ready to
    be OR-ed into the query as phrases.
    """

    phrase: str
    entity_id: str
    name: str
    kind: str
    matched: str  # the spelling (or part of it) the phrase matched
    alternatives: tuple[str, ...]

    def describe(self) -> str:
        also = ", ".join(self.alternatives)
        return f"entity {self.name}: also {also}" if also else f"entity {self.name}"


@dataclass(frozen=True, slots=True)
class NameGroup:
    """Names of a list that are spellings of one name (`explorer variants`)."""

    names: tuple[str, ...]
    canonical: str

    def as_dict(self) -> dict[str, Any]:
        return {"names": list(self.names), "canonical": self.canonical}
