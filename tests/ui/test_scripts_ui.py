"""Pilot tests: scripted replies one key away, recorded, copied, edited by a supervisor only."""
from __future__ import annotations

import json

from textual.widgets import DataTable, Input, OptionList, Static

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.visits import CredentialType, VisitKind
from frontdesk.screens.history import HistoryScreen
from frontdesk.screens.register import RegisterScreen
from frontdesk.screens.script_editor import ScriptEditScreen
from frontdesk.screens.script_manager import ScriptManagerScreen
from frontdesk.screens.script_picker import ScriptPickerScreen
from frontdesk.screens.script_view import ScriptViewScreen
from frontdesk.screens.visit_form import VisitFormScreen
from frontdesk.services.scripts import scripts
from frontdesk.widgets.script_card import ScriptCard
from tests.conftest import T0, TERMINAL
from tests.ui.helpers import seed, settle


def make_app(ctx: AppContext, lang: str = "zh") -> FrontdeskApp:
    """The app in ``lang`` (the test machine's locale would pick English)."""
    ctx.prefs.language = lang
    return FrontdeskApp(ctx)


def card_text(app: FrontdeskApp) -> str:
    """Everything the card shows, as plain text."""
    return "\n".join(str(s.render()) for s in app.screen.query_one(ScriptCard).query(Static))


async def test_digit_shows_the_card_within_one_frame(ctx: AppContext) -> None:
    """Key 1 puts the journalist script up after one pause; the reading is recorded after."""
    ctx.session.user = "王保安"
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ScriptViewScreen)
        assert app.screen.query_one(ScriptCard).situation.id == "media_at_gate"
        await settle(pilot)
        uses = scripts(ctx).uses_between(T0.replace(hour=0), T0.replace(hour=23))
        assert [(u.situation_id, u.by, u.lines_shown) for u in uses] == [
            ("media_at_gate", "王保安", (1,))]
        assert "专职人员" in card_text(app)


async def test_reading_is_recorded_against_the_entry_and_shows_in_its_history(
        ctx: AppContext, clock: FrozenClock) -> None:
    """With an entry selected, the reading goes into that entry's history."""
    seed(ctx, clock)
    ctx.session.user = "王保安"
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        register = app.screen
        assert isinstance(register, RegisterScreen)
        visit = register.selected()
        assert visit is not None and visit.kind is VisitKind.JOURNALIST
        await pilot.press("2")
        await settle(pilot)
        assert "张三" in card_text(app)
        await pilot.press("escape")
        await settle(pilot)
        uses = scripts(ctx).uses_for_visit(visit.id)
        assert [u.situation_id for u in uses] == ["journalist_interview"]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        title = ctx.service("scripts", object).book.by_id("journalist_interview").title.zh
        assert ["王保安", f"宣读话术「{title}」"] in [r[1:] for r in rows]


async def test_esc_returns_to_a_half_typed_form_with_every_character(ctx: AppContext) -> None:
    """F5 from the middle of a form, open a script, Esc: the form is exactly as typed."""
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        await pilot.press("tab", *"张三", "enter", *"南方日报12")
        focused = app.focused
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ScriptPickerScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScriptViewScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form and app.focused is focused
        assert form.query_one("#f-name", Input).value == "张三"
        assert form.query_one("#f-organisation", Input).value == "南方日报12"
