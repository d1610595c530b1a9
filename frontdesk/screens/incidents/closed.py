"""Closed incidents (board ``c``): filter by the event's date, kind and level, search by number,
place or summary; each row says what was late. Enter opens the incident."""
from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Select, Static
from textual.worker import Worker, WorkerState

from frontdesk.domain.incidents.model import Level
from frontdesk.domain.sitetime import full_time
from frontdesk.i18n import language, t
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.services.incidents.history import ClosedRow
from frontdesk.services.incidents.service import IncidentService
from frontdesk.text import cell, clean_input, one_line, ui
from frontdesk.widgets.countdown import fit
from frontdesk.workers import db_worker


class ClosedIncidentsScreen(FrontdeskScreen[None]):
    """The list of closed incidents with filters."""

    DEFAULT_CSS = """
    ClosedIncidentsScreen #closed-filters { height: 1; padding: 0 1; }
    ClosedIncidentsScreen #closed-filters Input { width: 13; margin-right: 1; }
    ClosedIncidentsScreen #closed-filters Select { width: 16; margin-right: 1; }
    ClosedIncidentsScreen #closed-search { width: 1fr; }
    ClosedIncidentsScreen #closed-status { height: 1; padding: 0 1; color: $text-muted; }
    ClosedIncidentsScreen #closed-table { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="closed.back"),
        Binding("enter", "open", "Open", id="closed.open", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ClosedRow] = []

    @property
    def service(self) -> IncidentService:
        """The incident service."""
        return self.ctx.service("incidents", IncidentService)

    def compose(self) -> ComposeResult:
        """Filters, status, table."""
        lang = language()
        kinds = [(one_line(k.name.in_lang(lang), 14), k.id)
                 for k in self.service.catalogue.kinds.values()]
        yield Header()
        with Horizontal(id="closed-filters"):
            yield Input(id="closed-from", compact=True)
            yield Input(id="closed-to", compact=True)
            yield Select([(t("inc.closed.any"), ""), *kinds], value="", allow_blank=False,
                         id="closed-kind", compact=True)
            yield Select([(t("inc.closed.any"), ""), *((lv.label.in_lang(lang), lv.value)
                                                       for lv in Level)],
                         value="", allow_blank=False, id="closed-level", compact=True)
            yield Input(id="closed-search", compact=True)
        yield Static(id="closed-status")
        yield DataTable(id="closed-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def relabel(self) -> None:
        """Placeholders and column heads in the current language."""
        for wid, key in (("closed-from", "inc.closed.from"), ("closed-to", "inc.closed.to"),
                         ("closed-search", "inc.closed.search")):
            self.query_one(f"#{wid}", Input).placeholder = t(key)
        table = self.query_one("#closed-table", DataTable)
        table.clear(columns=True)
        for key in ("number", "date", "kind", "level", "late"):
            table.add_column(t(f"inc.col.{key}"), key=key)
        self._fill()

    def reload(self) -> None:
        """Query with the filters as they stand."""
        first = self._day("#closed-from")
        last = self._day("#closed-to")
        if first is False or last is False:
            self.query_one("#closed-status", Static).update(ui(t("inc.closed.bad_date")))
            return
        self._query(first or None, last or None,
                    str(self.query_one("#closed-kind", Select).value or ""),
                    str(self.query_one("#closed-level", Select).value or ""),
                    clean_input(self.query_one("#closed-search", Input).value))

    def _day(self, wid: str) -> date | None | bool:
        text = clean_input(self.query_one(wid, Input).value).strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            return False

    @db_worker(group="closed-list", exclusive=True)
    def _query(self, first: date | None, last: date | None, kind: str, level: str,
               query: str) -> list[ClosedRow]:
        return self.service.closed(first, last, kind or None, level or None, query)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The query finished: show the rows."""
        if (event.worker.group == "closed-list" and event.state is WorkerState.SUCCESS
                and event.worker.result is not None):  # None: failed, and the app said why
            self.rows = list(event.worker.result)
            self._fill()

    def _fill(self) -> None:
        table = self.query_one("#closed-table", DataTable)
        table.clear()
        lang, tz = language(), self.ctx.require_site().timezone
        kinds = self.service.catalogue.kinds
        for row in self.rows:
            inc = row.incident
            name = kinds[inc.kind].name.in_lang(lang) if inc.kind in kinds else inc.kind
            late = t("inc.late.short", n=len(row.late)) if row.late else t("inc.late.none")
            table.add_row(cell(inc.number or inc.id[:8]),
                          cell(full_time(inc.occurred_at, tz)), cell(fit(name, 16)),
                          cell(inc.level.label.in_lang(lang)), cell(late))
        self.query_one("#closed-status", Static).update(
            ui(f"{t('inc.closed.title')} · {t('inc.closed.count', n=len(self.rows))}"))

    @on(Input.Changed)
    @on(Select.Changed)
    def _filter_changed(self) -> None:
        if self.ctx.is_open:
            self.reload()

    @on(DataTable.RowSelected, "#closed-table")
    def _selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Open the selected incident."""
        table = self.query_one("#closed-table", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return
        from frontdesk.screens.incidents.detail import IncidentScreen

        self.app.push_screen(IncidentScreen(self.rows[table.cursor_row].incident.id))

    def action_back(self) -> None:
        """Back to the board."""
        self.app.pop_screen()
