"""The corpora the benchmarks run on, each prepared as a folder under the cache.

Every corpus is a folder (not a bare file) so that the update benchmark can
drop a small extra file next to the articles and take it away again, which
is how a user adds articles. Big shared files are linked, never copied.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .measure import ROOT
from .synthetic import SYNTHETIC_ARTICLES, write_synthetic
from .synthetic import VERSION as SYNTHETIC_VERSION

DATA = Path(os.environ.get("BENCH_DATA", ROOT.parent / "shared" / "data"))
REUTERS = DATA / "reuters21578.jsonl.gz"
HEADLINES = DATA / "reuters_headlines_2007_2016_1M.jsonl.gz"
QUICK_ARTICLES = 5_000


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    name: str
    family: str  # which query set fits it (bench/queries.py)
    synthetic: bool
    build: Callable[[Path], None]  # fills an empty folder with the corpus files
    source: Path | None = None  # the shared file it is made from, when any
    version: int = 1  # of the generated files: a cached corpus of another version is rebuilt

    @property
    def label(self) -> str:
        """How every output line names it: generated text is always marked as such."""
        return f"{self.name} (synthetic)" if self.synthetic else self.name

    def available(self) -> bool:
        return self.source is None or self.source.exists()


def _copy_seeds(folder: Path) -> None:
    for path in sorted((ROOT / "seeds").iterdir()):
        if path.is_file() and not path.name.startswith("."):
            shutil.copy2(path, folder / path.name)


def _link(source: Path) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        (folder / source.name).symlink_to(source.resolve())

    return build


def _reuters_slice(folder: Path) -> None:
    """The first few thousand Reuters articles, in files of 1,000: the everyday quick benchmark.

    Several files, because the engine re-reads a whole file when one of its
    articles changes: the edit benchmark then touches 1,000 articles, not all.
    """
    with gzip.open(REUTERS, "rt", encoding="utf-8") as src:
        for number, line in enumerate(src):
            if number >= QUICK_ARTICLES:
                break
            with (folder / f"reuters-{number // 1000}.jsonl").open("a", encoding="utf-8") as dst:
                dst.write(line)


def _synthetic(folder: Path) -> None:
    write_synthetic(REUTERS, folder, SYNTHETIC_ARTICLES)


CORPORA: dict[str, CorpusSpec] = {
    "seeds": CorpusSpec("seeds", "seeds", False, _copy_seeds),
    "reuters5k": CorpusSpec("reuters5k", "reuters", False, _reuters_slice, REUTERS, version=2),
    "reuters": CorpusSpec("reuters", "reuters", False, _link(REUTERS), REUTERS),
    "synthetic100k": CorpusSpec("synthetic100k", "synthetic", True, _synthetic, REUTERS, SYNTHETIC_VERSION),
    "headlines": CorpusSpec("headlines", "headlines", False, _link(HEADLINES), HEADLINES),
}

DEFAULT = ("seeds", "reuters")
QUICK = ("seeds", "reuters5k")
ALL = ("seeds", "reuters", "synthetic100k", "headlines")

READY = ".ready"  # written last: a half-generated corpus is never mistaken for a whole one


def prepare(spec: CorpusSpec, cache: Path) -> Path:
    """The corpus folder for ``spec``, generated or linked on first use."""
    folder = cache / "corpora" / spec.name
    stamp = f"version {spec.version}\n"
    if (folder / READY).exists() and (folder / READY).read_text() == stamp:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    partial = folder.with_name(f".{spec.name}.partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    spec.build(partial)
    (partial / READY).write_text(stamp)
    partial.rename(folder)
    return folder


def signature(folder: Path) -> str:
    """Names, sizes and mtimes of the corpus files: changes when the corpus does."""
    digest = hashlib.sha1()
    for path in sorted(folder.rglob("*")):
        if path.name.startswith(".") or not path.is_file():
            continue
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]
