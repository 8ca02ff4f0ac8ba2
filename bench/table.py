"""The one table `make bench` prints, as Markdown so it can be pasted into README.md as is."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .measure import Latency

HEADER = ("corpus", "measure", "ours", "stock Whoosh", "ours vs stock")


@dataclass(frozen=True, slots=True)
class Row:
    corpus: str
    measure: str
    ours: str
    stock: str = ""
    ratio: str = ""

    def cells(self) -> tuple[str, ...]:
        return (self.corpus, self.measure, self.ours, self.stock, self.ratio)


def render(rows: list[Row]) -> str:
    cells = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADER))]

    def line(values: tuple[str, ...]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(HEADER), rule, *(line(c) for c in cells[1:])])


# -- formatting -------------------------------------------------------------


def seconds(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def ms(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if value < 1:
        return f"{value:.2f}"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def latency(value: Latency) -> str:
    return f"{ms(value.p50)} / {ms(value.p95)} / {ms(value.max)} ms"


def megabytes(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value * 1024:,.0f} KB" if value < 1 else f"{value:,.0f} MB"


def count(value: int) -> str:
    return f"{value:,}"


def speed(ours: float, stock: float) -> str:
    """Ratio of two durations (lower is better), said in words so nobody has to guess the direction."""
    if not ours or not stock or math.isnan(ours) or math.isnan(stock):
        return ""
    if ours <= stock:
        return f"{stock / ours:.2f}x faster"
    return f"{ours / stock:.2f}x slower"


def rate_ratio(ours: float, stock: float) -> str:
    """Ratio of two rates (higher is better)."""
    return speed(1 / ours, 1 / stock) if ours and stock else ""


def size(ours: float, stock: float) -> str:
    if not ours or not stock or math.isnan(ours) or math.isnan(stock):
        return ""
    return f"{ours / stock:.2f}x"


def latency_ratio(ours: Latency, stock: Latency) -> str:
    p50, p95 = speed(ours.p50, stock.p50), speed(ours.p95, stock.p95)
    return f"p50 {p50}, p95 {p95}" if p50 and p95 else ""
