"""Hostile text in the register is shown as typed, triggers nothing and crashes nothing."""
from __future__ import annotations

from textual.widgets import DataTable, Static

from frontdesk.app import FrontdeskApp
from frontdesk.context import AppContext
from frontdesk.domain.register.visits import VisitKind
from frontdesk.screens.register.history import HistoryScreen
from frontdesk.services.register import VisitForm
from tests.conftest import TERMINAL
from tests.ui.helpers import settle

CLICK = "[@click=app.quit]x"
OPEN_TAG = "[/"
TITLE = "\x1b]0;pwned\x07"


def add(ctx: AppContext, name: str, notes: str) -> str:
    return ctx.register.add(VisitForm(kind=VisitKind.VISITOR, values={"name": name,
                                                                    "notes": notes})).id


async def test_markup_in_a_name_is_literal_and_inert(ctx: AppContext) -> None:
    add(ctx, CLICK, OPEN_TAG)
    app = FrontdeskApp(ctx)
    quit_calls: list[bool] = []
    app.action_quit = lambda: quit_calls.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#reg-table", DataTable)
        assert str(table.get_row_at(0)[2]) == CLICK
        detail = str(app.screen.query_one("#reg-detail", Static).render())
        assert CLICK in detail and OPEN_TAG in detail
        await pilot.click("#reg-table", offset=(25, 1))
        await pilot.click("#reg-detail", offset=(10, 0))
        await settle(pilot)
        assert quit_calls == []
        assert app.is_running


async def test_terminal_escape_never_reaches_the_terminal(ctx: AppContext) -> None:
    vid = add(ctx, "甲" + TITLE, TITLE + "备注")
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "\x1b" not in app.export_screenshot()
    # The form drops control characters when saving; what was stored is shown sanitised.
    stored = ctx.register.get(vid)
    assert stored is not None and stored.name == "甲]0;pwned" and "\x1b" not in stored.notes


async def test_hostile_text_typed_in_the_form_is_saved_as_typed(ctx: AppContext) -> None:
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("tab", *CLICK, "tab", *OPEN_TAG)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running
    [visit] = ctx.register.today()
    assert visit.name == CLICK and visit.organisation == OPEN_TAG


async def test_pasted_bidi_and_escape_are_dropped_while_typing(ctx: AppContext) -> None:
    from textual.widgets import Input

    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        field = app.screen.query_one("#f-name", Input)
        field.value = "张\u202e三\x1b]0;x\x07"
        await settle(pilot)
        assert field.value == "张三]0;x"
        assert "\x1b" not in app.export_screenshot()
