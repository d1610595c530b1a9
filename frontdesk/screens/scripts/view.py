"""One key from anywhere: the script card, full screen, in front of whatever the guard was doing.

``show_script_by_key`` (Alt+digit, or F5 then a digit) pushes the card synchronously from the
already-loaded book: no file or database work between the key and the frame.

A reading is a reading: a card counts as read once it has been up for :data:`READ_AFTER`
(long enough to say its first line), checked by the injected clock while it is up and again as
it closes; a card browsed past sooner is not recorded. The reading goes against the entry or
incident the guard chose (the register's chosen entry, the incident open on screen) or against
nothing, and the card says which. A reading recorded by mistake is struck out with Ctrl+Z (a new
version: the history keeps both). Esc pops the card: the screen underneath, with every
half-typed character, is as it was.
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Footer

from frontdesk import i18n
from frontdesk.bindings import modal_keys
from frontdesk.domain.scripts.book import ScriptBook, Situation
from frontdesk.i18n import t
from frontdesk.screens.base import FrontdeskModal, FrontdeskScreen
from frontdesk.screens.help import Explained
from frontdesk.services.scripts import ScriptService, card_facts, scripts
from frontdesk.text import one_line
from frontdesk.widgets.script_card import ScriptCard
from frontdesk.workers import db_worker, run_in_thread

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.app import FrontdeskApp
    from frontdesk.context import AppContext
    from frontdesk.domain.register.visits import Visit

OFFER_ENTRY = "media_at_gate"  # reading this with no journalist entry chosen offers one
READ_AFTER = timedelta(seconds=3)
TICK_SECONDS = 0.5


class ScriptViewScreen(Explained, FrontdeskModal[None]):
    """The card, covering the screen; a reading is recorded against ``visit``/``incident_id``."""

    HELP = "card"

    DEFAULT_CSS = """
    ScriptViewScreen { background: $background; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # in the order the footer shows them at 80 columns (the last ones fit wider)
        Binding("escape", "close", "Back", id="scripts.close"),
        Binding("ctrl+z", "strike", "Not read", id="scripts.strike"),
        Binding("v", "fill_blanks", "Fill blanks", id="scripts.fill"),
        Binding("c", "copy", "Copy", id="scripts.copy"),
        Binding("f5", "app.script_picker", "Scripts", id="scripts.all"),
        *modal_keys(),
        Binding("b", "toggle_both", "Both languages", id="scripts.both"),
        Binding("l", "toggle_lang", "Script language", id="scripts.lang"),
        Binding("ctrl+n", "start_entry", "Journalist entry", id="scripts.entry", show=False),
    ]

    class Recorded(Message):
        """The reading ``use_id`` was stored (or ``error`` says why not)."""

        def __init__(self, use_id: str, error: str = "") -> None:
            super().__init__()
            self.use_id, self.error = use_id, error

    class Struck(Message):
        """The reading was struck out (``error``: why not)."""

        def __init__(self, use_id: str, error: str = "") -> None:
            super().__init__()
            self.use_id, self.error = use_id, error

    class IncidentFacts(Message):
        """Facts of the incident the card is read for (place, summary, time, kind)."""

        def __init__(self, facts: dict[str, str]) -> None:
            super().__init__()
            self.facts = facts

    def __init__(self, situation: Situation, book: ScriptBook, visit: Visit | None = None,
                 incident_id: str | None = None, offer_entry: bool = False) -> None:
        super().__init__()
        self.situation, self.book = situation, book
        self.visit, self.incident_id = visit, incident_id
        self.visit_id = visit.id if visit is not None else None
        self.visit_name = visit.name if visit is not None else ""
        self.offer_entry = offer_entry
        # readings on this card that went against no entry: a journalist entry started from
        # the card gets them attached when it is saved
        self.unattached: list[str] = []
        self.lang = i18n.language()
        self.both_langs = False
        self.use_id: str | None = None  # this card's reading, once recorded
        self.struck = False
        self.shown_at: datetime | None = None
        self.call_values: dict[str, str] = {}  # blanks filled on this card (V)
        self.incident_facts: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        """The card, and the keys (clickable) below it."""
        yield ScriptCard(self.situation, self.book, self.lang, offer=self._offer(),
                         status=self._status(), hint=False, extra=self._extra(),
                         id="script-card")
        yield Footer()

    def on_click(self, event: events.Click) -> None:
        """A click on the journalist-entry offer starts the entry."""
        if event.widget is not None and event.widget.id == "card-offer":
            self.action_start_entry()

    def on_mount(self) -> None:
        """Keys in the current language; start watching how long the card is up."""
        self.shown_at = self._now()
        self.set_interval(TICK_SECONDS, self._tick)
        if self.incident_id is not None and self._ctx.is_open:
            self._load_incident(self.incident_id)

    @property
    def card(self) -> ScriptCard:
        """The card widget."""
        return self.query_one(ScriptCard)

    @property
    def _ctx(self) -> AppContext:
        return self.ctx

    def _now(self) -> datetime:
        return self._ctx.clock.now()

    def _offer(self) -> bool:
        return self.offer_entry and self.situation.id == OFFER_ENTRY

    def _against(self) -> str | None:
        """The entry a reading goes against: none while the card offers to start a journalist
        entry (the reading waits for the new entry)."""
        return None if self._offer() else self.visit_id

    def _extra(self) -> dict[str, str | None]:
        facts: Mapping[str, str] = card_facts(self._ctx, self.book, self.visit) \
            if self._ctx.is_open else {}
        return {**facts, **self.incident_facts, **self.call_values}

    def _status(self) -> str:
        if self.struck:
            return t("scripts.status.struck")
        seconds = int(READ_AFTER.total_seconds())
        if self._against():
            who = one_line(self.visit_name or t("reg.no_name"), 40)
            key = "scripts.status.visit_done" if self.use_id else "scripts.status.visit_wait"
            return t(key, name=who, s=seconds)
        if self.incident_id:
            key = "scripts.status.incident_done" if self.use_id else "scripts.status.incident_wait"
            return t(key, s=seconds)
        return t("scripts.status.none_done" if self.use_id else "scripts.status.none_wait",
                 s=seconds)

    def _redraw(self, situation: Situation | None = None) -> None:
        self.card.show(situation, offer=self._offer(), status=self._status(), extra=self._extra())

    # -- recording --------------------------------------------------------------------------
    def _read_long_enough(self) -> bool:
        return (self.use_id is None and self.shown_at is not None and self._ctx.is_open
                and self._now() - self.shown_at >= READ_AFTER)

    def _tick(self) -> None:
        if self._read_long_enough():
            self._record()

    def _record(self) -> None:
        """Store this card's reading (once), in a worker."""
        ctx = self._ctx
        sit, lang = self.situation, ("zh+en" if self.both_langs else self.lang)
        lines = list(range(1, len(sit.lines) + 1))
        by, visit_id, incident_id = ctx.session.user, self._against(), self.incident_id
        use_id = self.use_id = str(uuid.uuid4())
        if visit_id is None:
            self.unattached.append(use_id)
        self._store(sit.id, lines, lang, visit_id, incident_id, by, use_id)
        if self.is_attached:
            self._redraw()

    @db_worker(group="script-use")
    def _store(self, situation_id: str, lines: list[int], lang: str, visit_id: str | None,
               incident_id: str | None, by: str, use_id: str) -> None:
        # A reading that cannot be recorded is said by the app (the card may be closed by then).
        scripts(self._ctx).record_use(situation_id, lines, lang, visit_id, incident_id, by,
                                      use_id)

    def _leaving(self) -> None:
        """The card goes away (or changes): a card up long enough was read."""
        if self._read_long_enough():
            self._record()

    # -- actions ----------------------------------------------------------------------------
    def action_close(self) -> None:
        """Esc: back to the screen underneath."""
        self._leaving()
        self.dismiss()

    def action_switch(self, key: str) -> None:
        """Another script's key: show that one instead (this one counts if it was read)."""
        sit = self.book.by_key(key)
        if sit is None:
            self.notify(t("scripts.no_key", key=key), severity="warning", markup=False)
            return
        if sit.id != self.situation.id:
            self.show_situation(sit)

    def show_situation(self, sit: Situation) -> None:
        """Put ``sit`` on this card; the clock for "read" starts again."""
        self._leaving()
        self.situation = sit
        self.use_id, self.struck, self.call_values = None, False, {}
        self.shown_at = self._now()
        self._redraw(sit)

    def action_toggle_both(self) -> None:
        """Chinese and English side by side, or back to one language."""
        self.both_langs = not self.both_langs
        self.card.show(both_langs=self.both_langs)

    def action_toggle_lang(self) -> None:
        """Switch the script's language only (the app keeps its language)."""
        self.lang = "en" if self.lang == "zh" else "zh"
        self.both_langs = False
        self.card.show(lang=self.lang, both_langs=False)

    def action_copy(self) -> None:
        """Put the lines on the clipboard, for WeChat or SMS."""
        lines: list[str] = []
        for lg in self.card.langs():
            lines += [f"{n}. {one_line(text)}" for n, text in enumerate(self.card.lines(lg), 1)]
        self.app.copy_to_clipboard("\n".join(lines))
        self.notify(t("scripts.copied", n=len(self.situation.lines)), markup=False)

    def action_fill_blanks(self) -> None:
        """V: type what the card still lacks (kept for this run; the script manager keeps a
        site's values for good)."""
        missing = self.card.missing()
        if not missing:
            self.notify(t("scripts.no_blanks"), markup=False)
            return
        from frontdesk.screens.scripts.fill import FillBlanksScreen

        self.app.push_screen(FillBlanksScreen(self.book, missing, self.lang), self._filled)

    def _filled(self, values: dict[str, str] | None) -> None:
        if not values:
            return
        site_values = {k: v for k, v in values.items()
                       if (var := self.book.declared.get(k)) is not None and var.scope == "site"}
        scripts(self._ctx).filled.update(site_values)
        self.call_values.update({k: v for k, v in values.items() if k not in site_values})
        self._redraw()

    def action_strike(self) -> None:
        """Ctrl+Z: this reading was a mistake: strike it out (it stays in the history, struck)."""
        if self.use_id is None:
            self.notify(t("scripts.strike.nothing"), markup=False)
            return
        if self.struck:
            return
        ctx = self._ctx
        self._strike(self.use_id, ctx.session.user, ctx.session.is_supervisor)

    @db_worker(group="script-use")
    def _strike(self, use_id: str, by: str, supervisor: bool) -> None:
        try:
            scripts(self._ctx).strike(use_id, by, supervisor)
        except PermissionError:
            self.post_message(self.Struck(use_id, t("scripts.strike.not_yours")))
        else:
            self.post_message(self.Struck(use_id))

    def on_script_view_screen_struck(self, message: Struck) -> None:
        """Say it: struck out, or why not."""
        if message.error:
            self.notify(message.error, severity="error", markup=False)
            return
        if message.use_id == self.use_id:
            self.struck = True
            if message.use_id in self.unattached:
                self.unattached.remove(message.use_id)
            self._redraw()
        self.notify(t("scripts.strike.done"), markup=False)

    @db_worker(group="script-facts")
    def _load_incident(self, incident_id: str) -> None:
        from frontdesk.services.incidents.service import IncidentService

        svc = self._ctx.service("incidents", IncidentService)
        incident = svc.get(incident_id)
        if incident is None:
            return
        kind = svc.kind(incident.kind)
        name = kind.name.in_lang(self.lang) if kind is not None else incident.kind
        facts = card_facts(self._ctx, self.book, self.visit, incident, name)
        self.post_message(self.IncidentFacts(facts))

    def on_script_view_screen_incident_facts(self, message: IncidentFacts) -> None:
        """The incident's place, summary and time fill the card."""
        self.incident_facts = message.facts
        self._redraw()

    def action_start_entry(self) -> None:
        """Close the card and open a journalist entry filled with what is known."""
        if not self._offer():
            return
        from frontdesk.domain.register.visits import CredentialType, VisitKind
        from frontdesk.services.register import VisitForm

        self._leaving()
        app = self.fd_app
        values = {"guided_to": self.book.variables.get("meeting_room") or "",
                  "guard": app.ctx.session.user}
        form = VisitForm(kind=VisitKind.JOURNALIST, credential_type=CredentialType.PRESS_CARD,
                         values={k: v for k, v in values.items() if v},
                         readings=tuple(self.unattached))
        self.dismiss()
        _open_entry_form(app, form)


def _open_entry_form(app: FrontdeskApp, form: object) -> None:
    from frontdesk.screens.register.register import RegisterScreen

    def open_now() -> None:
        if isinstance(app.screen, RegisterScreen):
            app.screen.open_form(form)

    if isinstance(app.screen, RegisterScreen):
        app.screen.open_form(form)
    else:
        app.switch_mode("register")
        app.call_after_refresh(open_now)


def _where(app: FrontdeskApp) -> tuple[Visit | None, str | None, bool]:
    """(the chosen entry, the incident on screen, whether a journalist entry is to start)."""
    from frontdesk.domain.register.visits import MEDIA_KINDS
    from frontdesk.screens.register.register import RegisterScreen

    screen = app.screen
    if isinstance(screen, ScriptViewScreen):
        return screen.visit, screen.incident_id, screen.offer_entry
    visit = screen.chosen() if isinstance(screen, RegisterScreen) else None
    incident_id = screen.current_incident_id if isinstance(screen, FrontdeskScreen) else None
    offer = visit is None or visit.kind not in MEDIA_KINDS
    return visit, incident_id, offer


def _service(app: FrontdeskApp) -> ScriptService:
    """The loaded service (built here only if a key beat the start-up load)."""
    return scripts(app.ctx)


def show_situation(app: FrontdeskApp, situation: Situation) -> None:
    """Put ``situation`` up now, against whatever the guard has chosen."""
    if isinstance(app.screen, ScriptViewScreen):
        app.screen.show_situation(situation)
        return
    svc = _service(app)
    visit, incident_id, offer = _where(app)
    app.push_screen(ScriptViewScreen(situation, svc.book, visit, incident_id, offer))


def show_script_by_key(app: FrontdeskApp, key: str) -> None:
    """Alt+``key`` pressed anywhere: that script, full screen, this frame."""
    if isinstance(app.screen, ScriptViewScreen):
        app.screen.action_switch(key)
        return
    situation = _service(app).book.by_key(key)
    if situation is None:
        app.notify(t("scripts.no_key", key=key), severity="warning", markup=False)
        return
    show_situation(app, situation)


def show_script_picker(app: FrontdeskApp) -> None:
    """F5: every script, filter by typing, a digit or Enter opens."""
    from frontdesk.screens.scripts.picker import ScriptPickerScreen

    if isinstance(app.screen, ScriptPickerScreen):
        return
    if isinstance(app.screen, ScriptViewScreen):
        app.screen.action_close()
    app.push_screen(ScriptPickerScreen(_service(app).book))


def preload_scripts(app: FrontdeskApp) -> None:
    """When the store opens: load the book in a worker, then say once what the site file got
    wrong."""
    ctx = app.ctx

    def load() -> None:
        svc = scripts(ctx)
        if svc.errors and not svc.errors_announced:
            app.call_later(announce_errors, app, svc)  # thread-safe post

    run_in_thread(app, load, group="scripts-load")


def announce_errors(app: FrontdeskApp, svc: ScriptService) -> None:
    """One notification naming the file, line and field of each site-file mistake; while the
    sign-in is up it waits (the sign-in calls this again), never covering the dialog."""
    if svc.errors_announced or not svc.errors or app.ctx.session.locked:
        return
    svc.errors_announced = True
    listed = "\n".join(one_line(str(e), 160) for e in svc.errors[:6])
    app.notify(t("scripts.site_errors", errors=listed), severity="error", timeout=30,
               markup=False)
