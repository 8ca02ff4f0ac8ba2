"""A million tiny files: how long the corpus walk and the reading take, and their peak memory.

The files (one short article each, in 1,000 folders of 1,000) are written once to
``bench/.cache/million/`` and kept. Listing and reading each run in a fresh
interpreter so their peak RSS (VmHWM) is their own; reading streams the
articles and keeps none, so its memory beyond the file list should not depend on
how many files there are. Prints a table; asserts nothing. Not part of `make bench`
(writing the files takes minutes and about 4 GB of disk blocks).

    python -m bench.walk_million [--files N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"

# Peak RSS is VmHWM, the process's own high-water mark: getrusage's ru_maxrss survives execve
# on Linux, so it would start at the parent's size.
MEASURE = """
import json, re, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from search.corpus import list_files, read_articles
root, mode = Path(sys.argv[2]), sys.argv[3]
def peak_mb():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) / 1024
warnings = []
rss_start = peak_mb()
started = time.perf_counter()
files = list_files(root, warnings.append)
listed = time.perf_counter() - started
rss_listed = peak_mb()
articles = 0
if mode == "read":
    for file in files:
        for _article in read_articles(file, root, warnings.append):
            articles += 1
print(json.dumps({"files": len(files), "articles": articles, "warnings": len(warnings),
                  "list_s": listed, "total_s": time.perf_counter() - started,
                  "rss_start_mb": rss_start, "rss_listed_mb": rss_listed,
                  "rss_mb": peak_mb()}))
"""


def make_corpus(count: int) -> Path:
    """``count`` tiny files under the cache, written once (a marker file records the count)."""
    root = CACHE / f"tiny-{count}"
    marker = CACHE / f"tiny-{count}.done"
    if marker.exists():
        return root
    per_folder = 1000
    for folder in range((count + per_folder - 1) // per_folder):
        sub = root / f"f{folder:04d}"
        sub.mkdir(parents=True, exist_ok=True)
        for number in range(min(per_folder, count - folder * per_folder)):
            (sub / f"a{number:04d}.txt").write_bytes(
                b"Kabul, tiny article %d in folder %d." % (number, folder)
            )
    marker.write_text(str(count))
    return root


def measure(root: Path, mode: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(ROOT), str(root), mode],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    root = make_corpus(args.files)
    made = time.perf_counter() - started
    listing = measure(root, "list")
    reading = measure(root, "read")
    per_file_kb = (listing["rss_mb"] - listing["rss_start_mb"]) * 1024 / max(1, listing["files"])
    rows = [
        ("files", f"{listing['files']:,}"),
        ("writing them (first run only)", f"{made:.0f} s"),
        ("walk (list_files)", f"{listing['list_s']:.1f} s, peak RSS {listing['rss_mb']:.0f} MB"),
        ("  file list, per file", f"about {per_file_kb:.2f} KB"),
        (
            "walk + read every article",
            f"{reading['total_s']:.0f} s ({reading['files'] / reading['total_s']:,.0f} files/s), "
            f"peak RSS {reading['rss_mb']:.0f} MB",
        ),
        ("  reading beyond the list", f"{reading['rss_mb'] - reading['rss_listed_mb']:+.0f} MB"),
        ("articles, warnings", f"{reading['articles']:,}, {reading['warnings']}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
