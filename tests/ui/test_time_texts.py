"""No screen shows a span that reads like a clock time (``21:46:21``, ``1d13:05``, ``(1:00)``):
the board, an incident's detail and its escalation screen, with a frozen clock, both languages.
Spans carry their units; time left never reads 0; recent events carry their age."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from textual.pilot import Pilot

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.screens.incidents.board import BoardRow
from frontdesk.screens.incidents.detail import IncidentScreen
from frontdesk.services.incidents.service import IncidentService
from tests.ui.helpers import settle

# h:mm:ss, a day count glued to h:mm, or a bare (m:ss) in brackets: how spans used to read
CLOCK_SPAN = re.compile(r"\d+:\d\d:\d\d|\dd\d+:\d\d|\d天\d+:\d\d|[(（]-?\d+:\d\d[)）]")
LEFT = {"zh": ("还剩", "超时"), "en": ("left", "late", "overdue")}


def screen_text(app: FrontdeskApp) -> str:
    """What the terminal shows, as text (from the app's own screenshot)."""
    svg = app.export_screenshot()
    return html.unescape(" ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg))).replace(
        "\xa0", " ")


def incidents(ctx: AppContext, clock: FrozenClock) -> str:
    """A lift entrapment 12 minutes old with a note, and a water cut 26 hours old."""
    svc: IncidentService = ctx.service("incidents", IncidentService)
    now = clock.now()
    lift = svc.open("lift_entrapment", "serious", now - timedelta(minutes=12), "3栋2号电梯",
                    "困人两名", "李队长")
    svc.add_note(lift.id, "维保单位回复二十分钟内到场", "李队长")
    svc.open("water_cut", "general", now - timedelta(hours=26), "5栋", "全楼停水", "陈主管")
    return lift.id


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_board_spans_carry_units(lang: str, ctx: AppContext, clock: FrozenClock) -> None:
    incidents(ctx, clock)
    ctx.prefs.language = lang
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        for jump in (timedelta(0), timedelta(hours=21, minutes=46, seconds=21)):
            clock.advance(jump)
            app.screen.tick(announce=False, force=True)  # type: ignore[attr-defined]
            await pilot.pause()
            rows = list(app.screen.query(BoardRow))
            assert len(rows) == 2
            for row in rows:
                elapsed = row.cells["elapsed"].shown[0]
                nxt, call = row.cells["next"].shown[0], row.cells["escalation"].shown[0]
                assert not re.search(r"\d:\d\d", elapsed + nxt + call), (elapsed, nxt, call)
                assert re.fullmatch(r"(\d+(天|小时|分))+" if lang == "zh" else r"(\d+[dhm])+",
                                    elapsed), elapsed
                assert any(w in nxt for w in LEFT[lang]) and any(w in call for w in LEFT[lang])
            assert not CLOCK_SPAN.search(screen_text(app))


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_detail_and_escalation_spans_carry_units(
        lang: str, ctx: AppContext, clock: FrozenClock) -> None:
    lift = incidents(ctx, clock)
    ctx.prefs.language = lang
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(IncidentScreen(lift))
        await settle(pilot)
        text = screen_text(app)
        assert not CLOCK_SPAN.search(text), text
        if lang == "zh":
            assert "09:48（12分钟前）" in text and "(超时 7分)" in text
            assert "报告 18:00 (还剩 8小时00分)" in text and "10:00（刚才）" in text
        else:
            assert "09:48 (12 minutes ago)" in text and "(overdue 7 min)" in text
            assert "report 18:00 (8 h 00 min left)" in text and "10:00 (just now)" in text
        # the screen stays open: ages and time left move on, the cursor stays on its row
        await pilot.press("down")
        clock.advance(timedelta(minutes=20))
        app.screen._refresh_times()  # type: ignore[attr-defined]  # (its 15 s timer's work)
        await pilot.pause()
        text = screen_text(app)
        if lang == "zh":
            assert "09:48（32分钟前）" in text and "10:00（20分钟前）" in text
            assert "(还剩 7小时40分)" in text and "(超时 27分)" in text
        else:
            assert "09:48 (32 minutes ago)" in text and "10:00 (20 minutes ago)" in text
            assert "(7 h 40 min left)" in text and "(overdue 27 min)" in text
        assert app.screen.query_one("#inc-timeline").cursor_row == 1  # type: ignore[attr-defined]
        await pilot.press("e")  # the escalation of this incident
        await settle(pilot)
        for _ in range(2):
            text = screen_text(app)
            assert not CLOCK_SPAN.search(text), text
            assert any(w in text for w in LEFT[lang]), text
            clock.advance(timedelta(hours=21, minutes=46, seconds=21))
            await _tick(pilot)


async def _tick(pilot: Pilot[object]) -> None:
    """Let the panel's one-second refresh run on the moved clock."""
    await pilot.pause(1.1)
    await settle(pilot)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_handover_says_how_long_each_clock_has_left(
        lang: str, ctx: AppContext, clock: FrozenClock) -> None:
    """The handover lists the clocks due next shift with their time left, in words."""
    svc: IncidentService = ctx.service("incidents", IncidentService)
    svc.open("power_cut", "serious", place="配电房", summary="2号楼停电", by="王保安")
    ctx.prefs.language = lang
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        sheet = str(app.screen.query_one("#ho-sheet").render())
        assert ("18:00 2026-0001 停电 · 书面报告 (还剩 8小时00分)" if lang == "zh"
                else "18:00 2026-0001 Power cut · written report (8 h 00 min left)") in sheet, sheet
        assert not CLOCK_SPAN.search(sheet)


def test_pin_lock_message_counts_minutes_up() -> None:
    """Locked for 4 min 1 s more: the message says 5 minutes (never "0" while locked)."""
    from frontdesk.i18n import language, set_language
    from frontdesk.screens.trust.pin_prompt import error_text
    from frontdesk.services.trust.auth import AuthResult
    from tests.conftest import T0

    saved = language()
    try:
        set_language("zh")
        until = T0 + timedelta(minutes=4, seconds=1)
        assert error_text(AuthResult(False, "locked", until), "Asia/Shanghai", T0) == (
            "此姓名尝试次数过多，已锁定至 10:04（还剩 5分）")
        set_language("en")
        assert error_text(AuthResult(False, "locked", T0 + timedelta(seconds=3)),
                          "Asia/Shanghai", T0) == (
            "Too many tries for this name: locked until 10:00 (1 min left)")
    finally:
        set_language(saved)
