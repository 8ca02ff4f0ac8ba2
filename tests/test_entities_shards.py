"""The stored mentions are shards written copy-on-write: an update rewrites only what it
touched, and a save that dies midway leaves the previous store whole."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from search.entities import EntityIndex, MentionStore
from search.entities import shards as shards_module
from search.entities.shards import MANIFEST, ShardFolder, shard_of
from search.entities.store import StoredNames

from .test_entities_incremental import _mixed_corpus


def _files(folder: Path) -> dict[str, str]:
    """Shard number (or 'state') -> the file that holds it now."""
    manifest = ShardFolder.open(folder).manifest
    assert manifest is not None
    return {**{shard: entry[0] for shard, entry in manifest["files"].items()}, "state": manifest["state"][0]}


@pytest.fixture
def index(tmp_path: Path) -> EntityIndex:
    index = EntityIndex(tmp_path / "index")
    index.rebuild(_mixed_corpus(60, seed=1), generation=1)
    return index


def test_an_update_rewrites_only_the_shards_of_the_articles_it_changed(index: EntityIndex) -> None:
    before = _files(index.mentions_dir)
    articles = {a.id: a for a in _mixed_corpus(60, seed=1)}
    update = index.begin()
    # Text that names nobody new: no word's reading changes, so nothing else is resolved again.
    update.add(replace(articles["mix-007"], text=articles["mix-007"].text + " It rained."))
    update.remove("mix-021")
    table = update.commit(generation=2)
    after = _files(index.mentions_dir)
    rewritten = {shard for shard in before if before[shard] != after.get(shard)}
    assert table.stats["resolved"] == 1  # only the edited article: "It rained." names nobody
    assert rewritten == {str(shard_of("mix-007")), str(shard_of("mix-021")), "state"}
    on_disk = {p.name for p in index.mentions_dir.iterdir()}
    assert on_disk == set(after.values()) | {MANIFEST}  # the replaced files are gone
    store = MentionStore.load(index.mentions_dir)
    assert "mix-021" not in store.rows
    assert store.rows["mix-007"] == update._store.rows["mix-007"]
    assert index.stored_generation() == 2


def test_a_save_that_dies_before_its_manifest_leaves_the_previous_store(
    index: EntityIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = MentionStore.load(index.mentions_dir)
    update = index.begin()
    update.remove("mix-001")
    update.remove("mix-002")

    def dies(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(shards_module, "write_json_atomic", dies)
    with pytest.raises(OSError, match="disk full"):
        update.commit(generation=2)
    monkeypatch.undo()
    again = MentionStore.load(index.mentions_dir)
    assert again.rows == before.rows  # the new shards were written, but no manifest names them
    assert again.resolutions is not None and again.resolutions.kept == before.resolutions.kept  # type: ignore[union-attr]
    assert index.stored_generation() == 1
    stray = {p.name for p in index.mentions_dir.iterdir()} - set(_files(index.mentions_dir).values())
    assert stray - {MANIFEST}  # the dead run's files ...
    index.begin().commit(generation=2)
    stray = {p.name for p in index.mentions_dir.iterdir()} - set(_files(index.mentions_dir).values())
    assert stray == {MANIFEST}  # ... are swept by the next save


def test_a_shard_left_empty_is_dropped_and_a_store_of_another_layout_is_rewritten(tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    shards = ShardFolder.open(folder)
    shards.save({"v": 1}, "state", {3: ["a"], 9: ["b"]}, everything=True)
    shards.save({"v": 1}, "state 2", {3: None})
    state, values = ShardFolder.open(folder).load()
    assert state == "state 2" and values == {9: ["b"]}
    assert ShardFolder.open(folder).intact()
    (folder / MANIFEST).write_text('{"format": "something else"}', encoding="utf-8")
    assert ShardFolder.open(folder).manifest is None
    assert not ShardFolder.open(folder).intact()
    assert MentionStore.load(folder).rows == {}


def test_an_index_of_the_single_file_layout_is_rebuilt_into_shards(index: EntityIndex) -> None:
    old = index.folder / "entity_mentions.pickle"
    old.write_bytes(b"an earlier layout")
    index.generation_path.write_text('{"generation": 1, "mentions": 6, "mentions_bytes": 17}')
    assert index.stored_generation() is None  # so the index run rebuilds the entities
    index.rebuild(_mixed_corpus(60, seed=1), generation=3)
    assert not old.exists()
    assert index.stored_generation() == 3


def _damage_a_shard(index: EntityIndex) -> int:
    """Flip bytes inside one shard file, keeping its size; returns the shard's number."""
    shard = next(p for p in index.mentions_dir.iterdir() if p.name[0].isdigit())
    payload = shard.read_bytes()
    shard.write_bytes(payload[:40] + bytes(b ^ 0xFF for b in payload[40:60]) + payload[60:])
    return int(shard.name.split(".")[0])


def test_a_correction_on_damaged_mentions_keeps_the_table_and_leaves_the_rebuild_to_the_index(
    index: EntityIndex,
) -> None:
    table = index.table()
    _damage_a_shard(index)
    assert index.stored_generation() == 1  # the sizes agree: only reading finds the damage
    # A split resolves every article again: every shard is read, and the damaged one found.
    _correction, after = index.split("Fahim Dashti", "Fahim Dashty")
    assert len(after) == len(table)  # not a table of no articles
    assert index.stored_generation() is None  # the next index run rebuilds it, corrected
    assert index.corrections().split_pairs()


def test_an_update_finds_a_damaged_shard_when_it_reads_it_and_leaves_the_rebuild_to_the_index(
    index: EntityIndex,
) -> None:
    """Shards are read as an update needs them: a merge needs none, and keeps the damaged
    shard as it was; the update that changes an article in it finds the damage."""
    number = _damage_a_shard(index)
    _correction, merged = index.merge("Fahim Dashti", "Ahmad Massoud")
    assert index.stored_generation() == 1 and merged.stats["resolved"] == 0
    articles = {a.id: a for a in _mixed_corpus(60, seed=1)}
    inside = next(article_id for article_id in articles if shard_of(article_id) == number)
    update = index.begin()
    update.add(replace(articles[inside], text=articles[inside].text + " It rained."))
    table = update.commit(generation=2)
    assert len(table) == len(merged)  # the table as it was, not one of no articles
    assert index.stored_generation() is None  # the index run rebuilds it from every article


def test_a_rebuild_over_a_larger_store_keeps_only_its_own_articles(index: EntityIndex) -> None:
    fewer = _mixed_corpus(10, seed=5)
    index.rebuild(fewer, generation=2)
    assert set(MentionStore.load(index.mentions_dir).rows) == {a.id for a in fewer}


def test_changes_after_precompute_are_saved_with_those_before(index: EntityIndex) -> None:
    articles = _mixed_corpus(60, seed=1)
    update = index.begin()
    update.remove(articles[0].id)
    update.add(replace(articles[1], text=articles[1].text + " Fahim Dashty was there."))
    update.precompute()
    update.remove(articles[2].id)
    update.add(replace(articles[3], id="late-1"))
    update.commit(generation=2)
    memory = update._store
    disk = MentionStore.load(index.mentions_dir)
    assert disk.rows == memory.rows
    assert memory.resolutions is not None and disk.resolutions is not None
    assert disk.resolutions.kept == memory.resolutions.kept
    assert {articles[0].id, articles[2].id}.isdisjoint(disk.rows) and "late-1" in disk.rows


def test_a_store_saved_without_a_catalog_is_read_whole_once_then_lazily(index: EntityIndex) -> None:
    """Mentions saved by an earlier version (no catalog in the state) are read whole by the next
    update, which saves a catalog; the one after reads only the shards it needs."""
    import json
    import pickle
    import zlib

    manifest_path = index.mentions_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    state_path = index.mentions_dir / manifest["state"][0]
    state = pickle.loads(state_path.read_bytes())
    del state["catalog"]
    state_path.write_bytes(pickle.dumps(state))
    manifest["state"][1:] = [state_path.stat().st_size, zlib.crc32(state_path.read_bytes())]
    manifest_path.write_text(json.dumps(manifest))
    old = MentionStore.load(index.mentions_dir)
    assert old._catalog is None and len(old._rows) == 60  # every shard read
    articles = {a.id: a for a in _mixed_corpus(60, seed=1)}
    update = index.begin()
    update.add(replace(articles["mix-007"], text=articles["mix-007"].text + " It rained."))
    update.commit(generation=2)
    again = MentionStore.load(index.mentions_dir)
    assert again._catalog is not None and not again._rows  # nothing read until asked for
    assert len(again) == 60 and "mix-007" in again
    assert again.rows == {**old.rows, "mix-007": again.rows["mix-007"]}


def test_a_store_of_the_earlier_layout_is_read_then_saved_again_in_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mentions saved over 256 shards (until the layout of 1,024) are read as they are, by an
    update and by the article pane, and the next update saves them over 1,024: the same
    records, the same table as a fresh build, and no unchanged article extracted again."""
    articles = _mixed_corpus(60, seed=1)
    monkeypatch.setattr(shards_module, "SHARDS", 256)
    old = EntityIndex(tmp_path / "old")
    old.rebuild(articles, generation=1)
    monkeypatch.undo()
    assert ShardFolder.open(old.mentions_dir).count == 256 < shards_module.SHARDS
    assert old.stored_generation() == 1  # still vouched for: the next run updates, not rebuilds
    before = MentionStore.load(old.mentions_dir)
    assert before.rows.keys() == {article.id for article in articles}
    moved = next(a.id for a in articles if shard_of(a.id) != shard_of(a.id, 256))
    assert StoredNames(old.mentions_dir).resolution(moved) is not None

    edited = [replace(a, text=a.text + " It rained.") if a.id == "mix-007" else a for a in articles]
    update = old.begin()
    for article in edited:  # the file that holds them all read again
        update.add(article)
    table = update.commit(generation=2)
    assert update.extracted == 1

    saved = ShardFolder.open(old.mentions_dir)
    assert saved.count == shards_module.SHARDS
    assert set(saved.manifest["files"]) == {str(shard_of(a.id)) for a in articles}
    assert len(list(old.mentions_dir.iterdir())) == len(saved.manifest["files"]) + 2  # + state, manifest
    fresh = EntityIndex(tmp_path / "fresh")
    fresh_table = fresh.rebuild(edited, generation=2)
    assert MentionStore.load(old.mentions_dir).rows == MentionStore.load(fresh.mentions_dir).rows
    assert [e.as_dict() for e in table] == [e.as_dict() for e in fresh_table]
    assert StoredNames(old.mentions_dir).resolution(moved) == StoredNames(fresh.mentions_dir).resolution(
        moved
    )
