"""Erase one person on request (supervisor): search, see every matching entry, confirm, purge.

The search takes a name, phone, ID or card number and plate; the records it lists include
incident text naming the person by any identifier found for them, and the erasure reaches every
backup and is kept in the privacy ledger (:mod:`frontdesk.services.trust.retention`)."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Static

from frontdesk.i18n import t
from frontdesk.messages import DataChanged, Deliver
from frontdesk.screens.base import FrontdeskModal
from frontdesk.text import cell, ui
from frontdesk.workers import db_worker, fails_soft


class ErasePersonScreen(FrontdeskModal[None]):
    """Name / phone / ID → matches (what matched) → confirm → erased and recorded."""

    DEFAULT_CSS = """
    ErasePersonScreen { align: center middle; background: $background; }
    #erase-box { width: 100%; height: 100%; padding: 0 1; }
    #erase-table { height: 1fr; }
    #erase-form Input { width: 1fr; }
    #erase-msg { height: auto; color: $warning; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel", id="trust.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.matches: list[object] = []

    def compose(self) -> ComposeResult:
        """Search fields, results, erase button."""
        with Vertical(id="erase-box"):
            yield Static(ui(t("trust.erase.title")))
            with Horizontal(id="erase-form"):
                yield Input(placeholder=t("trust.name"), id="erase-name", max_length=60)
                yield Input(placeholder=t("trust.erase.phone"), id="erase-phone", max_length=30)
                yield Input(placeholder=t("trust.erase.cred"), id="erase-cred", max_length=40)
                yield Input(placeholder=t("trust.erase.plate"), id="erase-plate", max_length=20)
                yield Button(ui(t("trust.erase.search")), id="erase-search")
            yield DataTable(id="erase-table", cursor_type="row")
            yield Static("", id="erase-msg")
            yield Button(ui(t("trust.erase.go")), id="erase-go", variant="error", disabled=True)

    def on_mount(self) -> None:
        """Columns."""
        self.query_one("#erase-table", DataTable).add_columns("", "")
        self.query_one("#erase-name", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter searches."""
        self._search()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Search or erase."""
        if event.button.id == "erase-search":
            self._search()
        elif event.button.id == "erase-go" and self.matches:
            from frontdesk.screens.confirm import ConfirmScreen

            n = len(self.matches)
            self.app.push_screen(ConfirmScreen(t("trust.erase.confirm", n=n)),
                                 lambda ok: self._erase() if ok else None)

    @fails_soft
    def _search(self) -> None:
        from frontdesk.domain.trust.retention import PersonKey

        try:
            key = PersonKey(name=self.query_one("#erase-name", Input).value,
                            phone=self.query_one("#erase-phone", Input).value,
                            credential_number=self.query_one("#erase-cred", Input).value,
                            plate=self.query_one("#erase-plate", Input).value)
        except ValueError:
            self.query_one("#erase-msg", Static).update(ui(t("trust.erase.need_key")))
            return
        from frontdesk.services.trust.retention import retention_service

        self._show(retention_service(self.ctx).find_person(key))

    def _show(self, matches: list[object]) -> None:
        self.matches = matches
        table = self.query_one("#erase-table", DataTable)
        table.clear()
        for m in matches:
            table.add_row(cell(m.summary, 60), cell(", ".join(m.matched)))  # type: ignore[attr-defined]
        self.query_one("#erase-msg", Static).update(
            ui(t("trust.erase.found", n=len(matches)) if matches else t("trust.erase.none")))
        self.query_one("#erase-go", Button).disabled = not matches

    @db_worker(group="trust-erase", exclusive=True)
    def _erase(self) -> None:
        from frontdesk.services.trust.retention import retention_service

        ctx = self.ctx
        svc = retention_service(ctx)
        # A ledger that cannot be written (disk full, read-only) refuses the whole erasure:
        # the app's one failure handler says what happened and that nothing was done.
        n = svc.erase(self.matches, by=ctx.session.user)  # type: ignore[arg-type]
        deleted, svc.warnings = list(svc.warnings), []
        self.post_message(Deliver(self._erased, n, deleted))

    def _erased(self, n: int, deleted: list[str]) -> None:
        self._show([])
        lines = [t("trust.erase.done", n=n)]
        lines += [t("trust.purge.backup_deleted", what=w) for w in deleted]
        self.query_one("#erase-msg", Static).update(ui("\n".join(lines)))
        self.app.post_message(DataChanged("erase"))

    def action_close(self) -> None:
        """Esc."""
        self.dismiss(None)
