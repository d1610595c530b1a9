"""Duty board: live countdowns from stored instants, bell once, keys to detail and new incident."""
from __future__ import annotations

from datetime import timedelta

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.screens.incidents.board import BoardRow, DutyBoardScreen
from frontdesk.services.incidents.service import IncidentService
from tests.ui.helpers import settle


def svc(ctx: AppContext) -> IncidentService:
    """The context's incident service."""
    return ctx.service("incidents", IncidentService)


def cls_of(row: BoardRow, name: str) -> set[str]:
    """The state classes of one cell."""
    return {c for c in row.cells[name].classes if c.startswith("-")}


async def test_two_hour_jump_shows_states_at_once(ctx: AppContext, clock: FrozenClock) -> None:
    """Opened at 10:00 (report due 18:00): after +7h the report cell warns, after +8h overdue;
    the bell rings once per crossing, not every second."""
    inc = svc(ctx).open("suspicious_person", "general", place="3栋", by="王保安")
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    bells: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, DutyBoardScreen)
        assert board.current_incident_id == inc.id
        row = board.query_one(BoardRow)
        assert cls_of(row, "next") == set()
        assert row.cells["next"].shown[0] == "报告 还剩8小时00分"
        first = len(bells)  # anything already late (an unanswered call) rang once on first sight
        assert first <= 1
        clock.advance(timedelta(hours=7, minutes=30))
        await pilot.pause(1.1)
        assert cls_of(row, "next") == {"-warning"} and len(bells) == first + 1
        await pilot.pause(1.1)
        assert len(bells) == first + 1
        clock.advance(timedelta(hours=2))
        await pilot.pause(1.1)
        assert cls_of(row, "next") == {"-overdue"} and "超时" in row.cells["next"].shown[0]
        assert len(bells) == first + 2
        assert row.cells["elapsed"].shown[0] == "9小时30分"


async def test_enter_opens_detail_and_n_opens_new(ctx: AppContext, clock: FrozenClock) -> None:
    """Enter shows the incident; n opens the new-incident dialog, which saves one."""
    inc = svc(ctx).open("fight", "serious", place="南门", summary="两人争吵", by="王保安")
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert getattr(app.screen, "current_incident_id", None) == inc.id
        await pilot.press("escape", "n")
        await settle(pilot)
        assert type(app.screen).__name__ == "NewIncidentScreen"
        app.screen.query_one("#newinc-summary").value = "配电房跳闸"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(svc(ctx).list()) == 2
        assert len(app.screen.query(BoardRow)) == 2


async def test_tick_reads_nothing_from_the_database(ctx: AppContext, clock: FrozenClock) -> None:
    """Seconds pass on the board without a single database read (incidents are cached)."""
    svc(ctx).open("fire", "severe", place="地下车库", by="王保安")
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        reads: list[int] = []
        db = ctx.require_db()
        real = db.read
        db.read = lambda: (reads.append(1), real())[1]  # type: ignore[method-assign]
        clock.advance(timedelta(minutes=3))
        await pilot.pause(2.2)
        db.read = real  # type: ignore[method-assign]
        row = app.screen.query_one(BoardRow)
        assert row.cells["elapsed"].shown[0] == "3m"
        assert reads == []


async def test_board_watches_clocks_before_it_is_ever_shown(ctx: AppContext, clock: FrozenClock) -> None:
    """A guard on the register still gets the bell when an incident clock is breached."""
    from datetime import timedelta as _td

    from frontdesk.services.incidents.service import IncidentService

    svc: IncidentService = ctx.service("incidents", IncidentService)
    svc.open("theft", "general", place="5栋", summary="电动车被盗", by="王保安")
    app = FrontdeskApp(ctx)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause(0.7)
        await settle(pilot)
        assert type(app.screen).__name__ == "RegisterScreen"
        rung = len(bells)
        clock.advance(_td(hours=30))  # the written report is now overdue
        await pilot.pause(1.3)
        assert len(bells) > rung
        assert type(app.screen).__name__ == "RegisterScreen"


async def test_reload_keeps_rows_and_the_highlight(ctx: AppContext, clock: FrozenClock) -> None:
    """A write elsewhere reloads the board without rebuilding its rows; an incident opened
    elsewhere is inserted where it sorts and the highlight stays on the incident it was on."""
    from frontdesk.messages import DataChanged

    s = svc(ctx)
    s.open("theft", "general", place="5栋", by="王保安")
    s.open("vip_visit", "general", place="会所", by="王保安")
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, DutyBoardScreen)
        rows = list(board.query(BoardRow))
        board.query_one("#board-list").index = 1  # type: ignore[attr-defined]
        await settle(pilot)
        chosen = board.current_incident_id
        s.add_note(rows[0].incident_id, "另一台电脑记录", "王保安")
        app.post_message(DataChanged("elsewhere"))
        await settle(pilot)
        assert list(board.query(BoardRow)) == rows  # the same widgets, refreshed
        fire = s.open("fire", "severe", clock.now() - timedelta(hours=2), "车库",
                      by="王保安")  # happened two hours ago: its deadlines sort first
        app.post_message(DataChanged("elsewhere"))
        await settle(pilot)
        now = list(board.query(BoardRow))
        assert now[0].incident_id == fire.id and now[1:] == rows
        assert board.current_incident_id == chosen
