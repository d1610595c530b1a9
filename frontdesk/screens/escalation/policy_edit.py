"""Edit one responder step's simple fields; the policy is validated before it is written."""
from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from frontdesk.domain.escalation.model import Step, StepKind
from frontdesk.i18n import t
from frontdesk.text import ui

Saver = Callable[[int, int, int], "str | None"]


class StepEditScreen(ModalScreen[bool]):
    """Ctrl+S (or Enter in the last field) saves; an invalid policy is shown, not written."""

    DEFAULT_CSS = """
    StepEditScreen { align: center middle; }
    StepEditScreen #pol-edit { width: 60; height: auto; border: round $primary;
        background: $surface; padding: 0 1; }
    StepEditScreen .pol-row { height: 1; }
    StepEditScreen .pol-label { width: 34; }
    StepEditScreen #pol-error { color: $error; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="con.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="con.cancel"),
    ]

    def __init__(self, index: int, step: Step, count: int, saver: Saver) -> None:
        super().__init__()
        self.index, self.step, self.count, self.saver = index, step, count, saver

    def compose(self) -> ComposeResult:
        """Three number fields."""
        with Vertical(id="pol-edit"):
            yield Static(ui(t("con.policy.edit_title", n=self.index + 1)))
            for name, key, value in (
                    ("misses", "con.policy.misses", self.step.misses_to_advance),
                    ("wait", "con.policy.wait", self.step.wait_minutes),
                    ("order", "con.policy.order", self.index + 1)):
                with Horizontal(classes="pol-row"):
                    yield Label(ui(t(key)), classes="pol-label")
                    yield Input(str(value), id=f"pol-{name}", compact=True, type="integer")
            yield Static(id="pol-error")

    def on_mount(self) -> None:
        """Fields that do not apply to this kind of step are disabled."""
        simple = self.step.kind in (StepKind.CALL, StepKind.CALL_MANY, StepKind.EMERGENCY)
        for name in ("misses", "wait"):
            self.query_one(f"#pol-{name}", Input).disabled = not simple
        self.query_one("#pol-misses" if simple else "#pol-order", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter saves."""
        self.action_save()

    def action_save(self) -> None:
        """Save through the policy screen; stay open with the problem if it is refused."""
        try:
            values = [int(self.query_one(f"#pol-{n}", Input).value or "x")
                      for n in ("misses", "wait", "order")]
        except ValueError:
            self.query_one("#pol-error", Static).update(ui(t("con.policy.invalid", error="")))
            return
        error = self.saver(*values)
        if error:
            self.query_one("#pol-error", Static).update(ui(error))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(False)
