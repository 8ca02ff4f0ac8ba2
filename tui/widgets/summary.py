"""The two lines under the search box: what the last search found, and which spellings it included.

The hit count says "about N" when the engine only estimated it, and the
time the search took is shown unless the app was asked to hide timings
(snapshot tests do, so their screens are the same on every run).
"""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content

from search.models import SearchResult

from ..messages import SearchRequest
from .quiet import QuietStatic
from .rich_text import one_line


def hit_count(result: SearchResult) -> str:
    """``5 hits``, ``about 1200 hits``, ``no hits``; and how many are listed when fewer."""
    if not result.total:
        return "no hits"
    noun = "hit" if result.total == 1 else "hits"
    count = f"about {result.total}" if result.total_is_estimate else str(result.total)
    text = f"{count} {noun}"
    if len(result.hits) < result.total:
        text += f" (top {len(result.hits)} listed)"
    return text


def filters(request: SearchRequest) -> list[str]:
    """The active filters, in words."""
    parts = []
    if request.sources:
        shown = ", ".join(request.sources[:2])
        more = len(request.sources) - 2
        parts.append(f"sources: {shown}" + (f" +{more}" if more > 0 else ""))
    if request.since:
        parts.append(f"since {request.since}")
    if request.until:
        parts.append(f"until {request.until}")
    return parts


class SummaryLine(QuietStatic):
    """``5 hits · variants on · sources: a · 3 ms``, or the error of the last query."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"summary--count", "summary--error"}

    def __init__(self, *, show_timing: bool = True, id: str | None = None) -> None:
        super().__init__(id=id, fixed_height=True)
        self.show_timing = show_timing

    def idle(self, request: SearchRequest) -> None:
        """No query yet: say how to start and what is set."""
        mode = "exact words" if request.exact else "spelling variants on"
        parts = ["Type to search", mode, *filters(request)]
        self.show_content(Content(" · ".join(parts)))

    def show(self, request: SearchRequest, result: SearchResult) -> None:
        mode = "exact" if result.exact else "variants on"
        rest = [mode, *filters(request)]
        if self.show_timing:
            rest.append(f"{result.elapsed_ms:.0f} ms")
        self.show_content(
            Content.assemble((hit_count(result), ".summary--count"), " · ", one_line(" · ".join(rest)))
        )

    def error(self, message: str) -> None:
        self.show_content(Content.styled(one_line(message), ".summary--error"))


class ExpansionLine(QuietStatic):
    """``Dashty: also Dashti``: the spellings a search added, hidden when there are none."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, fixed_height=True)

    def show(self, result: SearchResult | None) -> None:
        expansions = result.expansions if result is not None else ()
        self.set_class(bool(expansions), "-shown")
        self.show_content(Content(one_line("; ".join(e.describe() for e in expansions))))
