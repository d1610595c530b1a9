"""PINs as strong as six digits allow (issue 15.10): a pepper outside the database, a higher
argon2 cost, old hashes upgraded at sign-in, lockout per person and per terminal so a guard
cannot keep the supervisor out, and the way back in when the pepper file is lost."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from argon2 import PasswordHasher, Type

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.trust.pins import verify_pin
from frontdesk.services.trust import backup
from frontdesk.services.trust.audit import audit_service
from frontdesk.services.trust.auth import auth_service
from frontdesk.storage import users

PIN = "582913"
README = Path(__file__).resolve().parents[2] / "README.md"


def setup_site(ctx: AppContext) -> None:
    """The first supervisor, as on first start."""
    assert auth_service(ctx).create_first_supervisor("陈主管", PIN, "阳光花园",
                                                     "Asia/Shanghai") is None


def stored_hash(ctx: AppContext, name: str = "陈主管") -> str:
    """The PIN hash as kept in the database."""
    user = users.get(ctx.require_db().read(), name)
    assert user is not None
    return user.pin_hash


def fresh_terminal(ctx: AppContext, clock: FrozenClock) -> AppContext:
    """frontdesk started again on the same database: another terminal."""
    other = AppContext.create(clock=clock, paths=ctx.paths)
    other.open()
    return other


def test_a_copied_database_alone_cannot_check_a_pin(ctx: AppContext) -> None:
    """The pepper is made at first start in the config folder (0600) and is in no database
    byte or backup; the stored hash verifies only with it, at 64 MiB and 3 passes."""
    setup_site(ctx)
    pepper_file = ctx.paths.pepper_file
    pepper = pepper_file.read_bytes()
    assert len(pepper) == 32 and os.stat(pepper_file).st_mode & 0o777 == 0o600
    h = stored_hash(ctx)
    assert h.startswith("fdp1$") and "$argon2id$v=19$m=65536,t=3,p=1$" in h
    assert verify_pin(h, PIN, pepper=pepper)
    assert not verify_pin(h, PIN)  # what an attacker with the database file alone can do
    made = backup.make_backup(ctx.paths.db_file, ctx.paths.backups_dir, ctx.clock.now())
    for f in (ctx.paths.db_file, made):
        assert pepper not in f.read_bytes() and pepper.hex().encode() not in f.read_bytes()


def test_an_old_hash_works_and_is_upgraded_at_the_next_good_sign_in(ctx: AppContext) -> None:
    """A hash from before (OWASP minimum, no pepper) signs in, and is replaced by a peppered
    one at the new cost; recorded as ``pin_rehash``. A wrong PIN changes nothing."""
    setup_site(ctx)
    old = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID).hash(PIN)
    with ctx.require_db().write() as conn:
        users.set_pin(conn, "陈主管", old)
    auth = auth_service(ctx)
    assert auth.sign_in("陈主管", "000001").error == "wrong_pin"
    assert stored_hash(ctx) == old
    assert auth.sign_in("陈主管", PIN).ok
    new = stored_hash(ctx)
    assert new != old and new.startswith("fdp1$") and "m=65536,t=3,p=1" in new
    assert "pin_rehash" in [e.action for e in audit_service(ctx).events()]
    assert auth.sign_in("陈主管", PIN).ok and stored_hash(ctx) == new


def test_a_guard_cannot_keep_the_supervisor_out_for_an_hour(ctx: AppContext,
                                                             clock: FrozenClock) -> None:
    """A guard types wrong PINs for the supervisor at the sign-in list, restarting frontdesk
    whenever the terminal locks, for an hour. The supervisor's name is never locked for more
    than 15 minutes, and at a fresh terminal they get in as soon as it ends; their sign-in
    tells them how many wrong PINs were typed for them."""
    setup_site(ctx)
    auth_service(ctx).add_user("王保安", "guard", "739184")
    start, longest = clock.now(), timedelta(0)
    guard_terminal = fresh_terminal(ctx, clock)
    terminals = [guard_terminal]
    typed = 0
    try:
        while clock.now() - start < timedelta(hours=1):
            result = auth_service(guard_terminal).sign_in("陈主管", "000001")
            if result.error == "terminal_locked":
                guard_terminal = fresh_terminal(ctx, clock)  # quit and start again
                terminals.append(guard_terminal)
                continue
            if result.error == "locked":
                assert result.locked_until is not None
                longest = max(longest, result.locked_until - clock.now())
                clock.set(result.locked_until)
                continue
            typed += 1
            clock.advance(timedelta(seconds=3))
        assert timedelta(0) < longest <= timedelta(minutes=15)
        supervisor = fresh_terminal(ctx, clock)
        terminals.append(supervisor)
        result = auth_service(supervisor).sign_in("陈主管", PIN)
        if result.error == "locked":
            assert result.locked_until is not None
            assert result.locked_until - clock.now() <= timedelta(minutes=15)
            clock.set(result.locked_until)
            result = auth_service(supervisor).sign_in("陈主管", PIN)
        assert result.ok and result.failed_before > 0 and typed < 60
    finally:
        for t in terminals:
            t.close()


def test_a_lost_pepper_file_is_told_apart_and_reset_pin_is_the_way_back(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Without its pepper file no PIN can be checked: the sign-in says so (not "wrong PIN",
    no lockout counted); ``frontdesk users reset-pin`` sets a new one (audited) and it works."""
    setup_site(ctx)
    ctx.paths.pepper_file.unlink()
    after = fresh_terminal(ctx, clock)
    try:
        result = auth_service(after).sign_in("陈主管", PIN)
        assert result.error == "pin_key_changed"
        assert users.failures(after.require_db().read(), "陈主管") == []
    finally:
        after.close()
    ctx.close()
    done = subprocess.run([sys.executable, "-m", "frontdesk", "users", "reset-pin", "陈主管",
                           "--pin-stdin", "--db", str(ctx.paths.db_file)], input="730264\n",
                          capture_output=True, text=True, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    weak = subprocess.run([sys.executable, "-m", "frontdesk", "users", "reset-pin", "陈主管",
                           "--pin-stdin", "--db", str(ctx.paths.db_file)], input="111111\n",
                          capture_output=True, text=True, env=os.environ.copy())
    assert weak.returncode == 2 and "111111" not in weak.stderr and weak.stderr.count("\n") == 1
    ctx.open()
    assert auth_service(fresh_terminal(ctx, clock)).sign_in("陈主管", "730264").ok
    reset = [e for e in audit_service(ctx).events() if e.action == "pin_reset"]
    assert reset and reset[-1].actor.startswith("cli:")


def test_the_recovery_path_is_documented() -> None:
    """README says what to do when locked out and when the pepper file is lost."""
    text = README.read_text(encoding="utf-8")
    assert "## Locked out" in text
    for needed in ("frontdesk users reset-pin", "pin.pepper", "Ctrl+Q", "15 minutes"):
        assert needed in text
