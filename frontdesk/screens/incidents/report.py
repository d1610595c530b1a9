"""The written report form: prefilled from the timeline, completeness shown; submit (at the time
it was handed in), approve or return with a reason (003 流程 9), resubmit; PDF, one file per
printing."""
from __future__ import annotations

from datetime import datetime
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
from frontdesk.domain.sitetime import full_time, parse_typed
from frontdesk.i18n import language, t
from frontdesk.messages import DataChanged
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.incidents.errors import error_text
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
    ReportScreen #rep-buttons Button { min-width: 0; margin-right: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="incident.back"),
        Binding("ctrl+s", "save", "Save", id="report.save", priority=True),
    ]
    FIELDS = ("when", "place", "account", "photos", "conclusion", "suggestions", "signer",
              "submit_at", "submit_reason")

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.report: Report | None = None
        self.due_at: datetime | None = None

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
            for name in ("save", "submit", "approve", "return", "pdf"):
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
        inc = self.service.get(self.incident_id)
        self.due_at = self.service.report_due_at(inc) if inc is not None else None
        tz = self.ctx.require_site().timezone
        values = {"when": full_time(rep.occurred_at, tz) if rep.occurred_at else "",
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
        when = parse_typed(when_text, self.ctx.clock.now(), tz) if when_text else None
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
        text += "\n" + self._due_line(rep, lang)
        tz = self.ctx.require_site().timezone
        if rep.approved_by and rep.approved_at:
            text += " · " + t("inc.report.approved_line", who=rep.approved_by,
                              at=full_time(rep.approved_at, tz))
        elif rep.returned_by and rep.returned_at:
            text += " · " + t("inc.report.returned_by", who=rep.returned_by,
                              at=full_time(rep.returned_at, tz), reason=rep.returned_reason)
        self.query_one("#rep-status", Static).update(ui(text))

    def _due_line(self, rep: Report, lang: str) -> str:
        """When the report is due and whether it is (or was) late, with how late."""
        from frontdesk.services.incidents.pdf import PdfContext, lateness_line

        if self.due_at is None:
            return ""
        site = self.ctx.require_site()
        return f"{t('inc.pdf.due')}: " + lateness_line(rep, PdfContext(
            site.name, site.timezone, self.due_at, self.ctx.clock.now(), lang))

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
            self.notify(error_text(exc), severity="error", markup=False)
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
            self._submit(rep, by)
        elif which == "approve":
            guard_action(self.fd_app, "approve_report", lambda: self._run(
                lambda: self.service.approve_report(self.incident_id, by)))
        elif which == "return":
            guard_action(self.fd_app, "approve_report", self._ask_return)
        elif which == "pdf":
            self._pdf(rep)

    def _submit(self, rep: Report, by: str) -> None:
        """Submit at the time typed (empty: now; earlier needs the reason field)."""
        typed = clean_input(self.query_one("#rep-submit_at", Input).value)
        at = None
        if typed:
            at = parse_typed(typed, self.ctx.clock.now(), self.ctx.require_site().timezone)
            if at is None:
                self.notify(t("inc.err.time"), severity="error", markup=False)
                return
        reason = clean_input(self.query_one("#rep-submit_reason", Input).value)
        self._run(lambda: self.service.submit_report(rep, by, at, reason))

    def _ask_return(self) -> None:
        """Ask why the report goes back for rework, then return it."""
        from frontdesk.screens.incidents.prompt import PromptScreen

        def done(v: dict[str, str] | None) -> None:
            if v is not None:
                self._run(lambda: self.service.return_report(
                    self.incident_id, self.ctx.session.user, v.get("reason", "")))

        self.app.push_screen(PromptScreen(t("inc.report.return_title"),
                                          [("reason", t("inc.report.return_reason"))]), done)

    @fails_soft
    def _pdf(self, rep: Report) -> None:
        from frontdesk.services.incidents.pdf import ReportPdfError

        try:  # each printing is its own file: a returned and a resubmitted version both stay
            path = self.service.print_pdf(rep, None, language(), self.ctx.session.user)
        except (ReportPdfError, ReportError) as exc:
            self.notify(error_text(exc), severity="error", markup=False)
            return
        self.notify(t("inc.report.pdf_done", path=str(path)), markup=False, timeout=10)

    def action_back(self) -> None:
        """Back (unsaved edits are kept only if saved)."""
        self.app.pop_screen()
