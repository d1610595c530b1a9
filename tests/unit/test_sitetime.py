"""Site time: days, ranges, typed and ISO times and relative times, read at the site's wall
clock whatever the PC's zone (forced to UTC and New York here); arbitrary zones work too."""
from __future__ import annotations

import os
import time as systime
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from frontdesk.domain import sitetime
from frontdesk.domain.sitetime import (
    ago,
    clock_time,
    day_bounds,
    days_bounds,
    full_time,
    iso_local,
    parse_iso,
    parse_typed,
    stamp,
    wall_clock,
)

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TZ = "Asia/Shanghai"
SH = ZoneInfo(TZ)


@pytest.fixture(autouse=True, params=["UTC", "America/New_York"])
def pc_zone(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test runs with the PC's clock zone set to UTC, then to New York."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    systime.tzset()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        systime.tzset()


def test_one_default_zone() -> None:
    from frontdesk.domain.site import DEFAULT_TZ, Site

    assert sitetime.DEFAULT_TZ == DEFAULT_TZ == Site("s", "x").timezone == "Asia/Shanghai"


def test_what_a_guard_types() -> None:
    assert parse_typed("14:05", NOW, TZ) == datetime(2026, 11, 22, 6, 5, tzinfo=UTC)
    assert parse_typed("14：05", NOW, TZ) == datetime(2026, 11, 22, 6, 5, tzinfo=UTC)
    assert parse_typed("今天 08:00", NOW, TZ) == datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
    assert parse_typed("昨天 18:30", NOW, TZ) == datetime(2026, 11, 21, 10, 30, tzinfo=UTC)
    assert parse_typed("Yesterday 18:30", NOW, TZ) == datetime(2026, 11, 21, 10, 30, tzinfo=UTC)
    assert parse_typed("前天 08:00", NOW, TZ) == datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    assert parse_typed("2026-11-01 09:15", NOW, TZ) == datetime(2026, 11, 1, 1, 15, tzinfo=UTC)


def test_yesterday_across_the_year_and_a_leap_day() -> None:
    new_year = datetime(2027, 1, 1, 1, 0, tzinfo=SH)
    assert parse_typed("昨天 23:00", new_year, TZ) == datetime(2026, 12, 31, 23, 0, tzinfo=SH)
    march = datetime(2028, 3, 1, 9, 0, tzinfo=SH)
    assert parse_typed("yesterday 12:00", march, TZ) == datetime(2028, 2, 29, 12, 0, tzinfo=SH)


def test_nonsense_typed_time_is_none() -> None:
    for text in ("25:00", "soon", "2026-02-30 10:00", "", "昨天"):
        assert parse_typed(text, NOW, TZ) is None, text


def test_iso_input_without_offset_is_site_time_with_offset_kept() -> None:
    assert parse_iso("2026-11-22T14:05", TZ) == datetime(2026, 11, 22, 6, 5, tzinfo=UTC)
    assert parse_iso("2026-11-22 14:05:30", TZ) == datetime(2026, 11, 22, 6, 5, 30, tzinfo=UTC)
    assert parse_iso("2026-11-22T14:05+01:00", TZ) == datetime(2026, 11, 22, 13, 5, tzinfo=UTC)
    assert parse_iso("2026-11-22T14:05Z", TZ) == datetime(2026, 11, 22, 14, 5, tzinfo=UTC)
    for bad in ("2026-13-01T10:00", "yesterday", "22/11/2026"):
        with pytest.raises(ValueError, match="not an ISO time"):
            parse_iso(bad, TZ)


def test_day_bounds_are_the_site_day_half_open() -> None:
    start, end = day_bounds(NOW, TZ)
    assert (start, end) == (datetime(2026, 11, 21, 16, tzinfo=UTC),
                            datetime(2026, 11, 22, 16, tzinfo=UTC))
    # 23:30 UTC is already the next day in Shanghai
    assert day_bounds(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), TZ)[0] == end
    assert day_bounds(NOW, TZ, days_back=1) == (start - timedelta(days=1), start)


def test_ranges_over_year_end_and_leap_day() -> None:
    assert days_bounds(date(2026, 12, 31), date(2027, 1, 1), TZ) == (
        datetime(2026, 12, 31, tzinfo=SH), datetime(2027, 1, 2, tzinfo=SH))
    assert days_bounds(date(2028, 2, 29), date(2028, 2, 29), TZ) == (
        datetime(2028, 2, 29, tzinfo=SH), datetime(2028, 3, 1, tzinfo=SH))


def test_days_in_zones_with_daylight_saving_are_23_and_25_hours() -> None:
    spring = day_bounds(datetime(2026, 3, 29, 12, tzinfo=UTC), "Europe/Berlin")
    assert spring[1] - spring[0] == timedelta(hours=23)
    autumn = day_bounds(datetime(2026, 11, 1, 12, tzinfo=UTC), "America/New_York")
    assert autumn[1] - autumn[0] == timedelta(hours=25)
    assert wall_clock(date(2026, 11, 1), time(12), "America/New_York") == datetime(
        2026, 11, 1, 17, tzinfo=UTC)
    # Santiago skips midnight itself (00:00 -> 01:00): that day starts at 01:00, and the day
    # before ends exactly there (no gap, no overlap between consecutive days)
    before = day_bounds(datetime(2026, 9, 5, 16, tzinfo=UTC), "America/Santiago")
    skipped = day_bounds(datetime(2026, 9, 6, 16, tzinfo=UTC), "America/Santiago")
    assert before[1] == skipped[0] == datetime(2026, 9, 6, 4, tzinfo=UTC)
    assert skipped[1] - skipped[0] == timedelta(hours=23)


def test_times_people_read() -> None:
    assert clock_time(NOW, TZ, NOW) == "10:00"
    assert clock_time(NOW - timedelta(days=1), TZ, NOW) == "11-21 10:00"
    assert clock_time(NOW, TZ) == "11-22 10:00"
    assert full_time(NOW, TZ) == "2026-11-22 10:00"
    assert iso_local(NOW, TZ) == "2026-11-22T10:00:00+08:00"
    assert iso_local(NOW + timedelta(microseconds=5), TZ, "seconds") == "2026-11-22T10:00:00+08:00"


def test_relative_times_in_both_languages() -> None:
    assert ago(NOW - timedelta(minutes=12), NOW, "zh") == "12分钟前"
    assert ago(NOW - timedelta(minutes=12), NOW, "en") == "12 minutes ago"
    assert ago(NOW - timedelta(seconds=3), NOW, "zh") == "刚才"
    assert ago(NOW - timedelta(seconds=3), NOW, "en") == "just now"
    assert ago(NOW - timedelta(hours=3), NOW, "zh") == "3小时前"


def test_recent_events_carry_their_age_older_ones_do_not() -> None:
    twelve = NOW - timedelta(minutes=12)
    assert stamp(twelve, NOW, TZ, "zh") == "09:48（12分钟前）"
    assert stamp(twelve, NOW, TZ, "en") == "09:48 (12 minutes ago)"
    assert stamp(NOW - timedelta(hours=2), NOW, TZ, "en") == "08:00"
    assert stamp(NOW - timedelta(days=1), NOW, TZ, "zh") == "11-21 10:00"
    assert stamp(NOW + timedelta(minutes=5), NOW, TZ, "zh") == "10:05"  # the future: no age


def test_zone_names_are_checked() -> None:
    assert sitetime.is_zone("Europe/Berlin")
    assert not sitetime.is_zone("Mars/Olympus")
    assert not sitetime.is_zone("")
    for bad in ("Asia", "/etc/passwd", "Asia/../../etc/passwd", "x" * 300, "UTC\x00"):
        assert not sitetime.is_zone(bad), bad
    with pytest.raises(ValueError, match="Mars/Olympus"):
        day_bounds(NOW, "Mars/Olympus")
