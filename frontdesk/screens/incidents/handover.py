"""The shift handover sheet: made on one key, accepted by the incoming person's own PIN.

Overdue clocks are listed first, as overdue with how late; then what falls due next shift (each
with its own text: the checklist item's words, not "item"); then what was met late; then who is
still on site. The incoming person types their user name and PIN; the check runs in a worker
(argon2 is slow on purpose) and counts towards the lockout like any sign-in.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from frontdesk.domain.durations import late_by, until
from frontdesk.domain.sitetime import clock_time
from frontdesk.i18n import language, pick, t
from frontdesk.messages import DataChanged
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.incidents.errors import error_text
from frontdesk.services.incidents.handover import HandoverError, HandoverSheet
from frontdesk.services.incidents.service import IncidentService
from frontdesk.text import clean_input, one_line, ui
from frontdesk.workers import db_worker, fails_soft


def sheet_lines(sheet: HandoverSheet, kinds: Any, tz: str, now: datetime, lang: str) -> list[str]:
    """The sheet as text lines in ``lang`` (pure, for the screen and its tests)."""
    def kind_name(k: str) -> str:
        return kinds[k].name.in_lang(lang) if k in kinds else k

    def clock(d: dict[str, Any]) -> str:
        label = pick(d.get("label") or {}) or t("inc.clock." + str(d.get("code")))
        return f"{d.get('number') or '—'} {kind_name(str(d['kind']))} · {one_line(label)}"

    def late(d: dict[str, Any]) -> str:
        return late_by(timedelta(minutes=int(d.get("late_minutes") or 0)), lang, long=True)

    none = [f"  {t('inc.handover.none')}"]
    lines = [f"{t('inc.handover.title')} · {clock_time(sheet.created_at, tz, now)}", "",
             t("inc.handover.incidents")]
    lines += [f"  {i.get('number') or '—'} {kind_name(i['kind'])} · {one_line(i['place'], 20)}"
              f" · {one_line(i['summary'], 30)}" for i in sheet.incidents] or none
    lines += ["", t("inc.handover.overdue")]
    lines += [f"  {clock_time(datetime.fromisoformat(d['due_at']), tz, now)} {clock(d)}"
              f" ({late(d)})" for d in sheet.overdue] or none
    lines += ["", t("inc.handover.due")]
    # time left as of the sheet (a handover is a record of that moment)
    lines += [f"  {clock_time(datetime.fromisoformat(d['due_at']), tz, now)} {clock(d)} "
              f"({until(datetime.fromisoformat(d['due_at']), sheet.created_at, lang, long=True)})"
              for d in sheet.clocks_due] or none
    lines += ["", t("inc.handover.met_late")]
    lines += [f"  {clock_time(datetime.fromisoformat(d['done_at']), tz, now)} {clock(d)}"
              f" ({late(d)})" for d in sheet.met_late] or none
    lines += ["", t("inc.handover.on_site")]
    lines += [f"  {one_line(p['name'], 12) or '—'} · {one_line(p['guided_to'], 20)}"
              for p in sheet.on_site] or none
    if sheet.accepted_at:
        lines += ["", t("inc.handover.accepted", who=sheet.accepted_by,
                        at=clock_time(sheet.accepted_at, tz, now))]
    return lines


class HandoverScreen(FrontdeskScreen[None]):
    """Shows the sheet made when the screen opened; the incoming person accepts with a PIN."""

    DEFAULT_CSS = """
    HandoverScreen #ho-body { padding: 0 1; }
    HandoverScreen #ho-accept-row { height: 1; margin-top: 1; }
    HandoverScreen #ho-accept-row Input { width: 1fr; }
    HandoverScreen #ho-error { color: $error; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="incident.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sheet: HandoverSheet | None = None

    @property
    def service(self) -> IncidentService:
        """The incident service."""
        return self.ctx.service("incidents", IncidentService)

    def compose(self) -> ComposeResult:
        """Sheet text, who accepts and their PIN, accept button."""
        yield Header()
        with VerticalScroll(id="ho-body"):
            yield Static(id="ho-sheet")
            with Horizontal(id="ho-accept-row"):
                yield Input(id="ho-who", compact=True)
                yield Input(id="ho-pin", password=True, compact=True, max_length=32)
                yield Button(id="ho-accept", variant="primary", compact=True)
            yield Static(id="ho-error")
        yield Footer()

    def relabel(self) -> None:
        """Labels in the current language."""
        self.query_one("#ho-who", Input).placeholder = t("inc.handover.name")
        self.query_one("#ho-pin", Input).placeholder = t("inc.handover.pin")
        accept = self.query_one("#ho-accept", Button)
        accept.label = ui(t("inc.handover.accept"))
        accept.refresh(layout=True)  # Textual keeps the old width otherwise
        self._show()

    def reload(self) -> None:
        """Make the sheet once."""
        if self.sheet is None:
            self.sheet = self.service.handover(by=self.ctx.session.user)
            self._show()

    def _show(self) -> None:
        if self.sheet is None:
            return
        lines = sheet_lines(self.sheet, self.service.catalogue.kinds,
                            self.ctx.require_site().timezone, self.ctx.clock.now(), language())
        self.query_one("#ho-sheet", Static).update(ui("\n".join(lines)))

    @fails_soft
    def on_button_pressed(self, _event: Button.Pressed) -> None:
        """Check the incoming person's PIN (in a worker), then record the acceptance."""
        self._accept()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the PIN field accepts."""
        if event.input.id == "ho-pin":
            self._accept()

    def _accept(self) -> None:
        if self.sheet is None or self.sheet.accepted_at is not None:
            return
        who = clean_input(self.query_one("#ho-who", Input).value)
        pin = self.query_one("#ho-pin", Input).value
        self.query_one("#ho-error", Static).update(ui(t("inc.handover.checking")))
        self._check(self.sheet.id, who, pin)

    @db_worker(group="handover-accept", exclusive=True)
    def _check(self, sheet_id: str, who: str, pin: str) -> HandoverSheet | HandoverError:
        try:
            return self.service.accept_handover(sheet_id, who, pin)
        except HandoverError as exc:
            return exc

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The PIN check finished: show the acceptance, or why it was refused."""
        if event.worker.group != "handover-accept" or event.state is not WorkerState.SUCCESS:
            return
        result = event.worker.result
        self.query_one("#ho-pin", Input).value = ""
        if result is None:  # the check failed: the app's failure handler said why
            self.query_one("#ho-error", Static).update("")
            return
        if isinstance(result, HandoverError):
            self.query_one("#ho-error", Static).update(ui(error_text(result)))
            return
        self.sheet = result
        self.query_one("#ho-error", Static).update("")
        self.app.post_message(DataChanged("handover"))
        self._show()

    def action_back(self) -> None:
        """Back to the board."""
        self.app.pop_screen()
