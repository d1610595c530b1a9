"""Small dialogs for incident actions: a few text fields, choices, and a checkbox.

The fields scroll inside the box, so a long form (a public statement) still fits at 80x24 with
its buttons in view.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from frontdesk.i18n import t
from frontdesk.text import clean_input, ui

Choice = tuple[str, str, list[tuple[str, str]]]
"""(key, label, [(shown text, value), ...]) of one extra choice."""


class PromptScreen(ModalScreen[dict[str, str] | None]):
    """Ask for ``fields`` ((key, label) pairs), an optional ``choice``, optional ``choices``
    (more selects, each returned under its key) and an optional flag.

    Returns ``{key: text, "choice": value, <choice key>: value, "flag": "1"|""}`` or None when
    cancelled. ``password`` names fields whose text is hidden (a PIN). With ``save``, OK first
    hands the answers to it and the dialog closes only when it returns True: a refused or
    failed save leaves everything typed in place.
    """

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen #prompt-box { width: 76; max-width: 100%; height: auto; max-height: 22;
        border: round $primary; background: $surface; padding: 0 1; }
    PromptScreen #prompt-fields { height: auto; max-height: 17; }
    PromptScreen Label { color: $text-muted; }
    PromptScreen #prompt-buttons { height: 1; align-horizontal: right; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel", show=False),
    ]

    def __init__(self, title: str, fields: list[tuple[str, str]],
                 choice: list[tuple[str, str]] | None = None, choice_label: str = "",
                 flag: str = "", values: dict[str, str] | None = None,
                 choices: list[Choice] | None = None, password: tuple[str, ...] = (),
                 save: Callable[[dict[str, str]], bool | None] | None = None) -> None:
        super().__init__()
        self.title_text, self.fields, self.choice = title, fields, choice
        self.choice_label, self.flag, self.values = choice_label, flag, values or {}
        self.choices, self.password = choices or [], password
        self.save = save

    def compose(self) -> ComposeResult:
        """The dialog."""
        with Vertical(id="prompt-box"):
            yield Static(ui(self.title_text), classes="title")
            with VerticalScroll(id="prompt-fields"):
                if self.choice:
                    if self.choice_label:
                        yield Label(ui(self.choice_label))
                    yield Select([(ui(lbl), val) for lbl, val in self.choice],
                                 value=self.values.get("choice", self.choice[0][1]),
                                 allow_blank=False, id="prompt-choice", compact=True)
                for key, label, options in self.choices:
                    yield Label(ui(label))
                    yield Select([(ui(lbl), val) for lbl, val in options],
                                 value=self.values.get(key, options[0][1]), allow_blank=False,
                                 id=f"prompt-{key}", compact=True)
                for key, label in self.fields:
                    yield Label(ui(label))
                    yield Input(value=self.values.get(key, ""), id=f"prompt-{key}", compact=True,
                                password=key in self.password)
                if self.flag:
                    yield Checkbox(ui(self.flag), id="prompt-flag", compact=True)
            with Horizontal(id="prompt-buttons"):
                yield Button(ui(t("inc.cancel")), id="prompt-cancel", compact=True)
                yield Button(ui(t("inc.ok")), id="prompt-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        """Focus the first field (or the choice)."""
        target = self.query(Input).first() if self.fields else self.query_one("#prompt-ok")
        target.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """OK or cancel."""
        if event.button.id == "prompt-ok":
            self.action_ok()
        else:
            self.action_cancel()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter confirms."""
        self.action_ok()

    def action_cancel(self) -> None:
        """Close, nothing asked."""
        self.dismiss(None)

    def action_ok(self) -> None:
        """Return what was typed."""
        out = {key: clean_input(self.query_one(f"#prompt-{key}", Input).value)
               for key, _label in self.fields}
        if self.choice:
            out["choice"] = str(self.query_one("#prompt-choice", Select).value)
        for key, _label, _options in self.choices:
            out[key] = str(self.query_one(f"#prompt-{key}", Select).value)
        if self.flag:
            out["flag"] = "1" if self.query_one("#prompt-flag", Checkbox).value else ""
        if self.save is not None and not self.save(out):
            return
        self.dismiss(out)
