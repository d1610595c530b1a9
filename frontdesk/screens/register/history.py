"""An entry's history: every version (who, when, which fields) and the scripts read to them.

A reading recorded by mistake is struck out here with Ctrl+Z by the guard who recorded it (or a
supervisor): it stays in the list, marked struck, with who struck it and when.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from frontdesk import i18n
from frontdesk.bindings import modal_keys
from frontdesk.domain.register.visits import Visit
from frontdesk.domain.sitetime import full_time
from frontdesk.i18n import t
from frontdesk.screens.base import FrontdeskModal
from frontdesk.screens.help import Explained
from frontdesk.text import cell, one_line, ui
from frontdesk.workers import db_worker

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext


@dataclass(frozen=True)
class Row:
    """One line of the history: when, who, what; ``use_id`` for a script reading."""

    at: datetime
    by: str
    what: str
    use_id: str | None = None
    struck: str = ""  # "struck by X at T" when a reading was struck out


def history_rows(ctx: AppContext, visit: Visit) -> list[Row]:
    """Versions of the entry and readings against it, oldest first."""
    from frontdesk.services.scripts import scripts

    tz = ctx.require_site().timezone
    rows: list[Row] = []
    for h in ctx.register.history(visit.id):
        at = datetime.fromisoformat(h.at) if h.at else visit.time_in
        if h.deleted:
            what = t("hist.deleted")
        elif not rows:
            what = t("hist.created")
        else:
            what = ", ".join(t(f"field.{f}") for f in h.fields)
        rows.append(Row(at, h.by, what))
    svc = scripts(ctx)
    uses = svc.uses_for_visit(visit.id)
    strikes = svc.strikes([u.id for u in uses])
    lang = i18n.language()
    for u in uses:
        mark = strikes.get(u.id)
        struck = t("hist.struck", by=mark.by, at=full_time(mark.at, tz)) if mark else ""
        title = svc.title_of(u.situation_id, lang)
        rows.append(Row(u.at, u.by, t("scripts.hist.read", title=title), u.id, struck))
    rows.sort(key=lambda r: r.at)
    return rows


class HistoryScreen(Explained, FrontdeskModal[None]):
    """What happened to one entry; Ctrl+Z strikes out a reading recorded by mistake."""

    HELP = "history"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="history.close"),
        Binding("ctrl+z", "strike", "Strike out reading", id="history.strike"),
        *modal_keys(),
    ]

    class Loaded(Message):
        """The rows, from the worker."""

        def __init__(self, rows: list[Row]) -> None:
            super().__init__()
            self.rows = rows

    class Struck(Message):
        """A reading was struck out (or ``error`` says why not)."""

        def __init__(self, error: str = "") -> None:
            super().__init__()
            self.error = error

    def __init__(self, visit: Visit) -> None:
        super().__init__()
        self.visit = visit
        self.rows: list[Row] = []

    def compose(self) -> ComposeResult:
        """Title, table, hint."""
        with Vertical(id="history-box"):
            yield Static(ui(t("hist.title", name=self.visit.name or t("reg.no_name"))),
                         id="history-title")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static(ui(t("hist.hint")), id="history-hint")

    def on_mount(self) -> None:
        """Columns, then the rows from a worker."""
        table = self.query_one(DataTable)
        table.add_columns(t("hist.when"), t("hist.by"), t("hist.what"))
        self.set_focus(table)
        self._load()

    @db_worker(group="history-load", exclusive=True)
    def _load(self) -> None:
        self.post_message(self.Loaded(history_rows(self.ctx, self.visit)))

    def on_history_screen_loaded(self, message: Loaded) -> None:
        """Fill the table (keeping the cursor's row)."""
        tz = self.ctx.require_site().timezone
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.rows = message.rows
        for r in self.rows:
            what = cell(r.what, 200)
            if r.struck:  # the mark first: a narrow screen cuts the end of the line
                what = Text(one_line(r.struck, 80) + " ", style="italic")
                what.append(one_line(r.what, 120), style="strike dim")
            table.add_row(Text(full_time(r.at, tz)), cell(r.by, 16), what)
        if self.rows:
            table.move_cursor(row=min(row, len(self.rows) - 1))

    def action_strike(self) -> None:
        """Ctrl+Z on a reading: strike it out (only the guard who recorded it, or a supervisor)."""
        table = self.query_one(DataTable)
        if not self.rows:
            return
        row = self.rows[table.cursor_row]
        if row.use_id is None or row.struck:
            self.notify(t("hist.strike_what"), markup=False)
            return
        ctx = self.ctx
        self._strike(row.use_id, ctx.session.user, ctx.session.is_supervisor)

    @db_worker(group="history-strike")
    def _strike(self, use_id: str, by: str, supervisor: bool) -> None:
        from frontdesk.services.scripts import scripts

        try:
            scripts(self.ctx).strike(use_id, by, supervisor)
        except PermissionError:
            self.post_message(self.Struck(t("scripts.strike.not_yours")))
        else:
            self.post_message(self.Struck())

    def on_history_screen_struck(self, message: Struck) -> None:
        """Say it and show the reading struck."""
        if message.error:
            self.notify(message.error, severity="error", markup=False)
            return
        self.notify(t("scripts.strike.done"), markup=False)
        self._load()
