"""The mid-escalation view: whom to call now, the clocks, reports owed, the call log.

``EscalationPanel(incident_id)`` is embedded by
:class:`frontdesk.screens.escalation.escalation_screen.EscalationScreen`. It loads the stored
plan, log and contacts in a worker (on mount and on :meth:`reload`), then recomputes the chain
state from them and the clock once a second. One letter key per call outcome asks to log an
attempt against the slot shown after "Now:"; ``t`` moves to the next slot (responder targets,
then reporting levels owed); ``k`` skips (越级, asks the reason); ``r`` opens the call script;
``h`` sets when the next call logged actually happened (earlier than now, with a reason: a call
made on time and logged later is not counted late).

The panel writes nothing itself: it posts :class:`EscalationPanel.CallLogged`,
:class:`EscalationPanel.StepSkipped` or :class:`EscalationPanel.ReplanAsked`, and the screen
that holds it saves them through the escalation service (then calls :meth:`written`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from frontdesk.domain.escalation.contacts import Contact
from frontdesk.domain.escalation.model import CallOutcome
from frontdesk.domain.escalation.state import ChainState
from frontdesk.access import context_of, frontdesk_app
from frontdesk.domain.sitetime import clock_time, parse_typed
from frontdesk.i18n import t
from frontdesk.messages import Deliver
from frontdesk.services.escalation.service import Escalation, EscalationService
from frontdesk.widgets.escalation_lines import (
    Slot,
    head_line,
    log_content,
    reports_content,
    responder_content,
    slots,
)
from frontdesk.workers import db_worker

OUTCOME_KEYS: dict[str, CallOutcome] = {
    "a": CallOutcome.ACCEPTED, "d": CallOutcome.DECLINED, "c": CallOutcome.CALLBACK,
    "n": CallOutcome.NO_ANSWER, "b": CallOutcome.BUSY, "o": CallOutcome.SWITCHED_OFF,
    "w": CallOutcome.WRONG_NUMBER, "m": CallOutcome.MESSAGE_SENT,
}
"""One letter per outcome (digits are the app's script keys)."""


class EscalationPanel(VerticalScroll):
    """Escalation of one incident, live; focus it for the outcome keys."""

    can_focus = True

    @dataclass
    class CallLogged(Message):
        """The guard logged a call: ``outcome`` against ``slot`` (the screen saves it)."""

        panel: EscalationPanel
        slot: Slot
        outcome: CallOutcome
        at: datetime | None = None  # when it happened, if earlier than now (``h``)
        reason: str = ""  # why it is logged later than it happened

        @property
        def control(self) -> EscalationPanel:
            """The panel the call was logged in."""
            return self.panel

    @dataclass
    class StepSkipped(Message):
        """The guard skipped ``slot`` (越级) for ``reason`` (the screen saves it)."""

        panel: EscalationPanel
        slot: Slot
        reason: str

        @property
        def control(self) -> EscalationPanel:
            """The panel the step was skipped in."""
            return self.panel

    @dataclass
    class ReplanAsked(Message):
        """The guard took the current policy for this incident (the screen saves it)."""

        panel: EscalationPanel

        @property
        def control(self) -> EscalationPanel:
            """The panel the re-plan was asked in."""
            return self.panel

    DEFAULT_CSS = """
    EscalationPanel { height: 1fr; padding: 0 0 0 1; scrollbar-size-vertical: 1; }
    EscalationPanel:focus { background-tint: $foreground 3%; }
    EscalationPanel #esc-head { color: $text; }
    EscalationPanel #esc-responder { margin-top: 1; }
    EscalationPanel #esc-reports { margin-top: 1; }
    EscalationPanel #esc-log { margin-top: 1; }
    EscalationPanel #esc-buttons { height: 1; margin-top: 1; }
    EscalationPanel #esc-buttons Button { min-width: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(key, f"outcome('{o.value}')", o.value, id=f"esc.{o.value}", show=False)
          for key, o in OUTCOME_KEYS.items()],
        Binding("k", "skip", "Skip", id="esc.skip", show=False),
        Binding("t", "next_slot", "Chain", id="esc.chain", show=False),
        Binding("r", "script", "Script", id="esc.script", show=False),
        Binding("p", "replan", "Re-plan", id="esc.replan", show=False),
        Binding("h", "happened_at", "Happened at", id="esc.happened_at", show=False),
    ]

    def __init__(self, incident_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.incident_id = incident_id
        self.escalation: Escalation | None = None
        self.contacts: list[Contact] = []
        self.replan_offered = False
        self.state: ChainState | None = None
        self.slot_index = 0
        self._shown: dict[str, object] = {}
        # when the next logged call happened, and why it is logged later (None: now)
        self.pending_at: tuple[datetime, str] | None = None

    @property
    def service(self) -> EscalationService:
        """The escalation service of the app's context (reads only: the screen writes)."""
        return context_of(self).service("escalation", EscalationService)

    def compose(self) -> ComposeResult:
        """Head, responder, reports, log, outcome buttons (for the mouse)."""
        yield Static(id="esc-head")
        yield Static(id="esc-responder")
        yield Static(id="esc-reports")
        with Horizontal(id="esc-buttons"):
            for key, outcome in (*OUTCOME_KEYS.items(), ("k", None)):
                button = Button("", id=f"esc-btn-{key}", compact=True)
                button.can_focus = False
                yield button
        yield Static(id="esc-log")

    def on_mount(self) -> None:
        """Load, then tick once a second."""
        self.relabel()
        self.reload()
        self.set_interval(1.0, self.refresh_state)

    def relabel(self) -> None:
        """Button labels in the current language."""
        for key, outcome in (*OUTCOME_KEYS.items(), ("k", None)):
            label = t(f"esc.btn.{outcome.value}") if outcome else t("esc.btn.skip")
            button = self.query_one(f"#esc-btn-{key}", Button)
            button.label = f"{key} {label}"
            button.refresh(layout=True)  # Textual keeps the old width otherwise
        self._shown.clear()
        self.refresh_state()

    # -- data -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Reload plan, log and contacts from the store (in a worker)."""
        if context_of(self).is_open:
            self._load()

    @db_worker(group="escalation-panel", exclusive=True)
    def _load(self) -> None:
        svc = self.service
        esc = svc.load(self.incident_id)
        contacts = svc.contacts.all()
        offer = esc is not None and svc.replan_available(self.incident_id)
        self.post_message(Deliver(self._loaded, esc, contacts, offer))

    def on_deliver(self, message: Deliver) -> None:
        """A worker's result, on the UI thread."""
        message.stop()
        if self.is_attached:
            message.callback(*message.args)

    def _loaded(self, esc: Escalation | None, contacts: list[Contact], offer: bool) -> None:
        self.escalation, self.contacts, self.replan_offered = esc, contacts, offer
        self._shown.clear()
        self.refresh_state()

    def refresh_state(self) -> None:
        """Recompute the chain state from the cached records and the clock; repaint changes."""
        if not self.is_mounted:
            return
        ctx = context_of(self)
        if self.escalation is None or not ctx.is_open:
            self._paint("esc-head", t("esc.panel.no_plan"))
            for wid in ("esc-responder", "esc-reports", "esc-log"):
                self._paint(wid, "")
            return
        now = ctx.clock.now()
        tz = ctx.require_site().timezone
        self.state = self.service.state_of(self.escalation, now, self.contacts)
        current = self.current_slot()
        head = head_line(self.state, current)
        if self.pending_at is not None:
            head = head + "\n" + t("esc.panel.pending_at",
                                   at=clock_time(self.pending_at[0], tz, now),
                                   reason=self.pending_at[1])
        if self.replan_offered:
            head = head + "\n" + t("esc.panel.replan")
        self._paint("esc-head", head)
        self._paint("esc-responder", responder_content(self.state, now, tz))
        self._paint("esc-reports", reports_content(self.state, now, tz))
        names = {c.id: c.name for c in self.contacts}
        self._paint("esc-log", log_content(self.escalation.attempts, names, now, tz))

    def _paint(self, wid: str, content: object) -> None:
        if self._shown.get(wid) == content:
            return
        self._shown[wid] = content
        self.query_one(f"#{wid}", Static).update(content)  # type: ignore[arg-type]

    def current_slot(self) -> Slot | None:
        """The responder target or reporting level the keys log against."""
        if self.state is None:
            return None
        found = slots(self.state)
        if not found:
            return None
        return found[self.slot_index % len(found)]

    # -- actions --------------------------------------------------------------------------
    def action_next_slot(self) -> None:
        """Move the keys to the next thing to call."""
        self.slot_index += 1
        self.refresh_state()

    def action_outcome(self, value: str) -> None:
        """Log one call against the current slot."""
        slot = self.current_slot()
        if slot is None:
            self.app.notify(t("esc.panel.nothing_to_log"), severity="warning", markup=False)
            return
        at, reason = self.pending_at if self.pending_at is not None else (None, "")
        self.pending_at = None
        self.post_message(self.CallLogged(self, slot, CallOutcome(value), at, reason))

    def action_happened_at(self) -> None:
        """Ask when the next call to log actually happened (and why it is logged now)."""
        from frontdesk.screens.incidents.prompt import PromptScreen

        ctx = context_of(self)

        def done(v: dict[str, str] | None) -> None:
            if not v or not v.get("at"):
                self.pending_at = None
                self.refresh_state()
                return
            at = parse_typed(v["at"], ctx.clock.now(), ctx.require_site().timezone)
            if at is None:
                self.app.notify(t("inc.err.time"), severity="error", markup=False)
                return
            self.pending_at = (at, v.get("reason", ""))
            self._shown.clear()
            self.refresh_state()

        self.app.push_screen(PromptScreen(t("esc.panel.happened_title"), [
            ("at", t("inc.note.at")), ("reason", t("inc.when.reason"))]), done)

    def written(self) -> None:
        """The screen saved what this panel asked for: back to the first slot, reload."""
        self.slot_index = 0
        self.reload()

    def action_skip(self) -> None:
        """Skip the current step or reporting level (越级), after asking why."""
        slot = self.current_slot()
        if slot is None:
            self.app.notify(t("esc.panel.nothing_to_log"), severity="warning", markup=False)
            return
        from frontdesk.screens.escalation.skip import EscalationSkipScreen

        def answered(reason: str | None) -> None:
            if reason:
                self.post_message(self.StepSkipped(self, slot, reason))

        self.app.push_screen(EscalationSkipScreen(slot.label), answered)

    def action_replan(self) -> None:
        """Take the current policy (only when it differs)."""
        if self.replan_offered:
            self.post_message(self.ReplanAsked(self))

    def action_script(self) -> None:
        """Open the call script of the current slot ("report to superior" by default)."""
        from frontdesk.screens.scripts.view import show_situation
        from frontdesk.services.scripts import scripts

        slot = self.current_slot()
        script_id = (slot.script if slot else None) or "report_to_superior"
        situation = scripts(context_of(self)).book.by_id(script_id)
        if situation is not None:
            show_situation(frontdesk_app(self), situation)

    @on(Button.Pressed)
    def _clicked(self, event: Button.Pressed) -> None:
        key = (event.button.id or "").removeprefix("esc-btn-")
        event.stop()
        if key == "k":
            self.action_skip()
        elif key in OUTCOME_KEYS:
            self.action_outcome(OUTCOME_KEYS[key].value)
