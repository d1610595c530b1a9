"""Times a guard types are read in site time, whatever the PC's zone."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontdesk.domain.timeparse import clock_duration, format_site_time, parse_site_time

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TZ = "Asia/Shanghai"


def test_hour_minute_today_in_site_time() -> None:
    assert parse_site_time("14:05", NOW, TZ) == datetime(2026, 11, 22, 6, 5, tzinfo=UTC)
    assert parse_site_time("14：05", NOW, TZ) == datetime(2026, 11, 22, 6, 5, tzinfo=UTC)


def test_yesterday_and_full_dates() -> None:
    assert parse_site_time("昨天 18:30", NOW, TZ) == datetime(2026, 11, 21, 10, 30, tzinfo=UTC)
    assert parse_site_time("yesterday 18:30", NOW, TZ) == datetime(2026, 11, 21, 10, 30, tzinfo=UTC)
    assert parse_site_time("2026-11-01 09:15", NOW, TZ) == datetime(2026, 11, 1, 1, 15, tzinfo=UTC)


def test_nonsense_is_none() -> None:
    assert parse_site_time("25:00", NOW, TZ) is None
    assert parse_site_time("soon", NOW, TZ) is None


def test_formatting() -> None:
    assert format_site_time(NOW, TZ, NOW) == "10:00"
    assert format_site_time(NOW - timedelta(days=1), TZ, NOW) == "11-21 10:00"
    assert clock_duration(timedelta(hours=2, minutes=5)) == "2:05"
    assert clock_duration(timedelta(hours=26)) == "1d2:00"
