"""Step-up: the supervisor types the PIN again right before a sensitive action.

The app is built with :func:`step_up` as its ``step_up`` (``FrontdeskApp``). A
correct PIN within the last two minutes covers the next action too. The PIN is checked in a
thread worker (argon2 is slow on purpose); a wrong PIN counts towards the lockout.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from frontdesk.i18n import t
from frontdesk.messages import Deliver
from frontdesk.screens.base import FrontdeskModal
from frontdesk.text import ui
from frontdesk.workers import db_worker

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.app import FrontdeskApp
    from frontdesk.services.trust.auth import AuthResult


def error_text(result: AuthResult, tz: str, now: datetime) -> str:
    """What to tell the person after a refused PIN (tries left, or the lock's end in site time)."""
    if result.error in ("locked", "terminal_locked") and result.locked_until is not None:
        from frontdesk.domain.durations import until
        from frontdesk.domain.sitetime import clock_time
        from frontdesk.i18n import language

        end = result.locked_until
        return t(f"trust.err.{result.error}", until=clock_time(end, tz, now),
                 left=until(end, now, language(), long=True))
    if result.error == "pin_key_changed":
        return t("trust.err.pin_key_changed")
    return t("trust.err.wrong_pin", n=result.remaining_attempts)


class PinPromptScreen(FrontdeskModal[bool]):
    """Ask the signed-in supervisor's PIN; dismiss True when it is right, False on Esc."""

    DEFAULT_CSS = """
    PinPromptScreen { align: center middle; }
    #pin-box { width: 60; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    #pin-error { color: $error; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="trust.cancel"),
    ]

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action_name = action

    def compose(self) -> ComposeResult:
        """Title, PIN field, error line."""
        with Vertical(id="pin-box"):
            yield Static(ui(t("trust.stepup.title", action=t(f"trust.action.{self.action_name}"))),
                         id="pin-title")
            yield Input(password=True, placeholder=t("trust.pin"), id="pin-input", max_length=32)
            yield Static("", id="pin-error")

    def on_mount(self) -> None:
        """Focus the PIN field."""
        self.query_one("#pin-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Check the PIN off the UI thread."""
        self.query_one("#pin-error", Static).update(ui(t("trust.checking")))
        self._check(event.value)

    @db_worker(group="trust-stepup", exclusive=True)
    def _check(self, pin: str) -> None:
        from frontdesk.services.trust.auth import auth_service

        result = auth_service(self.ctx).step_up(pin, self.action_name)
        self.post_message(Deliver(self._checked, result))

    def on_work_failed(self) -> None:
        """The check did not run (the app says why): the PIN stays as typed."""
        self.query_one("#pin-error", Static).update("")

    def _checked(self, result: AuthResult) -> None:
        if result.ok:
            self.dismiss(True)
            return
        field = self.query_one("#pin-input", Input)
        field.value = ""
        ctx = self.ctx
        self.query_one("#pin-error", Static).update(
            ui(error_text(result, ctx.require_site().timezone, ctx.clock.now())))

    def action_cancel(self) -> None:
        """Esc: the action does not run."""
        self.dismiss(False)


def step_up(app: FrontdeskApp, action: str, then: Callable[[], object]) -> None:
    """Ask the PIN (unless a step-up within the last minutes still covers it), then ``then``."""
    from frontdesk.services.trust.auth import auth_service

    if not app.ctx.auth_required or auth_service(app.ctx).step_up_fresh():
        then()
        return

    def done(ok: bool | None) -> None:
        if ok:
            then()

    app.push_screen(PinPromptScreen(action), done)
