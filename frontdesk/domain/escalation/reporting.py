"""The reporting chain (逐级上报): which levels are owed, by when, and which are met.

Called by :func:`frontdesk.domain.escalation.engine.chain_state`, which documents the rules;
kept apart so each module stays small. Pure: plan, log and ``now`` in, snapshot out.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.escalation.contacts import Contact
from frontdesk.domain.escalation.model import (
    CallAttempt,
    CallOutcome,
    ChainKind,
    Level,
    LevelChange,
    Plan,
    ReportLevel,
    Skip,
    Target,
)
from frontdesk.domain.escalation.state import (
    Candidate,
    ReportLevelState,
    ReportStatus,
    clock_state,
)


@dataclass
class _Owed:
    level: ReportLevel
    added_at: datetime
    raised_to: Level | None
    due: datetime
    waived_at: datetime | None = None
    waived_to: Level | None = None


def owed_levels(plan: Plan, level_changes: Sequence[LevelChange], opened_at: datetime
                ) -> list[_Owed]:
    """The reporting levels in force, in their stable order (the opening level's, then each
    raise's additions); ``level_changes`` must be sorted by time.

    A lowering marks the levels the lower level does not list as waived (they keep their
    place, so calls logged under their index still count); raising again makes them owed anew.
    """
    owed = [
        _Owed(r, opened_at, None, opened_at + timedelta(minutes=r.deadline_minutes))
        for r in plan.chains(plan.level).reporting
    ]
    current = plan.level
    for change in level_changes:
        if change.to_level is current:
            continue
        lowered = change.to_level.rank < current.rank
        current = change.to_level
        chain = plan.chains(change.to_level).reporting
        if lowered:
            keep = {r.key for r in chain}
            for o in owed:
                if o.level.key not in keep and o.waived_at is None:
                    o.waived_at, o.waived_to = change.at, change.to_level
            continue
        for r in chain:
            due = change.at + timedelta(minutes=r.deadline_minutes)
            same = next((o for o in owed if o.level.key == r.key), None)
            if same is None:
                owed.append(_Owed(r, change.at, change.to_level, due))
            elif same.waived_at is not None:
                same.level, same.added_at, same.raised_to, same.due = r, change.at, \
                    change.to_level, due
                same.waived_at = same.waived_to = None
            elif due < same.due:
                # Tighten, never loosen; a level that may be told afterwards stops being so
                # once the higher level says it must be told by a deadline.
                after = same.level.after_the_fact and r.after_the_fact
                same.level = ReportLevel(same.level.targets, r.deadline_minutes, after,
                                         same.level.script or r.script)
                same.due = due
    return owed


def _reaches(targets: tuple[Target, ...], a: CallAttempt, roles: dict[str, str]) -> bool:
    role = roles.get(a.contact_id or "")
    for t in targets:
        if t.contact_id is not None and t.contact_id == a.contact_id:
            return True
        if t.role is not None and t.role in (a.role, role):
            return True
    return False


def reporting_states(
    plan: Plan,
    attempts: Sequence[CallAttempt],
    skips: Sequence[Skip],
    level_changes: Sequence[LevelChange],
    opened_at: datetime,
    now: datetime,
    contacts: Sequence[Contact],
    warn_before: timedelta,
    candidates: Callable[[Target], tuple[Candidate, ...]],
) -> tuple[ReportLevelState, ...]:
    """Every reporting level's state at ``now``; all records must be dated at or before it
    and sorted by time."""
    roles = {c.id: c.role for c in contacts}
    out = []
    for index, owed in enumerate(owed_levels(plan, level_changes, opened_at)):
        informed: CallAttempt | None = None
        misses = 0
        callback_until: datetime | None = None
        for a in attempts:
            own = a.chain is ChainKind.REPORTING and a.step_index == index
            if not own and not (a.chain is ChainKind.RESPONDER and a.outcome.informs
                                and _reaches(owed.level.targets, a, roles)):
                continue
            if a.outcome.informs and informed is None:
                informed = a
            if a.outcome is CallOutcome.CALLBACK:
                callback_until = a.at + timedelta(minutes=plan.callback_minutes)
            elif a.outcome is not CallOutcome.MESSAGE_SENT:
                callback_until = None
            misses += a.outcome.is_miss
        skip = next((s for s in skips
                     if s.chain is ChainKind.REPORTING and s.step_index == index), None)
        if informed is not None:
            status = ReportStatus.INFORMED
        elif skip is not None:
            status = ReportStatus.SKIPPED
        elif owed.waived_at is not None:
            status = ReportStatus.WAIVED
        else:
            status = ReportStatus.OVERDUE if now >= owed.due else ReportStatus.OWED
        closed = status in (ReportStatus.INFORMED, ReportStatus.SKIPPED, ReportStatus.WAIVED)
        out.append(ReportLevelState(
            index=index, level=owed.level, added_at=owed.added_at, raised_to=owed.raised_to,
            due=owed.due, status=status,
            clock=ClockState.OK if closed else clock_state(owed.due, now, warn_before),
            informed_at=informed.at if informed else None,
            informed_contact_id=informed.contact_id if informed else None,
            informed_late=informed is not None and informed.at > owed.due,
            waived_at=owed.waived_at if status is ReportStatus.WAIVED else None,
            waived_to=owed.waived_to if status is ReportStatus.WAIVED else None,
            skipped_at=skip.at if skip and informed is None else None,
            skip_reason=skip.reason if skip and informed is None else "",
            misses=misses, callback_until=None if closed else callback_until,
            candidates=tuple(c for t in owed.level.targets for c in candidates(t)),
        ))
    return tuple(out)
