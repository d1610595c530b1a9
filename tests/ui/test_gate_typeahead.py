"""No key is lost: keys typed ahead (all queued before the app handles the first) go where the
same keys typed slowly would have gone. Every test sends its keys in one burst."""
from __future__ import annotations

from textual.widgets import Input, Select

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.register.visits import VisitKind
from frontdesk.screens.register.register import RegisterScreen
from frontdesk.screens.register.visit_form import VisitFormScreen
from frontdesk.screens.scripts.view import ScriptViewScreen
from frontdesk.screens.trust.sign_in_form import SignInScreen
from tests.conftest import TERMINAL
from tests.ui.burst_helpers import burst
from tests.ui.helpers import seed, settle
from tests.ui.test_trust_ui import with_supervisor


def fields(screen: object, *names: str) -> dict[str, str]:
    """The text fields of the entry form, by name."""
    return {n: screen.query_one(f"#f-{n}", Input).value for n in names}  # type: ignore[attr-defined]


async def test_keys_typed_with_ctrl_n_land_in_the_new_entry(ctx: AppContext) -> None:
    """Ctrl+N and the whole entry typed at once: every character in its field, then saved."""
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await burst(pilot, "ctrl+n", "up", "enter", *"Zhang San", "enter", *"Xinhua", "tab",
                    *"13800138000", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
    [visit] = ctx.register.today()
    assert (visit.kind, visit.name, visit.organisation, visit.phone) == (
        VisitKind.JOURNALIST, "Zhang San", "Xinhua", "+8613800138000")


async def test_a_wedge_burst_moves_through_fields_as_slow_typing_does(
        ctx: AppContext, clock: FrozenClock) -> None:
    """A scanner's burst (text, Tab, text, Enter, ...) fills the same fields as the same keys
    pressed one by one, even while returning people are being offered under the name."""
    seed(ctx, clock)
    keys = ["tab", *"zhangs", "tab", *"南方日报", "enter", *"13800138000", "tab", "tab",
            *"B440100000001", "enter", *"采访"]
    results = []
    for fast in (True, False):
        app = FrontdeskApp(ctx)
        async with app.run_test(size=TERMINAL) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+n")
            await settle(pilot)
            if fast:
                await burst(pilot, *keys)
            else:
                for key in keys:
                    await pilot.press(key)
                    await settle(pilot)
            await settle(pilot)
            results.append(fields(app.screen, "name", "organisation", "phone",
                                  "credential_number", "purpose"))
    assert results[0] == results[1] == {
        "name": "zhangs", "organisation": "南方日报", "phone": "13800138000",
        "credential_number": "B440100000001", "purpose": "采访"}


async def test_keys_typed_before_the_sign_in_is_up_go_into_it(ctx: AppContext) -> None:
    """At a real start the guard types before the sign-in has appeared: the keys wait for it
    (the register's search gets nothing), and Enter and the PIN sign in."""
    with_supervisor(ctx)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await burst(pilot, *"王保安", "enter", *"739184", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, SignInScreen)
        assert (ctx.session.user, ctx.session.role) == ("王保安", "guard")
        assert app.screen.query_one("#reg-search", Input).value == ""


async def test_keys_typed_while_the_pin_is_checked_go_to_the_register(ctx: AppContext) -> None:
    """PIN, Enter and straight on with Ctrl+N: the new entry opens once the PIN is accepted
    and the name typed meanwhile is in it."""
    with_supervisor(ctx)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await burst(pilot, *"王保安", "enter", *"739184", "enter", "ctrl+n", "up", "enter",
                    *"Li")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        assert form.query_one("#f-kind", Select).value == "journalist"
        assert fields(form, "name") == {"name": "Li"}


async def test_edit_then_typing_and_saving_in_one_burst(
        ctx: AppContext, clock: FrozenClock) -> None:
    """↓ Ctrl+E, text, Ctrl+S typed at once: the edit form opens on the chosen entry, takes the
    text and saves it."""
    seed(ctx, clock)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        register = app.screen
        assert isinstance(register, RegisterScreen)
        await burst(pilot, "down", "ctrl+e", "end", *"先生", "ctrl+s")
        await settle(pilot)
        assert app.screen is register
        chosen = register.chosen()
        assert chosen is not None and chosen.name.endswith("先生")


async def test_esc_back_then_typing_searches(ctx: AppContext, clock: FrozenClock) -> None:
    """Alt+1, Esc and a search typed at once: the card comes and goes, the letters search."""
    seed(ctx, clock)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await burst(pilot, "alt+1", "escape", *"zs")
        await settle(pilot)
        register = app.screen
        assert isinstance(register, RegisterScreen)
        assert register.query_one("#reg-search", Input).value == "zs"
        assert [v.name for v in register.visits] == ["张三"]


async def test_esc_from_a_clean_form_then_ctrl_n_again(ctx: AppContext) -> None:
    """Esc out of an untouched form and Ctrl+N at once: a fresh form, the text in it."""
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await burst(pilot, "ctrl+n", "escape", "ctrl+n", "enter", *"Wang")
        await settle(pilot)
        assert isinstance(app.screen, VisitFormScreen)
        assert fields(app.screen, "name") == {"name": "Wang"}
        assert len(app.screen_stack) == 2


async def test_script_card_then_typing_on_it_does_not_fall_through(ctx: AppContext) -> None:
    """Letters typed while a card opens are the card's keys (C copies), never the search's."""
    app = FrontdeskApp(ctx)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await burst(pilot, "alt+8", "c")
        await settle(pilot)
        assert isinstance(app.screen, ScriptViewScreen)
        assert copied and copied[0].startswith("1. ")


async def test_f4_pressed_before_the_people_are_found_fills_when_they_are(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Two letters, F4 and Ctrl+S typed at once (the lookup has not answered yet): F4 waits
    for the people it fills, Ctrl+S waits for F4, and the returning journalist is saved."""
    seed(ctx, clock)
    ctx.register.sign_out(next(v.id for v in ctx.register.today() if v.name == "张三"))
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await burst(pilot, "ctrl+n", "enter", *"zs", "f4", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
    back = [v for v in ctx.register.today() if v.name == "张三" and v.on_site]
    assert len(back) == 1 and back[0].kind is VisitKind.JOURNALIST
    assert back[0].organisation == "南方日报"


async def test_keys_typed_while_an_incident_opens_go_into_it(
        ctx: AppContext, clock: FrozenClock) -> None:
    """↓, Ctrl+G (an incident from the chosen entry), Tab to the place, text, Ctrl+S typed at
    once: the incident is opened with the text in its place."""
    from frontdesk.services.incidents.service import IncidentService

    seed(ctx, clock)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await burst(pilot, "down", "ctrl+g", "tab", "tab", "tab", "end", *"门口", "ctrl+s")
        await settle(pilot)
    svc: IncidentService = ctx.service("incidents", IncidentService)
    [incident] = svc.list()
    assert incident.place.endswith("门口")
