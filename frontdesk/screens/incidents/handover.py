"""The shift handover sheet: made on one key, accepted by the incoming supervisor."""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Static

from frontdesk.domain.timeparse import format_site_time
from frontdesk.i18n import language, t
from frontdesk.messages import DataChanged
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.services.incidents.handover import HandoverSheet
from frontdesk.services.incidents.service import IncidentService
from frontdesk.text import clean_input, one_line, ui
from frontdesk.workers import fails_soft


class HandoverScreen(FrontdeskScreen[None]):
    """Shows the sheet made when the screen opened; Accept records who took over."""

    DEFAULT_CSS = """
    HandoverScreen #ho-body { padding: 0 1; }
    HandoverScreen .ho-head { text-style: bold; margin-top: 1; }
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
        """Sheet text, who accepts, accept button."""
        yield Header()
        with VerticalScroll(id="ho-body"):
            yield Static(id="ho-sheet")
            yield Input(id="ho-who", compact=True)
            yield Button(id="ho-accept", variant="primary", compact=True)
        yield Footer()

    def relabel(self) -> None:
        """Labels in the current language."""
        self.query_one("#ho-who", Input).placeholder = t("inc.handover.who")
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
        sheet = self.sheet
        if sheet is None:
            return
        tz, lang, now = self.ctx.require_site().timezone, language(), self.ctx.clock.now()
        kinds = self.service.catalogue.kinds

        def kind_name(k: str) -> str:
            return kinds[k].name.in_lang(lang) if k in kinds else k

        lines = [f"{t('inc.handover.title')} · {format_site_time(sheet.created_at, tz, now)}", "",
                 t("inc.handover.incidents")]
        lines += [f"  {kind_name(i['kind'])} · {one_line(i['place'], 20)} · {one_line(i['summary'], 30)}"
                  for i in sheet.incidents] or [f"  {t('inc.handover.none')}"]
        lines += ["", t("inc.handover.on_site")]
        lines += [f"  {one_line(p['name'], 12) or '—'} · {one_line(p['guided_to'], 20)}"
                  for p in sheet.on_site] or [f"  {t('inc.handover.none')}"]
        lines += ["", t("inc.handover.due")]
        lines += [f"  {format_site_time(datetime.fromisoformat(d['due_at']), tz, now)}"
                  f" {kind_name(d['kind'])} · {t('inc.clock.' + d['code'])}"
                  for d in sheet.clocks_due] or [f"  {t('inc.handover.none')}"]
        if sheet.accepted_at:
            lines += ["", t("inc.handover.accepted", who=sheet.accepted_by,
                            at=format_site_time(sheet.accepted_at, tz, now))]
        self.query_one("#ho-sheet", Static).update(ui("\n".join(lines)))

    @fails_soft
    def on_button_pressed(self, _event: Button.Pressed) -> None:
        """Record the acceptance."""
        if self.sheet is None:
            return
        who = clean_input(self.query_one("#ho-who", Input).value) or self.ctx.session.user
        try:
            self.sheet = self.service.accept_handover(self.sheet.id, who)
        except (KeyError, ValueError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.post_message(DataChanged("handover"))
        self._show()

    def action_back(self) -> None:
        """Back to the board."""
        self.app.pop_screen()
