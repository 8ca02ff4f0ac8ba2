"""Article text is data: make it harmless before it reaches a terminal.

Scraped articles can carry terminal escape sequences (clear screen, change
the window title, write the clipboard), other control characters and bidi
overrides that reorder what a reader sees. Before text is printed for people
(or handed to a widget), every such character is replaced with a visible
escape such as ``\\x1b``. Machine formats (JSON, TSV) keep the exact text and
rely on their own escaping instead.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidi
# embedding/override/isolate marks.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """``text`` with control and bidi characters shown as visible escapes."""
    return _UNSAFE.sub(_escape, text)


def safe_line(text: str) -> str:
    """Like ``safe_text``, on one line: tabs and newlines become spaces."""
    return safe_text(" ".join(text.split())) if ("\n" in text or "\t" in text) else safe_text(text)
