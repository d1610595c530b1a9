"""The "new incident" dialog: kind, level, when, where, what; optionally from a register entry."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from frontdesk.domain.incidents.model import Level
from frontdesk.domain.register.visits import MEDIA_KINDS, Visit, VisitKind
from frontdesk.domain.sitetime import parse_typed
from frontdesk.i18n import language, t
from frontdesk.messages import DataChanged
from frontdesk.screens.incidents.errors import error_text
from frontdesk.screens.base import FrontdeskModal
from frontdesk.services.incidents.service import IncidentError, IncidentService
from frontdesk.text import clean_input, one_line, ui
from frontdesk.workers import fails_soft


def kind_for_visit(visit: Visit) -> str:
    """The incident kind a register entry suggests (media kinds → media at the gate)."""
    if visit.kind in MEDIA_KINDS:
        return "media_at_gate"
    if visit.kind in (VisitKind.SUSPICIOUS_PERSON, VisitKind.SUSPICIOUS_VEHICLE):
        return "suspicious_person"
    return "media_at_gate"


class NewIncidentScreen(FrontdeskModal[str | None]):
    """Open an incident; returns its id (None when cancelled)."""

    DEFAULT_CSS = """
    NewIncidentScreen { align: center middle; }
    NewIncidentScreen #newinc-box { width: 70; height: auto; max-height: 22; border: round $primary;
        background: $surface; padding: 0 1; }
    NewIncidentScreen Label { margin-top: 0; color: $text-muted; }
    NewIncidentScreen #newinc-error { color: $error; height: auto; }
    NewIncidentScreen #newinc-buttons { height: 3; align-horizontal: right; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="newinc.cancel", show=False),
        Binding("ctrl+s", "save", "Save", id="newinc.save", show=False, priority=True),
    ]

    def __init__(self, visit: Visit | None = None) -> None:
        super().__init__()
        self.visit = visit

    @property
    def service(self) -> IncidentService:
        """The incident service."""
        return self.ctx.service("incidents", IncidentService)

    def compose(self) -> ComposeResult:
        """The form."""
        lang = language()
        kinds = self.service.catalogue.kinds
        options = [(one_line(k.name.in_lang(lang), 30), k.id) for k in kinds.values()]
        start = kind_for_visit(self.visit) if self.visit else next(iter(kinds))
        level = kinds[start].default_level.value if start in kinds else "general"
        summary = ""
        if self.visit is not None:
            v = self.visit
            summary = " ".join(x for x in (v.name, v.organisation, v.purpose, v.notes) if x)
        with Vertical(id="newinc-box"):
            yield Static(ui(t("inc.new.title")), classes="title")
            yield Label(ui(t("inc.new.kind")))
            yield Select(options, value=start, allow_blank=False, id="newinc-kind", compact=True)
            yield Label(ui(t("inc.new.level")))
            yield Select([(lv.label.in_lang(lang), lv.value) for lv in Level], value=level,
                         allow_blank=False, id="newinc-level", compact=True)
            yield Label(ui(t("inc.new.occurred")))
            yield Input(id="newinc-occurred", compact=True)
            yield Label(ui(t("inc.new.place")))
            yield Input(value=one_line(self.visit.location or self.visit.guided_to)
                        if self.visit else "", id="newinc-place", compact=True)
            yield Label(ui(t("inc.new.summary")))
            yield Input(value=one_line(summary), id="newinc-summary", compact=True)
            yield Static(id="newinc-error")
            with Horizontal(id="newinc-buttons"):
                yield Button(ui(t("inc.new.cancel")), id="newinc-cancel", compact=True)
                yield Button(ui(t("inc.new.save")), id="newinc-save", variant="primary",
                             compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or cancel."""
        if event.button.id == "newinc-save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter in a field saves."""
        self.action_save()

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    @fails_soft
    def action_save(self) -> None:
        """Open the incident (and link the entry); show what is wrong otherwise."""
        ctx = self.ctx
        error = self.query_one("#newinc-error", Static)
        raw = clean_input(self.query_one("#newinc-occurred", Input).value)
        occurred = None
        if raw.strip():
            occurred = parse_typed(raw, ctx.clock.now(), ctx.require_site().timezone)
            if occurred is None:
                error.update(ui(t("inc.err.time")))
                return
        try:
            inc = self.service.open(
                str(self.query_one("#newinc-kind", Select).value),
                str(self.query_one("#newinc-level", Select).value), occurred,
                clean_input(self.query_one("#newinc-place", Input).value),
                clean_input(self.query_one("#newinc-summary", Input).value),
                ctx.session.user, self.visit.id if self.visit else None)
        except IncidentError as exc:
            error.update(ui(error_text(exc)))
            return
        self.app.post_message(DataChanged("incident"))
        self.app.notify(f"{t('inc.new.opened')} {inc.number}".strip(), markup=False)
        self.dismiss(inc.id)
