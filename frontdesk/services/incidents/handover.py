"""Shift handover: open incidents, people on site, what is overdue, what falls due next shift.

The sheet is stored as made, with every clock's text in both languages (a checklist clock
carries its item's text, not "item"); overdue clocks are listed as overdue with how late, never
among the ones due next shift; clocks met late this far are listed with how late they were.
The incoming person accepts by signing in with their own PIN (the auth service's check, with
its lockout); the acceptance is written on every incident of the sheet.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.incidents.deadlines import incident_clocks
from frontdesk.domain.incidents.lateness import clock_name
from frontdesk.domain.incidents.model import EntryKind
from frontdesk.domain.sitetime import SHIFT
from frontdesk.services.changes import changes_data
from frontdesk.services.incidents.codec import iso
from frontdesk.storage import incidents as repo
from frontdesk.storage import records

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext
    from frontdesk.domain.incidents.catalogue import KindCatalogue
    from frontdesk.domain.incidents.lateness import LateItem
    from frontdesk.domain.incidents.model import TimelineEntry
    from frontdesk.services.incidents.service import BoardItem


class HandoverError(ValueError):
    """The handover cannot be accepted; ``code``: ``wrong_pin``, ``locked``, ``same_person``,
    ``no_name`` or ``no_sheet`` (``locked_until``/``remaining`` from the PIN check)."""

    def __init__(self, code: str, message: str, locked_until: datetime | None = None,
                 remaining: int = 0) -> None:
        super().__init__(message)
        self.code, self.locked_until, self.remaining = code, locked_until, remaining


@dataclass(frozen=True)
class HandoverSheet:
    """A stored handover: what the outgoing supervisor passes on, and who accepted it.

    ``overdue`` lists clocks past due at the handover (with ``late_minutes``), ``clocks_due``
    those due within the next shift, ``met_late`` those already met late; each entry has the
    incident's ``number``, the clock ``label`` ({zh, en}) and its instants.
    """

    id: str
    created_at: datetime
    created_by: str
    incidents: list[dict[str, Any]]
    on_site: list[dict[str, Any]]
    clocks_due: list[dict[str, Any]]
    accepted_by: str = ""
    accepted_at: datetime | None = None
    overdue: tuple[dict[str, Any], ...] = ()
    met_late: tuple[dict[str, Any], ...] = ()


def _sheet(hid: str, p: dict[str, Any]) -> HandoverSheet:
    acc = p.get("accepted_at")
    return HandoverSheet(hid, datetime.fromisoformat(p["created_at"]), str(p.get("created_by", "")),
                         list(p.get("incidents") or []), list(p.get("on_site") or []),
                         list(p.get("clocks_due", [])), str(p.get("accepted_by") or ""),
                         datetime.fromisoformat(acc) if acc else None,
                         tuple(p.get("overdue") or ()), tuple(p.get("met_late") or ()))


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


class HandoverMixin:
    """Handover use cases (mixed into ``IncidentService``)."""

    ctx: AppContext

    if TYPE_CHECKING:  # pragma: no cover
        @property
        def catalogue(self) -> KindCatalogue: ...
        def board_items(self, open_only: bool = True) -> list[BoardItem]: ...
        def lateness(self, item: BoardItem, now: datetime | None = None,
                     chain: Any = None) -> list[LateItem]: ...
        def _append(self, incident_id: str, text: str, by: str, kind: str = ...,
                    occurred_at: datetime | None = ..., data: dict[str, Any] | None = ...,
                    supersedes: str | None = ...) -> TimelineEntry: ...

    @changes_data
    def handover(self, now: datetime | None = None, by: str = "") -> HandoverSheet:
        """Make and store the handover sheet as of ``now``."""
        from frontdesk.services.incidents.service import escalation

        now = now or self.ctx.clock.now()
        rules = self.catalogue.rules
        incidents: list[dict[str, Any]] = []
        due: list[dict[str, Any]] = []
        overdue: list[dict[str, Any]] = []
        met_late: list[dict[str, Any]] = []
        esc = escalation(self.ctx)
        for item in self.board_items():
            inc = item.incident
            incidents.append({"id": inc.id, "number": inc.number, "kind": inc.kind,
                              "level": inc.level.value, "state": inc.state.value,
                              "occurred_at": iso(inc.occurred_at), "place": inc.place,
                              "summary": inc.summary})
            base: dict[str, Any] = {"incident_id": inc.id, "number": inc.number,
                                    "kind": inc.kind}
            for c in incident_clocks(item.facts, now, rules):
                name = clock_name(c.code, c.subject, item.kind)
                line = base | {"code": c.code, "subject": c.subject, "due_at": iso(c.due_at),
                               "label": {"zh": name.zh, "en": name.en}}
                if c.state is ClockState.BREACH:
                    overdue.append(line | {"late_minutes": _minutes(now - c.due_at)})
                elif c.state is not ClockState.DONE and c.due_at <= now + SHIFT:
                    due.append(line | {"state": c.state.value})
            chain = esc.state(inc.id, now)
            for late in self.lateness(item, now, chain):
                line = base | {"code": late.code, "subject": late.subject,
                               "due_at": iso(late.due_at),
                               "label": {"zh": late.label.zh, "en": late.label.en},
                               "late_minutes": _minutes(late.late_by)}
                if late.met:
                    met_late.append(line | {"done_at": iso(late.done_at)})
                elif late.code == "reporting":
                    overdue.append(line)  # the incident's own clocks were listed above
            for lv in chain.reporting if chain is not None else ():
                if not lv.closed and now < lv.due <= now + SHIFT:
                    due.append(base | {"code": "reporting", "subject": str(lv.index),
                                       "due_at": iso(lv.due), "state": lv.clock.value,
                                       "label": _report_label(lv.level.targets)})
        for group in (due, overdue, met_late):
            group.sort(key=lambda d: d["due_at"])
        people = [{"id": v.id, "name": v.name, "kind": v.kind.value,
                   "time_in": iso(v.time_in), "guided_to": v.guided_to}
                  for v in self.ctx.register.today(on_site_only=True)]
        hid = str(uuid.uuid4())
        payload = {"created_at": iso(now), "created_by": by, "incidents": incidents,
                   "on_site": people, "clocks_due": due, "overdue": overdue,
                   "met_late": met_late, "accepted_by": "", "accepted_at": None,
                   "edited_by": by, "edited_at": iso(now)}
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.HANDOVER, hid, payload, now)
        return _sheet(hid, payload)

    def get_handover(self, handover_id: str) -> HandoverSheet | None:
        """A stored handover sheet."""
        p = repo.handover_payload(self.ctx.require_db().read(), handover_id)
        return _sheet(handover_id, p) if p else None

    @changes_data
    def accept_handover(self, handover_id: str, name: str, pin: str) -> HandoverSheet:
        """The incoming person accepts the sheet by signing in with their own PIN.

        The PIN is checked by the auth service (slow on purpose, with the lockout; call from a
        worker). The outgoing person cannot accept their own sheet. Raises
        :class:`HandoverError`; accepting an accepted sheet again changes nothing.
        """
        from frontdesk.services.trust.auth import auth_service

        p = repo.handover_payload(self.ctx.require_db().read(), handover_id)
        if p is None:
            raise HandoverError("no_sheet", f"no such handover sheet: {handover_id}")
        if p.get("accepted_at"):
            return _sheet(handover_id, p)
        name = name.strip()
        if not name:
            raise HandoverError("no_name", "the person taking over must sign in by name")
        if name == str(p.get("created_by") or "").strip():
            raise HandoverError("same_person", "the outgoing person cannot accept their own "
                                "handover: the incoming person signs in")
        result = auth_service(self.ctx).check(name, pin, action="handover_accept")
        if not result.ok:
            raise HandoverError(result.error or "wrong_pin", "wrong name or PIN",
                                result.locked_until, result.remaining_attempts)
        now = self.ctx.clock.now()
        body = {k: v for k, v in p.items() if k != "id"}
        body |= {"accepted_by": name, "accepted_at": iso(now), "edited_by": name,
                 "edited_at": iso(now)}
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.HANDOVER, handover_id, body, now)
        for inc in p.get("incidents") or []:
            self._append(str(inc["id"]), f"交接班:{p.get('created_by') or '—'} → {name} 接班",
                         name, EntryKind.HANDOVER, now,
                         {"handover_id": handover_id, "from": p.get("created_by") or ""})
        return _sheet(handover_id, body)


def _report_label(targets: Any) -> dict[str, str]:
    from frontdesk.domain.escalation.contacts import role_names

    roles = [t.role or "" for t in targets]
    return {"zh": "上报" + "/".join(role_names(r)[0] for r in roles),
            "en": "report to " + "/".join(role_names(r)[1] for r in roles)}
