"""A countdown cell that changes only when its text or state changes, and the board's texts.

Nothing here counts time: the text is computed from a stored due instant and ``now`` each tick.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from textual.widgets import Static

from frontdesk.domain.incidents.deadlines import Clock, ClockState, humanize_remaining
from frontdesk.text import ui

#: CSS class for each clock state (none for ok/done).
STATE_CLASS = {ClockState.WARNING: "-warning", ClockState.BREACH: "-overdue"}


class Countdown(Static):
    """One cell of the board; :meth:`show` repaints only on a real change."""

    DEFAULT_CSS = """
    Countdown { text-wrap: nowrap; text-overflow: ellipsis; }
    Countdown.-warning { color: $warning; text-style: bold; }
    Countdown.-overdue { color: $error; text-style: bold reverse; }
    """

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(ui(text), **kwargs)  # type: ignore[arg-type]
        self.shown: tuple[str, str] = (text, "")

    def show(self, text: str, state: str = "") -> bool:
        """Show ``text`` in ``state`` ("warning", "breach" or ""); True if anything changed."""
        if (text, state) == self.shown:
            return False
        old_text, old_state = self.shown
        self.shown = (text, state)
        if text != old_text:
            self.update(ui(text))
        if state != old_state:
            for cls in STATE_CLASS.values():
                self.remove_class(cls)
            wanted = STATE_CLASS.get(ClockState(state)) if state else None
            if wanted:
                self.add_class(wanted)
        return True


def next_clock(clocks: list[Clock]) -> Clock | None:
    """The soonest clock not yet met."""
    return next((c for c in clocks if c.state is not ClockState.DONE), None)


def elapsed_text(since: datetime, now: datetime) -> str:
    """``2:05`` (hours:minutes) since the event, ``1d2:05`` past a day."""
    minutes = max(int((now - since) / timedelta(minutes=1)), 0)
    h, m = divmod(minutes, 60)
    return f"{h // 24}d{h % 24}:{m:02d}" if h >= 24 else f"{h}:{m:02d}"


def remaining_text(due: datetime, now: datetime, lang: str) -> str:
    """Time left or overdue, in the language."""
    return humanize_remaining(due - now, lang)


def compact_remaining(due: datetime, now: datetime, lang: str) -> str:
    """A board-sized countdown: ``还剩 7:59`` / ``超时 1天1:50``, ``7:59 left`` / ``1d1:50 late``.

    Rounded like :func:`humanize_remaining`: up while time remains (never 0:00 before the
    deadline), down once overdue.
    """
    seconds = (due - now).total_seconds()
    overdue = seconds <= 0
    total = math.floor(-seconds / 60) if overdue else math.ceil(seconds / 60)
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    zh = lang.lower().startswith("zh")
    span = (f"{days}天" if zh else f"{days}d") if days else ""
    span += f"{hours}:{minutes:02d}"
    if zh:
        return f"超时 {span}" if overdue else f"还剩 {span}"
    return f"{span} late" if overdue else f"{span} left"


def fit(text: str, cells: int) -> str:
    """``text`` on one line cut to ``cells`` terminal columns (a Chinese character takes two),
    with an ellipsis when cut."""
    from rich.cells import cell_len

    from frontdesk.text import one_line

    s = one_line(text)
    if cell_len(s) <= cells:
        return s
    out = ""
    for ch in s:
        if cell_len(out + ch) > cells - 1:
            break
        out += ch
    return out + "…"


_MINUTE = timedelta(minutes=1)


def next_countdown_change(due: datetime, now: datetime) -> datetime:
    """The next instant after ``now`` at which a countdown to ``due`` shows a different text
    (texts change on whole minutes counted from ``due``)."""
    left = due - now
    if left > timedelta(0):
        k = math.ceil(left / _MINUTE)
        return due - (k - 1) * _MINUTE
    return due + (math.floor(-left / _MINUTE) + 1) * _MINUTE


def next_elapsed_change(since: datetime, now: datetime) -> datetime:
    """The next instant after ``now`` at which the elapsed time since ``since`` reads differently."""
    if now < since:
        return since
    return since + (math.floor((now - since) / _MINUTE) + 1) * _MINUTE
