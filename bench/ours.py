"""Our engine, driven only through its public facade (search.explorer.Explorer).

Going through the facade means the figures are what the CLI and the TUI get:
variant expansion, filters and snippets included.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from search.analysis import fold, iter_words
from search.explorer import Explorer

from .queries import Query

NO_SUCH_ID = "\x00bench-no-such-article"


def build(corpus: Path, index_dir: Path) -> dict[str, Any]:
    started = time.perf_counter()
    explorer = Explorer.open(corpus, index_dir)
    summary = explorer.update()
    explorer.close()
    return {
        "seconds": time.perf_counter() - started,
        "articles": summary.articles,
        "warnings": summary.warnings,
    }


def update(corpus: Path, index_dir: Path) -> dict[str, Any]:
    """One incremental update after the harness changed the corpus."""
    from .gilprobe import GilProbe

    started = time.perf_counter()
    explorer = Explorer.open(corpus, index_dir)
    with GilProbe() as probe:  # as in the TUI, which re-indexes in a worker thread
        summary = explorer.update()
    explorer.close()
    return {
        "seconds": time.perf_counter() - started,
        "added": summary.added,
        "removed": summary.removed,
        "articles": summary.articles,
        "wait": probe.note(),
    }


def segments(index_dir: Path) -> int:
    """Segments in the Whoosh index: each one adds a look-up per term in multi-segment readers."""
    from whoosh import index as whoosh_index

    from search.index import WHOOSH_DIR

    ix = whoosh_index.open_dir(str(index_dir / WHOOSH_DIR))
    with ix.reader() as reader:
        return len(list(reader.leaf_readers()))


def vocabulary_load(corpus: Path, index_dir: Path) -> dict[str, Any]:
    """Seconds for Explorer.vocabulary() once the searcher is open (it runs before the first search)."""
    explorer = Explorer.open(corpus, index_dir)
    explorer.article(NO_SUCH_ID)  # opens the searcher, so it is not counted below
    began = time.perf_counter()
    vocabulary = explorer.vocabulary()
    seconds = time.perf_counter() - began
    explorer.close()
    return {"seconds": seconds, "words": len(vocabulary), "segments": segments(index_dir)}


def search_session(corpus: Path, index_dir: Path, queries: list[Query], repeats: int) -> dict[str, Any]:
    """Cold open and first search, vocabulary load, variant look-ups, then the timed queries."""
    started = time.perf_counter()
    explorer = Explorer.open(corpus, index_dir)
    first = queries[0]
    explorer.search(first.text, since=first.since, until=first.until, limit=20)
    cold = time.perf_counter() - started
    explorer.close()

    # Vocabulary load on its own: open the searcher first (a failed article look-up does that).
    explorer = Explorer.open(corpus, index_dir)
    began = time.perf_counter()
    explorer.article(NO_SUCH_ID)
    open_searcher = time.perf_counter() - began
    began = time.perf_counter()
    vocabulary = explorer.vocabulary()
    vocabulary_load = time.perf_counter() - began
    segment_count = segments(index_dir)

    words = sorted({fold(w) for q in queries for w, _, _ in iter_words(q.text)})
    variant_samples: list[float] = []
    expanded: dict[str, list[str]] = {}
    for _ in range(repeats):
        for word in words:
            began = time.perf_counter()
            found = vocabulary.variants(word)
            variant_samples.append(time.perf_counter() - began)
            if found:
                expanded[word] = list(found)

    samples: dict[str, list[float]] = {}
    hits: dict[str, int] = {}
    totals: dict[str, int] = {}
    for _ in range(repeats):
        for query in queries:
            began = time.perf_counter()
            result = explorer.search(query.text, since=query.since, until=query.until, limit=20)
            samples.setdefault(query.kind, []).append(time.perf_counter() - began)
            hits[query.text] = len(result.hits)
            totals[query.text] = result.total
    explorer.close()
    return {
        "cold_first_search": cold,
        "open_searcher": open_searcher,
        "vocabulary_load": vocabulary_load,
        "vocabulary_words": len(vocabulary),
        "segments": segment_count,
        "variant_samples": variant_samples,
        "expanded": expanded,
        "samples": samples,
        "hits": hits,
        "totals": totals,
    }
