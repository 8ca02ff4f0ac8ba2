"""Turn article-derived strings into Textual Content without ever parsing markup.

Everything that came from a corpus file is data: it goes through
``safe_text``/``safe_line`` (control and bidi characters made visible) and is
then wrapped in ``Content`` directly, so a title such as ``[bold]x[/]`` is
shown as written instead of being interpreted. Styles are component-class
names (".results--match"), so colours live in app.tcss, not in code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from textual.content import Content
from textual.style import Style

from search.models import Segment, Span

from ..textsafe import safe_text

_LINE_BREAKS = re.compile(r"[\t\n\r\f\v]+")


def one_line(text: str) -> str:
    """``text`` made safe and kept on one line, inner spacing preserved.

    ``safe_line`` also strips the ends, which would glue a snippet segment to
    the highlighted word after it ("Fahim" + "Dashty"), so segments use this.
    """
    return safe_text(_LINE_BREAKS.sub(" ", text))


def plain(text: str) -> Content:
    """One line of article text as Content (never markup)."""
    return Content(one_line(text))


def segments_content(segments: Iterable[Segment], match_style: str) -> Content:
    """A snippet with its matched words styled."""
    parts: list[tuple[str, str] | str] = []
    for segment in segments:
        text = one_line(segment.text)
        parts.append((text, match_style) if segment.match else text)
    return Content.assemble(*parts)


def highlighted_text(
    text: str,
    spans: Sequence[Span],
    match_style: str,
    current: int | None = None,
    current_style: str | Style = "",
) -> tuple[Content, list[Span]]:
    """Article text with ``spans`` styled, and where each span lies in the displayed text.

    The displayed text differs from the stored one wherever ``safe_text``
    escaped a character, so the spans are mapped onto it piece by piece.
    Overlapping spans are dropped (the first one wins). ``current`` indexes
    the returned spans; that one also gets ``current_style``.
    """
    parts: list[tuple[str, str] | str] = []
    shown: list[Span] = []
    position = 0
    offset = 0
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.start < position or span.end <= span.start:
            continue
        before = safe_text(text[position : span.start])
        inside = safe_text(text[span.start : span.end])
        parts.append(before)
        parts.append((inside, match_style))
        offset += len(before)
        shown.append(Span(offset, offset + len(inside)))
        offset += len(inside)
        position = span.end
    parts.append(safe_text(text[position:]))
    content = Content.assemble(*parts)
    if current is not None and 0 <= current < len(shown) and current_style:
        content = content.stylize(current_style, shown[current].start, shown[current].end)
    return content, shown
