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

from frontdesk.bindings import describe
from frontdesk.i18n import catalog, t
from frontdesk.screens.base import FrontdeskModal
from frontdesk.text import ui


class Explained:
    """A screen whose F1 starts with words on how it works (``help.text.<HELP>``)."""

    HELP: ClassVar[str] = ""


class HelpScreen(FrontdeskModal[None]):
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
        """Fill the table from the screen's active bindings (the footer's, and the hidden ones),
        then the app's keys a dialog covers."""
        table = self.query_one(DataTable)
        table.add_columns(t("help.key"), t("help.action"))
        seen: set[str] = set()
        keys: set[str] = set()  # a screen's key hides the app's on the same key: list it once
        # The screen's keys and the app's; a focused field's own keys only when the footer
        # shows them or they are worth knowing (copy: ``textual.<action>`` in the locale), not
        # every cursor move.
        strings = catalog()
        found = [active.binding for active in self.target.active_bindings.values()
                 if active.binding.show or active.node is self.target
                 or active.node is self.app or f"textual.{active.binding.action}" in strings]
        # A dialog's keys are its own: Textual does not pass the app's keys to a modal screen.
        app_keys = [] if isinstance(self.target, ModalScreen) else \
            [b for b in self.app.BINDINGS if isinstance(b, Binding)]
        for b in (*found, *app_keys):
            what = b.id or f"{b.action}/{b.description}"
            if not b.description or what in seen or b.key in keys:
                continue
            seen.add(what)
            keys.add(b.key)
            table.add_row(Text(self.app.get_key_display(b)), Text(describe(b)))
        table.focus()
