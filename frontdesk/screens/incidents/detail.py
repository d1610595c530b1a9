"""One incident: facts, clocks, what blocks closing, the timeline; every action on one key."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from frontdesk.domain.incidents.deadlines import Clock, ClockState
from frontdesk.domain.incidents.model import (
    TRANSITIONS,
    Blocker,
    ChecklistStatus,
    Incident,
    Kind,
    Level,
    State,
    TimelineEntry,
    TransitionError,
    checklist_statuses,
    effective_timeline,
)
from frontdesk.domain.incidents.report import ReportError
from frontdesk.domain.timeparse import format_site_time, parse_site_time
from frontdesk.i18n import language, t
from frontdesk.messages import DataChanged, Deliver
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.trust.guard import guard_action
from frontdesk.screens.incidents.prompt import PromptScreen
from frontdesk.services.incidents.service import IncidentError, IncidentService
from frontdesk.text import cell, one_line, ui
from frontdesk.widgets.countdown import fit, remaining_text
from frontdesk.workers import db_worker, fails_soft


@dataclass(frozen=True)
class Loaded:
    """Everything the detail shows, read in one worker run."""

    incident: Incident | None
    kind: Kind | None
    entries: list[TimelineEntry]
    clocks: list[Clock]
    blockers: list[Blocker]
    checklist: dict[str, ChecklistStatus]


class IncidentScreen(FrontdeskScreen[None]):
    """The detail of one incident."""

    DEFAULT_CSS = """
    IncidentScreen #inc-facts { height: auto; padding: 0 1; background: $panel; }
    IncidentScreen #inc-clocks { height: auto; padding: 0 1; }
    IncidentScreen #inc-blockers { height: auto; padding: 0 1; color: $warning; }
    IncidentScreen #inc-timeline { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="incident.back"),
        Binding("a", "note", "Add note", id="incident.note"),
        Binding("c", "correct", "Correct", id="incident.correct", show=False),
        Binding("k", "checklist", "Checklist", id="incident.checklist"),
        Binding("l", "level", "Level", id="incident.level"),
        Binding("s", "state", "State", id="incident.state"),
        Binding("r", "report", "Report", id="incident.report"),
        Binding("e", "escalation", "Calls", id="incident.escalation"),
        Binding("p", "statement", "Statement", id="incident.statement", show=False),
        Binding("x", "close_incident", "Close", id="incident.close"),
    ]

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.data: Loaded | None = None
        self.rows: list[TimelineEntry] = []

    @property
    def current_incident_id(self) -> str:
        """The incident shown (read by the scripts feature)."""
        return self.incident_id

    @property
    def service(self) -> IncidentService:
        """The incident service."""
        return self.ctx.service("incidents", IncidentService)

    def compose(self) -> ComposeResult:
        """Facts, clocks, blockers, timeline."""
        yield Header()
        yield Static(id="inc-facts")
        yield Static(id="inc-clocks")
        yield Static(id="inc-blockers")
        yield DataTable(id="inc-timeline", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Focus the timeline."""
        super().on_mount()
        self.query_one("#inc-timeline", DataTable).focus()

    def relabel(self) -> None:
        """Re-render in the current language."""
        table = self.query_one("#inc-timeline", DataTable)
        table.clear(columns=True)
        table.add_columns(t("inc.detail.time"), t("inc.detail.author"), t("inc.detail.timeline"))
        if self.data is not None:
            self._show(self.data)

    def reload(self) -> None:
        """Load in a worker."""
        self._load()

    @db_worker(group="incident-detail", exclusive=True)
    def _load(self) -> None:
        svc = self.service
        inc = svc.get(self.incident_id)
        if inc is None:
            self.post_message(Deliver(self._show, Loaded(None, None, [], [], [], {})))
            return
        entries = svc.entries(inc.id)
        data = Loaded(inc, svc.kind(inc.kind), entries, svc.clocks(inc), svc.blockers(inc.id),
                      checklist_statuses(entries))
        self.post_message(Deliver(self._show, data))

    def _show(self, data: Loaded) -> None:
        self.data = data
        facts = self.query_one("#inc-facts", Static)
        if data.incident is None:
            facts.update(ui(t("inc.detail.gone")))
            return
        inc, lang, tz = data.incident, language(), self.ctx.require_site().timezone
        now = self.ctx.clock.now()
        kind = data.kind.name.in_lang(lang) if data.kind else inc.kind
        facts.update(ui(" · ".join(one_line(x) for x in (
            kind, inc.level.label.in_lang(lang), inc.state.label.in_lang(lang),
            format_site_time(inc.occurred_at, tz, now), inc.place, inc.summary) if x)))
        clocks = []
        for c in data.clocks:
            if c.state is ClockState.DONE:
                continue
            mark = {"warning": "!", "breach": "!!"}.get(c.state.value, "")
            label = t(f"inc.clock.{c.code}")
            item = next((i for i in (data.kind.checklist if data.kind else ())
                         if i.id == c.subject), None)
            if item is not None:
                label = fit(item.text.in_lang(lang), 16)
            clocks.append(f"{mark}{label} {format_site_time(c.due_at, tz, now)} "
                          f"({remaining_text(c.due_at, now, lang)})")
        self.query_one("#inc-clocks", Static).update(
            ui(f"{t('inc.detail.clocks')}: " + ("; ".join(clocks[:4]) or t("inc.clock.none"))))
        why = "; ".join(b.message.in_lang(lang) for b in data.blockers[:4])
        if len(data.blockers) > 4:
            why += " " + t("inc.alert.more", n=len(data.blockers) - 4)
        self.query_one("#inc-blockers", Static).update(ui(
            f"{t('inc.detail.blockers')}: {why}" if data.blockers else t("inc.detail.no_blockers")))
        table = self.query_one("#inc-timeline", DataTable)
        table.clear()
        self.rows = effective_timeline(data.entries)
        for e in self.rows:
            corrected = t("inc.detail.corrected") if e.supersedes else ""
            late = ""
            if (e.recorded_at - e.occurred_at).total_seconds() > 300:
                late = t("inc.detail.recorded", at=format_site_time(e.recorded_at, tz, now))
            table.add_row(format_site_time(e.occurred_at, tz, now), cell(e.author, 8),
                          cell(f"{corrected}{e.text} {late}".strip()))

    # -- helpers --------------------------------------------------------------------------
    def _by(self) -> str:
        return self.ctx.session.user

    @fails_soft
    def _do(self, fn: Callable[[], Any]) -> bool:
        """Run a service call; say why it failed (the app says it for the database and the
        unexpected); reload everything on success."""
        try:
            fn()
        except TransitionError as exc:
            lang = language()
            why = "; ".join(b.message.in_lang(lang) for b in exc.blockers) or str(exc)
            self.notify(t("inc.close.refused", why=why), severity="error", markup=False,
                        timeout=10)
            return False
        except (IncidentError, ReportError, ValueError) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False
        self.app.post_message(DataChanged("incident"))
        return True

    # -- actions --------------------------------------------------------------------------
    def action_back(self) -> None:
        """Back to the board."""
        self.app.pop_screen()

    def action_note(self) -> None:
        """Add a line; "happened at" may be earlier than now."""
        def save(v: dict[str, str]) -> bool | None:
            if not v.get("text"):
                return True
            at = None
            if v.get("at"):
                at = parse_site_time(v["at"], self.ctx.clock.now(),
                                     self.ctx.require_site().timezone)
                if at is None:
                    self.notify(t("inc.err.time"), severity="error", markup=False)
                    return False
            return self._do(lambda: self.service.add_note(self.incident_id, v["text"], self._by(),
                                                          at, bool(v.get("flag"))))

        self.app.push_screen(PromptScreen(t("inc.note.title"), [
            ("text", t("inc.note.text")), ("at", t("inc.note.at"))],
            flag=t("inc.note.unconfirmed"), save=save))

    def action_correct(self) -> None:
        """Correct the selected line (a new line supersedes it)."""
        table = self.query_one("#inc-timeline", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return
        entry = self.rows[table.cursor_row]

        def save(v: dict[str, str]) -> bool | None:
            if not v.get("text"):
                return True
            return self._do(lambda: self.service.correct(entry.id, v["text"], self._by()))

        self.app.push_screen(PromptScreen(t("inc.correct.title"), [("text", t("inc.note.text"))],
                                          values={"text": entry.text}, save=save))

    def action_checklist(self) -> None:
        """Mark a checklist item done, or skip it with a reason."""
        if self.data is None or self.data.kind is None:
            return
        lang = language()
        marks = self.data.checklist
        choices = []
        for item in self.data.kind.checklist:
            state = marks[item.id].state.value if item.id in marks else "pending"
            choices.append((f"[{t('inc.detail.' + state)}] {item.text.in_lang(lang)}", item.id))
        if not choices:
            return

        def save(v: dict[str, str]) -> bool | None:
            mark = "skipped" if v.get("flag") else "done"
            return self._do(lambda: self.service.mark_checklist(
                self.incident_id, v["choice"], mark, self._by(), v.get("reason", "")))

        self.app.push_screen(PromptScreen(t("inc.check.title"), [("reason", t("inc.check.reason"))],
                                          choices, flag=t("inc.check.skip"), save=save))

    def action_level(self) -> None:
        """Raise (or lower) the response level."""
        lang = language()

        def save(v: dict[str, str]) -> bool | None:
            return self._do(lambda: self.service.raise_level(self.incident_id, v["choice"],
                                                             self._by(), v.get("reason", "")))

        self.app.push_screen(PromptScreen(
            t("inc.level.title"), [("reason", t("inc.level.reason"))],
            [(lv.label.in_lang(lang), lv.value) for lv in reversed(Level)], save=save))

    def action_state(self) -> None:
        """Move the incident along (closing goes through the close key)."""
        if self.data is None or self.data.incident is None:
            return
        lang = language()
        allowed = [s for s in State if s in TRANSITIONS[self.data.incident.state]
                   and s is not State.CLOSED]
        if not allowed:
            return

        def save(v: dict[str, str]) -> bool | None:
            return self._do(lambda: self.service.set_state(self.incident_id, v["choice"],
                                                           self._by(), v.get("reason", "")))

        self.app.push_screen(PromptScreen(t("inc.state.title"), [("reason", t("inc.state.reason"))],
                                          [(s.label.in_lang(lang), s.value) for s in allowed],
                                          save=save))

    def action_statement(self) -> None:
        """Record the public statement released."""
        def save(v: dict[str, str]) -> bool | None:
            if not v.get("text"):
                return True
            return self._do(lambda: self.service.release_statement(self.incident_id, v["text"],
                                                                   self._by()))

        self.app.push_screen(PromptScreen(t("inc.statement.title"),
                                          [("text", t("inc.statement.text"))], save=save))

    def action_escalation(self) -> None:
        """Who to call next, who answered, which reports are owed (one key per outcome)."""
        from frontdesk.screens.escalation.escalation_screen import EscalationScreen

        self.app.push_screen(EscalationScreen(self.incident_id))

    def action_report(self) -> None:
        """The written report form."""
        from frontdesk.screens.incidents.report import ReportScreen

        self.app.push_screen(ReportScreen(self.incident_id))

    def action_close_incident(self) -> None:
        """Close (supervisor only); refused with the blockers named."""
        def close() -> None:
            if self._do(lambda: self.service.set_state(self.incident_id, "closed", self._by())):
                self.notify(t("inc.close.done"), markup=False)

        guard_action(self.fd_app, "close_incident", close)
