"""One incident's escalation, full screen; pushed from anywhere with the incident id."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header

from frontdesk.screens.base import FrontdeskScreen
from frontdesk.widgets.escalation_panel import EscalationPanel


class EscalationScreen(FrontdeskScreen[None]):
    """The panel with a header and footer; Esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="esc.close"),
    ]

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.current_incident_id = incident_id

    def compose(self) -> ComposeResult:
        """Header, panel, footer."""
        yield Header()
        yield EscalationPanel(self.current_incident_id, id="esc-panel")
        yield Footer()

    def on_mount(self) -> None:
        """The panel takes the keys."""
        super().on_mount()
        self.query_one(EscalationPanel).focus()

    def relabel(self) -> None:
        """The panel's labels follow the language (the header keeps the app's title)."""
        panel = self.query(EscalationPanel)
        if panel and panel.first().is_mounted:
            panel.first().relabel()

    def reload(self) -> None:
        """Something was saved: the panel reloads its records."""
        panel = self.query(EscalationPanel)
        if panel:
            panel.first().reload()

    def action_close(self) -> None:
        """Back to where the guard came from."""
        self.dismiss(None)
