"""Entities: the people, organisations and places of a corpus with all their spellings.

The pieces, in the order data flows through them:

- ``mentions``: per article, capitalised name sequences with titles, roles,
  acronyms, kind cues and offsets (run once per article at index time);
- ``casing``: the corpus' evidence of which capitalised words are names;
- ``resolve``: per article, short forms (`Hameed`, `NRF`) attached to their
  full names, common words dropped;
- ``names`` and ``blocking``: the string-level matcher and candidate pairs;
- ``nodes``: what the corpus knows about each full name, counted in and out of
  the nodes kept between runs as articles are resolved and dropped;
- ``clustering``: merge decisions with readable evidence;
- ``table``: the entity table (look-ups, expansion for search, save/load);
- ``corrections``: the user's merge and split decisions;
- ``store``: the files in the index folder and incremental updates;
- ``namelist``: the same matcher on a plain list of names (`explorer variants`).
"""

from __future__ import annotations

from .corrections import Correction, Corrections, CorrectionsError
from .kinds import KINDS
from .mentions import ArticleMentions, Mention, extract
from .model import Entity, EntityExpansion, Evidence, MentionRef, NameGroup
from .namelist import group_names
from .names import compare_names
from .pipeline import build_entities
from .store import EntityIndex, EntityUpdate, MentionStore
from .table import EntityTable, EntityTableError

__all__ = [
    "KINDS",
    "ArticleMentions",
    "Correction",
    "Corrections",
    "CorrectionsError",
    "Entity",
    "EntityExpansion",
    "EntityIndex",
    "EntityTable",
    "EntityTableError",
    "EntityUpdate",
    "Evidence",
    "Mention",
    "MentionRef",
    "MentionStore",
    "NameGroup",
    "build_entities",
    "compare_names",
    "extract",
    "group_names",
]
