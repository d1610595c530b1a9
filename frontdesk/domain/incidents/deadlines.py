"""Deadlines and clocks of an incident: written report, public statement, checklist items.

Pure: every function works from stored instants and a ``now`` passed in; nothing here reads a
clock, keeps a timer or looks at the PC's time zone, so a reboot or a power cut changes nothing
(DESIGN.md habit 9). A rule that says "18:00" means 18:00 at the *site* (an IANA zone,
:data:`frontdesk.domain.sitetime.DEFAULT_TZ` unless the site says otherwise), whatever zone the
gate PC is set to; wall-clock arithmetic goes through :mod:`frontdesk.domain.sitetime`.

The report rule (seed 003) is data, a list of :class:`ReportWindow`; the statement rule (seed 001:
first statement within 24 h of the event, then updates as it develops) is a :class:`StatementRule`.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from frontdesk.domain import sitetime
from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.sitetime import DEFAULT_TZ

_DAY_MIN = 24 * 60


class RuleDataError(ValueError):
    """A rule or kind in a data file is malformed; ``field`` is the dotted path to the culprit."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def _aware(value: datetime, name: str) -> datetime:
    """Return ``value`` in UTC, refusing naive datetimes (they would mean the PC's zone)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware; store instants in UTC")
    return value.astimezone(UTC)


def parse_hhmm(value: object, field: str) -> time:
    """Parse ``"HH:MM"`` (24-hour clock) or raise :class:`RuleDataError` naming ``field``."""
    ok = isinstance(value, str) and len(value) == 5 and value[2] == ":"
    digits = value[:2] + value[3:] if isinstance(value, str) else ""
    if not ok or not (digits.isascii() and digits.isdigit()):
        raise RuleDataError(field, f'expected "HH:MM", got {value!r}')
    hh, mm = int(digits[:2]), int(digits[2:])
    if hh > 23 or mm > 59:
        raise RuleDataError(field, f"no such time of day: {value!r}")
    return time(hh, mm)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@dataclass(frozen=True)
class ReportWindow:
    """Events whose site-local time of day falls in ``[start, end)`` are due at ``at`` (site
    time), ``days_after`` days after the date on which the window *opened*.

    Windows are half-open: ``start`` belongs to the window and ``end`` to the next one, so an
    event at exactly 09:00 is in 09:00-13:00, at exactly 13:00 in 13:00-18:00 and at exactly 18:00
    in 18:00-09:00. A window with ``end <= start`` wraps past midnight; an event after midnight in
    such a window belongs to the window that opened the evening before, so with 18:00-09:00 → +1
    day at 12:00, an event at 20:00 is due at 12:00 the next day and one at 02:00 at 12:00 the
    same day ("the next 12:00").
    """

    start: time
    end: time
    days_after: int
    at: time

    @property
    def wraps(self) -> bool:
        """True when the window runs past midnight (or covers the whole day)."""
        return self.end <= self.start

    @property
    def length_minutes(self) -> int:
        """Length of the window; ``start == end`` is a whole day."""
        return (_minutes(self.end) - _minutes(self.start)) % _DAY_MIN or _DAY_MIN

    def contains(self, t: time) -> bool:
        """Whether a site-local time of day falls inside ``[start, end)``."""
        if self.wraps:
            return t >= self.start or t < self.end
        return self.start <= t < self.end

    def opened_on(self, local: datetime) -> date:
        """The site-local date on which the window containing ``local`` opened."""
        if self.wraps and local.time() < self.end:
            return local.date() - timedelta(days=1)
        return local.date()


@dataclass(frozen=True)
class ReportRule:
    """When the written incident report is due: windows that partition the day (seed 003)."""

    windows: tuple[ReportWindow, ...]

    def __post_init__(self) -> None:
        ordered = sorted(self.windows, key=lambda w: _minutes(w.start))
        if not ordered:
            raise RuleDataError("report_rule", "needs at least one window")
        for i, w in enumerate(ordered):
            nxt = ordered[(i + 1) % len(ordered)]
            if w.end != nxt.start:
                raise RuleDataError("report_rule", (
                    f"window starting {w.start:%H:%M} ends {w.end:%H:%M} but the next starts "
                    f"{nxt.start:%H:%M}: windows must cover the day without gap or overlap"))
            if not 0 <= w.days_after <= 7:
                raise RuleDataError("report_rule", "days_after must be between 0 and 7")
            if w.days_after * _DAY_MIN + _minutes(w.at) < _minutes(w.start) + w.length_minutes:
                raise RuleDataError(
                    "report_rule", f"window starting {w.start:%H:%M} would be due before it ends")
        if sum(w.length_minutes for w in ordered) != _DAY_MIN:
            raise RuleDataError("report_rule", "windows must cover exactly one day")

    def window_for(self, t: time) -> ReportWindow:
        """The window a site-local time of day falls into."""
        return next(w for w in self.windows if w.contains(t))

    @classmethod
    def from_data(cls, data: object, field: str = "report_rule") -> ReportRule:
        """Build from the JSON shape ``[{start, end, due: {days_after, at}}, ...]``."""
        if not isinstance(data, list):
            raise RuleDataError(field, "must be a list of windows")
        windows = []
        for i, raw in enumerate(data):
            where = f"{field}[{i}]"
            due = raw.get("due") if isinstance(raw, dict) else None
            if not isinstance(raw, dict) or not isinstance(due, dict):
                raise RuleDataError(where, 'expected {"start", "end", "due": {"days_after", "at"}}')
            days = due.get("days_after")
            if not isinstance(days, int) or isinstance(days, bool):
                raise RuleDataError(f"{where}.due.days_after", "must be a whole number")
            windows.append(ReportWindow(
                parse_hhmm(raw.get("start"), f"{where}.start"),
                parse_hhmm(raw.get("end"), f"{where}.end"),
                days, parse_hhmm(due.get("at"), f"{where}.due.at")))
        return cls(tuple(windows))


DEFAULT_REPORT_RULE = ReportRule((
    ReportWindow(time(9), time(13), 0, time(18)),
    ReportWindow(time(13), time(18), 1, time(9)),
    ReportWindow(time(18), time(9), 1, time(12)),
))


@functools.lru_cache(maxsize=4096)
def report_due(occurred_at_utc: datetime, site_tz: str = DEFAULT_TZ,
               rule: ReportRule = DEFAULT_REPORT_RULE) -> datetime:
    """The instant (UTC) by which the written report of an event is due.

    The time of day is read in the site's zone, never the PC's: 12:59 site time → 18:00 the same
    day; 13:00 → 09:00 the next day; 18:00 or 23:59 → 12:00 the next day; 00:00 or 08:59 → 12:00
    the same day. Dates roll over months and years by calendar arithmetic. In zones with daylight
    saving, a due time inside a spring-forward gap is read with the pre-transition offset.
    Remembered per event (the board asks again every minute; the answer never changes).
    """
    local = sitetime.to_local(_aware(occurred_at_utc, "occurred_at_utc"), site_tz)
    window = rule.window_for(local.time())
    due_day = window.opened_on(local) + timedelta(days=window.days_after)
    return sitetime.wall_clock(due_day, window.at, site_tz)


@dataclass(frozen=True)
class StatementRule:
    """Public statement for media / public-opinion events: first within ``first_within`` of the
    event (seed 001: 24 h), then a follow-up every ``follow_up_every`` after the latest release.

    Seed 001 sets no cadence for follow-ups ("根据事件进展及时更新公告内容"): the interval is a
    site's choice, and ``follow_up_source`` says so wherever the clock is shown.
    """

    first_within: timedelta = timedelta(hours=24)
    follow_up_every: timedelta = timedelta(hours=24)
    first_source: str = field(default="", compare=False)
    follow_up_source: str = field(default="", compare=False)

    @classmethod
    def from_data(cls, data: object, field: str = "statement_rule") -> StatementRule:
        """Build from ``{"first_within_hours": n, "follow_up_every_hours": m}`` (plus the
        optional ``first_source`` and ``follow_up_source`` texts)."""
        if not isinstance(data, dict):
            raise RuleDataError(field, "must be an object")
        hours: list[timedelta] = []
        for key in ("first_within_hours", "follow_up_every_hours"):
            value = data.get(key)
            number = value if isinstance(value, int | float) and not isinstance(value, bool) else 0
            if not 0 < number <= 720:
                raise RuleDataError(f"{field}.{key}", "must be a number of hours between 0 and 720")
            hours.append(timedelta(hours=number))
        texts = []
        for key in ("first_source", "follow_up_source"):
            value = data.get(key, "")
            if not isinstance(value, str):
                raise RuleDataError(f"{field}.{key}", "must be a text")
            texts.append(value)
        return cls(hours[0], hours[1], texts[0], texts[1])


DEFAULT_STATEMENT_RULE = StatementRule()


def statement_due(occurred_at: datetime, rule: StatementRule = DEFAULT_STATEMENT_RULE) -> datetime:
    """When the first public statement is due (UTC): the event plus ``rule.first_within``."""
    return _aware(occurred_at, "occurred_at") + rule.first_within


def next_statement_reminder(
    occurred: datetime, statements_released_at: Sequence[datetime], now: datetime,
    rule: StatementRule = DEFAULT_STATEMENT_RULE,
) -> datetime:
    """When the next statement is due (UTC), as known at ``now``.

    No release yet → the first-statement deadline; otherwise the latest release plus the
    follow-up cadence. Releases stamped after ``now`` are ignored (a record from a PC whose clock
    runs ahead, or a replay "as of" an earlier moment).
    """
    cutoff = _aware(now, "now")
    released = sorted(t for t in (_aware(r, "released_at") for r in statements_released_at)
                      if t <= cutoff)
    if not released:
        return statement_due(occurred, rule)
    return released[-1] + rule.follow_up_every


def clock_state(due: datetime, now: datetime, warn_before: timedelta,
                done_at: datetime | None = None) -> ClockState:
    """``done`` once met (at or before ``now``), else ``breach`` from the due instant on,
    ``warning`` from ``due - warn_before``, ``ok`` before that."""
    if warn_before < timedelta(0):
        raise ValueError("warn_before must not be negative")
    due_u, now_u = _aware(due, "due"), _aware(now, "now")
    if done_at is not None and _aware(done_at, "done_at") <= now_u:
        return ClockState.DONE
    if now_u >= due_u:
        return ClockState.BREACH
    if now_u >= due_u - warn_before:
        return ClockState.WARNING
    return ClockState.OK


CLOCK_REPORT = "report"
CLOCK_STATEMENT = "statement"
CLOCK_STATEMENT_FOLLOW_UP = "statement_follow_up"
CLOCK_CHECKLIST = "checklist"
DEFAULT_WARN_BEFORE: Mapping[str, timedelta] = {
    CLOCK_REPORT: timedelta(hours=1),
    CLOCK_STATEMENT: timedelta(hours=2),
    CLOCK_STATEMENT_FOLLOW_UP: timedelta(hours=1),
    CLOCK_CHECKLIST: timedelta(minutes=5),
}


def parse_warn_before(data: object, field: str = "warn_before_minutes") -> dict[str, timedelta]:
    """Build the per-clock warning lead from ``{"report": 60, ...}`` (minutes); missing codes
    keep their defaults."""
    if not isinstance(data, dict):
        raise RuleDataError(field, "must be an object")
    result = dict(DEFAULT_WARN_BEFORE)
    for key, value in data.items():
        if key not in DEFAULT_WARN_BEFORE:
            known = sorted(DEFAULT_WARN_BEFORE)
            raise RuleDataError(f"{field}.{key}", f"unknown clock; known: {known}")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 7 * _DAY_MIN:
            raise RuleDataError(f"{field}.{key}", "must be whole minutes between 0 and 10080")
        result[key] = timedelta(minutes=value)
    return result


@dataclass(frozen=True)
class DeadlineRules:
    """The rules a site runs on: report windows, statement cadence, warning leads per clock."""

    report: ReportRule = DEFAULT_REPORT_RULE
    statement: StatementRule = DEFAULT_STATEMENT_RULE
    warn_before: Mapping[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_WARN_BEFORE))

    def warn(self, code: str) -> timedelta:
        """Warning lead for a clock code (falls back to the default table)."""
        return self.warn_before.get(code, DEFAULT_WARN_BEFORE[code])


@dataclass(frozen=True)
class Clock:
    """One running deadline of an incident. ``subject`` names the checklist item for
    ``checklist`` clocks; ``done_at`` is when it was met (possibly late)."""

    code: str
    due_at: datetime
    state: ClockState
    done_at: datetime | None = None
    subject: str = ""

    @property
    def met_late(self) -> bool:
        """Met, but only at or after the due instant."""
        return self.done_at is not None and self.done_at >= self.due_at

    @property
    def late_by(self) -> timedelta | None:
        """How late it was met (None when met on time or not met yet)."""
        if self.done_at is None or self.done_at < self.due_at:
            return None
        return self.done_at - self.due_at

    def remaining(self, now: datetime) -> timedelta:
        """Time left until due (negative once overdue)."""
        return self.due_at - _aware(now, "now")


@dataclass(frozen=True)
class ClockFacts:
    """What the clocks of one incident are computed from (all instants aware, stored UTC).

    ``checklist_due_minutes`` maps item id → minutes after the event; ``checklist_settled_at``
    maps item id → when it was done or skipped. ``active`` is false once the incident is resolved
    or closed: follow-up reminders stop then (deadlines already set still show).
    ``needs_statement`` says a statement is *owed*; its clock counts from ``statement_from``
    (the event by default; for a media visit, when it became a public-opinion event).
    """

    occurred_at: datetime
    site_tz: str = DEFAULT_TZ
    needs_statement: bool = False
    statement_from: datetime | None = None
    statements_released_at: Sequence[datetime] = ()
    report_submitted_at: datetime | None = None
    checklist_due_minutes: Mapping[str, int] = field(default_factory=dict)
    checklist_settled_at: Mapping[str, datetime] = field(default_factory=dict)
    active: bool = True


def incident_clocks(facts: ClockFacts, now: datetime,
                    rules: DeadlineRules | None = None) -> list[Clock]:
    """Every clock of an incident at ``now``, soonest due first (met clocks included, as done)."""
    rules = rules or DeadlineRules()
    occurred = _aware(facts.occurred_at, "occurred_at")
    now_u = _aware(now, "now")

    def make(code: str, due: datetime, done: datetime | None, subject: str = "") -> Clock:
        done_u = _aware(done, "done_at") if done is not None else None
        state = clock_state(due, now_u, rules.warn(code), done_u)
        return Clock(code, due, state, done_u if state is ClockState.DONE else None, subject)

    clocks = [make(CLOCK_REPORT, report_due(occurred, facts.site_tz, rules.report),
                   facts.report_submitted_at)]
    if facts.needs_statement:
        stamps = (_aware(r, "released_at") for r in facts.statements_released_at)
        released = sorted(t for t in stamps if t <= now_u)
        anchor = _aware(facts.statement_from, "statement_from") if facts.statement_from \
            else occurred
        clocks.append(make(CLOCK_STATEMENT, statement_due(anchor, rules.statement),
                           released[0] if released else None))
        if released and facts.active:
            due = next_statement_reminder(anchor, released, now_u, rules.statement)
            clocks.append(make(CLOCK_STATEMENT_FOLLOW_UP, due, None))
    for item_id, minutes in facts.checklist_due_minutes.items():
        clocks.append(make(CLOCK_CHECKLIST, occurred + timedelta(minutes=minutes),
                           facts.checklist_settled_at.get(item_id), item_id))
    return sorted(clocks, key=lambda c: (c.due_at, c.code, c.subject))

