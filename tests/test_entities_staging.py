"""The entity files of an index run are written while the writer processes finish, and made
current only after the index commit: until then readers, and a run that failed, see the
previous ones."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from search import index as index_module
from search.entities import EntityIndex, MentionStore
from search.entities.shards import MANIFEST, ShardFolder
from search.entity_words import EntityWords
from search.explorer import Explorer

from .test_entities_incremental import _mixed_corpus
from .test_segments import WORDS, _corpus


def _staged(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.staged"))


def _strays(index: EntityIndex) -> set[str]:
    """Files in the mentions folder that its manifest does not name."""
    manifest = ShardFolder.open(index.mentions_dir).manifest
    assert manifest is not None
    named = {entry[0] for entry in manifest["files"].values()} | {manifest["state"][0], MANIFEST}
    return {p.name for p in index.mentions_dir.iterdir()} - named


@pytest.fixture
def index(tmp_path: Path) -> EntityIndex:
    index = EntityIndex(tmp_path / "index")
    index.rebuild(_mixed_corpus(60, seed=1), generation=1)
    return index


def test_a_staged_update_changes_nothing_current_until_its_commit(index: EntityIndex) -> None:
    articles = _mixed_corpus(60, seed=1)
    before_rows = MentionStore.load(index.mentions_dir).rows
    before_table = index.table_path.read_bytes()
    update = index.begin()
    update.remove(articles[0].id)
    update.add(replace(articles[1], text=articles[1].text + " Fahim Dashty was there."))
    update.precompute(generation=2)
    assert _staged(index.folder) == [
        ".entities.json.staged",
        ".entity_expansions.json.staged",
        ".entity_words.sqlite.staged",
    ]
    lookup_before = index.lookup_path.read_bytes()
    assert index.stored_generation() == 1
    assert index.table_path.read_bytes() == before_table
    assert MentionStore.load(index.mentions_dir).rows == before_rows
    with pytest.raises(RuntimeError, match="no more changes"):
        update.remove(articles[2].id)
    table = update.commit(generation=2)
    assert _staged(index.folder) == [] and _strays(index) == set()
    assert index.stored_generation() == 2
    rows = MentionStore.load(index.mentions_dir).rows
    assert articles[0].id not in rows and rows[articles[1].id] != before_rows[articles[1].id]
    assert index.table().to_json() == table.to_json()
    assert [index.table().article_mentions(i) for i in rows] == [table.article_mentions(i) for i in rows]
    assert table.article_mentions(articles[1].id)
    # the search side's look-up file came with them, tagged for the expansions now in place
    assert index.lookup_path.read_bytes() != lookup_before
    words = EntityWords(index.folder, lambda: index)
    made = index.lookup_path.stat().st_mtime_ns
    assert words.expand("Fahim Dashty") and index.lookup_path.stat().st_mtime_ns == made
    words.close()


def test_a_discarded_update_leaves_the_previous_files_and_nothing_else(index: EntityIndex) -> None:
    before = {p.relative_to(index.folder): p.read_bytes() for p in index.folder.rglob("*") if p.is_file()}
    update = index.begin()
    update.remove(_mixed_corpus(60, seed=1)[0].id)
    update.precompute(generation=2)
    update.discard()
    after = {p.relative_to(index.folder): p.read_bytes() for p in index.folder.rglob("*") if p.is_file()}
    assert after == before
    assert index.stored_generation() == 1


def test_a_commit_of_another_generation_than_staged_leaves_the_table_to_be_rebuilt(
    index: EntityIndex,
) -> None:
    update = index.begin()
    update.remove(_mixed_corpus(60, seed=1)[0].id)
    update.precompute(generation=2)
    update.commit(generation=3)
    assert index.stored_generation() is None  # the index run rebuilds it from the index
    assert _staged(index.folder) == [] and _strays(index) == set()


def _more(corpus: Path, articles: int) -> None:
    rng = random.Random(11)
    rows = [
        {"id": f"more{n}", "text": " ".join(rng.choice(WORDS) for _ in range(40)) + " Zebulon Quist spoke."}
        for n in range(articles)
    ]
    (corpus / "more.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_an_index_run_that_fails_at_its_commit_keeps_the_previous_entities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path, 300)
    monkeypatch.setattr(index_module, "PARALLEL_ARTICLES", 100)  # the writer processes' path
    folder = tmp_path / "index"
    explorer = Explorer.open(corpus, folder)
    explorer.update()
    entities = EntityIndex(folder)
    generation = entities.stored_generation()
    assert generation is not None and _staged(folder) == []
    table = entities.table_path.read_bytes()
    _more(corpus, 300)  # half the index: written by the writer processes again

    def disk_full(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(index_module, "_commit_segments", disk_full)
    with pytest.raises(OSError, match="disk full"):
        explorer.update()
    assert _staged(folder) == [] and _strays(entities) == set()
    assert entities.stored_generation() == generation
    assert entities.table_path.read_bytes() == table
    assert not explorer.search("Zebulon").hits
    monkeypatch.undo()
    monkeypatch.setattr(index_module, "PARALLEL_ARTICLES", 100)
    assert explorer.update().added == 300
    assert entities.stored_generation() == explorer.store.load_manifest().generation
    assert _staged(folder) == [] and _strays(entities) == set()
    assert any("Quist" in e.name for e in entities.table().entities)
