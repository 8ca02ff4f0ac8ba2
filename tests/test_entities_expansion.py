"""Search expansion through entities must stay within one name's spellings."""

from __future__ import annotations

from search.entities.model import Entity
from search.entities.table import EntityTable


def make(name: str, spellings: dict[str, int]) -> EntityTable:
    entity = Entity(
        id=name.lower().replace(" ", "-"),
        name=name,
        kind="person",
        spellings=spellings,
        sources={},
        articles=("a",),
        evidence=(),
        roles={},
        kind_cues="",
    )
    return EntityTable([entity], [[name.lower()]], {})


def test_a_bare_first_name_is_not_offered_for_a_surname() -> None:
    table = make("Paul Volcker", {"Volcker": 201, "Paul Volcker": 121, "Paul": 1})
    assert all("Paul" not in e.alternatives for e in table.expand("Volcker"))


def test_aligned_multiword_spellings_still_expand() -> None:
    table = make("Abdul Wadood Zhor", {"Abdul Wadood Zhor": 2, "Abdul Wudod Zara": 1})
    (expansion,) = table.expand("Zara")
    assert expansion.alternatives == ("Zhor",)
    table = make("Fahim Dashti", {"Fahim Dashti": 4, "Dashty": 1, "Dashti": 1})
    assert "Dashty" in table.expand("Dashti")[0].alternatives


def test_a_two_word_query_reports_the_spellings_added_for_each_word() -> None:
    from search.index import build_schema
    from search.query import make_parser, prepare

    table = make("Abdul Wadood Zhor", {"Abdul Wadood Zhor": 2, "Abdul Wudod Zara": 1})
    prepared = prepare(
        "Wudod Zara",
        make_parser(build_schema()),
        None,
        None,
        entities=table,  # type: ignore[arg-type]
    )
    [report] = [e for e in prepared.expansions if e.reason == "entity"]
    assert report.variants == ("Wadood", "Zhor")
    assert report.describe() == "entity Abdul Wadood Zhor: also Wadood, Zhor"


def test_the_look_up_file_is_made_by_the_index_run_not_by_a_search(seed_corpus, index_dir) -> None:  # type: ignore[no-untyped-def]
    """The first search after re-indexing is a keystroke in the explorer: it must not load the
    expansion table and write SQLite; the index run (and a correction) does it."""
    from search.entities.lookup import LOOKUP_FILE
    from search.explorer import Explorer

    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.update()
    lookup = index_dir / LOOKUP_FILE
    assert lookup.exists()
    made = lookup.stat().st_mtime_ns
    assert {h.id for h in explorer.search("Zara").hits} >= {"000_c214ca5b6237bbef", "004_fa9e966636171c75"}
    assert lookup.stat().st_mtime_ns == made  # the search only read it
    explorer.correct_entities("split", "Abdul Wadood Zhor", "Abdul Wudod Zara")
    assert lookup.stat().st_mtime_ns != made  # remade for the corrected table, before any search
    assert "004_fa9e966636171c75" not in {h.id for h in explorer.search("Zara").hits}
    explorer.close()


def test_a_legal_suffix_or_particle_alone_names_no_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`Co` is in every `X Co`, and aligns with another spelling's `Corp`: searched alone it
    would bring every company's suffixes. A name around it still expands."""
    from search.entities import EntityIndex
    from search.entity_words import EntityWords

    table = make("Acme Co", {"Acme Co": 3, "Acme Corp": 2, "al-Acme": 1})
    assert any("Corp" in e.alternatives for e in table.expand("Co"))  # what the table alone says
    index = EntityIndex(tmp_path)
    table.save(index.expansions_path)
    words = EntityWords(tmp_path, lambda: index)
    assert words.expand("Co") == []
    assert words.expand("Inc") == []
    assert words.expand("al") == []
    assert any("Acme Corp" in e.alternatives for e in words.expand("Acme Co"))
    words.close()


def test_kept_answers_follow_the_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Expansions are kept per phrase (the explorer asks again at every key), until the table changes."""
    import os

    from search.entities import EntityIndex
    from search.entity_words import EntityWords

    index = EntityIndex(tmp_path)
    make("Fahim Dashti", {"Fahim Dashti": 3, "Fahim Dashty": 2}).save(index.expansions_path)
    words = EntityWords(tmp_path, lambda: index)
    assert [e.alternatives for e in words.expand("Dashti")] == [("Dashty",)]
    make("Fahim Dashti", {"Fahim Dashti": 3, "Fahim Dashtee": 2, "Fahim Dashty": 1}).save(
        index.expansions_path
    )
    stat = index.expansions_path.stat()
    os.utime(index.expansions_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert [e.alternatives for e in words.expand("Dashti")] == [("Dashtee", "Dashty")]
    words.close()
