"""Decisions the seeds give to particular people, and corrections of an incident's facts.

* The response level (001: 研判组 proposes, 领导小组 decides): changed by a supervisor with a
  reason, naming who decided (a contact: the general manager, the project manager...); the
  escalation is re-planned at once, lowering included.
* The public statement (000/001: approved by the general manager, published by the general
  manager's office): recorded by a supervisor with 001's four parts, approver, publisher, where
  and when.
* A media visit that has become a public-opinion event (001): marked once, recorded; from then
  on it owes a statement within 24 h of the mark.
* Corrections of time, place, kind and level after opening: a timeline entry holding old and
  new values; the clocks follow because they are computed from the stored facts.

Who may do these is checked at the UI's one door (``guard_action``); the service checks what
the record needs (a reason, a named decider from the contacts, the parts of a statement).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from frontdesk.domain.escalation.contacts import Contact, role_names
from frontdesk.domain.incidents.model import (
    EntryKind,
    Incident,
    Kind,
    Level,
    StatementWhen,
    TimelineEntry,
)
from frontdesk.services.incidents.codec import iso, when
from frontdesk.services.incidents.errors import IncidentError
from frontdesk.services.changes import changes_data

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext

#: The parts of a public-opinion statement (001 公告内容), in order, with their names.
STATEMENT_PARTS: tuple[tuple[str, str, str], ...] = (
    ("facts", "基本情况", "what happened"),
    ("measures", "公司应对措施", "what the company is doing"),
    ("progress", "最新进展", "latest progress"),
    ("position", "公司声明", "the company's position"),
)


def statement_text(parts: Mapping[str, str]) -> str:
    """A statement's parts as one text, each under its 001 name (how the timeline shows it)."""
    return "\n".join(f"{zh}:{parts[key].strip()}" for key, zh, _en in STATEMENT_PARTS
                     if parts.get(key, "").strip())


class DecisionsMixin:
    """Level, statement, 舆情 mark and corrections (mixed into ``IncidentService``)."""

    ctx: AppContext

    if TYPE_CHECKING:  # pragma: no cover
        def _payload(self, incident_id: str) -> dict[str, Any]: ...
        def _now(self) -> datetime: ...
        def _level(self, level: str | Level) -> Level: ...
        def kind(self, kind_id: str) -> Kind | None: ...
        def _save_incident(self, payload: dict[str, Any], by: str) -> Incident: ...
        def _append(self, incident_id: str, text: str, by: str, kind: str = ...,
                    occurred_at: datetime | None = ..., data: dict[str, Any] | None = ...,
                    supersedes: str | None = ...) -> TimelineEntry: ...

    # -- helpers --------------------------------------------------------------------------
    def _contact(self, contact_id: str, what: str) -> Contact:
        from frontdesk.services.escalation.contacts import ContactService

        svc: Any = self.ctx.service("contacts", ContactService)
        contact = svc.get(contact_id) if contact_id else None
        if contact is None:
            raise IncidentError(f"{what}: choose a person from the contacts",
                                f"inc.err.contact.{what}")
        return contact  # type: ignore[no-any-return]

    def _time(self, at: datetime | None, reason: str, p: dict[str, Any]) -> datetime:
        from frontdesk.services.incidents.service import checked_time

        return checked_time(at, self._now(), reason, when(p.get("occurred_at")))

    # -- level ----------------------------------------------------------------------------
    @changes_data
    def change_level(self, incident_id: str, level: str | Level, by: str, reason: str,
                     decided_by: str) -> Incident:
        """Raise or lower the response level, as decided by ``decided_by`` (a contact id).

        The reason and the decider are required (lowering too); the timeline records who
        decided and who entered it, and the escalation re-plans at once.
        """
        from frontdesk.domain.incidents import model as dom
        from frontdesk.services.incidents.service import escalation

        p = self._payload(incident_id)
        new = self._level(level)
        if not reason.strip():
            raise IncidentError("a change of level needs a reason", "inc.err.level_reason")
        decider = self._contact(decided_by, "decider")
        old = Level(p["level"])
        now = self._now()
        try:
            entry = dom.level_change("", incident_id, old, new, now, by, reason.strip(),
                                     decider.name, decider.role)
        except ValueError as exc:
            raise IncidentError(str(exc), "inc.err.level_same") from exc
        self._append(incident_id, entry.text, by, EntryKind.LEVEL, now,
                     dict(entry.data) | {"decided_by_id": decider.id})
        incident = self._save_incident(p | {"level": new.value}, by)
        escalation(self.ctx).on_level_changed(incident_id, old, new, now, by, reason.strip(),
                                              decider.name)
        return incident

    # -- public-opinion mark --------------------------------------------------------------
    @changes_data
    def mark_public_opinion(self, incident_id: str, by: str, reason: str = "",
                            at: datetime | None = None, late_reason: str = "") -> Incident:
        """Record that this (media) incident has become a public-opinion event (001): from the
        mark on it owes a public statement within the statement rule's 24 h."""
        p = self._payload(incident_id)
        kind = self.kind(str(p.get("kind")))
        duty = kind.statement_duty if kind else None
        if duty is None or duty.when is not StatementWhen.WHEN_PUBLIC_OPINION:
            raise IncidentError("only a media incident is marked as a public-opinion event",
                                "inc.err.po_kind")
        if p.get("public_opinion_at"):
            raise IncidentError("already marked as a public-opinion event", "inc.err.po_again")
        marked = self._time(at, late_reason, p)
        data = {"reason": reason.strip(), "late_reason": late_reason.strip()}
        text = "已成为舆情事件" + (f":{reason.strip()}" if reason.strip() else "")
        self._append(incident_id, text, by, EntryKind.PUBLIC_OPINION, marked, data)
        return self._save_incident(p | {"public_opinion_at": iso(marked),
                                        "public_opinion_by": by}, by)

    # -- statement ------------------------------------------------------------------------
    @changes_data
    def record_statement(self, incident_id: str, parts: Mapping[str, str], approved_by: str,
                         published_by: str, channel: str, by: str, at: datetime | None = None,
                         late_reason: str = "") -> Incident:
        """Record a public statement as released: 001's four parts (facts, measures, progress,
        position), who approved it and who published it (contact ids; 000: the general manager
        approves, the general manager's office publishes), where (``channel``) and when."""
        p = self._payload(incident_id)
        kind = self.kind(str(p.get("kind")))
        if kind is None or not kind.needs_statement:
            raise IncidentError("this kind of incident has no public statement",
                                "inc.err.no_statement")
        missing = [en for key, _zh, en in STATEMENT_PARTS if not parts.get(key, "").strip()]
        if missing:
            raise IncidentError(f"the statement lacks: {', '.join(missing)}",
                                "inc.err.statement_parts",
                                parts="、".join(zh for key, zh, _en in STATEMENT_PARTS
                                               if not parts.get(key, "").strip()))
        approver = self._contact(approved_by, "approver")
        publisher = self._contact(published_by, "publisher")
        if not channel.strip():
            raise IncidentError("say where the statement was published", "inc.err.channel")
        released = self._time(at, late_reason, p)
        now = self._now()
        clean = {key: parts[key].strip() for key, _zh, _en in STATEMENT_PARTS}
        record = {"at": iso(released), "recorded_at": iso(now), "by": by,
                  "text": statement_text(clean), "parts": clean,
                  "approved_by": approver.name, "approved_by_role": approver.role,
                  "published_by": publisher.name, "published_by_role": publisher.role,
                  "channel": channel.strip(), "late_reason": late_reason.strip()}
        statements = [*p.get("statements", []), record]
        ap_zh, pu_zh = role_names(approver.role)[0], role_names(publisher.role)[0]
        line = (f"对外声明({channel.strip()}):{approver.name}({ap_zh})审核,"
                f"{publisher.name}({pu_zh})发布\n{record['text']}")
        self._append(incident_id, line, by, EntryKind.STATEMENT, released,
                     {k: v for k, v in record.items() if k not in ("text", "at")})
        return self._save_incident(p | {"statements": statements}, by)

    # -- corrections ----------------------------------------------------------------------
    @changes_data
    def correct_facts(self, incident_id: str, by: str, reason: str,
                      occurred_at: datetime | None = None, place: str | None = None,
                      kind: str | None = None, level: str | Level | None = None) -> Incident:
        """Correct the incident's time, place, kind or level after opening.

        The timeline gets one entry with every old and new value (the old values stay on the
        record); the clocks are recomputed from the corrected facts; the escalation follows
        (a corrected time moves its start, a corrected kind re-plans it, a corrected level is
        recorded as a level change).
        """
        from frontdesk.services.incidents.service import escalation

        p = self._payload(incident_id)
        if not reason.strip():
            raise IncidentError("a correction needs a reason", "inc.err.correct_reason")
        now = self._now()
        changes: dict[str, dict[str, Any]] = {}
        new = dict(p)
        if occurred_at is not None and occurred_at != when(p.get("occurred_at")):
            from frontdesk.domain.incidents.when import FUTURE_SLACK

            if occurred_at.tzinfo is None or occurred_at > now + FUTURE_SLACK:
                raise IncidentError("the event time lies in the future", "inc.err.when.future")
            changes["occurred_at"] = {"from": p.get("occurred_at"), "to": iso(occurred_at)}
            new["occurred_at"] = iso(occurred_at)
        if place is not None and place.strip() != (p.get("place") or ""):
            changes["place"] = {"from": p.get("place") or "", "to": place.strip()}
            new["place"] = place.strip()
        if kind is not None and kind != p.get("kind"):
            if self.kind(kind) is None:
                raise IncidentError(f"unknown incident kind: {kind!r}", "inc.err.kind",
                                    kind=kind)
            changes["kind"] = {"from": p.get("kind"), "to": kind}
            new["kind"] = kind
        if level is not None and self._level(level).value != p.get("level"):
            changes["level"] = {"from": p.get("level"), "to": self._level(level).value}
            new["level"] = self._level(level).value
        if not changes:
            raise IncidentError("nothing to correct: the values are the same",
                                "inc.err.correct_same")
        text = "更正:" + "; ".join(f"{k} {v['from'] or '—'} → {v['to']}" for k, v in
                                    changes.items()) + f"({reason.strip()})"
        self._append(incident_id, text, by, EntryKind.FACTS, now,
                     {"changes": changes, "reason": reason.strip()})
        history = [*p.get("corrections", []),
                   {"at": iso(now), "by": by, "reason": reason.strip(), "changes": changes}]
        incident = self._save_incident(new | {"corrections": history}, by)
        esc = escalation(self.ctx)
        if "occurred_at" in changes or "kind" in changes:
            esc.correct_start(incident_id, when(new["occurred_at"]), new["kind"], by)
        if "level" in changes:
            esc.on_level_changed(incident_id, changes["level"]["from"], changes["level"]["to"],
                                 now, by, reason.strip(), correction=True)
        return incident
