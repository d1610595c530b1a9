"""Readable at 80x24 and 120x40, in the screen's language (issue 18, point 10)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from rich.cells import cell_len
from textual.widgets import Checkbox, DataTable, Static
from textual.widgets._footer import FooterKey

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.screens.incidents.board import COLUMNS, BoardRow, DutyBoardScreen
from frontdesk.screens.incidents.detail import IncidentScreen
from frontdesk.services.escalation.service import EscalationService
from frontdesk.services.incidents.service import IncidentService
from tests.ui.helpers import settle

SIZES = [(80, 24), (120, 40)]


def svc(ctx: AppContext) -> IncidentService:
    """The context's incident service."""
    return ctx.service("incidents", IncidentService)


def busy(ctx: AppContext) -> None:
    """Incidents whose names, states and clocks are long in both languages."""
    s = svc(ctx)
    s.open("media_at_gate", "serious", place="南门岗亭外侧人行道", summary="南方日报记者张三拍摄",
           by="王保安")
    inc = s.open("traffic_accident", "severe", place="地下车库B2出入口坡道", by="王保安")
    s.set_state(inc.id, "acknowledged", "王保安")
    s.open("equipment_failure", "general", place="3栋水泵房", by="王保安")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES)
async def test_board_cells_whole_or_cut_with_ellipsis_and_whole_on_the_detail_line(
        ctx: AppContext, lang: str, size: tuple[int, int]) -> None:
    """Every board cell reads whole or ends with "…"; the detail line under the list shows the
    highlighted incident's kind and next deadline uncut."""
    busy(ctx)
    ctx.prefs.language = lang
    app = FrontdeskApp(ctx)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, DutyBoardScreen)
        rows = list(board.query(BoardRow))
        assert len(rows) == 3
        cut = 0
        for row in rows:
            for name, _width in COLUMNS:
                cell = row.cells[name]
                shown = cell.shown[0]
                line = cell.render_line(0).text.rstrip()
                if not shown:
                    continue
                assert line == shown or line.endswith("…"), (name, shown, line)
                assert cell_len(line) <= cell.size.width
                cut += line != shown
        assert cut, "nothing was long enough to need cutting: the test proves nothing"
        for row in rows:
            board.query_one("#board-list").index = rows.index(row)  # type: ignore[attr-defined]
            await settle(pilot)
            detail = " ".join(str(board.query_one("#board-detail", Static).render()).split())
            kind = row.item.kind
            assert kind is not None and kind.name.in_lang(lang) in detail
            assert " ".join(row.full_next.split()) in detail
            assert " ".join(row.cells["escalation"].shown[0].split()) in detail
            assert row.item.incident.number in detail


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES)
async def test_incident_footer_shows_statement_and_close(
        ctx: AppContext, lang: str, size: tuple[int, int]) -> None:
    """The footer's essential keys (statement, close) are on screen, clear of the palette key."""
    inc = svc(ctx).open("public_opinion", "serious", place="业主群", by="王保安")
    ctx.prefs.language = lang
    app = FrontdeskApp(ctx)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot)
        keys = {k.action: k for k in app.screen.query(FooterKey)}
        palette = keys["command_palette"].region.x
        for action in ("statement", "close_incident"):
            region = keys[action].region
            assert region.right <= palette and region.right <= size[0], (action, region)


async def test_messages_in_the_screens_language(ctx: AppContext) -> None:
    """A refused action says why in Chinese on a Chinese screen (it used to stay English)."""
    inc = svc(ctx).open("theft", "general", place="5栋", by="王保安")
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    notes: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot)
        screen = app.screen
        screen.notify = lambda message, **_kw: notes.append(message)  # type: ignore[method-assign,misc]
        await pilot.press("k")
        await settle(pilot)
        app.screen.query_one("#prompt-flag", Checkbox).value = True  # skip, with no reason
        await pilot.click("#prompt-ok")
        await settle(pilot)
    assert notes == ["跳过事项须写明原因"]


async def test_call_lines_in_the_readers_language(ctx: AppContext, clock: FrozenClock) -> None:
    """A call logged on a Chinese screen reads in English on an English one, and back."""
    inc = svc(ctx).open("flooding", "serious", place="B1", by="王保安")
    esc: EscalationService = ctx.service("escalation", EscalationService)
    esc.log_call(inc.id, "responder", 0, None, "engineering", "no_answer", note="占线两次",
                 by="王保安")
    for lang, words in (("en", ("Called Engineering", "No answer", "占线两次")),
                        ("zh", ("致电 工程部", "无人接听", "占线两次"))):
        ctx.prefs.language = lang
        app = FrontdeskApp(ctx)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.push_screen(IncidentScreen(inc.id))
            await settle(pilot)
            table = app.screen.query_one("#inc-timeline", DataTable)
            texts = [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]
            line = next(x for x in texts if "占线两次" in x)
            assert all(w in line for w in words), line
            assert " / " not in line  # not both languages glued together


async def test_detail_keeps_lateness_on_the_record(ctx: AppContext, clock: FrozenClock) -> None:
    """A report handed in 11 h late still shows on the incident: due, done, how late."""
    from frontdesk.domain.incidents.report import revise

    s = svc(ctx)
    inc = s.open("theft", "general", place="5栋", by="王保安")  # 10:00: report due 18:00
    clock.advance(timedelta(hours=19))  # 05:00 the next day
    s.submit_report(revise(s.report(inc.id, signer="王保安"), conclusion="已报警"), "王保安")
    for lang, words in (("zh", ("逾期记录", "书面报告", "超时 11小时00分")),
                        ("en", ("Lateness", "written report", "overdue 11 h 00 min"))):
        ctx.prefs.language = lang
        app = FrontdeskApp(ctx)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.push_screen(IncidentScreen(inc.id))
            await settle(pilot)
            late = str(app.screen.query_one("#inc-late", Static).render())
            assert all(w in late for w in words), late
