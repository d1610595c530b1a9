"""Signing in at start, the idle lock, and the trust jobs that run while the app is open.

:func:`require_sign_in` is called by the app once the store is open. When the context asks for
it (``ctx.auth_required``, set by ``frontdesk`` itself; tests opt in) it shows the first-start
supervisor setup or the sign-in screen, checks the idle time every 30 seconds, and runs the
backup and retention jobs at start and while running. The sign-in/lock screen covers everything
and, while it is up, the app refuses every key but quit and language (``FrontdeskApp.check_action``);
whatever was half-typed underneath stays as it was.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from frontdesk.i18n import t
from frontdesk.screens.trust import guard
from frontdesk.screens.trust.pin_prompt import step_up
from frontdesk.screens.trust.sign_in_form import SignInScreen

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.app import FrontdeskApp

IDLE_CHECK_SECONDS = 30
BACKUP_EVERY_SECONDS = 4 * 3600
PURGE_EVERY_SECONDS = 24 * 3600

if step_up not in guard.STEP_UP:
    guard.STEP_UP.append(step_up)


def _signed_in(app: FrontdeskApp) -> None:
    app.ctx.session.locked = False
    app._update_title()
    app.refresh_bindings()
    app.notify(t("trust.welcome", name=app.ctx.session.user), markup=False)
    # What the start-up checks found waited until nobody was typing a PIN under them.
    announce_start_warnings(app)


def show_sign_in(app: FrontdeskApp, locked: bool = False) -> None:
    """Put the sign-in (or lock) screen over everything."""
    if any(isinstance(s, SignInScreen) for s in app.screen_stack):
        return
    app.ctx.session.locked = True
    app.push_screen(SignInScreen(locked), lambda _ok: _signed_in(app))


def lock_now(app: FrontdeskApp) -> None:
    """Lock the session (idle or by hand)."""
    from frontdesk.services.trust.auth import auth_service

    auth_service(app.ctx).lock()
    show_sign_in(app, locked=True)


def check_idle(app: FrontdeskApp) -> None:
    """The 30-second timer: lock once the site's idle minutes have passed."""
    from frontdesk.services.trust.auth import auth_service

    if app.ctx.is_open and auth_service(app.ctx).idle_due():
        lock_now(app)


def open_users(app: FrontdeskApp) -> None:
    """Users & privacy (supervisor, step-up)."""
    from frontdesk.screens.trust.users import UsersScreen

    guard.guard_action(app, "manage_users", lambda: app.push_screen(UsersScreen()))


def _install_keys(app: FrontdeskApp) -> None:
    """Ctrl+L locks; F10 opens users & privacy (shown in the palette and help)."""
    setattr(app, "action_trust_lock", lambda: lock_now(app))
    setattr(app, "action_trust_users", lambda: open_users(app))
    for key, action, bid in (("ctrl+l", "trust_lock", "trust.lock"),
                             ("f10", "trust_users", "trust.users")):
        app._bindings.key_to_bindings.setdefault(key, []).append(
            Binding(key, action, t(f"bind.{bid}"), id=bid, show=False))


def _backup(app: FrontdeskApp) -> None:
    from frontdesk.services.trust import backup

    def job() -> None:
        try:
            backup.backup_now(app.ctx)
        except backup.BackupError as exc:
            app.call_later(app.notify, t("trust.backup.failed", error=str(exc)),
                           severity="error", markup=False)

    app.run_worker(job, thread=True, exclusive=True, group="trust-backup")


def _purge(app: FrontdeskApp) -> None:
    from frontdesk.services.trust.retention import retention_service

    def job() -> None:
        try:
            retention_service(app.ctx).run_due()
        except Exception as exc:  # noqa: BLE001 - shown to the user
            app.call_later(app.notify, t("trust.purge.failed", error=str(exc)),
                           severity="error", markup=False)

    app.run_worker(job, thread=True, exclusive=True, group="trust-purge")


def require_sign_in(app: FrontdeskApp) -> None:
    """Called by the app after the store opens: sign-in, idle lock, backups, daily purge."""
    if not app.ctx.auth_required:
        announce_start_warnings(app)
        return
    from frontdesk.services.trust.auth import auth_service

    _install_keys(app)
    app.set_interval(IDLE_CHECK_SECONDS, lambda: check_idle(app))
    app.set_interval(BACKUP_EVERY_SECONDS, lambda: _backup(app))
    app.set_interval(PURGE_EVERY_SECONDS, lambda: _purge(app))
    _backup(app)
    if auth_service(app.ctx).has_users():
        show_sign_in(app)
    else:
        from frontdesk.screens.trust.setup_supervisor import SetupSupervisorScreen

        site_language = app.ctx.require_site().language
        if app.ctx.prefs.language_from_system and site_language:
            # Nobody chose a language on this PC yet: the first start speaks the site's
            # (F9 switches, and that choice is kept).
            app.set_language(site_language, remember=False)
        app.ctx.session.locked = True
        app.push_screen(SetupSupervisorScreen(), lambda _ok: _signed_in(app))


def announce_start_warnings(app: FrontdeskApp) -> None:
    """Say in words what the start-up checks found (escalation chains nobody can be called
    for, mistakes in the site's scripts file), once, after sign-in: never over a dialog,
    never as internal ids."""
    from frontdesk.screens.scripts.view import announce_errors
    from frontdesk.services.escalation.contacts import take_start_warnings
    from frontdesk.services.scripts import scripts

    text = take_start_warnings(app.ctx)
    if text:
        app.notify(text, severity="warning", timeout=15, markup=False)
    announce_errors(app, scripts(app.ctx))
