"""Users & privacy: the retention period is a supervisor's setting in the app (0 refused with
the reason); a sign-in tells the person about wrong PINs typed for their name."""
from __future__ import annotations

from textual.widgets import Input, Static

from frontdesk.app import FrontdeskApp
from frontdesk.context import AppContext
from frontdesk.screens.trust.signin import SignInScreen
from frontdesk.screens.trust.users import UsersScreen
from frontdesk.services.trust.audit import audit_service
from frontdesk.services.trust.auth import auth_service
from tests.conftest import TERMINAL
from tests.ui.helpers import settle

PIN = "582913"


def supervisor_site(ctx: AppContext) -> None:
    """A set-up site, nobody signed in, sign-in required."""
    auth_service(ctx).create_first_supervisor("陈主管", PIN, "阳光花园", "Asia/Shanghai")
    ctx.session.user, ctx.session.role = "", "guard"
    ctx.auth_required = True
    ctx.prefs.language = "en"


async def sign_in(pilot: object, name: str, pin: str) -> None:
    """Type a name and PIN on the sign-in screen and press Enter."""
    app = pilot.app  # type: ignore[attr-defined]
    app.screen.query_one("#signin-name", Input).value = name
    app.screen.query_one("#signin-pin", Input).focus()
    await pilot.press(*pin, "enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_retention_days_set_by_a_supervisor_and_zero_refused(ctx: AppContext) -> None:
    """In Users & privacy: 0 shows why it is refused and changes nothing; 30 is saved,
    audited and in force."""
    supervisor_site(ctx)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await sign_in(pilot, "陈主管", PIN)
        app.push_screen(UsersScreen())
        await settle(pilot)
        field = app.screen.query_one("#users-retention", Input)
        assert field.value == "180"
        field.value = ""
        field.focus()
        await pilot.press("0", "enter")
        await settle(pilot)
        msg = str(app.screen.query_one("#users-msg", Static).render())
        assert "0 days would erase every entry" in msg
        assert ctx.require_site().retention_days == 180
        field.value = ""
        await pilot.press("3", "0", "enter")
        await settle(pilot)
        assert "30 days" in str(app.screen.query_one("#users-msg", Static).render())
        assert ctx.require_site().retention_days == 30
        event = [e for e in audit_service(ctx).events() if e.action == "settings"][-1]
        assert event.actor == "陈主管" and "retention_days.30" in event.fields


async def test_sign_in_tells_of_wrong_pins_typed_for_the_name(ctx: AppContext) -> None:
    """Three wrong PINs for the supervisor's name, then the supervisor signs in: a warning
    says how many."""
    supervisor_site(ctx)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        for _ in range(3):
            await sign_in(pilot, "陈主管", "000001")
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "陈主管", PIN)
        assert not isinstance(app.screen, SignInScreen)
        notes = [n.message for n in app._notifications]
        assert any("3 wrong PINs were typed for your name" in n for n in notes), notes
