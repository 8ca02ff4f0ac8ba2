"""The `explorer` command line.

Conventions follow grep and ripgrep: results alone on stdout, everything
else on stderr; exit 0 when something matched, 1 when nothing did, 2 on
error, 130 after Ctrl-C; quiet when the reader of a pipe goes away. Textual
is imported only by the commands that open the app.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from search.explorer import Explorer, IndexError_, QueryError
from search.models import CorpusWarning, SearchResult
from search.query import filter_bounds

from .output import (
    FORMATS,
    Style,
    default_format,
    format_comparison,
    format_entity_line,
    format_entity_page,
    format_event,
    stderr_line,
    use_colour,
    write_article,
    write_records,
    write_result,
)
from .progress import Progress
from .textsafe import safe_line

if TYPE_CHECKING:
    from search.events import EventTable

EXIT_MATCH, EXIT_NO_MATCH, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130

MAIN_EXAMPLES = """\
examples:
  explorer                              open the explorer on the bundled sample articles
  explorer tui Dashty                   open it with a first search already run
  explorer search Dashty                search from the command line
  explorer search 'Massoud AND source:reuters' --since 2021-09-01
  printf 'Panjshir\\nHameed\\n' | explorer search --format jsonl
  explorer index --corpus ~/news        build or update the index of another corpus
  explorer show 000_c214ca5b6237bbef    print one article

Every command takes --corpus PATH (or $EXPLORER_CORPUS) and --index DIR (or $EXPLORER_INDEX).
"""

SEARCH_EXAMPLES = """\
query language (Whoosh):
  words              all must match: Taliban Panjshir
  OR, AND, NOT       Hameed OR Haqqani, Panjshir NOT drones, -drones
  "a phrase"         "Fahim Dashti"
  field:value        source:reuters, title:ceasefire
  date ranges        date:[2021-09-05 TO 2021-09-06], date:>2021-09-05
  prefix             Panj*

Spelling variants of names are included (Dashty also finds Dashti); --exact turns them off.

examples:
  explorer search Dashty
  explorer search --exact Dashty
  explorer search '"National Resistance Front"' --source 002_026596cb75424136
  explorer search Panjshir --since 2021-09-06 --format json
  printf 'Panjshir\\nHameed\\n' | explorer search --format jsonl
  explorer search Kabul --format tsv --no-headers | cut -f3

Queries read from stdin are answered in turn; one that cannot be read is reported on stderr
(the others are still answered) and makes the exit status 2.

exit status: 0 when any query matched, 1 when none did, 2 on error, 130 after Ctrl-C.
"""


def _common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--corpus",
        metavar="PATH",
        default=default,
        help="corpus folder or file (default: $EXPLORER_CORPUS, else the bundled seeds)",
    )
    parser.add_argument(
        "--index",
        metavar="DIR",
        default=default,
        help="index folder (default: $EXPLORER_INDEX, else one per corpus under ~/.cache/explorer)",
    )


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="explorer",
        description="Read many reports of the same story side by side: search a news corpus.",
        epilog=MAIN_EXAMPLES,
        formatter_class=formatter,
    )
    _common_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    tui = commands.add_parser(
        "tui",
        help="open the explorer (the default command)",
        description="Open the keyboard-driven explorer, optionally with a first search.",
        epilog="examples:\n  explorer tui\n  explorer tui Dashty --corpus ~/news\n",
        formatter_class=formatter,
    )
    _common_options(tui, suppress=True)
    tui.add_argument("query", nargs="*", help="a first search to run")
    tui.add_argument("--exact", action="store_true", help="start with spelling variants off")

    search = commands.add_parser(
        "search",
        help="search and print ranked hits",
        description="Search the corpus and print ranked hits, like grep for news articles.",
        epilog=SEARCH_EXAMPLES,
        formatter_class=formatter,
    )
    _common_options(search, suppress=True)
    search.add_argument(
        "query",
        nargs="*",
        help="the query (words are joined); none or '-' reads one query per line from stdin",
    )
    search.add_argument("--exact", action="store_true", help="no spelling variants: match words as written")
    search.add_argument(
        "--source", action="append", default=[], metavar="NAME", help="only this source (repeatable)"
    )
    search.add_argument("--since", metavar="DATE", help="only articles dated on or after DATE (YYYY-MM-DD)")
    search.add_argument("--until", metavar="DATE", help="only articles dated on or before DATE")
    search.add_argument(
        "--limit", type=_non_negative, default=20, metavar="N", help="hits per query (0: all; default 20)"
    )
    search.add_argument("--format", choices=FORMATS, help="output format (default: text on a TTY, else tsv)")
    search.add_argument(
        "--color", "--colour", choices=("auto", "always", "never"), default="auto", dest="color"
    )
    search.add_argument("--no-headers", action="store_true", help="tsv without its header line")
    search.add_argument("--no-update", action="store_true", help="do not refresh a stale index first")

    index = commands.add_parser(
        "index",
        help="build or update the index",
        description="Build the index, or update it with only the files that changed.",
        epilog="examples:\n  explorer index\n  explorer index --corpus ~/news/reuters.jsonl.gz\n",
        formatter_class=formatter,
    )
    _common_options(index, suppress=True)

    show = commands.add_parser(
        "show",
        help="print one article",
        description="Print one article: its metadata, then its text.",
        epilog="examples:\n  explorer show 000_c214ca5b6237bbef\n  explorer show 000_c214ca5b6237bbef --format json\n",
        formatter_class=formatter,
    )
    _common_options(show, suppress=True)
    show.add_argument("--no-update", action="store_true", help="use the index as it is")
    show.add_argument("id", help="article id (as printed by `explorer search`)")
    show.add_argument("--format", choices=FORMATS, default="text")
    show.add_argument(
        "--color", "--colour", choices=("auto", "always", "never"), default="auto", dest="color"
    )

    entities = commands.add_parser(
        "entities",
        help="list people, organisations and places with all their spellings; merge or split them",
        description=(
            "List the corpus' entities by number of articles, or record a correction: "
            "`merge A B` says two names are one entity, `split A B` that they are not. "
            "Corrections are kept in the index folder and survive re-indexing."
        ),
        epilog=(
            "examples:\n  explorer entities --kind person --min-articles 2\n"
            "  explorer entities --format jsonl | head\n"
            "  explorer entities merge 'Abdul Wadood Zhor' 'Abdul Wudod Zara'\n"
            "  explorer entities split 'Ahmad Massoud' 'Ahmad Shah Massoud'\n"
        ),
        formatter_class=formatter,
    )
    _common_options(entities, suppress=True)
    entities.add_argument("--no-update", action="store_true", help="use the index as it is")
    entities.add_argument("action", nargs="*", metavar="merge|split A B", help="record a correction")
    entities.add_argument("--kind", choices=("person", "org", "place", "unknown"))
    entities.add_argument("--min-articles", type=_non_negative, default=1, metavar="N")
    entities.add_argument("--format", choices=FORMATS, help="default: text on a TTY, else tsv")
    entities.add_argument("--no-headers", action="store_true", help="tsv without its header line")
    entities.add_argument(
        "--color", "--colour", choices=("auto", "always", "never"), default="auto", dest="color"
    )

    entity = commands.add_parser(
        "entity",
        help="one entity: its spellings, sources, articles and why spellings were merged",
        description="Show one entity; any of its spellings (or part of one) finds it.",
        epilog="examples:\n  explorer entity Dashty\n  explorer entity Zara --format json\n",
        formatter_class=formatter,
    )
    _common_options(entity, suppress=True)
    entity.add_argument("--no-update", action="store_true", help="use the index as it is")
    entity.add_argument("name", nargs="+")
    entity.add_argument("--format", choices=("text", "json"), default="text")
    entity.add_argument(
        "--color", "--colour", choices=("auto", "always", "never"), default="auto", dest="color"
    )

    variants = commands.add_parser(
        "variants",
        help="group a list of names into spellings of one name",
        description=(
            "Read names one per line (stdin or FILE) and print groups of names that are spellings "
            'of one name, as JSONL {"names": [...], "canonical": ...}, with the matcher the '
            "entity clustering uses (no corpus context)."
        ),
        epilog="examples:\n  printf 'Fahim Dashti\\nFahim Dashty\\nKabul\\n' | explorer variants\n",
        formatter_class=formatter,
    )
    variants.add_argument("file", nargs="?", help="a file of names (default: stdin)")
    variants.add_argument("--all", action="store_true", help="also print names that have no other spelling")

    events = commands.add_parser(
        "events",
        help="happenings reported across articles, most sources first",
        description=(
            "List events: passages from different articles that report the same happening. "
            "Events are derived on first use after the index changes, then cached."
        ),
        epilog="examples:\n  explorer events --min-sources 3\n  explorer events Dashty --format json\n",
        formatter_class=formatter,
    )
    _common_options(events, suppress=True)
    events.add_argument("--no-update", action="store_true", help="use the index as it is")
    events.add_argument("query", nargs="*", help="only events whose passages match these words")
    events.add_argument("--min-sources", type=_non_negative, default=1, metavar="N")
    events.add_argument(
        "--limit", type=_non_negative, default=0, metavar="N", help="at most N events (0: all)"
    )
    events.add_argument("--format", choices=FORMATS, help="default: text on a TTY, else tsv")
    events.add_argument("--no-headers", action="store_true", help="tsv without its header line")

    compare = commands.add_parser(
        "compare",
        help="one event as columns, one per source, with the differences marked",
        description=(
            "Show one event side by side: a column per source, passages aligned row by row, "
            "differences marked «like this» and listed below the columns."
        ),
        epilog=(
            "examples:\n  explorer compare ev-4b1c81ddf145\n  explorer compare Dashty killed --width 160\n"
            "  explorer compare Dashty --format json | jq .differences\n"
        ),
        formatter_class=formatter,
    )
    _common_options(compare, suppress=True)
    compare.add_argument("--no-update", action="store_true", help="use the index as it is")
    compare.add_argument("event", nargs="+", help="an event id, or words that find the event")
    compare.add_argument("--width", type=int, metavar="COLUMNS", help="total width (default: the terminal's)")
    compare.add_argument("--format", choices=("text", "json"), default="text")

    stories = commands.add_parser(
        "stories",
        help="articles grouped into stories by the events they share",
        description="List stories: every article belongs to exactly one (a story of one is fine).",
        epilog="examples:\n  explorer stories\n  explorer stories Panjshir --format jsonl\n",
        formatter_class=formatter,
    )
    _common_options(stories, suppress=True)
    stories.add_argument("--no-update", action="store_true", help="use the index as it is")
    stories.add_argument("query", nargs="*")
    stories.add_argument("--format", choices=FORMATS, help="default: text on a TTY, else tsv")
    stories.add_argument("--no-headers", action="store_true", help="tsv without its header line")

    status = commands.add_parser(
        "status",
        help="say where the index is and whether it is up to date",
        description="Show the corpus, the index folder, the article count and whether the corpus changed.",
        epilog="examples:\n  explorer status\n",
        formatter_class=formatter,
    )
    _common_options(status, suppress=True)
    return parser


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


# -- commands ---------------------------------------------------------------


class WarningPrinter:
    """Prints warnings, but at most a few of one kind per file: a corpus with
    2,000 empty rows deserves five lines and a count, not 2,000 lines."""

    PER_KIND = 5

    def __init__(self) -> None:
        self._seen: Counter[tuple[str, str]] = Counter()

    def __call__(self, warning: CorpusWarning) -> None:
        key = (warning.path, warning.message)
        self._seen[key] += 1
        if self._seen[key] <= self.PER_KIND:
            stderr_line(f"warning: {warning}")

    def close(self) -> None:
        for (path, message), count in self._seen.items():
            if count > self.PER_KIND:
                stderr_line(f"warning: {path}: {count - self.PER_KIND} more like this: {message}")
        self._seen.clear()


def _open(args: argparse.Namespace) -> Explorer:
    return Explorer.open(args.corpus, args.index)


def _ensure(explorer: Explorer, *, update: bool = True) -> None:
    """Build a missing index; refresh a stale one unless --no-update (the caller passes it)."""
    progress = Progress(sys.stderr, "indexing")
    warn = WarningPrinter()
    try:
        explorer.ensure_index(warn, progress.update if progress.enabled else None, update=update)
    finally:
        progress.close()
        warn.close()


@contextlib.contextmanager
def _events(explorer: Explorer) -> Iterator[EventTable]:
    """The event table, with a bar on stderr (a terminal only) while it is derived: the first
    time on a large corpus, minutes (at 100,000 articles about five). A table just made is
    saved while the command prints; on leaving, the command waits for that save (``_flush``).
    """
    progress = Progress(sys.stderr, "events", unit="articles")
    try:
        table = explorer.events_table(progress.update if progress.enabled else None)
    finally:
        progress.close()
    interrupted = False
    try:
        yield table
    except KeyboardInterrupt:
        interrupted = True  # the user wants out: the save is left (the next run derives again)
        raise
    finally:
        if not interrupted:
            _flush(explorer)


def _flush(explorer: Explorer) -> None:
    """Wait for the tables still being saved, saying so on a terminal: the next run would
    derive them again (a save takes half a minute after a derivation at 100,000 articles)."""
    progress = Progress(sys.stderr, "events")
    try:
        explorer.flush(progress.update if progress.enabled else None)
    finally:
        progress.close()


def cmd_search(args: argparse.Namespace) -> int:
    filter_bounds(args.since, args.until)  # a bad --since is one error, not one per query
    explorer = _open(args)
    _ensure(explorer, update=not args.no_update)
    out = sys.stdout
    fmt = args.format or default_format(out)
    style = Style(use_colour(args.color, out) and fmt == "text")
    from_stdin = not args.query or args.query == ["-"]
    matched = failed = False
    first = True
    header_due = fmt == "tsv" and not args.no_headers  # once per run, even if nothing matches
    for number, query in enumerate(_queries(args.query)):
        if not query.strip():
            continue
        try:
            result = _search(explorer, args, query)
        except QueryError as error:
            if not from_stdin:
                raise
            # Like ripgrep with an unreadable file: say so, answer the other queries, exit 2.
            stderr_line(f"error: {error}")
            failed = True
            continue
        write_result(
            result,
            out,
            fmt,
            style,
            header=header_due,
            first=first,
            show_query=number > 0 or from_stdin,
        )
        header_due = False
        if result.hits:
            matched = True
            first = False
    if fmt == "json":
        out.write("[]\n" if first else "\n]\n")
        out.flush()
    if failed:
        return EXIT_ERROR
    return EXIT_MATCH if matched else EXIT_NO_MATCH


def _search(explorer: Explorer, args: argparse.Namespace, query: str) -> SearchResult:
    return explorer.search(
        query,
        exact=args.exact,
        sources=args.source,
        since=args.since,
        until=args.until,
        limit=args.limit,
    )


def _queries(words: list[str]) -> Iterator[str]:
    if words and words != ["-"]:
        yield " ".join(words)
        return
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("no query given; pass one (explorer search Dashty) or pipe queries on stdin")
    for line in sys.stdin:
        yield line.rstrip("\r\n")


class UsageError(Exception):
    pass


def cmd_index(args: argparse.Namespace) -> int:
    explorer = _open(args)
    progress = Progress(sys.stderr, "indexing")
    warn = WarningPrinter()
    try:
        summary = explorer.update(warn, progress.update if progress.enabled else None)
    finally:
        progress.close()
        warn.close()
    if not summary.changed:
        print(
            f"index is up to date: {summary.articles} articles, nothing changed "
            f"({summary.warnings} warnings, {summary.seconds:.2f} s)"
        )
    else:
        print(
            f"indexed {summary.articles} articles: {summary.added} added, {summary.updated} updated, "
            f"{summary.removed} removed, {summary.skipped} skipped, {summary.warnings} warnings, "
            f"{summary.seconds:.2f} s"
        )
    return EXIT_MATCH


def cmd_show(args: argparse.Namespace) -> int:
    explorer = _open(args)
    _ensure(explorer, update=not args.no_update)
    article = explorer.article(args.id)
    if article is None:
        stderr_line(f"no article with id {args.id!r}; `explorer search` prints ids in its `id` column")
        return EXIT_NO_MATCH
    write_article(article, sys.stdout, args.format, Style(use_colour(args.color, sys.stdout)))
    return EXIT_MATCH


def cmd_status(args: argparse.Namespace) -> int:
    explorer = _open(args)
    status = explorer.status(check=True)
    print(f"corpus:    {status.corpus}")
    print(f"index:     {status.index_dir}")
    if not status.exists:
        print("state:     not indexed yet (run `explorer index`)")
        return EXIT_MATCH
    print(f"articles:  {status.articles}")
    print(f"built:     {status.built_at or 'unknown'}")
    stale = status.stale_files or 0
    print(
        "state:     up to date" if not stale else f"state:     {stale} files changed (run `explorer index`)"
    )
    return EXIT_MATCH


ENTITY_COLUMNS = ("id", "name", "kind", "articles", "spellings", "sources")


def cmd_entities(args: argparse.Namespace) -> int:
    explorer = _open(args)
    _ensure(explorer, update=not args.no_update)
    if args.action:
        if len(args.action) != 3 or args.action[0] not in ("merge", "split"):
            raise UsageError("corrections are `explorer entities merge A B` or `explorer entities split A B`")
        operation, a, b = args.action
        before = explorer.entities()
        apart = operation == "split" and before.find(a) is not before.find(b)
        try:
            correction, _table = explorer.correct_entities(operation, a, b)
        except ValueError as error:
            raise UsageError(str(error)) from None
        note = " (already different entities: this changes nothing now)" if apart else ""
        print(f"recorded: {correction.describe()}{note}")
        return EXIT_MATCH
    found = explorer.entities().filter(kind=args.kind, min_articles=max(1, args.min_articles))
    out = sys.stdout
    fmt = args.format or default_format(out)
    if fmt == "text":
        style = Style(use_colour(args.color, out))
        for item in found:
            out.write(format_entity_line(item, style) + "\n")
    else:
        records = []
        for item in found:
            record = item.as_dict()
            if fmt == "tsv":
                record["articles"] = ",".join(item.articles)
            records.append(record)
        write_records(records, out, fmt, ENTITY_COLUMNS, headers=not args.no_headers)
    return EXIT_MATCH if found else EXIT_NO_MATCH


def cmd_entity(args: argparse.Namespace) -> int:
    explorer = _open(args)
    _ensure(explorer, update=not args.no_update)
    name = " ".join(args.name)
    matches = explorer.entities().lookup(name)
    if not matches:
        stderr_line(f"no entity named {name!r}; `explorer entities` lists them")
        return EXIT_NO_MATCH
    found, others = matches[0], matches[1:]
    if args.format == "json":
        write_records([found.as_dict()], sys.stdout, "jsonl", ENTITY_COLUMNS)
    else:
        sys.stdout.write(format_entity_page(found, Style(use_colour(args.color, sys.stdout))))
    if others:
        # `Massoud` is also the surname of another person: say so rather than pick one silently.
        listed = ", ".join(f"{other.name} ({other.id})" for other in others)
        (stderr_line if args.format == "json" else print)(f"also matches: {listed}")
    return EXIT_MATCH


def cmd_variants(args: argparse.Namespace) -> int:
    from search.entities import group_names

    if args.file:
        with open(args.file, encoding="utf-8", errors="replace") as handle:
            names = handle.read().splitlines()
    elif sys.stdin is None or sys.stdin.isatty():
        raise UsageError("give a file of names, or pipe names on stdin, one per line")
    else:
        names = sys.stdin.read().splitlines()
    groups = [g for g in group_names(names) if args.all or len(g.names) > 1]
    write_records([g.as_dict() for g in groups], sys.stdout, "jsonl", ())
    return EXIT_MATCH if groups else EXIT_NO_MATCH


EVENT_COLUMNS = ("id", "label", "date", "sources", "articles", "passages")
STORY_COLUMNS = ("id", "label", "date", "sources", "articles")


def cmd_events(args: argparse.Namespace) -> int:
    explorer = _open(args)
    _ensure(explorer, update=not args.no_update)
    with _events(explorer) as table:
        query = " ".join(args.query) or None
        # records only for what is printed: a large corpus has over a million events
        found = table.events(query, min_sources=max(1, args.min_sources), limit=args.limit or None)
        out = sys.stdout
        fmt = args.format or default_format(out)
        if fmt == "text":
            for event in found:
                out.write(format_event(event, Style(use_colour("auto", out))))
        else:
            write_records([e.as_dict() for e in found], out, fmt, EVENT_COLUMNS, headers=not args.no_headers)
        out.flush()  # printed before the wait for the save, not after
    return EXIT_MATCH if found else EXIT_NO_MATCH


def cmd_compare(args: argparse.Namespace) -> int:
    explorer = _open(args)
    _ensure(explorer, update=not args.no_update)
    with _events(explorer) as table:
        wanted = " ".join(args.event)
        event = table.find_event(wanted)
        comparison = table.compare(event) if event else None
        if comparison is None:
            stderr_line(f"no event matches {wanted!r}; `explorer events` lists them")
            return EXIT_NO_MATCH
        if args.format == "json":
            write_records([comparison.as_dict()], sys.stdout, "jsonl", ())
        else:
            width = args.width or shutil.get_terminal_size((100, 24)).columns
            sys.stdout.write(format_comparison(comparison, width, Style(use_colour("auto", sys.stdout))))
        sys.stdout.flush()
    return EXIT_MATCH


def cmd_stories(args: argparse.Namespace) -> int:
    explorer = _open(args)
    _ensure(explorer, update=not args.no_update)
    with _events(explorer) as table:
        found = table.stories(" ".join(args.query) or None)
        out = sys.stdout
        fmt = args.format or default_format(out)
        if fmt == "text":
            style = Style(use_colour("auto", out))
            for story in found:
                head = f"{style.dim(story.id)}  {style.date((story.date or '----------')[:10])}  "
                out.write(f"{head}{len(story.sources)} sources  {style.bold(safe_line(story.label))}\n")
                out.write(f"     {safe_line(', '.join(story.articles))}\n")
        else:
            write_records([s.as_dict() for s in found], out, fmt, STORY_COLUMNS, headers=not args.no_headers)
        out.flush()
    return EXIT_MATCH if found else EXIT_NO_MATCH


def cmd_tui(args: argparse.Namespace) -> int:
    explorer = _open(args)
    from .app import run  # Textual is imported here and only here

    try:
        return run(
            explorer, query=" ".join(getattr(args, "query", []) or []), exact=getattr(args, "exact", False)
        )
    finally:
        try:
            _flush(explorer)  # the screen is gone: the wait is told on the terminal
        finally:
            explorer.close()


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "search": cmd_search,
    "index": cmd_index,
    "show": cmd_show,
    "status": cmd_status,
    "entities": cmd_entities,
    "entity": cmd_entity,
    "variants": cmd_variants,
    "events": cmd_events,
    "compare": cmd_compare,
    "stories": cmd_stories,
    "tui": cmd_tui,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = COMMANDS[args.command or "tui"]
    try:
        return command(args)
    except (IndexError_, QueryError, UsageError) as error:
        stderr_line(f"error: {error}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_MATCH
    except OSError as error:
        stderr_line(f"error: {error.strerror or error}: {error.filename or ''}".rstrip(": "))
        return EXIT_ERROR
    except Exception as error:
        if _corrections_error(error):
            stderr_line(f"error: {error}")
            return EXIT_ERROR
        if os.environ.get("EXPLORER_DEBUG"):
            raise
        stderr_line(
            f"error: unexpected {type(error).__name__}: {error} (EXPLORER_DEBUG=1 shows the traceback)"
        )
        return EXIT_ERROR


def _corrections_error(error: Exception) -> bool:
    """A bad entity_corrections.json, told in one line like the other expected errors.

    Checked by name of the loaded module rather than imported up front: importing the
    entities package costs `explorer search` a tenth of a second, and an error of that
    class can only exist once its module was loaded.
    """
    module = sys.modules.get("search.entities.corrections")
    return module is not None and isinstance(error, module.CorrectionsError)


def _silence_stdout() -> None:
    """The reader went away (`| head`): point stdout at /dev/null so exit is quiet too."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def entry() -> None:
    """Console-script entry: default SIGPIPE handling would print nothing but lose our exit codes."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    sys.exit(code)
