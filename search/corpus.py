"""Reading a corpus folder (or file) into Article records.

A corpus is read, never written. Each input file is looked at once; a bad
file or row is reported through ``warn`` and skipped, and never stops the run.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import os
import re
import threading
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any

from .dates import find_date, parse_date
from .models import Article, CorpusWarning

TEXT_SUFFIXES = (".txt", ".md")
ROW_SUFFIXES = (".jsonl", ".jsonl.gz", ".csv")
KNOWN_FIELDS = ("id", "title", "text", "source", "date", "url")
TITLE_LENGTH = 90
SNIFF_BYTES = 8192
# Bounds that keep memory flat whatever the corpus holds: one article file, or
# one line of a JSONL or CSV file, larger than this is skipped with a warning.
MAX_ARTICLE_CHARS = 32 << 20
# JSON nested deeper than this in one field is dropped with a warning: the index
# pickles metadata and the front ends print it, both recursively, so a row of
# 900 nested lists would otherwise crash whoever touched it next.
MAX_NESTING = 32
# Python refuses to turn longer digit strings into ints; such numbers are kept as text.
MAX_INT_DIGITS = 4300
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # how a surrogate is written in JSON
_NESTED = (dict, list)

Warn = Callable[[CorpusWarning], None]


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """One input file and the facts used to tell whether it changed.

    The location is kept as a string and ``path`` made on demand: a Path object
    per file doubled the memory of a million-file listing (0.5 KB a file).
    """

    location: str
    relpath: str  # relative to the corpus root, with forward slashes
    size: int
    mtime_ns: int

    @property
    def path(self) -> Path:
        return Path(self.location)

    @property
    def signature(self) -> str:
        return f"{self.size}:{self.mtime_ns}"


def is_corpus_file(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(TEXT_SUFFIXES + ROW_SUFFIXES)


def list_files(root: Path, warn: Warn) -> list[CorpusFile]:
    """Every readable corpus file under ``root`` (or ``root`` itself), sorted by path.

    Symbolic links to folders are not followed, so a link loop cannot make
    the walk run forever; unreadable folders, broken or looping links to files
    and anything that is not a regular file are reported and skipped.
    """
    if root.is_file():
        stat = root.stat()
        return [CorpusFile(str(root), root.name, stat.st_size, stat.st_mtime_ns)]
    found: list[CorpusFile] = []
    top = os.fspath(root)

    def on_error(error: OSError) -> None:
        warn(
            CorpusWarning(_rel(Path(error.filename or root), root), f"cannot read folder ({error.strerror})")
        )

    for folder, dirnames, filenames in os.walk(top, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        # Relative paths by string, once per folder: no Path objects per file.
        prefix = os.path.relpath(folder, top).replace(os.sep, "/") + "/"
        prefix = "" if prefix == "./" else prefix
        for name in sorted(filenames):
            if name.startswith(".") or not is_corpus_file(name):
                continue
            location = os.path.join(folder, name)
            relpath = prefix + name
            try:
                stat = os.stat(location)
            except OSError as error:
                warn(CorpusWarning(relpath, f"cannot read file ({error.strerror})"))
                continue
            if not S_ISREG(stat.st_mode):
                # A FIFO would block the reader for ever, a device never ends.
                warn(CorpusWarning(relpath, "not a regular file (a pipe, socket or device); skipped"))
                continue
            found.append(CorpusFile(location, relpath, stat.st_size, stat.st_mtime_ns))
    return found


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def file_digest(path: Path) -> str:
    """Digest of a file's bytes, read in chunks so a huge file costs no memory."""
    digest = hashlib.blake2b(digest_size=12)
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _DecodeReport:
    """Remembers where the first undecodable byte of one file was."""

    def __init__(self, source: _Prefixed) -> None:
        self.source = source
        self.first_bad: int | None = None

    def __call__(self, error: UnicodeDecodeError) -> tuple[str, int]:
        if self.first_bad is None:
            # The decoder sees one chunk at a time (plus a few bytes held over from the
            # last one), so its error offset is made absolute with the bytes delivered so far.
            self.first_bad = max(0, self.source.delivered - len(error.object) + error.start)
        return "\ufffd", error.end


# One decoding error handler for the whole process, told which file it is reading
# through this thread-local: registering a handler per file would keep every one of
# them alive in the codecs registry (about 230 MB for a million files).
_DECODING = threading.local()
_ERROR_HANDLER = "explorer-corpus"


def _replace_and_report(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    report: _DecodeReport | None = getattr(_DECODING, "report", None)
    if report is None:
        return "\ufffd", error.end
    return report(error)


codecs.register_error(_ERROR_HANDLER, _replace_and_report)


def _open_binary(file: CorpusFile) -> io.BufferedIOBase:
    if file.relpath.lower().endswith(".gz"):
        return gzip.open(file.location, "rb")  # type: ignore[return-value]
    return open(file.location, "rb")  # closed by the caller's with


def read_articles(file: CorpusFile, root: Path, warn: Warn) -> Iterator[Article]:
    """Stream the articles of one corpus file; problems go to ``warn``.

    Row files (JSONL, CSV) are read line by line, so a large file needs no
    more memory than its longest line. A file that vanishes, cannot be read or
    is not valid gzip ends with one warning; what was read before stays. A
    file that gives neither an article nor a warning (only blank lines, a CSV
    header alone) is reported too, so nothing passes silently.
    """
    said = 0
    outer = warn

    def warn(warning: CorpusWarning) -> None:
        nonlocal said
        said += 1
        outer(warning)

    yielded = 0
    for article in _read_articles(file, root, warn):
        yielded += 1
        yield article
    if not yielded and not said:
        warn(
            CorpusWarning(
                file.relpath, "no articles in this file (only blank lines or a header)", skipped=False
            )
        )


def _read_articles(file: CorpusFile, root: Path, warn: Warn) -> Iterator[Article]:
    name = file.relpath.lower()
    try:
        with _open_binary(file) as raw:
            head = raw.read(SNIFF_BYTES)
            if not head.strip():
                rest = raw.read(SNIFF_BYTES)
                if not rest.strip():
                    warn(CorpusWarning(file.relpath, "empty file; skipped"))
                    return
                head += rest
            encoding = _bom_encoding(head)
            if encoding == "utf-8-sig" and b"\x00" in head:
                warn(CorpusWarning(file.relpath, "binary file (NUL bytes); skipped"))
                return
            source = _Prefixed(head, raw)
            report = _DecodeReport(source)
            stream = io.TextIOWrapper(source, encoding=encoding, errors=_ERROR_HANDLER, newline="")
            stream._CHUNK_SIZE = 1 << 16  # type: ignore[attr-defined]  # 8 KB chunks made huge lines slow
            articles = _parse(stream, file, root, name, warn)
            while True:
                # Decoding happens only inside next(), so the handler is pointed at this
                # file's report just for that long: generators of several files may interleave.
                previous = getattr(_DECODING, "report", None)
                _DECODING.report = report
                try:
                    article = next(articles, None)
                finally:
                    _DECODING.report = previous
                if article is None:
                    break
                yield article
            if report.first_bad is not None:
                warn(
                    CorpusWarning(
                        file.relpath,
                        f"not valid {_ENCODING_NAMES[encoding]} (first bad byte at offset "
                        f"{report.first_bad}); undecodable bytes replaced with U+FFFD",
                        skipped=False,
                    )
                )
    except (OSError, EOFError, zlib.error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        warn(CorpusWarning(file.relpath, f"cannot read file ({reason}); skipped the rest"))


_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}


def _bom_encoding(head: bytes) -> str:
    """UTF-16 and UTF-32 files (Windows tools write them) are known by their byte-order
    mark; anything else is read as UTF-8, with or without a BOM."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


class _Prefixed(io.RawIOBase):
    """A byte stream that replays the already-sniffed head before the rest."""

    def __init__(self, head: bytes, rest: io.BufferedIOBase) -> None:
        self._head = head
        self._rest = rest
        self.delivered = 0  # bytes handed to the decoder so far: error offsets count from here

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            self.delivered += size
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        self.delivered += len(data)
        return len(data)


def _parse(stream: io.TextIOBase, file: CorpusFile, root: Path, name: str, warn: Warn) -> Iterator[Article]:
    default_source = _default_source(file.relpath, root)
    stem_id = _strip_suffix(file.relpath)
    if name.endswith(TEXT_SUFFIXES):
        text = stream.read(MAX_ARTICLE_CHARS + 1)
        if len(text) > MAX_ARTICLE_CHARS:
            warn(
                CorpusWarning(
                    file.relpath,
                    f"larger than {MAX_ARTICLE_CHARS >> 20} MB, too large for one article; skipped "
                    "(split it, or make it a JSONL file with one article per line)",
                )
            )
            return
        article = _text_article(text, stem_id, default_source, file.relpath, warn)
        if article:
            yield article
        return
    rows = (
        _csv_rows(stream, file.relpath, warn)
        if name.endswith(".csv")
        else _jsonl_rows(stream, file.relpath, warn)
    )
    row_stem = Path(stem_id).name
    for line, row in rows:
        article = _row_article(row, f"{row_stem}:{line}", default_source, file.relpath, line, warn)
        if article:
            yield article


def _strip_suffix(relpath: str) -> str:
    lowered = relpath.lower()
    for suffix in (".jsonl.gz", *TEXT_SUFFIXES, ".jsonl", ".csv"):
        if lowered.endswith(suffix):
            return relpath[: -len(suffix)]
    return relpath


def _default_source(relpath: str, root: Path) -> str:
    """The top folder under the corpus root, else the file's own name."""
    parts = relpath.split("/")
    if len(parts) > 1:
        return parts[0]
    return _strip_suffix(parts[0]) if not root.is_file() else _strip_suffix(root.name)


_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\r?\n(.*?)\r?\n(?:---|\+\+\+)[ \t]*(?:\r?\n|\Z)", re.S)
_FRONT_LINE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*[:=]\s*(.*?)\s*$")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        field = _FRONT_LINE.match(line)
        if field:
            value = field.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            meta[field.group(1).lower()] = value
    return meta, text[match.end() :]


def _text_article(text: str, article_id: str, source: str, relpath: str, warn: Warn) -> Article | None:
    meta, body = _front_matter(text)
    if not body.strip():
        warn(CorpusWarning(relpath, "no article text; skipped"))
        return None
    return _build(meta, body, article_id, source, relpath, relpath, None, warn)


def _build(
    meta: dict[str, Any],
    body: str,
    article_id: str,
    source: str,
    relpath: str,
    where: str,
    line: int | None,
    warn: Warn,
) -> Article:
    date = None
    date_span = None
    if meta.get("date"):
        date = parse_date(str(meta["date"]))
        if date is None:
            warn(
                CorpusWarning(
                    where,
                    f"unrecognised date {str(meta['date'])[:40]!r}; looking in the text",
                    line,
                    skipped=False,
                )
            )
    if date is None and body:
        date, date_span = find_date(body)
    title = str(meta.get("title") or "").strip() or derive_title(body, date_span)
    extra = {k: v for k, v in meta.items() if k not in KNOWN_FIELDS}
    return Article(
        id=article_id,
        source=str(meta.get("source") or "").strip() or source,
        title=title,
        text=body,
        date=date,
        url=str(meta.get("url") or "").strip() or None,
        path=relpath,
        meta=extra,
        line=line,
    )


_SENTENCE_END = re.compile(r"[.!?](?=[\"'”’)]?(?:\s+[\"“‘'(]?[A-Z0-9]|\s*$))|\n")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Lt|Gen|Col|Maj|Capt|Sgt|Cpl|Adm|Gov|Sen|Rep|Rev|Hon|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|Vol|vs|etc|Inc|Ltd|Co|Corp|U\.S|U\.K|U\.N))$"
)


def first_sentence(text: str) -> str:
    """Text up to the first sentence end that is not an abbreviation (Lt. Gen., Aug., U.S.)."""
    for end in _SENTENCE_END.finditer(text):
        if end.group() == "\n":
            return text[: end.start()]
        if not _ABBREVIATION.search(text[max(0, end.start() - 6) : end.start()]):
            return text[: end.end()]
    return text


def derive_title(text: str, skip: tuple[int, int] | None = None) -> str:
    """A title from the first sentence, shortened at a word boundary.

    A leading date line (the span in ``skip``) is left out, so an article that
    opens with `date 2021-09-07` is not titled by its date.
    """
    if skip and not text[: skip[0]].strip():
        text = text[skip[1] :]
    first = " ".join(first_sentence(text.strip()).split())
    if len(first) <= TITLE_LENGTH:
        return first
    cut = first[:TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(",;:-–—")
    return cut + "…"


def _skip_rest_of_line(stream: io.TextIOBase) -> None:
    """Read to the end of an overlong line a megabyte at a time, holding none of it."""
    while (rest := stream.readline(1 << 20)) and not rest.endswith(("\n", "\r")):
        pass


def _overlong(line: str) -> bool:
    return len(line) > MAX_ARTICLE_CHARS and not line.endswith(("\n", "\r"))


def _parse_int(digits: str) -> int | str:
    """JSON integers as ints, except ones Python refuses to convert (kept as their digits)."""
    return int(digits) if len(digits) <= MAX_INT_DIGITS else digits


def _jsonl_rows(stream: io.TextIOBase, relpath: str, warn: Warn) -> Iterator[tuple[int, dict[str, Any]]]:
    number = 0
    while True:
        line = stream.readline(MAX_ARTICLE_CHARS + 1)
        if not line:
            return
        number += 1
        if _overlong(line):
            _skip_rest_of_line(stream)
            warn(CorpusWarning(relpath, f"line longer than {MAX_ARTICLE_CHARS >> 20} MB; skipped", number))
            continue
        if not line.strip():
            continue
        try:
            # A byte-order mark inside the file: files joined with `cat` each bring theirs.
            row = _load_json(line.lstrip("\ufeff"))
        except RecursionError:
            warn(CorpusWarning(relpath, "malformed JSON (nested too deeply); line skipped", number))
            continue
        except ValueError as error:  # JSONDecodeError, and anything else json refuses
            message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)[:80]
            warn(CorpusWarning(relpath, f"malformed JSON ({message}); line skipped", number))
            continue
        if not isinstance(row, dict):
            warn(CorpusWarning(relpath, "not a JSON object; line skipped", number))
            continue
        # Lone surrogates only come from \\uD8xx-\\uDFxx escapes, and a field nested more than
        # MAX_NESTING levels deep needs more opening brackets than that in its line: cheap
        # checks spare the ordinary row (flat, or with a list of topics) a walk over its values.
        if _SURROGATE_ESCAPE.search(line) or (
            line.count("[") + line.count("{") > MAX_NESTING
            and any(isinstance(v, _NESTED) for v in row.values())
        ):
            row = _clean_json_row(row, relpath, number, warn)
        yield number, row


def _load_json(line: str) -> Any:
    """``json.loads``, retried with huge integers kept as digits when Python refuses them."""
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        raise
    except ValueError:
        return json.loads(line, parse_int=_parse_int)


def _nesting(value: Any) -> int:
    """How deeply lists and objects nest in ``value``, counted without recursion and
    given up on once past MAX_NESTING."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            if level > MAX_NESTING:
                return level
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _scrub(value: Any, found: list[bool]) -> Any:
    """``value`` with lone surrogates (JSON escapes such as \\ud800, which no UTF-8 text can
    hold and which Whoosh cannot encode) replaced by U+FFFD; ``found`` records any."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            found.append(True)
            return _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, list):
        return [_scrub(item, found) for item in value]
    if isinstance(value, dict):
        return {_scrub(key, found): _scrub(item, found) for key, item in value.items()}
    return value


def _clean_json_row(row: dict[str, Any], relpath: str, line: int, warn: Warn) -> dict[str, Any]:
    """A row made safe to index and print: fields nested too deeply are dropped and lone
    surrogates replaced, each with a warning, so one odd row cannot stop a whole run."""
    clean: dict[str, Any] = {}
    found: list[bool] = []
    for key, value in row.items():
        if _nesting(value) > MAX_NESTING:
            warn(
                CorpusWarning(
                    relpath,
                    f"field {_scrub(key, [])[:40]!r} nested more than {MAX_NESTING} levels deep; "
                    "field dropped",
                    line,
                    skipped=False,
                )
            )
            continue
        clean[_scrub(key, found)] = _scrub(value, found)
    if found:
        warn(
            CorpusWarning(relpath, "lone UTF-16 surrogate escapes replaced with U+FFFD", line, skipped=False)
        )
    return clean


class _BoundedLines:
    """The physical lines of a text stream for the csv module, none longer than
    MAX_ARTICLE_CHARS: iterating the stream itself would read a line of any length whole.

    At an overlong line the rest of it is skipped and iteration stops, with
    ``overlong`` set, so the caller can drop the record it cut short and go on
    with a fresh reader.

    The lines of the record being read are kept (up to twice MAX_ARTICLE_CHARS), so
    that a record cut short by the end of the file (a quote never closed) can be read
    again from its second line: the rows it swallowed are not lost.
    """

    def __init__(self, stream: io.TextIOBase) -> None:
        self.stream = stream
        self.number = 0  # the line last handed out
        self.overlong = False
        self.at_end = False  # the stream ran out while the csv module wanted a line
        self.record_start = 1
        self._record: list[str] | None = []  # None: too large to keep
        self._kept = 0
        self._replay: deque[str] = deque()

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        if self.overlong:
            raise StopIteration
        if self._replay:
            line = self._replay.popleft()
        else:
            line = self.stream.readline(MAX_ARTICLE_CHARS + 1)
            if not line:
                self.at_end = True
                raise StopIteration
            if _overlong(line):
                self.number += 1
                _skip_rest_of_line(self.stream)
                self.overlong = True
                raise StopIteration
        self.number += 1
        self._keep(line)
        return line

    def _keep(self, line: str) -> None:
        if self._record is None:
            return
        self._kept += len(line)
        if self._kept > 2 * MAX_ARTICLE_CHARS:
            self._record = None  # memory stays bounded; this record cannot be read again
        else:
            self._record.append(line)

    def start_record(self) -> None:
        """The csv reader is about to read a new record from the next line."""
        self.record_start = self.number + 1
        self._record = []
        self._kept = 0

    def read_again_after_record_start(self) -> bool:
        """Hand out the current record's lines again, from its second line; False when
        they were too many to keep."""
        if self._record is None:
            return False
        self._replay.extendleft(reversed(self._record[1:]))
        self.number = self.record_start
        self.at_end = False
        return True


def _csv_rows(stream: io.TextIOBase, relpath: str, warn: Warn) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a CSV file with the line each starts on (a quoted field may span lines)."""
    # A field may not outgrow one article: an unclosed quote would otherwise swallow the file.
    csv.field_size_limit(MAX_ARTICLE_CHARS)
    lines = _BoundedLines(stream)
    too_long = f"line longer than {MAX_ARTICLE_CHARS >> 20} MB"
    reader = csv.reader(lines)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error) as error:
        reason = too_long if lines.overlong else str(error) or "no lines"
        warn(CorpusWarning(relpath, f"no readable CSV header ({reason}); skipped"))
        return
    if lines.overlong or lines.at_end:
        reason = too_long if lines.overlong else "a quote in it is never closed"
        warn(CorpusWarning(relpath, f"no readable CSV header ({reason}); skipped"))
        return
    while True:
        lines.start_record()
        try:
            values = next(reader)
        except StopIteration:
            if not lines.overlong:
                return
            values = None
        except csv.Error as error:
            warn(CorpusWarning(relpath, f"malformed CSV ({error}); row skipped", lines.record_start))
            continue
        if lines.overlong:  # the record (if any) was cut short at an overlong line
            warn(CorpusWarning(relpath, f"{too_long}; row skipped", lines.number))
            lines.overlong = False
            reader = csv.reader(lines)
            continue
        assert values is not None
        if lines.at_end:  # the csv module asked for more lines: it was inside a quoted field
            _unclosed_quote(lines, relpath, warn)
            reader = csv.reader(lines)
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            warn(
                CorpusWarning(
                    relpath,
                    f"expected {len(header)} fields, found {len(values)}; row skipped",
                    lines.record_start,
                )
            )
            continue
        yield lines.record_start, dict(zip(header, values, strict=True))


def _unclosed_quote(lines: _BoundedLines, relpath: str, warn: Warn) -> None:
    """A row whose quote is never closed ran to the end of the file: skip it, and read the
    lines it swallowed again as rows of their own."""
    again = lines.read_again_after_record_start()
    rest = (
        "the rows after it read again" if again else "the rest of the file skipped (too large to read again)"
    )
    warn(
        CorpusWarning(
            relpath,
            f"malformed CSV (a quote opened in this row is never closed); row skipped, {rest}",
            lines.record_start,
        )
    )


def _row_article(
    row: dict[str, Any], fallback_id: str, source: str, relpath: str, line: int, warn: Warn
) -> Article | None:
    text = row.get("text")
    title = row.get("title")
    text = "" if text is None else str(text)
    if not text.strip() and not str(title or "").strip():
        warn(CorpusWarning(relpath, "row has neither text nor title; skipped", line))
        return None
    raw_id = row.get("id")
    article_id = ("" if raw_id is None else str(raw_id).strip()) or fallback_id
    return _build(row, text, article_id, source, relpath, relpath, line, warn)
