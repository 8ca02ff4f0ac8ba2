"""After a re-index, the event table is updated around the changed articles, not rebuilt."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from search.event_updates import MAX_UPDATES, load_basis
from search.explorer import Explorer

A003 = "003_7705c138f889e53e"
A004 = "004_fa9e966636171c75"


def passages_of(explorer: Explorer, article_id: str) -> list[str]:
    return [
        p.text for e in explorer.events_table().events() for p in e.passages if p.article_id == article_id
    ]


def test_an_edit_and_a_removal_update_the_table_in_place(seed_corpus: Path, index_dir: Path) -> None:
    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.ensure_index()
    before = explorer.events_table()
    explorer.flush()  # saved in the background: on disk from here
    basis = load_basis(index_dir)
    assert basis is not None and basis.updates == 0
    visit = before.find_event("Faiz Hameed Kabul")  # reported by 000, 001, 002: untouched below
    assert visit is not None and not {A003, A004} & set(visit.articles)

    edited = seed_corpus / f"{A003}.txt"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nA Velbrook ferry captain said the river crossing reopened.\n",
        encoding="utf-8",
    )
    (seed_corpus / f"{A004}.txt").unlink()
    explorer.ensure_index()
    after = explorer.events_table()
    explorer.flush()  # saved in the background: on disk from here

    basis = load_basis(index_dir)
    assert basis is not None and basis.updates == 1  # updated, not rebuilt
    assert any("Velbrook ferry" in text for text in passages_of(explorer, A003))
    assert passages_of(explorer, A004) == []
    assert A004 not in after.records
    # an event of untouched articles keeps its id and its passages
    kept = after.event(visit.id)
    assert kept is not None and [p.key for p in kept.passages] == [p.key for p in visit.passages]


def test_many_updates_in_a_row_end_in_a_rebuild(seed_corpus: Path, index_dir: Path) -> None:
    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.ensure_index()
    explorer.events_table()
    edited = seed_corpus / f"{A003}.txt"
    for round_ in range(MAX_UPDATES + 1):
        edited.write_text(
            edited.read_text(encoding="utf-8") + f"\nLine {round_} of a running story.\n", "utf-8"
        )
        explorer.ensure_index()
        explorer.events_table()
    explorer.flush()  # saved in the background: on disk from here
    basis = load_basis(index_dir)
    assert basis is not None and basis.updates == 0


def test_a_table_without_a_basis_is_rebuilt_and_gets_one(seed_corpus: Path, index_dir: Path) -> None:
    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.ensure_index()
    explorer.events_table()
    explorer.flush()
    (index_dir / "events.basis.json").unlink()
    edited = seed_corpus / f"{A003}.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    explorer.ensure_index()
    table = explorer.events_table()
    explorer.flush()  # saved in the background: on disk from here
    assert table.events()
    basis = load_basis(index_dir)
    assert basis is not None and basis.updates == 0


def test_the_table_is_kept_in_memory_for_its_generation_only(seed_corpus: Path, index_dir: Path) -> None:
    from search.derived import EventStore

    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.ensure_index()
    first = explorer.events_table()
    explorer.flush()  # saved in the background: on disk from here
    (index_dir / EventStore.TABLE).unlink()  # a second ask must not read the disk
    assert explorer.events_table() is first

    edited = seed_corpus / f"{A003}.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA new line of the story.\n", "utf-8")
    explorer.ensure_index()
    after = explorer.events_table()
    assert after is not first
    assert any("new line of the story" in text for text in passages_of(explorer, A003))


def test_two_threads_reading_one_stored_chunk_both_find_its_rows(
    seed_corpus: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The explorer shares one table between threads: a reader must not see a chunk half decoded."""
    from search.derived import EventStore
    from search.events import EventTable
    from search.events import store as store_module

    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.ensure_index()
    explorer.events_table()
    explorer.flush()  # saved in the background: on disk from here
    table = EventTable.load(index_dir / EventStore.TABLE)
    assert table is not None
    content = table.store.content
    started, let_go = threading.Event(), threading.Event()
    real = store_module.extract_from_json

    def held_in_first(row: Any) -> Any:  # the first reader stops inside its decoding
        if threading.current_thread().name == "first":
            started.set()
            let_go.wait(10)
        return real(row)

    monkeypatch.setattr(store_module, "extract_from_json", held_in_first)
    found: dict[str, Any] = {}

    def read(name: str) -> None:
        try:
            found[name] = content.extract(0)
        except LookupError as error:
            found[name] = error

    first = threading.Thread(target=read, args=("first",), name="first")
    first.start()
    assert started.wait(10)
    read("second")  # while the first is still decoding the same chunk
    let_go.set()
    first.join(10)
    assert not isinstance(found["second"], LookupError)
    assert not isinstance(found["first"], LookupError)
    assert found["first"].spans == found["second"].spans


def test_an_update_leaves_the_table_it_starts_from_as_it_was(seed_corpus: Path, index_dir: Path) -> None:
    """The explorer updates from the table it holds in memory (the one the views show): a copy."""
    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.ensure_index()
    before = explorer.events_table()
    explorer.flush()  # saved in the background: on disk from here
    store = before.store
    hooked = {word: list(keys) for word, keys in store.hooked.items()}
    events, labels = list(store.e_id), list(store.e_label)
    copied = store.copy()
    for keys in copied.hooked.values():
        keys.append("e:someone-else")  # as an update's _note_hooked does
    edited = seed_corpus / f"{A003}.txt"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nFahim Dashty said the road reopened.\n", "utf-8"
    )
    explorer.ensure_index()
    after = explorer.events_table()
    explorer.flush()  # saved in the background: on disk from here
    assert after is not before and load_basis(index_dir).updates == 1  # type: ignore[union-attr]
    assert store.hooked == hooked and store.e_id == events and store.e_label == labels


def test_saving_after_an_update_compresses_only_the_new_articles(seed_corpus: Path, tmp_path: Path) -> None:
    from search.corpus import list_files, read_articles
    from search.events import EventTable

    seeds = [a for f in list_files(seed_corpus, print) for a in read_articles(f, seed_corpus, print)]
    articles = [
        replace(a, id=f"{a.id}-{n}") for n in range(8) for a in seeds
    ]  # 40: two whole chunks and more
    table = EventTable.build(articles[:-1])
    table.save(tmp_path / "before.json")
    saved = list(table.store.content.feature_chunks)
    updated = table.update([articles[-1]])
    updated.save(tmp_path / "after.json")
    chunks = updated.store.content.feature_chunks
    whole = len(articles[:-1]) // 16  # chunks of 16 articles that the update did not grow
    assert whole == 2 and all(a is b for a, b in zip(saved[:whole], chunks[:whole], strict=True))
    assert len(chunks) == -(-len(articles) // 16)
    assert EventTable.load(tmp_path / "after.json") is not None


def test_a_table_once_made_is_out_of_the_collectors_sight(seed_corpus: Path, index_dir: Path) -> None:
    """Made while the collector was paused, a table would otherwise be walked by the next collections.

    Frozen *before* the collector is back: else the first allocation after the
    pause starts a collection that walks all of it (6.6 s at 100,000 articles,
    holding the GIL, so the TUI froze), and no collection may run in between.
    """
    import gc

    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.ensure_index()
    collections: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    gc.unfreeze()
    gc.callbacks.append(note)
    try:
        table = explorer.events_table()
        assert collections == []
        members = table.store.e_members
        assert gc.get_freeze_count() > 0
        assert gc.is_tracked(members) and not any(found is members for found in gc.get_objects())
    finally:
        gc.callbacks.remove(note)
        gc.unfreeze()


def test_a_damaged_table_file_loads_as_none_and_a_whole_one_as_saved(
    seed_corpus: Path, index_dir: Path, tmp_path: Path
) -> None:
    """The caller rebuilds on None; a cut, an odd first line or a bad header must never raise."""
    from search.events import EventTable

    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.ensure_index()
    table = explorer.events_table()
    path = tmp_path / "events.json"
    table.save(path)
    whole = path.read_bytes()
    loaded = EventTable.load(path)
    assert loaded is not None
    assert [(e.id, e.label, e.articles) for e in loaded.events()] == [
        (e.id, e.label, e.articles) for e in table.events()
    ]
    damaged = path.with_name("damaged.json")
    for cut in (0, 5, 12, 20, len(whole) // 2, len(whole) - 1):
        damaged.write_bytes(whole[:cut])
        assert EventTable.load(damaged) is None, cut
    header_size = int.from_bytes(whole[8:16], "little")
    header = json.loads(whole[16 : 16 + header_size])
    header["sections"][0][2] = 2**62  # a section length no file has
    too_long = json.dumps(header).encode()
    for garbage in (
        b"EVTABLE\n" + (5).to_bytes(8, "little") + b"[1,2]",
        b"NOTATABLE\n" + whole[8:],
        b"EVTABLE\n" + (2**62).to_bytes(8, "little") + whole[16:],  # a header length no file has
        b"EVTABLE\n" + (2**64 - 1).to_bytes(8, "little") + whole[16:],
        b"EVTABLE\n" + len(too_long).to_bytes(8, "little") + too_long + whole[16 + header_size :],
    ):
        damaged.write_bytes(garbage)
        assert EventTable.load(damaged) is None
    assert EventTable.load(tmp_path / "missing.json") is None
