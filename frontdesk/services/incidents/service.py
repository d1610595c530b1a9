"""Incident use cases: open, log, correct, move through the lifecycle, clocks, close gates.

Everything a clock needs is stored as an instant; :meth:`IncidentService.clocks` recomputes the
clocks from those instants and ``now`` every time, so a restart or a zone change alters nothing.
The reporting chain comes from the escalation feature when it is installed
(:mod:`frontdesk.services.escalation.service`); without it the chain gate counts as met.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from frontdesk.domain.incidents import model as dom
from frontdesk.domain.incidents.deadlines import Clock, ClockFacts, incident_clocks
from frontdesk.domain.incidents.model import (
    Blocker,
    ChecklistState,
    EntryKind,
    Incident,
    Kind,
    KindCatalogue,
    Level,
    State,
    TimelineEntry,
    TransitionError,
)
from frontdesk.paths import shipped_data_dir
from frontdesk.services.changes import changes_data
from frontdesk.services.incidents.codec import (
    entry_from,
    entry_payload,
    incident_from,
    iso,
    when,
)
from frontdesk.services.incidents.handover import HandoverMixin, HandoverSheet
from frontdesk.services.incidents.report import ReportMixin
from frontdesk.storage import incidents as repo
from frontdesk.storage import records

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext
    from frontdesk.services.escalation.service import EscalationService

List = list  # the service has a method named ``list``; annotations after it use this

#: How far ahead of the PC's clock an event time may lie (clock skew between PCs).
FUTURE_SLACK = timedelta(minutes=5)


class IncidentError(ValueError):
    """Bad input for an incident action; nothing was saved."""


@dataclass(frozen=True)
class BoardItem:
    """What the duty board needs of one incident, loaded once and reused every second."""

    incident: Incident
    kind: Kind | None
    facts: ClockFacts
    report_state: str | None


def escalation(ctx: AppContext) -> EscalationService:
    """The context's escalation service (incidents start, raise and close their chains)."""
    # Imported here: the escalation service copies its log lines onto incident timelines, so
    # the two modules use each other.
    from frontdesk.services.escalation.service import EscalationService

    return ctx.service("escalation", EscalationService)


class IncidentService(ReportMixin, HandoverMixin):
    """Incident use cases on one context's database and clock."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._catalogue: KindCatalogue | None = None

    # -- kinds ----------------------------------------------------------------------------
    @property
    def catalogue(self) -> KindCatalogue:
        """Shipped kinds with the site's file applied (read once)."""
        if self._catalogue is None:
            self._catalogue = dom.load_kinds(shipped_data_dir() / "incident_kinds.json",
                                             self.ctx.paths.site_kinds_file)
        return self._catalogue

    def kind(self, kind_id: str) -> Kind | None:
        """One kind, or None if unknown (a kind from a newer PC)."""
        return self.catalogue.kinds.get(kind_id)

    # -- writing helpers ------------------------------------------------------------------
    def _now(self) -> datetime:
        return self.ctx.clock.now()

    def _save_incident(self, payload: dict[str, Any], by: str) -> Incident:
        now = self._now()
        body = {k: v for k, v in payload.items() if k != "id"}
        body |= {"edited_by": by, "edited_at": iso(now)}
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.INCIDENT, payload["id"], body, now)
        return incident_from(payload)

    def _append(self, incident_id: str, text: str, by: str, kind: str = EntryKind.NOTE,
                occurred_at: datetime | None = None, data: dict[str, Any] | None = None,
                supersedes: str | None = None) -> TimelineEntry:
        now = self._now()
        entry = TimelineEntry(str(uuid.uuid4()), incident_id, occurred_at or now, now, by, text,
                              kind, supersedes, data or {})
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.ENTRY, entry.id, entry_payload(entry, by, now), now)
        return entry

    def _payload(self, incident_id: str) -> dict[str, Any]:
        p = repo.incident_payload(self.ctx.require_db().read(), incident_id)
        if p is None:
            raise IncidentError(f"no such incident: {incident_id}")
        return p

    # -- use cases ------------------------------------------------------------------------
    @changes_data
    def open(self, kind: str, level: str | Level | None = None, occurred_at: datetime | None = None,
             place: str = "", summary: str = "", by: str = "",
             visit_id: str | None = None) -> Incident:
        """Open an incident (and link the register entry it came from, both ways)."""
        k = self.kind(kind)
        if k is None:
            raise IncidentError(f"unknown incident kind: {kind!r}; known: {sorted(self.catalogue.kinds)}")
        try:
            lv = Level(level) if level else k.default_level
        except ValueError as exc:
            raise IncidentError(f"unknown level: {level!r}; use general, serious or severe") from exc
        now = self._now()
        occurred = occurred_at or now
        if occurred.tzinfo is None:
            raise IncidentError("the event time needs a time zone")
        if occurred > now + FUTURE_SLACK:
            raise IncidentError("the event time lies in the future")
        if visit_id is not None and self.ctx.register.get(visit_id) is None:
            raise IncidentError(f"no such register entry: {visit_id}")
        iid = str(uuid.uuid4())
        payload = {"id": iid, "kind": kind, "level": lv.value, "state": State.OPEN.value,
                   "occurred_at": iso(occurred), "opened_at": iso(now), "place": place.strip(),
                   "summary": summary.strip(), "opened_by": by,
                   "visit_ids": [visit_id] if visit_id else [], "statements": []}
        incident = self._save_incident(payload, by)
        self._append(iid, summary.strip() or k.name.zh, by, EntryKind.NOTE, occurred,
                     {"opened": True})
        if visit_id:
            self.ctx.register.link_incident(visit_id, iid, by)
        escalation(self.ctx).start(iid, kind, lv.value, occurred, by)
        return incident

    def get(self, incident_id: str) -> Incident | None:
        """One incident, or None."""
        p = repo.incident_payload(self.ctx.require_db().read(), incident_id)
        return incident_from(p) if p else None

    def payload(self, incident_id: str) -> dict[str, Any]:
        """The stored facts of one incident (visit ids, statements, handover marks...)."""
        return self._payload(incident_id)

    def list(self, open_only: bool = True) -> List[Incident]:
        """Incidents (open ones by default), oldest event first."""
        rows = repo.incident_payloads(self.ctx.require_db().read(), open_only)
        return [incident_from(p) for p in rows]

    def entries(self, incident_id: str) -> List[TimelineEntry]:
        """Every timeline entry of an incident, superseded ones included."""
        rows = repo.entry_payloads(self.ctx.require_db().read(), [incident_id])
        return [entry_from(p) for p in rows]

    def timeline(self, incident_id: str) -> List[TimelineEntry]:
        """The timeline as it reads now (corrections applied)."""
        return dom.effective_timeline(self.entries(incident_id))

    @changes_data
    def add_note(self, incident_id: str, text: str, by: str, occurred_at: datetime | None = None,
                 unconfirmed: bool = False) -> TimelineEntry:
        """Log what happened; ``occurred_at`` is when it happened if written up later."""
        self._payload(incident_id)
        if not text.strip():
            raise IncidentError("a note needs some text")
        if occurred_at is not None and occurred_at > self._now() + FUTURE_SLACK:
            raise IncidentError("the time it happened lies in the future")
        data = {"unconfirmed": True} if unconfirmed else {}
        return self._append(incident_id, text.strip(), by, EntryKind.NOTE, occurred_at, data)

    @changes_data
    def add_entry(self, incident_id: str, text: str, by: str, at: datetime | None = None,
                  kind: str = EntryKind.CALL) -> TimelineEntry:
        """A line written by another feature (escalation's calls) on the timeline."""
        self._payload(incident_id)
        return self._append(incident_id, text, by, kind, at)

    @changes_data
    def correct(self, entry_id: str, text: str, by: str) -> TimelineEntry:
        """A new entry that supersedes ``entry_id`` (the original stays retrievable)."""
        p = repo.entry_payload(self.ctx.require_db().read(), entry_id)
        if p is None:
            raise IncidentError(f"no such timeline entry: {entry_id}")
        if not text.strip():
            raise IncidentError("a correction needs some text")
        now = self._now()
        new = dom.correction(entry_from(p), str(uuid.uuid4()), text.strip(), now, by)
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.ENTRY, new.id, entry_payload(new, by, now), now)
        return new

    def blockers(self, incident_id: str) -> List[Blocker]:
        """What still stops the incident from closing."""
        inc = self._payload(incident_id)
        kind = self.kind(str(inc.get("kind")))
        if kind is None:
            return []
        report = repo.report_payloads(self.ctx.require_db().read(), [incident_id]).get(incident_id)
        chain = bool(escalation(self.ctx).reporting_complete(incident_id, self._now()))
        return dom.close_blockers(kind, dom.checklist_statuses(self.entries(incident_id)),
                                  report.get("state") if report else None, chain,
                                  bool(inc.get("statements")))

    @changes_data
    def set_state(self, incident_id: str, target: str | State, by: str,
                  reason: str = "") -> Incident:
        """Move through the lifecycle; closing is refused (TransitionError) while blocked."""
        p = self._payload(incident_id)
        current = State(p.get("state", "open"))
        target = State(target)
        blockers = self.blockers(incident_id) if target is State.CLOSED else []
        now = self._now()
        entry = dom.state_change(str(uuid.uuid4()), incident_id, current, target, now, by,
                                 reason, blockers)
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.ENTRY, entry.id, entry_payload(entry, by, now), now)
        return self._save_incident(p | {"state": target.value}, by)

    @changes_data
    def raise_level(self, incident_id: str, level: str | Level, by: str,
                    reason: str = "") -> Incident:
        """Change the response level (recorded on the timeline, told to escalation)."""
        p = self._payload(incident_id)
        try:
            new = Level(level)
        except ValueError as exc:
            raise IncidentError(f"unknown level: {level!r}") from exc
        now = self._now()
        try:
            entry = dom.level_change(str(uuid.uuid4()), incident_id, Level(p["level"]), new, now,
                                     by, reason)
        except ValueError as exc:
            raise IncidentError(str(exc)) from exc
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.ENTRY, entry.id, entry_payload(entry, by, now), now)
        incident = self._save_incident(p | {"level": new.value}, by)
        if entry.data.get("raised"):
            escalation(self.ctx).on_level_raised(incident_id, Level(p["level"]).value, new.value,
                                                 now, by)
        return incident

    @changes_data
    def mark_checklist(self, incident_id: str, item_id: str, state: str, by: str,
                       reason: str = "") -> TimelineEntry:
        """Mark a checklist item done, or skipped (a skip needs a reason)."""
        p = self._payload(incident_id)
        kind = self.kind(str(p.get("kind")))
        item = next((i for i in (kind.checklist if kind else ()) if i.id == item_id), None)
        if item is None:
            raise IncidentError(f"no such checklist item: {item_id}")
        mark = ChecklistState(state)
        if mark is ChecklistState.SKIPPED and not reason.strip():
            raise IncidentError("skipping a checklist item needs a reason")
        text = f"{'✓' if mark is ChecklistState.DONE else '⤼'} {item.text.zh}"
        text += f":{reason.strip()}" if reason.strip() else ""
        return self._append(incident_id, text, by, EntryKind.CHECKLIST, None,
                            {"item_id": item_id, "state": mark.value, "reason": reason.strip()})

    @changes_data
    def release_statement(self, incident_id: str, text: str, by: str) -> Incident:
        """Record a public statement released (media and public-opinion incidents)."""
        p = self._payload(incident_id)
        kind = self.kind(str(p.get("kind")))
        if kind is None or not kind.needs_statement:
            raise IncidentError("this kind of incident has no public statement")
        if not text.strip():
            raise IncidentError("a statement needs its text")
        now = self._now()
        statements = [*p.get("statements", []), {"at": iso(now), "by": by, "text": text.strip()}]
        self._append(incident_id, text.strip(), by, EntryKind.STATEMENT)
        return self._save_incident(p | {"statements": statements}, by)

    # -- clocks ---------------------------------------------------------------------------
    def _facts(self, p: dict[str, Any], entries: List[TimelineEntry],
               report: dict[str, Any] | None) -> ClockFacts:
        kind = self.kind(str(p.get("kind")))
        marks = dom.checklist_statuses(entries)
        settled = {i: m.at for i, m in marks.items() if m.settled and m.at is not None}
        released = [t for t in (when(s.get("at")) for s in p.get("statements", [])) if t]
        submitted = when(report.get("submitted_at")) if report else None
        state = p.get("state")
        return ClockFacts(
            occurred_at=when(p["occurred_at"]),  # type: ignore[arg-type]
            site_tz=self.ctx.require_site().timezone,
            needs_statement=bool(kind and kind.needs_statement),
            statements_released_at=released, report_submitted_at=submitted,
            checklist_due_minutes=kind.due_minutes() if kind else {},
            checklist_settled_at=settled,
            active=state not in (State.RESOLVED.value, State.CLOSED.value))

    def board_items(self, open_only: bool = True) -> List[BoardItem]:
        """Every (open) incident with what its clocks need, in three queries."""
        conn = self.ctx.require_db().read()
        incs = repo.incident_payloads(conn, open_only)
        ids = [p["id"] for p in incs]
        by_inc: dict[str, List[TimelineEntry]] = {i: [] for i in ids}
        for e in repo.entry_payloads(conn, ids):
            by_inc.setdefault(str(e.get("incident_id")), []).append(entry_from(e))
        reports = repo.report_payloads(conn, ids)
        return [BoardItem(incident_from(p), self.kind(str(p.get("kind"))),
                          self._facts(p, by_inc[p["id"]], reports.get(p["id"])),
                          reports[p["id"]].get("state") if p["id"] in reports else None)
                for p in incs]

    def clocks(self, incident: Incident | str, now: datetime | None = None) -> List[Clock]:
        """Every clock of an incident at ``now`` (default: the context clock), soonest first."""
        iid = incident if isinstance(incident, str) else incident.id
        p = self._payload(iid)
        report = repo.report_payloads(self.ctx.require_db().read(), [iid]).get(iid)
        facts = self._facts(p, self.entries(iid), report)
        return incident_clocks(facts, now or self._now(), self.catalogue.rules)


__all__ = ["BoardItem", "HandoverSheet", "IncidentError", "IncidentService", "TransitionError", "escalation"]
