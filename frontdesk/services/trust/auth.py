"""Signing in, locking, step-up and managing the people who may use this PC.

PINs are hashed with argon2id and a pepper kept in ``<config>/pin.pepper``
(:mod:`frontdesk.domain.trust.pins`); the hash is slow on purpose, so screens call these methods
from a thread worker. Every sign-in, failure, lock and user change is an audit event.

Lockout, and why it is split in two (issue 15.10). A lock on a *name* alone lets a guard shut
the supervisor out by typing wrong PINs for them at the sign-in list; a lock on nothing lets
anyone guess. So failures are counted twice:

* per **terminal** (this running frontdesk: :attr:`AuthService.terminal`), in memory, any name:
  five wrong PINs in 15 minutes stop every check here for 5 minutes, growing to an hour
  (:data:`~frontdesk.domain.trust.pins.TERMINAL_POLICY`). Guessing at the keyboard stops, and
  nobody's name is locked by it: the supervisor quits (Ctrl+Q works on the sign-in screen) and
  starts frontdesk again, which is a fresh terminal;
* per **person**, in the database (a restart changes nothing), at every terminal: five in 15
  minutes lock that name for 1 minute, growing to at most 15
  (:data:`~frontdesk.domain.trust.pins.PERSON_POLICY`). This bounds guessing across restarts,
  and bounds what a guard can do to the supervisor to 15 minutes at a time, while staying at it.

A good sign-in tells the person how many wrong PINs were typed for their name since their last
sign-in (:attr:`AuthResult.failed_before`). The way back in without waiting, and when the pepper
file is lost, is in README ("Locked out"): another supervisor resets the PIN, or the owner of the
database files runs ``frontdesk users reset-pin NAME``.
"""
from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from frontdesk.domain.trust import pins
from frontdesk.domain.trust.roles import Role
from frontdesk.services.changes import changes_data

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext

DEFAULT_IDLE_MINUTES = 10
STEP_UP_GRACE = timedelta(minutes=2)
MAX_NAME = 40


@dataclass(frozen=True)
class AuthResult:
    """The answer to a PIN check: ok, or why not (``error`` code) and until when locked.

    ``error`` is ``wrong_pin``, ``locked`` (this name), ``terminal_locked`` (this terminal) or
    ``pin_key_changed`` (the hash was made with a pepper file this PC no longer has).
    ``failed_before`` is, on success, the wrong PINs typed for the name since its last sign-in.
    """

    ok: bool
    error: str | None = None
    locked_until: datetime | None = None
    remaining_attempts: int = 0
    role: str = ""
    failed_before: int = 0


class AuthService:
    """Users and the session of one context."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.terminal = secrets.token_hex(4)
        self._terminal_failures: list[datetime] = []
        self._pepper: bytes | None = None

    def pepper(self) -> bytes:
        """This PC's PIN pepper (``paths.pepper_file``), made on first use (first start)."""
        if self._pepper is None:
            from frontdesk.services.trust.keyfile import load_or_create

            self._pepper = load_or_create(self.ctx.paths.pepper_file, pins.PEPPER_BYTES)
        return self._pepper

    # -- reading --------------------------------------------------------------------------
    def has_users(self) -> bool:
        """Whether anyone can sign in yet (else the first supervisor must be created)."""
        from frontdesk.storage import users

        return users.count(self.ctx.require_db().read()) > 0

    def users(self) -> list[object]:
        """Every user (for the management screen)."""
        from frontdesk.storage import users

        return users.all_users(self.ctx.require_db().read())  # type: ignore[return-value]

    def people(self) -> list[tuple[str, str]]:
        """(name, role) of everyone who may sign in, by name (the sign-in screen's pick list)."""
        from frontdesk.storage import users

        return [(u.name, u.role) for u in users.all_users(self.ctx.require_db().read())
                if not u.disabled]

    def idle_minutes(self) -> int:
        """The site's auto-lock time (meta ``idle_minutes``, default 10)."""
        row = self.ctx.require_db().read().execute(
            "SELECT value FROM meta WHERE key = 'idle_minutes'").fetchone()
        try:
            return max(1, int(row[0])) if row else DEFAULT_IDLE_MINUTES
        except ValueError:
            return DEFAULT_IDLE_MINUTES

    @changes_data
    def set_idle_minutes(self, minutes: int) -> None:
        """Change the auto-lock time (at least 1 minute)."""
        from frontdesk.storage import site as site_store

        with self.ctx.require_db().write() as conn:
            site_store.set_meta(conn, "idle_minutes", str(max(1, int(minutes))))

    # -- creating users -------------------------------------------------------------------
    @staticmethod
    def check_name(name: str) -> str | None:
        """An error code for an unusable user name, else None."""
        from frontdesk.text import clean_input

        cleaned = clean_input(name)
        if not cleaned:
            return "name_empty"
        if len(cleaned) > MAX_NAME or cleaned != name.strip():
            return "name_bad"
        return None

    def _insert(self, name: str, role: Role, pin: str, *, first: bool = False) -> str | None:
        from frontdesk.storage import audit as audit_store
        from frontdesk.storage import users

        error = self.check_name(name) or pins.validate_pin(pin)
        if error:
            return error
        pin_hash = pins.hash_pin(pin, pepper=self.pepper())
        name = name.strip()
        now = self.ctx.clock.now()
        with self.ctx.require_db().write() as conn:
            if first and users.count(conn, active_only=False) > 0:
                return "already_set_up"
            try:
                users.insert(conn, name, role.value, pin_hash, now)
            except sqlite3.IntegrityError:
                return "name_taken"
            audit_store.append(conn, at=now, action="user_add", record_kind="user",
                               record_id=_token(name), fields=("role",),
                               who=self.ctx.session.user or name)
        return None

    def create_first_supervisor(self, name: str, pin: str, site_name: str, timezone: str) -> str | None:
        """First start: the site's first supervisor, the site name and time zone confirmed."""
        from frontdesk.domain.site import Site
        from frontdesk.storage import site as site_store

        error = self._insert(name, Role.SUPERVISOR, pin, first=True)
        if error:
            return error
        site = self.ctx.require_site()
        with self.ctx.require_db().write() as conn:
            site_store.save_site(conn, Site(id=site.id, name=site_name.strip(), timezone=timezone,
                                            overstay_hours=site.overstay_hours,
                                            retention_days=site.retention_days))
        self.ctx.reload_site()
        self._start_session(name.strip(), Role.SUPERVISOR.value)
        return None

    @changes_data
    def add_user(self, name: str, role: str, pin: str) -> str | None:
        """A supervisor adds a guard or supervisor (action ``manage_users``)."""
        if not self.ctx.session.can("manage_users"):
            return "not_allowed"
        return self._insert(name, Role(role), pin)

    @changes_data
    def reset_pin(self, name: str, pin: str) -> str | None:
        """A supervisor sets someone's new PIN (their failures are forgotten)."""
        from frontdesk.storage import audit as audit_store
        from frontdesk.storage import users

        if not self.ctx.session.can("manage_users"):
            return "not_allowed"
        error = pins.validate_pin(pin)
        if error:
            return error
        pin_hash = pins.hash_pin(pin, pepper=self.pepper())
        with self.ctx.require_db().write() as conn:
            users.set_pin(conn, name, pin_hash)
            audit_store.append(conn, at=self.ctx.clock.now(), action="pin_reset",
                               record_kind="user", record_id=_token(name),
                               who=self.ctx.session.user)
        return None

    def recover_pin(self, name: str, pin: str, who: str) -> str | None:
        """The way back in from the command line (``frontdesk users reset-pin``): set a new PIN
        without anybody's session, and forget the name's failures.

        For when no supervisor can sign in: the only one forgot the PIN, or the pepper file was
        lost so no PIN can be checked. Running it needs write access to the database files,
        which are owner-only: whoever has that could replace a hash with any SQLite tool, so
        this gives nothing away; it does it properly (current pepper and cost) and audits it
        as ``pin_reset`` by ``who``.
        """
        from frontdesk.storage import audit as audit_store
        from frontdesk.storage import users

        error = pins.validate_pin(pin)
        if error:
            return error
        if users.get(self.ctx.require_db().read(), name) is None:
            return "no_user"
        pin_hash = pins.hash_pin(pin, pepper=self.pepper())
        with self.ctx.require_db().write() as conn:
            users.set_pin(conn, name, pin_hash)
            audit_store.append(conn, at=self.ctx.clock.now(), action="pin_reset",
                               record_kind="user", record_id=_token(name), who=who)
        return None

    @changes_data
    def set_disabled(self, name: str, disabled: bool) -> str | None:
        """A supervisor disables (or enables again) a user; the last supervisor stays."""
        from frontdesk.storage import audit as audit_store
        from frontdesk.storage import users

        if not self.ctx.session.can("manage_users"):
            return "not_allowed"
        with self.ctx.require_db().write() as conn:
            active_sups = [u for u in users.all_users(conn)
                           if u.role == "supervisor" and not u.disabled and u.name != name]
            target = users.get(conn, name)
            if target is None:
                return "no_user"
            if disabled and target.role == "supervisor" and not active_sups:
                return "last_supervisor"
            users.set_disabled(conn, name, disabled)
            audit_store.append(conn, at=self.ctx.clock.now(),
                               action="user_disable" if disabled else "user_enable",
                               record_kind="user", record_id=_token(name),
                               who=self.ctx.session.user)
        return None

    # -- PIN checks -----------------------------------------------------------------------
    def check(self, name: str, pin: str, action: str = "sign_in") -> AuthResult:
        """Check ``name``/``pin`` with both lockouts; record the outcome. Slow: call from a
        worker. A good PIN whose hash is old (no pepper, older parameters) is hashed again."""
        from frontdesk.domain.trust.audit import detail
        from frontdesk.storage import audit as audit_store
        from frontdesk.storage import users

        now = self.ctx.clock.now()
        name = name.strip()
        term = pins.lockout_state(self._terminal_failures, now, pins.TERMINAL_POLICY)
        if term.locked:
            return AuthResult(False, "terminal_locked", term.until, 0)
        conn = self.ctx.require_db().read()
        user = users.get(conn, name)
        before = users.failures(conn, name)
        lock = pins.lockout_state(before, now, pins.PERSON_POLICY)
        if lock.locked:
            return AuthResult(False, "locked", lock.until, 0)
        pepper = self.pepper()
        if user is not None and not pins.can_verify(user.pin_hash, pepper):
            return AuthResult(False, "pin_key_changed")
        good = (user is not None and not user.disabled
                and pins.verify_pin(user.pin_hash, pin, pepper=pepper))
        if user is None:
            pins.verify_pin(_DUMMY_HASH[0] or _dummy(), pin)  # same time for unknown names
        upgraded = (pins.rehash_pin(pin, pepper=pepper)
                    if good and user is not None and pins.needs_rehash(user.pin_hash, pepper)
                    else None)
        where = (detail("terminal", self.terminal),)
        with self.ctx.require_db().write() as w:
            if good:
                users.clear_failures(w, name)
                audit_store.append(w, at=now, action=action, record_kind="session",
                                   record_id=_token(name), fields=where, who=name)
                if upgraded is not None:
                    users.set_pin(w, name, upgraded)
                    audit_store.append(w, at=now, action="pin_rehash", record_kind="user",
                                       record_id=_token(name), who=name)
            else:
                users.add_failure(w, name, now)
                audit_store.append(w, at=now, action=f"{action}_failed", record_kind="session",
                                   record_id=_token(name), fields=where,
                                   who=name or "unknown")
        if not good:
            self._terminal_failures.append(now)
            term = pins.lockout_state(self._terminal_failures, now, pins.TERMINAL_POLICY)
            after = pins.lockout_state(users.failures(self.ctx.require_db().read(), name), now,
                                       pins.PERSON_POLICY)
            if after.locked:
                return AuthResult(False, "locked", after.until, 0)
            if term.locked:
                return AuthResult(False, "terminal_locked", term.until, 0)
            return AuthResult(False, "wrong_pin", None,
                              min(after.remaining_attempts, term.remaining_attempts))
        assert user is not None
        return AuthResult(True, role=user.role, failed_before=len(before))

    def sign_in(self, name: str, pin: str) -> AuthResult:
        """Sign in (or unlock as) ``name``."""
        result = self.check(name, pin)
        if result.ok:
            self._start_session(name.strip(), result.role, result.failed_before)
        return result

    def step_up(self, pin: str, action: str) -> AuthResult:
        """The signed-in supervisor types the PIN again before ``action``."""
        result = self.check(self.ctx.session.user, pin, action="step_up")
        if result.ok:
            self.ctx.session.step_up_at = self.ctx.clock.now()
        return result

    def step_up_fresh(self) -> bool:
        """Whether a step-up within the last two minutes covers the next action too."""
        at = self.ctx.session.step_up_at
        return at is not None and self.ctx.clock.now() - at < STEP_UP_GRACE

    def _start_session(self, name: str, role: str, failed_before: int = 0) -> None:
        from frontdesk.storage import audit as audit_store

        s = self.ctx.session
        s.user, s.role = name, role
        s.failed_before = failed_before
        s.signed_in_at = s.last_activity = self.ctx.clock.now()
        s.step_up_at = None
        s.locked = False
        audit_store.set_actor(name)

    def lock(self) -> None:
        """Lock the session (idle or by hand): the same or another person must sign in."""
        self.ctx.session.locked = True
        self.ctx.session.step_up_at = None

    def touch(self) -> None:
        """Someone used the keyboard or mouse."""
        self.ctx.session.last_activity = self.ctx.clock.now()

    def idle_due(self) -> bool:
        """Whether the session should lock now."""
        s = self.ctx.session
        if not s.user or s.locked or s.last_activity is None:
            return False
        return pins.idle_locked(s.last_activity, self.ctx.clock.now(), self.idle_minutes())


_DUMMY_HASH: list[str] = [""]


def _dummy() -> str:
    _DUMMY_HASH[0] = pins.rehash_pin("583920")  # same parameters as a real check
    return _DUMMY_HASH[0]


def _token(name: str) -> str:
    """A user name as an audit record id (ASCII token): a short digest of the name."""
    import hashlib

    return "u-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


def auth_service(ctx: AppContext) -> AuthService:
    """The context's auth service."""
    return ctx.service("auth", AuthService)
