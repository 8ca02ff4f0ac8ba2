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
"""

from __future__ import annotations

from textual import events


class TypeAhead:
    """Mixin for the focusable widgets of a screen (put it before the widget class)."""

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen  # type: ignore[attr-defined]
        focused = screen.focused
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        active = screen.active_bindings.get(event.key)
        if active is None or not active.enabled:
            return
        event.stop()
        event.prevent_default()
        await self.app.run_action(active.binding.action, active.node)  # type: ignore[attr-defined]
