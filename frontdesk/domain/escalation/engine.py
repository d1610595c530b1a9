"""The escalation engine: a chain's state from the stored log and ``now``, nothing else.

:func:`chain_state` is pure and deterministic: it replays the call log (attempts, skips,
level changes) in time order over the incident's frozen :class:`Plan`, then measures the
clocks against ``now``. No timer lives in memory, so a restart, a power cut or a suspended
PC resumes exactly where the log left off (DESIGN.md habit 9).

Responder rules (one step at a time):

* a step's first call is due ``warning_minutes`` (the plan's, default 2) after the step starts
  ("call now", shown as a warning meanwhile), so a new incident is not overdue the second it
  opens; after an unanswered call (no answer, busy, switched off, wrong number) the next call
  is due ``wait_minutes`` later;
* a target with ``misses_to_advance`` misses is exhausted; when every target of the step is
  accepted, declined or exhausted the chain moves on by itself, and after a miss the next step
  is due ``wait_minutes`` later (after a decline at once);
* ``callback`` makes the target due again when the callback time runs out;
* ``message_sent`` is logged but is neither a reach nor a miss;
* ``accepted`` ends the chain (``call_many`` with ``require: all`` needs every target); an
  acceptance logged against another (earlier or later) call step ends it too: a supervisor who
  calls back late has still taken charge. Other records for a step that is not current do not
  move the chain; to go ahead, record a :class:`Skip` (越级);
* an ``emergency`` step moves on once the number is reached; it never ends the chain;
* a ``repeat`` step goes back at most ``max_repeats`` times, then the chain goes on (and is
  exhausted if nothing follows): ``repeat_cap_reached`` says so;
* changing the level (raised, or lowered by the leadership's decision) before anyone accepted
  (or after the chain ran out) re-plans at once: the responder chain restarts on the new
  level's steps, at the change.

Reporting rules: each level is owed from the opening (or from the raise that added it) plus
its ``deadline_minutes``; a raise adds the higher level's levels and tightens a deadline that is
already owed, never loosens it; a lowering waives the levels the lower level does not list and
that were not yet informed (a later raise makes them owed again). A level is informed by a call that reaches one of its targets
(accepted or declined), whether logged on the reporting chain under the level's index or on
the responder chain (calling the supervisor to take charge also tells them).
Records with the same instant apply level changes, then skips, then calls (then by id).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from frontdesk.domain import sitetime
from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.escalation.contacts import Contact, contacts_for, on_duty_now
from frontdesk.domain.escalation.model import (
    CallAttempt,
    CallOutcome,
    ChainKind,
    Level,
    LevelChange,
    Plan,
    Require,
    Skip,
    Step,
    StepKind,
    Target,
)
from frontdesk.domain.escalation.reporting import reporting_states
from frontdesk.domain.escalation.state import (
    Candidate,
    ChainState,
    OptionalStepState,
    ResponderState,
    ResponderStatus,
    StepVisit,
    TargetState,
    TargetStatus,
    VisitResult,
    clock_state,
)

SITE_TZ = sitetime.zone(sitetime.DEFAULT_TZ)
_Record = CallAttempt | Skip | LevelChange


@dataclass
class _Target:
    target: Target
    misses: int = 0
    messages: int = 0
    accepted_at: datetime | None = None
    declined_at: datetime | None = None
    last_miss: datetime | None = None
    callback_until: datetime | None = None
    last_outcome: CallOutcome | None = None

    def finished(self, n: int) -> bool:
        return bool(self.accepted_at or self.declined_at or self.misses >= n)


@dataclass
class _Optional:
    attempts: int = 0
    reached_at: datetime | None = None
    last_outcome: CallOutcome | None = None
    skipped_at: datetime | None = None
    skip_reason: str = ""


@dataclass
class _Responder:
    """Mutable replay of the responder chain; only :func:`chain_state` sees it."""

    plan: Plan
    roles: dict[str, str]
    level: Level
    steps: tuple[Step, ...] = ()
    cursor: int | None = None
    round: int = 0
    started_at: datetime | None = None
    first_due: datetime | None = None
    targets: list[_Target] = field(default_factory=list)
    repeats: dict[int, int] = field(default_factory=dict)
    pre_skipped: set[int] = field(default_factory=set)
    cap_reached: bool = False
    visits: list[StepVisit] = field(default_factory=list)
    optional: dict[int, _Optional] = field(default_factory=dict)
    accepted: tuple[datetime, str | None, str | None, int] | None = None

    def start(self, level: Level, at: datetime) -> None:
        self.level = level
        self.steps = self.plan.chains(level).responder
        self.round, self.repeats, self.pre_skipped, self.optional = 0, {}, set(), {}
        self.enter(0, at)

    def enter(self, i: int, at: datetime, delay: int = 0) -> None:
        """Go to step ``i`` (or the first one after it that is not passed over) at ``at``; its
        first call is due ``delay`` minutes later, or after the plan's grace when that is 0."""
        while True:
            if i >= len(self.steps):
                self.cursor = None
                return
            step = self.steps[i]
            if step.optional:
                i += 1
            elif i in self.pre_skipped:
                self.pre_skipped.discard(i)
                self.visits.append(StepVisit(i, self.round, self.level, at, at,
                                             VisitResult.SKIPPED, "skip recorded in advance"))
                i += 1
            elif step.kind is StepKind.REPEAT:
                used = self.repeats.get(i, 0)
                if used < step.max_repeats:
                    self.repeats[i] = used + 1
                    self.round += 1
                    self.pre_skipped.clear()
                    self.visits.append(StepVisit(i, self.round, self.level, at, at,
                                                 VisitResult.REPEATED))
                    i = step.to_step
                else:
                    self.cap_reached = True
                    i += 1
            else:
                self.cursor, self.started_at = i, at
                grace = 0 if step.kind is StepKind.WAIT else self.plan.warning_minutes
                self.first_due = at + timedelta(minutes=delay or grace)
                self.targets = [_Target(t) for t in step.targets]
                self.visits.append(StepVisit(i, self.round, self.level, at, None,
                                             VisitResult.OPEN))
                return

    def leave(self, result: VisitResult, at: datetime, reason: str = "") -> None:
        last = self.visits[-1]
        self.visits[-1] = StepVisit(last.step_index, last.round, last.level, last.started_at,
                                    at, result, reason)

    @property
    def active(self) -> bool:
        return self.accepted is None and self.cursor is not None

    def advance_time(self, until: datetime) -> None:
        while self.active and self.cursor is not None:
            step = self.steps[self.cursor]
            end = (self.first_due or until) + timedelta(minutes=step.wait_minutes)
            if step.kind is not StepKind.WAIT or end > until:
                return
            self.leave(VisitResult.WAITED, end)
            self.enter(self.cursor + 1, end)

    def change_level(self, change: LevelChange) -> None:
        if change.to_level is self.level or self.accepted is not None:
            return
        if self.cursor is not None:
            how = "raised" if change.to_level.rank > self.level.rank else "lowered"
            self.leave(VisitResult.REPLANNED, change.at, f"level {how} to {change.to_level}")
        self.start(change.to_level, change.at)

    def skip(self, s: Skip) -> None:
        if s.chain is not ChainKind.RESPONDER or not 0 <= s.step_index < len(self.steps):
            return
        if self.steps[s.step_index].optional:
            opt = self.optional.setdefault(s.step_index, _Optional())
            if opt.skipped_at is None:
                opt.skipped_at, opt.skip_reason = s.at, s.reason
        elif self.active and self.cursor is not None:
            if s.step_index == self.cursor:
                self.leave(VisitResult.SKIPPED, s.at, s.reason)
                self.enter(self.cursor + 1, s.at)
            elif s.step_index > self.cursor:
                self.pre_skipped.add(s.step_index)

    def _match(self, step: Step, a: CallAttempt) -> int | None:
        """Which target of ``step`` a call was for; a one-target step takes every call."""
        for k, t in enumerate(step.targets):
            if t.contact_id is not None and t.contact_id == a.contact_id:
                return k
            if t.role is not None and t.role in (a.role, self.roles.get(a.contact_id or "")):
                return k
        return 0 if len(step.targets) == 1 else None

    def attempt(self, a: CallAttempt) -> None:
        if a.chain is not ChainKind.RESPONDER or not 0 <= a.step_index < len(self.steps):
            return
        step = self.steps[a.step_index]
        if step.optional:
            opt = self.optional.setdefault(a.step_index, _Optional())
            opt.attempts += 1
            opt.last_outcome = a.outcome
            if a.outcome.informs and opt.reached_at is None:
                opt.reached_at = a.at
            return
        if not self.active or step.kind in (StepKind.WAIT, StepKind.REPEAT):
            return
        if a.step_index != self.cursor:
            if a.outcome is CallOutcome.ACCEPTED and step.kind is not StepKind.EMERGENCY:
                self._accept(a, a.step_index)
            return
        k = self._match(step, a)
        if k is None:
            return
        t = self.targets[k]
        t.last_outcome = a.outcome
        if a.outcome is CallOutcome.ACCEPTED:
            t.accepted_at, t.callback_until = a.at, None
        elif a.outcome is CallOutcome.DECLINED:
            t.declined_at, t.callback_until = a.at, None
        elif a.outcome is CallOutcome.CALLBACK:
            t.callback_until = a.at + timedelta(minutes=step.callback_minutes)
        elif a.outcome.is_miss:
            t.misses, t.last_miss, t.callback_until = t.misses + 1, a.at, None
        else:
            t.messages += 1
        self._evaluate(step, a)

    def _accept(self, a: CallAttempt, index: int) -> None:
        role = a.role or self.roles.get(a.contact_id or "")
        self.accepted = (a.at, a.contact_id, role, index)
        if self.cursor is not None:
            self.leave(VisitResult.ACCEPTED, a.at)

    def _evaluate(self, step: Step, a: CallAttempt) -> None:
        assert self.cursor is not None
        n = step.misses_to_advance
        if step.kind is StepKind.EMERGENCY:
            if a.outcome.informs:
                self.leave(VisitResult.REACHED, a.at)
                self.enter(self.cursor + 1, a.at)
            elif self.targets[0].misses >= n:
                self.leave(VisitResult.EXHAUSTED, a.at)
                self.enter(self.cursor + 1, a.at, step.wait_minutes)
            return
        accepted = [t for t in self.targets if t.accepted_at]
        if accepted and (step.require is Require.ANY or len(accepted) == len(self.targets)):
            self._accept(a, self.cursor)
            return
        if all(t.finished(n) for t in self.targets):
            if accepted:
                result = VisitResult.PARTIAL
            elif any(t.misses >= n for t in self.targets):
                result = VisitResult.EXHAUSTED
            else:
                result = VisitResult.DECLINED
            self.leave(result, a.at)
            self.enter(self.cursor + 1, a.at, step.wait_minutes if a.outcome.is_miss else 0)


def _candidates(contacts: Sequence[Contact], target: Target, now_local: datetime
                ) -> tuple[Candidate, ...]:
    found = contacts_for(contacts, now_local, role=target.role, contact_id=target.contact_id)
    return tuple(Candidate(c, c.dial, on_duty_now(c, now_local)) for c in found)


def _target_due(sim: _Responder, step: Step, t: _Target) -> datetime | None:
    if t.finished(step.misses_to_advance):
        return None
    if t.callback_until is not None:
        return t.callback_until
    if t.last_miss is not None:
        return t.last_miss + timedelta(minutes=step.wait_minutes)
    return sim.first_due


def _responder_state(sim: _Responder, contacts: Sequence[Contact], now: datetime,
                     now_local: datetime) -> ResponderState:
    step = sim.steps[sim.cursor] if sim.active and sim.cursor is not None else None
    targets: list[TargetState] = []
    if step is not None and step.kind is not StepKind.WAIT:
        n = step.misses_to_advance
        for t in sim.targets:
            cands = _candidates(contacts, t.target, now_local)
            t_status = (TargetStatus.ACCEPTED if t.accepted_at else TargetStatus.DECLINED
                        if t.declined_at else TargetStatus.EXHAUSTED if t.misses >= n
                        else TargetStatus.PENDING)
            number = cands[0].number if cands and cands[0].number else step.number
            targets.append(TargetState(t.target, cands, number, t_status, t.misses, t.messages,
                                       _target_due(sim, step, t), t.callback_until,
                                       t.last_outcome))
    if sim.accepted is not None:
        status = ResponderStatus.DONE
    elif step is None:
        status = ResponderStatus.EXHAUSTED
    elif step.kind is StepKind.WAIT:
        status = ResponderStatus.WAITING
    else:
        status = ResponderStatus.CALLING
    if step is not None and step.kind is StepKind.WAIT and sim.first_due is not None:
        next_due: datetime | None = sim.first_due + timedelta(minutes=step.wait_minutes)
    else:
        next_due = min((t.next_due for t in targets if t.next_due), default=None)
    callbacks = [t.callback_until for t in targets if t.callback_until]
    callback_until = min(callbacks, default=None)
    optional = []
    for i, s in enumerate(sim.steps):
        if s.optional:
            o = sim.optional.get(i, _Optional())
            cands = tuple(c for t in s.targets for c in _candidates(contacts, t, now_local))
            number = cands[0].number if cands and cands[0].number else s.number
            optional.append(OptionalStepState(i, s, cands, number, o.attempts, o.reached_at,
                                              o.last_outcome, o.skipped_at, o.skip_reason))
    acc = sim.accepted
    return ResponderState(
        status=status, level=sim.level, steps=sim.steps,
        step_index=sim.cursor if step is not None else None, step=step, round=sim.round,
        step_started_at=sim.started_at if step is not None else None, targets=tuple(targets),
        misses=sum(t.misses for t in targets),
        misses_to_advance=step.misses_to_advance if step is not None else 0,
        next_due=next_due, callback_until=callback_until,
        callback_pending=callback_until is not None and now < callback_until,
        accepted_at=acc[0] if acc else None, accepted_contact_id=acc[1] if acc else None,
        accepted_role=acc[2] if acc else None, accepted_step=acc[3] if acc else None,
        repeat_cap_reached=sim.cap_reached, visits=tuple(sim.visits), optional=tuple(optional),
    )


def _sort_key(r: _Record) -> tuple[datetime, int, str]:
    rank = 0 if isinstance(r, LevelChange) else 1 if isinstance(r, Skip) else 2
    return (r.at, rank, r.id)


def chain_state(
    plan: Plan,
    attempts: Iterable[CallAttempt],
    skips: Iterable[Skip],
    level_changes: Iterable[LevelChange],
    opened_at: datetime,
    now: datetime,
    contacts: Iterable[Contact],
    site_tz: tzinfo = SITE_TZ,
) -> ChainState:
    """Both chains of an incident at ``now``, from its plan and its stored log alone.

    Records dated after ``now`` are left out (and counted in ``future_records``). ``site_tz``
    is the site's zone, used only to read contacts' duty hours. The same arguments always
    give the same answer.
    """
    contacts = list(contacts)
    records: list[_Record] = [*attempts, *skips, *level_changes]
    future = sum(1 for r in records if r.at > now)
    records = sorted((r for r in records if r.at <= now), key=_sort_key)
    sim = _Responder(plan=plan, roles={c.id: c.role for c in contacts}, level=plan.level)
    sim.start(plan.level, opened_at)
    level = plan.level
    for rec in records:
        sim.advance_time(rec.at)
        if isinstance(rec, LevelChange):
            level = rec.to_level
            sim.change_level(rec)
        elif isinstance(rec, Skip):
            sim.skip(rec)
        else:
            sim.attempt(rec)
    sim.advance_time(now)
    now_local = now.astimezone(site_tz)
    responder = _responder_state(sim, contacts, now, now_local)
    warn = timedelta(minutes=plan.warning_minutes)
    reporting = reporting_states(
        plan, [r for r in records if isinstance(r, CallAttempt)],
        [r for r in records if isinstance(r, Skip)],
        [r for r in records if isinstance(r, LevelChange)],
        opened_at, now, contacts, warn,
        lambda t: _candidates(contacts, t, now_local),
    )
    if responder.status is ResponderStatus.EXHAUSTED:
        responder_clock = ClockState.BREACH
    elif responder.status is ResponderStatus.DONE:
        responder_clock = ClockState.OK
    else:
        responder_clock = clock_state(responder.next_due, now, warn)
    dues = [r.due for r in reporting if not r.closed]
    if responder.next_due is not None:
        dues.append(responder.next_due)
    return ChainState(
        now=now, level=level, responder=responder, responder_clock=responder_clock,
        reporting=reporting, reporting_complete=all(r.closed for r in reporting),
        next_deadline=min(dues, default=None), future_records=future,
    )
