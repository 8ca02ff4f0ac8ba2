"""Widgets of the explorer app: each one only displays what the engine's facade returns."""
