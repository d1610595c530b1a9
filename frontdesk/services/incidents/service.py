"""Incident use cases: open, log, correct, move through the lifecycle, clocks, close gates.

Everything a clock needs is stored as an instant; :meth:`IncidentService.clocks` recomputes the
clocks from those instants and ``now`` every time, so a restart or a zone change alters nothing.
The reporting chain comes from the escalation feature
(:mod:`frontdesk.services.escalation.service`). Decisions (level, statement, 舆情 mark,
corrections) live in :mod:`.decisions`, the record of lateness and the closed list in
:mod:`.history`, the report and the handover in their own mixins.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from frontdesk.domain.incidents import model as dom
from frontdesk.domain.incidents.catalogue import KindCatalogue, load_kinds
from frontdesk.domain.incidents.deadlines import Clock, ClockFacts, incident_clocks
from frontdesk.domain.incidents.model import (
    Blocker,
    ChecklistState,
    EntryKind,
    Incident,
    Kind,
    Level,
    State,
    StatementWhen,
    TimelineEntry,
    TransitionError,
)
from frontdesk.domain.incidents.when import FUTURE_SLACK, WhenError, effective_time
from frontdesk.paths import shipped_data_dir
from frontdesk.services.changes import changes_data
from frontdesk.services.incidents.codec import (
    entry_from,
    entry_payload,
    incident_from,
    iso,
    when,
)
from frontdesk.services.incidents.decisions import DecisionsMixin
from frontdesk.services.incidents.errors import IncidentError
from frontdesk.services.incidents.handover import HandoverMixin, HandoverSheet
from frontdesk.services.incidents.history import HistoryMixin
from frontdesk.services.incidents.report import ReportMixin
from frontdesk.storage import incident_queries, records
from frontdesk.storage import incidents as repo

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext
    from frontdesk.services.escalation.service import EscalationService

List = list  # the service has a method named ``list``; annotations after it use this


@dataclass(frozen=True)
class BoardItem:
    """What the duty board needs of one incident, loaded once and reused every second."""

    incident: Incident
    kind: Kind | None
    facts: ClockFacts
    report_state: str | None


def escalation(ctx: AppContext) -> EscalationService:
    """The context's escalation service (calls, chains, reporting levels)."""
    from frontdesk.services.escalation.service import EscalationService

    return ctx.service("escalation", EscalationService)


def checked_time(at: datetime | None, now: datetime, reason: str,
                 not_before: datetime | None = None) -> datetime:
    """:func:`frontdesk.domain.incidents.when.effective_time` with an :class:`IncidentError`."""
    try:
        return effective_time(at, now, reason, not_before)
    except WhenError as exc:
        raise IncidentError(str(exc), f"inc.err.when.{exc.code}") from exc


class IncidentService(DecisionsMixin, HistoryMixin, ReportMixin, HandoverMixin):
    """Incident use cases on one context's database and clock."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._catalogue: KindCatalogue | None = None

    # -- kinds ----------------------------------------------------------------------------
    @property
    def catalogue(self) -> KindCatalogue:
        """Shipped kinds with the site's file applied (read once)."""
        if self._catalogue is None:
            self._catalogue = load_kinds(shipped_data_dir() / "incident_kinds.json",
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
            raise IncidentError(f"no such incident: {incident_id}", "inc.err.no_incident")
        return p

    def _level(self, level: str | Level) -> Level:
        try:
            return Level(level)
        except ValueError as exc:
            raise IncidentError(f"unknown level: {level!r}; use general, serious or severe",
                                "inc.err.level", level=str(level)) from exc

    # -- use cases ------------------------------------------------------------------------
    @changes_data
    def open(self, kind: str, level: str | Level | None = None, occurred_at: datetime | None = None,
             place: str = "", summary: str = "", by: str = "",
             visit_id: str | None = None) -> Incident:
        """Open an incident (and link the register entry it came from, both ways).

        It gets a number people can say on the phone, per site and year (``2026-0042``),
        counted at this site when it opens and kept as it travels to other sites.
        """
        k = self.kind(kind)
        if k is None:
            raise IncidentError(
                f"unknown incident kind: {kind!r}; known: {sorted(self.catalogue.kinds)}",
                "inc.err.kind", kind=kind)
        lv = self._level(level) if level else k.default_level
        now = self._now()
        occurred = occurred_at or now
        if occurred.tzinfo is None:
            raise IncidentError("the event time needs a time zone", "inc.err.when.naive")
        if occurred > now + FUTURE_SLACK:
            raise IncidentError("the event time lies in the future", "inc.err.when.future")
        if visit_id is not None and self.ctx.register.get(visit_id) is None:
            raise IncidentError(f"no such register entry: {visit_id}", "inc.err.visit")
        site = self.ctx.require_site()
        iid = str(uuid.uuid4())
        payload: dict[str, Any] = {
            "kind": kind, "level": lv.value, "state": State.OPEN.value,
            "occurred_at": iso(occurred), "opened_at": iso(now), "place": place.strip(),
            "summary": summary.strip(), "opened_by": by,
            "visit_ids": [visit_id] if visit_id else [], "statements": [],
            "number_site": site.id, "edited_by": by, "edited_at": iso(now)}
        year = now.astimezone(ZoneInfo(site.timezone)).year
        with self.ctx.require_db().write() as conn:
            # counted inside the transaction that stores it: two PCs never share a number
            payload["number"] = incident_queries.next_number(conn, site.id, year)
            records.write(conn, repo.INCIDENT, iid, payload, now)
        incident = incident_from({**payload, "id": iid})
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
            raise IncidentError("a note needs some text", "inc.err.note_text")
        if occurred_at is not None and occurred_at > self._now() + FUTURE_SLACK:
            raise IncidentError("the time it happened lies in the future", "inc.err.when.future")
        data = {"unconfirmed": True} if unconfirmed else {}
        return self._append(incident_id, text.strip(), by, EntryKind.NOTE, occurred_at, data)

    @changes_data
    def add_entry(self, incident_id: str, text: str, by: str, at: datetime | None = None,
                  kind: str = EntryKind.CALL, data: dict[str, Any] | None = None
                  ) -> TimelineEntry:
        """A line written by another feature (escalation's calls) on the timeline; ``data``
        may carry ``i18n`` (``{"key": ..., "values": ...}``) so each reader sees the line in
        their own language."""
        self._payload(incident_id)
        return self._append(incident_id, text, by, kind, at, data)

    @changes_data
    def correct(self, entry_id: str, text: str, by: str) -> TimelineEntry:
        """A new entry that supersedes ``entry_id`` (the original stays retrievable)."""
        p = repo.entry_payload(self.ctx.require_db().read(), entry_id)
        if p is None:
            raise IncidentError(f"no such timeline entry: {entry_id}", "inc.err.no_entry")
        if not text.strip():
            raise IncidentError("a correction needs some text", "inc.err.note_text")
        now = self._now()
        new = dom.correction(entry_from(p), str(uuid.uuid4()), text.strip(), now, by)
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.ENTRY, new.id, entry_payload(new, by, now), now)
        return new

    def statement_owed(self, p: dict[str, Any], kind: Kind | None = None) -> bool:
        """Whether the incident (stored payload) owes a public statement now (001)."""
        kind = kind or self.kind(str(p.get("kind")))
        level = Level(p["level"]) if p.get("level") in set(Level) else Level.GENERAL
        return bool(kind and kind.statement_owed(level, bool(p.get("public_opinion_at"))))

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
                                  bool(inc.get("statements")), self.statement_owed(inc, kind))

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
        closed = {"closed_at": iso(now)} if target is State.CLOSED else {"closed_at": None}
        return self._save_incident(p | {"state": target.value} | closed, by)

    @changes_data
    def mark_checklist(self, incident_id: str, item_id: str, state: str, by: str,
                       reason: str = "", at: datetime | None = None,
                       late_reason: str = "") -> TimelineEntry:
        """Mark a checklist item done, or skipped (a skip needs a reason).

        ``at`` is when it was done (default now; earlier needs ``late_reason``; the future is
        refused), so work done on time and ticked later is not counted late.
        """
        p = self._payload(incident_id)
        kind = self.kind(str(p.get("kind")))
        item = next((i for i in (kind.checklist if kind else ()) if i.id == item_id), None)
        if item is None:
            raise IncidentError(f"no such checklist item: {item_id}", "inc.err.item")
        mark = ChecklistState(state)
        if mark is ChecklistState.SKIPPED and not reason.strip():
            raise IncidentError("skipping a checklist item needs a reason", "inc.err.skip_reason")
        now = self._now()
        done_at = checked_time(at, now, late_reason, when(p.get("occurred_at")))
        text = f"{'✓' if mark is ChecklistState.DONE else '⤼'} {item.text.zh}"
        text += f":{reason.strip()}" if reason.strip() else ""
        data = {"item_id": item_id, "state": mark.value, "reason": reason.strip()}
        if late_reason.strip() and done_at != now:
            data["late_reason"] = late_reason.strip()
        return self._append(incident_id, text, by, EntryKind.CHECKLIST, done_at, data)

    # -- clocks ---------------------------------------------------------------------------
    def _facts(self, p: dict[str, Any], entries: List[TimelineEntry],
               report: dict[str, Any] | None) -> ClockFacts:
        kind = self.kind(str(p.get("kind")))
        marks = dom.checklist_statuses(entries)
        settled = {i: m.at for i, m in marks.items() if m.settled and m.at is not None}
        released = [t for t in (when(s.get("at")) for s in p.get("statements", [])) if t]
        submitted = when(report.get("submitted_at")) if report else None
        state = p.get("state")
        duty = kind.statement_duty if kind else None
        anchor = None
        if duty is not None and duty.when is StatementWhen.WHEN_PUBLIC_OPINION:
            anchor = when(p.get("public_opinion_at"))
        occurred = when(p["occurred_at"])
        assert occurred is not None
        return ClockFacts(
            occurred_at=occurred, site_tz=self.ctx.require_site().timezone,
            needs_statement=self.statement_owed(p, kind), statement_from=anchor,
            statements_released_at=released, report_submitted_at=submitted,
            checklist_due_minutes=kind.due_minutes() if kind else {},
            checklist_settled_at=settled,
            active=state not in (State.RESOLVED.value, State.CLOSED.value))

    def board_items(self, open_only: bool = True) -> List[BoardItem]:
        """Every (open) incident with what its clocks need, in three queries."""
        conn = self.ctx.require_db().read()
        return self._items(conn, repo.incident_payloads(conn, open_only))

    def _items(self, conn: Any, incs: List[dict[str, Any]]) -> List[BoardItem]:
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


__all__ = ["BoardItem", "HandoverSheet", "IncidentError", "IncidentService", "TransitionError",
           "checked_time", "escalation"]
