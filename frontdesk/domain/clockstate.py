"""How a deadline stands at a given moment: the one state both incident clocks and the
escalation's call and report countdowns use (and the board and panels colour by)."""
from __future__ import annotations

from enum import StrEnum


class ClockState(StrEnum):
    """``ok`` before the warning lead, ``warning`` within it, ``breach`` from the due instant
    on, ``done`` once met (incident clocks only: an escalation countdown just stops)."""

    OK = "ok"
    WARNING = "warning"
    BREACH = "breach"
    DONE = "done"
