"""The compare view: one event as columns, one per source, aligned passage by passage.

The comparison is computed in a thread worker (``EventTable.compare``) and
posted back as ``ComparisonLoaded``; a generation number drops the result
of an event the reader already moved past with ``[``/``]``. The grid is one
``Visual`` inside one scroll, so every column scrolls with the others; each
row's cells are wrapped to the column width (in terminal cells) and padded
to the row's height. The differences the engine found are marked in the
text (reverse + underline, readable without colour) and listed below.

A terminal narrower than ``COLUMN_CELLS`` per source shows as many columns
as fit (two at 80 columns); ``h``/``l`` (or left/right) move across sources
and the bar says which are shown ("sources 1-2 of 4").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content

from ..messages import ComparisonLoaded
from ..textsafe import safe_line
from ..widgets.footer import ExplorerFooter
from ..widgets.quiet import QuietStatic
from ..widgets.status import StatusLine
from ..widgets.visuals import LinesVisual
from .base import ExplorerScreen
from .keys import KeySection

COLUMN_CELLS = 36  # narrowest column worth reading; fewer columns are shown below this
GAP = " │ "
MARK = "reverse underline"  # a difference in the text: visible in any palette and without colour


def visible_columns(width: int, count: int) -> int:
    """How many source columns fit side by side in ``width`` cells (at least one)."""
    fit = max(1, (width + len(GAP)) // (COLUMN_CELLS + len(GAP)))
    return max(1, min(count, fit))


def passage_content(passage: Any, differences: Sequence[Any]) -> Content:
    """A passage's text, safe for the terminal, with its differences marked (offsets clamped)."""
    text = safe_line(passage.text)
    content = Content(text)
    for difference in differences:
        if difference.passage != passage.key:
            continue
        start, end = difference.start, difference.end
        if start < 0 or end < 0:  # no offsets: find the words instead
            start = text.find(difference.text)
            end = start + len(difference.text) if start >= 0 else -1
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        if end > start:
            content = content.stylize(MARK, start, end)
    return content


class CompareGrid(LinesVisual):
    """The rows of a comparison, the columns ``first``..``first+count`` side by side."""

    def __init__(self, comparison: Any, first: int, count: int) -> None:
        self.comparison = comparison
        self.first = first
        self.count = count

    def layout(self, width: int) -> list[Content]:
        comparison = self.comparison
        columns = range(self.first, min(self.first + self.count, len(comparison.columns)))
        cell = max(8, (width - len(GAP) * (len(columns) - 1)) // max(1, len(columns)))
        out: list[Content] = []
        heads = [
            Content(safe_line(comparison.columns[c])).truncate(cell, ellipsis=True, pad=True) for c in columns
        ]
        out.append(Content(GAP).join(heads).stylize("bold"))
        for row in comparison.rows:
            wrapped: list[list[Content]] = []
            for column in columns:
                lines: list[Content] = []
                for passage in row.cells[column]:
                    if lines:
                        lines.append(Content(""))
                    text = passage_content(passage, comparison.differences)
                    lines.extend(line.rstrip() for line in text.wrap(cell))
                wrapped.append(lines)
            height = max((len(lines) for lines in wrapped), default=0)
            out.append(Content("─" * width))
            for index in range(height):
                parts = [
                    (lines[index] if index < len(lines) else Content("")).pad_right(
                        max(0, cell - (lines[index].cell_length if index < len(lines) else 0))
                    )
                    for lines in wrapped
                ]
                out.append(Content(GAP).join(parts))
        return out


def differences_content(comparison: Any) -> Content:
    """One line per difference: kind, source (column number), the words, how the others differ."""
    if not comparison.differences:
        return Content("No differences found between the sources.")
    lines = [Content.styled(f"Differences ({len(comparison.differences)})", "bold")]
    for difference in comparison.differences:
        try:
            column = comparison.columns.index(difference.source) + 1
        except ValueError:
            column = 0
        lines.append(
            Content.assemble(
                (f"{difference.kind:<8} ", "bold"),
                f"[{column}] ",
                (safe_line(difference.text), MARK),
                f"  {safe_line(difference.explanation)}",
            )
        )
    return Content("\n").join(lines)


class CompareScroll(VerticalScroll):
    """The grid's scroll: up/down scroll, left/right (and h/l) move across the sources."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h,left", "screen.sources_left", "Prev sources", id="compare.left"),
        Binding("l,right", "screen.sources_right", "Next sources", id="compare.right"),
        Binding("j", "scroll_down", "Down", show=False, id="compare.down"),
        Binding("k", "scroll_up", "Up", show=False, id="compare.up"),
    ]


class CompareScreen(ExplorerScreen):
    """One event's sources side by side; ``[``/``]`` step through the events it was opened from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="compare.back"),
        Binding("left_square_bracket", "previous_event", "Prev event", id="compare.previous"),
        Binding("right_square_bracket", "next_event", "Next event", id="compare.next"),
        Binding("tab", "focus_next", "Differences", show=False, id="compare.focus-next"),
    ]

    def __init__(self, event_ids: Sequence[str], index: int = 0) -> None:
        super().__init__()
        self.event_ids = list(event_ids)
        self.index = index
        self.first = 0  # the leftmost source shown
        self.comparison: Any = None
        self.generation = 0

    def compose(self) -> ComposeResult:
        yield QuietStatic(id="compare-bar", fixed_height=True)
        with CompareScroll(id="compare-scroll"):
            yield QuietStatic(id="compare-grid")
        with VerticalScroll(id="compare-differences-scroll"):
            yield QuietStatic(id="compare-differences")
        yield StatusLine(id="compare-status")
        yield ExplorerFooter()

    def on_mount(self) -> None:
        self.query_one(CompareScroll).focus()
        self._bar("loading the comparison…")
        self._open()

    def key_sections(self) -> list[KeySection]:
        return [
            KeySection("Compare view", self),
            KeySection("Columns", self.query_one(CompareScroll), inherited=False),
            KeySection("Everywhere", self.app),
        ]

    @property
    def count(self) -> int:
        """How many source columns are shown at once now."""
        columns = len(self.comparison.columns) if self.comparison is not None else 1
        return visible_columns(
            self.query_one(CompareScroll).scrollable_content_region.width or self.size.width, columns
        )

    def _bar(self, text: str) -> None:
        self.query_one("#compare-bar", QuietStatic).show_content(Content(safe_line(text)))

    def _open(self) -> None:
        if not self.event_ids:
            self._bar("No event to compare.")
            return
        self.generation += 1
        self._load(self.generation, self.event_ids[self.index])

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _load(self, generation: int, event_id: str) -> None:
        try:
            comparison = self.explorer_app.explorer.events_table().compare(event_id)
        except Exception as error:
            self.post_message(
                ComparisonLoaded(generation, event_id, error=f"{type(error).__name__}: {error}")
            )
        else:
            self.post_message(ComparisonLoaded(generation, event_id, comparison))

    def on_comparison_loaded(self, message: ComparisonLoaded) -> None:
        if message.generation != self.generation:
            return
        if message.comparison is None:
            self.comparison = None
            self._bar(message.error or f"Event {message.event_id} is no longer in the index.")
            self.query_one("#compare-grid", QuietStatic).show_content(Content(""))
            self.query_one("#compare-differences", QuietStatic).show_content(Content(""))
            return
        self.comparison = message.comparison
        self.first = 0
        self.query_one("#compare-differences", QuietStatic).update(differences_content(message.comparison))
        self._show()
        self.query_one(CompareScroll).scroll_home(animate=False)

    def _show(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        total = len(comparison.columns)
        count = self.count
        self.first = max(0, min(self.first, total - count))
        last = self.first + count
        shown = f"sources {self.first + 1}-{last} of {total}" if count < total else f"{total} sources"
        if count < total:
            shown += " (h/l: more)"
        event = comparison.event
        self._bar(
            f"Event {self.index + 1} of {len(self.event_ids)} · {shown} · "
            f"{event.date or event.published or 'no date'} · {event.label}"
        )
        self.query_one("#compare-grid", QuietStatic).update(CompareGrid(comparison, self.first, count))

    def on_resize(self, event: events.Resize) -> None:
        self._show()

    # -- actions ----------------------------------------------------------------------

    def action_sources_left(self) -> None:
        if self.comparison is None or self.first == 0:
            self.app.bell()
            return
        self.first = max(0, self.first - self.count)
        self._show()

    def action_sources_right(self) -> None:
        if self.comparison is None or self.first + self.count >= len(self.comparison.columns):
            self.app.bell()
            return
        self.first += self.count
        self._show()

    def action_previous_event(self) -> None:
        if self.index == 0:
            self.app.bell()
            return
        self.index -= 1
        self._open()

    def action_next_event(self) -> None:
        if self.index + 1 >= len(self.event_ids):
            self.app.bell()
            return
        self.index += 1
        self._open()

    def action_back(self) -> None:
        self.dismiss(None)
