"""An update clusters only the names it touches, keeps every other entity as it was, and
clusters every name again often enough (``search.entities.partition``).

The corpus here has hundreds of distinct people and places, so that an update of a few
articles touches a small share of the names (a corpus of a few names clusters them all
again on every update, as ``MAX_SHARE`` says)."""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from search.entities import EntityIndex, MentionStore, lookup, partition
from search.entities import resolutions as resolutions_module
from search.entities.model import Entity
from search.entities.pipeline import derive
from search.entities.table import EntityTable
from search.models import Article

SYLLABLES = ["ka", "ro", "mi", "ta", "shu", "ne", "lo", "ba", "zi", "qa", "do", "fe", "ha", "vu"]
TITLES = ["General", "Minister", "Governor", "Commander"]


def _word(chooser: random.Random, syllables: int) -> str:
    return "".join(chooser.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def _people(seed: int) -> tuple[list[str], list[str]]:
    """Distinct two-word people (each surname ends in -i, which news also spells -y) and places."""
    chooser = random.Random(seed)
    people: dict[str, None] = {}
    surnames: set[str] = set()
    while len(people) < 150:
        surname = _word(chooser, 3) + "i"
        if surname in surnames:
            continue
        surnames.add(surname)
        people[f"{_word(chooser, 2)} {surname}"] = None
    places = list(dict.fromkeys(_word(chooser, 3) + "stan" for _ in range(80)))
    return list(people), places


def _article(number: int, chooser: random.Random, people: list[str], places: list[str]) -> Article:
    sentences = []
    for _ in range(3):
        a, b = chooser.sample(people, 2)
        sentences.append(f"{chooser.choice(TITLES)} {a} met {b} in {chooser.choice(places)} on Monday.")
    return Article(
        id=f"art-{number:04d}",
        source=f"outlet-{number % 3}",
        date=f"2021-09-{1 + number % 28:02d}",
        title=f"Report {number}",
        text=" ".join(sentences),
    )


def _corpus(count: int, seed: int = 7) -> tuple[list[Article], list[str], list[str]]:
    people, places = _people(seed)
    chooser = random.Random(seed + 1)
    return [_article(n, chooser, people, places) for n in range(count)], people, places


@pytest.fixture
def built(tmp_path: Path) -> tuple[EntityIndex, list[str], list[str]]:
    articles, people, places = _corpus(300)
    index = EntityIndex(tmp_path / "index")
    table = index.rebuild(articles, generation=1)
    assert table.stats["clustered"] == "full"
    return index, people, places


def _entity_lines(index: EntityIndex) -> dict[str, bytes]:
    """Each saved entity's line of the table file, by its sorted name keys."""
    lines = index.table_path.read_bytes().split(b"\n")
    keys = json.loads(b'{"entities":[' + lines[-1])["keys"]
    return {" | ".join(names): line.lstrip(b",") for names, line in zip(keys, lines[1:-1], strict=True)}


def _partition_of(table: EntityTable) -> set[frozenset[str]]:
    return {frozenset(keys) for keys in table.keys}


def _fresh(index: EntityIndex) -> EntityTable:
    store = MentionStore.load(index.mentions_dir)
    fresh = derive(store.rows.values(), index.corrections())[0]
    assert isinstance(fresh, EntityTable)
    return fresh


def _a_removal_clusters_every_name(index: EntityIndex) -> None:
    """An update (one article removed) clusters every name, and makes a fresh build's table."""
    update = index.begin()
    update.remove("art-0009")
    table = update.commit(generation=2)
    assert table.stats["clustered"] == "full"
    assert _content(table) == _content(_fresh(index))


def _content(table: EntityTable) -> dict[str, Any]:
    data = table.to_json()
    data.pop("stats")
    return data


def test_a_new_spelling_joins_its_entity_and_only_touched_entities_are_written_again(
    built: tuple[EntityIndex, list[str], list[str]],
) -> None:
    index, people, places = built
    before = _entity_lines(index)
    person = people[0]
    respelled = person[:-1] + "y"  # Fahim Dashti -> Fahim Dashty
    update = index.begin()
    update.add(
        Article(
            id="art-new",
            source="outlet-9",
            date="2021-09-02",
            title="New report",
            text=f"General {respelled} met {people[1]} in {places[0]} on Monday.",
        )
    )
    table = update.commit(generation=2)
    clustered = table.stats["clustered"]
    assert clustered != "full"
    opened = int(clustered.split()[0])
    assert 0 < opened < table.stats["names"] // 5
    entity = table.find(respelled)
    assert entity is not None and set(entity.spellings) == {person, respelled}
    after = _entity_lines(index)
    touched = {key for key in after if {"".join(person.lower()), respelled.lower()} & set(key.split(" | "))}
    kept = [key for key in before if key in after and key not in touched]
    assert len(kept) > len(before) // 2
    changed = [key for key in kept if before[key] != after[key]]
    # Only entities naming a touched name may differ (their counts changed); every other
    # line is the old one, byte for byte.
    names_of_new_article = {person.lower(), people[1].lower(), places[0].lower(), respelled.lower()}
    assert all(set(key.split(" | ")) & names_of_new_article for key in changed)
    # The same entities as a fresh build (a kept entity's evidence may word its co-mentions
    # in another order: they are listed by their counts when the merge was made).
    assert _partition_of(table) == _partition_of(_fresh(index))


def test_kept_entities_keep_their_ids(built: tuple[EntityIndex, list[str], list[str]]) -> None:
    index, _people, _places = built
    ids_before = {
        tuple(keys): entity.id for entity, keys in zip(index.table(), index.table().keys, strict=True)
    }
    update = index.begin()
    update.remove("art-0005")
    table = update.commit(generation=2)
    assert table.stats["clustered"] != "full"
    for entity, keys in zip(table, table.keys, strict=True):
        if tuple(keys) in ids_before:
            assert entity.id == ids_before[tuple(keys)]


def test_every_name_is_clustered_again_after_a_run_of_updates(
    built: tuple[EntityIndex, list[str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    index, _people, _places = built
    monkeypatch.setattr(partition, "FULL_EVERY", 3)
    extra, _people_again, _places_again = _corpus(310, seed=7)
    seen = []
    for generation, article in enumerate(extra[300:306], start=2):
        update = index.begin()
        update.add(article)
        table = update.commit(generation=generation)
        seen.append(table.stats["clustered"] == "full")
        assert _partition_of(table) == _partition_of(_fresh(index))
    assert seen == [False, False, True, False, False, True]
    assert _content(table) == _content(_fresh(index))


def test_a_correction_clusters_every_name_again(built: tuple[EntityIndex, list[str], list[str]]) -> None:
    index, people, _places = built
    _correction, table = index.merge(people[3], people[4])
    assert table.stats["clustered"] == "full"
    assert table.find(people[3]) == table.find(people[4])
    update = index.begin()
    update.remove("art-0007")
    table = update.commit(generation=2)
    assert table.stats["clustered"] != "full"  # the corrections are those of the last clustering
    assert table.find(people[3]) == table.find(people[4])
    assert _partition_of(table) == _partition_of(_fresh(index))


@pytest.mark.parametrize(
    "damage", ["other table", "no expansions", "cut", "a line garbled", "expansion keys cut", "old tag"]
)
def test_a_table_file_not_made_with_the_kept_clustering_is_made_whole(
    built: tuple[EntityIndex, list[str], list[str]], damage: str
) -> None:
    """A damaged line copied forward would stay damaged until the next full clustering, and
    break every reader meanwhile: the files are checked against the sums in the tag first."""
    index, _people, _places = built
    if damage == "other table":
        text = index.table_path.read_text(encoding="utf-8")
        index.table_path.write_text(text.replace('"partition":"', '"partition":"x', 1), encoding="utf-8")
    elif damage == "no expansions":
        index.expansions_path.unlink()
    elif damage == "cut":
        data = index.table_path.read_bytes()
        index.table_path.write_bytes(data[: len(data) // 2])
    elif damage == "a line garbled":  # same size, valid UTF-8
        lines = index.table_path.read_bytes().split(b"\n")
        middle = len(lines) // 2
        lines[middle] = lines[middle].replace(b'"name":"', b'"name":{', 1)
        index.table_path.write_bytes(b"\n".join(lines))
    elif damage == "expansion keys cut":
        data = json.loads(index.expansions_path.read_bytes())
        data["keys"] = data["keys"][:-1]
        index.expansions_path.write_text(json.dumps(data), encoding="utf-8")
    else:  # a tag written before the files' sums were
        tag = json.loads(index.generation_path.read_bytes())
        del tag["files"]
        index.generation_path.write_text(json.dumps(tag), encoding="utf-8")
    _a_removal_clusters_every_name(index)


def _lookup_rows(path: Path) -> tuple[dict[int, str], dict[str, str], str]:
    """A look-up file's entity rows, token rows and stamp."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return (
            dict(db.execute("SELECT number, data FROM entities")),
            dict(db.execute("SELECT token, numbers FROM tokens")),
            db.execute("SELECT value FROM meta").fetchone()[0],
        )


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_any_sequence_of_updates_keeps_the_table_whole_and_in_step_with_its_names(
    built: tuple[EntityIndex, list[str], list[str]],
    seed: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every name is in exactly one entity, each entity sums its names, the expansion subset
    is the table's and its look-up file the one made from it whole; on this corpus (spelling
    merges only) the entities are a fresh build's."""
    index, people, _places = built
    patched = []  # whether each update patched the last look-up file
    real_patch = lookup.patch_lookup
    monkeypatch.setattr(
        lookup, "patch_lookup", lambda *args: patched.append(real_patch(*args)) or patched[-1]
    )
    chooser = random.Random(seed)
    pool, _names, _towns = _corpus(340, seed=7)
    present = {f"art-{n:04d}" for n in range(300)}
    clustered = []  # whether each update clustered only the names it touched
    for generation in range(2, 8):
        update = index.begin()
        for _change in range(chooser.randint(1, 4)):
            article = chooser.choice(pool)
            if article.id in present and chooser.random() < 0.4:
                update.remove(article.id)
                present.discard(article.id)
            else:
                if chooser.random() < 0.3:  # a respelling of someone named in it
                    name = next(p for p in people if p in article.text)
                    article = replace(article, text=article.text.replace(name, name[:-1] + "y"))
                update.add(article)
                present.add(article.id)
        table = update.commit(generation=generation)
        clustered.append(table.stats["clustered"] != "full")
        store = MentionStore.load(index.mentions_dir)
        resolutions = store.resolutions
        assert resolutions is not None
        nodes = resolutions.nodes.nodes
        keys = [key for names in table.keys for key in names]
        assert sorted(keys) == sorted(nodes)  # each name in exactly one entity
        for entity, names in zip(table, table.keys, strict=True):
            assert set(entity.articles) == set().union(*(nodes[key].articles for key in names))
            spelled: dict[str, int] = {}
            for key in names:
                for spelling, count in nodes[key].spellings.items():
                    spelled[spelling] = spelled.get(spelling, 0) + count
            assert entity.spellings == dict(sorted(spelled.items(), key=lambda item: (-item[1], item[0])))
        assert _content(index.expansions()) == _content(table.expansion_table())
        whole = tmp_path / f"whole-{generation}.sqlite"
        assert lookup.write_lookup(whole, index.expansions(), lookup.stamp(index.expansions_path) or "")
        assert _lookup_rows(index.lookup_path) == _lookup_rows(whole)
        assert _partition_of(table) == _partition_of(_fresh(index))
    assert set(MentionStore.load(index.mentions_dir).rows) == present
    assert all(clustered), clustered
    assert patched == [True] * len(clustered)


@pytest.mark.parametrize("ids", [["a-1", "a-2", "b-7"], ["odd\x00id", "plain"], ["only"], []])
def test_saved_name_nodes_keep_their_article_ids_whatever_they_hold(ids: list[str]) -> None:
    import pickle

    from search.entities.nodes import Node, NodeSet

    node = Node(
        "fahim dashti", ("fahim", "dashti"), ("fahim", "dashti"), 0, {"Fahim Dashti": 2}, {}, list(ids)
    )
    node.blocks = ("2|fm|tst", "*|fmtst")  # its blocking keys, kept with it
    loaded = NodeSet.from_state(pickle.loads(pickle.dumps(NodeSet({node.key: node}).state())))
    assert loaded is not None
    assert loaded.nodes[node.key].counted() == node.counted()
    assert loaded.nodes[node.key].blocks == node.blocks


def test_an_update_saves_untouched_nodes_and_unchanged_comparisons_as_they_were_loaded(
    built: tuple[EntityIndex, list[str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from search.entities.shards import ShardFolder

    index, _people, _places = built

    def saved() -> tuple[dict[str, bytes], bytes]:
        import pickle

        state = ShardFolder.open(index.mentions_dir).load_state()
        nodes = {pickle.loads(blob)[0]: blob for blob in state["nodes"][2]}
        return nodes, state["compared"]

    update = index.begin()
    update.remove("art-0001")
    update.commit(generation=2)
    nodes_before, compared_before = saved()
    update = index.begin()
    update.remove("art-0002")
    table = update.commit(generation=3)
    assert table.stats["clustered"] != "full"
    nodes_after, compared_after = saved()
    assert compared_after == compared_before  # a removal compares no new names
    changed = {key for key in nodes_after if nodes_after[key] != nodes_before.get(key)}
    assert changed and len(changed) < len(nodes_after) // 5  # the names art-0002 counted out
    # Names new to the corpus: the comparisons they add are saved apart, the rest as loaded.
    pool, people, _towns = _corpus(340, seed=7)
    article = pool[300]
    name = next(person for person in people if person in article.text)
    update = index.begin()
    update.add(replace(article, text=article.text.replace(name, name[:-1] + "y")))  # a respelling
    table = update.commit(generation=4)
    assert table.stats["clustered"] != "full"
    _nodes, compared_added = saved()
    assert compared_added[: len(compared_after)] == compared_after and len(compared_added) > len(
        compared_after
    )
    loaded = MentionStore.load(index.mentions_dir).resolutions
    assert loaded is not None and loaded.compared == update._store.resolutions.compared
    # Past the limit of pieces, all of them are pickled again in one.
    monkeypatch.setattr(resolutions_module, "COMPARED_PIECES", len(compared_added))
    other = next(person for person in people if person in pool[301].text)
    update = index.begin()
    update.add(replace(pool[301], text=pool[301].text.replace(other, other[:-1] + "ie")))
    update.commit(generation=5)
    _nodes, compared_again = saved()
    assert len(compared_again) == 1 and compared_again != compared_added[:1]
    loaded = MentionStore.load(index.mentions_dir).resolutions
    assert loaded is not None and loaded.compared == update._store.resolutions.compared


def test_a_loaded_name_node_unpickles_its_counts_only_when_one_is_read() -> None:
    """An update reads the counts of the few names it touches: the others stay pickled, and
    are saved again as they were loaded."""
    import pickle

    from search.entities.nodes import COUNT_FIELDS, Node, NodeSet

    node = Node(
        "fahim dashti",
        ("fahim", "dashti"),
        ("fahim", "dashti"),
        0,
        {"Fahim Dashti": 2},
        {"wire": {"Fahim Dashti": 2}},
        ["a", "b"],
        titles={"general": 1},
        cues={"said": 2},
        acronyms={"FD": 1},
    )
    node.finish()
    state = pickle.loads(pickle.dumps(NodeSet({node.key: node}).state()))
    loaded_set = NodeSet.from_state(state)
    assert loaded_set is not None
    loaded = loaded_set.nodes[node.key]
    assert (loaded.display, loaded.count, loaded.acronyms, loaded.articles) == (
        "Fahim Dashti",
        2,
        {"FD": 1},
        ["a", "b"],
    )
    assert loaded._counts is not None  # none of the counts read yet
    # Saved again by a set that holds no saved bytes for it (as after ``ordered`` placed it):
    # its counts are written as the pickle they were loaded from, still unread.
    assert NodeSet({node.key: loaded}).state()[2] == state[2]
    assert loaded._counts is not None
    assert loaded.cues == {"said": 2} and loaded._counts is None
    assert [getattr(loaded, name) for name in COUNT_FIELDS] == [getattr(node, name) for name in COUNT_FIELDS]
    assert loaded == node
    with pytest.raises(AttributeError):
        loaded.no_such_field  # noqa: B018
    # Copied and pickled, read or not; a count set before the others were read stays as set.
    import copy

    for unread in (True, False):
        again = NodeSet.from_state(state)
        assert again is not None
        lazy = again.nodes[node.key]
        if not unread:
            assert lazy.roles == {}
        assert copy.deepcopy(lazy) == node and pickle.loads(pickle.dumps(lazy)) == node
        lazy.titles = {"colonel": 1}
        assert lazy.spellings == node.spellings and lazy.titles == {"colonel": 1}
        assert pickle.loads(lazy.pickled_counts())[2] == {"colonel": 1}
    fresh = NodeSet.from_state(state)
    assert fresh is not None
    fresh.nodes[node.key].cues = {"told": 1}  # set while the rest is still pickled
    assert dict(zip(COUNT_FIELDS, pickle.loads(fresh.nodes[node.key].pickled_counts()), strict=True))[
        "cues"
    ] == {"told": 1}


def test_nodes_saved_with_the_blocking_keys_of_another_blocking_are_saved_again() -> None:
    """Their keys are made again by this blocking; the bytes they were loaded with hold the
    old ones, and saved as they were loaded they would be taken for this blocking's next time."""
    import pickle

    from search.entities.blocking import BLOCKS_VERSION
    from search.entities.nodes import Node, NodeSet

    node = Node("fahim dashti", ("fahim", "dashti"), ("fahim", "dashti"), 0, {"Fahim Dashti": 1}, {}, ["a"])
    node.finish()
    node.blocks = ("old|keys",)
    version, unplaced, blobs, _blocks = NodeSet({node.key: node}).state()
    loaded = NodeSet.from_state((version, unplaced, blobs, BLOCKS_VERSION - 1))
    assert loaded is not None and loaded.nodes[node.key].blocks is None
    loaded.nodes[node.key].blocks = ("new|keys",)  # as ``cluster`` makes them
    saved = NodeSet.from_state(pickle.loads(pickle.dumps(loaded.state())))
    assert saved is not None and saved.nodes[node.key].blocks == ("new|keys",)


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5, 6])
def test_name_nodes_saved_in_each_earlier_form_are_read(version: int) -> None:
    """An index saved by an earlier version keeps its nodes (else the first update after an
    upgrade would read every shard and count every name again)."""
    import pickle

    from search.entities.blocking import BLOCKS_VERSION
    from search.entities.nodes import NODES_VERSION, Node, NodeSet

    node = Node(
        "fahim dashti", ("fahim", "dashti"), ("fahim", "dashti"), 3, {"Fahim Dashti": 2}, {}, ["a", "b"]
    )
    node.finish()
    node.blocks = ("2|fm|tst", "*|fmtst")
    fields = node.counted()
    joined = (*fields[:4], "a\x00b", *fields[5:])
    form: dict[int, list[Any]] = {
        1: [fields],
        2: [joined],
        3: [pickle.dumps(joined)],
        4: [pickle.dumps((*joined, node.blocks))],
        5: [pickle.dumps((*joined, node.blocks, node.display, node.is_acronym, node.count))],
        6: [
            pickle.dumps(
                (
                    *joined[:2],
                    "a\x00b",
                    fields[9],
                    fields[10],
                    node.blocks,
                    node.display,
                    node.is_acronym,
                    node.count,
                    pickle.dumps((*fields[2:4], *fields[5:9])),
                )
            )
        ],
    }
    assert NODES_VERSION == 6
    loaded = NodeSet.from_state((version, [], form[version]))
    assert loaded is not None
    assert loaded.nodes[node.key].counted() == fields
    assert loaded.nodes[node.key].blocks is None  # not said to be of this blocking
    assert loaded.nodes[node.key].display == (node.display if version >= 5 else "")
    if version >= 5:
        current = NodeSet.from_state((version, [], form[version], BLOCKS_VERSION))
        older = NodeSet.from_state((version, [], form[version], BLOCKS_VERSION - 1))
        assert current is not None and older is not None
        assert current.nodes[node.key].blocks == node.blocks
        assert older.nodes[node.key].blocks is None  # made again by the current blocking


def test_a_saved_line_that_cannot_be_read_makes_the_update_cluster_every_name(
    built: tuple[EntityIndex, list[str], list[str]],
) -> None:
    """The safety net behind the sums: lines the tag vouches for that still cannot be read (as
    a writer's bug would leave them) make the update cluster every name, not fail."""
    from search.entities.patching import file_sum

    index, _people, _places = built
    lines = index.table_path.read_bytes().split(b"\n")
    garbled = [
        lines[0],
        *(line.replace(b'"articles":', b'"artic1es":', 1) for line in lines[1:-1]),
        lines[-1],
    ]
    index.table_path.write_bytes(b"\n".join(garbled))
    tag = json.loads(index.generation_path.read_bytes())
    tag["files"][index.table_path.name] = file_sum(index.table_path.read_bytes())
    index.generation_path.write_text(json.dumps(tag), encoding="utf-8")
    _a_removal_clusters_every_name(index)


def test_a_patched_look_up_file_is_the_one_made_whole(tmp_path: Path) -> None:
    """Kept entities' rows and tokens are renumbered from the last file, entities made now are
    added (under tokens kept entities hold too), gone ones dropped; a last file of another
    subset is refused."""

    def entity(name: str, *others: str) -> Entity:
        return Entity(name.lower(), name, "person", {name: 3, **dict.fromkeys(others, 1)}, {}, ())

    last = [
        entity("Fahim Dashti", "Fahim Dashty"),
        entity("Ahmad Massoud", "Ahmad Masoud"),
        entity("Zara Zhor", "Zhor"),
    ]
    last_file = tmp_path / "last.sqlite"
    assert lookup.write_lookup(last_file, EntityTable(last, [[e.id] for e in last]), "last")
    made = [entity("Ahmad Shah Massoud", "Ahmad Shah Masoud"), entity("Zhor Dashti", "Zhor Dashty")]
    items: list[int | Entity] = [made[0], 1, made[1], 2]  # Fahim Dashti is gone
    patched = tmp_path / "patched.sqlite"
    kept_id = lambda number: last[number].id  # noqa: E731
    assert lookup.patch_lookup(patched, last_file, "last", items, "new", kept_id)
    now = [made[0], last[1], made[1], last[2]]
    whole = tmp_path / "whole.sqlite"
    assert lookup.write_lookup(whole, EntityTable(now, [[e.id] for e in now]), "new")
    assert _lookup_rows(patched) == _lookup_rows(whole)
    assert _lookup_rows(patched)[1]["massoud"] == "0,1"  # a kept entity and one made now
    other = tmp_path / "other.sqlite"
    assert not lookup.patch_lookup(other, last_file, "another subset", items, "new", kept_id)
    assert not lookup.patch_lookup(other, last_file, "last", [7], "new", kept_id)  # no such row
    assert not lookup.patch_lookup(other, last_file, "last", [0], "new", lambda _n: "someone else")


def test_a_look_up_file_not_made_from_the_subset_it_is_tagged_with_is_made_whole(
    built: tuple[EntityIndex, list[str], list[str]], tmp_path: Path
) -> None:
    """A search process that could not read the subset writes the whole table's rows under the
    subset's tag (``EntityWords``): the next update must not patch from those rows."""
    index, people, _places = built
    pool, _names, _towns = _corpus(340, seed=7)
    update = index.begin()
    update.add(pool[300])
    update.commit(generation=2)
    tag = lookup.stamp(index.expansions_path)
    whole_table = index.table()  # its entities in another order than the subset's, to be sure
    others = EntityTable(whole_table.entities[::-1], whole_table.keys[::-1])
    assert tag is not None and lookup.write_lookup(index.lookup_path, others, tag)
    article = pool[301]
    name = next(person for person in people if person in article.text)
    update = index.begin()
    update.add(replace(article, text=article.text.replace(name, name[:-1] + "y")))
    table = update.commit(generation=3)
    assert table.stats["clustered"] != "full"  # the subset was patched, its look-up file made whole
    whole = tmp_path / "whole.sqlite"
    assert lookup.write_lookup(whole, index.expansions(), lookup.stamp(index.expansions_path) or "")
    assert _lookup_rows(index.lookup_path) == _lookup_rows(whole)
