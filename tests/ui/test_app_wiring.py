"""The app as it is put together: the supervisor door fails closed, F10 and Ctrl+L are the
app's own keys (one meaning everywhere), keys speak the UI's language wherever they are shown,
and a language switch or a save reaches the screens of every mode."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from frontdesk.app import FrontdeskApp
from frontdesk.context import AppContext
from frontdesk.domain.trust.roles import Action, requires_step_up
from frontdesk.i18n import t
from frontdesk.messages import DataChanged
from frontdesk.screens.escalation.contact_import import ContactImportScreen
from frontdesk.screens.escalation.contacts import ContactsScreen
from frontdesk.screens.help import HelpScreen
from frontdesk.screens.incidents.board import DutyBoardScreen
from frontdesk.screens.register.register import RegisterScreen
from frontdesk.screens.trust.guard import guard_action
from frontdesk.screens.trust.pin_prompt import PinPromptScreen
from frontdesk.screens.trust.signin import SignInScreen
from frontdesk.services.incidents.service import IncidentService
from frontdesk.services.trust.auth import auth_service
from tests.conftest import TERMINAL
from tests.ui.helpers import settle

STEP_UP_ACTIONS = [a.value for a in Action if requires_step_up(a)]


def supervisor_in(ctx: AppContext) -> None:
    """A set-up site with its supervisor signed in; sign-in required."""
    assert auth_service(ctx).create_first_supervisor("陈主管", "582913", "阳光花园",
                                                     "Asia/Shanghai") is None
    ctx.auth_required = True


async def past_sign_in(app: FrontdeskApp, pilot: object) -> None:
    """Type the supervisor's PIN on the sign-in screen."""
    await settle(pilot)  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, SignInScreen)
    screen.query_one("#signin-name", Input).value = "陈主管"
    pin = screen.query_one("#signin-pin", Input)
    pin.value = "582913"
    await pin.action_submit()
    await settle(pilot)  # type: ignore[arg-type]
    assert app.entered


async def test_without_a_step_up_every_action_needing_one_is_refused(ctx: AppContext) -> None:
    """An app built with no step-up refuses (and says so) instead of skipping the PIN."""
    assert STEP_UP_ACTIONS
    supervisor_in(ctx)
    app = FrontdeskApp(ctx, step_up=None)
    ran: list[str] = []
    async with app.run_test(size=TERMINAL) as pilot:
        await past_sign_in(app, pilot)
        for action in STEP_UP_ACTIONS:
            guard_action(app, action, lambda a=action: ran.append(a))
            await settle(pilot)
        refusals = [n.message for n in app._notifications if n.message == t("guard.no_step_up")]
    assert ran == []
    assert len(refusals) == len(STEP_UP_ACTIONS)


async def test_the_step_up_the_app_is_built_with_decides(ctx: AppContext) -> None:
    """``then`` runs only when the step-up says so; by default the PIN is asked."""
    supervisor_in(ctx)
    asked: list[str] = []
    confirmations: list[Callable[[], object]] = []

    def step_up(_app: FrontdeskApp, action: str, then: Callable[[], object]) -> None:
        asked.append(action)
        confirmations.append(then)

    ran: list[str] = []
    app = FrontdeskApp(ctx, step_up=step_up)
    async with app.run_test(size=TERMINAL) as pilot:
        await past_sign_in(app, pilot)
        guard_action(app, "export", lambda: ran.append("export"))
        assert (asked, ran) == (["export"], [])
        confirmations[0]()
        assert ran == ["export"]
    default = FrontdeskApp(ctx)
    async with default.run_test(size=TERMINAL) as pilot:
        await past_sign_in(default, pilot)
        auth_service(ctx).ctx.session.step_up_at = None  # the sign-in's PIN no longer covers it
        guard_action(default, "export", lambda: ran.append("again"))
        await settle(pilot)
        assert isinstance(default.screen, PinPromptScreen) and ran == ["export"]


async def test_ctrl_l_locks_on_every_screen_the_contacts_too(ctx: AppContext) -> None:
    """Ctrl+L is the app's lock key on the register and on the contacts screen (whose CSV
    import moved to Ctrl+U); the lock screen keeps the name."""
    supervisor_in(ctx)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await past_sign_in(app, pilot)
        for mode, screen_type in (("register", RegisterScreen), ("contacts", ContactsScreen)):
            app.switch_mode(mode)
            await settle(pilot)
            assert isinstance(app.screen, screen_type)
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen) and app.screen.locked
            assert not isinstance(app.screen, ContactImportScreen)
            assert ctx.session.locked
            await pilot.press(*"582913", "enter")
            await settle(pilot)
            assert isinstance(app.screen, screen_type) and not ctx.session.locked
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert isinstance(app.screen, (ContactImportScreen, PinPromptScreen))


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_f10_and_ctrl_l_are_listed_like_every_key(ctx: AppContext, lang: str) -> None:
    """Both keys are the app's bindings with ids: in F1 and the palette, in the UI's language."""
    supervisor_in(ctx)
    ctx.prefs.language = lang
    ids = {b.id for b in FrontdeskApp.BINDINGS if not isinstance(b, tuple)}  # type: ignore[union-attr]
    assert {"trust.users", "trust.lock"} <= ids
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await past_sign_in(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert t("bind.trust.lock") in titles and t("bind.trust.users") in titles
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table")
        rows = [[str(c) for c in table.get_row_at(i)]  # type: ignore[attr-defined]
                for i in range(table.row_count)]  # type: ignore[attr-defined]
        assert [t("bind.trust.lock")] in [r[1:] for r in rows]
        assert [t("bind.trust.users")] in [r[1:] for r in rows]


async def test_a_language_switch_reaches_the_footer_and_every_mode(ctx: AppContext) -> None:
    """F9 on the register: its footer's words change at once, and the board (another mode,
    not shown) is relabelled too; a save made elsewhere reloads the board while hidden."""
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)

        def footer_words() -> set[str]:
            return {k.description for k in app.screen.query(FooterKey)}

        assert t("bind.register.new") in footer_words() and "新登记" in t("bind.register.new")
        board = next(s for s in app.live_screens if isinstance(s, DutyBoardScreen))
        await pilot.press("f9")
        await settle(pilot)
        assert t("bind.register.new") in footer_words() and "新登记" not in footer_words()
        status = str(board.query_one("#board-status", Static).render())
        assert status.startswith(t("inc.board.title")) and t("inc.board.title") != "值班看板"
        assert board.items == []
        ctx.service("incidents", IncidentService).open("theft", "general", summary="车被盗",
                                                       by="王保安")
        app.post_message(DataChanged("incident"))
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert len(board.items) == 1
