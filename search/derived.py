"""Tables derived from the articles (entities, events) and how the index keeps them in step.

Each derived table is updated in the same run as the Whoosh index: it is
told which articles were removed and which were (re)read, and is committed
with the index generation it describes. If a run dies between the Whoosh
commit and a table's commit, the table's generation no longer matches the
manifest's; the next run notices and rebuilds that table from the articles
stored in the index, so the tables always agree with the index.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from .models import Article


class DerivedUpdate(Protocol):
    def add(self, article: Article) -> None: ...

    def remove(self, article_id: str) -> None: ...

    def commit(self, generation: int | None = None) -> Any: ...


class DerivedTable(Protocol):
    def exists(self) -> bool: ...

    def stored_generation(self) -> int | None: ...

    def begin(self) -> DerivedUpdate: ...

    def rebuild(self, articles: Iterable[Article], generation: int | None = None) -> Any: ...


def derived_tables(index_dir: Path) -> list[DerivedTable]:
    """Every derived table kept in an index folder, in the order they are updated."""
    from .entities import EntityIndex

    return [EntityIndex(index_dir)]
