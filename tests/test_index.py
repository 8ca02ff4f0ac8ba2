"""The index: incremental updates, crash safety, one writer at a time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest

from search.explorer import Explorer, IndexBusy
from search.index import writer_lock


def ids(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {hit.id for hit in result.hits}


def test_whoosh_imports_cleanly_with_warnings_as_errors(tmp_path: Path) -> None:
    """Whoosh 2.7.4 raises SyntaxWarnings on Python 3.12+ (DeprecationWarnings before), but
    only when its sources are compiled: an empty PYTHONPYCACHEPREFIX makes the subprocess
    compile every module again instead of loading .pyc files already in the venv."""
    code = "import whoosh.index, whoosh.qparser, whoosh.fields, whoosh.searching, whoosh.analysis, whoosh.lang.porter"
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # written, so the test can see they were compiled
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert any((tmp_path / "pycache").rglob("whoosh/*.pyc"))  # compiled here, so warnings could fire


def test_whoosh_reloaded_is_the_only_whoosh_installed() -> None:
    assert metadata.version("whoosh-reloaded") == "2.7.5"
    names = {(dist.metadata["Name"] or "").lower() for dist in metadata.distributions()}
    assert "whoosh" not in names


def test_update_is_incremental(seed_corpus: Path, index_dir: Path) -> None:
    explorer = Explorer.open(seed_corpus, index_dir)
    first = explorer.update()
    assert (first.added, first.updated, first.removed, first.articles) == (5, 0, 0, 5)

    again = explorer.update()
    assert not again.changed and again.unchanged == 5
    generation = explorer.store.generation()

    # Touching a file without changing its bytes is not a change.
    target = seed_corpus / "003_7705c138f889e53e.txt"
    os.utime(target, (time.time() + 10, time.time() + 10))
    assert not explorer.update().changed
    assert explorer.store.generation() == generation

    target.write_text(target.read_text().replace("Aljazeera", "Quuxbroadcast"))
    edited = explorer.update()
    assert (edited.added, edited.updated, edited.removed) == (0, 1, 0)
    assert ids(explorer.search("Quuxbroadcast")) == {"003_7705c138f889e53e"}

    (seed_corpus / "000_c214ca5b6237bbef.txt").unlink()
    removed = explorer.update()
    assert (removed.added, removed.updated, removed.removed, removed.articles) == (0, 0, 1, 4)
    assert "000_c214ca5b6237bbef" not in ids(explorer.search("Dashty"))


def test_duplicate_ids_are_warned_and_skipped(tmp_path: Path, index_dir: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.jsonl").write_text('{"id": "x", "text": "first Kabul"}\n')
    (tmp_path / "c" / "b.jsonl").write_text('{"id": "x", "text": "second Kabul"}\n')
    warnings = []
    summary = Explorer.open(tmp_path / "c", index_dir).update(warnings.append)
    assert summary.articles == 1 and summary.warnings == 1
    assert str(warnings[0]) == "b.jsonl:1: duplicate id 'x' (first seen in a.jsonl:1); skipped"


def test_a_duplicate_id_warning_names_both_lines(tmp_path: Path, index_dir: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"id": "r1", "text": "Kabul"}\n{"id": "r2", "text": "Kabul"}\n{"id": "r1", "text": "x"}\n'
    )
    warnings: list = []
    explorer = Explorer.open(rows, index_dir)
    explorer.update(warnings.append)
    assert [str(w) for w in warnings] == [
        "rows.jsonl:3: duplicate id 'r1' (first seen in rows.jsonl:1); skipped"
    ]
    # A later run that reads only a new file still knows where the first one was.
    folder = tmp_path / "c"
    folder.mkdir()
    rows.rename(folder / "rows.jsonl")
    explorer = Explorer.open(folder, tmp_path / "index2")
    explorer.update()
    (folder / "z.jsonl").write_text('{"id": "r2", "text": "again"}\n')
    later: list = []
    explorer.update(later.append)
    assert [str(w) for w in later] == ["z.jsonl:1: duplicate id 'r2' (first seen in rows.jsonl:2); skipped"]


def test_second_writer_is_told_at_once(seed_corpus: Path, index_dir: Path) -> None:
    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.update()
    (seed_corpus / "new.txt").write_text("A new article about Kabul.")
    with writer_lock(index_dir), pytest.raises(IndexBusy, match="being updated by another process"):
        explorer.update()
    # Readers are not blocked by a writer.
    with writer_lock(index_dir):
        assert len(explorer.search("Dashty").hits) == 5


def test_a_failed_run_leaves_the_previous_index(seed_corpus: Path, index_dir: Path) -> None:
    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.update()
    (seed_corpus / "later.txt").write_text("Another article about Panjshir.")

    def explode(_done: int, _total: int, stage: str) -> None:
        if stage == "writing":  # midway: the new file read, its article being written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        explorer.update(progress=explode)
    fresh = Explorer.open(seed_corpus, index_dir)
    assert fresh.status().articles == 5
    assert len(fresh.search("Dashty").hits) == 5
    assert fresh.update().added == 1


def test_progress_reports_reading_then_writing_then_entities(seed_corpus: Path, index_dir: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    Explorer.open(seed_corpus, index_dir).update(progress=lambda *call: calls.append(call))
    stages = list(dict.fromkeys(stage for _done, _total, stage in calls))
    assert stages == ["reading", "writing", "entities"]
    reading = [done for done, total, stage in calls if stage == "reading"]
    assert reading == list(range(1, len(reading) + 1)) and reading[-1] == 5  # a count per seed file
    assert calls[-1] == (0, 0, "entities")  # the corpus-wide tables come last, without a count


def _write_many(corpus: Path, count: int) -> None:
    words = [
        "resistance",
        "valley",
        "province",
        "commander",
        "drones",
        "talks",
        "ceasefire",
        "spokesman",
        "general",
    ]
    folder = corpus / "bulk"
    folder.mkdir()
    for number in range(count):
        body = " ".join(words[(number + i) % len(words)] for i in range(300))
        (folder / f"a{number:05d}.txt").write_text(f"Bulk article {number}. {body}\n")


def test_killing_the_indexer_leaves_a_working_index(seed_corpus: Path, index_dir: Path, run_cli) -> None:
    env = {"EXPLORER_CORPUS": str(seed_corpus), "EXPLORER_INDEX": str(index_dir)}
    assert run_cli("index", env=env).code == 0
    # A user's correction, and an event table derived from this state: neither may be lost or
    # disagree with the index after a crash.
    assert run_cli("entities", "split", "Abdul Wudod Zara", "Abdul Wadood Zhor", env=env).code == 0
    assert run_cli("events", "--no-update", "--format", "jsonl", env=env).code == 0
    _write_many(seed_corpus, 3000)
    full_env = {**os.environ, **env}
    for delay in (0.3, 0.8, 1.5):
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "explorer"), "index"],
            env=full_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        searched = run_cli("search", "--no-update", "--format", "jsonl", "Dashty", env=env)
        assert searched.code == 0, searched.err
        assert searched.out.count('"query"') == 5
        assert searched.err == ""
        # The derived tables are brought back in step with the index before they are used.
        entity = run_cli("entity", "Dashty", "--format", "json", "--no-update", env=env)
        assert entity.code == 0, entity.err
        opened = Explorer.open(seed_corpus, index_dir)
        generation = opened.store.generation()
        assert all(t.stored_generation() == generation for t in opened.store.derived)
        zara = run_cli("entity", "Abdul Wudod Zara", "--format", "json", "--no-update", env=env)
        assert zara.code == 0, zara.err
        assert "Abdul Wadood Zhor" not in json.loads(zara.out)["spellings"]  # the split holds
        events = run_cli("events", "--no-update", "--format", "jsonl", env=env)
        assert events.code == 0 and events.err == "", events.err
        in_index = {i for record in opened.store.load_manifest().files.values() for i in record.ids}
        dashty = {hit.id for hit in opened.search("Dashty", limit=0).hits}
        reported = {a for line in events.out.splitlines() for a in json.loads(line)["articles"]}
        assert reported <= in_index and dashty <= reported  # events describe the index as it is
    finished = run_cli("index", env=env)
    assert finished.code == 0, finished.err
    assert "3005 articles" in finished.out
    # files a killed run wrote before its commit (``EntityUpdate.precompute``) are gone
    assert not list(index_dir.rglob("*.staged"))


def test_an_id_skipped_as_a_duplicate_comes_back_when_its_owner_goes(tmp_path: Path, index_dir: Path) -> None:
    """b.jsonl's x was skipped while a.jsonl had x; once a.jsonl is gone (or no longer has x),
    the index must hold b's x, as a fresh build would, not lose x for good."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text('{"id": "x", "text": "first Kabul"}\n')
    (corpus / "b.jsonl").write_text('{"id": "x", "text": "second Kabul"}\n{"id": "y", "text": "Kabul"}\n')
    explorer = Explorer.open(corpus, index_dir)
    explorer.update()
    (corpus / "a.jsonl").unlink()
    summary = explorer.update()
    assert summary.articles == 2
    assert explorer.article("x").text == "second Kabul"
    assert ids(explorer.search("second")) == {"x"}
    assert not explorer.update().changed
    # The same when the owner is edited and no longer holds the id, and back again.
    (corpus / "a.jsonl").write_text('{"id": "x", "text": "first Kabul"}\n')
    explorer.update()
    assert explorer.article("x").text == "second Kabul"  # b.jsonl holds x now; a's is the duplicate
    (corpus / "b.jsonl").write_text('{"id": "y", "text": "Kabul"}\n')
    explorer.update()
    assert explorer.article("x").text == "first Kabul"
    fresh = Explorer.open(corpus, tmp_path / "fresh")
    fresh.update()
    assert {h.id for h in fresh.search("Kabul").hits} == {h.id for h in explorer.search("Kabul").hits}


def test_an_edited_file_indexes_again_only_the_articles_that_changed(tmp_path: Path, index_dir: Path) -> None:
    """Documents of an edited file's unchanged articles stay; changed, moved, new and vanished
    articles are indexed or deleted as if the file were indexed whole again."""
    from whoosh import index as whoosh_index

    from search.index import WHOOSH_DIR

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [
        {
            "id": f"a{n}",
            "source": "wire",
            "date": "2021-09-06",
            "title": f"Report {n}",
            "text": f"Shipment {n} reached Kabul.",
        }
        for n in range(40)
    ]
    path = corpus / "wire.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    explorer = Explorer.open(corpus, index_dir)
    assert explorer.update().added == 40

    rows[5]["text"] = "Shipment five was diverted to Quuxabad."  # changed text
    rows[6]["date"] = "2021-09-07"  # changed date only
    del rows[7]  # vanished: every later article moves up a line
    rows.insert(0, {"id": "new", "source": "wire", "title": "New", "text": "A new shipment."})
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    summary = explorer.update()
    assert (summary.added, summary.updated, summary.removed) == (1, 2, 1)
    assert summary.unchanged == 37 and summary.articles == 40

    assert ids(explorer.search("Quuxabad")) == {"a5"}
    kabul = ids(explorer.search("reached Kabul", limit=None))
    assert kabul == {row["id"] for row in rows if "Kabul" in row["text"]}  # not a5, not a7
    assert "new" in ids(explorer.search("new shipment", limit=None))
    assert explorer.article("a6").date == "2021-09-07"
    explorer.close()
    ix = whoosh_index.open_dir(str(index_dir / WHOOSH_DIR))
    with ix.searcher() as searcher:
        stored = [fields["id"] for fields in searcher.all_stored_fields()]
    ix.close()
    assert sorted(stored) == sorted(row["id"] for row in rows)  # one document each, none left over

    # A rebuild from nothing finds the same.
    fresh = Explorer.open(corpus, tmp_path / "fresh")
    fresh.update()
    again = Explorer.open(corpus, index_dir)
    for query in ("Quuxabad", "reached Kabul", "shipment", "date:2021-09-07"):
        assert ids(fresh.search(query, limit=None)) == ids(again.search(query, limit=None)), query
    fresh.close()
    again.close()


def test_the_manifest_head_answers_what_a_search_asks_and_is_never_trusted_stale(
    seed_corpus: Path, index_dir: Path
) -> None:
    """`explorer search` reads the small head beside the manifest (the manifest lists every
    article id: 20 MB at a million headlines); a head that no longer describes the manifest
    on disk is ignored."""
    from search.atomic import write_json_atomic
    from search.index import MANIFEST, MANIFEST_HEAD

    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.update()
    store = explorer.store
    full = store.load_manifest().head()
    assert (index_dir / MANIFEST_HEAD).exists()
    assert store.load_head() == full and full.articles == 5 and len(full.signatures) == 5
    assert explorer.ensure_index() is None  # up to date, told by the head alone

    # A changed file is seen through the head, as through the manifest.
    target = seed_corpus / "003_7705c138f889e53e.txt"
    target.write_text(target.read_text().replace("Aljazeera", "Quuxbroadcast"))
    assert store.status(check=True).stale_files == 1
    assert explorer.ensure_index() is not None  # re-indexed
    assert store.load_head() == store.load_manifest().head() != full

    # A head taken for the manifest's though it holds other signatures (as an inode reused
    # on a filesystem with a coarse clock could make one): the update it sends the search
    # to finds nothing to do, and writes the head again.
    from dataclasses import replace as replaced

    from search.index import _file_identity

    store._write_head(replaced(store.load_head(), signatures={}), _file_identity(index_dir / MANIFEST))
    assert store.load_head().signatures == {}
    assert explorer.update().unchanged
    assert store.load_head() == store.load_manifest().head()

    # The manifest written again without its head (a run that died between the two writes,
    # or an older version): the head describes another file and is not read.
    manifest = store.load_manifest()
    manifest.files.pop(next(iter(manifest.files)))
    write_json_atomic(index_dir / MANIFEST, manifest.to_json())
    assert store._saved_head() is None
    head = store.load_head()
    assert head == manifest.head() and head.articles == 4
    assert store._saved_head() is not None  # written again for the next search
    assert store.status(check=True).stale_files == 1  # the file the manifest no longer lists

    # A head that cannot be read, or no manifest at all: nothing is trusted.
    (index_dir / MANIFEST_HEAD).write_text("{not json", encoding="utf-8")
    assert store.load_head() == manifest.head()
    (index_dir / MANIFEST).unlink()
    assert store.load_head().generation == -1 and not store.load_head().signatures


def test_a_manifest_recovered_from_the_index_is_saved(seed_corpus: Path, index_dir: Path) -> None:
    """Lost after a commit (a crash between the two writes), the manifest is made again from the
    fields stored in the index, and saved even when the run then finds nothing to do: else every
    later search found the derived tables out of step with it and repaired them again."""
    from search.index import MANIFEST

    explorer = Explorer.open(seed_corpus, index_dir)
    explorer.update()
    before = explorer.store.load_manifest()
    (index_dir / MANIFEST).unlink()
    assert not explorer.update().changed
    after = explorer.store.load_manifest()
    assert after.generation == before.generation >= 0
    assert after.head().signatures == before.head().signatures
    assert explorer.store.load_head() == after.head()
