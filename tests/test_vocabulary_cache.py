"""The vocabulary cache an index run writes is the sum of every segment's word counts.

An update patches the last cache (the counts of the segments it added, less those of the
segments Whoosh merged away) instead of summing every segment again; after any sequence of
runs the cache must hold what a fresh sum gives, and what Whoosh's own reader counts.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from search.explorer import Explorer
from search.index import SEGMENT_VOCABULARIES, VOCABULARY, WHOOSH_DIR, IndexStore
from search.variants import SavedCounts, Vocabulary, WordStats

SUM_AFRESH = IndexStore._vocabulary_by_segment  # as the module has it, whatever a test patches

WORDS = (
    "oil prices rose Kabul Brussels Dashty Dashti minister talks ceasefire Zürich O'Brien the of and".split()
)


def _write_file(corpus: Path, name: str, rng: random.Random) -> None:
    rows = []
    for number in range(rng.randint(1, 4)):
        words = [*rng.choices(WORDS, k=12), f"Unique{rng.randrange(10_000)}"]
        rows.append({"id": f"{name}-{number}", "title": " ".join(words[:3]), "text": " ".join(words) + "."})
    (corpus / f"{name}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def _cache(index_dir: Path) -> dict[str, object]:
    data = json.loads((index_dir / VOCABULARY).read_text(encoding="utf-8"))
    data.pop("generation")
    return data


def _fresh_sum(index_dir: Path) -> dict[str, object]:
    """The cache of Whoosh's own counts over every segment (read without touching the index
    folder: summing through the index store would also write and delete the per-segment counts
    a later patch needs)."""
    ix = whoosh_index.open_dir(str(index_dir / WHOOSH_DIR))
    with ix.reader() as reader:
        segments = [leaf.segment().segment_id() for leaf, _offset in reader.leaf_readers()]
        stats = Vocabulary.from_reader(reader).stats
    ix.close()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fresh.json"
        Vocabulary(stats, segments=segments).save(path, 0)
        data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("generation")
    return data


def _indexed(tmp_path: Path, rng: random.Random, files: int) -> tuple[Path, Path, Explorer]:
    """A corpus of a few generated files, indexed."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for number in range(files):
        _write_file(corpus, f"f{number}", rng)
    explorer = Explorer.open(corpus, index_dir)
    explorer.update()
    return corpus, index_dir, explorer


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_run_patches_the_cache_to_what_a_fresh_sum_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    rng = random.Random(seed)
    corpus, index_dir, explorer = _indexed(tmp_path, rng, files=4)
    summed_afresh = []
    monkeypatch.setattr(
        IndexStore,
        "_vocabulary_by_segment",
        lambda self, *args: summed_afresh.append(1) or SUM_AFRESH(self, *args),
    )
    for step in range(12):
        files = sorted(corpus.glob("*.jsonl"))
        action = rng.choice(["add", "add", "edit", "remove"] if len(files) > 1 else ["add"])
        if action == "add":
            _write_file(corpus, f"n{step}", rng)
        elif action == "edit":
            _write_file(corpus, rng.choice(files).stem, rng)
        else:
            rng.choice(files).unlink()
        explorer.update()
        assert _cache(index_dir) == _fresh_sum(index_dir), (step, action)
    assert not summed_afresh  # every run patched the cache
    cached = Vocabulary.load(index_dir / VOCABULARY, explorer.store.load_manifest().generation)
    assert cached is not None  # the search side reads the patched cache as it is
    assert dict(explorer.vocabulary().stats) == dict(cached.stats)


def test_a_cache_that_cannot_be_patched_is_summed_afresh(tmp_path: Path) -> None:
    rng = random.Random(5)
    corpus, index_dir, explorer = _indexed(tmp_path, rng, files=3)
    # A cache of an earlier version, which does not say which segments it summed.
    data = json.loads((index_dir / VOCABULARY).read_text(encoding="utf-8"))
    del data["segments"]
    (index_dir / VOCABULARY).write_text(json.dumps(data), encoding="utf-8")
    _write_file(corpus, "g", rng)
    explorer.update()
    assert _cache(index_dir) == _fresh_sum(index_dir)
    assert _cache(index_dir)["segments"]
    # The counts of every segment lost: what a merged-away segment held is not known.
    for kept in (index_dir / SEGMENT_VOCABULARIES).glob("*.json"):
        kept.unlink()
    for path in sorted(corpus.glob("*.jsonl"))[:2]:
        path.unlink()
    _write_file(corpus, "h", rng)
    explorer.update()
    assert _cache(index_dir) == _fresh_sum(index_dir)


def test_changes_that_do_not_fit_the_counts_are_refused() -> None:
    """Counts a patch would take below zero (or leave capitalised in no article) mean the cache is
    not the sum of the segments it names: the run then sums them afresh."""
    saved = SavedCounts(["kabul", "oil"], [3, 5], [3, 0], ["kabul"], ["a"])
    assert not saved.apply({"oil": [-6, 0]}, ["b"])
    assert not saved.apply({"kabul": [-3, -2]}, ["b"])
    assert not saved.apply({"zebulon": [0, 1]}, ["b"])
    assert (saved.words, saved.articles, saved.segments) == (["kabul", "oil"], [3, 5], ["a"])  # untouched
    assert saved.apply({"kabul": [-3, -3], "zebulon": [2, 2], "oil": [1, 0]}, ["b"])
    assert (saved.words, saved.articles, saved.capitalised) == (["oil", "zebulon"], [6, 2], [0, 2])
    assert (saved.names, saved.segments) == (["zebulon"], ["b"])


def test_a_cache_whose_lists_do_not_line_up_is_not_read(tmp_path: Path) -> None:
    """The search side and the index run read a cache through the same check (``SavedCounts``)."""
    path = tmp_path / VOCABULARY
    Vocabulary({"kabul": WordStats(3, 3), "oil": WordStats(5, 0)}, segments=["a"]).save(path, 7)
    assert Vocabulary.load(path, 7) is not None and SavedCounts.read(path) is not None
    data = json.loads(path.read_text(encoding="utf-8"))
    data["articles"] = [3]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert Vocabulary.load(path, 7) is None and SavedCounts.read(path) is None
