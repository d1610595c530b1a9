"""F1: every key of the screen the guard was on, in the current language."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from frontdesk.i18n import t
from frontdesk.text import ui


class HelpScreen(ModalScreen[None]):
    """Lists the keys of ``target`` and of the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, target: Screen[object]) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        """A title and a two-column table."""
        with Vertical(id="help-box"):
            yield Static(ui(t("help.title")), id="help-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(ui(t("help.close")), id="help-hint")

    def on_mount(self) -> None:
        """Fill the table from the live bindings (what the footer would show, and more)."""
        table = self.query_one(DataTable)
        table.add_columns(t("help.key"), t("help.action"))
        seen: set[str] = set()
        keys: set[str] = set()  # a screen's key hides the app's on the same key: list it once
        for node in (self.target, self.app):
            for bindings in node._bindings.key_to_bindings.values():
                for b in bindings:
                    if not b.description or (b.id and b.id in seen) or b.key in keys:
                        continue
                    if b.id:
                        seen.add(b.id)
                    keys.add(b.key)
                    key = self.app.get_key_display(b)
                    table.add_row(Text(key), Text(b.description))
        table.focus()
