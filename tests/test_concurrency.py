"""One writer, many readers: a re-index in one process never disturbs searches in others.

The indexer is a real `explorer index` process, frozen with SIGSTOP in the
middle of its run (it holds the writer lock and has started writing), so what
"during a re-index" means is a fixed state, not a race: while it is frozen,
CLI searches in several processes and two explorers (TUIs) in tmux search the
previous state, and a second indexer is refused at once. Then the indexer is
let go, and everyone sees the new state. A killed indexer's lock is shown to be
no lock at all.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from search.explorer import Explorer, IndexBusy
from search.index import WRITER_LOCK, writer_lock

from .test_e2e_tmux import TMUX, Tmux

EXPLORER = str(Path(sys.executable).parent / "explorer")
NEW_FILES = 250
DEADLINE = 60.0


def _write_bulk(corpus: Path, count: int) -> None:
    """Enough new articles that indexing them takes a while."""
    words = ["resistance", "valley", "province", "commander", "drones", "talks", "ceasefire", "spokesman"]
    folder = corpus / "bulk"
    folder.mkdir()
    for number in range(count):
        body = " ".join(words[(number * 7 + i) % len(words)] for i in range(200))
        (folder / f"b{number:04d}.txt").write_text(f"Bulkarticle number {number}. {body}\n")


def _lock_holder(index: Path) -> int | None:
    """The pid in the lock file, if that process really holds the lock now."""
    path = index / WRITER_LOCK
    try:
        with path.open("r") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                text = handle.read().strip()
                return int(text) if text.isdigit() else None
            fcntl.flock(handle, fcntl.LOCK_UN)
            return None
    except FileNotFoundError:
        return None


def _wait_until(condition, what: str, timeout: float = DEADLINE) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting until {what}")


@pytest.fixture
def env(seed_corpus: Path, index_dir: Path, tmp_path: Path) -> dict[str, str]:
    environment = {
        **os.environ,
        "EXPLORER_CORPUS": str(seed_corpus),
        "EXPLORER_INDEX": str(index_dir),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "NO_COLOR": "1",
        "TERM": "xterm-256color",
    }
    built = subprocess.run([EXPLORER, "index"], env=environment, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    return environment


@contextlib.contextmanager
def frozen_indexer(env: dict[str, str], index: Path) -> Iterator[subprocess.Popen[str]]:
    """An `explorer index` run stopped (SIGSTOP) once it holds the lock and has begun
    writing; continued when the block ends."""
    process = subprocess.Popen(
        [EXPLORER, "index"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_until(lambda: _lock_holder(index) == process.pid, "the indexer holds the lock")
        time.sleep(0.3)  # let it get into the writing; where exactly it stops does not matter
        process.send_signal(signal.SIGSTOP)
        yield process
    except BaseException:
        process.kill()
        process.wait(timeout=60)
        raise
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)


def _cli_search(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXPLORER, "search", "--format", "tsv", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it when missing)")
def test_readers_keep_searching_while_another_process_reindexes(
    seed_corpus: Path, index_dir: Path, env: dict[str, str], tmp_path: Path
) -> None:
    _write_bulk(seed_corpus, NEW_FILES)
    tuis = [Tmux(tmp_path / f"tmux{n}.sock", env={"TERM": "xterm-256color"}) for n in range(2)]
    try:
        with frozen_indexer(env, index_dir) as indexer:
            # Several CLI searches at once, with and without the update check: all answer
            # from the previous index, quietly, while the writer sits mid-run.
            with ThreadPoolExecutor(4) as pool:
                runs = list(
                    pool.map(
                        lambda args: _cli_search(env, *args), [("Dashty",), ("--no-update", "Dashty")] * 3
                    )
                )
            for run in runs:
                assert run.returncode == 0 and run.stderr == "", run.stderr
                assert len(run.stdout.splitlines()) == 1 + 5
            assert _cli_search(env, "Bulkarticle").returncode == 1  # the new state is not visible yet

            # A second indexer is told at once, in one line, and does not wait.
            second = subprocess.run([EXPLORER, "index"], env=env, capture_output=True, text=True, timeout=60)
            assert second.returncode == 2
            assert second.stderr.count("\n") == 1
            assert f"is being updated by another process (pid {indexer.pid})" in second.stderr
            with pytest.raises(IndexBusy):
                Explorer.open(seed_corpus, index_dir).update()

            # Two explorers open on the same index and search it; asking one to re-index
            # says another process is indexing.
            for tui in tuis:
                tui.start(
                    [
                        "env",
                        *(f"{k}={env[k]}" for k in ("EXPLORER_CORPUS", "EXPLORER_INDEX", "XDG_CACHE_HOME")),
                        EXPLORER,
                    ]
                )
            for tui in tuis:
                tui.wait_for("5 articles")
                tui.send("Dashty", literal=True)
            for tui in tuis:
                tui.wait_for("Dashty: also Dashti", "5 hits")
            tuis[0].send("Enter")
            tuis[0].wait_for("⏎ Open")
            tuis[0].send("r")
            tuis[0].wait_for("another process is indexing")
            assert indexer.poll() is None  # all of that happened while it was frozen

        # Running again: one explorer in this process keeps searching (its searcher refreshed
        # when a commit lands) for as long as the indexer runs; every answer is whole.
        reader = Explorer.open(seed_corpus, index_dir)
        searches = 0
        while indexer.poll() is None or searches == 0:
            assert len(reader.search("Dashty").hits) == 5
            searches += 1
        reader.close()
        out, err = indexer.communicate(timeout=300)
        assert indexer.returncode == 0, err
        assert f"indexed {5 + NEW_FILES} articles" in out

        # Everyone now sees the new state: new processes, and the explorers already open.
        found = _cli_search(env, "--no-update", "--limit", "0", "Bulkarticle")
        assert found.returncode == 0 and len(found.stdout.splitlines()) == 1 + NEW_FILES
        tuis[1].send("C-u")
        tuis[1].send("Bulkarticle", literal=True)
        tuis[1].wait_for("Bulkarticle number 0")
        for tui in tuis:
            tui.send("C-q")
            tui.wait_for("explorer exited with 0")
    finally:
        for tui in tuis:
            tui.kill()


def test_a_killed_indexers_lock_is_not_a_lock(
    seed_corpus: Path, index_dir: Path, env: dict[str, str]
) -> None:
    """flock dies with its process: after SIGKILL the lock file still names the dead pid,
    but the next indexer takes the lock at once, finishes, and writes its own pid."""
    _write_bulk(seed_corpus, NEW_FILES)
    with frozen_indexer(env, index_dir) as indexer:
        with pytest.raises(IndexBusy, match=f"pid {indexer.pid}"), writer_lock(index_dir):
            pass
        indexer.kill()
        indexer.wait(timeout=60)
    assert (index_dir / WRITER_LOCK).read_text().strip() == str(indexer.pid)  # stale file left behind
    assert _lock_holder(index_dir) is None
    again = subprocess.Popen(
        [EXPLORER, "index"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert (
        f"{5 + NEW_FILES} articles" in out
    )  # indexed now, or up to date if it had committed before the kill
    assert (index_dir / WRITER_LOCK).read_text().strip() == str(again.pid)
    # Whoosh's own writer lock (also an flock) is free too: a run that must write succeeds.
    (seed_corpus / "one_more.txt").write_text("One more article about Kabul.")
    more = subprocess.run([EXPLORER, "index"], env=env, capture_output=True, text=True, timeout=300)
    assert more.returncode == 0, more.stderr
    assert f"indexed {6 + NEW_FILES} articles: 1 added" in more.stdout
