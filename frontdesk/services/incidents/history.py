"""The record after the fact: what was late and by how much, and the closed-incidents list.

Lateness covers the incident's own clocks (report, statement, checklist items) and the
reporting chain's levels (informed late, or still owed past their deadline). The closed list is
filtered by the event's site-local date, kind and level, and searched in number, place,
summary and kind name.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from frontdesk.domain.escalation.contacts import role_names
from frontdesk.domain.escalation.state import ChainState, ReportStatus
from frontdesk.domain.incidents.deadlines import incident_clocks
from frontdesk.domain.incidents.lateness import LateItem, late_items
from frontdesk.domain.incidents.model import Bilingual, Incident, Kind, Level
from frontdesk.domain.register.search import normalize
from frontdesk.services.incidents.codec import when
from frontdesk.storage import incident_queries

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext
    from frontdesk.domain.incidents.catalogue import KindCatalogue
    from frontdesk.services.incidents.service import BoardItem

CODE_REPORTING = "reporting"


def reporting_late(st: ChainState | None, now: datetime) -> list[LateItem]:
    """Reporting levels told late, or owed past their deadline, as late items."""
    out: list[LateItem] = []
    for lv in st.reporting if st is not None else ():
        roles = [t.role or "" for t in lv.level.targets]
        zh = "/".join(role_names(r)[0] for r in roles)
        en = "/".join(role_names(r)[1] for r in roles)
        label = Bilingual(f"上报{zh}", f"report to {en}")
        if lv.late_by is not None and lv.informed_at is not None:
            out.append(LateItem(CODE_REPORTING, str(lv.index), label, lv.due, lv.informed_at,
                                lv.late_by))
        elif lv.status is ReportStatus.OVERDUE:
            out.append(LateItem(CODE_REPORTING, str(lv.index), label, lv.due, None,
                                now - lv.due))
    return out


@dataclass(frozen=True)
class ClosedRow:
    """One closed incident for the list: when it closed and what was late."""

    incident: Incident
    closed_at: datetime | None
    late: list[LateItem]


class HistoryMixin:
    """Lateness and the closed list (mixed into ``IncidentService``)."""

    ctx: AppContext

    if TYPE_CHECKING:  # pragma: no cover
        @property
        def catalogue(self) -> KindCatalogue: ...
        def kind(self, kind_id: str) -> Kind | None: ...
        def _items(self, conn: Any, incs: list[dict[str, Any]]) -> list[BoardItem]: ...

    def lateness(self, item: BoardItem, now: datetime | None = None,
                 chain: ChainState | None = None) -> list[LateItem]:
        """Everything of one incident that was met late or is overdue at ``now``."""
        from frontdesk.services.incidents.service import escalation

        now = now or self.ctx.clock.now()
        clocks = incident_clocks(item.facts, now, self.catalogue.rules)
        if chain is None:
            chain = escalation(self.ctx).state(item.incident.id, now)
        found = late_items(clocks, item.kind, now) + reporting_late(chain, now)
        return sorted(found, key=lambda i: (i.due_at, i.code, i.subject))

    def late_items(self, incident_id: str, now: datetime | None = None) -> list[LateItem]:
        """Lateness of one incident by id."""
        from frontdesk.storage import incidents as repo

        conn = self.ctx.require_db().read()
        p = repo.incident_payload(conn, incident_id)
        if p is None:
            return []
        return self.lateness(self._items(conn, [p])[0], now)

    def closed(self, first: date | None = None, last: date | None = None,
               kind: str | None = None, level: str | Level | None = None,
               query: str = "") -> list[ClosedRow]:
        """Closed incidents whose event fell on site days ``first``..``last`` (either may be
        open), of one kind and level if given, matching ``query``; newest first."""
        tz = ZoneInfo(self.ctx.require_site().timezone)
        start = datetime(first.year, first.month, first.day, tzinfo=tz) if first else None
        end = None
        if last is not None:
            nxt = last + timedelta(days=1)
            end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz)
        conn = self.ctx.require_db().read()
        rows = incident_queries.closed_payloads(
            conn, _utc(start), _utc(end), kind or None)
        if level:
            rows = [p for p in rows if p.get("level") == Level(level).value]
        needle = normalize(query) if query.strip() else ""
        if needle:
            rows = [p for p in rows if needle in normalize(self._haystack(p))]
        now = self.ctx.clock.now()
        return [ClosedRow(item.incident, when(p.get("closed_at")), self.lateness(item, now))
                for p, item in zip(rows, self._items(conn, rows), strict=True)]

    def _haystack(self, p: dict[str, Any]) -> str:
        k = self.kind(str(p.get("kind")))
        names = f"{k.name.zh} {k.name.en}" if k else ""
        return " ".join(str(p.get(f) or "") for f in ("number", "place", "summary", "kind")) \
            + " " + names


def _utc(value: datetime | None) -> str | None:
    from frontdesk.storage.incidents import utc

    return utc(value.isoformat()) if value is not None else None
