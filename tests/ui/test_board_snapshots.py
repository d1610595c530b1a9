"""Snapshots of the duty board at 80x24 in both languages: empty, busy, with overdue items."""
from __future__ import annotations

from datetime import timedelta

import pytest
from textual.pilot import Pilot

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.services.incidents.service import IncidentService
from tests.ui.helpers import settle


def busy(ctx: AppContext, clock: FrozenClock) -> None:
    """Four open incidents at different stages (all times fixed by the frozen clock)."""
    svc: IncidentService = ctx.service("incidents", IncidentService)
    now = clock.now()
    svc.open("media_at_gate", "serious", now - timedelta(minutes=3), "南门岗", "记者要求采访", "王保安")
    svc.open("lift_entrapment", "serious", now - timedelta(minutes=12), "3栋2号电梯", "困人两名",
             "李队长")
    w = svc.open("water_cut", "general", now - timedelta(hours=26), "5栋", "全楼停水", "陈主管")
    svc.set_state(w.id, "acknowledged", "陈主管")
    svc.open("vip_visit", "general", now - timedelta(minutes=30), "会所", "区领导来访", "陈主管")


def shot(lang: str, ctx: AppContext, snap_compare: object) -> bool:
    """The board in ``lang`` after it settled (notifications cleared, so only the board shows)."""
    ctx.prefs.language = lang

    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.pause(0.2)
        pilot.app.clear_notifications()
        await settle(pilot)

    return snap_compare(FrontdeskApp(ctx), terminal_size=(80, 24),  # type: ignore[operator,no-any-return]
                        run_before=run_before)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_board_empty(lang: str, ctx: AppContext, snap_compare: object) -> None:
    """No incidents: the board says so and how to open one."""
    assert shot(lang, ctx, snap_compare)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_board_busy(lang: str, ctx: AppContext, clock: FrozenClock, snap_compare: object) -> None:
    """Several incidents, soonest deadline first, some items already late."""
    busy(ctx, clock)
    assert shot(lang, ctx, snap_compare)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_board_overdue(lang: str, ctx: AppContext, clock: FrozenClock,
                       snap_compare: object) -> None:
    """Nine hours on: report deadlines passed, countdowns read overdue."""
    busy(ctx, clock)
    clock.advance(timedelta(hours=9))
    assert shot(lang, ctx, snap_compare)
