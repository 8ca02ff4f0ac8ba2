"""`python -m bench --profile N`: where indexing time goes, on the first N Reuters articles.

Two views. First each stage on its own (reading, each analyzer, the names
scan, stock Whoosh's analyzer for comparison), with the fold/stem caches
emptied first as in a fresh build. Then cProfile over the real pipeline
(`Explorer.update()` into an empty index), top functions by cumulative and by
own time. From 1,000 articles the engine forks writer processes, which cProfile
does not follow, so their work (search.segments writer and entity extraction)
is also timed and profiled in this process.
"""

from __future__ import annotations

import cProfile
import gzip
import io
import pstats
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from search import analysis
from search.corpus import list_files, read_articles
from search.explorer import Explorer

from . import stock
from .corpora import REUTERS

TOP = 30


def _slice(cache: Path, articles: int) -> Path:
    folder = cache / "profile" / f"reuters-{articles}"
    target = folder / "reuters.jsonl"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with gzip.open(REUTERS, "rt", encoding="utf-8") as src, target.open("w") as dst:
            for number, line in enumerate(src):
                if number >= articles:
                    break
                dst.write(line)
    return folder


def _clear_caches() -> None:
    analysis.fold.cache_clear()
    analysis.stem.cache_clear()


def _timed(label: str, action: Callable[[], object], results: list[tuple[str, float]]) -> None:
    _clear_caches()
    began = time.perf_counter()
    action()
    results.append((label, time.perf_counter() - began))


def _consume(analyzer, texts: list[str]) -> int:  # type: ignore[no-untyped-def]
    count = 0
    for text in texts:
        for _token in analyzer(text, positions=True, mode="index"):
            count += 1
    return count


def stage_times(corpus: Path, index_root: Path) -> tuple[list[tuple[str, float]], int]:
    """Seconds for each stage alone, on the same articles."""
    quiet = lambda _w: None  # noqa: E731
    files = list_files(corpus, quiet)
    results: list[tuple[str, float]] = []
    loaded: list = []
    _timed(
        "read + parse articles (search.corpus)",
        lambda: loaded.extend(a for f in files for a in read_articles(f, corpus, quiet)),
        results,
    )
    bodies = [a.text for a in loaded]
    titles = [a.title for a in loaded]
    exacts = [f"{a.title}\n{a.text}" for a in loaded]
    _timed(
        "body: stemming_analyzer (tokenize+lower+fold+stem)",
        lambda: _consume(analysis.stemming_analyzer(), bodies),
        results,
    )
    _timed("title: stemming_analyzer", lambda: _consume(analysis.stemming_analyzer(), titles), results)
    _timed(
        "exact: exact_analyzer on title+body (tokenize+lower+fold)",
        lambda: _consume(analysis.exact_analyzer(), exacts),
        results,
    )
    _timed("names: name_words(body)", lambda: [analysis.name_words(t) for t in bodies], results)
    from whoosh.analysis import StemmingAnalyzer

    _timed("stock: StemmingAnalyzer on body", lambda: _consume(StemmingAnalyzer(), bodies), results)
    _timed(
        "regex findall alone on title+body (floor for tokenizing)",
        lambda: [analysis.WORD_PATTERN.findall(t) for t in exacts],
        results,
    )
    try:
        from search.entities import build_entities, extract
    except ImportError:
        pass
    else:
        records: list = []
        _timed("entities: extract() per article", lambda: records.extend(extract(a) for a in loaded), results)
        _timed("entities: build_entities() (clustering)", lambda: build_entities(records), results)
    _timed(
        "index: search.segments writer in one process (what each writer process does)",
        lambda: _write_segments(files, corpus, index_root / "segments"),
        results,
    )
    _clear_caches()
    began = time.perf_counter()
    explorer = Explorer.open(corpus, index_root / "ours")
    explorer.update()
    explorer.close()
    results.append(("FULL: Explorer.update() (ours)", time.perf_counter() - began))
    began = time.perf_counter()
    stock.build(corpus, index_root / "stock")
    results.append(("FULL: stock Whoosh build", time.perf_counter() - began))
    return results, len(loaded)


def _write_segments(files: list, corpus: Path, index_dir: Path) -> None:  # type: ignore[type-arg]
    """One writer process's work, in this process: read, write a segment, extract mentions.

    Why: ``Explorer.update()`` hands 1,000 articles or more to forked writer processes,
    which cProfile in this process does not see.
    """
    from whoosh import index as whoosh_index

    from search.entities import extract
    from search.index import _document, build_schema
    from search.segments import FastSegmentWriter

    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    writer = FastSegmentWriter(ix, compound=False)
    for file in files:
        for article in read_articles(file, corpus, lambda _w: None):
            writer.add_article(_document(article, file, "profile"))
            extract(article)
    writer.commit(merge=False)


def _profile_update(corpus: Path, index_dir: Path) -> pstats.Stats:
    _clear_caches()
    profiler = cProfile.Profile()
    explorer = Explorer.open(corpus, index_dir)
    profiler.enable()
    explorer.update()
    profiler.disable()
    explorer.close()
    return pstats.Stats(profiler)


def _breakdown(stats: pstats.Stats, depth: int = 2) -> list[tuple[str, float]]:
    """Time of Explorer.update() split by the functions it calls, a level or two down.

    Read from the profile's caller table rather than hard-coded names, so the
    split follows the engine as it changes (entities, events, a new writer).
    """
    raw = stats.stats  # type: ignore[attr-defined]
    root = next((f for f in raw if f[0].endswith("search/explorer.py") and f[2] == "update"), None)
    if root is None:
        return []

    def callees(parent: tuple) -> list[tuple[tuple, float]]:
        found = []
        for func, (_cc, _nc, _tt, _ct, callers) in raw.items():
            if parent in callers:
                found.append((func, callers[parent][3]))
        return sorted(found, key=lambda item: -item[1])

    rows: list[tuple[str, float]] = []

    def walk(parent: tuple, level: int) -> None:
        for func, seconds in callees(parent):
            if seconds < 0.02 * raw[root][3]:
                continue
            name = f"{Path(func[0]).name}:{func[2]}" if func[0] != "~" else func[2]
            rows.append(("  " * level + name, seconds))
            if level + 1 < depth and func[0].startswith(str(Path.cwd() / "search")):
                walk(func, level + 1)

    walk(root, 0)
    return rows


def _top(stats: pstats.Stats, key: str) -> str:
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats(key).print_stats(TOP)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return "\n".join(line.replace(str(Path.cwd()) + "/", "") for line in lines[start:] if line.strip())


def run_profile(articles: int, cache: Path) -> int:
    corpus = _slice(cache, articles)
    size_mb = sum(f.stat().st_size for f in corpus.iterdir()) / (1 << 20)
    index_root = cache / "profile" / f"indexes-{articles}"
    if index_root.exists():
        shutil.rmtree(index_root)
    print(f"# Indexing profile: first {articles:,} Reuters articles ({size_mb:.1f} MB)\n")
    print(
        "note: from 1,000 articles Explorer.update() forks writer processes (search/segments.py), "
        "which cProfile does not follow; the last two sections profile their work (writer and "
        "entity extraction) run in this process\n"
    )
    results, loaded = stage_times(corpus, index_root)
    full = dict(results)["FULL: Explorer.update() (ours)"]
    print(f"## Stages alone ({loaded:,} articles; fold/stem caches emptied before each)\n")
    print("| stage | seconds | articles/s | share of our full build |")
    print("|---|---|---|---|")
    for label, seconds in results:
        print(f"| {label} | {seconds:.2f} | {loaded / seconds:,.0f} | {seconds / full:.0%} |")
    stats = _profile_update(corpus, index_root / "profiled")
    total = max(
        (
            ct
            for (file, _line, name), (_c, _n, _t, ct, _cl) in stats.stats.items()  # type: ignore[attr-defined]
            if file.endswith("search/explorer.py") and name == "update"
        ),
        default=0.0,
    )
    print("\n## Where Explorer.update() goes, by callee (under cProfile, which inflates Python-heavy code)\n")
    print("| callee | seconds | share |")
    print("|---|---|---|")
    for label, seconds in _breakdown(stats, depth=4):
        print(f"| {label} | {seconds:.2f} | {seconds / total:.0%} |")
    print("\n## cProfile of Explorer.update(), by cumulative time\n")
    print(_top(stats, "cumulative"))
    print("\n## cProfile of Explorer.update(), by own (total) time\n")
    print(_top(stats, "tottime"))
    quiet = lambda _w: None  # noqa: E731
    profiler = cProfile.Profile()
    profiler.enable()
    _write_segments(list_files(corpus, quiet), corpus, index_root / "segments-profiled")
    profiler.disable()
    writer_stats = pstats.Stats(profiler)
    print("\n## cProfile of one writer process's work in this process, by cumulative time\n")
    print(_top(writer_stats, "cumulative"))
    print("\n## cProfile of one writer process's work in this process, by own (total) time\n")
    print(_top(writer_stats, "tottime"))
    return 0
