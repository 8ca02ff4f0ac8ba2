"""Where the corpus and its index live when the user does not say."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

BUNDLED_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def resolve_corpus(corpus: str | os.PathLike[str] | None = None) -> Path:
    """--corpus, else $EXPLORER_CORPUS, else the bundled sample articles."""
    chosen = corpus or os.environ.get("EXPLORER_CORPUS") or BUNDLED_SEEDS
    return Path(chosen).expanduser().resolve()


def resolve_index_dir(corpus: Path, index_dir: str | os.PathLike[str] | None = None) -> Path:
    """--index, else $EXPLORER_INDEX, else one folder per corpus in the user's cache.

    The folder name carries the corpus' name for people and a hash of its
    absolute path so that two corpora with the same name never share an index.
    """
    chosen = index_dir or os.environ.get("EXPLORER_INDEX")
    if chosen:
        return Path(chosen).expanduser().resolve()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha1(str(corpus).encode("utf-8")).hexdigest()[:12]
    name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in corpus.name) or "corpus"
    return cache / "explorer" / f"{name}-{key}"
