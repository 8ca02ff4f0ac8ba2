"""Incremental-update figures: add 10 articles, edit 10, take them away again.

They run on a scratch copy of the index, so the cached index keeps its
single fresh-build shape and the next run's search figures stay comparable;
the corpus is put back exactly as it was (bytes and mtimes). Each step is
one `update()` in a fresh worker, as `explorer index` would run it. After
the first update the index has one more segment, which is when Whoosh's
multi-segment term look-ups start to cost: the vocabulary load is timed
again there.

Each kind of update runs ``ROUNDS`` times (add then remove, edit then restore) and the
median is reported, with every run. Why: the first update after copying the gigabyte
index ran 1-1.5 s slower than the same update a minute later on this virtual machine,
however the copy was synced first and with nothing else running (idle for a minute after
the copy, the first update took as long as the later ones): the copy's cost, not the
update's.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from .measure import run_worker

EXTRA_FILE = "zz-bench-update.jsonl"
ARTICLES = 10
ROUNDS = 3


# Surnames new to any corpus, one per article and round: each round's articles name people
# the corpus has not seen, so every round clusters, compares and saves as much as the first
# (re-adding the articles of an earlier round found its name comparisons already made).
_STEMS = ("Belv", "Corv", "Davr", "Fenl", "Garv", "Holm", "Ivar", "Jask", "Kelv", "Lund")
_ENDINGS = ("ovic", "arsson", "enko", "idis", "escu")


def _extra_articles(round_number: int = 0) -> str:
    rows = []
    for n in range(ARTICLES):
        surname = _STEMS[n % len(_STEMS)] + _ENDINGS[round_number % len(_ENDINGS)]
        rows.append(
            {
                "id": f"bench-update:{round_number}-{n}",
                "source": "bench",
                "date": "2020-01-01",
                "title": f"Bench update article {n}",
                "text": (
                    f"Article {n} added by the update benchmark. Minister Anna {surname} said oil "
                    f"prices rose in Kabul and Brussels. {surname} spoke after talks."
                ),
            }
        )
    return "".join(json.dumps(row) + "\n" for row in rows)


def _update(corpus: Path, index_dir: Path) -> dict[str, Any]:
    return run_worker("update-ours", {"corpus": str(corpus), "index": str(index_dir)}).result


def _editable_file(corpus: Path) -> Path | None:
    """The first plain JSONL file of the corpus (links to shared data are never touched)."""
    for path in sorted(corpus.glob("*.jsonl")):
        if path.is_file() and not path.is_symlink() and path.name != EXTRA_FILE:
            return path
    return None


def measure_updates(corpus: Path, pristine: Path, scratch: Path) -> dict[str, Any]:
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(pristine, scratch)
    # Write the copy out first: otherwise the disk is still writing its gigabyte back while
    # the first update runs, and every fsync of the update waits behind it.
    os.sync()
    try:
        return _measure(corpus, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median seconds (its other figures with it), and every run's seconds."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    return {**ordered[len(ordered) // 2], "runs": [run["seconds"] for run in runs]}


def _measure(corpus: Path, index_dir: Path) -> dict[str, Any]:
    extra = corpus / EXTRA_FILE
    results: dict[str, Any] = {}
    adds, removes = [], []
    for round_number in range(ROUNDS):
        try:
            extra.write_text(_extra_articles(round_number), encoding="utf-8")
            adds.append(_update(corpus, index_dir))
            if "vocabulary_after_add" not in results:
                results["vocabulary_after_add"] = run_worker(
                    "vocabulary-ours", {"corpus": str(corpus), "index": str(index_dir)}
                ).result
        finally:
            extra.unlink(missing_ok=True)
        removes.append(_update(corpus, index_dir))
    results["add"], results["remove"] = _median_run(adds), _median_run(removes)

    target = _editable_file(corpus)
    if target is None:
        linked = any(path.is_symlink() for path in corpus.iterdir())
        results["edit"] = None
        results["edit_skipped"] = (
            "corpus is a link to shared read-only data" if linked else "no JSON Lines file to edit"
        )
        return results
    original = target.read_bytes()
    stat = target.stat()
    lines = original.decode("utf-8").splitlines(keepends=True)
    edited = []
    for number, line in enumerate(lines):
        if number < ARTICLES:
            row = json.loads(line)
            row["text"] = f"{row.get('text', '')} Edited by the update benchmark."
            line = json.dumps(row, ensure_ascii=False) + "\n"
        edited.append(line)
    edits, restores = [], []
    for _round in range(ROUNDS):
        try:
            target.write_text("".join(edited), encoding="utf-8")
            edits.append(_update(corpus, index_dir))
        finally:
            target.write_bytes(original)
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        restores.append(_update(corpus, index_dir))
    results["edit"] = {**_median_run(edits), "file_articles": len(lines)}
    results["restore"] = _median_run(restores)
    return results
