"""Messages that travel up to the app (habit 3)."""
from __future__ import annotations

from collections.abc import Callable

from textual.message import Message


class StoreOpened(Message):
    """The worker opened the database (posted to the app)."""


class StoreOpenFailed(Message):
    """The worker could not open the database (posted to the app; the start screen shows it)."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error


class ReloadData(Message):
    """Posted by the app to each screen after something was saved."""

    bubble = False


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

    def __init__(self, callback: Callable[..., object], *args: object) -> None:
        super().__init__()
        self.callback = callback
        self.args = args


class WorkFailed(Message):
    """A thread worker or an action raised; the app says what happened (one handler for all).

    Posted to the node that ran the work, it bubbles up to the app, so the screen may also
    react (re-enable a save button) without stopping it.
    """

    def __init__(self, error: Exception, what: str) -> None:
        super().__init__()
        self.error = error
        self.what = what
