"""A store begun empty (a build from scratch) packs its records until they are resolved, and
ends with the table, shards and catalog that holding every record in memory gives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from search.entities import EntityIndex, MentionStore
from search.entities.catalog import Catalog
from search.entities.pipeline import derive
from search.entities.shards import ShardFolder
from search.entities.store import EntityUpdate, article_digest, extract_row

from .test_entities_incremental import _content, _mixed_corpus


def _saved(folder: Path) -> tuple[Any, dict[str, Any], dict[str, Any], Any]:
    """What a save holds: the records, the kept resolutions, the statistics and the catalog."""
    store = MentionStore.load(folder)
    rows = dict(store.rows)
    assert store.resolutions is not None
    state = ShardFolder.open(folder).load_state()
    _version, shards, tokens = state["catalog"]
    entries = {shard: plain[:3] for shard, plain in shards.items()}  # the digests apart
    return rows, dict(store.resolutions.kept), state["stats"], (entries, tokens)


def test_a_build_from_scratch_saves_what_records_held_in_memory_give(tmp_path: Path) -> None:
    articles = _mixed_corpus(120, seed=3)
    packed = EntityIndex(tmp_path / "packed")
    table = packed.rebuild(articles, generation=1)
    # The same records given to a store that holds them as objects from the start.
    rows = {article.id: extract_row(article) for article in articles}
    held = EntityIndex(tmp_path / "held")
    EntityUpdate(held, MentionStore(dict(rows))).commit(generation=1)
    assert _saved(packed.mentions_dir) == _saved(held.mentions_dir)
    fresh = derive(rows.values())[0]
    assert _content(table, rows) == _content(fresh, rows)
    assert _content(packed.table(), rows) == _content(fresh, rows)
    loaded = MentionStore.load(packed.mentions_dir)
    assert loaded.resolutions is not None
    digests = {article.id: article_digest(article) for article in articles}
    catalog = Catalog.of(loaded.rows.values(), loaded.resolutions.kept, digests)
    assert ShardFolder.open(packed.mentions_dir).load_state()["catalog"] == catalog.state()
    assert all(loaded.unchanged(article.id, digests[article.id]) for article in articles)


def test_resolved_shards_are_packed_and_let_go(tmp_path: Path) -> None:
    """After resolving, a store begun empty holds no record or resolution as objects."""
    store = MentionStore()
    for article in _mixed_corpus(80, seed=4):
        store.add(article)
    table, store.resolutions = derive(store)  # as ``EntityUpdate`` keeps them
    resolutions = store.resolutions
    assert not store._rows and not resolutions.kept
    assert len(store) == 80 and store._packed
    # An article's names are still there to read (its shard unpacked on demand).
    assert table.article_mentions("mix-005")
    assert "mix-005" in store._rows


def test_a_store_begun_empty_asked_for_more_holds_its_records_as_objects(tmp_path: Path) -> None:
    """A record given twice, a removal, or a record asked for: the packed records are unpacked,
    and the result is still the one of records held in memory."""
    articles = _mixed_corpus(60, seed=5)
    store = MentionStore()
    for article in articles:
        store.add(article)
    store.add(replace(articles[3], text=articles[3].text + " Fahim Dashty was there."))
    store.remove(articles[7].id)
    assert store.get(articles[9].id) is not None
    expected = {a.id: extract_row(a) for a in articles if a.id != articles[7].id}
    expected[articles[3].id] = extract_row(
        replace(articles[3], text=articles[3].text + " Fahim Dashty was there.")
    )
    assert store.rows == expected
    table = derive(store)[0]
    assert _content(table, expected) == _content(derive(expected.values())[0], expected)


def test_changes_after_a_packed_derivation_are_saved_with_it(tmp_path: Path) -> None:
    """``precompute`` then more changes: the packed shards they touch are read back first."""
    articles = _mixed_corpus(60, seed=6)
    index = EntityIndex(tmp_path / "index")
    update = EntityUpdate(index, MentionStore())
    for article in articles:
        update.add(article)
    update.precompute()
    update.remove(articles[0].id)
    update.add(replace(articles[1], text=articles[1].text + " Ahmad Massoud spoke."))
    table = update.commit(generation=1)
    store = MentionStore.load(index.mentions_dir)
    expected = {a.id: extract_row(a) for a in articles[1:]}
    expected[articles[1].id] = extract_row(
        replace(articles[1], text=articles[1].text + " Ahmad Massoud spoke.")
    )
    assert store.rows == expected
    fresh = derive(expected.values())[0]
    assert _content(table, expected) == _content(fresh, expected)
