"""Report-due rule at every boundary, statement cadence and clock states (words: test_durations).

The PC's zone is forced to UTC (and, in one test, to far-off zones) while the site is in
Asia/Shanghai: the answers must not move. All instants are fixed; no real clock is read.
"""
from __future__ import annotations

import json
import os
import time as systime
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from frontdesk.domain.incidents.deadlines import (
    DEFAULT_REPORT_RULE,
    ClockFacts,
    ClockState,
    DeadlineRules,
    ReportRule,
    RuleDataError,
    StatementRule,
    clock_state,
    incident_clocks,
    next_statement_reminder,
    parse_warn_before,
    report_due,
    statement_due,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHIPPED = Path(__file__).resolve().parents[2] / "data" / "incident_kinds.json"


def _set_pc_tz(name: str | None) -> None:
    if name is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = name
    systime.tzset()


@pytest.fixture(autouse=True)
def pc_in_utc() -> Iterator[None]:
    """The gate PC's clock zone is UTC for every test here; restored afterwards."""
    saved = os.environ.get("TZ")
    _set_pc_tz("UTC")
    try:
        yield
    finally:
        _set_pc_tz(saved)


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    """A Shanghai wall-clock time as a UTC instant (how it is stored)."""
    return datetime(y, mo, d, h, mi, s, us, tzinfo=SHANGHAI).astimezone(UTC)


BOUNDARIES = [
    # (event, site time) → (due, site time)
    ((2026, 3, 10, 8, 59), (2026, 3, 10, 12, 0)),
    ((2026, 3, 10, 9, 0), (2026, 3, 10, 18, 0)),
    ((2026, 3, 10, 12, 59), (2026, 3, 10, 18, 0)),
    ((2026, 3, 10, 13, 0), (2026, 3, 11, 9, 0)),
    ((2026, 3, 10, 17, 59), (2026, 3, 11, 9, 0)),
    ((2026, 3, 10, 18, 0), (2026, 3, 11, 12, 0)),
    ((2026, 3, 10, 20, 0), (2026, 3, 11, 12, 0)),
    ((2026, 3, 10, 23, 59), (2026, 3, 11, 12, 0)),
    ((2026, 3, 11, 0, 0), (2026, 3, 11, 12, 0)),
    ((2026, 3, 11, 2, 0), (2026, 3, 11, 12, 0)),
    # month end, year end, leap day
    ((2026, 1, 31, 20, 0), (2026, 2, 1, 12, 0)),
    ((2026, 2, 28, 14, 0), (2026, 3, 1, 9, 0)),
    ((2026, 4, 30, 23, 59), (2026, 5, 1, 12, 0)),
    ((2026, 5, 1, 0, 0), (2026, 5, 1, 12, 0)),
    ((2026, 12, 31, 13, 0), (2027, 1, 1, 9, 0)),
    ((2026, 12, 31, 18, 0), (2027, 1, 1, 12, 0)),
    ((2027, 1, 1, 0, 30), (2027, 1, 1, 12, 0)),
    ((2028, 2, 28, 17, 59), (2028, 2, 29, 9, 0)),
    ((2028, 2, 29, 19, 0), (2028, 3, 1, 12, 0)),
]


def _stamp(v: tuple[int, ...]) -> str:
    return "{}-{:02d}-{:02d}_{:02d}{:02d}".format(*v)


@pytest.mark.parametrize(("event", "due"), BOUNDARIES, ids=_stamp)
def test_report_due_boundaries(event: tuple[int, ...], due: tuple[int, ...]) -> None:
    result = report_due(sh(*event), "Asia/Shanghai", DEFAULT_REPORT_RULE)
    assert result == sh(*due)
    assert result.utcoffset() == timedelta(0)


def test_last_instant_before_a_boundary_stays_in_the_earlier_window() -> None:
    assert report_due(sh(2026, 3, 10, 12, 59, 59, 999999), "Asia/Shanghai") == sh(2026, 3, 10, 18)
    assert report_due(sh(2026, 3, 10, 17, 59, 59), "Asia/Shanghai") == sh(2026, 3, 11, 9)
    assert report_due(sh(2026, 3, 10, 8, 59, 59), "Asia/Shanghai") == sh(2026, 3, 10, 12)


def test_site_date_not_utc_date_decides() -> None:
    # 17:00 UTC on the 10th is 01:00 on the 11th in Shanghai: due 12:00 on the 11th (04:00 UTC).
    event = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    assert report_due(event, "Asia/Shanghai") == datetime(2026, 3, 11, 4, 0, tzinfo=UTC)
    # 05:00 UTC is exactly 13:00 in Shanghai: next day 09:00 = 01:00 UTC.
    event = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
    assert report_due(event, "Asia/Shanghai") == datetime(2026, 3, 11, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "pc_zone", ["UTC", "America/New_York", "America/Los_Angeles", "Pacific/Kiritimati",
                "Asia/Kolkata"])
def test_pc_zone_changes_nothing(pc_zone: str) -> None:
    _set_pc_tz(pc_zone)
    for event, due in BOUNDARIES:
        assert report_due(sh(*event), "Asia/Shanghai") == sh(*due)


def test_other_site_zone_with_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    event = datetime(2026, 3, 28, 20, 0, tzinfo=berlin)  # CET, the night before the clocks go on
    # due 12:00 CEST the next morning = 10:00 UTC
    assert report_due(event, "Europe/Berlin") == datetime(2026, 3, 29, 10, 0, tzinfo=UTC)


def test_due_time_in_a_spring_forward_gap_and_twice_in_autumn() -> None:
    """A site in New York: on the spring-forward night 02:30 never shows on the wall clock (read
    with the offset before the change, i.e. 03:30 EDT); on the autumn night 01:30 shows twice
    (the first one, still EDT, counts)."""
    def rule(at: str) -> ReportRule:
        return ReportRule.from_data([{"start": "00:00", "end": "00:00",
                                      "due": {"days_after": 1, "at": at}}])
    ny = ZoneInfo("America/New_York")
    spring = report_due(datetime(2026, 3, 7, 20, 0, tzinfo=ny), "America/New_York", rule("02:30"))
    assert spring == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    autumn = report_due(datetime(2026, 10, 31, 20, 0, tzinfo=ny), "America/New_York",
                        rule("01:30"))
    assert autumn == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        report_due(datetime(2026, 3, 10, 12, 0), "Asia/Shanghai")


def test_shipped_rule_equals_the_default() -> None:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert ReportRule.from_data(data["report_rule"]) == DEFAULT_REPORT_RULE
    assert StatementRule.from_data(data["statement_rule"]) == StatementRule()


def test_a_site_can_change_the_rule() -> None:
    rule = ReportRule.from_data([
        {"start": "08:00", "end": "20:00", "due": {"days_after": 0, "at": "22:00"}},
        {"start": "20:00", "end": "08:00", "due": {"days_after": 1, "at": "10:00"}},
    ])
    assert report_due(sh(2026, 3, 10, 8, 0), "Asia/Shanghai", rule) == sh(2026, 3, 10, 22)
    assert report_due(sh(2026, 3, 10, 21, 0), "Asia/Shanghai", rule) == sh(2026, 3, 11, 10)
    assert report_due(sh(2026, 3, 11, 3, 0), "Asia/Shanghai", rule) == sh(2026, 3, 11, 10)


def test_single_whole_day_window_wraps() -> None:
    rule = ReportRule.from_data(
        [{"start": "08:00", "end": "08:00", "due": {"days_after": 1, "at": "08:00"}}])
    assert report_due(sh(2026, 3, 10, 7, 0), "Asia/Shanghai", rule) == sh(2026, 3, 10, 8)
    assert report_due(sh(2026, 3, 10, 8, 0), "Asia/Shanghai", rule) == sh(2026, 3, 11, 8)


@pytest.mark.parametrize(("windows", "field"), [
    ([{"start": "09:00", "end": "13:00", "due": {"days_after": 0, "at": "18:00"}}], "report_rule"),
    ([{"start": "09:00", "end": "13:00", "due": {"days_after": 0, "at": "18:00"}},
      {"start": "12:00", "end": "09:00", "due": {"days_after": 1, "at": "12:00"}}], "report_rule"),
    ([{"start": "09:00", "end": "13:00", "due": {"days_after": 0, "at": "12:00"}},
      {"start": "13:00", "end": "09:00", "due": {"days_after": 1, "at": "12:00"}}], "report_rule"),
    ([{"start": "9:00", "end": "09:00", "due": {"days_after": 1, "at": "09:00"}}],
     "report_rule[0].start"),
    ([{"start": "09:00", "end": "24:00", "due": {"days_after": 1, "at": "09:00"}}],
     "report_rule[0].end"),
    ([{"start": "09:00", "end": "09:00", "due": {"days_after": "1", "at": "09:00"}}],
     "report_rule[0].due.days_after"),
    ([{"start": "09:00", "end": "09:00"}], "report_rule[0]"),
    ({"start": "09:00"}, "report_rule"),
])
def test_bad_rules_name_the_field(windows: object, field: str) -> None:
    with pytest.raises(RuleDataError) as info:
        ReportRule.from_data(windows)
    assert info.value.field == field


def test_statement_due_and_follow_ups() -> None:
    occurred = sh(2026, 3, 10, 14, 0)
    assert statement_due(occurred) == sh(2026, 3, 11, 14, 0)
    now = sh(2026, 3, 10, 20, 0)
    assert next_statement_reminder(occurred, [], now) == sh(2026, 3, 11, 14, 0)
    first = sh(2026, 3, 10, 19, 30)
    assert next_statement_reminder(occurred, [first], now) == sh(2026, 3, 11, 19, 30)
    later = sh(2026, 3, 11, 18, 0)
    follow_up = next_statement_reminder(occurred, [later, first], sh(2026, 3, 11, 18, 5))
    assert follow_up == sh(2026, 3, 12, 18)
    # a release stamped after "now" (a PC whose clock runs ahead) does not count yet
    assert next_statement_reminder(occurred, [later], now) == sh(2026, 3, 11, 14, 0)
    rule = StatementRule.from_data({"first_within_hours": 5, "follow_up_every_hours": 12})
    assert statement_due(occurred, rule) == sh(2026, 3, 10, 19, 0)
    assert next_statement_reminder(occurred, [first], now, rule) == sh(2026, 3, 11, 7, 30)


@pytest.mark.parametrize("data", [{"first_within_hours": 0, "follow_up_every_hours": 24},
                                  {"first_within_hours": True, "follow_up_every_hours": 24},
                                  {"first_within_hours": 24}, []])
def test_bad_statement_rule(data: object) -> None:
    with pytest.raises(RuleDataError):
        StatementRule.from_data(data)


def test_clock_moves_ok_warning_breach_done() -> None:
    due, warn = sh(2026, 3, 10, 18, 0), timedelta(hours=1)
    assert clock_state(due, sh(2026, 3, 10, 16, 59), warn) == "ok"
    assert clock_state(due, sh(2026, 3, 10, 17, 0), warn) is ClockState.WARNING
    assert clock_state(due, sh(2026, 3, 10, 17, 59, 59), warn) is ClockState.WARNING
    assert clock_state(due, sh(2026, 3, 10, 18, 0), warn) is ClockState.BREACH
    assert clock_state(due, sh(2026, 3, 11, 9, 0), warn) is ClockState.BREACH
    done = sh(2026, 3, 10, 17, 30)
    assert clock_state(due, sh(2026, 3, 10, 17, 29), warn, done) is ClockState.WARNING
    assert clock_state(due, sh(2026, 3, 10, 17, 30), warn, done) is ClockState.DONE
    assert clock_state(due, sh(2026, 3, 12), warn, sh(2026, 3, 11)) is ClockState.DONE
    with pytest.raises(ValueError):
        clock_state(due, due, -warn)


def _media_facts(**extra: object) -> ClockFacts:
    base: dict[str, object] = dict(
        occurred_at=sh(2026, 3, 10, 14, 0), site_tz="Asia/Shanghai", needs_statement=True,
        checklist_due_minutes={"scripted_reply": 5, "notify_leaders": 10})
    base.update(extra)
    return ClockFacts(**base)  # type: ignore[arg-type]


def test_incident_clocks_sorted_and_moving() -> None:
    clocks = incident_clocks(_media_facts(), sh(2026, 3, 10, 14, 1))
    assert [(c.code, c.subject) for c in clocks] == [
        ("checklist", "scripted_reply"), ("checklist", "notify_leaders"),
        ("report", ""), ("statement", "")]
    assert clocks[2].due_at == sh(2026, 3, 11, 9, 0)
    assert clocks[3].due_at == sh(2026, 3, 11, 14, 0)
    assert [c.state for c in clocks] == ["warning", "ok", "ok", "ok"]
    later = incident_clocks(_media_facts(), sh(2026, 3, 10, 14, 7))
    assert [c.state for c in later] == ["breach", "warning", "ok", "ok"]
    morning = incident_clocks(_media_facts(), sh(2026, 3, 11, 8, 30))
    assert [c.state for c in morning] == ["breach", "breach", "warning", "ok"]
    assert morning[2].remaining(sh(2026, 3, 11, 8, 30)) == timedelta(minutes=30)


def test_incident_clocks_done_and_follow_up() -> None:
    released = sh(2026, 3, 10, 22, 0)
    facts = _media_facts(statements_released_at=[released],
                         report_submitted_at=sh(2026, 3, 11, 9, 30),
                         checklist_settled_at={"scripted_reply": sh(2026, 3, 10, 14, 3)})
    clocks = {(c.code, c.subject): c for c in incident_clocks(facts, sh(2026, 3, 11, 10, 0))}
    assert clocks[("checklist", "scripted_reply")].state is ClockState.DONE
    assert not clocks[("checklist", "scripted_reply")].met_late
    assert clocks[("report", "")].state is ClockState.DONE and clocks[("report", "")].met_late
    assert clocks[("statement", "")].state is ClockState.DONE
    assert clocks[("statement_follow_up", "")].due_at == sh(2026, 3, 11, 22, 0)
    assert clocks[("statement_follow_up", "")].state is ClockState.OK
    resolved = incident_clocks(_media_facts(statements_released_at=[released], active=False),
                               sh(2026, 3, 11, 10, 0))
    assert "statement_follow_up" not in {c.code for c in resolved}


def test_no_statement_clock_for_other_kinds_and_custom_warnings() -> None:
    facts = ClockFacts(occurred_at=sh(2026, 3, 10, 10, 0))
    rules = DeadlineRules(warn_before=parse_warn_before({"report": 240}))
    clocks = incident_clocks(facts, sh(2026, 3, 10, 14, 30), rules)
    assert [(c.code, c.state) for c in clocks] == [("report", "warning")]
    assert incident_clocks(facts, sh(2026, 3, 10, 14, 30))[0].state == "ok"
    with pytest.raises(RuleDataError) as info:
        parse_warn_before({"reprot": 10})
    assert info.value.field == "warn_before_minutes.reprot"
