"""Shift handover: a sheet of open incidents, people on site and clocks due next shift."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from frontdesk.domain.incidents.deadlines import ClockState, incident_clocks
from frontdesk.services.changes import changes_data
from frontdesk.services.incidents.codec import iso
from frontdesk.storage import incidents as repo
from frontdesk.storage import records

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext

#: What "the next shift" covers.
SHIFT = timedelta(hours=12)


@dataclass(frozen=True)
class HandoverSheet:
    """A stored handover: what the outgoing supervisor passes on, and who accepted it."""

    id: str
    created_at: datetime
    created_by: str
    incidents: list[dict[str, Any]]
    on_site: list[dict[str, Any]]
    clocks_due: list[dict[str, Any]]
    accepted_by: str = ""
    accepted_at: datetime | None = None


def _sheet(hid: str, p: dict[str, Any]) -> HandoverSheet:
    acc = p.get("accepted_at")
    return HandoverSheet(hid, datetime.fromisoformat(p["created_at"]), str(p.get("created_by", "")),
                         list(p.get("incidents") or []), list(p.get("on_site") or []),
                         list(p.get("clocks_due", [])), str(p.get("accepted_by") or ""),
                         datetime.fromisoformat(acc) if acc else None)


class HandoverMixin:
    """Handover use cases (mixed into ``IncidentService``)."""

    ctx: AppContext

    @changes_data
    def handover(self, now: datetime | None = None, by: str = "") -> HandoverSheet:
        """Make and store the handover sheet as of ``now``."""
        now = now or self.ctx.clock.now()
        rules = self.catalogue.rules  # type: ignore[attr-defined]
        incidents, due = [], []
        for item in self.board_items():  # type: ignore[attr-defined]
            inc = item.incident
            incidents.append({"id": inc.id, "kind": inc.kind, "level": inc.level.value,
                              "state": inc.state.value, "occurred_at": iso(inc.occurred_at),
                              "place": inc.place, "summary": inc.summary})
            for c in incident_clocks(item.facts, now, rules):
                if c.state is not ClockState.DONE and c.due_at <= now + SHIFT:
                    due.append({"incident_id": inc.id, "kind": inc.kind, "code": c.code,
                                "subject": c.subject, "due_at": iso(c.due_at),
                                "state": c.state.value})
        due.sort(key=lambda d: d["due_at"])
        people = [{"id": v.id, "name": v.name, "kind": v.kind.value,
                   "time_in": iso(v.time_in), "guided_to": v.guided_to}
                  for v in self.ctx.register.today(on_site_only=True)]
        hid = str(uuid.uuid4())
        payload = {"created_at": iso(now), "created_by": by, "incidents": incidents,
                   "on_site": people, "clocks_due": due, "accepted_by": "", "accepted_at": None,
                   "edited_by": by, "edited_at": iso(now)}
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.HANDOVER, hid, payload, now)
        return _sheet(hid, payload)

    def get_handover(self, handover_id: str) -> HandoverSheet | None:
        """A stored handover sheet."""
        p = repo.handover_payload(self.ctx.require_db().read(), handover_id)
        return _sheet(handover_id, p) if p else None

    @changes_data
    def accept_handover(self, handover_id: str, by: str) -> HandoverSheet:
        """The incoming supervisor accepts the sheet (recorded with who and when)."""
        p = repo.handover_payload(self.ctx.require_db().read(), handover_id)
        if p is None:
            raise KeyError(handover_id)
        if not by.strip():
            raise ValueError("the person accepting the handover must be named")
        if p.get("accepted_at"):
            return _sheet(handover_id, p)
        now = self.ctx.clock.now()
        body = {k: v for k, v in p.items() if k != "id"}
        body |= {"accepted_by": by, "accepted_at": iso(now), "edited_by": by,
                 "edited_at": iso(now)}
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.HANDOVER, handover_id, body, now)
        return _sheet(handover_id, body)
