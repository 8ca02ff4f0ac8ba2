"""Tables derived from the articles (entities, events) and how the index keeps them in step.

Each derived table is updated in the same run as the Whoosh index: it is
told which articles were removed and which were (re)read, and is committed
with the index generation it describes. If a run dies between the Whoosh
commit and a table's commit, the table's generation no longer matches the
manifest's; the next run notices and rebuilds that table from the articles
stored in the index, so the tables always agree with the index.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .atomic import write_json_atomic
from .models import Article

if TYPE_CHECKING:
    from .events import EventTable


class DerivedUpdate(Protocol):
    def add(self, article: Article) -> None: ...

    def add_prepared(self, payload: Any) -> None:
        """Add an article from what the table's ``prepare`` made of it (in another process).

        The writer processes' results come in pieces as they send them, interleaved: a table
        must not depend on the order in which its articles are added."""
        ...

    def remove(self, article_id: str) -> None: ...

    def precompute(self, generation: int | None = None) -> None:
        """Do the corpus-wide work now (while the index is still being written); ``publish``
        then only saves, unless articles were added or removed since. With the generation
        the run will commit, also write the files now: ``publish`` then only makes them
        current, and the update takes no more changes."""
        ...

    def publish(self, generation: int | None = None) -> Any:
        """Make the table current, as describing index ``generation``."""
        ...

    def discard(self) -> None:
        """The run failed before its commit: delete whatever ``precompute`` wrote."""
        ...


class DerivedTable(Protocol):
    # The per-article work (a picklable function of one article), so that the index's writer
    # processes can do it beside their own analysis and hand back only the result.
    prepare: Callable[[Article], Any]

    def exists(self) -> bool: ...

    def stored_generation(self) -> int | None: ...

    def begin(self) -> DerivedUpdate: ...

    def rebuild(self, articles: Iterable[Article], generation: int | None = None) -> Any: ...


def derived_tables(index_dir: Path) -> list[DerivedTable]:
    """Every derived table kept in an index folder, in the order they are updated."""
    from .entities import EntityIndex

    return [EntityIndex(index_dir)]


class EventStore:
    """The event table of an index folder, tagged with the index generation it describes.

    The tag is a small file written after the table, so a run that dies in between
    leaves a table whose tag does not match, which is then rebuilt.
    """

    TABLE = "events.json"
    TAG = "events.generation.json"

    def __init__(self, index_dir: Path) -> None:
        self.table_path = index_dir / self.TABLE
        self.tag_path = index_dir / self.TAG

    def load(self, generation: int) -> EventTable | None:
        """The table if it describes ``generation``, else None."""
        try:
            tag = json.loads(self.tag_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(tag, dict) or tag.get("generation") != generation:
            return None
        return self.load_any()

    def load_any(self) -> EventTable | None:
        """Whatever table is there (to reuse the features of unchanged articles), or None."""
        from .events import EventTable

        return EventTable.load(self.table_path)

    def save(self, table: EventTable, generation: int) -> None:
        """Save when the folder is writable; a read-only index just derives events each time."""
        try:
            table.save(self.table_path)
            write_json_atomic(self.tag_path, {"generation": generation})
        except OSError:
            return
