"""The key catalogue: every binding of a screen, read from the bindings themselves.

The help screen and the command palette are both generated from this, so
neither can drift from what the keys really do. Each screen says which
nodes (itself, its widgets, the app) have keys worth listing, under which
heading; the bindings are read from the classes' ``BINDINGS`` the same way
Textual merges them (a subclass's key replaces its base's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode


@dataclass(frozen=True)
class KeySection:
    """A heading in the help screen and the node whose bindings it lists."""

    title: str
    node: DOMNode
    inherited: bool = True  # also list keys bound by the node's base classes


@dataclass(frozen=True)
class KeyEntry:
    """One action with all the keys bound to it."""

    keys: tuple[str, ...]  # as displayed: "j", "down", "^p"
    description: str
    action: str
    node: DOMNode
    binding_id: str | None


def class_bindings(cls: type, inherited: bool = True) -> list[Binding]:
    """The bindings ``cls`` ends up with, the most derived class's first.

    A key bound by a subclass replaces the same key of its base classes, as
    in Textual's own merge; keys only a base class binds come after.
    """
    classes = [base for base in cls.__mro__ if "BINDINGS" in base.__dict__]
    if not inherited:
        classes = classes[:1] if classes and classes[0] is cls else []
    by_key: dict[str, Binding] = {}
    for base in classes:
        for binding in Binding.make_bindings(base.__dict__["BINDINGS"]):
            by_key.setdefault(binding.key, binding)
    return list(by_key.values())


def entries(app: App, section: KeySection) -> list[KeyEntry]:
    """One entry per described action in ``section``, with every key that runs it."""
    grouped: dict[str, list[Binding]] = {}
    for binding in class_bindings(type(section.node), section.inherited):
        if not binding.description or binding.system:
            continue
        grouped.setdefault(binding.action, []).append(binding)
    result = [
        KeyEntry(
            keys=tuple(app.get_key_display(binding) for binding in bindings),
            description=bindings[0].description,
            action=action,
            node=section.node,
            binding_id=bindings[0].id,
        )
        for action, bindings in grouped.items()
    ]
    if isinstance(section.node, App) and section.node.ENABLE_COMMAND_PALETTE:
        palette = Binding(section.node.COMMAND_PALETTE_BINDING, "command_palette", "Command palette")
        result.append(
            KeyEntry(
                (app.get_key_display(palette),), "Command palette", "command_palette", section.node, None
            )
        )
    return result


def catalogue(app: App, sections: Iterable[KeySection]) -> list[tuple[str, list[KeyEntry]]]:
    """Every section with its entries, empty sections left out."""
    listed = [(section.title, entries(app, section)) for section in sections]
    return [(title, items) for title, items in listed if items]
