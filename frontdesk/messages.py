"""Messages that travel up to the app (habit 3)."""
from __future__ import annotations

from textual.message import Message


class StoreReady(Message):
    """The database is open: screens may load their data."""


class StoreFailed(Message):
    """The database could not be opened."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class DataChanged(Message):
    """Something was saved: visible lists should reload."""

    def __init__(self, what: str = "") -> None:
        super().__init__()
        self.what = what
