"""Events across sources: passages, events, their differences, stories, and the compare layout.

Entry points (everything else is internal):

- ``EventTable.build(articles, canonical=None, previous=None)``: extract and group.
- ``table.update(changed, removed, canonical=None)``: re-extract only changed articles.
- ``table.save(path)`` / ``EventTable.load(path)``: atomic JSON on disk.
- ``table.events(query, min_sources, article_ids, limit)``, ``table.find_event(id_or_query)``,
  ``table.compare(event_or_id_or_query)``, ``table.stories(query, article_ids)``,
  ``table.events_of(article_id)``, ``table.story_of(article_id)``.
- By number, for lists too long to make a record of each (a corpus of 100,000
  articles has over a million events): ``table.event_numbers(...)`` and
  ``table.story_numbers(...)`` give the order ``events``/``stories`` list, and
  ``events_at``/``stories_at`` make records for the few shown;
  ``event_text``/``event_label``/``story_label`` give what a text filter looks in.

``canonical(name) -> entity id | None`` is the hook through which the entities
package unifies spellings; without it a cautious internal fallback is used
(see ``names.py``).
"""

from .compare import align, compare_event
from .grouping import EventSettings
from .models import CompareRow, Comparison, Difference, Event, Passage, Quantity, Story
from .passages import split_passages, split_sentences
from .stories import StorySettings
from .table import EventTable

__all__ = [
    "CompareRow",
    "Comparison",
    "Difference",
    "Event",
    "EventSettings",
    "EventTable",
    "Passage",
    "Quantity",
    "Story",
    "StorySettings",
    "align",
    "compare_event",
    "split_passages",
    "split_sentences",
]
