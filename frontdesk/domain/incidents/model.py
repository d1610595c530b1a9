"""Incidents: kinds and their checklists, response levels, lifecycle, timeline and close gates.

The kinds (seeds 000, 001, 003) ship as data in ``data/incident_kinds.json``; a site adds or
overrides kinds with a file of the same shape
(:func:`frontdesk.domain.incidents.catalogue.load_kinds`). The timeline is append-only:
a correction is a new entry that *supersedes* an older one, never an edit, so what was first
written stays retrievable (:func:`effective_timeline`, :func:`versions_of`). Closing is gated by
:func:`close_blockers`: report submitted, reporting chain complete, statement released, every
required checklist item done or skipped with a reason, and (where the kind says so) the report
approved.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Bilingual:
    """A text in Chinese and English."""

    zh: str
    en: str

    def in_lang(self, lang: str) -> str:
        """The text for ``lang`` ("zh…" → Chinese, anything else → English)."""
        return self.zh if lang.lower().startswith("zh") else self.en


class Level(StrEnum):
    """Response level (seed 001): who leads the response."""

    GENERAL = "general"  # 一般级: the management office handles it itself
    SERIOUS = "serious"  # 较重级: the management office leads and coordinates departments
    SEVERE = "severe"  # 严重级: company leadership leads a special task group

    @property
    def label(self) -> Bilingual:
        """Display name, e.g. 一般级 / general."""
        return _LEVEL_LABELS[self]

    @property
    def rank(self) -> int:
        """0 for general up to 2 for severe, for comparisons ("raised" / "lowered")."""
        return list(Level).index(self)


_LEVEL_LABELS = {
    Level.GENERAL: Bilingual("一般级", "general"),
    Level.SERIOUS: Bilingual("较重级", "serious"),
    Level.SEVERE: Bilingual("严重级", "severe"),
}


class State(StrEnum):
    """Lifecycle of an incident (research §2.11.5)."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ON_SCENE = "on_scene"
    CONTAINED = "contained"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> Bilingual:
        """Display name, e.g. 已控制 / contained."""
        return _STATE_LABELS[self]


_STATE_LABELS = {
    State.OPEN: Bilingual("待处置", "open"),
    State.ACKNOWLEDGED: Bilingual("已响应", "acknowledged"),
    State.ON_SCENE: Bilingual("已到场", "on scene"),
    State.CONTAINED: Bilingual("已控制", "contained"),
    State.RESOLVED: Bilingual("处置完毕", "resolved"),
    State.CLOSED: Bilingual("已结案", "closed"),
}
_ACTIVE = (State.OPEN, State.ACKNOWLEDGED, State.ON_SCENE, State.CONTAINED)
#: Allowed moves. Forward moves may skip stages (a lost child found at once goes open → resolved);
#: only a resolved incident can be closed; re-opening (back to open) is allowed from resolved or
#: closed and is recorded with a reason (:func:`state_change`).
TRANSITIONS: Mapping[State, frozenset[State]] = MappingProxyType({
    s: frozenset((*_ACTIVE[i + 1:], State.RESOLVED)) for i, s in enumerate(_ACTIVE)
} | {State.RESOLVED: frozenset({State.CLOSED, State.OPEN}), State.CLOSED: frozenset({State.OPEN})})


def is_reopen(current: State, target: State) -> bool:
    """Whether moving ``current`` → ``target`` is a re-opening."""
    return State(target) is State.OPEN and State(current) in (State.RESOLVED, State.CLOSED)


@dataclass(frozen=True)
class Blocker:
    """Something that stops an incident from being closed."""

    code: str
    message: Bilingual
    item_id: str | None = None


class TransitionError(ValueError):
    """An illegal lifecycle move; the message says what was tried and what is allowed."""

    def __init__(self, current: State, target: State, blockers: Sequence[Blocker] = ()) -> None:
        self.current, self.target, self.blockers = current, target, tuple(blockers)
        if blockers:
            why = "; ".join(b.message.en for b in blockers)
            text = f"cannot close the incident yet: {why}"
        else:
            allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing"
            text = (f"cannot move an incident from {current.value} to {target.value}"
                    f" (allowed: {allowed})")
        super().__init__(text)


def transition(current: State, target: State, blockers: Sequence[Blocker] = ()) -> None:
    """Check a lifecycle move; raise :class:`TransitionError` if it is illegal or, for closing,
    if any blocker (from :func:`close_blockers`) remains. Plain strings are accepted as states."""
    current, target = State(current), State(target)
    if target not in TRANSITIONS[current]:
        raise TransitionError(current, target)
    if target is State.CLOSED and blockers:
        raise TransitionError(current, target, blockers)


@dataclass(frozen=True)
class ChecklistItem:
    """One measure of a kind's checklist; ``due_minutes`` counts from the event."""

    id: str
    text: Bilingual
    due_minutes: int | None = None
    required: bool = True


class StatementWhen(StrEnum):
    """When a kind owes a public statement (seed 001: 舆情 events, within 24 h)."""

    ALWAYS = "always"
    #: A media visit owes one only once a supervisor marks it as having become a 舆情 event.
    WHEN_PUBLIC_OPINION = "when_public_opinion"


@dataclass(frozen=True)
class StatementDuty:
    """Whether an incident of a kind owes a public statement, and the seed line saying so."""

    when: StatementWhen = StatementWhen.ALWAYS
    levels: frozenset[Level] = frozenset(Level)
    source: str = ""

    def owed(self, level: Level, public_opinion: bool) -> bool:
        """Owed at ``level``, given whether the incident was marked a public-opinion event."""
        if Level(level) not in self.levels:
            return False
        return self.when is StatementWhen.ALWAYS or public_opinion


@dataclass(frozen=True)
class Kind:
    """An incident kind: its name, default level, its public statement, checklist, citation.

    ``needs_statement`` says a statement *may* be recorded for the kind; whether one is *owed*
    (and so blocks closing and runs a clock) is :attr:`statement_duty`: given in the data as
    ``statement``, or "always" for an old-style ``needs_statement: true``. ``report_approval``
    makes closing wait for the superior's approval of the written report (003 流程 9).
    """

    id: str
    name: Bilingual
    needs_statement: bool
    default_level: Level
    checklist: tuple[ChecklistItem, ...] = ()
    source: str = ""
    statement: StatementDuty | None = None
    report_approval: bool = False

    @property
    def statement_duty(self) -> StatementDuty | None:
        """The statement rule of the kind (None: this kind never owes one)."""
        if self.statement is not None:
            return self.statement
        return StatementDuty() if self.needs_statement else None

    def statement_owed(self, level: Level, public_opinion: bool = False) -> bool:
        """Whether an incident of this kind at ``level`` owes a public statement."""
        duty = self.statement_duty
        return duty is not None and duty.owed(level, public_opinion)

    def due_minutes(self) -> dict[str, int]:
        """Item id → minutes after the event, for the items that have a deadline."""
        return {i.id: i.due_minutes for i in self.checklist if i.due_minutes is not None}


class ChecklistState(StrEnum):
    """Where a checklist item stands."""

    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class ChecklistStatus:
    """The latest mark on a checklist item; a skip needs a reason to count as settled."""

    item_id: str
    state: ChecklistState = ChecklistState.PENDING
    reason: str = ""
    at: datetime | None = None
    by: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", ChecklistState(self.state))

    @property
    def settled(self) -> bool:
        """Done, or skipped with a non-blank reason."""
        return self.state is ChecklistState.DONE or (
            self.state is ChecklistState.SKIPPED and bool(self.reason.strip()))


class EntryKind(StrEnum):
    """Known timeline entry kinds (other modules may add their own strings)."""

    NOTE = "note"
    STATE = "state"
    LEVEL = "level"
    CHECKLIST = "checklist"
    CALL = "call"
    SCRIPT = "script"
    STATEMENT = "statement"
    REPORT = "report"
    HANDOVER = "handover"
    CORRECTION = "correction"
    FACTS = "facts"  # a correction of the incident's time, place, kind or level
    PUBLIC_OPINION = "public_opinion"  # a media visit marked as having become a 舆情 event


@dataclass(frozen=True)
class TimelineEntry:
    """One append-only line of an incident's log (ICS-214 style): when it happened, when it was
    written down, by whom. A correction has kind ``correction``, names the entry it replaces in
    ``supersedes`` and keeps the corrected entry's kind in ``data["corrects_kind"]``."""

    id: str
    incident_id: str
    occurred_at: datetime
    recorded_at: datetime
    author: str
    text: str
    kind: str = EntryKind.NOTE
    supersedes: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        for name in ("occurred_at", "recorded_at"):
            if getattr(self, name).tzinfo is None:
                raise ValueError(f"TimelineEntry.{name} must be timezone-aware")
        if self.supersedes == self.id:
            raise ValueError("a timeline entry cannot supersede itself")
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))

    @property
    def subject_kind(self) -> str:
        """The kind this entry speaks for: a correction stands in for the kind it corrects."""
        if self.kind == EntryKind.CORRECTION:
            return str(self.data.get("corrects_kind", EntryKind.CORRECTION))
        return self.kind


def _order(e: TimelineEntry) -> tuple[datetime, datetime, str]:
    return (e.occurred_at, e.recorded_at, e.id)


def effective_timeline(entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """The timeline as it reads now: superseded entries hidden, in order of occurrence.

    Two corrections of the same entry (from two PCs) are both shown: a visible conflict.
    """
    items = list(entries)
    hidden = {e.supersedes for e in items if e.supersedes is not None}
    return sorted((e for e in items if e.id not in hidden), key=_order)


def versions_of(entry_id: str, entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """The chain of versions ending at ``entry_id``, original first (superseded ones included)."""
    by_id = {e.id: e for e in entries}
    chain: list[TimelineEntry] = []
    current = by_id.get(entry_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = by_id.get(current.supersedes) if current.supersedes else None
    return chain[::-1]


def correction(original: TimelineEntry, entry_id: str, text: str, recorded_at: datetime,
               author: str, occurred_at: datetime | None = None,
               data: Mapping[str, Any] | None = None) -> TimelineEntry:
    """A new entry that supersedes ``original`` (its data carried over, ``data`` on top)."""
    merged = dict(original.data) | dict(data or {}) | {"corrects_kind": original.subject_kind}
    return TimelineEntry(entry_id, original.incident_id, occurred_at or original.occurred_at,
                         recorded_at, author, text, EntryKind.CORRECTION, original.id, merged)


def state_change(entry_id: str, incident_id: str, current: State, target: State,
                 at: datetime, author: str, reason: str = "",
                 blockers: Sequence[Blocker] = ()) -> TimelineEntry:
    """The timeline entry recording a lifecycle move, after checking it with :func:`transition`.

    A re-opening needs a reason (why the resolved incident is live again); it is flagged in
    ``data["reopen"]`` so reports and audits can find it.
    """
    transition(current, target, blockers)
    current, target = State(current), State(target)
    reopen = is_reopen(current, target)
    if reopen and not reason.strip():
        raise TransitionError(current, target, (Blocker("reopen_without_reason", Bilingual(
            "重新开启须写明原因", "re-opening needs a reason")),))
    text = f"{current.label.zh} → {target.label.zh}" + (f":{reason.strip()}" if reason else "")
    data = {"from": current.value, "to": target.value, "reopen": reopen, "reason": reason}
    return TimelineEntry(entry_id, incident_id, at, at, author, text, EntryKind.STATE, data=data)


def level_change(entry_id: str, incident_id: str, old: Level, new: Level, at: datetime,
                 author: str, reason: str = "", decided_by: str = "",
                 decided_role: str = "") -> TimelineEntry:
    """The timeline entry recording a change of response level (raised or lowered).

    Seed 001: the leadership decides the level (研判组 proposes, 领导小组 decides), so a change
    names who decided (``decided_by``, with their role) besides who recorded it (``author``).
    """
    old, new = Level(old), Level(new)
    if old is new:
        raise ValueError(f"the level is already {new.value}")
    # The typed reason stays the line's suffix: the retention purge blanks only that part.
    text = f"{old.label.zh} → {new.label.zh}" + (f"(决定:{decided_by})" if decided_by else "")
    text += f":{reason.strip()}" if reason else ""
    data = {"from": old.value, "to": new.value, "raised": new.rank > old.rank, "reason": reason,
            "decided_by": decided_by, "decided_role": decided_role}
    return TimelineEntry(entry_id, incident_id, at, at, author, text, EntryKind.LEVEL, data=data)


def checklist_statuses(entries: Iterable[TimelineEntry]) -> dict[str, ChecklistStatus]:
    """Latest mark per item from the effective timeline's checklist entries, whose data is
    ``{"item_id": ..., "state": "done"|"skipped"|"pending", "reason": ...}``."""
    result: dict[str, ChecklistStatus] = {}
    for e in effective_timeline(entries):
        if e.subject_kind != EntryKind.CHECKLIST or "item_id" not in e.data:
            continue
        state = str(e.data.get("state", ChecklistState.DONE))
        if state not in set(ChecklistState):
            continue  # a mark this version does not know (newer PC): leave the item as it was
        item = str(e.data["item_id"])
        result[item] = ChecklistStatus(item, ChecklistState(state),
                                       str(e.data.get("reason", "")), e.occurred_at, e.author)
    return result


_REPORT_COUNTS = frozenset({"submitted", "approved"})  # report.ReportState values that count


def close_blockers(kind: Kind, checklist: Mapping[str, ChecklistStatus] | Iterable[ChecklistStatus],
                   report_status: str | None, reporting_chain_complete: bool | None,
                   statement_released: bool, statement_owed: bool | None = None) -> list[Blocker]:
    """Everything that still stops the incident from being closed (empty list: it may close).

    ``report_status`` is a ``report.ReportState`` value (None: no report yet); submitted or
    approved counts, or only approved when the kind asks for approval (003 流程 9).
    ``reporting_chain_complete`` None means the chain is not wired yet and is treated as
    complete. ``statement_owed`` None falls back to the kind's unconditional rule. Only
    *required* checklist items block; a skipped one needs a reason.
    """
    found: list[Blocker] = []
    if report_status not in _REPORT_COUNTS:
        found.append(Blocker("report_not_submitted",
                             Bilingual("书面报告尚未提交", "written report not submitted")))
    elif kind.report_approval and report_status != "approved":
        found.append(Blocker("report_not_approved",
                             Bilingual("书面报告尚未经上级批准", "written report not approved")))
    if reporting_chain_complete is False:
        found.append(Blocker("reporting_chain_incomplete",
                             Bilingual("逐级上报尚未完成", "reporting chain not complete")))
    owed = kind.needs_statement if statement_owed is None else statement_owed
    if owed and not statement_released:
        found.append(Blocker("statement_not_released",
                             Bilingual("尚未发布对外声明", "public statement not released")))
    marks = checklist if isinstance(checklist, Mapping) else {s.item_id: s for s in checklist}
    for item in (i for i in kind.checklist if i.required):
        mark = marks.get(item.id, ChecklistStatus(item.id))
        if mark.state is ChecklistState.SKIPPED and not mark.reason.strip():
            found.append(Blocker("checklist_skip_without_reason", Bilingual(
                f"跳过的事项须写明原因:{item.text.zh}",
                f"skipped without a reason: {item.text.en}"), item.id))
        elif not mark.settled:
            found.append(Blocker("checklist_pending", Bilingual(
                f"事项未完成:{item.text.zh}", f"checklist item pending: {item.text.en}"), item.id))
    return found


@dataclass(frozen=True)
class Incident:
    """The facts of one incident that the domain rules need."""

    id: str
    kind: str
    level: Level
    state: State
    occurred_at: datetime
    place: str
    opened_by: str = ""
    summary: str = ""
    number: str = ""  # per site and year, e.g. 2026-0042 (said on the phone); "" before 1.x data


