"""Pilot tests: what a guard does at the gate, key by key."""
from __future__ import annotations

import json

import pytest

from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets._footer import FooterKey

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.register.visits import VisitKind
from frontdesk.screens.help import HelpScreen
from frontdesk.screens.register.register import RegisterScreen
from frontdesk.screens.register.visit_form import VisitFormScreen
from frontdesk.screens.start import StartScreen
from frontdesk.i18n import t
from tests.conftest import TERMINAL
from tests.ui.helpers import seed, settle


async def test_first_start_creates_everything(closed_ctx: AppContext) -> None:
    app = FrontdeskApp(closed_ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert closed_ctx.paths.db_file.exists()
        assert app.screen.query_one("#reg-table", DataTable).row_count == 0


async def test_log_a_journalist_by_keyboard(ctx: AppContext) -> None:
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, VisitFormScreen)
        # Kind: ↑ changes it in place (journalist is just above visitor); Enter moves on.
        await pilot.press("up", "enter")
        await pilot.press(*"Zhang San", "enter")
        await pilot.press(*"Xinhua", "enter")
        await pilot.press(*"13800138000", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        table = app.screen.query_one("#reg-table", DataTable)
        assert table.row_count == 1
    [visit] = ctx.register.today()
    assert visit.kind is VisitKind.JOURNALIST
    assert (visit.name, visit.organisation, visit.phone) == ("Zhang San", "Xinhua", "+8613800138000")


async def test_validation_error_keeps_what_was_typed(ctx: AppContext) -> None:
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("up", "enter")  # journalist, name left empty
        await pilot.press("tab", *"Southern Daily", "tab", *"12345")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, VisitFormScreen)
        assert screen.query_one("#f-organisation", Input).value == "Southern Daily"
        assert screen.query_one("#f-phone", Input).value == "12345"
        name_msg = screen.query_one("#msg-name", Static)
        phone_msg = screen.query_one("#msg-phone", Static)
        assert name_msg.display and "-error" in name_msg.classes
        assert phone_msg.display and "-error" in phone_msg.classes
        assert app.focused is screen.query_one("#f-name", Input)
    assert ctx.register.today() == []


async def test_returning_person_fills_known_details(ctx: AppContext, clock: FrozenClock) -> None:
    seed(ctx, clock)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("tab", *"zhangs")
        await settle(pilot)
        screen = app.screen
        options = screen.query_one("#suggestions", OptionList)
        assert options.display and options.option_count == 1
        await pilot.press("f4")
        await settle(pilot)
        assert screen.query_one("#f-organisation", Input).value == "南方日报"
        assert screen.query_one("#f-phone", Input).value == "138 0013 8000"
        assert screen.query_one("#f-name", Input).value == "张三"


async def test_sign_out_in_one_key(ctx: AppContext, clock: FrozenClock) -> None:
    seed(ctx, clock)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        first = screen.selected()
        assert first is not None and first.name == "张三" and first.on_site
        await pilot.press("ctrl+o")
        await settle(pilot)
    visit = ctx.register.get(first.id)
    assert visit is not None and visit.time_out == clock.now()


async def test_search_by_pinyin_initials_from_the_list(ctx: AppContext, clock: FrozenClock) -> None:
    seed(ctx, clock)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("z", "s")  # typing on the list starts a search
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#reg-search", Input).value == "zs"
        assert [v.name for v in screen.visits] == ["张三"]
        await pilot.press("escape")
        await settle(pilot)
        assert len(screen.visits) == 4


async def test_on_site_filter(ctx: AppContext, clock: FrozenClock) -> None:
    seed(ctx, clock)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert {v.name or v.plate for v in app.screen.visits} == {"李四", "张三", "粤B12345"}


async def test_edit_shows_history(ctx: AppContext, clock: FrozenClock) -> None:
    seed(ctx, clock)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        form.query_one("#f-notes", Input).value = "要求采访项目经理"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        table = app.screen.query_one("#history-table", DataTable)
        assert table.row_count == 2
        last = [str(c) for c in table.get_row_at(1)]
        assert "备注" in last[2] or "Notes" in last[2]


async def test_language_switch_is_live_and_saved(ctx: AppContext) -> None:
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        start = ctx.prefs.language
        await pilot.press("f9")
        await settle(pilot)
        other = "en" if start == "zh" else "zh"
        assert ctx.prefs.language == other
        saved = json.loads(ctx.paths.prefs_file.read_text(encoding="utf-8"))
        assert saved["language"] == other
        descriptions = {b.binding.description for b in app.screen.active_bindings.values()}
        assert ("New" if other == "en" else "新登记") in descriptions


async def test_f1_lists_every_key(ctx: AppContext) -> None:
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", DataTable)
        listed = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert {"^n", "^o", "^e", "^t", "^r", "f1", "f5", "f9"} <= set(listed)
        assert listed.count("f5") == 1  # the register's F5 and the app's: one key, one line


async def test_palette_offers_every_action(ctx: AppContext) -> None:
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for binding_id in ("register.new", "register.sign_out", "register.edit",
                           "register.toggle_on_site", "register.history", "app.help"):
            assert t(f"bind.{binding_id}") in titles


async def test_newer_database_shows_clear_message(closed_ctx: AppContext) -> None:
    import sqlite3

    closed_ctx.paths.ensure()
    conn = sqlite3.connect(closed_ctx.paths.db_file)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    closed_ctx.prefs.language = "en"
    app = FrontdeskApp(closed_ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        shown = "\n".join(str(s.render()) for s in app.screen.query(Static))
        assert "made by a newer frontdesk" in shown and "Update frontdesk" in shown
        assert not app.screen.query("DataTable")


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_at_80_columns_the_footer_shows_the_gate_keys(ctx: AppContext, lang: str) -> None:
    """At 80x24 the register's footer shows new entry, sign out, the scripts, edit and
    history whole, before the palette key; F2 (the register itself) is not spent on it."""
    ctx.prefs.language = lang
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        keys = list(app.screen.query(FooterKey))
        palette = [k for k in keys if k.has_class("-command-palette")]
        edge = palette[0].region.x if palette else TERMINAL[0]
        shown = {k.key for k in keys if k.region.width and k.region.right <= edge}
        assert {"ctrl+n", "ctrl+o", "f5", "ctrl+e", "ctrl+r"} <= shown
        assert "f2" not in {k.key for k in keys}
        await pilot.press("f3")
        await settle(pilot)
        assert "f3" not in {k.key for k in app.screen.query(FooterKey)}
        assert "f2" in {k.key for k in app.screen.query(FooterKey)}
