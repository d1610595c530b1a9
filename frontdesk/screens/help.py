"""F1: every key of the screen the guard was on, in the current language."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from frontdesk.bindings import describe
from frontdesk.i18n import t
from frontdesk.screens.base import FrontdeskModal
from frontdesk.text import ui


class HelpScreen(FrontdeskModal[None]):
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
        """Fill the table from the screen's active bindings (the footer's, and the hidden ones),
        then the app's keys a dialog covers."""
        table = self.query_one(DataTable)
        table.add_columns(t("help.key"), t("help.action"))
        seen: set[str] = set()
        keys: set[str] = set()  # a screen's key hides the app's on the same key: list it once
        found = [active.binding for active in self.target.active_bindings.values()]
        app_keys = [b for b in self.app.BINDINGS if isinstance(b, Binding)]
        for b in (*found, *app_keys):
            if not b.description or (b.id and b.id in seen) or b.key in keys:
                continue
            if b.id:
                seen.add(b.id)
            keys.add(b.key)
            table.add_row(Text(self.app.get_key_display(b)), Text(describe(b)))
        table.focus()
