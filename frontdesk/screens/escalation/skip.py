"""Ask why a step or reporting level is skipped (越级); a reason is required."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from frontdesk.i18n import t
from frontdesk.text import clean_input, ui


class EscalationSkipScreen(ModalScreen[str | None]):
    """Enter saves the reason; Esc cancels."""

    DEFAULT_CSS = """
    EscalationSkipScreen { align: center middle; }
    EscalationSkipScreen #esc-skip-box { width: 60; height: auto; border: round $warning;
        padding: 0 1; background: $surface; }
    EscalationSkipScreen #esc-skip-error { color: $error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="con.cancel"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        """Title, what is skipped, the reason field."""
        with Vertical(id="esc-skip-box"):
            yield Static(ui(t("esc.skip.title")))
            yield Static(ui(self.what))
            yield Input(id="esc-skip-reason")
            yield Static(id="esc-skip-error")

    def on_mount(self) -> None:
        """Type the reason straight away."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: a reason is required."""
        reason = clean_input(event.value)
        if not reason:
            self.query_one("#esc-skip-error", Static).update(ui(t("esc.skip.required")))
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        """Esc: nothing is skipped."""
        self.dismiss(None)
