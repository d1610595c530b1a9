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

from frontdesk.i18n import t
from frontdesk.screens.trust import guard
from frontdesk.screens.trust.sign_in_form import SignInScreen
from frontdesk.workers import run_in_thread

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.app import FrontdeskApp
    from frontdesk.services.trust.backup import BackupOutcome

IDLE_CHECK_SECONDS = 30
BACKUP_EVERY_SECONDS = 4 * 3600
PURGE_EVERY_SECONDS = 24 * 3600




def show_sign_in(app: FrontdeskApp, locked: bool = False) -> None:
    """Put the sign-in (or lock) screen over everything."""
    if any(isinstance(s, SignInScreen) for s in app.screen_stack):
        return
    app.ctx.session.locked = True
    app.push_screen(SignInScreen(locked), lambda _ok: app.signed_in())


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


def backup_warning(outcome: BackupOutcome) -> str | None:
    """What to tell the desk about a backup that was not written (None: nothing to say)."""
    if outcome.skipped in ("no_space", "cap_too_small"):
        return t(f"trust.backup.{outcome.skipped}", free=outcome.free_mb, need=outcome.need_mb,
                 reserve=outcome.reserve_mb, cap=outcome.cap_mb)
    return None


def _backup(app: FrontdeskApp) -> None:
    from frontdesk.services.trust import backup

    def job() -> None:
        try:
            warning = backup_warning(backup.backup_now(app.ctx))
        except backup.BackupError as exc:
            app.call_later(app.notify, t("trust.backup.failed", error=str(exc)),
                           severity="error", markup=False)
            return
        if warning:
            app.call_later(app.notify, warning, severity="warning", timeout=20, markup=False)

    run_in_thread(app, job, group="trust-backup", exclusive=True)


def _purge(app: FrontdeskApp) -> None:
    from frontdesk.services.trust.retention import retention_service

    def job() -> None:
        svc = retention_service(app.ctx)
        try:
            svc.run_due()  # a failure goes to the app's one handler (run_in_thread)
        finally:
            for line in svc.warnings:
                app.call_later(app.notify, t("trust.purge.backup_deleted", what=line),
                               severity="warning", markup=False)
            svc.warnings.clear()

    run_in_thread(app, job, group="trust-purge", exclusive=True)


def require_sign_in(app: FrontdeskApp) -> None:
    """Called by the app after the store opens: sign-in, idle lock, backups, daily purge."""
    if not app.ctx.auth_required:
        return
    from frontdesk.services.trust.auth import auth_service

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
        app.push_screen(SetupSupervisorScreen(), lambda _ok: app.signed_in())


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
