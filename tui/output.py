"""Formatting engine results for people (text) and for programs (tsv, jsonl, json).

Only formatting lives here: the records come from the engine's facade. This
module must not import Textual or Rich, so `explorer search` starts fast.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from search.models import Article, Expansion, Hit, SearchResult

from .textsafe import safe_line, safe_text

FORMATS = ("text", "tsv", "jsonl", "json")
HIT_COLUMNS = ("query", "rank", "id", "score", "date", "source", "title", "snippet", "matched")


class Style:
    """ANSI styling that disappears entirely when colour is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled and text else text

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def date(self, text: str) -> str:
        return self._wrap("32", text)

    def source(self, text: str) -> str:
        return self._wrap("35", text)

    def match(self, text: str) -> str:
        return self._wrap("1;31", text)

    def note(self, text: str) -> str:
        return self._wrap("36", text)


def use_colour(choice: str, stream: TextIO) -> bool:
    """--color auto: a TTY, NO_COLOR unset or empty, and TERM not `dumb`."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def default_format(stream: TextIO) -> str:
    return "text" if stream.isatty() else "tsv"


def hit_record(result: SearchResult, hit: Hit) -> dict[str, Any]:
    return {
        "query": result.query,
        "rank": hit.rank,
        "id": hit.id,
        "score": hit.score,
        "date": hit.date,
        "source": hit.source,
        "title": hit.title,
        "snippet": hit.snippet_text,
        "matched": list(hit.matched),
        "expansions": [_expansion_record(e) for e in result.expansions],
    }


def _expansion_record(expansion: Expansion) -> dict[str, Any]:
    """One widened query word; an entity expansion also names the entity (as the text line does)."""
    record: dict[str, Any] = {
        "word": expansion.word,
        "variants": list(expansion.variants),
        "reason": expansion.reason,
    }
    if expansion.entity:
        record["entity"] = expansion.entity
    return record


_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_TSV_SPECIAL = re.compile("[\\\\\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _tsv_escape(match: re.Match[str]) -> str:
    char = match.group()
    return _TSV_ESCAPES.get(char) or f"\\x{ord(char):02x}"


def tsv_field(value: Any) -> str:
    """One TSV cell, reversibly escaped: backslash, tab, newline, CR as \\\\, \\t, \\n, \\r and
    other control characters as \\xNN, so a cell never breaks a row or drives a terminal."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return _TSV_SPECIAL.sub(_tsv_escape, str(value))


def tsv_line(values: Iterable[Any]) -> str:
    return "\t".join(tsv_field(v) for v in values) + "\n"


def format_text_hits(result: SearchResult, style: Style, *, show_query: bool) -> str:
    lines: list[str] = []
    if show_query:
        lines.append(style.bold(f"== {safe_line(result.query)}"))
    for expansion in result.expansions:
        lines.append(style.note(safe_line(expansion.describe())))
    for hit in result.hits:
        head = "  ".join(
            part
            for part in (
                style.dim(f"{hit.rank:>3}"),
                style.date((hit.date or "----------")[:10]),
                style.source(safe_line(hit.source)),
                style.bold(safe_line(hit.title)),
            )
            if part
        )
        snippet = "".join(
            style.match(safe_line(s.text)) if s.match else safe_line(s.text) for s in hit.snippet
        )
        lines.append(head)
        if snippet:
            lines.append(f"     {snippet}")
    return "\n".join(lines) + ("\n" if lines else "")


def write_result(
    result: SearchResult,
    out: TextIO,
    fmt: str,
    style: Style,
    *,
    header: bool,
    first: bool,
    show_query: bool,
) -> None:
    """Write one query's hits. ``header``: the tsv header line goes first (the caller asks for
    it once per run, hits or not, so a reader can always rely on it); ``first``: no hit has
    been written yet, so json opens its array here."""
    if fmt == "text":
        out.write(format_text_hits(result, style, show_query=show_query))
    elif fmt == "tsv":
        if header:
            out.write(tsv_line(HIT_COLUMNS))
        for hit in result.hits:
            record = hit_record(result, hit)
            out.write(tsv_line(record[c] for c in HIT_COLUMNS))
    elif fmt == "jsonl":
        for hit in result.hits:
            out.write(json.dumps(hit_record(result, hit), ensure_ascii=False) + "\n")
    elif fmt == "json":
        for hit in result.hits:
            out.write(("[\n" if first else ",\n") + json.dumps(hit_record(result, hit), ensure_ascii=False))
            first = False
    out.flush()


def write_article(article: Article, out: TextIO, fmt: str, style: Style) -> None:
    record = article.as_dict()
    if fmt == "json":
        out.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "jsonl":
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    if fmt == "tsv":
        columns = ("id", "source", "date", "title", "url", "path", "text")
        out.write(tsv_line(columns))
        out.write(tsv_line(record[c] for c in columns))
        return
    labels: Sequence[tuple[str, str | None]] = (
        ("id", article.id),
        ("source", article.source),
        ("date", article.date),
        ("title", article.title),
        ("url", article.url),
        ("path", article.path),
        *((key, str(value)) for key, value in sorted(article.meta.items())),
    )
    for label, value in labels:
        if value:
            out.write(f"{style.dim((label + ':').ljust(8))} {safe_line(value)}\n")
    out.write("\n" + safe_text(article.text).rstrip() + "\n")


def stderr_line(message: str) -> None:
    """One line to stderr, control characters escaped (file names come from the corpus)."""
    sys.stderr.write(f"explorer: {safe_line(message)}\n")
    sys.stderr.flush()


def write_records(
    records: Sequence[dict[str, Any]],
    out: TextIO,
    fmt: str,
    columns: Sequence[str],
    *,
    headers: bool = True,
) -> None:
    """Machine formats for any list of records: tsv (the given columns), jsonl, json.

    Nested values in tsv cells are written as compact JSON, so a cell stays one field.
    """
    if fmt == "json":
        out.write(json.dumps(list(records), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "tsv":
        if headers and records:
            out.write(tsv_line(columns))
        for record in records:
            out.write(tsv_line(_cell(record.get(column)) for column in columns))
    out.flush()


def _cell(value: Any) -> Any:
    """A record's value as a TSV cell: a dict, or a list holding dicts or lists (an event's
    passages), as compact JSON; a list of plain values stays comma-joined (``tsv_field``)."""
    nested = isinstance(value, dict) or (
        isinstance(value, (list, tuple)) and any(isinstance(item, (dict, list, tuple)) for item in value)
    )
    if nested:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def format_entity_line(entity: Any, style: Style) -> str:
    """One entity on one line for people: articles, kind, name, other spellings."""
    others = [s for s in entity.spellings if s != entity.name]
    also = style.dim(f"  also {', '.join(safe_line(s) for s in others)}") if others else ""
    return (
        f"{len(entity.articles):>5}  {entity.kind:<8} {style.bold(safe_line(entity.name))}"
        f"{style.dim('  ' + entity.id)}{also}"
    )


def format_entity_page(entity: Any, style: Style) -> str:
    """Everything about one entity: spellings with counts and sources, articles, merge evidence."""
    lines = [
        style.bold(safe_line(entity.name)),
        f"{style.dim('id:')}       {entity.id}",
        f"{style.dim('kind:')}     {entity.kind}",
    ]
    if entity.roles:
        lines.append(f"{style.dim('roles:')}    {', '.join(safe_line(r) for r in entity.roles)}")
    lines.append(style.dim("spellings:"))
    for spelling, count in entity.spellings.items():
        users = sorted(source for source, names in entity.sources.items() if spelling in names)
        lines.append(f"  {safe_line(spelling)} ({count})  {style.source(safe_line(', '.join(users)))}")
    lines.append(style.dim(f"articles ({len(entity.articles)}):"))
    lines.extend(f"  {safe_line(article)}" for article in entity.articles)
    if entity.evidence:
        lines.append(style.dim("why these spellings were merged:"))
        lines.extend(f"  {safe_line(item.describe())}" for item in entity.evidence)
    return "\n".join(lines) + "\n"


def format_event(event: Any, style: Style) -> str:
    """An event for people: id, date, sources, label, then each source's passages."""
    single = style.dim(" (one source)") if event.single_source else ""
    lines = [
        f"{style.dim(event.id)}  {style.date((event.date or '----------')[:10])}  "
        f"{len(event.sources)} sources{single}  {style.bold(safe_line(event.label))}"
    ]
    for source, passages in event.by_source.items():
        for passage in passages:
            lines.append(f"     {style.source(safe_line(source))}: {safe_line(passage.text)}")
    return "\n".join(lines) + "\n"


def format_comparison(comparison: Any, width: int, style: Style) -> str:
    """An event as columns, one per source, passage rows aligned, differences marked «…».

    Marks are characters, not colours, so they survive NO_COLOR, pipes and copy-paste.
    """
    from .columns import column_width, render_row, wrap

    columns = comparison.columns
    size = column_width(width, len(columns))
    marks = _difference_marks(comparison)
    event = comparison.event
    title = safe_line(f"{event.label}  ({event.id}, {event.date or 'date unknown'})")
    out = [style.bold(line) for line in wrap(title, width)] + [""]
    out.extend(render_row([safe_line(c) for c in columns], size))
    out.append("─" * min(width, size * len(columns) + 3 * (len(columns) - 1)))
    for row in comparison.rows:
        texts = [" ".join(_marked(p, marks) for p in cell) for cell in row.cells]
        out.extend(render_row(texts, size))
        out.append("")
    if comparison.differences:
        out.append(style.bold("Differences:"))
        # One line per finding: the engine reports a spelling difference once per source.
        grouped: dict[tuple[str, str], list[str]] = {}
        for difference in comparison.differences:
            quoted = f"{difference.source} «{difference.text}»"
            grouped.setdefault((difference.kind, difference.explanation), []).append(quoted)
        for (kind, explanation), quoted in grouped.items():
            found = wrap(f"{kind}: {safe_line(explanation)}", max(20, width - 2))
            out.extend(("- " if i == 0 else "  ") + line for i, line in enumerate(found))
            if kind != "spelling":
                for line in wrap(safe_line("; ".join(quoted)), max(20, width - 4)):
                    out.append(style.dim(f"    {line}"))
    return "\n".join(out) + "\n"


def _difference_marks(comparison: Any) -> dict[str, list[tuple[int, int]]]:
    marks: dict[str, list[tuple[int, int]]] = {}
    for difference in comparison.differences:
        if difference.start is not None and difference.end is not None and difference.end > difference.start:
            marks.setdefault(difference.passage, []).append((difference.start, difference.end))
    return marks


def _marked(passage: Any, marks: dict[str, list[tuple[int, int]]]) -> str:
    text = passage.text
    spans = sorted(set(marks.get(passage.key, ())))
    pieces, cursor = [], 0
    for start, end in spans:
        if start < cursor or end > len(text):
            continue
        pieces.append(text[cursor:start])
        pieces.append(f"«{text[start:end]}»")
        cursor = end
    pieces.append(text[cursor:])
    return safe_text("".join(pieces))  # columns re-wrap on whitespace, so newlines need no care
