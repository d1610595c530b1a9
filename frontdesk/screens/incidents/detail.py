"""One incident: facts, clocks, what was late, what blocks closing, the timeline; every action
on one key. Decisions the seeds give to a supervisor (level, statement, 舆情 mark, corrections)
go through the one door (``guard_action``)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Header, Static

from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.durations import until
from frontdesk.domain.escalation.contacts import Contact, role_names
from frontdesk.domain.incidents.deadlines import Clock
from frontdesk.domain.incidents.lateness import LateItem
from frontdesk.domain.incidents.model import (
    TRANSITIONS,
    Blocker,
    ChecklistStatus,
    Incident,
    Kind,
    Level,
    State,
    StatementWhen,
    TimelineEntry,
    TransitionError,
    checklist_statuses,
    effective_timeline,
)
from frontdesk.domain.incidents.report import ReportError
from frontdesk.domain.incidents.when import WhenError, is_backdated
from frontdesk.domain.sitetime import clock_time, full_time, parse_typed, stamp
from frontdesk.i18n import language, pick, t
from frontdesk.messages import DataChanged, Deliver
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.incidents.errors import error_text
from frontdesk.screens.incidents.prompt import PromptScreen
from frontdesk.screens.trust.guard import guard_action
from frontdesk.services.escalation.service import timeline_line
from frontdesk.services.incidents.decisions import STATEMENT_PARTS
from frontdesk.services.incidents.service import IncidentError, IncidentService
from frontdesk.text import cell, one_line, ui
from frontdesk.widgets.countdown import fit
from frontdesk.workers import db_worker, fails_soft

#: Seconds between re-renders of ages and time left while the detail stays open.
AGES_REFRESH = 15.0

#: Roles offered as the decider of a level (001: the leadership decides), highest first.
DECIDERS = ("general_manager", "group_leadership", "regional_head", "developer_cs",
            "project_manager", "gm_office", "security_supervisor")


@dataclass(frozen=True)
class Loaded:
    """Everything the detail shows, read in one worker run."""

    incident: Incident | None
    kind: Kind | None
    entries: list[TimelineEntry]
    clocks: list[Clock]
    blockers: list[Blocker]
    checklist: dict[str, ChecklistStatus]
    late: list[LateItem] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)


def contact_options(contacts: list[Contact], roles: tuple[str, ...],
                    first: str | None = None) -> list[tuple[str, str]]:
    """(label, id) of the contacts in ``roles``, the role ``first`` first, then role order."""
    order = {r: i for i, r in enumerate(roles)}
    if first is not None:
        order[first] = -1
    picked = sorted((c for c in contacts if c.role in order),
                    key=lambda c: (order[c.role], c.name))
    return [(f"{pick(role_names(c.role))} · {one_line(c.name, 20)}", c.id) for c in picked]


def late_line(item: LateItem, tz: str, now: datetime, lang: str) -> str:
    """"报告 限18:00,23:02完成(超时 5小时02分)" — the lateness of one clock, kept on record."""
    what = fit(item.label.in_lang(lang), 18)
    due = clock_time(item.due_at, tz, now)
    if item.done_at is not None:
        return t("inc.late.met", what=what, due=due, done=clock_time(item.done_at, tz, now),
                 late=until(item.due_at, item.done_at, lang, long=True))
    return t("inc.late.open", what=what, due=due, late=until(item.due_at, now, lang, long=True))


class IncidentScreen(FrontdeskScreen[None]):
    """The detail of one incident."""

    DEFAULT_CSS = """
    IncidentScreen #inc-facts { height: auto; padding: 0 1; background: $panel; }
    IncidentScreen #inc-clocks { height: auto; padding: 0 1; }
    IncidentScreen #inc-late { height: auto; padding: 0 1; color: $warning; }
    IncidentScreen #inc-blockers { height: auto; padding: 0 1; color: $warning; }
    IncidentScreen #inc-timeline { height: 1fr; }
    """
    # Footer order: the essential keys (statement, close) first, so they fit at 80 columns in
    # both languages before the command-palette key; Esc (back) works everywhere unshown.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="incident.back", show=False),
        Binding("p", "statement", "Statement", id="incident.statement"),
        Binding("x", "close_incident", "Close", id="incident.close"),
        Binding("a", "note", "Note", id="incident.note"),
        Binding("k", "checklist", "Steps", id="incident.checklist"),
        Binding("l", "level", "Level", id="incident.level"),
        Binding("r", "report", "Report", id="incident.report"),
        Binding("e", "escalation", "Calls", id="incident.escalation"),
        Binding("c", "correct", "Correct", id="incident.correct", show=False),
        Binding("f", "correct_facts", "Correct facts", id="incident.correct_facts", show=False),
        Binding("s", "state", "State", id="incident.state", show=False),
        Binding("o", "public_opinion", "Opinion", id="incident.public_opinion", show=False),
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
        """Facts, clocks, lateness, blockers, timeline."""
        yield Header()
        yield Static(id="inc-facts")
        yield Static(id="inc-clocks")
        yield Static(id="inc-late")
        yield Static(id="inc-blockers")
        yield DataTable(id="inc-timeline", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Focus the timeline; keep ages and time left moving while the screen is open."""
        super().on_mount()
        self.query_one("#inc-timeline", DataTable).focus()
        self.set_interval(AGES_REFRESH, self._refresh_times)

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
        from frontdesk.services.escalation.contacts import ContactService

        svc = self.service
        inc = svc.get(self.incident_id)
        if inc is None:
            self.post_message(Deliver(self._show, Loaded(None, None, [], [], [], {})))
            return
        entries = svc.entries(inc.id)
        contacts: Any = self.ctx.service("contacts", ContactService)
        data = Loaded(inc, svc.kind(inc.kind), entries, svc.clocks(inc), svc.blockers(inc.id),
                      checklist_statuses(entries), svc.late_items(inc.id), contacts.all(),
                      svc.payload(inc.id))
        self.post_message(Deliver(self._show, data))

    def _show(self, data: Loaded) -> None:
        self.data = data
        facts = self.query_one("#inc-facts", Static)
        if data.incident is None:
            facts.update(ui(t("inc.detail.gone")))
            return
        lang, tz, now = language(), self.ctx.require_site().timezone, self.ctx.clock.now()
        self._show_times(data, now, tz, lang)
        why = "; ".join(b.message.in_lang(lang) for b in data.blockers[:4])
        if len(data.blockers) > 4:
            why += " " + t("inc.alert.more", n=len(data.blockers) - 4)
        self.query_one("#inc-blockers", Static).update(ui(
            f"{t('inc.detail.blockers')}: {why}" if data.blockers else t("inc.detail.no_blockers")))
        table = self.query_one("#inc-timeline", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = effective_timeline(data.entries)
        for e in self.rows:
            corrected = t("inc.detail.corrected") if e.supersedes else ""
            late_note = ""
            if is_backdated(e.occurred_at, e.recorded_at):
                late_note = t("inc.detail.recorded", at=clock_time(e.recorded_at, tz, now))
            text = timeline_line(e.data, e.text, lang)
            table.add_row(stamp(e.occurred_at, now, tz, lang), cell(e.author, 8),
                          cell(f"{corrected}{text} {late_note}".strip()))
        if self.rows:  # another terminal's write reloads the screen: keep the guard's place
            table.move_cursor(row=min(keep, len(self.rows) - 1))

    def _show_times(self, data: Loaded, now: datetime, tz: str, lang: str) -> None:
        """The facts line (with the event's age) and the clocks line (with time left)."""
        inc = data.incident
        if inc is None:
            return
        kind = data.kind.name.in_lang(lang) if data.kind else inc.kind
        marked = data.payload.get("public_opinion_at")
        po = t("inc.po.fact", at=clock_time(datetime.fromisoformat(marked), tz, now)) \
            if marked else ""
        self.query_one("#inc-facts", Static).update(ui(" · ".join(one_line(x) for x in (
            inc.number, kind, inc.level.label.in_lang(lang), inc.state.label.in_lang(lang),
            stamp(inc.occurred_at, now, tz, lang), inc.place, po, inc.summary) if x)))
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
            clocks.append(f"{mark}{label} {clock_time(c.due_at, tz, now)} "
                          f"({until(c.due_at, now, lang, long=True)})")
        self.query_one("#inc-clocks", Static).update(
            ui(f"{t('inc.detail.clocks')}: " + ("; ".join(clocks[:4]) or t("inc.clock.none"))))
        met = [i for i in data.late if i.met]  # overdue ones already show as clocks above
        late = "; ".join(late_line(i, tz, now, lang) for i in met[:3])
        if len(met) > 3:
            late += " " + t("inc.alert.more", n=len(met) - 3)
        self.query_one("#inc-late", Static).update(ui(f"{t('inc.late.title')}: {late}"))
        self.query_one("#inc-late", Static).display = bool(met)

    def _refresh_times(self) -> None:
        """Ages ("12分钟前") and time left move on while the screen stays open: re-render them
        from the loaded data (no database read); the timeline keeps its rows and cursor."""
        if self.data is None or self.data.incident is None:
            return
        lang, tz, now = language(), self.ctx.require_site().timezone, self.ctx.clock.now()
        self._show_times(self.data, now, tz, lang)
        table = self.query_one("#inc-timeline", DataTable)
        for index, e in enumerate(self.rows[:table.row_count]):
            table.update_cell_at(Coordinate(index, 0), stamp(e.occurred_at, now, tz, lang),
                                 update_width=True)

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
            self.notify(error_text(exc), severity="error", markup=False, timeout=10)
            return False
        except (IncidentError, ReportError, WhenError, ValueError) as exc:
            self.notify(error_text(exc), severity="error", markup=False)
            return False
        self.app.post_message(DataChanged("incident"))
        return True

    def _when(self, text: str | None) -> tuple[bool, datetime | None]:
        """A typed time ("14:05", "昨天 18:30") read in site time; (False, None) if unreadable."""
        if not text:
            return True, None
        at = parse_typed(text, self.ctx.clock.now(), self.ctx.require_site().timezone)
        if at is None:
            self.notify(t("inc.err.time"), severity="error", markup=False)
            return False, None
        return True, at

    def _contacts_or_say(self, options: list[tuple[str, str]]) -> bool:
        if options:
            return True
        self.notify(t("inc.err.no_contacts"), severity="error", markup=False, timeout=8)
        return False

    # -- actions --------------------------------------------------------------------------
    def action_back(self) -> None:
        """Back to the board."""
        self.app.pop_screen()

    def action_note(self) -> None:
        """Add a line; "happened at" may be earlier than now."""
        def save(v: dict[str, str]) -> bool | None:
            if not v.get("text"):
                return True
            ok, at = self._when(v.get("at"))
            if not ok:
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

    def action_correct_facts(self) -> None:
        """Correct the incident's time, place, kind or level (supervisor, with step-up)."""
        if self.data is None or self.data.incident is None:
            return
        inc, lang = self.data.incident, language()
        shown = full_time(inc.occurred_at, self.ctx.require_site().timezone)

        def save(v: dict[str, str]) -> bool | None:
            typed = v.get("occurred", "")
            ok, at = self._when(typed if typed != shown else "")  # untouched: not a change
            if not ok:
                return False
            return self._do(lambda: self.service.correct_facts(
                self.incident_id, self._by(), v.get("reason", ""), at, v.get("place"),
                v.get("kind"), v.get("level")))

        def ask() -> None:
            kinds = [(one_line(k.name.in_lang(lang), 30), k.id)
                     for k in self.service.catalogue.kinds.values()]
            self.app.push_screen(PromptScreen(
                t("inc.correct_facts.title"),
                [("occurred", t("inc.correct_facts.occurred")), ("place", t("inc.new.place")),
                 ("reason", t("inc.correct_facts.reason"))],
                choices=[("kind", t("inc.new.kind"), kinds),
                         ("level", t("inc.new.level"),
                          [(lv.label.in_lang(lang), lv.value) for lv in Level])],
                values={"occurred": shown, "place": inc.place, "kind": inc.kind,
                        "level": inc.level.value}, save=save))

        guard_action(self.fd_app, "correct_incident", ask)

    def action_checklist(self) -> None:
        """Mark a checklist item done (at the time it was done), or skip it with a reason."""
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
            ok, at = self._when(v.get("at"))
            if not ok:
                return False
            mark = "skipped" if v.get("flag") else "done"
            return self._do(lambda: self.service.mark_checklist(
                self.incident_id, v["choice"], mark, self._by(), v.get("reason", ""), at,
                v.get("late_reason", "")))

        self.app.push_screen(PromptScreen(
            t("inc.check.title"), [("at", t("inc.check.at")),
                                   ("late_reason", t("inc.when.reason")),
                                   ("reason", t("inc.check.reason"))],
            choices, flag=t("inc.check.skip"), save=save))

    def action_level(self) -> None:
        """Raise or lower the response level: a supervisor records the leadership's decision
        (step-up), with a reason and who decided (001)."""
        lang = language()
        data = self.data

        def save(v: dict[str, str]) -> bool | None:
            return self._do(lambda: self.service.change_level(
                self.incident_id, v["choice"], self._by(), v.get("reason", ""),
                v.get("decider", "")))

        def ask() -> None:
            options = contact_options(data.contacts if data else [], DECIDERS)
            if not self._contacts_or_say(options):
                return
            current = data.incident.level.value if data and data.incident else ""
            levels = [(lv.label.in_lang(lang), lv.value) for lv in reversed(Level)
                      if lv.value != current]
            self.app.push_screen(PromptScreen(
                t("inc.level.title"), [("reason", t("inc.level.reason"))], levels,
                choices=[("decider", t("inc.level.decider"), options)], save=save))

        guard_action(self.fd_app, "change_level", ask)

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

    def action_public_opinion(self) -> None:
        """Mark a media visit as having become a public-opinion event (one key; supervisor)."""
        kind = self.data.kind if self.data else None
        duty = kind.statement_duty if kind else None
        if duty is None or duty.when is not StatementWhen.WHEN_PUBLIC_OPINION:
            self.notify(t("inc.err.po_kind"), severity="warning", markup=False)
            return

        def save(v: dict[str, str]) -> bool | None:
            ok, at = self._when(v.get("at"))
            if not ok:
                return False
            done = self._do(lambda: self.service.mark_public_opinion(
                self.incident_id, self._by(), v.get("reason", ""), at,
                v.get("late_reason", "")))
            if done:
                self.notify(t("inc.po.marked"), markup=False, timeout=8)
            return done

        def ask() -> None:
            self.app.push_screen(PromptScreen(t("inc.po.title"), [
                ("reason", t("inc.po.reason")), ("at", t("inc.note.at")),
                ("late_reason", t("inc.when.reason"))], save=save))

        guard_action(self.fd_app, "mark_public_opinion", ask)

    def action_statement(self) -> None:
        """Record the public statement as released (supervisor): 001's four parts, the GM who
        approved it, the GM's office that published it, where and when (000)."""
        data = self.data

        def save(v: dict[str, str]) -> bool | None:
            ok, at = self._when(v.get("at"))
            if not ok:
                return False
            parts = {key: v.get(key, "") for key, _zh, _en in STATEMENT_PARTS}
            return self._do(lambda: self.service.record_statement(
                self.incident_id, parts, v.get("approver", ""), v.get("publisher", ""),
                v.get("channel", ""), self._by(), at, v.get("late_reason", "")))

        def ask() -> None:
            contacts = data.contacts if data else []
            approvers = contact_options(contacts, DECIDERS, "general_manager")
            publishers = contact_options(contacts, ("gm_office", *DECIDERS), "gm_office")
            if not self._contacts_or_say(approvers):
                return
            fields = [(key, t(f"inc.statement.{key}")) for key, _zh, _en in STATEMENT_PARTS]
            fields += [("channel", t("inc.statement.channel")), ("at", t("inc.statement.at")),
                       ("late_reason", t("inc.when.reason"))]
            self.app.push_screen(PromptScreen(
                t("inc.statement.title"), fields,
                choices=[("approver", t("inc.statement.approver"), approvers),
                         ("publisher", t("inc.statement.publisher"), publishers)], save=save))

        guard_action(self.fd_app, "record_statement", ask)

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
