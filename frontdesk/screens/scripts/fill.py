"""V on a script card: type what the card still lacks (the gm office's number, the place...).

One field per blank, labelled with what belongs there. Enter moves on and, on the last field,
fills the card; Esc goes back (asking first when something was typed). Values are for this run
only: the script manager (F7, supervisor) keeps a site's values in its file for good.
"""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from frontdesk.domain.scripts.book import ScriptBook
from frontdesk.i18n import t
from frontdesk.screens.base import FrontdeskModal
from frontdesk.screens.discard import GuardsTyping
from frontdesk.text import clean_input, ui
from frontdesk.widgets.field import Field
from frontdesk.widgets.script_card import blank_label


class FillBlanksScreen(GuardsTyping, FrontdeskModal[dict[str, str] | None]):
    """Ask for ``names`` (variables); dismiss with the values typed (empty ones left out)."""

    DEFAULT_CSS = """
    FillBlanksScreen { align: center middle; }
    #fill-box { width: 70; max-width: 100%; height: auto; max-height: 100%;
                border: round $accent; background: $surface; padding: 0 1; }
    #fill-box Input { margin: 0 0 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="scripts.fill_cancel"),
        Binding("ctrl+s", "apply", "Fill in", id="scripts.fill_apply", priority=True),
    ]

    def __init__(self, book: ScriptBook, names: list[str], lang: str) -> None:
        super().__init__()
        self.book, self.names, self.lang = book, names, lang

    def compose(self) -> ComposeResult:
        """A title and one labelled field per blank."""
        with Vertical(id="fill-box"):
            yield Static(ui(t("scripts.fill.title")), id="fill-title")
            for name in self.names:
                field = Field(id=f"fill-{name}", max_length=200)
                field.border_title = blank_label(self.book, name, self.lang)
                yield field

    def on_mount(self) -> None:
        """The first blank has the focus."""
        self.set_focus(self.query_one(f"#fill-{self.names[0]}", Input))

    def values(self) -> dict[str, str]:
        """What was typed, by variable (empty fields left out)."""
        out = {n: clean_input(self.query_one(f"#fill-{n}", Input).value) for n in self.names}
        return {k: v for k, v in out.items() if v}

    def unsaved(self) -> str:
        """Named while something is typed (Esc then asks)."""
        return t("scripts.fill.what") if self.values() else ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: next blank; on the last one, fill the card."""
        if event.input.id == f"fill-{self.names[-1]}":
            self.action_apply()
        else:
            self.focus_next()

    def action_apply(self) -> None:
        """Fill the card with what was typed."""
        self.dismiss(self.values())

    def action_cancel(self) -> None:
        """Back to the card (asking first if something was typed)."""
        self.leave(lambda: self.dismiss(None))
