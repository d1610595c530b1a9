"""Board countdown texts and the instants at which they change (so the tick can skip rows)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontdesk.widgets.countdown import (
    compact_remaining,
    elapsed_text,
    fit,
    next_countdown_change,
    next_elapsed_change,
)

DUE = datetime(2026, 11, 22, 10, 0, 30, tzinfo=UTC)


def test_compact_remaining_rounds_like_the_domain() -> None:
    """Up while time remains (never 0:00 before the deadline), down once overdue."""
    assert compact_remaining(DUE, DUE - timedelta(seconds=1), "zh") == "还剩 0:01"
    assert compact_remaining(DUE, DUE, "zh") == "超时 0:00"
    assert compact_remaining(DUE, DUE + timedelta(hours=26, minutes=5), "en") == "1d2:05 late"
    assert compact_remaining(DUE, DUE - timedelta(hours=7, minutes=59, seconds=1), "en") \
        == "8:00 left"


def test_next_changes_fall_on_whole_minutes_from_the_instant() -> None:
    """The countdown next changes when a whole minute to the due instant has passed."""
    now = DUE - timedelta(minutes=5, seconds=10)
    nxt = next_countdown_change(DUE, now)
    assert nxt == DUE - timedelta(minutes=5)
    assert compact_remaining(DUE, nxt - timedelta(seconds=1), "en") != compact_remaining(
        DUE, nxt, "en")
    late = DUE + timedelta(seconds=70)
    assert next_countdown_change(DUE, late) == DUE + timedelta(minutes=2)
    assert next_elapsed_change(DUE, DUE + timedelta(seconds=59)) == DUE + timedelta(minutes=1)
    assert elapsed_text(DUE, DUE + timedelta(hours=25, minutes=3)) == "1d1:03"


def test_fit_counts_chinese_as_two_columns() -> None:
    """A kind name is cut to the column's width in terminal cells, with an ellipsis."""
    assert fit("媒体到访/媒体采访", 11) == "媒体到访/…"
    assert fit("Fire", 11) == "Fire"
