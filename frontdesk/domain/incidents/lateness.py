"""Lateness stays on the record: every clock met late, or still overdue, and by how much.

A clock that was met after its due instant does not drop off the list: it is reported with
its due time, when it was met and how late (issue 18, point 4). Pure: clocks and ``now`` in.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.incidents.deadlines import (
    CLOCK_CHECKLIST,
    CLOCK_REPORT,
    CLOCK_STATEMENT,
    CLOCK_STATEMENT_FOLLOW_UP,
    Clock,
)
from frontdesk.domain.incidents.model import Bilingual, Kind

CLOCK_NAMES: dict[str, Bilingual] = {
    CLOCK_REPORT: Bilingual("书面报告", "written report"),
    CLOCK_STATEMENT: Bilingual("对外声明", "public statement"),
    CLOCK_STATEMENT_FOLLOW_UP: Bilingual("声明续报(本站自定)", "statement update (site's choice)"),
}


@dataclass(frozen=True)
class LateItem:
    """One clock met late (``done_at`` set) or still overdue (``done_at`` None) at ``now``."""

    code: str
    subject: str
    label: Bilingual
    due_at: datetime
    done_at: datetime | None
    late_by: timedelta

    @property
    def met(self) -> bool:
        """Met, though late (False: still overdue)."""
        return self.done_at is not None


def clock_name(code: str, subject: str, kind: Kind | None) -> Bilingual:
    """What a clock is about: the checklist item's own text, or the clock's name."""
    if code == CLOCK_CHECKLIST and kind is not None:
        item = next((i for i in kind.checklist if i.id == subject), None)
        if item is not None:
            return item.text
    return CLOCK_NAMES.get(code, Bilingual(subject or code, subject or code))


def late_items(clocks: Iterable[Clock], kind: Kind | None, now: datetime) -> list[LateItem]:
    """Every clock met late or overdue at ``now``, in order of due time."""
    out: list[LateItem] = []
    for c in clocks:
        name = clock_name(c.code, c.subject, kind)
        if c.late_by is not None and c.done_at is not None:
            out.append(LateItem(c.code, c.subject, name, c.due_at, c.done_at, c.late_by))
        elif c.state is ClockState.BREACH:
            out.append(LateItem(c.code, c.subject, name, c.due_at, None, now - c.due_at))
    return sorted(out, key=lambda i: (i.due_at, i.code, i.subject))
