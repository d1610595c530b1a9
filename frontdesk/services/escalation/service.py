"""Escalation use cases: freeze the plan, log calls, skips and raises, and read the state.

Everything shown about an escalation is computed by
:func:`frontdesk.domain.escalation.engine.chain_state` from the stored plan, the stored log and
the clock, so a restart mid-escalation resumes exactly where it was.
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.escalation.contacts import ROLES, Contact, display_phone, role_names
from frontdesk.domain.escalation.engine import chain_state
from frontdesk.domain.escalation.model import (
    CallAttempt,
    CallOutcome,
    ChainKind,
    Level,
    LevelChange,
    Plan,
    Skip,
)
from frontdesk.domain.escalation.policy import (
    plan_differs,
    plan_for,
    plan_from_dict,
    plan_to_dict,
)
from frontdesk.domain.escalation.state import ChainState, ResponderStatus
from frontdesk.services.changes import changes_data
from frontdesk.services.escalation.contacts import ContactService, load_policy_doc_for
from frontdesk.storage import escalation as repo
from frontdesk.storage import records

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext


@dataclass(frozen=True)
class EscalationSummary:
    """One line for the duty board: who is next, when, how late, how many reports owed."""

    next_text: str
    next_due: datetime | None
    state: str
    owed_levels: int


@dataclass(frozen=True)
class Escalation:
    """What one incident's escalation holds in storage."""

    plan: Plan
    opened_at: datetime
    attempts: tuple[CallAttempt, ...]
    skips: tuple[Skip, ...]
    level_changes: tuple[LevelChange, ...]
    replanned_at: datetime | None


def _at(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


def role_label(role: str | None) -> str:
    """A role's name in the current language."""
    from frontdesk.i18n import pick

    return pick(role_names(role or "")) if role else ""


class EscalationService:
    """The escalation of incidents: plans, call log, state."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    @property
    def contacts(self) -> ContactService:
        """The contact list service."""
        return self.ctx.service("contacts", ContactService)

    def _stamp(self, by: str) -> dict[str, str]:
        return {"edited_by": by or self.ctx.session.user,
                "edited_at": self.ctx.clock.now().isoformat()}

    # -- plan -----------------------------------------------------------------------------
    @changes_data
    def start(self, incident_id: str, kind: str, level: Level | str,
              opened_at: datetime | None = None, by: str = "") -> Plan:
        """Freeze the plan in force for a new incident (a second call changes nothing)."""
        existing = self.load(incident_id)
        if existing is not None:
            return existing.plan
        plan = plan_for(load_policy_doc_for(self.ctx), kind, Level(level))
        at = opened_at or self.ctx.clock.now()
        payload = {"incident_id": incident_id, "kind": kind, "opened_at": at.isoformat(),
                   "plan": plan_to_dict(plan), "replanned_at": None, **self._stamp(by)}
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.PLAN, incident_id, payload, self.ctx.clock.now())
        return plan

    def has_plan(self, incident_id: str) -> bool:
        """True once :meth:`start` ran for the incident."""
        return repo.plan_payload(self.ctx.require_db().read(), incident_id) is not None

    def replan_available(self, incident_id: str) -> bool:
        """True when the policy now in force would give this incident different chains."""
        esc = self.load(incident_id)
        return esc is not None and plan_differs(esc.plan, load_policy_doc_for(self.ctx))

    @changes_data
    def replan(self, incident_id: str, by: str = "", kind: str | None = None) -> Plan | None:
        """Take the current policy's chains; the responder chain restarts from now.

        The old log stays stored (and shown in the incident's timeline); the new plan counts
        only what is logged from the replan on, at the level the incident has reached.
        ``kind`` re-plans for another kind (a corrected kind).
        """
        esc = self.load(incident_id)
        if esc is None:
            return None
        now = self.ctx.clock.now()
        level = self.state_of(esc, now).level
        plan = plan_for(load_policy_doc_for(self.ctx), kind or esc.plan.kind, level)
        conn_payload = repo.plan_payload(self.ctx.require_db().read(), incident_id) or {}
        payload = {**conn_payload, "plan": plan_to_dict(plan), "replanned_at": now.isoformat(),
                   **self._stamp(by)}
        if kind:
            payload["kind"] = kind
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.PLAN, incident_id, payload, now)
        self._mirror(incident_id, "esc.timeline.replan", by, now)
        return plan

    def correct_start(self, incident_id: str, occurred_at: datetime | None, kind: str,
                      by: str = "") -> None:
        """The incident's time or kind was corrected: the chains count from the corrected
        event time, and a corrected kind takes that kind's chains (re-planned from now)."""
        data = repo.plan_payload(self.ctx.require_db().read(), incident_id)
        if data is None:
            return
        if kind != plan_from_dict(data["plan"]).kind:
            self.replan(incident_id, by, kind)
            return
        if occurred_at is not None:
            payload = {**data, "opened_at": occurred_at.isoformat(), **self._stamp(by)}
            with self.ctx.require_db().write() as conn:
                records.write(conn, repo.PLAN, incident_id, payload, self.ctx.clock.now())

    # -- log ------------------------------------------------------------------------------
    def _write_log(self, kind: str, payload: dict[str, Any]) -> str:
        record_id = str(uuid.uuid4())
        with self.ctx.require_db().write() as conn:
            records.write(conn, kind, record_id, payload, self.ctx.clock.now())
        return record_id

    @changes_data
    def log_call(self, incident_id: str, chain: ChainKind | str, step_index: int,
                 contact_id: str | None, role: str | None, outcome: CallOutcome | str,
                 note: str = "", by: str = "", at: datetime | None = None,
                 reason: str = "") -> CallAttempt:
        """Record one call (or message) and its outcome.

        ``at`` is when the call was made: now by default; an earlier time needs ``reason``
        (made on time, logged later); the future is refused (``WhenError``). The time it was
        written down is kept as ``recorded_at``.
        """
        from frontdesk.domain.incidents.when import effective_time

        now = self.ctx.clock.now()
        when = effective_time(at, now, reason)
        attempt = CallAttempt(id="", incident_id=incident_id, chain=ChainKind(chain),
                              step_index=step_index, contact_id=contact_id, role=role, at=when,
                              outcome=CallOutcome(outcome), note=note,
                              by=by or self.ctx.session.user)
        rid = self._write_log(repo.ATTEMPT, {
            "incident_id": incident_id, "chain": attempt.chain.value, "step_index": step_index,
            "contact_id": contact_id, "role": role, "at": when.isoformat(),
            "recorded_at": now.isoformat(), "at_reason": reason.strip() if when != now else "",
            "outcome": attempt.outcome.value, "note": note, **self._stamp(by)})
        contact = self.contacts.get(contact_id) if contact_id else None
        self._mirror(incident_id, "esc.timeline.call", by, when,
                     role=role or (contact.role if contact else ""),
                     name=contact.name if contact else "", outcome=attempt.outcome.value,
                     note=note)
        return CallAttempt(**{**attempt.__dict__, "id": rid})

    @changes_data
    def skip(self, incident_id: str, chain: ChainKind | str, step_index: int, reason: str,
             by: str = "") -> Skip:
        """Record a step or reporting level passed over (越级) with the reason."""
        when = self.ctx.clock.now()
        rid = self._write_log(repo.SKIP, {
            "incident_id": incident_id, "chain": ChainKind(chain).value,
            "step_index": step_index, "reason": reason, "at": when.isoformat(),
            "by": by or self.ctx.session.user, **self._stamp(by)})
        self._mirror(incident_id, "esc.timeline.skip", by, when, n=step_index + 1, reason=reason)
        return Skip(step_index=step_index, reason=reason, at=when, by=by,
                    chain=ChainKind(chain), id=rid, incident_id=incident_id)

    @changes_data
    def on_level_changed(self, incident_id: str, from_level: Level | str,
                         to_level: Level | str, at: datetime | None = None, by: str = "",
                         reason: str = "", decided_by: str = "",
                         correction: bool = False) -> None:
        """Record a level change, raised or lowered: the chains are re-planned at once (the
        responder restarts on the new level's steps if nobody took charge; a raise adds the
        higher level's reports, a lowering waives those the lower level does not owe)."""
        when = at or self.ctx.clock.now()
        self._write_log(repo.LEVEL_CHANGE, {
            "incident_id": incident_id, "from_level": Level(from_level).value,
            "to_level": Level(to_level).value, "at": when.isoformat(),
            "by": by or self.ctx.session.user, "reason": reason, "decided_by": decided_by,
            "correction": correction, **self._stamp(by)})

    # -- reading --------------------------------------------------------------------------
    def load(self, incident_id: str) -> Escalation | None:
        """The stored plan and log of an incident, or None when it has no plan."""
        conn = self.ctx.require_db().read()
        data = repo.plan_payload(conn, incident_id)
        if data is None:
            return None
        replanned = _at(data["replanned_at"]) if data.get("replanned_at") else None
        attempts: list[CallAttempt] = []
        skips: list[Skip] = []
        changes: list[LevelChange] = []
        for kind, rid, p in repo.log(conn, incident_id):
            at = _at(p["at"])
            if replanned is not None and at < replanned:
                continue
            if kind == repo.ATTEMPT:
                attempts.append(CallAttempt(
                    id=rid, incident_id=incident_id, chain=p["chain"],
                    step_index=int(p["step_index"]), contact_id=p.get("contact_id"),
                    role=p.get("role"), at=at, outcome=p["outcome"], note=p.get("note") or "",
                    by=p.get("edited_by", "")))
            elif kind == repo.SKIP:
                skips.append(Skip(step_index=int(p["step_index"]), reason=p.get("reason") or "",
                                  at=at, by=p.get("by", ""), chain=p["chain"], id=rid,
                                  incident_id=incident_id))
            elif kind == repo.LEVEL_CHANGE:
                changes.append(LevelChange(from_level=p["from_level"], to_level=p["to_level"],
                                           at=at, by=p.get("by", ""),
                                           reason=p.get("reason") or "", id=rid,
                                           incident_id=incident_id))
        return Escalation(plan=plan_from_dict(data["plan"]),
                          opened_at=replanned or _at(data["opened_at"]),
                          attempts=tuple(attempts), skips=tuple(skips),
                          level_changes=tuple(changes), replanned_at=replanned)

    def state(self, incident_id: str, now: datetime | None = None,
              contacts: list[Contact] | None = None) -> ChainState | None:
        """Both chains at ``now`` from the stored records alone; None without a plan."""
        esc = self.load(incident_id)
        if esc is None:
            return None
        return self.state_of(esc, now, contacts)

    def state_of(self, esc: Escalation, now: datetime | None = None,
                 contacts: list[Contact] | None = None) -> ChainState:
        """The chain state of an already loaded escalation (the panel caches the load)."""
        site = self.ctx.require_site()
        return chain_state(esc.plan, esc.attempts, esc.skips, esc.level_changes, esc.opened_at,
                           now or self.ctx.clock.now(),
                           contacts if contacts is not None else self.contacts.all(),
                           site.zone)

    def reporting_complete(self, incident_id: str, now: datetime | None = None) -> bool:
        """True when every reporting level is informed or skipped (or there is no plan)."""
        st = self.state(incident_id, now)
        return st is None or st.reporting_complete

    def summary(self, incident_id: str, now: datetime | None = None) -> EscalationSummary:
        """Who to call next, by when, the worst clock and how many reports are owed."""
        st = self.state(incident_id, now)
        if st is None:
            return EscalationSummary("", None, ClockState.OK.value, 0)
        return summarize(st)

    # -- helpers --------------------------------------------------------------------------
    def _mirror(self, incident_id: str, key: str, by: str, at: datetime, **values: Any) -> None:
        """Copy a log line into the incident's timeline, both languages in its text and the
        key and values in its data, so each reader sees it in their own language
        (:func:`timeline_line`). An escalation without an incident (tests) writes nothing."""
        from frontdesk.services.incidents.service import IncidentError, IncidentService

        zh, en = _line_pair(key, values)
        svc = self.ctx.service("incidents", IncidentService)
        # Free text (a call's note, a skip's reason) goes where the retention purge looks for
        # it (data.note / data.reason), not among the values.
        free = {k: str(values[k]) for k in ("note", "reason") if values.get(k)}
        codes = {k: v for k, v in values.items() if k not in ("note", "reason")}
        try:
            svc.add_entry(incident_id, f"{zh} / {en}", by=by or self.ctx.session.user, at=at,
                          data={"i18n": {"key": key, "values": codes}, **free})
        except IncidentError:
            return  # the incident is not in this database (an escalation test without one)


def _line_pair(key: str, values: dict[str, Any]) -> tuple[str, str]:
    """(zh, en) of a mirrored line; role and outcome codes are named in each language."""
    from frontdesk.i18n import catalog

    pair = catalog().get(key, (key, key))
    out = []
    for i, text in enumerate(pair):
        filled = dict(values)
        if "role" in filled:
            names = role_names(str(filled.pop("role") or "")) if values.get("role") else ("", "")
            filled["who"] = " ".join(x for x in (names[i], str(values.get("name") or "")) if x)
        if "outcome" in filled:
            label = catalog().get(f"esc.outcome.{filled['outcome']}")
            filled["outcome"] = label[i] if label else filled["outcome"]
        out.append(text.format_map(_Blank(filled)))
    return out[0], out[1]


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def timeline_line(data: Any, fallback: str, lang: str) -> str:
    """A mirrored escalation line in ``lang`` (from its stored key and values), or the stored
    text for lines written before keys were stored."""
    spec = data.get("i18n") if isinstance(data, Mapping) else None
    if not isinstance(spec, dict) or not isinstance(spec.get("key"), str):
        return fallback
    values = dict(spec.get("values") or {})
    values.update({k: data[k] for k in ("note", "reason") if data.get(k)})
    zh, en = _line_pair(spec["key"], values)
    return zh if lang.startswith("zh") else en


def summarize(st: ChainState) -> EscalationSummary:
    """The board's line for a chain state, in the current language."""
    from frontdesk.i18n import t

    r = st.responder
    owed = [lv for lv in st.reporting if not lv.closed]
    clocks = [st.responder_clock, *(lv.clock for lv in owed)]
    worst = (ClockState.BREACH if ClockState.BREACH in clocks else ClockState.WARNING
             if ClockState.WARNING in clocks else ClockState.OK)
    if r.status is ResponderStatus.DONE:
        text = t("esc.next.accepted", who=role_label(r.accepted_role))
    elif r.status is ResponderStatus.EXHAUSTED:
        text = t("esc.next.exhausted")
    elif r.status is ResponderStatus.WAITING:
        text = t("esc.next.waiting")
    else:
        text = next_call_text(st)
    if owed:
        first = owed[0]
        role = first.level.targets[0].role if first.level.targets else None
        text += " · " + t("esc.next.report", who=role_label(role), n=len(owed))
    return EscalationSummary(text, st.next_deadline, worst.value, len(owed))


def next_call_text(st: ChainState) -> str:
    """"Call <role> <name> <number>" for the first pending target of the current step."""
    from frontdesk.i18n import t

    for target in st.responder.targets:
        if target.status.value != "pending":
            continue
        role = target.target.role
        if target.candidates:
            c = target.candidates[0]
            role = role or c.contact.role
            number = display_phone(c.number) if c.number else t("esc.no_number")
            return t("esc.next.call", who=role_label(role), name=c.contact.name, number=number)
        number = display_phone(target.number) if target.number else t("esc.no_number")
        return t("esc.next.call", who=role_label(role), name="", number=number)
    return t("esc.next.waiting")


__all__ = ["ROLES", "Escalation", "EscalationService", "EscalationSummary", "summarize"]
