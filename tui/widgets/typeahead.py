"""Keys typed ahead of a focus change go where the person meant them to go.

Textual routes each key to the widget focused when the key *arrives*, and
runs (non-priority) bindings only once the key has bubbled up to the app.
So when "Dashty⏎j" arrives in one read (a fast typist, a slow SSH link),
the ``j`` is already queued for the search box by the time ``enter`` has
moved focus to the hits, and would be typed into the query. The focusable
widgets of the explorer therefore:

* pass a key that reaches them after they lost focus on to the widget
  that has focus now (keys keep their order);
* run the binding for a key themselves, as they take the key from their
  queue, instead of letting it bubble first; a focus change made by one
  key is then in place before the next key is looked at.

Keys without a binding are left to the widget (typing into an input) and
then bubble as usual.

Escape has the same problem in another form: a terminal sends escape as
the byte that also starts alt+key, so escape followed quickly by ``q``
(tmux, SSH) arrives as ``alt+q``. The explorer binds no alt+character
keys, so such a key is taken as what was typed: escape, then the character.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class TypeAhead:
    """Mixin for the focusable widgets of a screen (put it before the widget class)."""

    async def _on_key(self, event: events.Key) -> None:
        escaped = _escape_then(event)
        if escaped is not None:
            event.stop()
            event.prevent_default()
            await self._route(events.Key("escape", "\x1b"))
            (self.screen.focused or self).post_message(escaped)  # type: ignore[attr-defined]
            return
        if await self._route(event):
            event.stop()
            event.prevent_default()

    async def _route(self, event: events.Key) -> bool:
        """Pass ``event`` on, or run its binding; False leaves it to the widget itself."""
        screen = self.screen  # type: ignore[attr-defined]
        focused = screen.focused
        if focused is not None and focused is not self:
            focused.post_message(events.Key(event.key, event.character))
            return True
        active = screen.active_bindings.get(event.key)
        if active is None or not active.enabled:
            return False
        await self.app.run_action(active.binding.action, active.node)  # type: ignore[attr-defined]
        return True


def _escape_then(event: events.Key) -> events.Key | None:
    """For ``alt+q`` (escape, then q, read as one key): the key after the escape."""
    key, character = event.key, event.character
    if not key.startswith("alt+") or character is None or len(character) != 1 or not character.isprintable():
        return None
    return events.Key(key.removeprefix("alt+"), character)


class TypeAheadInput(TypeAhead, Input):
    """A text box in a dialog whose keys keep their order when tab or enter moves on."""
