"""Incidents: kinds and their checklists, response levels, lifecycle, timeline and close gates.

The kinds (seeds 000, 001, 003) ship as data in ``data/incident_kinds.json``; a site adds or
overrides kinds with a file of the same shape (:func:`load_kinds`). The timeline is append-only:
a correction is a new entry that *supersedes* an older one, never an edit, so what was first
written stays retrievable (:func:`effective_timeline`, :func:`versions_of`). Closing is gated by
:func:`close_blockers`: report submitted, reporting chain complete, statement released, every
required checklist item done or skipped with a reason.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from frontdesk.domain import sitefile
from frontdesk.domain.incidents.deadlines import (
    DeadlineRules,
    ReportRule,
    RuleDataError,
    StatementRule,
    parse_warn_before,
)
from frontdesk.domain.sitefile import FileProblem


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


@dataclass(frozen=True)
class Kind:
    """An incident kind: its name, default level, whether it needs a public statement, checklist."""

    id: str
    name: Bilingual
    needs_statement: bool
    default_level: Level
    checklist: tuple[ChecklistItem, ...] = ()
    source: str = ""

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
                 author: str, reason: str = "") -> TimelineEntry:
    """The timeline entry recording a change of response level (raised or lowered)."""
    old, new = Level(old), Level(new)
    if old is new:
        raise ValueError(f"the level is already {new.value}")
    text = f"{old.label.zh} → {new.label.zh}" + (f":{reason.strip()}" if reason else "")
    data = {"from": old.value, "to": new.value, "raised": new.rank > old.rank, "reason": reason}
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
                   statement_released: bool) -> list[Blocker]:
    """Everything that still stops the incident from being closed (empty list: it may close).

    ``report_status`` is a ``report.ReportState`` value (None: no report yet); submitted or
    approved counts. ``reporting_chain_complete`` None means the chain is not wired yet and is
    treated as complete. Only *required* checklist items block; a skipped one needs a reason.
    """
    found: list[Blocker] = []
    if report_status not in _REPORT_COUNTS:
        found.append(Blocker("report_not_submitted",
                             Bilingual("书面报告尚未提交", "written report not submitted")))
    if reporting_chain_complete is False:
        found.append(Blocker("reporting_chain_incomplete",
                             Bilingual("逐级上报尚未完成", "reporting chain not complete")))
    if kind.needs_statement and not statement_released:
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


@dataclass(frozen=True)
class KindCatalogue:
    """Kinds and deadline rules in force. ``errors`` lists problems found in the site file, each
    naming file and field; when it is non-empty the site file was ignored as a whole."""

    kinds: Mapping[str, Kind]
    rules: DeadlineRules
    errors: tuple[FileProblem, ...] = ()


class KindsFileError(ValueError):
    """The shipped kinds file is unreadable or invalid (a product defect, not a site mistake)."""


_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TOP_KEYS = {"format", "report_rule", "statement_rule", "warn_before_minutes", "kinds"}
_KIND_KEYS = {"name", "needs_statement", "default_level", "checklist", "source"}
_ITEM_KEYS = {"id", "text", "due_minutes", "required"}


def _keys(obj: object, allowed: set[str] | None, where: str) -> Mapping[str, Any]:
    """``obj`` as a mapping whose keys are all in ``allowed`` (None: any; ``_x`` are comments).

    ``where`` is the field path of ``obj`` (``""`` for the whole document)."""
    if not isinstance(obj, dict):
        raise RuleDataError(where, "must be an object")
    for key in obj:
        if allowed is not None and key not in allowed and not str(key).startswith("_"):
            raise RuleDataError(f"{where}.{key}" if where else str(key),
                                f"unknown field; expected one of {sorted(allowed)}")
    return obj


def _bilingual(value: object, where: str) -> Bilingual:
    obj = _keys(value, {"zh", "en"}, where)
    for lang in ("zh", "en"):
        if not isinstance(obj.get(lang), str) or not obj[lang].strip():
            raise RuleDataError(f"{where}.{lang}", "must be a non-empty string")
    return Bilingual(obj["zh"], obj["en"])


def _item(value: object, where: str) -> ChecklistItem:
    obj = _keys(value, _ITEM_KEYS, where)
    if not isinstance(obj.get("id"), str) or not _ID.match(obj["id"]):
        raise RuleDataError(f"{where}.id", "must be lower_snake_case (a-z 0-9 _), ≤ 40 chars")
    due = obj.get("due_minutes")
    whole = isinstance(due, int) and not isinstance(due, bool)
    if due is not None and (not whole or not 0 <= due <= 10080):
        raise RuleDataError(f"{where}.due_minutes", "must be whole minutes between 0 and 10080")
    if not isinstance(obj.get("required", True), bool):
        raise RuleDataError(f"{where}.required", "must be true or false")
    return ChecklistItem(obj["id"], _bilingual(obj.get("text"), f"{where}.text"), due,
                         obj.get("required", True))


def _kind(kind_id: str, value: object, where: str) -> Kind:
    obj = _keys(value, _KIND_KEYS, where)
    if not _ID.match(kind_id):
        raise RuleDataError(where, "kind id must be lower_snake_case, at most 40 chars")
    if not isinstance(obj.get("needs_statement"), bool):
        raise RuleDataError(f"{where}.needs_statement", "must be true or false")
    if obj.get("default_level") not in set(Level):
        levels = [lv.value for lv in Level]
        raise RuleDataError(f"{where}.default_level", f"must be one of {levels}")
    raw_items = obj.get("checklist", [])
    if not isinstance(raw_items, list):
        raise RuleDataError(f"{where}.checklist", "must be a list")
    items = tuple(_item(v, f"{where}.checklist[{i}]") for i, v in enumerate(raw_items))
    if len({i.id for i in items}) != len(items):
        raise RuleDataError(f"{where}.checklist", "item ids must be unique within a kind")
    return Kind(kind_id, _bilingual(obj.get("name"), f"{where}.name"), obj["needs_statement"],
                Level(obj["default_level"]), items, str(obj.get("source", "")))


def _build(data: object, report: Callable[[str, str], None]) -> KindCatalogue | None:
    """Validate a whole document; ``report(field, problem)`` each mistake (None if any)."""
    failed = False

    def guard(fn: Any, *args: Any) -> Any:
        nonlocal failed
        try:
            return fn(*args)
        except RuleDataError as exc:
            failed = True
            report(exc.field, exc.problem)
            return None

    top = guard(_keys, data, _TOP_KEYS, "")
    if top is None:
        return None
    report_rule = guard(ReportRule.from_data, top.get("report_rule"))
    statement = guard(StatementRule.from_data, top.get("statement_rule"))
    warn = guard(parse_warn_before, top.get("warn_before_minutes", {}))
    raw_kinds = guard(_keys, top.get("kinds"), None, "kinds")
    kinds = {k: guard(_kind, k, v, f"kinds.{k}") for k, v in (raw_kinds or {}).items()}
    if not kinds and raw_kinds is not None:
        failed = True
        report("kinds", "no kinds defined")
    if failed:
        return None
    return KindCatalogue(MappingProxyType(kinds), DeadlineRules(report_rule, statement, warn))


def load_kinds(shipped_path: Path | str, site_path: Path | str | None = None) -> KindCatalogue:
    """Load the shipped kinds and rules, then apply the site file if there is one.

    The site file has the shipped shape, every section optional: ``report_rule``,
    ``statement_rule`` and ``warn_before_minutes`` replace the shipped ones; each entry of
    ``kinds`` either adds a kind (all fields needed) or overrides fields of a shipped kind of the
    same id (a given ``checklist`` replaces the whole list). A missing site file is no error. If
    the site file is unreadable, too big, nested too deeply (both checked before parsing, see
    :mod:`frontdesk.domain.sitefile`) or invalid, the shipped catalogue is returned with
    ``errors`` naming the file, line and field of each mistake; the caller must show them (the
    app does at start, ``frontdesk doctor`` lists them). A broken shipped file raises
    :class:`KindsFileError`.
    """
    shipped_path = Path(shipped_path)
    shipped_data, _text, problem = sitefile.load(shipped_path)
    if problem is not None:
        raise KindsFileError(str(problem))
    shipped_errors: list[str] = []
    shipped = _build(shipped_data, lambda f, p: shipped_errors.append(f"{f}: {p}"))
    if shipped is None:
        raise KindsFileError(f"{shipped_path}: " + "; ".join(shipped_errors))
    if site_path is None or not Path(site_path).exists():
        return shipped
    site_data, text, problem = sitefile.load(Path(site_path))
    if problem is not None:
        return KindCatalogue(shipped.kinds, shipped.rules, (problem,))
    where = sitefile.Locator(str(site_path), text)
    errors = where.duplicates()
    if not isinstance(site_data, dict):
        return KindCatalogue(shipped.kinds, shipped.rules,
                             (where.problem(None, "must be an object"),))
    shipped_doc = cast(dict[str, Any], shipped_data)  # _build accepted it as an object
    merged = dict(shipped_doc) | {k: v for k, v in site_data.items() if k != "kinds"}
    site_kinds = site_data.get("kinds", {})
    if isinstance(site_kinds, dict):
        base = shipped_doc["kinds"]
        merged["kinds"] = dict(base) | {
            k: (dict(base[k]) | v if k in base and isinstance(v, dict) else v)
            for k, v in site_kinds.items()}
    else:
        merged["kinds"] = site_kinds
    site = _build(merged, lambda f, p: errors.append(where.problem(f, p)))
    if site is None or errors:
        return KindCatalogue(shipped.kinds, shipped.rules, tuple(errors))
    return site
