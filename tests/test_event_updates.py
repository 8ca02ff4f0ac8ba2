"""After a re-index, the event table is updated around the changed articles, not rebuilt."""

from __future__ import annotations

import threading
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
    basis = load_basis(index_dir)
    assert basis is not None and basis.updates == 0


def test_a_table_without_a_basis_is_rebuilt_and_gets_one(seed_corpus: Path, index_dir: Path) -> None:
    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.ensure_index()
    explorer.events_table()
    (index_dir / "events.basis.json").unlink()
    edited = seed_corpus / f"{A003}.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    explorer.ensure_index()
    table = explorer.events_table()
    assert table.events()
    basis = load_basis(index_dir)
    assert basis is not None and basis.updates == 0


def test_the_table_is_kept_in_memory_for_its_generation_only(seed_corpus: Path, index_dir: Path) -> None:
    from search.derived import EventStore

    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.ensure_index()
    first = explorer.events_table()
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
