"""Entity files in the index folder: save/load, incremental updates, corrections that persist."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from search.entities import Corrections, EntityIndex, EntityTable, MentionStore, build_entities, extract
from search.entities.store import CORRECTIONS_FILE, MENTIONS_DIR, TABLE_FILE, MentionsDamaged, StoredNames

from .test_entities_seeds import seed_articles


@pytest.fixture
def built(tmp_path: Path) -> EntityIndex:
    index = EntityIndex(tmp_path / "index")
    index.rebuild(seed_articles(), generation=7)
    return index


def test_table_and_mentions_round_trip(built: EntityIndex) -> None:
    table = built.table()
    again = EntityTable.load(built.table_path)
    assert [e.as_dict() for e in again] == [e.as_dict() for e in table]
    assert again.find("Zara").name == "Abdul Wadood Zhor"  # type: ignore[union-attr]
    store = MentionStore.load(built.mentions_dir)
    assert store.generation == 7 == built.stored_generation()
    for article in seed_articles():
        assert store.record(article.id).mentions == extract(article).mentions  # type: ignore[union-attr]
    names = {p.name for p in built.folder.iterdir()}
    assert {TABLE_FILE, MENTIONS_DIR} <= names
    assert not [n for n in names if n.endswith(".tmp")]


def test_damaged_files_are_reported_or_rebuilt(built: EntityIndex) -> None:
    built.table_path.write_text("{not json", encoding="utf-8")
    with pytest.raises(Exception, match="cannot be read"):
        EntityTable.load(built.table_path)
    shard = next(p for p in built.mentions_dir.iterdir() if p.name[0].isdigit())
    shard.write_bytes(b"\x1f\x8b garbage")
    store = MentionStore.load(built.mentions_dir)  # reads the state only
    with pytest.raises(MentionsDamaged):
        store.rows  # noqa: B018  # reads every shard
    assert built.stored_generation() is None  # so the next index run rebuilds them
    state = next(p for p in built.mentions_dir.iterdir() if p.name.startswith("state."))
    state.write_bytes(b"garbage")
    with pytest.raises(MentionsDamaged):
        MentionStore.load(built.mentions_dir)


def test_incremental_update_reextracts_only_changed_articles(built: EntityIndex) -> None:
    articles = seed_articles()
    update = built.begin()
    changed = replace(articles[2], text=articles[2].text.replace("Abdul Wudod Zara", "Abdul Wudod Zarah"))
    update.remove(changed.id)
    update.add(changed)
    update.remove(articles[4].id)
    table = update.commit(generation=8)
    assert update.extracted == 1
    assert table.stats["extracted"] == 1
    general = table.find("Abdul Wadood Zhor")
    assert general is not None
    assert "Abdul Wudod Zarah" in general.spellings
    assert articles[4].id not in general.articles
    assert built.table().find("Zarah") == general
    assert set(MentionStore.load(built.mentions_dir).rows) == {a.id for a in articles} - {articles[4].id}


def test_user_split_and_merge_survive_save_load_and_reclustering(built: EntityIndex) -> None:
    correction, table = built.split("Abdul Wudod Zara", "Abdul Wadood Zhor")
    assert correction.op == "split"
    zara, zhor = table.find("Abdul Wudod Zara"), table.find("Abdul Wadood Zhor")
    assert zara is not None and zhor is not None and zara.id != zhor.id
    # re-indexing the unchanged corpus keeps the user's decision
    rebuilt = built.rebuild(seed_articles())
    assert rebuilt.find("Abdul Wudod Zara").id != rebuilt.find("Abdul Wadood Zhor").id  # type: ignore[union-attr]
    saved = json.loads((built.folder / CORRECTIONS_FILE).read_text(encoding="utf-8"))
    assert saved["corrections"][0]["op"] == "split"
    # a later merge of the same pair replaces the split
    _correction, merged = built.merge("Zara", "Abdul Wadood Zhor")
    entity = merged.find("Abdul Wudod Zara")
    assert entity is not None and entity == merged.find("Abdul Wadood Zhor")
    assert len(Corrections.load(built.corrections_path).items) == 1


def test_user_merge_wins_over_the_algorithm(built: EntityIndex) -> None:
    table = built.table()
    assert table.find("Anas Haqqani").id != table.find("Sirajuddin Haqqani").id  # type: ignore[union-attr]
    _correction, table = built.merge("Anas Haqqani", "Sirajuddin Haqqani")
    anas = table.find("Anas Haqqani")
    assert anas is not None and anas == table.find("Sirajuddin Haqqani")
    assert any(item.rule == "user" for item in anas.evidence)
    reloaded = EntityTable.load(built.table_path)
    assert reloaded.find("Anas Haqqani") == reloaded.find("Sirajuddin Haqqani")


def test_split_of_an_attached_surname_detaches_it(built: EntityIndex) -> None:
    assert built.table().find("Faiz Hameed").spellings["Hameed"] == 2  # type: ignore[union-attr]
    _correction, table = built.split("Hameed", "Faiz Hameed")
    hameed = table.find("Faiz Hameed")
    assert hameed is not None and "Hameed" not in hameed.spellings


def test_corrections_reject_nonsense(tmp_path: Path) -> None:
    corrections = Corrections()
    with pytest.raises(ValueError):
        corrections.record("merge", "Kabul", "kabul")
    with pytest.raises(ValueError):
        corrections.record("rename", "A b", "C d")
    (tmp_path / "bad.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(Exception, match="not a corrections file"):
        Corrections.load(tmp_path / "bad.json")
    assert Corrections.load(tmp_path / "missing.json").items == []


def test_the_table_written_in_pieces_is_exactly_its_json(built: EntityIndex) -> None:
    """``save`` streams the table to spare memory, one entity a line; the file is still its JSON."""
    from search.atomic import compact_json

    table = built.table()
    text = built.table_path.read_text(encoding="utf-8")
    assert json.loads(text) == table.to_json()
    assert text.replace("\n", "") == compact_json(table.to_json())
    assert text.count("\n") == len(table.entities) + 1


@pytest.mark.parametrize("per_parse", [1, 200, 700, 1 << 20])
def test_the_table_is_read_back_a_slice_of_entities_at_a_time(
    built: EntityIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_parse: int
) -> None:
    """Runs of entity lines of about ``per_parse`` bytes are parsed on their own (no parse holds the GIL long)."""
    from search import turns

    monkeypatch.setattr(turns, "BYTES", per_parse)
    table = built.table()
    assert len(table.entities) > 3
    assert EntityTable.load(built.table_path).to_json() == table.to_json()
    trailing = tmp_path / "trailing.json"  # JSON may end in whitespace
    trailing.write_text(built.table_path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    assert EntityTable.load(trailing).to_json() == table.to_json()
    one_line = tmp_path / "one-line.json"  # as tables were saved before: read whole
    one_line.write_text(built.table_path.read_text(encoding="utf-8").replace("\n", ""), encoding="utf-8")
    assert EntityTable.load(one_line).to_json() == table.to_json()


def test_the_expansions_kept_after_a_run_are_those_saved(
    built: EntityIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The expansion table is kept in memory after a run (the entity look-up is rebuilt from
    it at once): it is not read back from its file, and is what a reader of that file gets."""
    saved = EntityTable.load(built.expansions_path)

    def no_reading(_path: Path) -> EntityTable:
        raise AssertionError("the expansion table was read back from its file")

    monkeypatch.setattr(EntityTable, "load", staticmethod(no_reading))
    kept = built.expansions()
    assert [e.as_dict() for e in kept] == [e.as_dict() for e in saved]
    assert kept.keys == saved.keys
    assert kept.find("Zara") is not None and kept.find("Zara") == saved.find("Zara")


def _marks(table: EntityTable, article_id: str) -> list[tuple[int, int, str]]:
    return [(ref.start, ref.end, ref.entity_id) for ref in table.article_mentions(article_id)]


def test_an_articles_names_are_read_back_from_the_stored_records(built: EntityIndex) -> None:
    """The saved table holds no spans: a loaded table reads them from the article's shard, and
    finds what the table derived in memory gives, each span a spelling of its entity."""
    articles = seed_articles()
    in_memory = build_entities(extract(article) for article in articles)
    loaded = EntityTable.load(built.table_path, StoredNames(built.mentions_dir))
    assert "mentions" not in json.loads(built.table_path.read_text(encoding="utf-8"))
    for article in articles:
        marks = _marks(loaded, article.id)
        assert marks and marks == _marks(in_memory, article.id)
        for start, end, entity_id in marks:
            entity = loaded.get(entity_id)
            assert entity is not None and article.text[start:end] in entity.spellings
        assert loaded.unresolved(article.id) == in_memory.unresolved(article.id)
    assert _marks(loaded, "no-such-article") == []


def test_a_reader_sees_the_records_of_a_later_save(built: EntityIndex) -> None:
    article = seed_articles()[0]
    reader = built.table()
    before = _marks(reader, article.id)
    update = built.begin()
    update.add(replace(article, text="Fahim Dashty spoke. " + article.text))
    update.commit(generation=8)
    after = _marks(reader, article.id)  # the same table object: only the shard was read again
    assert after[0][:2] == (0, len("Fahim Dashty")) and after[1:] == [
        (start + 20, end + 20, entity_id) for start, end, entity_id in before
    ]


def test_records_of_another_resolution_version_are_not_read(built: EntityIndex) -> None:
    manifest_path = built.mentions_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["meta"]["resolve"] = -1
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert built.table().article_mentions(seed_articles()[0].id) == []


def test_a_shard_replaced_while_read_is_read_again(
    built: EntityIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader holds no lock: the save that finishes between its manifest read and its shard
    read deletes the shard it was about to read. It reads the new manifest and tries again."""
    from search.entities import shards as shards_module

    article = seed_articles()[1]
    expected = _marks(built.table(), article.id)
    real = shards_module.ShardFolder.load_shard
    calls = []

    def vanished_once(self, shard):  # type: ignore[no-untyped-def]
        calls.append(shard)
        if len(calls) == 1:
            raise shards_module.ShardsDamaged("the file was deleted by a save")
        return real(self, shard)

    monkeypatch.setattr(shards_module.ShardFolder, "load_shard", vanished_once)
    assert _marks(EntityTable.load(built.table_path, StoredNames(built.mentions_dir)), article.id) == expected
    assert len(calls) == 2


def test_the_expansion_file_holds_only_the_names_of_multi_spelling_entities(built: EntityIndex) -> None:
    table, expansions = built.table(), EntityTable.load(built.expansions_path)
    several = [entity for entity in table if len(entity.spellings) > 1]
    assert [e.id for e in expansions] == [e.id for e in several] and several
    for slim, full in zip(expansions, several, strict=True):
        assert (slim.name, slim.kind, slim.spellings) == (full.name, full.kind, full.spellings)
        assert slim.articles == () and slim.sources == {} and slim.evidence == ()
    assert expansions.expand("Zara") == table.expand("Zara") != []
