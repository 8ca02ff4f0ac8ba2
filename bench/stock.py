"""Stock Whoosh, used the way its documentation shows: the yardstick for our figures.

StemmingAnalyzer TEXT fields with the body stored, one writer, the default
query parser on the body, and `hit.highlights("body")` for snippets. It reads
the same articles through our corpus reader, so the ratio compares indexing
and searching, not file parsing.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, TEXT, Schema
from whoosh.qparser import QueryParser

from search.corpus import list_files, read_articles
from search.dates import parse_date, to_datetime

from .queries import Query


def stock_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        date=DATETIME(stored=True),
    )


def build(corpus: Path, index_dir: Path) -> dict[str, Any]:
    index_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    ix = whoosh_index.create_in(str(index_dir), stock_schema())
    writer = ix.writer()
    count = 0
    for file in list_files(corpus, lambda _w: None):
        for article in read_articles(file, corpus, lambda _w: None):
            doc: dict[str, Any] = {"id": article.id, "title": article.title, "body": article.text}
            if article.date:
                doc["date"] = to_datetime(article.date)
            writer.add_document(**doc)
            count += 1
    writer.commit()
    return {"seconds": time.perf_counter() - started, "articles": count}


def _bound(value: str | None, end_of_day: bool = False):  # type: ignore[no-untyped-def]
    if not value:
        return None
    moment = to_datetime(parse_date(value) or value)
    return moment.replace(hour=23, minute=59, second=59) if end_of_day else moment


def search_session(index_dir: Path, queries: list[Query], repeats: int) -> dict[str, Any]:
    """Cold open plus first search, then every query ``repeats`` times with highlights."""
    started = time.perf_counter()
    ix = whoosh_index.open_dir(str(index_dir))
    searcher = ix.searcher()
    parser = QueryParser("body", ix.schema)

    def run(query: Query) -> int:
        parsed = parser.parse(query.text)
        date_filter = None
        if query.since or query.until:
            date_filter = wq.DateRange("date", _bound(query.since), _bound(query.until, end_of_day=True))
        results = searcher.search(parsed, limit=20, filter=date_filter)
        shown = 0
        for hit in results:
            hit.highlights("body")
            shown += 1
        return shown

    run(queries[0])
    first = time.perf_counter() - started
    samples: dict[str, list[float]] = {}
    hits: dict[str, int] = {}
    for _ in range(repeats):
        for query in queries:
            began = time.perf_counter()
            shown = run(query)
            samples.setdefault(query.kind, []).append(time.perf_counter() - began)
            hits[query.text] = shown
    searcher.close()
    return {"first_search": first, "samples": samples, "hits": hits}
