"""Pilot tests: first start, sign-in with lockout, idle lock over a half-typed form, step-up."""
from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input, Static

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.screens.trust import guard
from frontdesk.screens.trust.pin_prompt import PinPromptScreen
from frontdesk.screens.trust.setup_supervisor import SetupSupervisorScreen
from frontdesk.screens.trust.signin import SignInScreen, check_idle
from frontdesk.screens.register.visit_form import VisitFormScreen
from frontdesk.services.trust.auth import auth_service
from tests.conftest import TERMINAL
from tests.ui.helpers import settle

PIN = "582913"


def with_supervisor(ctx: AppContext) -> None:
    """A site that has been set up (nobody signed in yet)."""
    auth_service(ctx).create_first_supervisor("陈主管", PIN, "阳光花园", "Asia/Shanghai")
    auth_service(ctx).add_user("王保安", "guard", "739184")
    ctx.session.user, ctx.session.role = "", "guard"
    ctx.auth_required = True


async def type_into(pilot: object, selector: str, text: str) -> None:
    """Focus a field and type into it."""
    app = pilot.app  # type: ignore[attr-defined]
    app.screen.query_one(selector, Input).focus()
    await pilot.press(*text)  # type: ignore[attr-defined]


async def test_first_start_walks_through_supervisor_setup(closed_ctx: AppContext) -> None:
    """No users and auth on: the setup screen; mismatched PINs refused; then signed in."""
    closed_ctx.auth_required = True
    app = FrontdeskApp(closed_ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupSupervisorScreen)
        await pilot.press("f2", "f3")  # app keys do nothing under the setup screen
        await settle(pilot)
        assert isinstance(app.screen, SetupSupervisorScreen)
        await pilot.press(*"Chen", "tab", *PIN, "tab", *"582914", "tab")
        app.screen.query_one("#setup-site", Input).value = ""
        await pilot.press(*"Sunny Garden", "tab", "enter")
        await settle(pilot)
        assert "differ" in str(app.screen.query_one("#setup-error", Static).render()) or \
            "不一致" in str(app.screen.query_one("#setup-error", Static).render())
        app.screen.query_one("#setup-pin2", Input).value = PIN
        app.screen.query_one("#setup-tz", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SetupSupervisorScreen)
        assert (closed_ctx.session.user, closed_ctx.session.role) == ("Chen", "supervisor")
        assert closed_ctx.require_site().name == "Sunny Garden"


async def test_sign_in_wrong_pin_then_right(ctx: AppContext) -> None:
    """Wrong PIN says how many tries are left; the right one lets the guard in."""
    with_supervisor(ctx)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await type_into(pilot, "#signin-name", "王保安")
        await type_into(pilot, "#signin-pin", "111112")
        await pilot.press("enter")
        await settle(pilot)
        error = str(app.screen.query_one("#signin-error", Static).render())
        assert "4" in error
        await type_into(pilot, "#signin-pin", "739184")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SignInScreen)
        assert (ctx.session.user, ctx.session.role) == ("王保安", "guard")


async def test_idle_lock_keeps_half_typed_form(ctx: AppContext, clock: FrozenClock) -> None:
    """After the idle minutes the lock covers the form; after the PIN the text is still there."""
    with_supervisor(ctx)
    assert auth_service(ctx).sign_in("王保安", "739184").ok
    app = FrontdeskApp(ctx)
    ctx.session.locked = False
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        for screen in list(app.screen_stack):
            if isinstance(screen, SignInScreen):
                screen.dismiss(True)
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, VisitFormScreen)
        form = app.screen
        await pilot.press("tab", *"half typed")
        typed = {i.id: i.value for i in form.query(Input) if i.value}
        assert any("half typed" in v for v in typed.values())
        clock.advance(timedelta(minutes=11))
        check_idle(app)
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await type_into(pilot, "#signin-pin", "739184")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert {i.id: i.value for i in form.query(Input) if i.value} == typed


async def test_step_up_asks_pin_before_supervisor_action(ctx: AppContext) -> None:
    """A supervisor's export asks the PIN; Esc cancels, the right PIN runs it once."""
    with_supervisor(ctx)
    assert auth_service(ctx).sign_in("陈主管", PIN).ok
    ran: list[str] = []
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        for screen in list(app.screen_stack):
            if isinstance(screen, SignInScreen):
                screen.dismiss(True)
        await settle(pilot)
        guard.guard_action(app, "export", lambda: ran.append("export"))
        await settle(pilot)
        assert isinstance(app.screen, PinPromptScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert ran == []
        guard.guard_action(app, "export", lambda: ran.append("export"))
        await settle(pilot)
        await pilot.press(*PIN, "enter")
        await settle(pilot)
        assert ran == ["export"]


def test_sign_in_screen_snapshot_en(ctx: AppContext, snap_compare: object) -> None:
    """The sign-in screen at 80x24 in English covers the whole app."""
    with_supervisor(ctx)

    async def run_before(pilot: object) -> None:
        await settle(pilot)  # type: ignore[arg-type]
        pilot.app.set_language("en")  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]

    assert snap_compare(FrontdeskApp(ctx), terminal_size=TERMINAL, run_before=run_before)  # type: ignore[operator]


def test_users_screen_snapshot_zh(ctx: AppContext, snap_compare: object) -> None:
    """Users & privacy at 80x24 in Chinese: list, add form, buttons, auto-lock minutes."""
    with_supervisor(ctx)
    assert auth_service(ctx).sign_in("陈主管", PIN).ok

    async def run_before(pilot: object) -> None:
        from frontdesk.screens.trust.users import UsersScreen

        app = pilot.app  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]
        for screen in list(app.screen_stack):
            if isinstance(screen, SignInScreen):
                screen.dismiss(True)
        app.set_language("zh")
        await settle(pilot)  # type: ignore[arg-type]
        app.push_screen(UsersScreen())
        await settle(pilot)  # type: ignore[arg-type]

    assert snap_compare(FrontdeskApp(ctx), terminal_size=TERMINAL, run_before=run_before)  # type: ignore[operator]


async def test_an_overdue_notice_waits_for_sign_in_instead_of_covering_the_pin_field(
        ctx: AppContext, clock: FrozenClock) -> None:
    """An incident already overdue at start: the bell rings under the sign-in screen, but the
    notice (which would cover the PIN field at 80x24) is shown once somebody has signed in."""
    from frontdesk.services.incidents.service import IncidentService

    svc: IncidentService = ctx.service("incidents", IncidentService)
    svc.open("theft", "general", place="5栋", summary="电动车被盗", by="王保安")
    with_supervisor(ctx)
    clock.advance(timedelta(hours=30))  # its written report is overdue
    app = FrontdeskApp(ctx)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.pause(1.5)
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert bells, "the bell rings even with nobody signed in"
        assert [n for n in app._notifications if n.severity == "error"] == []
        await type_into(pilot, "#signin-name", "王保安")
        await type_into(pilot, "#signin-pin", "739184")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(1.5)
        await settle(pilot)
        assert not isinstance(app.screen, SignInScreen)
        shown = [n.message for n in app._notifications if n.severity == "error"]
        assert len(shown) == 1 and ("已超时" in shown[0] or "Overdue" in shown[0])
