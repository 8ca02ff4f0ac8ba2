"""Timing and quality of the event engine (search/events) on the shared real data.

    .venv/bin/python bench/events_bench.py timing [--limit N]   # Reuters-21578: build, update, save, load
    .venv/bin/python bench/events_bench.py quality              # stories vs gold on ECB+ and WikiRef220

Known answers (event_id, topic_id) and the `origin` field (a path that names
the event) are removed before the articles reach the engine, and article ids
are replaced by opaque numbers (ECB+ ids spell out topic and event); the
gold labels are used only to score.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.dates import parse_date  # noqa: E402
from search.events import EventTable  # noqa: E402
from search.events.evaluate import adjusted_rand, bcubed, pairwise  # noqa: E402
from search.models import Article  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def read_rows(path: Path, limit: int | None = None) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def blind(rows: list[dict]) -> tuple[list[Article], dict[str, str]]:
    """Articles without their known answers (opaque ids), and the gold label per opaque id."""
    articles, gold = [], {}
    for number, row in enumerate(rows):
        article_id = f"a{number:05d}"
        gold[article_id] = str(row.get("event_id"))
        articles.append(
            Article(
                id=article_id,
                source=str(row.get("source") or f"s{number:05d}"),
                title=str(row.get("title") or ""),
                text=str(row.get("text") or ""),
                date=parse_date(row.get("date")),
            )
        )
    return articles, gold


def score(table: EventTable, gold: dict[str, str]) -> dict[str, float]:
    predicted = {a: s.id for s in table.stories() for a in s.articles}
    bp, br, bf = bcubed(predicted, gold)
    pp, pr, pf = pairwise(predicted, gold)
    return {
        "bcubed_p": bp, "bcubed_r": br, "bcubed_f1": bf,
        "pair_p": pp, "pair_r": pr, "pair_f1": pf,
        "ari": adjusted_rand(predicted, gold),
        "stories": len(table.stories()), "gold_groups": len(set(gold.values())),
    }  # fmt: skip


def product_table(articles: list[Article], folder: Path) -> EventTable:
    """The table as users get it: a real index of the articles, entities as the engine's hook."""
    from search.explorer import Explorer

    corpus = folder / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for article in articles:
            row = {"id": article.id, "source": article.source, "title": article.title, "text": article.text}
            if article.date:
                row["date"] = article.date
            handle.write(json.dumps(row) + "\n")
    explorer = Explorer.open(corpus, folder / "index")
    explorer.ensure_index()
    table = explorer.events_table()
    explorer.close()  # waits for its save: the folder is deleted after
    return table


def quality() -> None:
    """Stories against the gold groupings, for the engine alone and as the product builds them."""
    for name in ("ecbplus.jsonl", "wikiref220.jsonl"):
        articles, gold = blind(read_rows(DATA / name))
        for mode in ("engine alone", "product (index + entities)"):
            started = time.perf_counter()
            with tempfile.TemporaryDirectory() as folder:
                table = (
                    EventTable.build(articles)
                    if mode == "engine alone"
                    else product_table(articles, Path(folder))
                )
                seconds = time.perf_counter() - started
                figures = score(table, gold)
            print(f"{name}, {mode}: {len(articles)} articles, {seconds:.1f} s")
            print(
                "  "
                + "  ".join(
                    f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()
                )
            )


def reuters(limit: int | None) -> list[Article]:
    rows = [r for r in read_rows(DATA / "reuters21578.jsonl.gz") if (r.get("text") or "").strip()]
    rows = rows[:limit] if limit else rows[:20_000]
    return [
        Article(id=str(r["id"]), source=str(r.get("source") or "Reuters"), title=str(r.get("title") or ""),
                text=str(r.get("text") or ""), date=parse_date(r.get("date")))
        for r in rows
    ]  # fmt: skip


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(started: tuple[float, float]) -> str:
    wall, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
    return f"{wall:.2f} s (cpu of this process {cpu:.2f} s)"


def timing(limit: int | None) -> None:
    """Build, save, load, update and re-index on Reuters-21578; wall and CPU times.

    Absolute times drift on a shared machine; the CPU time of the main
    process is the steadier figure (extraction also runs in worker
    processes, whose CPU is not in it).
    """
    articles = reuters(limit)
    print(f"reuters21578: {len(articles)} articles with text, {os.cpu_count()} cores")
    started = _clock()
    table = EventTable.build(articles)
    print(f"  full build: {_since(started)}")
    store = table.store
    multi = sum(1 for n in range(len(store.e_id)) if store.e_alive[n] and store.e_articles[n] > 1)
    print(f"    {len(store.p_slot)} passages, {sum(store.e_alive)} events ({multi} with several articles), "
          f"{sum(store.s_alive)} stories")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.table"
        started = _clock()
        table.save(path)
        print(f"  save: {_since(started)}, {path.stat().st_size / 1e6:.1f} MB")
        lean = Path(folder) / "events-lean.table"
        started = _clock()
        table.save(lean, texts=False)
        print(f"  save without texts: {_since(started)}, {lean.stat().st_size / 1e6:.1f} MB")
        started = _clock()
        loaded = EventTable.load(path)
        print(f"  load: {_since(started)}")
        assert loaded is not None
        started = _clock()
        shown = loaded.events(min_sources=1)[:50]
        print(f"  first 50 events after load: {_since(started)} ({len(shown)} shown)")
        started = _clock()
        found = loaded.find_event("oil prices")
        print(f"  find_event('oil prices') after load: {_since(started)} ({found.id if found else None})")
        changed = [
            Article(a.id, a.source, a.title, a.text + "\nCorrection appended.", a.date) for a in articles[:10]
        ]
        started = _clock()
        updated = loaded.update(changed)
        print(f"  update of 10 changed articles (loaded table): {_since(started)}")
        started = _clock()
        updated.save(path)
        print(f"  save after the update: {_since(started)}")
    started = _clock()
    updated = table.update(changed)
    print(f"  update of 10 changed articles (built table): {_since(started)}")
    reverted = updated.update(articles[:10])
    before = {e.id for e in table.events()}
    after = {e.id for e in reverted.events()}
    print(f"  update then revert: {len(before ^ after)} of {len(before)} event ids differ from the original")
    started = _clock()
    same = EventTable.build(articles, previous=updated)
    print(f"  re-index with previous (10 re-extracted, all regrouped): {_since(started)}")
    stable = [e.id for e in same.events()] == [e.id for e in table.events()]
    print(f"  event ids identical after re-indexing the unchanged corpus: {stable}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["timing", "quality", "all"])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    if args.what in ("quality", "all"):
        quality()
    if args.what in ("timing", "all"):
        timing(args.limit)


if __name__ == "__main__":
    main()
