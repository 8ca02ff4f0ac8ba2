"""Entities wired into the index, search and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.entities.store import MENTIONS_DIR, TABLE_FILE
from search.explorer import Explorer


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_search_finds_every_spelling_of_an_entity(run_cli) -> None:
    result = run_cli("search", "Zara", "--format", "jsonl")
    assert result.code == 0, result.err
    hits = jsonl(result.out)
    assert {h["id"] for h in hits} == {"000_c214ca5b6237bbef", "002_026596cb75424136", "004_fa9e966636171c75"}
    reasons = {e["reason"] for e in hits[0]["expansions"]}
    assert "entity" in reasons
    [entity] = [e for e in hits[0]["expansions"] if e["reason"] == "entity"]
    assert (
        entity["entity"] == "Abdul Wadood Zhor" and "Zhor" in entity["variants"]
    )  # which entity, as text says
    assert any("zhor" in h["matched"] for h in hits)
    exact = jsonl(run_cli("search", "Zara", "--exact", "--format", "jsonl").out)
    assert {h["id"] for h in exact} == {"002_026596cb75424136"}


def test_entity_page_lists_spellings_with_sources(run_cli) -> None:
    page = run_cli("entity", "Dashty")
    assert page.code == 0
    assert "Fahim Dashti (4)" in page.out and "Fahim Dashty (4)" in page.out
    assert "same first name Fahim" in page.out
    data = json.loads(run_cli("entity", "Dashty", "--format", "json").out)
    assert set(data["spellings"]) >= {"Fahim Dashti", "Fahim Dashty"}
    assert data["sources"]["002_026596cb75424136"] == {"Fahim Dashty": 1}
    assert run_cli("entity", "Nobody Anywhere").code == 1


def test_entities_list_and_formats(run_cli) -> None:
    people = jsonl(run_cli("entities", "--kind", "person", "--min-articles", "2", "--format", "jsonl").out)
    assert people and all(p["kind"] == "person" and len(p["articles"]) >= 2 for p in people)
    assert {"id", "name", "kind", "spellings", "sources", "articles"} <= set(people[0])
    counts = [len(p["articles"]) for p in people]
    assert counts == sorted(counts, reverse=True)
    tsv = run_cli("entities", "--format", "tsv").out.splitlines()
    assert tsv[0].split("\t") == ["id", "name", "kind", "articles", "spellings", "sources"]


def test_corrections_survive_reindexing(seed_corpus: Path, index_dir: Path, run_cli) -> None:
    env = {"EXPLORER_CORPUS": str(seed_corpus), "EXPLORER_INDEX": str(index_dir)}
    split = run_cli("entities", "split", "Fahim Dashti", "Fahim Dashty", env=env)
    assert split.code == 0, split.err
    before = json.loads(run_cli("entity", "Fahim Dashty", "--format", "json", env=env).out)
    assert "Fahim Dashti" not in before["spellings"]
    target = seed_corpus / "001_7b8ec1a6c7eefc3e.txt"
    target.write_text(target.read_text() + "\nFahim Dashty was mentioned again.\n")
    assert run_cli("index", env=env).code == 0
    after = json.loads(run_cli("entity", "Fahim Dashty", "--format", "json", env=env).out)
    assert "Fahim Dashti" not in after["spellings"]
    merged = run_cli("entities", "merge", "Fahim Dashti", "Fahim Dashty", env=env)
    assert merged.code == 0
    together = json.loads(run_cli("entity", "Fahim Dashty", "--format", "json", env=env).out)
    assert {"Fahim Dashti", "Fahim Dashty"} <= set(together["spellings"])
    assert run_cli("entities", "merge", "only-one", env=env).code == 2


def test_a_lost_entity_table_is_rebuilt_to_match_the_index(seed_corpus: Path, index_dir: Path) -> None:
    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.update()
    (index_dir / TABLE_FILE).unlink()  # as if the run died between the index commit and the table's
    assert explorer.update().changed is False
    assert explorer.entity("Dashty") is not None
    assert explorer.entities().stats.get("generation") == explorer.store.generation()


@pytest.mark.parametrize("damage", ["torn", "same size"])
def test_damaged_stored_mentions_are_rebuilt_before_an_update_uses_them(
    seed_corpus: Path, index_dir: Path, damage: str
) -> None:
    """An update counts only the changed articles into the stored mentions: with those lost,
    the table would describe the changed articles alone."""
    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.update()
    before = {entity.id for entity in explorer.entities()}
    shard = next(p for p in (index_dir / MENTIONS_DIR).iterdir() if p.name[0].isdigit())
    payload = shard.read_bytes()
    if damage == "torn":
        shard.write_bytes(payload[:100])  # found before the run: the file's size differs
    else:  # found only when read: the checksum differs
        shard.write_bytes(payload[:40] + bytes(b ^ 0xFF for b in payload[40:60]) + payload[60:])
    (seed_corpus / "extra.txt").write_text("nothing much happened here today.\n", encoding="utf-8")
    explorer.update()
    after = {entity.id for entity in explorer.entities()}
    assert before == after
    assert explorer.entities().stats.get("generation") == explorer.store.generation()  # rebuilt in this run


def test_variants_groups_a_name_list(run_cli) -> None:
    result = run_cli(
        "variants", stdin="Fahim Dashti\nFahim Dashty\nKabul\nAhmad Massoud\nAhmad Shah Massoud\n"
    )
    assert result.code == 0
    groups = jsonl(result.out)
    assert groups == [{"names": ["Fahim Dashti", "Fahim Dashty"], "canonical": "Fahim Dashti"}]


def test_an_ambiguous_name_says_what_else_it_matches(run_cli) -> None:
    page = run_cli("entity", "Massoud")
    assert page.code == 0
    assert "also matches: Ahmad Shah Massoud (ahmad-shah-massoud)" in page.out


def test_corrections_of_unknown_names_are_refused(seed_corpus: Path, index_dir: Path, run_cli) -> None:
    env = {"EXPLORER_CORPUS": str(seed_corpus), "EXPLORER_INDEX": str(index_dir)}
    refused = run_cli("entities", "merge", "Nobody Here", "Kabul", env=env)
    assert refused.code == 2 and "'Nobody Here' names no entity" in refused.err
    assert len(refused.err.strip().splitlines()) == 1
    assert run_cli("entities", "split", "Kabul", "Herat", env=env).code == 2
    assert not (index_dir / "entity_corrections.json").exists()
    apart = run_cli("entities", "split", "Kabul", "Faiz Hameed", env=env)
    assert apart.code == 0 and "changes nothing" in apart.out
    merged = run_cli("entities", "merge", "Kabul", "Faiz Hameed", env=env)
    assert merged.code == 0 and "changes nothing" not in merged.out
    page = run_cli("entity", "Kabul", env=env).out
    assert "(user): merged by a user" in page and "name score 1.00" not in page


def test_an_update_leaves_its_entity_state_to_reference_counting(seed_corpus: Path, index_dir: Path) -> None:
    """Every stored mention is freed when the run ends, not left in a reference cycle for the
    cyclic collector (4 s of collecting at 100,000 articles; see ``IndexStore._write``)."""
    import gc

    from search.entities import EntityUpdate, MentionStore

    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.update()
    (seed_corpus / "extra.txt").write_text("Fahim Dashti spoke in Kabul today.\n", encoding="utf-8")
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert explorer.update().added == 1
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, (EntityUpdate, MentionStore))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []
