"""Screens of the explorer app: the search view and the dialogs it opens."""
