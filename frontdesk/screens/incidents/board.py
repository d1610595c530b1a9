"""The duty board (F3): every open incident, soonest deadline first, with live countdowns.

Incidents are loaded once (and again on DataChanged/ReloadData, which the app also posts when
another terminal, the command line or a sync import wrote to the database); every second the
row texts are recomputed from the stored instants and ``ctx.clock.now()``, and only cells whose
text or state changed are repainted. Crossing into warning or breach rings the bell once per
clock and state, whichever process wrote the incident. Cells cut to their column end with
"…"; the line under the list shows the highlighted incident whole. The status line says who is
on duty (the contacts' duty hours).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Footer, Header, ListItem, ListView, Static

from frontdesk.domain import durations
from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.escalation.contacts import role_names
from frontdesk.domain.incidents.deadlines import Clock, incident_clocks
from frontdesk.domain.incidents.lateness import clock_name
from frontdesk.i18n import language, pick, t
from frontdesk.messages import Deliver
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.services.incidents.service import BoardItem, IncidentService, escalation
from frontdesk.text import one_line, ui
from frontdesk.widgets.countdown import Countdown, fit, next_clock
from frontdesk.workers import db_worker

# Widths at 80 columns: "elapsed" holds "23小时59分", "next" a label and "还剩23小时59分", and the
# rest (14 cells) shows a call countdown like "超时1天13小时" whole before whom to call.
COLUMNS = (("kind", 10), ("level", 7), ("state", 8), ("elapsed", 10), ("next", 22),
           ("escalation", 0))


#: Seconds between re-reads of the escalation summaries (who is next moves on as steps time out).
ESCALATION_REFRESH = 30.0


@dataclass(frozen=True)
class EscLine:
    """The escalation summary of one incident, as loaded (its countdown is live)."""

    text: str
    due: datetime | None
    state: str


def clock_label(clock: Clock, item: BoardItem) -> str:
    """``报告`` / ``report``, or the checklist item's text for an item clock."""
    if clock.code == "checklist" and item.kind is not None:
        found = next((i for i in item.kind.checklist if i.id == clock.subject), None)
        if found is not None:
            return fit(pick({"zh": found.text.zh, "en": found.text.en}), 12)
    return t(f"inc.clock.{clock.code}")


class BoardRow(ListItem):
    """One incident on the board."""

    def __init__(self, item: BoardItem, esc: EscLine | None) -> None:
        super().__init__()
        self.item, self.esc = item, esc
        self.cells = {name: Countdown(classes=f"board-{name}") for name, _w in COLUMNS}
        self.next_change: datetime | None = None  # nothing shown changes before this instant
        self.full_next = ""  # the next deadline's text before it was cut to the column
        self.last_now: datetime | None = None

    @property
    def incident_id(self) -> str:
        """The incident shown."""
        return self.item.incident.id

    def compose(self) -> ComposeResult:
        """The cells."""
        with Horizontal(classes="board-line"):
            yield from self.cells.values()

    def tick(self, now: datetime, clocks: list[Clock], lang: str) -> None:
        """Recompute every text from stored instants; repaint only what changed."""
        inc, kind = self.item.incident, self.item.kind
        name = pick({"zh": kind.name.zh, "en": kind.name.en}) if kind else inc.kind
        self.cells["kind"].show(fit(name, 10))
        self.cells["level"].show(inc.level.label.in_lang(lang))
        self.cells["state"].show(fit(inc.state.label.in_lang(lang), 8))
        self.cells["elapsed"].show(durations.elapsed(inc.occurred_at, now, lang))
        nxt = next_clock(clocks)
        if nxt is None:
            self.cells["next"].show(t("inc.clock.none"))
            self.full_next = ""
        else:
            left = durations.until(nxt.due_at, now, lang)
            # the label gives way: the countdown is never cut
            label = fit(clock_label(nxt, self.item), dict(COLUMNS)["next"] - 1 - cell_len(left))
            text = f"{label} {left}"
            self.cells["next"].show(text, nxt.state.value if nxt.state in
                                    (ClockState.WARNING, ClockState.BREACH) else "")
            whole = clock_name(nxt.code, nxt.subject, self.item.kind).in_lang(lang) \
                if nxt.code == "checklist" else t(f"inc.clock.{nxt.code}")
            self.full_next = f"{whole} {left}"  # the detail line shows it uncut
        self.cells["escalation"].show(*esc_view(self.esc, now, lang))

    def plan_next(self, now: datetime, clocks: list[Clock], rules: Any) -> None:
        """Remember when any text or state of this row next changes (the tick skips till then)."""
        times = [durations.elapsed_changes(self.item.incident.occurred_at, now)]
        for c in clocks:
            if c.state is ClockState.DONE:
                continue
            times.append(durations.until_changes(c.due_at, now))
            warn_at = c.due_at - rules.warn(c.code)
            if warn_at > now:
                times.append(warn_at)
        if self.esc is not None and self.esc.due is not None:
            times.append(durations.until_changes(self.esc.due, now))
        self.next_change, self.last_now = min(times), now


def esc_view(esc: EscLine | None, now: datetime, lang: str) -> tuple[str, str]:
    """The escalation cell: who to call and the live countdown to it."""
    if esc is None or not esc.text:
        return "", ""
    state = esc.state if esc.state in ("warning", "breach") else ""
    if esc.due is None:
        return esc.text, state
    if esc.due <= now:
        state = "breach"
    return f"{durations.until(esc.due, now, lang)} {esc.text}", state


class DutyBoardScreen(FrontdeskScreen[None]):
    """All open incidents, soonest deadline first."""

    DEFAULT_CSS = """
    DutyBoardScreen #board-head { height: 1; padding: 0 1; background: $panel; }
    DutyBoardScreen #board-head Static { text-style: bold; }
    DutyBoardScreen #board-list { height: 1fr; }
    DutyBoardScreen #board-empty { padding: 1 2; color: $text-muted; }
    DutyBoardScreen .board-line { height: 1; padding: 0 1; }
    DutyBoardScreen .board-kind, DutyBoardScreen .head-kind { width: 10; }
    DutyBoardScreen .board-level, DutyBoardScreen .head-level { width: 7; }
    DutyBoardScreen .board-state, DutyBoardScreen .head-state { width: 8; }
    DutyBoardScreen .board-elapsed, DutyBoardScreen .head-elapsed { width: 10; }
    DutyBoardScreen .board-next, DutyBoardScreen .head-next { width: 22; }
    DutyBoardScreen .board-escalation, DutyBoardScreen .head-escalation { width: 1fr; }
    DutyBoardScreen Static { margin-right: 1; }
    DutyBoardScreen #board-status { height: 1; padding: 0 1; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis; }
    DutyBoardScreen #board-detail { height: auto; max-height: 4; padding: 0 1;
        background: $panel; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_incident", "Open", id="board.open", show=False),
        Binding("n", "new_incident", "New incident", id="board.new"),
        Binding("h", "handover", "Handover", id="board.handover"),
        Binding("c", "closed_list", "Closed", id="board.closed"),
        Binding("s", "summary", "Summary", id="board.summary"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[BoardItem] = []
        self.rows: list[BoardRow] = []
        self.escs: dict[str, EscLine] = {}
        self.announced: set[tuple[str, str, str, str]] = set()
        # crossings rung while the sign-in screen was up, shown after sign-in (see _announce)
        self.held: list[str] = []
        self.held_worst = ""
        self.ticker: Timer | None = None
        self.on_duty: list[tuple[str, str]] = []
        self._detail_shown = ""

    @property
    def service(self) -> IncidentService:
        """The incident service."""
        return self.ctx.service("incidents", IncidentService)

    @property
    def current_incident_id(self) -> str | None:
        """The incident under the cursor (read by the scripts feature)."""
        lv = self.query_one("#board-list", ListView)
        row = lv.highlighted_child
        return row.incident_id if isinstance(row, BoardRow) else None

    def compose(self) -> ComposeResult:
        """Status line, column heads, the list, footer."""
        yield Header()
        yield Static(id="board-status")
        with Horizontal(id="board-head"):
            for name, _w in COLUMNS:
                yield Static(classes=f"head-{name}", id=f"head-{name}")
        yield ListView(id="board-list")
        yield Static(id="board-empty")
        yield Static(id="board-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Start the one-second tick (cheap: no database access)."""
        super().on_mount()
        self.ticker = self.set_interval(1.0, self.tick)
        self.set_interval(ESCALATION_REFRESH, self._refresh_escalation)
        self.query_one("#board-list", ListView).focus()

    def relabel(self) -> None:
        """Column heads and status in the current language; rows follow on the next tick."""
        for name, _w in COLUMNS:
            self.query_one(f"#head-{name}", Static).update(ui(t(f"inc.col.{name}")))
        self.query_one("#board-empty", Static).update(ui(t("inc.board.empty")))
        self._status()
        if self.is_mounted:
            self.tick(announce=False, force=True)

    def _status(self) -> None:
        duty = " · ".join(f"{pick(role_names(r))} {one_line(n, 12)}" for r, n in self.on_duty)
        who = t("inc.board.on_duty", who=duty) if duty else t("inc.board.on_duty_none")
        self.query_one("#board-status", Static).update(
            ui(f"{t('inc.board.title')} · {t('inc.board.count', n=len(self.items))} · {who}"))
        self.query_one("#board-empty", Static).display = not self.items
        self.query_one("#board-list", ListView).display = bool(self.items)
        self.query_one("#board-detail", Static).display = bool(self.items)

    def _detail(self) -> None:
        """The highlighted incident in full: what the cut cells hold, and more."""
        lv = self.query_one("#board-list", ListView)
        row = lv.highlighted_child
        if not isinstance(row, BoardRow):
            self._detail_shown = ""
            self.query_one("#board-detail", Static).update("")
            return
        lang = language()
        inc, kind = row.item.incident, row.item.kind
        name = kind.name.in_lang(lang) if kind else inc.kind
        cells = [row.full_next, row.cells["escalation"].shown[0]]
        bits = [inc.number, name, inc.level.label.in_lang(lang), inc.state.label.in_lang(lang),
                inc.place, inc.summary, *cells]
        text = " · ".join(one_line(b) for b in bits if b)
        if text != self._detail_shown:
            self._detail_shown = text
            self.query_one("#board-detail", Static).update(ui(text))

    @on(ListView.Highlighted, "#board-list")
    def _highlighted(self, _event: ListView.Highlighted) -> None:
        self._detail()

    # -- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        """Load the open incidents in a worker."""
        self._load()

    @db_worker(group="board", exclusive=True)
    def _load(self) -> None:
        items = self.service.board_items()
        escs = self._summaries([i.incident.id for i in items])
        self.post_message(Deliver(self._loaded, items, escs, self._on_duty()))

    def _on_duty(self) -> list[tuple[str, str]]:
        """Who is on duty now (worker thread): the duty roles' contacts by their hours."""
        from frontdesk.services.incidents.summary import on_duty

        now = self.ctx.clock.now()
        contacts = escalation(self.ctx).contacts.all()
        return on_duty(contacts, now, now, self.ctx.require_site().timezone)

    def _summaries(self, ids: list[str]) -> dict[str, EscLine]:
        """Escalation summaries (worker thread)."""
        esc = escalation(self.ctx)
        escs: dict[str, EscLine] = {}
        now = self.ctx.clock.now()
        for iid in ids:
            try:
                s: Any = esc.summary(iid, now)
            except (LookupError, ValueError, TypeError):
                continue
            escs[iid] = EscLine(str(s.next_text or ""), s.next_due, str(s.state))
        return escs

    def _refresh_escalation(self) -> None:
        if self.rows:
            self._load_escalation([r.incident_id for r in self.rows])

    @db_worker(group="board-escalation", exclusive=True)
    def _load_escalation(self, ids: list[str]) -> None:
        self.post_message(Deliver(self._escalation_loaded, self._summaries(ids)))

    def _escalation_loaded(self, escs: dict[str, EscLine]) -> None:
        for row in self.rows:
            new = escs.get(row.incident_id)
            if new != row.esc:
                row.esc, row.next_change = new, None
        self.escs = escs

    def _loaded(self, items: list[BoardItem], escs: dict[str, EscLine],
                duty: list[tuple[str, str]] | None = None) -> None:
        now = self.ctx.clock.now()
        self.on_duty = duty or []
        rules = self.service.catalogue.rules

        def soonest(item: BoardItem) -> datetime:
            dues = [c.due_at for c in incident_clocks(item.facts, now, rules)
                    if c.state is not ClockState.DONE]
            e = escs.get(item.incident.id)
            if e is not None and e.due is not None:
                dues.append(e.due)
            return min(dues, default=item.incident.occurred_at.replace(year=9999))

        self.items = sorted(items, key=soonest)
        self.escs = escs
        if self._update_in_place(escs):
            self._status()
            self.call_after_refresh(self.tick)
            self.call_after_refresh(self._detail)
            return
        lv = self.query_one("#board-list", ListView)
        keep = self.current_incident_id
        lv.clear()
        rows = [BoardRow(i, escs.get(i.incident.id)) for i in self.items]
        lv.extend(rows)
        self.rows = rows
        ids = [r.incident_id for r in rows]
        if ids:
            lv.index = ids.index(keep) if keep in ids else 0
        self._status()
        self.call_after_refresh(self.tick)
        self.call_after_refresh(self._detail)

    def _update_in_place(self, escs: dict[str, EscLine]) -> bool:
        """Bring the rows up to date without rebuilding them, when the incidents that stay keep
        their order (a note or a call written anywhere; an incident opened or closed
        elsewhere): refresh the kept rows, drop the closed ones, insert the new ones where they
        sort. False when the order changed: the caller rebuilds the list."""
        new_ids = [i.incident.id for i in self.items]
        old = {r.incident_id: r for r in self.rows}
        kept = [r.incident_id for r in self.rows if r.incident_id in set(new_ids)]
        if [i for i in new_ids if i in old] != kept:
            return False
        if len(kept) != len(self.rows) and len(kept) != len(new_ids):
            return False  # rows both go and come: removal is asynchronous, rebuild instead
        lv = self.query_one("#board-list", ListView)
        keep = self.current_incident_id
        gone = [n for n, r in enumerate(self.rows) if r.incident_id not in set(new_ids)]
        if gone:
            lv.remove_items(gone)
        rows: list[BoardRow] = []
        for index, item in enumerate(self.items):
            row = old.get(item.incident.id)
            if row is None:
                row = BoardRow(item, escs.get(item.incident.id))
                lv.insert(index, [row])
            else:
                row.item, row.esc, row.next_change = item, escs.get(item.incident.id), None
            rows.append(row)
        self.rows = rows
        ids = [r.incident_id for r in rows]
        if ids:  # the highlight stays on the same incident, wherever it now sits
            lv.index = ids.index(keep) if keep in ids else 0
        return True

    # -- the tick -------------------------------------------------------------------------
    def tick(self, announce: bool = True, force: bool = False) -> None:
        """Recompute row texts from stored instants; ring once per newly crossed clock.

        A row is skipped while ``now`` lies before the instant its texts next change (and after
        the instant they were computed at, so a clock set back is handled too).
        """
        now = self.ctx.clock.now()
        lang = language()
        rules = self.service.catalogue.rules if self.rows else None
        crossed: list[str] = []
        worst = ""
        for row in self.rows:
            due = row.next_change
            if not force and due is not None and row.last_now is not None \
                    and row.last_now <= now < due:
                continue
            clocks = incident_clocks(row.item.facts, now, rules)
            row.tick(now, clocks, lang)
            row.plan_next(now, clocks, rules)
            for c in clocks:
                if c.state in (ClockState.WARNING, ClockState.BREACH):
                    key = (row.incident_id, c.code, c.subject, c.state.value)
                    if key not in self.announced:
                        self.announced.add(key)
                        crossed.append(self._what(row, c.code, clock_label(c, row.item)))
                        worst = "breach" if c.state is ClockState.BREACH else worst or "warning"
            _text, esc_state = esc_view(row.esc, now, lang)
            if esc_state:
                key = (row.incident_id, "escalation", "", esc_state)
                if key not in self.announced:
                    self.announced.add(key)
                    crossed.append(self._what(row, "escalation", t("inc.col.escalation")))
                    worst = "breach" if esc_state == "breach" else worst or "warning"
        if self.rows:
            self._detail()  # repaints only when the highlighted incident's line changed
        if announce and self.held and not self.ctx.session.locked:
            crossed, worst = self.held + crossed, _worse(self.held_worst, worst)
            self.held, self.held_worst = [], ""  # _announce rings again: someone is there now
        if crossed and announce:
            self._announce(crossed, worst)

    def _what(self, row: BoardRow, _code: str, label: str) -> str:
        kind = row.item.kind
        name = pick({"zh": kind.name.zh, "en": kind.name.en}) if kind else row.item.incident.kind
        return f"{one_line(name, 16)} · {label}"

    def _announce(self, crossed: list[str], worst: str) -> None:
        """One bell and one notification for everything that crossed in this tick.

        While the sign-in (or first-start) screen is up the bell rings but the notice waits: it
        would cover the PIN field, and nobody signed in is there to act on it. It is shown with
        the first tick after sign-in, with what crossed in between.
        """
        if self.ctx.session.locked:
            self.app.bell()
            self.held += crossed
            self.held_worst = _worse(self.held_worst, worst)
            return
        self.app.bell()
        head = t("inc.alert.breach" if worst == "breach" else "inc.alert.warning",
                 what="; ".join(crossed[:3]))
        if len(crossed) > 3:
            head += " " + t("inc.alert.more", n=len(crossed) - 3)
        self.notify(head, severity="error" if worst == "breach" else "warning",
                    markup=False, timeout=15)

    # -- actions --------------------------------------------------------------------------
    @on(ListView.Selected, "#board-list")
    def _selected(self, _event: ListView.Selected) -> None:
        self.action_open_incident()

    def action_open_incident(self) -> None:
        """Open the selected incident's detail."""
        iid = self.current_incident_id
        if iid is None:
            return
        from frontdesk.screens.incidents.detail import IncidentScreen

        self.app.push_screen(IncidentScreen(iid))

    def action_new_incident(self) -> None:
        """Open a new incident."""
        from frontdesk.screens.incidents.new import NewIncidentScreen

        self.app.push_screen(NewIncidentScreen())

    def action_handover(self) -> None:
        """Make the handover sheet."""
        from frontdesk.screens.incidents.handover import HandoverScreen

        self.app.push_screen(HandoverScreen())

    def action_closed_list(self) -> None:
        """The closed incidents, with date, kind and level filters and search."""
        from frontdesk.screens.incidents.closed import ClosedIncidentsScreen

        self.app.push_screen(ClosedIncidentsScreen())

    def action_summary(self) -> None:
        """Write the duty summary of a shift or a day (PDF or XLSX) for the manager."""
        from frontdesk.screens.incidents.summary import ask_summary

        ask_summary(self.fd_app)


def _worse(a: str, b: str) -> str:
    """The worse of two alert levels ("breach" > "warning" > "")."""
    order = {"": 0, "warning": 1, "breach": 2}
    return a if order.get(a, 0) >= order.get(b, 0) else b
