"""The script manager: every situation with its key and source; preview; a supervisor edits.

Reading is for everyone. Editing a situation or the site variables goes through
``guard_action(app, "edit_scripts", ...)`` and is saved to the site file (never the shipped one).
"""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Static

from frontdesk import i18n
from frontdesk.domain.scripts.book import ScriptBook, Situation
from frontdesk.i18n import t
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.trust.guard import guard_action
from frontdesk.services.scripts import scripts
from frontdesk.text import cell, ui
from frontdesk.widgets.script_card import ScriptCard


class ScriptPreviewScreen(ModalScreen[None]):
    """A situation's card as the guard would see it (nothing recorded)."""

    DEFAULT_CSS = "ScriptPreviewScreen { background: $background; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Back", id="scripts.close"),
        Binding("b", "toggle_both", "Both languages", id="scripts.both"),
    ]

    def __init__(self, situation: Situation, book: ScriptBook) -> None:
        super().__init__()
        self.situation, self.book = situation, book

    def compose(self) -> ComposeResult:
        """The card."""
        yield ScriptCard(self.situation, self.book, i18n.language())

    def action_toggle_both(self) -> None:
        """Both languages side by side, or one."""
        card = self.query_one(ScriptCard)
        card.show(both_langs=not card.both_langs)


class ScriptManagerScreen(FrontdeskScreen[None]):
    """All situations: key, id, title, source."""

    DEFAULT_CSS = """
    #mgr-title { height: 1; padding: 0 1; background: $boost; color: $text-accent; }
    #mgr-table { height: 1fr; }
    #mgr-hint { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="scripts.close"),
        Binding("e", "edit", "Edit", id="scripts.edit"),
        Binding("v", "variables", "Site variables", id="scripts.variables"),
    ]

    def compose(self) -> ComposeResult:
        """Title, table, hint, footer."""
        yield Header()
        yield Static(id="mgr-title")
        yield DataTable(id="mgr-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="mgr-hint")
        yield Footer()

    def on_mount(self) -> None:
        """Fill from the loaded book; the list has the focus."""
        super().on_mount()
        self.query_one("#mgr-table", DataTable).focus()

    def relabel(self) -> None:
        """Labels and the table in the current language."""
        self.query_one("#mgr-title", Static).update(ui(t("scripts.manager.title")))
        self.query_one("#mgr-hint", Static).update(ui(t("scripts.manager.hint")))
        self.fill()

    def reload(self) -> None:
        """After a save elsewhere: show the current book."""
        self.fill()

    @property
    def book(self) -> ScriptBook:
        """The book the app uses now."""
        return scripts(self.ctx).book

    def fill(self) -> None:
        """One row per situation, keyed first."""
        table = self.query_one("#mgr-table", DataTable)
        current = self.selected()
        table.clear(columns=True)
        for key, width in (("key", 4), ("id", 24), ("title", 36), ("source", 6)):
            table.add_column(t(f"scripts.col.{key}"), key=key, width=width)
        lang = i18n.language()
        for sit in self.book.ordered():
            table.add_row(Text(sit.key or ""), cell(sit.id, 40), cell(sit.title.text(lang), 80),
                          Text(t(f"scripts.source.{sit.source}")), key=sit.id)
        if current is not None:
            ids = [s.id for s in self.book.ordered()]
            if current.id in ids:
                table.move_cursor(row=ids.index(current.id))

    def selected(self) -> Situation | None:
        """The situation under the cursor."""
        table = self.query_one("#mgr-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # noqa: BLE001 - an empty or changing table has no selection
            return None
        return self.book.by_id(str(key.value))

    @on(DataTable.RowSelected, "#mgr-table")
    def _preview(self, _event: DataTable.RowSelected) -> None:
        sit = self.selected()
        if sit is not None:
            self.app.push_screen(ScriptPreviewScreen(sit, self.book))

    def action_edit(self) -> None:
        """Edit the selected situation (supervisor)."""
        sit = self.selected()
        if sit is None:
            return
        from frontdesk.screens.scripts.editor import ScriptEditScreen

        def edit() -> None:
            self.app.push_screen(ScriptEditScreen(sit, self.book))

        guard_action(self.fd_app, "edit_scripts", edit)

    def action_variables(self) -> None:
        """Set the site variables (supervisor)."""
        from frontdesk.screens.scripts.editor import ScriptVariablesScreen

        def edit() -> None:
            self.app.push_screen(ScriptVariablesScreen(self.book))

        guard_action(self.fd_app, "edit_scripts", edit)
