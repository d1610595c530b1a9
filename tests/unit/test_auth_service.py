"""Users, PIN sign-in with lockout, step-up and user management (local to the PC)."""
from __future__ import annotations

from datetime import timedelta

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.services.trust.audit import audit_service
from frontdesk.services.trust.auth import auth_service

PIN = "582913"


def setup_site(ctx: AppContext) -> None:
    """The first supervisor, as on first start."""
    assert auth_service(ctx).create_first_supervisor("陈主管", PIN, "阳光花园", "Asia/Shanghai") is None


def test_first_start_creates_supervisor_site_and_session(ctx: AppContext) -> None:
    """No users → first supervisor; site name saved; signed in as supervisor."""
    auth = auth_service(ctx)
    assert not auth.has_users()
    setup_site(ctx)
    assert auth.has_users()
    assert ctx.require_site().name == "阳光花园"
    assert (ctx.session.user, ctx.session.role) == ("陈主管", "supervisor")
    assert auth.create_first_supervisor("Other", PIN, "x", "Asia/Shanghai") == "already_set_up"


def test_weak_pin_and_empty_name_refused(ctx: AppContext) -> None:
    """123456 and short PINs are refused before hashing; a blank name too."""
    auth = auth_service(ctx)
    assert auth.create_first_supervisor("A", "123456", "s", "Asia/Shanghai") == "pin_sequence"
    assert auth.create_first_supervisor("A", "5829", "s", "Asia/Shanghai") == "pin_too_short"
    assert auth.create_first_supervisor("  ", PIN, "s", "Asia/Shanghai") == "name_empty"
    assert not auth.has_users()


def test_lockout_after_five_failures_survives_restart(ctx: AppContext, clock: FrozenClock) -> None:
    """Five wrong PINs lock the name (at every terminal, across a restart) for a minute, and
    this terminal for five; the right PIN is refused until each lock ends."""
    setup_site(ctx)
    auth = auth_service(ctx)
    for _ in range(4):
        assert auth.sign_in("陈主管", "000001").error == "wrong_pin"
    last = auth.sign_in("陈主管", "000001")
    assert last.error == "locked" and last.locked_until is not None
    assert last.locked_until - clock.now() == timedelta(minutes=1)
    restarted = AppContext.create(clock=clock, paths=ctx.paths)  # frontdesk started again
    restarted.open()
    try:
        assert auth_service(restarted).sign_in("陈主管", PIN).error == "locked"
        clock.advance(timedelta(minutes=2))
        assert auth.sign_in("陈主管", PIN).error == "terminal_locked"
        result = auth_service(restarted).sign_in("陈主管", PIN)
        assert result.ok and result.failed_before == 5
        clock.advance(timedelta(minutes=4))
        assert auth.sign_in("陈主管", PIN).ok
    finally:
        restarted.close()


def test_guard_cannot_manage_users_supervisor_can(ctx: AppContext) -> None:
    """Adding, resetting and disabling users needs manage_users."""
    setup_site(ctx)
    auth = auth_service(ctx)
    assert auth.add_user("王保安", "guard", "739184") is None
    assert auth.add_user("王保安", "guard", "739184") == "name_taken"
    assert auth.sign_in("王保安", "739184").ok
    assert ctx.session.role == "guard"
    assert auth.add_user("李", "supervisor", "739185") == "not_allowed"
    assert auth.reset_pin("陈主管", "111112") == "not_allowed"
    assert auth.sign_in("陈主管", PIN).ok
    assert auth.set_disabled("陈主管", True) == "last_supervisor"
    assert auth.reset_pin("王保安", "640271") is None
    assert auth.set_disabled("王保安", True) is None
    assert not auth.sign_in("王保安", "640271").ok


def test_step_up_grace_and_idle_lock(ctx: AppContext, clock: FrozenClock) -> None:
    """Step-up holds two minutes; the session locks after the idle minutes."""
    setup_site(ctx)
    auth = auth_service(ctx)
    assert not auth.step_up("000001", "export").ok
    assert auth.step_up(PIN, "export").ok and auth.step_up_fresh()
    clock.advance(timedelta(minutes=3))
    assert not auth.step_up_fresh()
    auth.set_idle_minutes(5)
    auth.touch()
    clock.advance(timedelta(minutes=4))
    assert not auth.idle_due()
    clock.advance(timedelta(minutes=1))
    assert auth.idle_due()


def test_sign_in_events_audited_without_pin(ctx: AppContext) -> None:
    """Sign-in and failures are audit events; neither PIN nor name text is stored in them."""
    setup_site(ctx)
    auth = auth_service(ctx)
    auth.sign_in("陈主管", "000001")
    auth.sign_in("陈主管", PIN)
    actions = [e.action for e in audit_service(ctx).events()]
    assert "sign_in_failed" in actions and "sign_in" in actions
    raw = "".join(str(e.to_dict()) for e in audit_service(ctx).events())
    assert PIN not in raw and "000001" not in raw
    assert audit_service(ctx).verify().ok
