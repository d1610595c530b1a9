"""The written report form: prefilled from the timeline, completeness shown, submit, approve, PDF."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Static, TextArea

from frontdesk.domain.incidents.report import (
    REQUIRED_FIELDS,
    AccountLine,
    Report,
    ReportError,
    missing_fields,
    revise,
)
from frontdesk.domain.timeparse import format_full, parse_site_time
from frontdesk.i18n import language, t
from frontdesk.messages import DataChanged
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.trust.guard import guard_action
from frontdesk.services.incidents.service import IncidentService
from frontdesk.text import clean_input, ui
from frontdesk.workers import fails_soft


def account_text(report: Report) -> str:
    """Account lines as editable text; ``?`` marks an unconfirmed line."""
    return "\n".join(("? " if a.unconfirmed else "") + a.text for a in report.account)


def parse_account(text: str) -> tuple[AccountLine, ...]:
    """Editable text back to account lines."""
    lines = []
    for raw in text.splitlines():
        s = raw.strip()
        if s:
            unconfirmed = s.startswith(("?", "？"))
            lines.append(AccountLine(s.lstrip("?？ ").strip(), unconfirmed))
    return tuple(lines)


class ReportScreen(FrontdeskScreen[None]):
    """Edit, check, submit, approve and print the written report."""

    DEFAULT_CSS = """
    ReportScreen #rep-form { padding: 0 1; }
    ReportScreen Label { color: $text-muted; }
    ReportScreen Label.-missing { color: $error; text-style: bold; }
    ReportScreen TextArea { height: 5; }
    ReportScreen #rep-status { height: auto; padding: 0 1; background: $panel; }
    ReportScreen #rep-buttons { height: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="incident.back"),
        Binding("ctrl+s", "save", "Save", id="report.save", priority=True),
    ]
    FIELDS = ("when", "place", "account", "photos", "conclusion", "suggestions", "signer")

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.report: Report | None = None

    @property
    def current_incident_id(self) -> str:
        """The incident whose report this is."""
        return self.incident_id

    @property
    def service(self) -> IncidentService:
        """The incident service."""
        return self.ctx.service("incidents", IncidentService)

    def compose(self) -> ComposeResult:
        """The form."""
        yield Static(id="rep-status")
        with VerticalScroll(id="rep-form"):
            for name in self.FIELDS:
                yield Label(id=f"rep-label-{name}")
                if name in ("account", "photos"):
                    yield TextArea(id=f"rep-{name}", soft_wrap=True)
                else:
                    yield Input(id=f"rep-{name}", compact=True)
        with Horizontal(id="rep-buttons"):
            for name in ("save", "submit", "approve", "pdf"):
                yield Button(ui(t(f"inc.report.{name}")), id=f"rep-{name}-btn", compact=True)
        yield Footer()

    def relabel(self) -> None:
        """Labels in the current language."""
        for name in self.FIELDS:
            self.query_one(f"#rep-label-{name}", Label).update(ui(t(f"inc.report.{name}")))
        self._check()

    def reload(self) -> None:
        """Fill the form (stored report, or a draft from the timeline)."""
        if self.report is not None:
            return
        rep = self.service.report(self.incident_id, signer=self.ctx.session.user)
        self.report = rep
        tz = self.ctx.require_site().timezone
        values = {"when": format_full(rep.occurred_at, tz) if rep.occurred_at else "",
                  "place": rep.place, "conclusion": rep.conclusion,
                  "suggestions": rep.suggestions, "signer": rep.signer}
        for key, value in values.items():
            self.query_one(f"#rep-{key}", Input).value = value
        self.query_one("#rep-account", TextArea).text = account_text(rep)
        self.query_one("#rep-photos", TextArea).text = "\n".join(rep.photo_refs)
        self._check()

    def _form(self) -> Report | None:
        if self.report is None:
            return None
        tz = self.ctx.require_site().timezone
        when_text = clean_input(self.query_one("#rep-when", Input).value)
        when = parse_site_time(when_text, self.ctx.clock.now(), tz) if when_text else None
        photos = tuple(p.strip() for p in self.query_one("#rep-photos", TextArea).text.splitlines()
                       if p.strip())
        changes: dict[str, object] = {
            "occurred_at": when, "place": clean_input(self.query_one("#rep-place", Input).value),
            "account": parse_account(self.query_one("#rep-account", TextArea).text),
            "photo_refs": photos,
            "conclusion": clean_input(self.query_one("#rep-conclusion", Input).value),
            "suggestions": clean_input(self.query_one("#rep-suggestions", Input).value),
            "signer": clean_input(self.query_one("#rep-signer", Input).value)}
        try:
            return revise(self.report, **changes)
        except ReportError:
            return self.report  # submitted or approved: read only

    def _check(self) -> None:
        """Show what is missing next to the fields and in the status line."""
        rep = self._form()
        if rep is None:
            return
        missing = set(missing_fields(rep))
        lang = language()
        names = {"date": "when", "time": "when"}
        bad = {names.get(m, m) for m in missing}
        for name in self.FIELDS:
            self.query_one(f"#rep-label-{name}", Label).set_class(name in bad, "-missing")
        state = t(f"inc.report.{rep.state.value}")
        text = t("inc.report.state", state=state) + " · "
        text += (t("inc.report.missing", fields=", ".join(
            dict.fromkeys(REQUIRED_FIELDS[m].in_lang(lang) for m in missing_fields(rep))))
            if missing else t("inc.report.complete"))
        self.query_one("#rep-status", Static).update(ui(text))

    def on_input_changed(self, _event: Input.Changed) -> None:
        """Re-check as the guard types."""
        self._check()

    def on_text_area_changed(self, _event: TextArea.Changed) -> None:
        """Re-check as the guard types."""
        self._check()

    @fails_soft
    def _run(self, fn: object) -> None:
        try:
            self.report = fn()  # type: ignore[operator]
        except (ReportError, ValueError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.app.post_message(DataChanged("incident_report"))
        self.notify(t("inc.saved"), markup=False)
        self._check()

    def action_save(self) -> None:
        """Save the draft as it stands."""
        rep = self._form()
        if rep is not None:
            self._run(lambda: self.service.save_report(rep, self.ctx.session.user))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save, submit, approve (supervisor) or print."""
        which = (event.button.id or "").removeprefix("rep-").removesuffix("-btn")
        by = self.ctx.session.user
        rep = self._form()
        if rep is None:
            return
        if which == "save":
            self.action_save()
        elif which == "submit":
            self._run(lambda: self.service.submit_report(rep, by))
        elif which == "approve":
            guard_action(self.fd_app, "approve_report", lambda: self._run(
                lambda: self.service.approve_report(self.incident_id, by)))
        elif which == "pdf":
            self._pdf(rep)

    @fails_soft
    def _pdf(self, rep: Report) -> None:
        from frontdesk.services.incidents.pdf import ReportPdfError

        inc = self.service.get(self.incident_id)
        if inc is None:
            return
        path = self.ctx.paths.db_file.parent / "reports" / f"incident-{inc.id[:8]}.pdf"
        try:
            self.service.print_pdf(rep, path, language(), self.ctx.session.user)
        except ReportPdfError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(t("inc.report.pdf_done", path=str(path)), markup=False, timeout=10)

    def action_back(self) -> None:
        """Back (unsaved edits are kept only if saved)."""
        self.app.pop_screen()
