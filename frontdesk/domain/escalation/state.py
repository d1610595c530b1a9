"""What the escalation engine answers: chain states, countdown clocks, who to call next.

Everything here is a frozen snapshot computed by
:func:`frontdesk.domain.escalation.engine.chain_state` for one instant; nothing is stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.escalation.contacts import Contact
from frontdesk.domain.escalation.model import CallOutcome, Level, ReportLevel, Step, Target


def clock_state(
    due: datetime | None, now: datetime, warn_before: timedelta = timedelta(minutes=2)
) -> ClockState:
    """``breach`` at or after ``due``, ``warning`` within ``warn_before`` of it, else ``ok``.

    No due time (nothing owed) is ``ok``.
    """
    if due is None:
        return ClockState.OK
    if now >= due:
        return ClockState.BREACH
    if now >= due - warn_before:
        return ClockState.WARNING
    return ClockState.OK


@dataclass(frozen=True)
class Candidate:
    """A contact who can answer for a target, with the number to dial and whether on duty."""

    contact: Contact
    number: str | None
    on_duty: bool


class TargetStatus(StrEnum):
    """Where one target of the current step stands."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXHAUSTED = "exhausted"


@dataclass(frozen=True)
class TargetState:
    """One target of the current responder step.

    ``candidates`` are the contacts that fill it, on-duty first; ``number`` is what to dial
    (the first candidate's, or the public number of an emergency step when nobody is listed).
    ``next_due`` is when this target should be called (again); ``callback_until`` is set while
    a promised callback is awaited (and stays set once it has expired, until the next call).
    """

    target: Target
    candidates: tuple[Candidate, ...]
    number: str | None
    status: TargetStatus
    misses: int
    messages: int
    next_due: datetime | None
    callback_until: datetime | None
    last_outcome: CallOutcome | None


class ResponderStatus(StrEnum):
    """The responder chain as a whole."""

    CALLING = "calling"
    WAITING = "waiting"
    DONE = "done"
    EXHAUSTED = "exhausted"


class VisitResult(StrEnum):
    """How a visit to a responder step ended."""

    OPEN = "open"
    ACCEPTED = "accepted"
    PARTIAL = "partial"
    DECLINED = "declined"
    EXHAUSTED = "exhausted"
    REACHED = "reached"
    SKIPPED = "skipped"
    WAITED = "waited"
    REPEATED = "repeated"
    REPLANNED = "replanned"


@dataclass(frozen=True)
class StepVisit:
    """One pass over a responder step: the escalation plan's history line."""

    step_index: int
    round: int
    level: Level
    started_at: datetime
    ended_at: datetime | None
    result: VisitResult
    reason: str = ""


@dataclass(frozen=True)
class OptionalStepState:
    """A conditional step (e.g. 120 if a passenger is unwell): offered, never blocking."""

    step_index: int
    step: Step
    candidates: tuple[Candidate, ...]
    number: str | None
    attempts: int
    reached_at: datetime | None
    last_outcome: CallOutcome | None
    skipped_at: datetime | None
    skip_reason: str


@dataclass(frozen=True)
class ResponderState:
    """The responder chain: the step in hand, whom to call, by when, and how it went.

    ``level`` is the level whose chain is in use (a raise before anyone accepted switches to
    the higher level's chain, from its first step). ``step_index``/``step`` are ``None`` once
    the chain is done or exhausted. ``misses`` counts unanswered calls on the current step
    (all targets); the step auto-advances when a target reaches ``misses_to_advance``.
    """

    status: ResponderStatus
    level: Level
    steps: tuple[Step, ...]
    step_index: int | None
    step: Step | None
    round: int
    step_started_at: datetime | None
    targets: tuple[TargetState, ...]
    misses: int
    misses_to_advance: int
    next_due: datetime | None
    callback_until: datetime | None
    callback_pending: bool
    accepted_at: datetime | None
    accepted_contact_id: str | None
    accepted_role: str | None
    accepted_step: int | None
    repeat_cap_reached: bool
    visits: tuple[StepVisit, ...]
    optional: tuple[OptionalStepState, ...]

    @property
    def done(self) -> bool:
        """Somebody accepted: the chain has stopped."""
        return self.status is ResponderStatus.DONE


class ReportStatus(StrEnum):
    """One reporting level: informed, skipped (越级, with a reason), waived (the level was
    lowered before it was told), owed, or owed and late."""

    INFORMED = "informed"
    SKIPPED = "skipped"
    WAIVED = "waived"
    OWED = "owed"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class ReportLevelState:
    """One level of the reporting chain at this instant.

    ``index`` is the stable number calls for this level are logged under. ``added_at`` is when
    the level became owed (the opening, or the raise that added it: ``raised_to`` names the
    level); ``due`` counts from there and only ever tightens on a later raise.
    """

    index: int
    level: ReportLevel
    added_at: datetime
    raised_to: Level | None
    due: datetime
    status: ReportStatus
    clock: ClockState
    informed_at: datetime | None
    informed_contact_id: str | None
    informed_late: bool
    waived_at: datetime | None
    waived_to: Level | None
    skipped_at: datetime | None
    skip_reason: str
    misses: int
    callback_until: datetime | None
    candidates: tuple[Candidate, ...]

    @property
    def closed(self) -> bool:
        """Informed, skipped or waived: nothing more is owed at this level."""
        return self.status in (ReportStatus.INFORMED, ReportStatus.SKIPPED, ReportStatus.WAIVED)

    @property
    def late_by(self) -> timedelta | None:
        """How late the level was informed (None if on time or not informed)."""
        if self.informed_at is None or self.informed_at <= self.due:
            return None
        return self.informed_at - self.due


@dataclass(frozen=True)
class ChainState:
    """Both chains of one incident at ``now``, computed only from the stored log.

    ``level`` is the incident's level now. ``next_deadline`` is the nearest of the next call
    and every owed report deadline (what the board sorts by). ``future_records`` counts log
    records dated after ``now`` and left out (a sign of a wrong PC clock).
    """

    now: datetime
    level: Level
    responder: ResponderState
    responder_clock: ClockState
    reporting: tuple[ReportLevelState, ...]
    reporting_complete: bool
    next_deadline: datetime | None
    future_records: int
