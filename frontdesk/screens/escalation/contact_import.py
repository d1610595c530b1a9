"""Import contacts from a CSV: preview with every error (row and column), write all or nothing."""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from frontdesk.domain.escalation.contacts import decode_csv
from frontdesk.domain.escalation.csv_text import MAX_BYTES
from frontdesk.i18n import t
from frontdesk.screens.base import FrontdeskModal
from frontdesk.services.escalation.contacts import ContactService, CsvPreview
from frontdesk.text import clean_input, one_line, ui
from frontdesk.workers import fails_soft


class ContactImportScreen(FrontdeskModal[bool]):
    """Type a path, Enter previews, Ctrl+S imports (only when the preview has no error)."""

    DEFAULT_CSS = """
    ContactImportScreen { align: center middle; }
    ContactImportScreen #con-imp { width: 76; height: 20; border: round $primary;
        background: $surface; padding: 0 1; }
    ContactImportScreen #con-imp-result { height: 1fr; }
    ContactImportScreen #con-imp-buttons { height: 1; }
    ContactImportScreen .-error { color: $error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "write", "Import", id="con.import", priority=True),
        Binding("escape", "cancel", "Cancel", id="con.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.text: str | None = None
        self.preview: CsvPreview | None = None

    @property
    def service(self) -> ContactService:
        """The contact service."""
        return self.ctx.service("contacts", ContactService)

    def compose(self) -> ComposeResult:
        """Path field, preview, buttons."""
        with Vertical(id="con-imp"):
            yield Static(ui(t("con.import.title")))
            yield Input(id="con-imp-path", placeholder=t("con.import.path"), compact=True)
            with VerticalScroll(id="con-imp-result"):
                yield Static(id="con-imp-text")
            with Horizontal(id="con-imp-buttons"):
                yield Button(ui(t("con.import.check")), id="con-imp-check", compact=True)
                yield Button(ui(t("con.import.write")), id="con-imp-write", variant="primary",
                             compact=True, disabled=True)
                yield Button(ui(t("con.cancel")), id="con-imp-cancel", compact=True)

    def on_mount(self) -> None:
        """Type the path."""
        self.query_one(Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter: preview."""
        self.check()

    @fails_soft
    def check(self) -> None:
        """Read the file and show what an import would do; nothing is written."""
        path = Path(clean_input(self.query_one(Input).value)).expanduser()
        out = self.query_one("#con-imp-text", Static)
        self.preview = None
        self.query_one("#con-imp-write", Button).disabled = True
        try:
            with path.open("rb") as fh:
                text, problems = decode_csv(fh.read(MAX_BYTES + 1))
            problem = str(problems[0]) if problems else ""
        except OSError as exc:
            text, problem = "", str(exc)
        if problem:
            out.update(ui(t("con.import.unreadable", error=one_line(problem))))
            out.add_class("-error")
            return
        self.text = text
        self.preview = self.service.preview_csv(self.text)
        p = self.preview
        lines = [t("con.import.preview", new=p.new, changed=p.changed, n=len(p.contacts))]
        if p.errors:
            lines = [t("con.import.errors", n=len(p.errors))] + [
                t("con.import.row", row=e.row, column=e.column or "", message=e.message)
                for e in p.errors]
            out.add_class("-error")
        else:
            out.remove_class("-error")
            self.query_one("#con-imp-write", Button).disabled = False
        out.update(ui("\n".join(one_line(x, 200) for x in lines)))

    @fails_soft
    def action_write(self) -> None:
        """Import everything (only after an error-free preview)."""
        if self.preview is None or not self.preview.ok or self.text is None:
            return
        result = self.service.import_csv(self.text)
        if not result.ok:
            self.check()
            return
        self.app.notify(t("con.import.done", n=len(result.contacts)), markup=False)
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without importing."""
        self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Mouse."""
        if event.button.id == "con-imp-check":
            self.check()
        elif event.button.id == "con-imp-write":
            self.action_write()
        else:
            self.action_cancel()
