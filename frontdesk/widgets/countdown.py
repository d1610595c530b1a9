"""A countdown cell that changes only when its text or state changes, and the board's helpers.

Nothing here counts time: the text is computed from a stored due instant and ``now`` each tick
(by :mod:`frontdesk.domain.durations`, the app's one duration formatter).
"""
from __future__ import annotations

from textual.widgets import Static

from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.incidents.deadlines import Clock
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

