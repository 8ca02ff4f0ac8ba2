"""An index run leaves nothing to the cyclic collector that holds its own frames: what it
held is freed by reference counting as it ends, not at the next collection."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

from search.explorer import Explorer

from .conftest import SEEDS


def test_an_index_run_leaves_no_cycle_through_its_frames(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    explorer = Explorer.open(corpus, tmp_path / "index")
    explorer.update()
    (corpus / "more.txt").write_text("Fahim Dashty met Ahmad Massoud in Kabul.", encoding="utf-8")
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        assert explorer.update().added == 1
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        frames = [o.f_code.co_name for o in gc.garbage if type(o).__name__ == "frame"]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert frames == []


def test_what_an_index_run_leaves_alive_is_frozen_before_the_collector_is_back(tmp_path: Path) -> None:
    """Else the first allocation after the run's pause starts a collection of everything it made,
    holding the GIL (0.2 s at 100,000 articles, while the TUI's screen waited)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    explorer = Explorer.open(corpus, tmp_path / "index")
    explorer.update()
    (corpus / "more.txt").write_text("Fahim Dashty met Ahmad Massoud in Kabul.", encoding="utf-8")
    walks: list[int] = []  # objects each collection during the run looked at

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            walks.append(sum(len(gc.get_objects(g)) for g in range(info["generation"] + 1)))

    gc.collect()
    gc.unfreeze()
    gc.callbacks.append(note)
    try:
        assert explorer.store.update(lambda _warning: None).added == 1
        # One collection, ``collect_young`` right after the writer is made, and a small one;
        # none when the pause ends (it would walk everything the run left in the youngest
        # generation), because the run froze that first.
        assert len(walks) <= 1 and max(walks, default=0) < 5000
        assert gc.get_freeze_count() > 0
    finally:
        gc.callbacks.remove(note)
        gc.unfreeze()
