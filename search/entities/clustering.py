"""From per-article names to corpus entities: which spellings are one entity, and why.

Why several passes instead of one score: evidence comes in different
strengths and some of it depends on earlier decisions. Merges are applied
strongest authority first, each checked against the user's splits and
against kinds (a person is never a place or an organisation):

1. the user's merges;
2. acronyms the corpus defines (`Inter-Services Intelligence (ISI)`);
3. spellings: every name token equal or a few edits apart, in order
   (`Fahim Dashti` = `Fahim Dashty`); one-word names also need the same
   kind or shared co-mentions, since `Sudan`/`Sedan` are close too;
4. an organisation and the same name qualified with `of X` when only one
   such longer name exists (`National Resistance Front of Afghanistan`);
5. names whose tokens only *sound* alike (`Abdul Wadood Zhor` / `Abdul Wudod
   Zara`) when the context agrees: a shared title or role is required, plus
   co-mentioned entities (counted after passes 1-4, so `Dashti`/`Dashty`
   already count as one), and articles close in date;
6. acronyms never defined but spelling the initials of a name they appear
   beside in several articles;
7. a one-word person name (`President Reagan`) joins the only multi-word
   person whose surname it is.

Names with different numbers of tokens never merge by spelling: `Ahmad
Massoud` and `Ahmad Shah Massoud` are a son and his father. To stop chains
(A~B, B~C, but A far from C) a spelling or context merge also requires the
two clusters' most frequent names to match at least weakly.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any

from .blocking import BlockingStats, block_keys, candidate_pairs
from .kinds import ORG, PERSON, PLACE, UNKNOWN, conflict, decide_kind
from .lexicon import HONORIFICS, KINSHIP_WORDS, TITLE_SUFFIXES
from .mentions import spells_initials
from .model import (
    RULE_ACRONYM,
    RULE_CONTEXT,
    RULE_QUALIFIED,
    RULE_SHORT,
    RULE_SPELLING,
    RULE_SURNAME,
    RULE_USER,
    Evidence,
)
from .names import NO_MATCH, STRONG, WEAK, NameMatch, TokenPair, compare, name_key
from .nodes import Node
from .resolve import VIA_ALONE, VIA_DEFINED

CONTEXT_THRESHOLD = 1.5
MAX_CONTEXT_ARTICLES = 40
ACRONYM_SHARE = 0.75
DATE_WINDOW_DAYS = 3


# Name comparisons by the two names' core tokens (in the order compared): ``compare`` is a
# function of those alone, so a comparison made in one run holds in the next. A match is kept
# as plain tuples (``_plain``; objects took twice as long to load), None when there is none.
Compared = dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[Any, ...] | None]
_UNCOMPARED = ("?",)


def _plain(match: NameMatch) -> tuple[Any, ...]:
    """The match as tuples; each pair's fields spelled out (``dataclasses.astuple`` deep-copies
    them one by one: a sixth of the comparisons' time)."""
    return match.kind, tuple((pair.a, pair.b, pair.level, pair.edits) for pair in match.pairs), match.score


def _unplain(kept: tuple[Any, ...]) -> NameMatch:
    kind, pairs, score = kept
    return NameMatch(kind, tuple(TokenPair(*pair) for pair in pairs), score)


@dataclass(slots=True)
class Previous:
    """What an incremental clustering starts from: the entities of more than one name the
    last clustering made (``partition.Partition.clusters``) and the name keys counted in or
    out since (``nodes.NodeSet.touched``)."""

    clusters: list[tuple[tuple[str, ...], tuple[Evidence, ...]]]
    touched: set[str]


@dataclass(slots=True)
class Clustering:
    """The result: nodes, which cluster each belongs to, and the evidence of every merge."""

    nodes: list[Node]
    node_of: dict[str, int]
    clusters: list[list[int]]  # node indices per cluster
    cluster_of: list[int]  # node index -> cluster index
    evidence: list[list[Evidence]]  # per cluster
    blocking: BlockingStats
    conflicts: list[str]  # corrections that could not all be honoured
    compared: Compared  # every name comparison made, to reuse in the next run (``score_pairs``)
    # The clusters of more than one name: their sorted keys and merge evidence (``Previous``).
    merged: list[tuple[tuple[str, ...], tuple[Evidence, ...]]]
    # Per cluster, whether it was clustered now; None: every one was (a full clustering).
    # A cluster not clustered now is an entity of the last clustering, exactly as it was.
    fresh: list[bool] | None = None
    opened: int = 0  # names an incremental clustering opened (0 in a full one)


def cluster(
    nodes: list[Node],
    dates: Mapping[str, str | None],
    merges: Iterable[tuple[str, str]] = (),
    splits: Iterable[tuple[str, str]] = (),
    known: Compared | None = None,
    previous: Previous | None = None,
) -> Clustering:
    """Cluster the name ``nodes`` (in the order of ``NodeSet.ordered``) of a corpus whose
    articles, by id, were published on ``dates``; ``merges``/``splits`` are user decisions
    on name keys; ``known``: the comparisons of an earlier run (``Clustering.compared``),
    reused instead of comparing those names again.

    With ``previous``, only the names touched since, the names of the entities that held
    one, and the names they can merge with are clustered; every other entity is kept as it
    was, with its evidence (``partition`` says why, and when a full clustering runs)."""
    for node in nodes:
        if not node.display:  # counted in or out since it was last finished (``NodeSet``)
            node.finish()
    node_of = {node.key: index for index, node in enumerate(nodes)}
    days = {article_id: _day(text) for article_id, text in dates.items()}
    engine = _Engine(nodes, node_of, days)
    focus = None if previous is None else engine.keep(previous)
    conflicts = engine.apply_user(list(merges), list(splits))
    engine.link_defined_acronyms()
    for node in nodes:
        if node.blocks is None:
            node.blocks = tuple(block_keys(node.core))
    cores = [node.core for node in nodes]
    pairs, stats = candidate_pairs(cores, focus=focus, keys=[node.blocks or () for node in nodes])
    strong, weak, compared = engine.score_pairs(pairs, known or {})
    del pairs
    if focus is not None and known:
        known.update(compared)  # names not compared now keep their comparisons
        compared = known
    engine.article_nodes = article_nodes(nodes, None if focus is None else engine.reading(strong, weak))
    engine.merge_spellings(strong)
    del strong
    engine.merge_qualified()
    engine.merge_in_context(weak)
    del weak
    engine.link_spelled_acronyms()
    engine.merge_surnames()
    clusters, cluster_of, evidence, fresh = engine.result()
    del engine
    merged = [
        (tuple(sorted(nodes[i].key for i in members)), tuple(found))
        for members, found in zip(clusters, evidence, strict=True)
        if len(members) > 1
    ]
    for number, (members, found) in enumerate(zip(clusters, evidence, strict=True)):
        if fresh is None or fresh[number]:  # a kept entity's evidence is read from where it is kept
            for index in members:
                found.extend(short_form_evidence(nodes[index]))
    opened = 0 if focus is None else len(focus)
    return Clustering(
        nodes, node_of, clusters, cluster_of, evidence, stats, conflicts, compared, merged, fresh, opened
    )


def article_nodes(nodes: Sequence[Node], wanted: set[str] | None = None) -> dict[str, list[int]]:
    """The nodes each article names (indices into the ordered ``nodes``, in their order), from
    the nodes' own article lists: the kept resolutions of most articles are not read by an
    update. Made afresh each run, as the order of the nodes, and so their indices, changes
    with every update. ``wanted``: only these articles (those an incremental clustering reads)."""
    named: dict[str, list[int]] = {}
    get = named.get
    for index, node in enumerate(nodes):
        found = node.articles if wanted is None else wanted.intersection(node.articles)
        for article_id in found:
            listed = get(article_id)
            if listed is None:
                named[article_id] = [index]
            else:
                listed.append(index)
    return named


def short_form_evidence(node: Node) -> list[Evidence]:
    """Why each short form attached inside articles belongs to ``node``, in words a reader can check.

    `Hameed` and `ISI` join their full names within one article (``resolve``), never
    by comparing strings across the corpus, so their evidence is where that happened:
    "used alone in 2 articles that name Faiz Hameed in full".
    """
    out = []
    for (spelling, via), found in sorted(node.short_forms.items()):
        where = _articles_phrase(found)
        if via == VIA_ALONE:
            rule, reason = (
                RULE_SHORT,
                f"used alone in {where} that name{'s' * (len(found) == 1)} {node.display} in full",
            )
        elif via == VIA_DEFINED:
            rule, reason = RULE_ACRONYM, f"defined as '{node.display}' in {where}"
        else:
            rule, reason = RULE_ACRONYM, f"spells the initials of '{node.display}', named in the same {where}"
        out.append(Evidence(spelling, node.display, rule, 1.0, reasons=(reason,)))
    return out


def _articles_phrase(ids: Sequence[str], shown: int = 3) -> str:
    """`article 002_02659` / `2 articles (000_c2, 001_7b)` / `12 articles (a, b, c ...)`."""
    if len(ids) == 1:
        return f"article {ids[0]}"
    listed = ", ".join(ids[:shown]) + (" ..." if len(ids) > shown else "")
    return f"{len(ids)} articles ({listed})"


def _day(text: str | None) -> date | None:
    if not text or len(text) < 10:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def title_heads(titles: Iterable[str]) -> set[str]:
    """`lieutenant general` -> general, `general sahib` -> general; honorifics say nothing."""
    heads = set()
    for title in titles:
        words = [w for w in title.split() if w not in HONORIFICS and w not in TITLE_SUFFIXES]
        if words:
            heads.add(words[-1])
    return heads


def _joined(
    copies: dict[int, Any], ra: int, rb: int, own: Callable[[int], Any], copy: Callable[[Any], Any]
) -> Any:
    """Cluster ``ra``'s copy (made from its node's ``own`` data when it has none yet) with
    ``rb``'s added, both taken out of ``copies``: lone nodes keep no copy of their own."""
    mine = copies.pop(ra, None)
    if mine is None:
        mine = copy(own(ra))
    theirs = copies.pop(rb, None)
    mine.update(own(rb) if theirs is None else theirs)
    return mine


class _Engine:
    def __init__(
        self,
        nodes: list[Node],
        node_of: dict[str, int],
        dates: Mapping[str, date | None],
    ) -> None:
        self.nodes = nodes
        self.node_of = node_of
        self.article_nodes: Mapping[str, Sequence[int]] = {}  # set once the pairs are scored
        self.dates = dates
        self.parent = list(range(len(nodes)))
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(nodes))}
        # Kind cues and article sets of merged clusters only: a lone node's are its own
        # (``_cues``, ``_article_count``). Most names never merge, and a copy per node
        # was a twentieth of the peak memory of clustering.
        self.cues: dict[int, Counter[str]] = {}
        self.article_sets: dict[int, set[str]] = {}
        self.kinds: dict[int, str] = {}  # ``kind`` of each root asked, forgotten when it merges
        self.evidence: dict[int, list[Evidence]] = defaultdict(list)
        self.cannot: dict[int, set[int]] = defaultdict(set)
        self.near: dict[int, set[int]] = {}  # node -> nodes named in its first articles (``_comentioned``)
        self.ubiquitous = max(20, len(dates) // 20)  # every article has a date entry, not every one names
        # An incremental clustering (``keep``): the names it clusters, and the roots of the
        # clusters holding one. Only such a cluster may merge; the others stay as they were.
        self.focus: set[int] | None = None
        self.fresh: set[int] = set()
        self.unsummed: set[int] = set()  # kept clusters whose cues and articles are summed when asked

    def keep(self, previous: Previous) -> set[int]:
        """Start from the last clustering: its entities that hold no touched name are made
        again as they were (with their evidence); the names of the others, and the names
        touched, are the ``focus`` that the passes cluster. Returns the focus."""
        node_of, touched = self.node_of, previous.touched
        opened = {key for key in touched if key in node_of}
        for keys, evidence in previous.clusters:
            indices = [node_of.get(key) for key in keys]
            if None in indices or not touched.isdisjoint(keys):
                opened.update(key for key in keys if key in node_of)
                continue
            root = indices[0]
            for other in indices[1:]:
                self.parent[other] = root
                self.members.pop(other)
            self.members[root] = indices  # type: ignore[assignment]
            self.unsummed.add(root)
            self.evidence[root] = list(evidence)
        focus = {node_of[key] for key in opened}
        self.focus = focus
        self.fresh = set(focus)
        return focus

    def reading(
        self, strong: list[tuple[float, int, int, NameMatch]], weak: list[tuple[float, int, int, NameMatch]]
    ) -> set[str]:
        """The articles whose names the passes of an incremental clustering read: the first
        articles of the names whose co-mentions are compared (``_comentioned``; a weak pair's
        only when the two share a title or role, as ``context`` asks for them only then)."""
        nodes = self.nodes
        wanted: set[str] = set()
        asking = chain(
            (item for item in strong if len(nodes[item[1]].core) == 1),  # ``merge_spellings``
            (item for item in weak if self._roles_in_common(item[1], item[2])[1]),  # ``context``
        )
        for _score, i, j, _match in asking:
            wanted.update(nodes[i].articles[:MAX_CONTEXT_ARTICLES], nodes[j].articles[:MAX_CONTEXT_ARTICLES])
        return wanted

    # -- union-find ------------------------------------------------------------

    def find(self, index: int) -> int:
        parent = self.parent
        root = index
        while parent[root] != root:
            root = parent[root]
        while parent[index] != root:
            parent[index], index = root, parent[index]
        return root

    def blocked(self, a: int, b: int) -> bool:
        """The user said some name of one cluster differs from some name of the other."""
        small, other = (a, b) if len(self.members[a]) <= len(self.members[b]) else (b, a)
        for node in self.members[small]:
            for enemy in self.cannot.get(node, ()):
                if self.find(enemy) == other:
                    return True
        return False

    def union(self, a: int, b: int, evidence: Evidence, check_kind: bool = True) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.blocked(ra, rb):
            return False
        if self.focus is not None and ra not in self.fresh and rb not in self.fresh:
            return False  # two entities kept as they were (``keep``)
        if check_kind and conflict(self.kind(ra), self.kind(rb)):
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self._sum(ra)
        self._sum(rb)
        self.parent[rb] = ra
        self.kinds.pop(ra, None)
        self.kinds.pop(rb, None)
        self.members[ra].extend(self.members.pop(rb))
        self.cues[ra] = _joined(self.cues, ra, rb, lambda i: self.nodes[i].cues, Counter)
        self.article_sets[ra] = _joined(self.article_sets, ra, rb, lambda i: self.nodes[i].articles, set)
        self.evidence[ra].extend(self.evidence.pop(rb, []))
        self.evidence[ra].append(evidence)
        if self.focus is not None and rb in self.fresh:
            self.fresh.discard(rb)
            self.fresh.add(ra)
        return True

    def head(self, root: int) -> Node:
        """The cluster's most mentioned full name (several words beat one)."""
        members = self.members[root]
        if len(members) == 1:
            return self.nodes[members[0]]
        return max((self.nodes[i] for i in members), key=lambda n: (len(n.core) >= 2, n.count, n.key))

    def kind(self, root: int) -> str:
        """The cluster's kind, remembered until it merges (its cues change only then)."""
        kind = self.kinds.get(root)
        if kind is None:
            kind = self.kinds[root] = decide_kind(self._cues(root))
        return kind

    def _sum(self, root: int) -> None:
        """A kept cluster's cues and articles, summed the first time they are asked for (most
        kept clusters never are)."""
        if root in self.unsummed:
            self.unsummed.discard(root)
            indices = self.members[root]
            cues: Counter[str] = Counter()
            for index in indices:
                cues.update(self.nodes[index].cues)  # as ``union`` sums them (``_joined``)
            self.cues[root] = cues
            self.article_sets[root] = set().union(*(self.nodes[i].articles for i in indices))

    def _cues(self, root: int) -> Counter[str]:
        """The kind cues of a cluster (its node's own while it is alone)."""
        self._sum(root)
        cues = self.cues.get(root)
        return self.nodes[root].cues if cues is None else cues

    def _article_count(self, root: int) -> int:
        """Articles naming a cluster (a node names each of its articles once)."""
        self._sum(root)
        articles = self.article_sets.get(root)
        return len(self.nodes[root].articles) if articles is None else len(articles)

    # -- passes ----------------------------------------------------------------

    def apply_user(self, merges: list[tuple[str, str]], splits: list[tuple[str, str]]) -> list[str]:
        conflicts = []
        for a, b in splits:
            ia, ib = self.node_of.get(a), self.node_of.get(b)
            if ia is not None and ib is not None and ia != ib:
                self.cannot[ia].add(ib)
                self.cannot[ib].add(ia)
        for a, b in merges:
            ia, ib = self.node_of.get(a), self.node_of.get(b)
            if ia is None or ib is None or ia == ib:
                continue
            na, nb = self.nodes[ia], self.nodes[ib]
            evidence = Evidence(na.display, nb.display, RULE_USER, 1.0, reasons=("merged by a user",))
            if not self.union(ia, ib, evidence, check_kind=False) and self.find(ia) != self.find(ib):
                conflicts.append(f"merge {na.display} / {nb.display} contradicts a split; the split wins")
        return conflicts

    def link_defined_acronyms(self) -> None:
        definitions: dict[str, Counter[int]] = defaultdict(Counter)
        for index, node in enumerate(self.nodes):
            for acronym, count in node.acronyms.items():
                definitions[acronym.replace(".", "").lower()][index] += count
        for index, node in enumerate(self.nodes):
            if not node.is_acronym:
                continue
            defined = definitions.get(node.key)
            if not defined:
                continue
            total = sum(defined.values())
            target, count = defined.most_common(1)[0]
            if count < ACRONYM_SHARE * total:
                continue
            long_form = self.nodes[target].display
            reason = (
                f"{node.display} is defined as '{long_form}' in {count} article{'s' if count > 1 else ''}"
            )
            self.union(index, target, Evidence(node.display, long_form, RULE_ACRONYM, 1.0, reasons=(reason,)))

    def score_pairs(
        self, pairs: list[tuple[int, int]], known: Compared
    ) -> tuple[list[tuple[float, int, int, NameMatch]], list[tuple[float, int, int, NameMatch]], Compared]:
        """The pairs whose names match strongly and weakly, best first, and every comparison
        made (those of ``known`` are reused: an update adds a few names to tens of thousands)."""
        strong, weak = [], []
        nodes = self.nodes
        compared: Compared = {}
        for i, j in pairs:
            a, b = nodes[i], nodes[j]
            if a.is_acronym or b.is_acronym:
                continue
            names = (a.core, b.core)
            kept = known.get(names, _UNCOMPARED)
            if kept is _UNCOMPARED:
                match = compare(a.core, b.core)
                kept = _plain(match) if match.kind else None
            else:
                match = NO_MATCH if kept is None else _unplain(kept)
            compared[names] = kept
            if match.kind == STRONG:
                strong.append((match.score, i, j, match))
            elif match.kind == WEAK:
                weak.append((match.score, i, j, match))
        order = lambda item: (-item[0], nodes[item[1]].key, nodes[item[2]].key)  # noqa: E731
        strong.sort(key=order)
        weak.sort(key=order)
        return strong, weak, compared

    def _compatible_heads(self, i: int, j: int) -> bool:
        ha, hb = self.head(self.find(i)), self.head(self.find(j))
        if ha is self.nodes[i] and hb is self.nodes[j]:
            return True
        return bool(compare(ha.core, hb.core).kind)

    def merge_spellings(self, strong: list[tuple[float, int, int, NameMatch]]) -> None:
        for score, i, j, match in strong:
            if self.find(i) == self.find(j) or not self._compatible_heads(i, j):
                continue
            a, b = self.nodes[i], self.nodes[j]
            reasons = [match.describe(person=self._personish(i, j))]
            if len(a.core) == 1:
                same_kind = self.kind(self.find(i)) == self.kind(self.find(j)) != UNKNOWN
                shared = self._shared_comentions(i, j)
                if not same_kind and len(shared) < 2:
                    continue
                if same_kind:
                    reasons.append(f"both {self.kind(self.find(i))}s")
                if shared:
                    reasons.append("co-mentioned with " + ", ".join(shared[:4]))
            extra, _ = self._roles_in_common(i, j)
            reasons.extend(extra)
            self.union(i, j, Evidence(a.display, b.display, RULE_SPELLING, score, reasons=tuple(reasons)))

    def merge_qualified(self) -> None:
        """`National Resistance Front` = `National Resistance Front of Afghanistan` (one such longer name)."""
        by_prefix: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for index, node in enumerate(self.nodes):
            if "of" in node.tokens[2:]:
                cut = node.tokens.index("of", 2)
                by_prefix[node.tokens[:cut]].append(index)
        for prefix, longer in by_prefix.items():
            short = self.node_of.get(" ".join(prefix))
            if short is None or self.kind(self.find(short)) != ORG:
                continue
            roots = {self.find(i) for i in longer}
            if len(roots) != 1:
                continue
            target = longer[0]
            if self.kind(self.find(target)) not in (ORG, UNKNOWN):
                continue
            a, b = self.nodes[short], self.nodes[target]
            qualifier = " ".join(b.display.split()[len(a.display.split()) :])
            reason = f"the same organisation name, once qualified '{qualifier}' (the only such longer name)"
            self.union(short, target, Evidence(a.display, b.display, RULE_QUALIFIED, 1.0, reasons=(reason,)))

    def merge_in_context(self, weak: list[tuple[float, int, int, NameMatch]]) -> None:
        scored = []
        for score, i, j, match in weak:
            if self.find(i) == self.find(j):
                continue
            context, reasons = self.context(i, j)
            if context >= CONTEXT_THRESHOLD:
                scored.append((context + score, context, score, i, j, match, reasons))
        scored.sort(key=lambda item: (-item[0], self.nodes[item[3]].key, self.nodes[item[4]].key))
        for _total, context, score, i, j, match, reasons in scored:
            if self.find(i) == self.find(j) or not self._compatible_heads(i, j):
                continue
            a, b = self.nodes[i], self.nodes[j]
            all_reasons = (match.describe(person=self._personish(i, j)), *reasons)
            evidence = Evidence(a.display, b.display, RULE_CONTEXT, score, round(context, 2), all_reasons)
            self.union(i, j, evidence)

    def context(self, i: int, j: int) -> tuple[float, list[str]]:
        """Evidence beyond the strings; a shared title or role is required."""
        reasons, score = self._roles_in_common(i, j)
        if not score:
            return 0.0, []
        shared = self._shared_comentions(i, j)
        if shared:
            weight = 0.0
            for name in shared:
                weight += 0.5 if len(name.split()) >= 2 else 0.25
            score += min(1.5, weight)
            reasons.append("co-mentioned with " + ", ".join(shared[:4]))
        gap = self._date_gap(i, j)
        if gap is not None and gap <= DATE_WINDOW_DAYS:
            score += 0.5
            reasons.append(
                "reported the same day" if gap == 0 else f"reported {gap} day{'s' * (gap > 1)} apart"
            )
        return score, reasons

    def _roles_in_common(self, i: int, j: int) -> tuple[list[str], float]:
        a, b = self.nodes[i], self.nodes[j]
        reasons: list[str] = []
        score = 0.0
        titles = title_heads(a.titles) & title_heads(b.titles)
        if titles:
            score += 1.0
            reasons.append("both " + ", ".join(f"'{t.title()}'" for t in sorted(titles)))
        roles = (set(a.roles) & set(b.roles)) - KINSHIP_WORDS - titles
        if roles:
            score += 0.75
            text = "both " + ", ".join(f"'{r}'" for r in sorted(roles))
            groups = {self._root_of_key(k) for k in a.affiliations} & {
                self._root_of_key(k) for k in b.affiliations
            }
            groups.discard(None)
            if groups:
                score += 0.5
                text += " of the " + self.head(groups.pop()).display  # type: ignore[arg-type]
            reasons.append(text)
        return reasons, score

    def _root_of_key(self, key: str) -> int | None:
        index = self.node_of.get(key)
        return None if index is None else self.find(index)

    def _comentioned(self, index: int) -> set[int]:
        """The clusters named beside this node's name in its first articles."""
        near = self.near.get(index)
        if near is None:  # the names beside it never change, only which clusters they are in
            near = self.near[index] = set()
            for article in self.nodes[index].articles[:MAX_CONTEXT_ARTICLES]:
                near.update(self.article_nodes[article])
        find = self.find
        roots = {find(other) for other in near}
        roots.discard(find(index))
        return roots

    def _shared_comentions(self, i: int, j: int) -> list[str]:
        """Names of entities mentioned beside both (ubiquitous ones left out), most specific first."""
        shared = self._comentioned(i) & self._comentioned(j)
        shared.discard(self.find(i))
        shared.discard(self.find(j))
        heads = []
        for root in shared:
            if self._article_count(root) <= self.ubiquitous:
                head = self.head(root)
                if not head.is_acronym:
                    heads.append(head)
        heads.sort(key=lambda n: (-len(n.core), -n.count, n.key))
        return [node.display for node in heads]

    def _date_gap(self, i: int, j: int) -> int | None:
        days_a = {self.dates[k] for k in self.nodes[i].articles[:MAX_CONTEXT_ARTICLES]} - {None}
        days_b = {self.dates[k] for k in self.nodes[j].articles[:MAX_CONTEXT_ARTICLES]} - {None}
        if not days_a or not days_b:
            return None
        return min(abs((x - y).days) for x in days_a for y in days_b)  # type: ignore[operator]

    def _personish(self, i: int, j: int) -> bool:
        kinds = {self.kind(self.find(i)), self.kind(self.find(j))}
        return PERSON in kinds or kinds == {UNKNOWN}

    def link_spelled_acronyms(self) -> None:
        """An acronym never defined, beside a name whose initials it spells in several articles.

        Also counted: the articles where resolution attached the same acronym to a
        long form (`U.S.` written beside `United States`), so the acronym written
        alone elsewhere joins the name it stands for in most articles that name one.
        """
        focus = self.focus
        asking = None  # an incremental clustering's acronyms that can be linked (the rest are kept)
        if focus is not None:
            asking = {
                self.nodes[i].key: self.nodes[i].display[:1]
                for i in focus
                if self.nodes[i].is_acronym and self.find(i) == i and len(self.members[i]) == 1
            }
            if not asking:
                return
        attached: dict[str, Counter[int]] = defaultdict(Counter)
        for index, node in enumerate(self.nodes):
            for (spelling, via), articles in node.short_forms.items():
                if via != VIA_ALONE:
                    key = name_key(spelling)
                    if asking is None or key in asking:
                        attached[key][index] += len(articles)
        # The only names an acronym can spell: of several words, starting with its letter. Only
        # they are counted beside it (an acronym as common as `U.S.` sits beside most names).
        letters = None if asking is None else set(asking.values())
        spellable: dict[str, set[int]] = defaultdict(set)
        for index, node in enumerate(self.nodes):
            if len(node.core) >= 2 and (letters is None or node.display[:1] in letters):
                spellable[node.display[:1]].add(index)
        for index, node in enumerate(self.nodes):
            if not node.is_acronym or self.find(index) != index or len(self.members[index]) > 1:
                continue
            if asking is not None and node.key not in asking:
                continue  # kept as it was: its articles are not read (``reading``)
            together: Counter[int] = Counter()
            for other, count in attached.get(node.key, Counter()).items():
                together[self.find(other)] += count
            first = node.display[:1]
            # The same names sit beside an acronym in many articles: each is tested once, with
            # the number of its articles (counted in the order they are first met, as ``together``
            # must be filled for ``most_common`` to break ties the same way).
            beside = self._beside(node, spellable.get(first, set()))
            for other, articles in beside.items():
                candidate = self.nodes[other]
                if (
                    node.key not in candidate.tokens  # `U.S. Secretary` holds it, is not spelled by it
                    and spells_initials(node.display, candidate.display)
                ):
                    together[self.find(other)] += articles
            together = Counter({root: n for root, n in together.items() if self.kind(root) != PERSON})
            if not together:
                continue
            root, count = together.most_common(1)[0]
            if count < 2 or count < ACRONYM_SHARE * sum(together.values()):
                continue  # beside several names it could spell, and none of them most of the time
            long_form = self.head(root).display
            reason = f"{node.display} spells the initials of {long_form}, named beside it in {count} articles"
            self.union(index, root, Evidence(node.display, long_form, RULE_ACRONYM, 1.0, reasons=(reason,)))

    def _beside(self, node: Node, names: set[int]) -> Counter[int]:
        """How many of ``node``'s articles each of ``names`` is named in, counted in the order
        they are first met (article by article, names in their order).

        A full clustering reads each article's names (``article_nodes`` of every article);
        an incremental one has not made them for every article, and intersects the article
        lists of ``names`` instead: the same counts, met in the same order."""
        if self.focus is None:
            named = chain.from_iterable(self.article_nodes[article] for article in node.articles)
            return Counter(filter(names.__contains__, named))
        own = set(node.articles)
        met = []
        for other in names:
            shared = own.intersection(self.nodes[other].articles)
            if shared:
                met.append((min(shared), other, len(shared)))
        met.sort()
        return Counter({other: count for _first, other, count in met})

    def merge_surnames(self) -> None:
        """`President Reagan` alone joins the only multi-word person whose surname is Reagan."""
        by_surname: dict[str, set[int]] = defaultdict(set)
        alone: list[int] = []  # the one-word names, in order: the only ones that can join
        for index, node in enumerate(self.nodes):
            if len(node.core) >= 2:
                by_surname[node.core[-1]].add(index)
            elif len(node.core) == 1 and not node.is_acronym:
                alone.append(index)
        focus = self.focus
        if focus is not None:  # the names that can gain or lose a bearer of their surname
            surnames = {self.nodes[i].core[-1] for i in focus if len(self.nodes[i].core) >= 2}
        for index in alone:
            node = self.nodes[index]
            if focus is not None and index not in focus and node.core[0] not in surnames:
                continue  # tested before its cluster is found: most names stop here
            if len(self.members[self.find(index)]) > 1:
                continue
            if self.kind(self.find(index)) != PERSON:
                continue
            holders = by_surname.get(node.core[0])
            if not holders:
                continue
            roots = {self.find(i) for i in holders}
            people = {root for root in roots if self.kind(root) == PERSON}
            unclear = [root for root in roots - people if self.kind(root) not in (ORG, PLACE)]
            if len(people) != 1 or unclear:
                continue  # two people, or a name of unknown kind, bear that surname
            root = people.pop()
            full = self.head(root).display
            titles = ", ".join(sorted(node.titles)) or ", ".join(sorted(node.roles))
            said = f" ({titles})" if titles else ""
            reason = f"'{node.display}'{said} used alone; {full} is the only person with that surname"
            self.union(index, root, Evidence(node.display, full, RULE_SURNAME, 1.0, reasons=(reason,)))

    # -- result ----------------------------------------------------------------

    def result(self) -> tuple[list[list[int]], list[int], list[list[Evidence]], list[bool] | None]:
        nodes, members = self.nodes, self.members
        roots = sorted(
            members,
            key=lambda r: nodes[r].key if len(members[r]) == 1 else min(nodes[i].key for i in members[r]),
        )
        clusters = [sorted(members[root]) for root in roots]
        cluster_of = [0] * len(nodes)
        for number, indices in enumerate(clusters):
            for node in indices:
                cluster_of[node] = number
        evidence = [list(self.evidence.get(root, [])) for root in roots]
        fresh = None if self.focus is None else [root in self.fresh for root in roots]
        return clusters, cluster_of, evidence, fresh


__all__ = [
    "Clustering",
    "Previous",
    "article_nodes",
    "cluster",
    "title_heads",
]
