"""The register at the gate: digits search, returning people come back as who they are,
nothing typed is lost on leaving, the everyday (head count, kind filter, visitor slip), and
nothing that matters cut off."""
from __future__ import annotations

from datetime import timedelta

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, OptionList, Select, Static
from textual.widgets._footer import FooterKey

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.register.visits import CredentialType, VisitKind
from frontdesk.screens.confirm import ConfirmScreen
from frontdesk.screens.register.register import RegisterScreen
from frontdesk.screens.register.visit_form import VisitFormScreen
from frontdesk.services.register import VisitForm
from tests.conftest import TERMINAL
from tests.ui.burst_helpers import burst
from tests.ui.helpers import seed, settle


def names(screen: object) -> list[str]:
    """The names the register lists now."""
    return [v.name for v in screen.visits]  # type: ignore[attr-defined]


# -- point 1: digits search --------------------------------------------------------------------
async def test_digits_typed_on_the_register_search_phone_numbers(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Typed straight onto the register: the last four, the middle digits and the first digits
    of 李四's number find 李四; no card opens."""
    seed(ctx, clock)  # 李四 13912345678
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        register = app.screen
        assert isinstance(register, RegisterScreen)
        for digits in ("5678", "2345", "13912", "13912345678"):
            await burst(pilot, "escape", *digits)
            await settle(pilot)
            assert app.screen is register
            assert names(register) == ["李四"], digits


# -- point 3: returning people -----------------------------------------------------------------
async def test_f4_brings_a_journalist_back_as_a_journalist(
        ctx: AppContext, clock: FrozenClock) -> None:
    """A returning journalist filled with F4 is a journalist again (kind and press card),
    though the form opened as a visitor."""
    seed(ctx, clock)
    ctx.register.sign_out(next(v.id for v in ctx.register.today() if v.name == "张三"))
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "tab", *"zhangs")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#f-kind", Select).value == "visitor"
        await pilot.press("f4")
        await settle(pilot)
        assert form.query_one("#f-kind", Select).value == "journalist"
        assert form.query_one("#f-credential_type", Select).value == "press_card"
        assert form.query_one("#f-credential_number", Input).value == "B440100000001"


async def test_picking_a_returning_person_by_keyboard_is_shown_on_the_form(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Two people match: the form says ↑/↓ pick and F4 fills; ↓ moves to the second, F4
    fills that one."""
    seed(ctx, clock)
    ctx.prefs.language = "zh"
    for name in ("张三丰", "张三"):
        ctx.register.sign_out(ctx.register.add(VisitForm(values={"name": name})).id)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "tab", *"张三")
        await settle(pilot)
        form = app.screen
        options = form.query_one("#suggestions", OptionList)
        assert options.option_count >= 2 and options.highlighted == 0
        hint = str(form.query_one("#suggest-title", Static).render())
        assert "↑↓" in hint and "F4" in hint
        second = form.suggested[1]
        await pilot.press("down", "f4")
        await settle(pilot)
        assert form.query_one("#f-name", Input).value == second.name
        assert app.focused is form.query_one("#f-purpose", Input)


async def test_somebody_already_on_site_is_flagged_and_one_key_opens_their_entry(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Typing the phone of somebody on site flags them, with their time in; Ctrl+E opens
    their entry instead of a second one."""
    seed(ctx, clock)  # 李四 came in at 07:00 and is on site
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await burst(pilot, "ctrl+n", "tab", "tab", "tab", *"13912345678")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen) and form.visit is None
        flag = form.query_one("#on-site-match", Static)
        assert flag.display and "李四" in str(flag.render()) and "07:00" in str(flag.render())
        await pilot.press("ctrl+e")
        await settle(pilot)
        edit = app.screen
        assert isinstance(edit, VisitFormScreen) and edit.visit is not None
        assert edit.visit.name == "李四"
    assert len(ctx.register.today()) == 4  # no second entry


# -- point 4: nothing typed is lost on leaving -------------------------------------------------
async def test_ctrl_q_with_a_half_typed_form_asks_first(ctx: AppContext) -> None:
    """Ctrl+Q with a name typed asks; No keeps the form as typed; Yes quits."""
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "enter", *"半个名字", "ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "新登记" in str(app.screen.query_one("#confirm-question", Static).render())
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, VisitFormScreen)
        assert app.screen.query_one("#f-name", Input).value == "半个名字"
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not app.is_running


async def test_ctrl_q_with_nothing_typed_quits_at_once(ctx: AppContext) -> None:
    """Nothing typed anywhere: Ctrl+Q quits without a question."""
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running


async def test_esc_on_an_edited_entry_asks_and_keeps_it_on_no(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Esc on an edit with a change asks; No goes back to the form with the change."""
    seed(ctx, clock)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("down", "ctrl+e", "end", *"X", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # Esc on the question is No
        await settle(pilot)
        assert isinstance(app.screen, VisitFormScreen)
        assert app.screen.query_one("#f-name", Input).value.endswith("X")


# -- point 9: the gate's everyday -------------------------------------------------------------
async def test_the_register_says_how_many_people_are_on_site(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Two people on site (one of them a party of three makes four); one left: "4 on site"."""
    ctx.register.add(VisitForm(values={"name": "甲"}, party_size="3"))
    ctx.register.add(VisitForm(values={"name": "乙"}))
    ctx.register.sign_out(ctx.register.add(VisitForm(values={"name": "丙"})).id)
    ctx.prefs.language = "en"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert "4 on site" in str(app.screen.query_one("#reg-filter", Static).render())


async def test_one_key_cycles_the_kind_shown(ctx: AppContext, clock: FrozenClock) -> None:
    """Ctrl+Y: media only, visitors only, contractors only, suspicious only, then everybody."""
    seed(ctx, clock)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        register = app.screen
        seen = []
        for _ in range(5):
            await pilot.press("ctrl+y")
            await settle(pilot)
            seen.append(sorted(v.kind.value for v in register.visits))
        assert seen == [["journalist"], ["visitor"], ["contractor"], ["suspicious_vehicle"],
                        ["contractor", "journalist", "suspicious_vehicle", "visitor"]]
        assert "只看" not in str(register.query_one("#reg-filter", Static).render())


async def test_a_visitor_slip_for_the_booth_printer(ctx: AppContext, clock: FrozenClock) -> None:
    """Ctrl+B on the chosen entry writes an 80 mm wide PDF with the name, the ID masked,
    the time in, whom to see and the guard."""
    from pypdf import PdfReader

    ctx.register.add(VisitForm(kind=VisitKind.VISITOR, credential_type=CredentialType.RESIDENT_ID,
                               values={"name": "王访客", "credential_number": "11010519491231002X",
                                       "came_to_see": "3栋1201", "guard": "王保安"}))
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
    [slip] = list((ctx.paths.data_dir / "slips").glob("slip-*.pdf"))
    page = PdfReader(str(slip)).pages[0]
    assert round(float(page.mediabox.width) * 25.4 / 72) == 80
    text = page.extract_text().replace("\x00", "")
    for expected in ("王访客", "1101**********002X", "3栋1201", "王保安", "2026-11-22 10:00"):
        assert expected in text, expected
    assert "11010519491231002X" not in text


# -- point 6: nothing cut off that matters ------------------------------------------------------
async def test_wide_screens_give_the_width_to_the_names(
        ctx: AppContext, clock: FrozenClock) -> None:
    """A long name and outlet: at 80 columns the cut cells end in "…" and the detail line shows
    them whole; at 120 columns they are whole in the table."""
    ctx.prefs.language = "zh"
    long_name, long_org = "欧阳娜娜丽莎", "广东广播电视台珠江频道新闻部"
    ctx.register.add(VisitForm(kind=VisitKind.JOURNALIST, values={
        "name": long_name, "organisation": long_org, "phone": "13912345678",
        "guided_to": "一号楼二层洽谈室"}))
    for size in (TERMINAL, (120, 30)):
        app = FrontdeskApp(ctx)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            table = app.screen.query_one("#reg-table", DataTable)
            row = [c.plain if isinstance(c, Text) else str(c) for c in table.get_row_at(0)]
            detail = str(app.screen.query_one("#reg-detail", Static).render())
            assert long_name in detail.replace("\n", "") and long_org in detail.replace("\n", "")
            if size == TERMINAL:
                assert any(c.endswith("…") for c in row)
            else:
                assert long_name in row and long_org in row
            assert any("在场" in c for c in row)  # the status is never the column that goes


FORM_KEYS = {"ctrl+s", "escape", "f4", "f1"}
REGISTER_KEYS = {"ctrl+n", "ctrl+o", "f5", "ctrl+e", "ctrl+r", "f1"}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_essential_keys_fit_the_footer_at_80_columns(
        ctx: AppContext, clock: FrozenClock, lang: str) -> None:
    """Register, entry form and script card: their essential keys are whole in the footer at
    80 columns, before the palette's, in both languages."""
    seed(ctx, clock)
    ctx.prefs.language = lang
    app = FrontdeskApp(ctx)

    def shown() -> set[str]:
        keys = list(app.screen.query(FooterKey))
        palette = [k for k in keys if k.has_class("-command-palette")]
        edge = palette[0].region.x if palette else TERMINAL[0]
        return {k.key for k in keys if k.region.width and k.region.right <= edge}

    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert REGISTER_KEYS <= shown()
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert FORM_KEYS <= shown()
        await pilot.press("escape", "alt+1")
        await settle(pilot)
        assert {"escape", "c", "ctrl+z", "f5", "f1"} <= shown()


# -- point 1: a reading recorded by mistake is struck out -----------------------------------------
async def test_a_reading_is_struck_out_on_the_card_and_shows_struck_in_the_history(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Chosen 张三, a card read, Ctrl+Z on the card: the history lists the reading struck out,
    with who struck it; Ctrl+Z there again changes nothing."""
    from frontdesk.screens.register.history import HistoryScreen
    from frontdesk.screens.scripts.view import READ_AFTER
    from frontdesk.services.scripts import scripts

    seed(ctx, clock)
    ctx.session.user = "王保安"
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press(*"张三", "alt+2")
        await settle(pilot)
        clock.advance(READ_AFTER + timedelta(seconds=1))
        await pilot.pause(0.7)  # the card sees it has been up long enough
        await settle(pilot)
        card = app.screen
        assert card.use_id is not None  # type: ignore[attr-defined]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert card.struck  # type: ignore[attr-defined]
        await pilot.press("escape", "ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one(DataTable)
        rows = [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        [reading] = [r for r in rows if "宣读话术" in r]
        assert "已划去:王保安" in reading
    visit = next(v for v in ctx.register.today() if v.name == "张三")
    assert len(scripts(ctx).uses_for_visit(visit.id)) == 1


async def test_the_script_editor_asks_before_throwing_an_edit_away(
        ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """Esc in the script editor after a change asks; No keeps the edit."""
    from frontdesk.screens.scripts.editor import ScriptEditScreen

    ctx.session.role = "supervisor"
    # the PIN asked again is granted at once here (its own tests are in test_app_wiring)
    app = FrontdeskApp(ctx, step_up=lambda _app, _action, then: then())
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("down", "e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, ScriptEditScreen)
        editor.query_one("#se-title_zh", Input).value = "改过的标题"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is editor
        assert editor.query_one("#se-title_zh", Input).value == "改过的标题"


def test_a_key_means_one_thing_everywhere() -> None:
    """No screen gives an app-wide key another meaning: Ctrl+L locks (on Contacts too), the
    F-keys and Ctrl+P/Ctrl+Q are the app's; a screen repeating one runs the app's action."""
    from frontdesk.app import FrontdeskApp
    from frontdesk.screens.escalation.contacts import ContactsScreen
    from frontdesk.screens.escalation.policy import PolicyScreen
    from frontdesk.screens.register.history import HistoryScreen
    from frontdesk.screens.scripts.picker import ScriptPickerScreen
    from frontdesk.screens.scripts.view import ScriptViewScreen
    from frontdesk.screens.trust.setup_supervisor import SetupSupervisorScreen
    from frontdesk.screens.trust.sign_in_form import SignInScreen

    app_keys = {key: [b.action for b in bs]
                for key, bs in FrontdeskApp._merge_bindings().key_to_bindings.items()}
    for screen in (RegisterScreen, VisitFormScreen, HistoryScreen, ScriptViewScreen,
                   ScriptPickerScreen, SignInScreen, SetupSupervisorScreen, ContactsScreen,
                   PolicyScreen):
        for key, bindings in screen._merge_bindings().key_to_bindings.items():
            if key not in app_keys or key in ("tab", "shift+tab", "ctrl+c"):
                continue
            for b in bindings:
                assert b.action.removeprefix("app.") in app_keys[key], (screen.__name__, key)
