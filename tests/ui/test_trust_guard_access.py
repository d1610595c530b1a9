"""A guard cannot reach any supervisor action: not through guard_action, a key, the command
palette or a mouse click."""
from __future__ import annotations

import importlib
import inspect

from textual.screen import Screen
from textual.widgets import Button

from frontdesk.app import FrontdeskApp
from frontdesk.context import AppContext
from frontdesk.domain.trust.roles import Action, requires_supervisor
from frontdesk.screens.trust import guard
from frontdesk.screens.trust import signin
from frontdesk.services.trust.audit import audit_service
from frontdesk.services.trust.auth import auth_service
from tests.conftest import TERMINAL
from tests.ui.helpers import seed, settle

# Screens that only exist behind a supervisor action (each module's Screen classes).
SUPERVISOR_MODULES = ("trust.users", "trust.erase_person", "trust.pin_prompt", "scripts.editor",
                      "escalation.contact_form", "escalation.contact_import",
                      "escalation.policy_edit", "sync.conflicts")


def supervisor_screens() -> tuple[type, ...]:
    """Every Screen class defined in the supervisor-only modules."""
    found: list[type] = []
    for name in SUPERVISOR_MODULES:
        mod = importlib.import_module(f"frontdesk.screens.{name}")
        found += [c for _n, c in inspect.getmembers(mod, inspect.isclass)
                  if issubclass(c, Screen) and c.__module__ == mod.__name__]
    return tuple(found)


def as_guard(ctx: AppContext) -> None:
    """A set-up site with a guard signed in (auth on)."""
    auth = auth_service(ctx)
    assert auth.create_first_supervisor("陈主管", "582913", "阳光花园", "Asia/Shanghai") is None
    assert auth.add_user("王保安", "guard", "739184") is None
    assert auth.sign_in("王保安", "739184").ok
    ctx.auth_required = True


def test_every_action_is_supervisor_only() -> None:
    """The role table lists every Action as supervisor-only (no accidental guard grant)."""
    assert all(requires_supervisor(a) for a in Action)


async def test_guard_action_refuses_every_action(ctx: AppContext) -> None:
    """guard_action never runs ``then`` for a guard, whatever the action; says so instead."""
    as_guard(ctx)
    app = FrontdeskApp(ctx)
    ran: list[str] = []
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await drop_sign_in(pilot)
        for action in Action:
            guard.guard_action(app, action.value, lambda a=action: ran.append(a.value))
            await settle(pilot)
            assert not isinstance(app.screen, supervisor_screens())
    assert ran == []


async def drop_sign_in(pilot: object) -> None:
    """Dismiss the start-up sign-in screen (the session is already signed in)."""
    app = pilot.app  # type: ignore[attr-defined]
    for screen in list(app.screen_stack):
        if isinstance(screen, signin.SignInScreen):
            screen.dismiss(True)
    await settle(pilot)  # type: ignore[arg-type]


async def back_to(pilot: object, screen: Screen[object]) -> None:
    """Escape until ``screen`` is on top again."""
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(4):
        if app.screen is screen:
            return
        await pilot.press("escape")  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]


async def test_no_key_palette_command_or_click_reaches_a_supervisor_screen(ctx: AppContext) -> None:
    """On each main screen: every palette command, every key binding and every button."""
    seed(ctx, ctx.clock)  # type: ignore[arg-type]
    as_guard(ctx)
    before = ctx.require_db().read().execute("SELECT COUNT(*) FROM versions").fetchone()[0]
    forbidden = supervisor_screens()
    app = FrontdeskApp(ctx)
    app.action_quit = lambda: None  # type: ignore[method-assign]
    seen: set[str] = set()
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await drop_sign_in(pilot)
        for key in ("f2", "f3", "f6", "f8"):
            await pilot.press(key)
            await settle(pilot)
            main = app.screen
            commands = list(app.get_system_commands(main))
            for command in commands:
                result = command.callback()
                if inspect.isawaitable(result):
                    await result
                await settle(pilot)
                seen.add(type(app.screen).__name__)
                assert not isinstance(app.screen, forbidden), command.title
                await back_to(pilot, main)
            for bkey in list(main._bindings.key_to_bindings):
                if bkey in ("ctrl+q", "ctrl+c", "escape"):
                    continue
                await pilot.press(bkey)
                await settle(pilot)
                assert not isinstance(app.screen, forbidden), bkey
                await back_to(pilot, main)
            for button in list(main.query(Button)):
                if button.is_attached and button.display and not button.disabled:
                    button.press()
                    await settle(pilot)
                    assert not isinstance(app.screen, forbidden), button.id
                    await back_to(pilot, main)
            await pilot.press("f10")
            await settle(pilot)
            assert not isinstance(app.screen, forbidden)
    after = ctx.require_db().read().execute(
        "SELECT COUNT(*) FROM versions WHERE kind NOT IN ('visit', 'script_use')").fetchone()[0]
    assert after <= before
    assert {"RegisterScreen", "DutyBoardScreen", "ContactsScreen"} <= seen
    # nothing left the site: no export file, no export event (contacts Ctrl+X, files F8); a
    # guard's visitor slip (Ctrl+B: one entry, ID masked) is the gate's everyday job, audited
    assert not list(ctx.paths.data_dir.glob("contacts-2*.csv"))
    assert [e for e in audit_service(ctx).events()
            if e.action == "export" and e.record_kind != "slip"] == []
