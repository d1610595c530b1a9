"""F1: how the screen the guard was on works, in words, then every key of it and of the app.

A screen says how it works by mixing in :class:`Explained` with the key of its words
(``help.text.<name>`` in ``frontdesk/locale``).
"""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from frontdesk.bindings import localize
from frontdesk.i18n import t
from frontdesk.text import ui


class Explained:
    """A screen whose F1 starts with words on how it works (``help.text.<HELP>``)."""

    HELP: ClassVar[str] = ""


class HelpScreen(ModalScreen[None]):
    """How ``target`` works, then the keys of ``target`` and of the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, target: Screen[object]) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        """A title, the words, and a two-column table of keys."""
        with Vertical(id="help-box"):
            yield Static(ui(t("help.title")), id="help-title")
            if isinstance(self.target, Explained) and self.target.HELP:
                yield Static(ui(t(f"help.text.{self.target.HELP}")), id="help-text")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(ui(t("help.close")), id="help-hint")

    def on_mount(self) -> None:
        """Fill the table from the live bindings (what the footer would show, and more)."""
        localize(self)
        table = self.query_one(DataTable)
        table.add_columns(t("help.key"), t("help.action"))
        seen: set[str] = set()
        keys: set[str] = set()  # a screen's key hides the app's on the same key: list it once
        # A dialog's keys are its own: Textual does not pass the app's keys to a modal screen.
        nodes = (self.target,) if isinstance(self.target, ModalScreen) else (self.target, self.app)
        for node in nodes:
            for bindings in node._bindings.key_to_bindings.values():
                for b in bindings:
                    what = b.id or f"{b.action}/{b.description}"
                    if not b.description or what in seen or b.key in keys:
                        continue
                    seen.add(what)
                    keys.add(b.key)
                    key = self.app.get_key_display(b)
                    table.add_row(Text(key), Text(b.description))
        table.focus()
