"""Time the entity engine on a real corpus: extraction, blocking, clustering, saving.

Run: .venv/bin/python -m bench.entities_bench [--limit N] [--corpus FILE.jsonl.gz] [--keep DIR]

Why standalone: the entity work must stay a small fraction of indexing
(which runs at roughly 150-300 articles/s), so this measures it alone on the
20,000 Reuters-21578 articles, and also the incremental path (ten changed
articles: re-extract ten, re-cluster all).
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import time
from pathlib import Path

from search.entities import EntityIndex, MentionStore, build_entities, extract
from search.entities.rows import to_row
from search.entities.store import MENTIONS_DIR, TABLE_FILE
from search.models import Article

ROOT = Path(__file__).resolve().parents[1]
REUTERS = ROOT.parent / "shared" / "data" / "reuters21578.jsonl.gz"


def read_corpus(path: Path, limit: int | None) -> list[Article]:
    """Articles of a JSONL(.gz) file with id/source/date/title/text (other fields ignored)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    articles = []
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for line in handle:
            row = json.loads(line)
            text = row.get("text") or ""
            if not text.strip():
                continue
            articles.append(
                Article(
                    id=str(row["id"]),
                    source=str(row.get("source") or ""),
                    title=str(row.get("title") or ""),
                    text=text,
                    date=None,
                )
            )
            if limit and len(articles) >= limit:
                break
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REUTERS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="write the entity files here")
    parser.add_argument("--top", type=int, default=15, help="print the N most mentioned entities")
    args = parser.parse_args()

    articles = read_corpus(args.corpus, args.limit)
    print(f"corpus: {args.corpus.name}, {len(articles)} articles with text")

    started = time.perf_counter()
    records = [extract(article) for article in articles]
    extract_seconds = time.perf_counter() - started
    mentions = sum(len(record.mentions) for record in records)
    print(
        f"extraction: {extract_seconds:.2f} s ({len(articles) / extract_seconds:.0f} articles/s), {mentions} mentions"
    )

    started = time.perf_counter()
    table = build_entities(records)
    build_seconds = time.perf_counter() - started
    stats = table.stats
    print(
        f"resolution: {stats['resolve_seconds']:.2f} s; names: {stats['names']}; "
        f"blocking candidate pairs: {stats['candidate_pairs']} (skipped blocks: {stats['skipped_blocks']})"
    )
    print(f"clustering: {stats['cluster_seconds']:.2f} s; table: {stats['table_seconds']:.2f} s")
    print(f"entities: {len(table)}; stored mentions -> table: {build_seconds:.2f} s total")
    print(f"entity work in all: {extract_seconds + build_seconds:.2f} s")

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        store = MentionStore({record.id: to_row(record) for record in records})
        started = time.perf_counter()
        store.save(folder / MENTIONS_DIR)
        table.save(folder / TABLE_FILE)
        save_seconds = time.perf_counter() - started
        sizes = {
            p.name: sum(f.stat().st_size for f in p.iterdir()) if p.is_dir() else p.stat().st_size
            for p in folder.iterdir()
        }
        print(
            f"saving: {save_seconds:.2f} s; sizes: "
            + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items())
        )
        index = EntityIndex(folder)
        started = time.perf_counter()
        update = index.begin()
        for article in articles[:10]:
            update.remove(article.id)
            update.add(article)
        update.commit()
        print(
            f"incremental update of 10 articles (load, extract 10, re-cluster, save): {time.perf_counter() - started:.2f} s"
        )
        started = time.perf_counter()
        index.table()
        print(f"loading the table: {time.perf_counter() - started:.2f} s")

    print(f"\nmost mentioned entities (of {len(table)}):")
    for entity in table.entities[: args.top]:
        spellings = ", ".join(f"{k} {v}" for k, v in list(entity.spellings.items())[:4])
        print(f"  {entity.article_count:5d}  {entity.kind:7s}  {entity.name}  [{spellings}]")
    merged = [e for e in table.entities if len(e.evidence) and e.article_count >= 3]
    print(f"\nsample merges ({sum(len(e.evidence) for e in table.entities)} in all):")
    for entity in merged[: args.top]:
        for evidence in entity.evidence[:2]:
            print(f"  {evidence.describe()}")


if __name__ == "__main__":
    main()
