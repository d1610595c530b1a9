"""Signing in at start, the idle lock, and the trust jobs that run while the app is open.

:func:`require_sign_in` is called by the app once the store is open. When the context asks for
it (``ctx.auth_required``, set by ``frontdesk`` itself; tests opt in) it shows the first-start
supervisor setup or the sign-in screen, checks the idle time every 30 seconds, and runs the
backup and retention jobs at start and while running. The sign-in/lock screen covers everything
and, while it is up, the app refuses every key but quit and language (``FrontdeskApp.check_action``);
whatever was half-typed underneath stays as it was.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Button, Input, Static

from frontdesk.i18n import t
from frontdesk.messages import Deliver
from frontdesk.screens.base import FrontdeskModal
from frontdesk.screens.trust import guard
from frontdesk.screens.trust.pin_prompt import error_text
from frontdesk.text import ui
from frontdesk.workers import db_worker, run_in_thread

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.app import FrontdeskApp
    from frontdesk.services.trust.auth import AuthResult
    from frontdesk.services.trust.backup import BackupOutcome

IDLE_CHECK_SECONDS = 30
BACKUP_EVERY_SECONDS = 4 * 3600
PURGE_EVERY_SECONDS = 24 * 3600


class SignInScreen(FrontdeskModal[bool]):
    """Name and PIN; covers the whole app. ``locked`` says it is the idle lock, not the start."""

    DEFAULT_CSS = """
    SignInScreen { align: center middle; background: $background; }
    #signin-box { width: 64; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    #signin-error { color: $error; height: auto; }
    #signin-hint { color: $text-muted; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, locked: bool = False) -> None:
        super().__init__()
        self.locked = locked

    def compose(self) -> ComposeResult:
        """Title, name, PIN, message."""
        with Vertical(id="signin-box"):
            yield Static(ui(t("trust.lock.title" if self.locked else "trust.signin.title")),
                         id="signin-title")
            if self.locked:
                yield Static(ui(t("trust.lock.hint")), id="signin-hint")
            yield Input(placeholder=t("trust.name"), id="signin-name", max_length=40)
            yield Input(password=True, placeholder=t("trust.pin"), id="signin-pin", max_length=32)
            yield Button(ui(t("trust.ok")), id="signin-ok", variant="primary")
            yield Static("", id="signin-error")

    def on_mount(self) -> None:
        """Prefill the last person's name when locked; focus what is missing."""
        name = self.query_one("#signin-name", Input)
        name.border_title = t("trust.name")
        self.query_one("#signin-pin", Input).border_title = t("trust.pin")
        user = self.ctx.session.user
        if self.locked and user:
            name.value = user
            self.query_one("#signin-pin", Input).focus()
        else:
            name.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the name moves on; Enter in the PIN signs in."""
        if event.input.id == "signin-name":
            self.query_one("#signin-pin", Input).focus()
        else:
            self._submit()

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        """The OK button."""
        self._submit()

    def _submit(self) -> None:
        name = self.query_one("#signin-name", Input).value
        pin = self.query_one("#signin-pin", Input).value
        self.query_one("#signin-error", Static).update(ui(t("trust.checking")))
        self._check(name, pin)

    @db_worker(group="trust-signin", exclusive=True)
    def _check(self, name: str, pin: str) -> None:
        from frontdesk.services.trust.auth import auth_service

        result = auth_service(self.ctx).sign_in(name, pin)
        self.post_message(Deliver(self._checked, result))

    def on_work_failed(self) -> None:
        """The check did not run (the app says why): the name and PIN stay as typed."""
        self.query_one("#signin-error", Static).update("")

    def _checked(self, result: AuthResult) -> None:
        if result.ok:
            self.dismiss(True)
            return
        self.query_one("#signin-pin", Input).value = ""
        ctx = self.ctx
        self.query_one("#signin-error", Static).update(
            ui(error_text(result, ctx.require_site().timezone, ctx.clock.now())))


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

        app.ctx.session.locked = True
        app.push_screen(SetupSupervisorScreen(), lambda _ok: app.signed_in())
