"""Walking corpora at the edges: a 1 GB file, many tiny files, files that vanish
mid-run, unreadable files and folders, link loops, pipes.

Memory is measured, never time: peak RSS of a subprocess (``getrusage``) for
the 1 GB file, ``tracemalloc`` for the tiny files. Files vanish at fixed
points (a wrapper around ``os.walk`` that deletes what it has just listed, and
the indexer's progress callback), so those tests are deterministic.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import stat
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from search.corpus import MAX_ARTICLE_CHARS, list_files, read_articles
from search.explorer import Explorer
from search.models import Article, CorpusWarning

from .conftest import ROOT

GB = 1 << 30

# Reads a corpus in a fresh interpreter and prints what it found, with the peak RSS.
# Peak RSS is the process's own VmHWM: getrusage's ru_maxrss survives execve on Linux, so a
# child started from a 300 MB pytest would report at least 300 MB whatever it did.
READ_SCRIPT = """
import json, re, sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from search.corpus import list_files, read_articles
root, warnings = Path(sys.argv[1]), []
ids = [a.id for f in list_files(root, warnings.append) for a in read_articles(f, root, warnings.append)]
peak_kb = int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))
print(json.dumps({"ids": ids, "warnings": [str(w) for w in warnings], "rss_mb": peak_kb / 1024}))
"""


def read_in_subprocess(root: Path, prefix: list[str] | None = None) -> dict[str, Any]:
    done = subprocess.run(
        [*(prefix or []), sys.executable, "-c", READ_SCRIPT, str(root), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def read_all(root: Path) -> tuple[list[Article], list[CorpusWarning]]:
    warnings: list[CorpusWarning] = []
    articles = [a for f in list_files(root, warnings.append) for a in read_articles(f, root, warnings.append)]
    return articles, warnings


def _sparse_jsonl(path: Path, hole: int) -> None:
    """Good rows, then one row whose text is a ``hole``-byte sparse gap (NUL bytes that take
    no disk space), then more good rows: a 1 GB file written in a moment."""
    with path.open("wb") as handle:
        for number in range(200):  # over the 8 KB sniffed for NUL bytes
            handle.write(
                (json.dumps({"id": f"head{number}", "text": f"Kabul report {number}."}) + "\n").encode()
            )
        handle.write(b'{"id": "huge", "text": "')
        handle.seek(hole, os.SEEK_CUR)
        handle.write(b'"}\n')
        for number in range(5):
            handle.write(
                (json.dumps({"id": f"tail{number}", "text": f"Panjshir tail {number}."}) + "\n").encode()
            )


# -- a 1 GB file ---------------------------------------------------------------------------------


def test_a_1gb_file_is_indexed_in_bounded_memory_with_a_clear_message(tmp_path: Path) -> None:
    """The indexer streams a 1 GB JSONL file whose one huge line is skipped with a warning
    naming the file and line; peak RSS stays a small fraction of the file's size."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _sparse_jsonl(corpus / "huge.jsonl", GB)
    assert (corpus / "huge.jsonl").stat().st_size > GB
    script = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
        "print(done.stdout + done.stderr)\n"
    )
    explorer = str(Path(sys.executable).parent / "explorer")
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    done = subprocess.run(
        [sys.executable, "-c", script, explorer, "index", *where],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    first, output = done.stdout.split("\n", 1)
    code, rss_mb = map(int, first.split())
    assert code == 0, output
    assert "huge.jsonl:201: line longer than 32 MB; skipped" in output
    assert "indexed 205 articles" in output
    assert rss_mb < 400, f"indexing a 1 GB file peaked at {rss_mb} MB"
    found = subprocess.run(
        [explorer, "search", "--no-update", "--format", "tsv", "Panjshir", *where],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert found.stdout.count("\ttail") == 5, found.stderr


def test_a_1gb_text_file_is_one_oversized_article_skipped_with_a_message(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with (corpus / "book.txt").open("wb") as handle:
        handle.write(b"A very long article about Kabul. " * 300)
        handle.truncate(GB)  # the rest is a sparse gap
    (corpus / "small.txt").write_text("A small article about Kabul.")
    found = read_in_subprocess(corpus)
    assert found["ids"] == ["small"]
    assert found["warnings"] == [
        f"book.txt: larger than {MAX_ARTICLE_CHARS >> 20} MB, too large for one article; skipped "
        "(split it, or make it a JSONL file with one article per line)"
    ]
    assert found["rss_mb"] < 400


def test_a_gzip_bomb_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """300 KB of .jsonl.gz that inflates to a 300 MB line, between two good rows: the line is
    skipped with a warning, the rows are read, and memory stays far below the inflated size."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with gzip.open(corpus / "bomb.jsonl.gz", "wb", compresslevel=9) as handle:
        handle.write(b'{"id": "before", "text": "Kabul before."}\n{"id": "bomb", "text": "')
        chunk = b"a" * (1 << 20)
        for _ in range(300):
            handle.write(chunk)
        handle.write(b'"}\n{"id": "after", "text": "Kabul after."}\n')
    assert (corpus / "bomb.jsonl.gz").stat().st_size < 1 << 20
    found = read_in_subprocess(corpus)
    assert found["ids"] == ["before", "after"]
    assert found["warnings"] == [f"bomb.jsonl.gz:2: line longer than {MAX_ARTICLE_CHARS >> 20} MB; skipped"]
    assert found["rss_mb"] < 200, f"peak RSS {found['rss_mb']:.0f} MB"


# -- many tiny files -----------------------------------------------------------------------------


def test_reading_20000_tiny_files_holds_nothing_per_file(tmp_path: Path) -> None:
    """Over 20,000 files the file list costs well under 1 KB a file, and reading holds
    nothing per file: memory in use after the last 5,000 files (traced, after 15,000
    untraced) is what it was after the first 500 of them. Even 50 bytes kept per file
    would show as 225 KB."""
    count, traced = 20_000, 5_000
    for folder in range(20):
        sub = tmp_path / f"s{folder:02d}"
        sub.mkdir()
        for number in range(count // 20):
            (sub / f"a{number:04d}.txt").write_bytes(b"Kabul, a tiny article number %d." % number)
    warnings: list[CorpusWarning] = []
    tracemalloc.start()
    try:
        files = list_files(tmp_path, warnings.append)
        listed = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    read = sum(1 for file in files[:-traced] for _article in read_articles(file, tmp_path, warnings.append))
    in_use: dict[int, int] = {}
    snapshots: dict[int, tracemalloc.Snapshot] = {}
    tracemalloc.start()
    try:
        for number, file in enumerate(files[-traced:], start=1):
            read += sum(1 for _article in read_articles(file, tmp_path, warnings.append))
            if number in (500, traced):
                in_use[number] = tracemalloc.get_traced_memory()[0]
                snapshots[number] = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    assert len(files) == count and read == count and warnings == []
    assert listed / count < 1024, f"{listed / count:.0f} bytes per listed file"
    # A one-off resize of a table (the interned-strings dict, say) is one big block; what is
    # kept per file would be many blocks. Count the blocks, and the bytes without such resizes.
    changes = snapshots[traced].compare_to(snapshots[500], "lineno")
    blocks = sum(change.count_diff for change in changes)
    kept = sum(change.size_diff for change in changes if change.count_diff > 1 or change.size_diff < 65536)
    assert blocks < (traced - 500) // 10, f"{blocks} more blocks over {traced - 500} files: {changes[:5]}"
    assert kept < 64 * 1024, f"memory grew by {kept} bytes over {traced - 500} files: {changes[:5]}"
    assert in_use[traced] - in_use[500] < 4 << 20


# -- files and folders that vanish mid-run -------------------------------------------------------


def _vanishing_walk(real_walk, doomed: list[Path]):  # type: ignore[no-untyped-def]
    """``os.walk`` that deletes ``doomed`` right after listing the top folder: the file is
    gone before the walker stats it, the folder before the walker lists it."""

    def walk(top, *args, **kwargs) -> Iterator[tuple[str, list[str], list[str]]]:  # type: ignore[no-untyped-def]
        for step, entry in enumerate(real_walk(top, *args, **kwargs)):
            if step == 0:
                for path in doomed:
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
            yield entry

    return walk


def test_files_and_folders_vanishing_during_the_walk_give_one_warning_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "gone.txt").write_text("About to vanish.")
    (tmp_path / "kept.txt").write_text("An article about Kabul.")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "inside.txt").write_text("Vanishes with its folder.")
    monkeypatch.setattr(os, "walk", _vanishing_walk(os.walk, [tmp_path / "gone.txt", tmp_path / "folder"]))
    articles, warnings = read_all(tmp_path)
    assert [a.id for a in articles] == ["kept"]
    assert sorted(str(w) for w in warnings) == [
        "folder: cannot read folder (No such file or directory)",
        "gone.txt: cannot read file (No such file or directory)",
    ]


def test_a_file_vanishing_between_listing_and_reading_gives_one_warning(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"Article {name} about Kabul.")
    (tmp_path / "rows.jsonl").write_text(
        "".join(json.dumps({"id": f"r{n}", "text": "Kabul"}) + "\n" for n in range(3))
    )
    warnings: list[CorpusWarning] = []
    files = list_files(tmp_path, warnings.append)
    ids = []
    for file in files:
        if file.relpath == "a.txt":
            (tmp_path / "b.txt").unlink()  # b is listed, not yet read
        rows = read_articles(file, tmp_path, warnings.append)
        if file.relpath == "rows.jsonl":
            ids.append(next(rows).id)
            file.path.unlink()  # mid-file: the open handle still reads to the end (POSIX)
        ids.extend(article.id for article in rows)
    assert ids == ["a", "c", "r0", "r1", "r2"]
    assert [str(w) for w in warnings] == [
        "b.txt: cannot read file (No such file or directory); skipped the rest"
    ]


def test_a_file_vanishing_while_the_indexer_runs(tmp_path: Path) -> None:
    """The indexer lists and hashes every file, then reads them in order; the warning about
    b.jsonl's bad line (a public callback, so a fixed moment) deletes c.txt before it is read."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Article a about Kabul.")
    (corpus / "b.jsonl").write_text('{"id": "b", "text": "Article b about Kabul."}\n{broken\n')
    (corpus / "c.txt").write_text("Article c about Kabul.")
    explorer = Explorer.open(corpus, tmp_path / "index")
    warnings: list[CorpusWarning] = []

    def warn(warning: CorpusWarning) -> None:
        warnings.append(warning)
        if warning.path == "b.jsonl":
            (corpus / "c.txt").unlink(missing_ok=True)

    summary = explorer.update(warn)
    assert summary.articles == 2
    assert [str(w) for w in warnings] == [
        "b.jsonl:2: malformed JSON (Expecting property name enclosed in double quotes); line skipped",
        "c.txt: cannot read file (No such file or directory); skipped the rest",
    ]
    assert {hit.id for hit in explorer.search("Kabul").hits} == {"a", "b"}
    again: list[CorpusWarning] = []
    explorer.update(again.append)
    assert again == []  # b.jsonl unchanged is not read again; c.txt's absence is no news
    assert explorer.status().articles == 2
    explorer.close()


def test_a_file_vanishing_before_the_parallel_writers_reread_it(tmp_path: Path) -> None:
    """A batch of 1,000+ articles is read in the indexing process, then again by the writer
    processes; a file that vanishes in between once aborted the whole run (WorkerFailed)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = (json.dumps({"id": f"a{n}", "text": f"Kabul report {n}."}) + "\n" for n in range(1_200))
    (corpus / "a.jsonl").write_text("".join(rows))
    (corpus / "z.jsonl").write_text('{"id": "z", "text": "Kabul z."}\n{broken\n')
    warnings: list[CorpusWarning] = []

    def warn(warning: CorpusWarning) -> None:
        warnings.append(warning)
        if warning.path == "z.jsonl":
            (corpus / "a.jsonl").unlink(missing_ok=True)  # read once already; the writers read it again

    explorer = Explorer.open(corpus, tmp_path / "index")
    summary = explorer.update(warn)
    assert any(w.path == "a.jsonl" for w in warnings)
    assert "z" in {hit.id for hit in explorer.search("Kabul", limit=0).hits}
    assert summary.articles == explorer.status().articles
    explorer.close()


# -- unreadable files and folders ----------------------------------------------------------------


def _without_permission_override() -> list[str]:
    """A command prefix under which file permissions really refuse.

    chmod 000 means nothing to root, whose CAP_DAC_OVERRIDE reads anything; as root
    the reader runs without that capability (and CAP_DAC_READ_SEARCH), through
    util-linux's setpriv, instead of the test skipping.
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be made to refuse")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, "--bounding-set", caps, "--inh-caps", caps]


def test_unreadable_files_and_folders_are_skipped_with_one_warning_each(tmp_path: Path) -> None:
    prefix = _without_permission_override()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("A readable article about Kabul.")
    (corpus / "secret.txt").write_text("Nobody may read this.")
    (corpus / "locked").mkdir()
    (corpus / "locked" / "inside.txt").write_text("Behind a locked folder.")
    (corpus / "secret.txt").chmod(0)
    (corpus / "locked").chmod(0)
    try:
        found = read_in_subprocess(corpus, prefix)
        assert found["ids"] == ["ok"]
        assert sorted(found["warnings"]) == [
            "locked: cannot read folder (Permission denied)",
            "secret.txt: cannot read file (Permission denied); skipped the rest",
        ]
        explorer = str(Path(sys.executable).parent / "explorer")
        done = subprocess.run(
            [*prefix, explorer, "index", "--corpus", str(corpus), "--index", str(tmp_path / "index")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "indexed 1 articles" in done.stdout
        assert sorted(done.stderr.splitlines()) == [
            "explorer: warning: locked: cannot read folder (Permission denied)",
            "explorer: warning: secret.txt: cannot read file (Permission denied); skipped",
        ]
    finally:
        (corpus / "secret.txt").chmod(0o644)
        (corpus / "locked").chmod(0o755)


# -- links and special files ---------------------------------------------------------------------


def test_link_loops_dangling_links_and_pipes_do_not_stop_or_hang_the_walk(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "a").mkdir(parents=True)
    (corpus / "a" / "one.txt").write_text("An article about Kabul.")
    (corpus / "a" / "up").symlink_to(corpus)  # folder loop
    (corpus / "a" / "self").symlink_to(corpus / "a" / "self")  # link to itself
    (corpus / "x.txt").symlink_to(corpus / "y.txt")  # file links in a loop
    (corpus / "y.txt").symlink_to(corpus / "x.txt")
    (corpus / "dangling.txt").symlink_to(corpus / "missing.txt")
    (corpus / "linked.txt").symlink_to(corpus / "a" / "one.txt")  # a link to a file is read
    os.mkfifo(corpus / "pipe.jsonl")  # opening it would block for ever
    before = sorted((p.name, p.lstat().st_mtime_ns) for p in corpus.rglob("*"))
    found = read_in_subprocess(corpus)  # a subprocess, so a hang fails by timeout
    assert sorted(found["ids"]) == ["a/one", "linked"]
    assert sorted(found["warnings"]) == [
        "dangling.txt: cannot read file (No such file or directory)",
        "pipe.jsonl: not a regular file (a pipe, socket or device); skipped",
        "x.txt: cannot read file (Too many levels of symbolic links)",
        "y.txt: cannot read file (Too many levels of symbolic links)",
    ]
    assert stat.S_ISFIFO((corpus / "pipe.jsonl").lstat().st_mode)
    assert sorted((p.name, p.lstat().st_mtime_ns) for p in corpus.rglob("*")) == before
