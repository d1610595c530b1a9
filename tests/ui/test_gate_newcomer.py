"""A newcomer gets through alone: the first start and the sign-in; the app teaches (F1 words,
the palette in both languages, Textual's own words in Chinese); script cards filled from what
is known; toasts never over the field being typed in."""
from __future__ import annotations

import random

from textual.command import CommandPalette
from textual.widgets import DataTable, Input, OptionList, Static

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.screens.help import HelpScreen
from frontdesk.screens.register.register import RegisterScreen
from frontdesk.screens.scripts.view import show_situation
from frontdesk.screens.trust.setup_supervisor import SetupSupervisorScreen
from frontdesk.screens.trust.sign_in_form import SignInScreen
from frontdesk.services.scripts import scripts
from tests.conftest import TERMINAL
from tests.ui.burst_helpers import burst
from tests.ui.helpers import seed, settle
from tests.ui.scripts_helpers import card_text, write_site
from tests.ui.test_trust_ui import with_supervisor


def text_of(app: FrontdeskApp, selector: str) -> str:
    """What a Static shows."""
    return str(app.screen.query_one(selector, Static).render())


# -- point 5: first start and sign-in ---------------------------------------------------------
async def test_first_start_speaks_the_site_s_language_and_f9_switches(
        closed_ctx: AppContext) -> None:
    """On a PC whose locale is English and where nobody chose a language, the first start of a
    site in Shanghai speaks Chinese; F9 switches the dialog to English."""
    closed_ctx.auth_required = True
    assert closed_ctx.prefs.language == "en" and closed_ctx.prefs.language_from_system
    app = FrontdeskApp(closed_ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupSupervisorScreen)
        assert "首次使用" in text_of(app, "#setup-title")
        assert "123456" in text_of(app, "#setup-rule")  # the rule before anybody breaks it
        await pilot.press("f9")
        await settle(pilot)
        assert "First start" in text_of(app, "#setup-title")
        assert "not a sequence like 123456" in text_of(app, "#setup-rule")


async def test_first_start_errors_put_the_cursor_in_the_field_at_fault(
        closed_ctx: AppContext) -> None:
    """A sequence PIN is refused as the PIN field is left (cursor stays there); PINs that
    differ put it in "PIN again"; an unknown time zone in the time zone."""
    closed_ctx.auth_required = True
    app = FrontdeskApp(closed_ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        screen = app.screen
        await burst(pilot, *"陈主管", "enter", *"123456", "enter")
        await settle(pilot)
        assert "123456" in text_of(app, "#setup-error")
        assert app.focused is screen.query_one("#setup-pin", Input)
        await burst(pilot, *"582913", "enter", *"582914", "enter", *"Sunny", "enter", "enter")
        await settle(pilot)
        assert app.focused is screen.query_one("#setup-pin2", Input)
        screen.query_one("#setup-pin2", Input).value = "582913"
        screen.query_one("#setup-tz", Input).value = "Mars/Olympus"
        await burst(pilot, "tab", "tab", "enter")
        await settle(pilot)
        assert app.focused is screen.query_one("#setup-tz", Input)
        assert isinstance(app.screen, SetupSupervisorScreen)


async def test_sign_in_by_picking_a_name_with_the_arrows(ctx: AppContext) -> None:
    """The people who may sign in are listed: ↓ ↓ Enter picks the second, no name typed."""
    with_supervisor(ctx)  # 陈主管 and 王保安
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        listed = app.screen.query_one("#signin-people", OptionList)
        assert listed.option_count == 2 and "↑↓" in text_of(app, "#signin-hint")
        second = listed.get_option_at_index(1).id
        await burst(pilot, "down", "down", "enter")
        await settle(pilot)
        assert app.screen.query_one("#signin-name", Input).value == second
        assert app.focused is app.screen.query_one("#signin-pin", Input)
        await burst(pilot, *("739184" if second == "王保安" else "582913"), "enter")
        await settle(pilot)
        assert ctx.session.user == second


async def test_an_unknown_name_puts_the_cursor_back_in_the_name(ctx: AppContext) -> None:
    """A name nobody has: said so, cursor in the name (not the PIN)."""
    with_supervisor(ctx)
    ctx.prefs.language = "en"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await burst(pilot, *"Nobody", "enter", *"739184", "enter")
        await settle(pilot)
        assert "No such name" in text_of(app, "#signin-error")
        assert app.focused is app.screen.query_one("#signin-name", Input)


async def test_start_up_warnings_come_in_words_after_sign_in(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Escalation chains nobody can be called for (03:00: offices closed): nothing over the
    sign-in; after it, one notice in words (who cannot be called), no kind/level/step ids."""
    from datetime import UTC, datetime

    from frontdesk.services.escalation.contacts_demo import add_demo_contacts

    clock.set(datetime(2026, 11, 22, 19, 0, tzinfo=UTC))  # 03:00 at the site
    add_demo_contacts(ctx, random.Random(7))  # as `frontdesk demo` does, before anyone signs in
    with_supervisor(ctx)
    ctx.close()
    ctx.open()  # the start-up check runs as the store opens
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert [n for n in app._notifications if n.severity == "warning"] == []
        await burst(pilot, *"王保安", "enter", *"739184", "enter")
        await settle(pilot)
        [notice] = [n.message for n in app._notifications if n.severity == "warning"]
        assert "上报电话" in notice and "F6" in notice
        for internal in ("/", "step", "responder", "reporting", "default", "第"):
            assert internal not in notice, internal


# -- point 8: a newcomer learns from the app ---------------------------------------------------
async def test_f1_says_how_the_register_works_before_its_keys_in_chinese(
        ctx: AppContext) -> None:
    """F1 on the register: words first (digits search, how a script is read, returning
    people); then the keys, Textual's own among them in Chinese."""
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        words = text_of(app, "#help-text")
        for expected in ("电话", "后四位", "Alt+1", "3 秒", "F4"):
            assert expected in words, expected
        table = app.screen.query_one(DataTable)
        actions = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert "下一项" in actions and "复制选中的文字" in actions
        assert not {"Focus Next", "Focus Previous", "Copy selected text"} & set(actions)


async def test_the_palette_finds_actions_by_their_words_in_either_language(
        ctx: AppContext, clock: FrozenClock) -> None:
    """In the Chinese UI "export" and "print" find 导出 and 打印; in the English UI 签离 finds
    Sign out; from the duty board too; nonsense says what to try, in the UI's language."""
    seed(ctx, clock)

    async def titles(app: FrontdeskApp, pilot: object, query: str) -> list[str]:
        await pilot.press("ctrl+p")  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press(*query)  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]
        await pilot.pause(0.3)  # type: ignore[attr-defined]
        options = palette.query_one(OptionList)
        found = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        await pilot.press("escape")  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]
        return found

    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert any("导出" in f for f in await titles(app, pilot, "export"))
        assert any("打印访客单" in f for f in await titles(app, pilot, "print"))
        await pilot.press("f3")
        await settle(pilot)
        assert any("签离" in f for f in await titles(app, pilot, "sign out"))
        assert any("没有找到" in f for f in await titles(app, pilot, "qqqzzz"))
    ctx.prefs.language = "en"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert any("Sign out" in f for f in await titles(app, pilot, "签离"))
        assert any("Export" in f for f in await titles(app, pilot, "导出"))


async def test_sign_out_from_the_palette_on_another_screen_lists_who_is_on_site(
        ctx: AppContext, clock: FrozenClock) -> None:
    """签离 chosen on the duty board takes the guard to the register's on-site list."""
    seed(ctx, clock)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        [run] = [e.run for e in __import__("frontdesk.palette", fromlist=["entries"]).entries(
            app, app.screen) if e.id == "palette.sign_out"]
        run()
        await settle(pilot)
        register = app.screen
        assert isinstance(register, RegisterScreen) and register.on_site_only
        assert all(v.on_site for v in register.visits)


# -- point 7: cards filled from what is known ---------------------------------------------------
async def test_cards_are_filled_from_the_site_and_the_guard_and_ask_the_rest(
        ctx: AppContext) -> None:
    """The site's name and the guard on duty are filled in; a value nobody set shows what
    belongs there (never a variable name), and V asks for it on the card."""
    from frontdesk.storage import site as site_store

    with ctx.require_db().write() as conn:
        site_store.save_site(conn, ctx.require_site().__class__(
            **{**ctx.require_site().__dict__, "name": "阳光花园"}))
    ctx.reload_site()
    ctx.session.user = "王保安"
    ctx.prefs.language = "zh"
    write_site(ctx, {"variables": {"site_name": None}})
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        show_situation(app, scripts(ctx).book.by_id("report_to_superior"))
        await settle(pilot)
        text = card_text(app)
        assert "阳光花园" in text and "王保安" in text
        assert "?〕" not in text and "{" not in text
        assert "［" in text and "按 V 填写" in text
        missing = app.screen.card.missing()
        await pilot.press("v")
        await settle(pilot)
        await burst(pilot, *("5栋" if missing[0] == "place" else "X"),
                    *["enter"] * len(missing))
        await settle(pilot)
        assert missing[0] not in app.screen.card.missing()


async def test_toasts_move_away_from_the_field_being_typed_in(ctx: AppContext) -> None:
    """Typing in a field in the lower half of the form: toasts show at the top."""
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert not form.has_class("-toasts-top")
        form.query_one("#f-notes", Input).focus()
        await settle(pilot)
        assert form.has_class("-toasts-top")


async def test_textual_s_own_footer_words_are_in_chinese(ctx: AppContext) -> None:
    """The kind's list opened on the entry form: its footer key says 收起列表, not "Dismiss
    menu"; the palette's prompt is Chinese too."""
    from textual.widgets._footer import FooterKey

    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        shown = {k.description for k in app.screen.query(FooterKey)}
        assert "收起列表" in shown and "Dismiss menu" not in shown
        await pilot.press("escape", "escape", "ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        assert "签离" in app.screen.query_one(Input).placeholder


async def test_a_card_read_for_an_incident_is_filled_from_it(ctx: AppContext) -> None:
    """On an incident's screen the card takes the incident's place and account."""
    from frontdesk.services.incidents.service import IncidentService
    from tests.ui.test_scripts_ui import _IncidentScreen

    svc: IncidentService = ctx.service("incidents", IncidentService)
    incident = svc.open("flooding", "general", place="5栋地下车库", summary="水管爆裂积水",
                        by="王保安")
    ctx.prefs.language = "zh"

    class OnIt(_IncidentScreen):
        current_incident_id = incident.id

    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await app.push_screen(OnIt())
        await settle(pilot)
        show_situation(app, scripts(ctx).book.by_id("report_to_superior"))
        await settle(pilot)
        text = card_text(app)
        assert "5栋地下车库" in text and "水管爆裂积水" in text


async def test_a_broken_scripts_file_is_said_after_sign_in_not_over_it(ctx: AppContext) -> None:
    """The site's scripts file has a mistake: nothing covers the sign-in; once signed in, the
    mistake is named."""
    write_site(ctx, {"situations": [
        {"id": "media_at_gate", "lines": [{"zh": "请拨{nowhere}", "en": "Call {nowhere}"}]}]})
    with_supervisor(ctx)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert [n for n in app._notifications if "site_scripts.json" in n.message] == []
        await burst(pilot, *"王保安", "enter", *"739184", "enter")
        await settle(pilot)
        assert [n for n in app._notifications if "site_scripts.json" in n.message]
