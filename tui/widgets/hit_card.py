"""One search hit drawn as a few lines that always fit the width they get.

Titles and snippets come from scraped articles: they may hold CJK or emoji
(two cells wide), so every width here is counted in terminal cells
(``Content.cell_length``/``truncate``), never with ``len()``; that keeps the
date, source and title columns aligned from one hit to the next. The card
is a Textual ``Visual`` because only at render time is the width known.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap

from search.models import Hit

from .rich_text import plain, segments_content
from .visuals import LinesVisual

DATE_CELLS = 10  # YYYY-MM-DD; times are left to the article pane
RANK_CELLS = 4  # cursor mark, rank, space: "> 12 "
CURSOR_MARK = ">"  # marks the hit under the cursor without relying on colour (NO_COLOR)
SNIPPET_LINES = 2
NO_DATE = "—"


def fit(content: Content, cells: int) -> Content:
    """``content`` cut (with an ellipsis) or padded to exactly ``cells`` cells."""
    if cells <= 0:
        return Content("")
    return content.truncate(cells, ellipsis=True, pad=True)


def source_cells(width: int) -> int:
    """How wide the source column is: a fifth of the line, between 6 and 20 cells."""
    return max(6, min(20, (width - RANK_CELLS - DATE_CELLS - 3) // 4))


class HitCard(LinesVisual):
    """Rank, date, source and title on one line, then the snippet on up to two."""

    def __init__(self, hit: Hit, snippet_lines: int = SNIPPET_LINES) -> None:
        self.hit = hit
        self.snippet_lines = snippet_lines
        self._title = plain(hit.title)
        self._source = plain(hit.source)
        self._snippet = segments_content(hit.snippet, ".results--match")
        self._snippet_cells = cell_len(self._snippet.plain.rstrip())  # how wide it is unwrapped
        self._snippet_lines: tuple[int, list[Content]] | None = None  # (width, lines)
        self.selected = False  # under the list's cursor: drawn with CURSOR_MARK

    def header(self, width: int) -> Content:
        """``> 1 2021-09-06 source        Title…`` cut to ``width`` cells."""
        mark = CURSOR_MARK if self.selected else " "
        rank = mark + str(self.hit.rank).rjust(RANK_CELLS - 2) + " "
        date = (self.hit.date or NO_DATE)[:DATE_CELLS].ljust(DATE_CELLS) + " "
        source = fit(self._source, source_cells(width)).plain
        if self.selected:  # on the cursor bar the columns keep its colours, for contrast in any palette
            line = Content.assemble(rank, date, source, " ", (self._title.plain, ".results--title"))
        else:
            line = Content.assemble(
                (rank, ".results--rank"),
                (date, ".results--date"),
                (source, ".results--source"),
                " ",
                (self._title.plain, ".results--title"),
            )
        return line.truncate(width, ellipsis=True)

    def snippet(self, width: int) -> list[Content]:
        """The snippet wrapped under the title, at most ``snippet_lines`` lines."""
        indent = RANK_CELLS
        inner = width - indent
        if inner < 8 or not self._snippet or self.snippet_lines <= 0:
            return []
        lines = self._snippet.wrap(inner)
        if len(lines) > self.snippet_lines:
            keep = lines[: self.snippet_lines - 1]
            rest = Content(" ").join(line.rstrip() for line in lines[self.snippet_lines - 1 :])
            lines = [*keep, rest.truncate(inner, ellipsis=True)]
        return [Content(" " * indent) + line.rstrip() for line in lines]

    def layout(self, width: int) -> list[Content]:
        # The snippet is kept apart from the header: the cursor arriving or leaving changes
        # only the header, and wrapping the snippet is most of the work of a card.
        if self._snippet_lines is None or self._snippet_lines[0] != width:
            self._snippet_lines = (width, self.snippet(width))
        return [self.header(width), *self._snippet_lines[1]]

    def get_height(self, rules: RulesMap, width: int) -> int:
        """The card's height without wrapping its snippet (the list asks it of every hit, seen or not).

        Greedy wrapping (``Content.wrap``, Rich's ``divide_line``) breaks a line
        only where a word would end past the width, so the snippet is one line
        exactly when it fits unwrapped (trailing spaces aside) and at least two
        otherwise; with at most two lines shown that is all the height needs.
        The snippet is then wrapped only for the cards that are drawn.
        """
        if self.snippet_lines > 2 or (self._snippet_lines is not None and self._snippet_lines[0] == width):
            return super().get_height(rules, width)
        if width - RANK_CELLS < 8 or not self._snippet or self.snippet_lines <= 0:
            return 1
        return 1 + (1 if self._snippet_cells <= width - RANK_CELLS else self.snippet_lines)

    def cache_key(self, width: int) -> Hashable:
        return (width, self.selected)  # the cursor mark and the header's colours follow the cursor
