"""An entry's history: every version (who, when, which fields) and the scripts read to them."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from frontdesk.domain.register.visits import Visit
from frontdesk.domain.sitetime import full_time
from frontdesk.i18n import language, t
from frontdesk.screens.base import FrontdeskModal
from frontdesk.text import cell, ui
from frontdesk.workers import fails_soft

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext


def script_readings(ctx: AppContext, visit_id: str) -> list[tuple[datetime, str, str]]:
    """Scripts read against an entry, as history rows ("read 'journalist at the gate'")."""
    from frontdesk.services.scripts import scripts

    svc = scripts(ctx)
    lang = language()
    return [(u.at, u.by, t("scripts.hist.read", title=svc.title_of(u.situation_id, lang)))
            for u in svc.uses_for_visit(visit_id)]


class HistoryScreen(FrontdeskModal[None]):
    """Read-only list of what happened to one entry."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="history.close"),
    ]

    def __init__(self, visit: Visit) -> None:
        super().__init__()
        self.visit = visit

    def compose(self) -> ComposeResult:
        """Title, table, hint."""
        with Vertical(id="history-box"):
            yield Static(ui(t("hist.title", name=self.visit.name or t("reg.no_name"))),
                         id="history-title")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static(ui(t("help.close")), id="history-hint")

    @fails_soft
    def on_mount(self) -> None:
        """Load versions and script readings, oldest first."""
        ctx: AppContext = self.ctx
        tz = ctx.require_site().timezone
        table = self.query_one(DataTable)
        table.add_columns(t("hist.when"), t("hist.by"), t("hist.what"))
        rows: list[tuple[datetime, str, str]] = []
        for h in ctx.register.history(self.visit.id):
            at = datetime.fromisoformat(h.at) if h.at else self.visit.time_in
            if h.deleted:
                what = t("hist.deleted")
            elif len(rows) == 0:
                what = t("hist.created")
            else:
                what = ", ".join(t(f"field.{f}") for f in h.fields)
            rows.append((at, h.by, what))
        rows.extend(script_readings(ctx, self.visit.id))
        rows.sort(key=lambda r: r[0])
        for at, by, what in rows:
            table.add_row(Text(full_time(at, tz)), cell(by, 16), cell(what, 200))
        table.focus()
