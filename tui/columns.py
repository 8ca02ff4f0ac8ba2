"""Side-by-side columns of text for the terminal, counted in cells, not characters.

`explorer compare` prints one column per source. CJK characters and most
emoji take two terminal cells, combining marks none, so widths are measured
per character; wrapping never splits inside a word unless the word alone is
wider than its column. Kept free of Rich and Textual so the CLI starts fast.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

GAP = " │ "


@lru_cache(maxsize=4096)
def char_cells(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    return sum(char_cells(ch) for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cells(text))


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap to ``width`` cells; a word wider than the column is cut."""
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        size = cells(word)
        while size > width:  # cut an over-long word across lines
            if line:
                lines.append(line)
                line, used = "", 0
            head, taken = "", 0
            for ch in word:
                if taken + char_cells(ch) > width:
                    break
                head += ch
                taken += char_cells(ch)
            lines.append(head)
            word = word[len(head) :]
            size = cells(word)
        if not word:
            continue
        if line and used + 1 + size > width:
            lines.append(line)
            line, used = "", 0
        line = f"{line} {word}" if line else word
        used += size + (1 if used else 0)
    if line:
        lines.append(line)
    return lines


def column_width(total: int, count: int) -> int:
    return max(8, (total - len(GAP) * (count - 1)) // max(1, count))


def render_row(cells_text: Sequence[str], width: int) -> list[str]:
    """One row of columns: each cell wrapped to ``width``, all padded to the same height."""
    wrapped = [wrap(text, width) if text else [] for text in cells_text]
    height = max((len(lines) for lines in wrapped), default=0)
    out = []
    for index in range(height):
        parts = [pad(lines[index] if index < len(lines) else "", width) for lines in wrapped]
        out.append(GAP.join(parts).rstrip())
    return out
