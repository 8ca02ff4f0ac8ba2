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
