"""One incident's escalation, full screen; pushed from anywhere with the incident id.

The panel shows the chain and takes the outcome keys; what it asks to log (a call, a skip,
a re-plan) is saved here, through the escalation service, in a thread worker.
"""
from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header

from frontdesk.i18n import t
from frontdesk.messages import DataChanged, Deliver
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.services.escalation.service import EscalationService
from frontdesk.widgets.escalation_panel import EscalationPanel
from frontdesk.workers import db_worker


class EscalationScreen(FrontdeskScreen[None]):
    """The panel with a header and footer; Esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="esc.close"),
    ]

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id

    @property
    def current_incident_id(self) -> str:
        """The incident whose escalation this is."""
        return self.incident_id

    @property
    def service(self) -> EscalationService:
        """The escalation service."""
        return self.ctx.service("escalation", EscalationService)

    def compose(self) -> ComposeResult:
        """Header, panel, footer."""
        yield Header()
        yield EscalationPanel(self.incident_id, id="esc-panel")
        yield Footer()

    def on_mount(self) -> None:
        """The panel takes the keys."""
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

    # -- saving what the panel asks for ------------------------------------------------------
    @on(EscalationPanel.CallLogged)
    def _call_logged(self, event: EscalationPanel.CallLogged) -> None:
        self._log_call(event)

    @db_worker(group="escalation-write")
    def _log_call(self, event: EscalationPanel.CallLogged) -> None:
        from frontdesk.domain.incidents.when import WhenError

        slot = event.slot
        try:
            self.service.log_call(self.incident_id, slot.chain, slot.step_index,
                                  slot.contact_id, slot.role, event.outcome, at=event.at,
                                  reason=event.reason)
        except WhenError as exc:  # an earlier time without a reason, or one in the future
            self.post_message(Deliver(self._refused, t(f"inc.err.when.{exc.code}")))
            return
        self.post_message(Deliver(self._written, event.panel, t(
            "esc.panel.logged", outcome=t(f"esc.outcome.{event.outcome.value}"))))

    @on(EscalationPanel.StepSkipped)
    def _step_skipped(self, event: EscalationPanel.StepSkipped) -> None:
        self._skip(event)

    @db_worker(group="escalation-write")
    def _skip(self, event: EscalationPanel.StepSkipped) -> None:
        slot = event.slot
        self.service.skip(self.incident_id, slot.chain, slot.step_index, event.reason)
        self.post_message(Deliver(self._written, event.panel, t(
            "esc.timeline.skip", n=slot.step_index + 1, reason=event.reason)))

    @on(EscalationPanel.ReplanAsked)
    def _replan_asked(self, event: EscalationPanel.ReplanAsked) -> None:
        self._replan(event.panel)

    @db_worker(group="escalation-write")
    def _replan(self, panel: EscalationPanel) -> None:
        self.service.replan(self.incident_id)
        self.post_message(Deliver(self._written, panel, t("esc.timeline.replan")))

    def _refused(self, message: str) -> None:
        self.notify(message, severity="error", timeout=8, markup=False)

    def _written(self, panel: EscalationPanel, message: str) -> None:
        self.notify(message, timeout=3, markup=False)
        self.app.post_message(DataChanged("escalation"))
        panel.written()
