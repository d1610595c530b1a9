"""Board countdown texts and the instants at which they change (so the tick can skip rows)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontdesk.domain.durations import elapsed, elapsed_changes, until, until_changes
from frontdesk.widgets.countdown import fit

DUE = datetime(2026, 11, 22, 10, 0, 30, tzinfo=UTC)


def test_board_countdown_rounds_up_before_and_down_after() -> None:
    """Up while time remains (never 0 before the deadline), down once overdue; units always."""
    assert until(DUE, DUE - timedelta(seconds=1), "zh") == "还剩1分"
    assert until(DUE, DUE, "zh") == "超时0分"
    assert until(DUE, DUE + timedelta(hours=26, minutes=5), "en") == "1d2h late"
    assert until(DUE, DUE - timedelta(hours=7, minutes=59, seconds=1), "en") == "8h00m left"


def test_next_changes_fall_on_whole_minutes_from_the_instant() -> None:
    """The countdown next changes when a whole minute to the due instant has passed."""
    now = DUE - timedelta(minutes=5, seconds=10)
    nxt = until_changes(DUE, now)
    assert nxt == DUE - timedelta(minutes=5)
    assert until(DUE, nxt - timedelta(seconds=1), "en") != until(DUE, nxt, "en")
    late = DUE + timedelta(seconds=70)
    assert until_changes(DUE, late) == DUE + timedelta(minutes=2)
    assert elapsed_changes(DUE, DUE + timedelta(seconds=59)) == DUE + timedelta(minutes=1)
    assert elapsed(DUE, DUE + timedelta(hours=25, minutes=3), "en") == "1d1h"


def test_no_change_is_missed_between_planned_instants() -> None:
    """Stepping second by second over two hours, the text never changes before the instant
    :func:`until_changes` / :func:`elapsed_changes` promised (the board skips until then)."""
    now = DUE - timedelta(hours=1, seconds=17)
    planned_until, planned_elapsed = until_changes(DUE, now), elapsed_changes(DUE, now)
    shown = (until(DUE, now, "zh"), elapsed(DUE, now, "zh"))
    while now < DUE + timedelta(hours=1):
        now += timedelta(seconds=1)
        text = (until(DUE, now, "zh"), elapsed(DUE, now, "zh"))
        if text[0] != shown[0]:
            assert now >= planned_until
        if text[1] != shown[1]:
            assert now >= planned_elapsed
        if now >= planned_until:
            planned_until = until_changes(DUE, now)
        if now >= planned_elapsed:
            planned_elapsed = elapsed_changes(DUE, now)
        shown = text


def test_fit_counts_chinese_as_two_columns() -> None:
    """A kind name is cut to the column's width in terminal cells, with an ellipsis."""
    assert fit("媒体到访/媒体采访", 11) == "媒体到访/…"
    assert fit("Fire", 11) == "Fire"
