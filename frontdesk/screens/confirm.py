"""A yes/no question that returns a bool."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from frontdesk.i18n import t
from frontdesk.text import ui


class ConfirmScreen(ModalScreen[bool]):
    """Ask ``question``; Y / Enter on Yes returns True, N / Esc returns False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", show=False),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """Question and two buttons."""
        with Vertical(id="confirm-box"):
            yield Static(ui(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(ui(t("confirm.yes")), id="yes", variant="error")
                yield Button(ui(t("confirm.no")), id="no", variant="primary")

    def on_mount(self) -> None:
        """Safe default: No has focus."""
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A click answers."""
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        """A key answers."""
        self.dismiss(value)
