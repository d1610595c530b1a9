"""The incident feature's error: an English message for the command line, a key for screens."""
from __future__ import annotations

from typing import Any


class IncidentError(ValueError):
    """Bad input for an incident action; nothing was saved.

    ``key`` names the message in the locale catalogue (``inc.err.*``) so a screen can say it in
    its own language; ``values`` fill the placeholders. ``str(exc)`` is the English text.
    """

    def __init__(self, message: str, key: str = "", **values: Any) -> None:
        super().__init__(message)
        self.key = key
        self.values = values
