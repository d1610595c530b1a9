"""Pilot tests: the script manager lists every situation; only a supervisor edits and saves."""
from __future__ import annotations

import json

from textual.widgets import DataTable, Input, Static, TextArea

from frontdesk.context import AppContext
from frontdesk.screens.scripts.editor import ScriptEditScreen
from frontdesk.screens.scripts.manager import ScriptManagerScreen
from frontdesk.screens.scripts.view import show_situation
from frontdesk.services.scripts import scripts
from frontdesk.widgets.script_card import ScriptCard
from tests.conftest import TERMINAL
from tests.ui.helpers import settle
from tests.ui.scripts_helpers import card_text, make_app, notes


async def test_a_guard_can_read_the_manager_but_not_edit(ctx: AppContext) -> None:
    """F7 lists every situation with key and source; E is refused for a guard."""
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        manager = app.screen
        assert isinstance(manager, ScriptManagerScreen)
        table = manager.query_one(DataTable)
        assert table.row_count == len(scripts(ctx).book.situations)
        assert [str(c) for c in table.get_row_at(0)][::3] == ["1", "随附"]
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is manager
        assert any("主管" in n for n in notes(app))
        assert not ctx.paths.site_scripts_file.exists()


async def test_a_supervisor_previews_then_saves_to_the_site_file(
        ctx: AppContext) -> None:
    """E opens the editor; F7 previews the card; a mistake saves nothing; Ctrl+S writes."""
    ctx.session.role = "supervisor"
    app = make_app(ctx)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("down", "e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, ScriptEditScreen) and editor.situation.key == "2"
        editor.query_one("#se-title_zh", Input).value = "记者要求采访(本项目)"
        zh = editor.query_one("#se-lines_zh", TextArea)
        zh.text = zh.text + "\n请到{meeting_room}稍坐"
        await pilot.press("f7")
        await pilot.pause()
        assert "中英文话术句数不同" in str(editor.query_one(".edit-errors", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not ctx.paths.site_scripts_file.exists()
        en = editor.query_one("#se-lines_en", TextArea)
        en.text = en.text + "\nPlease take a seat in {meeting_room}"
        await pilot.press("f7")
        await pilot.pause()
        preview = editor.query_one(ScriptCard)
        shown = "\n".join(str(s.render()) for s in preview.query(Static))
        # an unset value shows what belongs there, never the variable's name
        assert "记者要求采访(本项目)" in shown and "请到［接待媒体的洽谈室名称/位置］稍坐" in shown
        editor.query_one("#se-key", Input).value = "1"  # already media_at_gate's key
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = str(editor.query_one(".edit-errors", Static).render())
        assert "site_scripts.json" in errors and "situations[0].key" in errors
        assert not ctx.paths.site_scripts_file.exists()
        editor.query_one("#se-key", Input).value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScriptManagerScreen)
        saved = json.loads(ctx.paths.site_scripts_file.read_text(encoding="utf-8"))
        assert saved["situations"][0]["id"] == "journalist_interview"
        sit = scripts(ctx).book.by_key("2")
        assert sit.source == "site" and sit.title.zh == "记者要求采访(本项目)"
        assert [str(c) for c in app.screen.query_one(DataTable).get_row_at(1)][3] == "现场"


async def test_a_supervisor_sets_a_site_variable(
        ctx: AppContext) -> None:
    """V: the meeting room's name, saved, replaces the placeholder on the card."""
    ctx.session.role = "supervisor"
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        app.screen.query_one("#sv-meeting_room", Input).value = "二楼洽谈室"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        situation = scripts(ctx).book.by_id("guide_to_meeting_room")
        show_situation(app, situation)
        await pilot.pause()
        assert "二楼洽谈室" in card_text(app) and "〔meeting_room?〕" not in card_text(app)


async def test_a_guard_cannot_save_from_the_editor_either(ctx: AppContext) -> None:
    """Even with the editor open, Ctrl+S goes through guard_action: refused, nothing written."""
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        book = scripts(ctx).book
        await app.push_screen(ScriptEditScreen(book.by_key("7"), book))
        await settle(pilot)
        app.screen.query_one("#se-title_zh", Input).value = "推销人员"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScriptEditScreen)
        assert any("主管" in n for n in notes(app))
        assert not ctx.paths.site_scripts_file.exists()
