"""Messages that travel up to the app (habit 3)."""
from __future__ import annotations

from textual.message import Message


class StoreOpened(Message):
    """The worker opened the database (posted to the app)."""


class StoreOpenFailed(Message):
    """The worker could not open the database (posted to the app)."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class ReloadData(Message):
    """Posted by the app to each screen after something was saved."""

    bubble = False


class StoreReady(Message):
    """The database is open: screens may load their data."""

    bubble = False  # the app re-posts it to every screen; it must not bounce back up


class StoreFailed(Message):
    """The database could not be opened."""

    bubble = False

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class DataChanged(Message):
    """Something was saved: visible lists should reload."""

    bubble = False

    def __init__(self, what: str = "") -> None:
        super().__init__()
        self.what = what


class Deliver(Message):
    """A worker's result for the UI thread: ``callback(*args)`` runs in the receiver's handler.

    Workers post this instead of ``call_from_thread`` so that a worker finishing while the app
    closes never blocks waiting for a UI thread that has stopped.
    """

    bubble = False

    def __init__(self, callback: object, *args: object) -> None:
        super().__init__()
        self.callback = callback
        self.args = args
