"""The status line: which corpus, how many articles, and how fresh the index is.

``IndexState`` is the app's one record of the index; the line re-renders
only when it changes (a reactive on the app, watched here), so an idle app
writes nothing to the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from textual.content import Content

from .quiet import QuietStatic
from .rich_text import one_line


@dataclass(frozen=True)
class IndexState:
    """What the app knows about the index right now."""

    corpus: str = ""
    articles: int = 0
    exists: bool = False
    checked: bool = False  # freshness has been checked at least once
    stale_files: int = 0  # files changed since the index was built
    busy: bool = False  # an indexing run is under way
    done: int = 0
    total: int = 0
    stage: str = ""  # what the indexer is doing: reading, writing, entities
    warnings: int = 0
    error: str | None = None
    version: int = 0  # bumped whenever the searchable index changed

    @property
    def ready(self) -> bool:
        """Searches can run (possibly on the previous state while re-indexing)."""
        return self.exists

    def with_(self, **changes: object) -> IndexState:
        return replace(self, **changes)  # type: ignore[arg-type]


def describe(state: IndexState) -> str:
    """The freshness part of the status line, in words."""
    if state.busy:
        # The count first: on a narrow terminal the end of the line is what gets cut.
        what = "indexing" if not state.exists else "re-indexing"
        if state.total:
            what += f" {state.done}/{state.total} files" + (f" ({state.stage})" if state.stage else "")
        else:
            what += f": {state.stage}…" if state.stage else "…"
        return what + ("" if not state.exists else " · search uses the previous index")
    if state.error:
        return f"index problem: {state.error}: press r to try again"
    if not state.exists:
        return "not indexed yet"
    if not state.checked:
        return "checking the index…"
    if state.stale_files:
        files = "file" if state.stale_files == 1 else "files"
        return f"{state.stale_files} {files} changed since indexing: press r to re-index"
    note = "index up to date"
    if state.warnings:  # what they were is on `explorer index`'s stderr, one line each
        note += f" ({state.warnings} warning{'s' if state.warnings != 1 else ''})"
    return note


class StatusLine(QuietStatic):
    """One line at the bottom: ``corpus · N articles · freshness``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"status--stale"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, fixed_height=True)

    def on_mount(self) -> None:
        self.watch(self.app, "index_state", self.show_state)

    def show_state(self, state: IndexState) -> None:
        articles = f"{state.articles} article{'s' if state.articles != 1 else ''}"
        where = [one_line(state.corpus) or "corpus", articles]
        # while indexing, the progress leads, so a long corpus name cannot push it off the line
        parts = [describe(state), *where] if state.busy else [*where, describe(state)]
        line = Content(" · ".join(parts))
        if state.stale_files and not state.busy:
            line = line.stylize(".status--stale")
        self.show_content(line)
