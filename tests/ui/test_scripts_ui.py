"""Pilot tests: scripted replies one key away, in front of any screen, recorded, copied."""
from __future__ import annotations

from datetime import timedelta

import pytest
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, OptionList, Static

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.register.visits import CredentialType, VisitKind
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.register.history import HistoryScreen
from frontdesk.screens.register.register import RegisterScreen
from frontdesk.screens.scripts.picker import ScriptPickerScreen
from frontdesk.screens.scripts.view import READ_AFTER, ScriptViewScreen, show_situation
from frontdesk.screens.register.visit_form import VisitFormScreen
from frontdesk.services.scripts import scripts
from frontdesk.widgets.script_card import ScriptCard
from tests.conftest import T0, TERMINAL
from tests.ui.helpers import seed, settle
from tests.ui.burst_helpers import burst
from tests.ui.scripts_helpers import card_text, make_app, notes, write_site


def read_aloud(clock: FrozenClock) -> None:
    """Time passes while the guard reads the card out."""
    clock.advance(READ_AFTER + timedelta(seconds=1))


def today_uses(ctx: AppContext) -> list[tuple[str, str | None, str | None]]:
    """(situation, entry, incident) of every reading recorded today."""
    uses = scripts(ctx).uses_between(T0.replace(hour=0), T0.replace(hour=23))
    return [(u.situation_id, u.visit_id, u.incident_id) for u in uses]


async def test_alt_digit_shows_the_card_within_one_frame(ctx: AppContext, clock: FrozenClock) -> None:
    """Alt+1 puts the journalist script up after one pause; it counts as read once it has been
    up for READ_AFTER, and only then is it recorded."""
    ctx.session.user = "王保安"
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("alt+1")
        await pilot.pause()
        assert isinstance(app.screen, ScriptViewScreen)
        assert app.screen.query_one(ScriptCard).situation.id == "media_at_gate"
        await settle(pilot)
        assert today_uses(ctx) == []  # not read yet: only just shown
        read_aloud(clock)
        await pilot.press("escape")
        await settle(pilot)
        uses = scripts(ctx).uses_between(T0.replace(hour=0), T0.replace(hour=23))
        assert [(u.situation_id, u.by, u.lines_shown) for u in uses] == [
            ("media_at_gate", "王保安", (1,))]


async def test_the_terminal_s_alt_digit_is_read_as_well(ctx: AppContext) -> None:
    """Most terminals send Alt+1 as ESC 1, which Textual reads as "¡": that opens script 1."""
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("inverted_exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ScriptViewScreen)
        assert app.screen.query_one(ScriptCard).situation.key == "1"


async def test_f5_then_a_digit_opens_that_script(ctx: AppContext) -> None:
    """In any terminal: F5, then 3, is script 3 (two keys, the same card)."""
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("f5", "3")
        await settle(pilot)
        assert isinstance(app.screen, ScriptViewScreen)
        assert app.screen.query_one(ScriptCard).situation.key == "3"


async def test_cards_browsed_past_are_not_readings(ctx: AppContext, clock: FrozenClock) -> None:
    """Alt+1, Alt+2, Alt+3 in quick succession, then Esc: nothing was read, nothing recorded;
    the card left up long enough is the one recorded."""
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await burst(pilot, "alt+1", "alt+2", "alt+3", "escape")
        await settle(pilot)
        assert today_uses(ctx) == []
        await burst(pilot, "alt+1", "alt+2")
        await settle(pilot)
        read_aloud(clock)
        await pilot.press("alt+3")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert today_uses(ctx) == [("journalist_interview", None, None)]


async def test_a_pin_typed_on_the_register_opens_nothing_and_records_nothing(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Digits typed on the register (a PIN with no PIN prompt up) search; Enter finds nobody:
    no card, no reading, no entry started."""
    seed(ctx, clock)
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await burst(pilot, *"739184", "enter")
        await settle(pilot)
        read_aloud(clock)
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert app.screen.query_one("#reg-search", Input).value == "739184"
        assert today_uses(ctx) == []
        assert len(ctx.register.today()) == 4


async def test_the_row_a_list_starts_on_is_nobody_s_choice(
        ctx: AppContext, clock: FrozenClock) -> None:
    """The register opens with its newest row under the cursor: a script read then goes
    against no entry (the card says so), not against whoever happens to be first."""
    seed(ctx, clock)
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        register = app.screen
        assert isinstance(register, RegisterScreen) and register.selected() is not None
        await pilot.press("alt+2")
        await settle(pilot)
        assert "不记入任何人" in card_text(app)
        read_aloud(clock)
        await pilot.press("escape")
        await settle(pilot)
        assert today_uses(ctx) == [("journalist_interview", None, None)]


async def test_reading_is_recorded_against_the_entry_and_shows_in_its_history(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Searched until one entry is left (or moved onto it), the reading goes into that
    entry's history."""
    seed(ctx, clock)
    ctx.session.user = "王保安"
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        register = app.screen
        assert isinstance(register, RegisterScreen)
        await pilot.press(*"张三")
        await settle(pilot)
        visit = register.chosen()
        assert visit is not None and visit.kind is VisitKind.JOURNALIST
        await pilot.press("alt+2")
        await settle(pilot)
        assert "张三" in card_text(app)
        read_aloud(clock)
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


async def test_journalist_offer_opens_a_prefilled_entry(ctx: AppContext) -> None:
    """Alt+1 with no entry chosen: Ctrl+N starts a journalist entry, meeting room filled;
    Enter on the card starts nothing."""
    write_site(ctx, {"variables": {"meeting_room": "一楼洽谈室"}})
    ctx.session.user = "王保安"
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("alt+1")
        await pilot.pause()
        assert "Ctrl+N:开始登记这位记者" in card_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScriptViewScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        typed = form.read_form()
        assert typed.kind is VisitKind.JOURNALIST
        assert typed.credential_type is CredentialType.PRESS_CARD
        assert typed.values["guided_to"] == "一楼洽谈室"
        assert typed.values["guard"] == "王保安"


async def test_the_reading_before_the_entry_is_attached_to_the_entry_started_from_it(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Alt+1 at the gate with a visitor's row selected, then start the journalist entry from
    the card and save it: the reading is in the new entry's history, not the visitor's (the
    card does not claim it for the selected row while it offers the entry)."""
    from frontdesk.services.register import VisitForm

    visitor = ctx.register.add(VisitForm(kind=VisitKind.VISITOR, values={"name": "王访客"}))
    ctx.session.user = "王保安"
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        register = app.screen
        assert isinstance(register, RegisterScreen) and register.selected() == visitor
        await pilot.press("alt+1")
        await settle(pilot)
        assert "王访客" not in card_text(app)
        read_aloud(clock)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        form.query_one("#f-name", Input).value = "李记者"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        saved = [v for v in ctx.register.today() if v.name == "李记者"]
        assert len(saved) == 1
        uses = scripts(ctx).uses_for_visit(saved[0].id)
        assert [(u.situation_id, u.by) for u in uses] == [("media_at_gate", "王保安")]
        assert scripts(ctx).uses_for_visit(visitor.id) == []
        assert register.selected() == saved[0]  # the entry just saved is the selected row
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        title = scripts(ctx).book.by_id("media_at_gate").title.zh
        assert ["王保安", f"宣读话术「{title}」"] in [r[1:] for r in rows]


async def test_copy_puts_the_lines_on_the_clipboard(ctx: AppContext) -> None:
    """C copies the numbered lines (what is on the card) and says so."""
    app = make_app(ctx)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("alt+8", "c")
        await pilot.pause()
        book = scripts(ctx).book
        lines = book.by_key("8").lines
        assert copied == ["\n".join(f"{n}. {ln.zh}" for n, ln in enumerate(lines, start=1))]
        assert "已复制话术" in notes(app)[-1]


async def test_both_languages_and_script_language(ctx: AppContext) -> None:
    """B shows Chinese and English side by side; L switches the script's language only."""
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("alt+4")
        await pilot.pause()
        sit = scripts(ctx).book.by_key("4")
        first = sit.lines[0]
        text = card_text(app)
        assert first.zh[:10] in text and first.en[:20] not in text
        await pilot.press("b")
        await pilot.pause()
        text = card_text(app)
        assert first.zh[:10] in text and first.en[:20] in text
        await pilot.press("l")
        await pilot.pause()
        text = card_text(app)
        assert first.zh[:10] not in text and first.en[:20] in text
        assert "何时使用" in text  # the app itself is still in Chinese
        await pilot.press("alt+5")
        await pilot.pause()
        assert app.screen.query_one(ScriptCard).situation.key == "5"


async def test_a_situation_added_in_the_site_file_needs_no_code(ctx: AppContext) -> None:
    """The site adds a situation on key 9: it shows in the picker and on the key, literally."""
    write_site(ctx, {"situations": [
        {"id": "report_to_superior", "key": None},
        {"id": "parcel_locker", "key": "9",
         "title": {"zh": "快递柜[b]说明[/b]", "en": "Parcel lockers"},
         "lines": [{"zh": "快递请放[@click=app.quit]x 柜 [/", "en": "Parcels go in [/ the locker"}]},
    ]})
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press(*"parcel")
        await pilot.pause()
        listed = app.screen.query_one(OptionList)
        assert listed.option_count == 1
        assert "快递柜[b]说明[/b]" in str(listed.get_option_at_index(0).prompt)
        assert "现场" in str(listed.get_option_at_index(0).prompt)
        await pilot.press("escape", "alt+9")
        await pilot.pause()
        assert "快递请放[@click=app.quit]x 柜 [/" in card_text(app)
        await pilot.click(".card-text")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, ScriptViewScreen)


async def test_a_broken_site_file_is_named_and_the_app_goes_on(ctx: AppContext) -> None:
    """An unknown variable in the site file: one error naming file, line, field; shipped scripts."""
    write_site(ctx, {"situations": [
        {"id": "media_at_gate", "lines": [{"zh": "请拨{nowhere}", "en": "Call {nowhere}"}]}]})
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        shown = [n for n in notes(app) if "site_scripts.json" in n]
        assert len(shown) == 1
        assert "site_scripts.json:7" in shown[0] and "situations[0].lines[0].zh" in shown[0]
        assert 'unknown variable "nowhere"' in shown[0]
        await pilot.press("alt+1")
        await pilot.pause()
        assert "专职人员" in card_text(app)


class _IncidentScreen(FrontdeskScreen[None]):
    """Stands in for the incident screens: they expose ``current_incident_id``."""

    current_incident_id = "incident-1"

    def compose(self) -> ComposeResult:
        """Nothing to show."""
        yield Static("incident")


async def test_reading_on_an_incident_screen_is_recorded_against_it(
        ctx: AppContext, clock: FrozenClock) -> None:
    """A screen with ``current_incident_id``: the reading goes to that incident."""
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await app.push_screen(_IncidentScreen())
        await pilot.press("alt+3")
        await settle(pilot)
        assert "记入事件" in card_text(app)
        read_aloud(clock)
        await pilot.press("escape")
        await settle(pilot)
        uses = scripts(ctx).uses_for_incident("incident-1")
        assert [(u.situation_id, u.visit_id) for u in uses] == [("stranger_no_entry", None)]


async def test_four_meeting_room_lines_fit_at_80x24_in_either_language(ctx: AppContext) -> None:
    """The longest everyday card fits the smallest screen: every line visible, nothing scrolled."""
    for lang in ("zh", "en"):
        app = make_app(ctx, lang)
        async with app.run_test(size=TERMINAL) as pilot:
            await settle(pilot)
            show_situation(app, scripts(ctx).book.by_id("journalist_meeting_room"))
            await settle(pilot)
            texts = list(app.screen.query(".card-text"))
            assert len(texts) == 4
            assert all(w.region.height > 0 and w.region.bottom <= 23 for w in texts), lang


def _snapshot_setup(situation_id: str, both_langs: bool = False):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        app = pilot.app
        show_situation(app, scripts(app.ctx).book.by_id(situation_id))
        await settle(pilot)
        if both_langs:
            await pilot.press("b")
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_script_view(snap_compare, ctx: AppContext, lang: str,  # type: ignore[no-untyped-def]
                              size: tuple[int, int]) -> None:
    """The meeting-room card in each language at the smallest and a large screen."""
    ctx.prefs.language = lang
    assert snap_compare(FrontdeskApp(ctx), terminal_size=size,
                        run_before=_snapshot_setup("journalist_meeting_room"))


def test_snapshot_script_view_both_languages(snap_compare, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """Chinese and English side by side for a foreign journalist, at 120x40."""
    ctx.prefs.language = "zh"
    assert snap_compare(FrontdeskApp(ctx), terminal_size=(120, 40),
                        run_before=_snapshot_setup("media_at_gate", both_langs=True))

async def test_clicking_the_offer_starts_the_journalist_entry(ctx: AppContext) -> None:
    """With the mouse: a click on the offer line opens the journalist entry form."""
    app = make_app(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("alt+1")
        await settle(pilot)
        await pilot.click("#card-offer")
        await settle(pilot)
        assert isinstance(app.screen, VisitFormScreen)
        assert app.screen.read_form().kind is VisitKind.JOURNALIST
