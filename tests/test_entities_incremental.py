"""Updating entities resolves again only what a change can affect, and ends where a fresh build would.

The kept statistics and resolved rows (``search.entities.resolutions``) are an
optimisation only: after any sequence of additions, edits and removals, the
table must be the one a fresh derivation of the same records gives, entity for
entity and mention for mention.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.entities import EntityIndex, MentionStore
from search.entities.pipeline import derive
from search.entities.table import EntityTable
from search.models import Article

from .test_entities_seeds import seed_articles

SENTENCE = re.compile(r"[^.!?\n]+[.!?]")


def _content(table: EntityTable, ids: Iterable[str]) -> dict[str, Any]:
    """The table without its timings and counters (which say how it was made, not what it is),
    with where each article's names are and which it left unattached (read back, not saved)."""
    data = table.to_json()
    data.pop("stats")
    data["articles"] = {
        article_id: (
            [(ref.start, ref.end, ref.entity_id) for ref in table.article_mentions(article_id)],
            table.unresolved(article_id),
        )
        for article_id in sorted(ids)
    }
    return data


def _both(table: EntityTable, index: EntityIndex) -> tuple[dict[str, Any], dict[str, Any]]:
    """The table's content and that of a fresh derivation of the stored records."""
    store = MentionStore.load(index.mentions_dir)
    fresh = derive(store.rows.values(), index.corrections())[0]
    return _content(table, store.rows), _content(fresh, store.rows)


def _kept_nodes(index: EntityIndex) -> list[Any]:
    """The name nodes saved with the stored records, as the next update starts from them."""
    store = MentionStore.load(index.mentions_dir)
    resolutions = store.resolutions
    assert resolutions is not None

    def resolution(article_id: str) -> Any:
        store.get(article_id)  # its shard read, as an update reads it
        return resolutions.kept[article_id]

    return [node.counted() for node in resolutions.nodes.ordered(resolution)]


def _fresh_nodes(index: EntityIndex) -> list[Any]:
    """The name nodes a fresh count of the stored records makes."""
    store = MentionStore.load(index.mentions_dir)
    _table, resolutions = derive(store.rows.values(), index.corrections())
    return [node.counted() for node in resolutions.nodes.ordered(resolutions.kept.__getitem__)]


def _mixed_corpus(count: int, seed: int) -> list[Article]:
    """Articles made of the seed articles' sentences, shuffled: the same names, many articles."""
    sentences = [
        s.strip() for article in seed_articles() for s in SENTENCE.findall(article.text) if s.strip()
    ]
    chooser = random.Random(seed)
    return [
        Article(
            id=f"mix-{n:03d}",
            source=f"outlet-{n % 4}",
            date=f"2021-08-{1 + n % 28:02d}",
            title=f"Report {n}",
            text=" ".join(chooser.sample(sentences, 6)),
        )
        for n in range(count)
    ]


@pytest.fixture
def index(tmp_path: Path) -> EntityIndex:
    index = EntityIndex(tmp_path / "index")
    index.rebuild(_mixed_corpus(60, seed=1), generation=1)
    return index


def test_a_small_update_resolves_only_the_changed_articles(index: EntityIndex) -> None:
    articles = {a.id: a for a in _mixed_corpus(60, seed=1)}
    update = index.begin()
    update.remove("mix-003")
    changed = articles["mix-010"]
    update.add(replace(changed, text=changed.text + " Ahmad Massoud met Fahim Dashty in Kabul."))
    table = update.commit(generation=2)
    assert table.stats["resolved"] < 10  # the edited article, and any naming a word whose reading changed
    got, fresh = _both(table, index)
    assert got == fresh


def test_a_word_newly_written_in_lower_case_re_resolves_the_articles_naming_it(tmp_path: Path) -> None:
    def article(n: int, text: str) -> Article:
        return Article(id=f"a{n}", source="s", date="2021-01-01", title="t", text=text)

    index = EntityIndex(tmp_path / "index")
    first = index.rebuild(
        [
            article(1, "The talks ended. Officials said Resistance fighters held the valley."),
            article(2, "Nothing here."),
        ],
        generation=1,
    )
    assert first.find("Resistance") is not None  # never written in lower case: a name
    update = index.begin()
    update.add(article(3, "The resistance was strong and the resistance grew."))
    table = update.commit(generation=2)
    assert table.find("Resistance") is None  # now a common word of this corpus
    assert table.stats["resolved"] >= 2  # the new article and the one whose reading changed
    got, fresh = _both(table, index)
    assert got == fresh


@pytest.mark.parametrize("seed", [2, 3, 4, 5, 6])
def test_any_sequence_of_updates_ends_where_a_fresh_build_does(index: EntityIndex, seed: int) -> None:
    chooser = random.Random(seed)
    pool = _mixed_corpus(90, seed=seed)  # other mixtures of the same sentences, under the same ids
    present = {f"mix-{n:03d}" for n in range(60)}
    generation = 1
    for _round in range(4):
        update = index.begin()
        for _change in range(chooser.randint(1, 6)):
            candidate = chooser.choice(pool)
            if candidate.id in present and chooser.random() < 0.4:
                update.remove(candidate.id)
                present.discard(candidate.id)
            else:
                update.add(candidate)
                present.add(candidate.id)
        generation += 1
        table = update.commit(generation=generation)
        assert table.stats["resolved"] < table.stats["articles"]  # the kept rows were used
        got, fresh = _both(table, index)
        assert got == fresh, f"round {_round}"
        assert any(refs for refs, _unresolved in got["articles"].values())
        assert _kept_nodes(index) == _fresh_nodes(index), f"round {_round}"
    assert set(MentionStore.load(index.mentions_dir).rows) == present


def test_a_merge_reuses_every_resolution_and_a_split_resolves_again(index: EntityIndex) -> None:
    _correction, merged = index.merge("Fahim Dashti", "Ahmad Massoud")
    assert merged.stats["resolved"] == 0  # merges act in clustering only
    got, fresh = _both(merged, index)
    assert got == fresh
    _correction, split = index.split("Ahmad Massoud", "Massoud")
    assert split.stats["resolved"] == split.stats["articles"]  # a split may forbid an attachment
    got, fresh = _both(split, index)
    assert got == fresh


def _without_compared(state: dict[str, Any]) -> None:
    del state["compared"]


def _of_another_version(state: dict[str, Any]) -> None:
    state["version"] = -1


@pytest.mark.parametrize("change", [_of_another_version, _without_compared])
def test_kept_resolutions_of_another_version_or_shape_are_not_used(index: EntityIndex, change: Any) -> None:
    import json
    import pickle
    import zlib

    manifest_path = index.mentions_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    state_path = index.mentions_dir / manifest["state"][0]
    state = pickle.loads(state_path.read_bytes())
    change(state)
    state_path.write_bytes(pickle.dumps(state))
    manifest["state"][1:] = [state_path.stat().st_size, zlib.crc32(state_path.read_bytes())]
    manifest_path.write_text(json.dumps(manifest))
    assert MentionStore.load(index.mentions_dir).resolutions is None
    table = index.recluster()
    assert table.stats["resolved"] == table.stats["articles"]
    assert MentionStore.load(index.mentions_dir).resolutions is not None


def test_names_compared_in_one_run_are_not_compared_again_in_the_next(
    index: EntityIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search.entities import clustering

    store = MentionStore.load(index.mentions_dir)
    assert store.resolutions is not None and store.resolutions.compared  # saved with the store
    calls: list[tuple[Any, Any]] = []
    real = clustering.compare

    def counting(a: Any, b: Any) -> Any:
        if sys._getframe(1).f_code.co_name == "score_pairs":  # not a check of two clusters' heads
            calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(clustering, "compare", counting)
    again, _ = derive(store.rows.values(), index.corrections(), store.resolutions)
    assert calls == []
    update = index.begin()
    update.add(
        Article(id="new-1", source="s", date="2021-08-09", title="t", text="Fahim Dashtee spoke in Kabul.")
    )
    table = update.commit(generation=2)
    assert calls and all("dashtee" in a + b for a, b in calls)  # only the new name is compared
    monkeypatch.undo()
    assert _content(again, store.rows) == _content(derive(store.rows.values())[0], store.rows)
    got, fresh = _both(table, index)
    assert got == fresh


def test_kept_nodes_that_do_not_count_the_kept_resolutions_are_counted_afresh(index: EntityIndex) -> None:
    """A saved state whose nodes lack an article (written by a faulty run, or tampered with) is
    not trusted: the nodes are counted again from the kept resolutions, and updates stay exact."""
    import json
    import pickle
    import zlib

    manifest_path = index.mentions_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    state_path = index.mentions_dir / manifest["state"][0]
    state = pickle.loads(state_path.read_bytes())
    version, unplaced, nodes, *rest = state["nodes"]
    state["nodes"] = (version, unplaced, nodes[1:], *rest)  # one node (and its articles) lost
    state_path.write_bytes(pickle.dumps(state))
    manifest["state"][1:] = [state_path.stat().st_size, zlib.crc32(state_path.read_bytes())]
    manifest_path.write_text(json.dumps(manifest))
    assert _kept_nodes(index) == _fresh_nodes(index)
    update = index.begin()
    update.add(Article(id="new-1", source="s", date="2021-08-09", title="t", text="Fahim Dashty spoke."))
    got, fresh = _both(update.commit(generation=2), index)
    assert got == fresh


@given(st.lists(st.text(alphabet=st.sampled_from("aBcDé'’.-_/ \\sSx0Ö,&"), max_size=24), max_size=5))
def test_an_articles_folded_names_hold_every_token_of_its_mentions(texts: list[str]) -> None:
    """What finds the articles to resolve again after a word's reading changed: each token a
    resolution asks about must be found in it, by the ASCII path as by the folding one."""
    from search.entities.names import name_tokens
    from search.entities.resolutions import _folded_names

    mention = (0, 1, "", None, (), None, None, (), False, 0, 0)
    article = ("a", "s", None, (), tuple((*mention[:2], text, *mention[3:]) for text in texts))
    folded = _folded_names(article)  # type: ignore[arg-type]
    for text in texts:
        for token in name_tokens(text):
            assert token in folded, (token, folded)


def test_an_edited_file_extracts_again_only_its_changed_articles(tmp_path: Path) -> None:
    """A changed file is read again whole; its unchanged articles (same digest as stored, from
    the writer processes of the first build) keep their records, and the table is still the
    one a fresh derivation gives."""
    import json

    from search.explorer import Explorer

    from .test_segments import _corpus

    corpus = _corpus(tmp_path, 1200)  # enough for the writer processes
    folder = tmp_path / "index"
    explorer = Explorer.open(corpus, folder)
    explorer.update()
    explorer.close()
    path = corpus / "generated.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows[10]["text"] += " Fahim Dashty spoke in Kabul."
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    explorer = Explorer.open(corpus, folder)
    summary = explorer.update()
    explorer.close()
    assert summary.updated == 1200
    index = EntityIndex(folder)
    table = index.table()
    assert table.stats["extracted"] == 1
    store = MentionStore.load(index.mentions_dir)
    assert table.find("Fahim Dashty") is not None
    got, fresh = _content(table, store.rows), _content(derive(store.rows.values())[0], store.rows)
    assert got == fresh


def test_the_catalog_an_update_saves_is_the_one_its_records_give(tmp_path: Path) -> None:
    """Shards only resolved again keep the name tokens they were described with; the catalog
    still equals one made afresh from every record (dates, counts, tokens)."""
    from search.entities.catalog import Catalog
    from search.entities.shards import ShardFolder

    def article(n: int, text: str) -> Article:
        return Article(id=f"a{n}", source="s", date="2021-01-01", title="t", text=text)

    index = EntityIndex(tmp_path / "index")
    index.rebuild(
        [
            article(n, "The talks ended. Officials said Resistance fighters held the valley.")
            if n == 0
            else article(n, f"Officials in Kabul met on day {n}.")
            for n in range(30)
        ],
        generation=1,
    )
    update = index.begin()
    update.add(article(99, "The resistance was strong and the resistance grew."))
    update.remove("a3")
    table = update.commit(generation=2)
    assert table.stats["resolved"] >= 2  # the new article, and a0 resolved again unchanged

    saved = Catalog.from_state(ShardFolder.open(index.mentions_dir).load_state()["catalog"])
    store = MentionStore.load(index.mentions_dir)
    assert saved is not None and store.resolutions is not None
    fresh = Catalog.of(store.rows.values(), store.resolutions.kept, {})
    assert saved.tokens == fresh.tokens
    described = {number: (entry.dates, entry.mentions, entry.names) for number, entry in saved.shards.items()}
    assert described == {
        number: (entry.dates, entry.mentions, entry.names) for number, entry in fresh.shards.items()
    }


@pytest.mark.parametrize("seed", [3, 4])
def test_nodes_counted_in_bulk_in_any_order_are_those_counted_one_by_one_in_id_order(seed: int) -> None:
    """``NodeSet.bulk`` (a build's shard-by-shard order): the same nodes, article lists, first
    articles and places as ``add`` one article at a time in id order, and ``remove`` refused inside."""
    from search.entities.nodes import NodeSet

    store = MentionStore()
    for article in _mixed_corpus(80, seed=seed):
        store.add(article)
    _table, resolutions = derive(store.rows.values(), None)
    rows, kept = store.rows, resolutions.kept
    ids = sorted(kept)

    one_by_one = NodeSet()
    for article_id in ids:
        one_by_one.add(rows[article_id], kept[article_id])
    shuffled = ids[:]
    random.Random(seed).shuffle(shuffled)
    in_bulk = NodeSet()
    with in_bulk.bulk():
        for article_id in shuffled:
            in_bulk.add(rows[article_id], kept[article_id])
        with pytest.raises(RuntimeError):
            in_bulk.remove(rows[shuffled[0]], kept[shuffled[0]])
        with pytest.raises(RuntimeError), in_bulk.bulk():
            pass
    assert any(len(node.articles) > 2 for node in one_by_one.nodes.values())
    assert any(node.short_forms for node in one_by_one.nodes.values())
    expected = [node.counted() for node in one_by_one.ordered(kept.__getitem__)]
    assert [node.counted() for node in in_bulk.ordered(kept.__getitem__)] == expected


def test_a_build_counts_in_bulk_and_an_update_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bulk counting pays when every list is built from nothing; an update's few ids are placed in
    lists already sorted (re-sorting the long ones they touch cost more than placing them)."""
    from search.entities.nodes import NodeSet

    entered: list[int] = []
    original = NodeSet.bulk

    def recorded(self: NodeSet):  # type: ignore[no-untyped-def]
        entered.append(len(self.nodes))
        return original(self)

    monkeypatch.setattr(NodeSet, "bulk", recorded)
    index = EntityIndex(tmp_path / "index")
    index.rebuild(_mixed_corpus(40, seed=5), generation=1)
    assert entered == [0]
    update = index.begin()
    changed = _mixed_corpus(40, seed=5)[7]
    update.add(replace(changed, text=changed.text + " Ahmad Massoud met Fahim Dashty in Kabul."))
    update.commit(generation=2)
    assert entered == [0]
