"""One key from anywhere: the script card, full screen, in front of whatever the guard was doing.

``show_script_by_key`` pushes the card synchronously from the already-loaded book (no file or
database work between the key and the frame); the reading is recorded in a thread worker after.
Esc pops the card: the screen underneath, with every half-typed character, is as it was.
"""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer

from frontdesk import i18n
from frontdesk.domain.scripts.book import ScriptBook, Situation
from frontdesk.i18n import t
from frontdesk.messages import Deliver
from frontdesk.screens.base import FrontdeskModal, FrontdeskScreen
from frontdesk.services.scripts import ScriptService, scripts
from frontdesk.text import one_line
from frontdesk.widgets.script_card import ScriptCard, rendered_lines
from frontdesk.workers import run_in_thread

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.app import FrontdeskApp

OFFER_ENTRY = "media_at_gate"  # reading this with no journalist entry selected offers one


class ScriptViewScreen(FrontdeskModal[None]):
    """The card, covering the screen; the reading is recorded against ``visit_id``/``incident_id``."""

    DEFAULT_CSS = """
    ScriptViewScreen { background: $background; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Back", id="scripts.close"),
        Binding("c", "copy", "Copy", id="scripts.copy"),
        Binding("b", "toggle_both", "Both languages", id="scripts.both"),
        Binding("l", "toggle_lang", "Script language", id="scripts.lang"),
        Binding("f2,enter", "start_entry", "Journalist entry", id="scripts.entry", show=False),
        Binding("f5", "app.script_picker", "Scripts", id="scripts.all"),
        Binding("1", "switch('1')", "Other scripts", key_display="1-9", id="scripts.digits"),
        *[Binding(str(n), f"switch('{n}')", show=False) for n in range(2, 10)],
    ]

    def __init__(self, situation: Situation, book: ScriptBook, visit_id: str | None = None,
                 visit_name: str = "", incident_id: str | None = None,
                 offer_entry: bool = False) -> None:
        super().__init__()
        self.situation, self.book = situation, book
        self.visit_id, self.visit_name, self.incident_id = visit_id, visit_name, incident_id
        self.offer_entry = offer_entry
        # readings on this card that were against no entry: a journalist entry started from
        # the card gets them attached when it is saved
        self.unattached: list[str] = []
        self.lang = i18n.language()
        self.both_langs = False

    def compose(self) -> ComposeResult:
        """The card, and the keys (clickable) below it."""
        yield ScriptCard(self.situation, self.book, self.lang, offer=self._offer(),
                         status=self._status(), hint=False, id="script-card")
        yield Footer()

    def on_click(self, event: events.Click) -> None:
        """A click on the journalist-entry offer starts the entry."""
        if event.widget is not None and event.widget.id == "card-offer":
            self.action_start_entry()

    def on_mount(self) -> None:
        """Record the reading in the background."""
        self._record()

    @property
    def card(self) -> ScriptCard:
        """The card widget."""
        return self.query_one(ScriptCard)

    def _offer(self) -> bool:
        return self.offer_entry and self.situation.id == OFFER_ENTRY

    def _against(self) -> str | None:
        """The entry a reading goes against: none while the card offers to start a journalist
        entry (the selected row is somebody else; the reading waits for the new entry)."""
        return None if self._offer() else self.visit_id

    def _status(self) -> str:
        if self._against():
            return t("scripts.against_visit", name=self.visit_name or t("reg.no_name"))
        return t("scripts.against_incident") if self.incident_id else ""

    # -- recording --------------------------------------------------------------------------
    def _record(self) -> None:
        ctx = self.ctx
        if not ctx.is_open:
            return
        sit, lang = self.situation, ("zh+en" if self.both_langs else self.lang)
        lines = list(range(1, len(sit.lines) + 1))
        by, visit_id, incident_id = ctx.session.user, self._against(), self.incident_id
        use_id = str(uuid.uuid4())
        if visit_id is None:
            self.unattached.append(use_id)

        def record() -> None:
            scripts(ctx).record_use(sit.id, lines, lang, visit_id, incident_id, by, use_id)

        # A reading that cannot be recorded is said by the app (the card may be closed by then).
        run_in_thread(self, record, group="script-use")

    # -- actions ----------------------------------------------------------------------------
    def action_switch(self, key: str) -> None:
        """Another digit: show that script instead (and record it)."""
        sit = self.book.by_key(key)
        if sit is None:
            self.notify(t("scripts.no_key", key=key), severity="warning", markup=False)
            return
        if sit.id != self.situation.id:
            self.situation = sit
            self.card.show(sit, offer=self._offer(), status=self._status())
            self._record()

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
            lines += [f"{n}. {one_line(text)}" for n, text in
                      enumerate(rendered_lines(self.situation, self.book, lg), start=1)]
        self.app.copy_to_clipboard("\n".join(lines))
        self.notify(t("scripts.copied", n=len(self.situation.lines)), markup=False)

    def action_start_entry(self) -> None:
        """Close the card and open a journalist entry filled with what is known."""
        if not self._offer():
            return
        from frontdesk.domain.register.visits import CredentialType, VisitKind
        from frontdesk.services.register import VisitForm

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


def _where(app: FrontdeskApp) -> tuple[str | None, str, str | None, bool]:
    """(visit id, visit name, incident id, whether a journalist entry is still to start)."""
    from frontdesk.domain.register.visits import MEDIA_KINDS
    from frontdesk.screens.register.register import RegisterScreen

    screen = app.screen
    if isinstance(screen, ScriptViewScreen):
        return screen.visit_id, screen.visit_name, screen.incident_id, screen.offer_entry
    visit = screen.selected() if isinstance(screen, RegisterScreen) else None
    incident_id = screen.current_incident_id if isinstance(screen, FrontdeskScreen) else None
    offer = visit is None or visit.kind not in MEDIA_KINDS
    return (visit.id if visit else None, visit.name if visit else "", incident_id, offer)


def _service(app: FrontdeskApp) -> ScriptService:
    """The loaded service (built here only if a key beat the start-up load)."""
    return scripts(app.ctx)


def show_situation(app: FrontdeskApp, situation: Situation) -> None:
    """Put ``situation`` up now, against whatever the guard has selected."""
    svc = _service(app)
    visit_id, name, incident_id, offer = _where(app)
    if isinstance(app.screen, ScriptViewScreen):
        app.pop_screen()
    app.push_screen(ScriptViewScreen(situation, svc.book, visit_id, name, incident_id, offer))


def show_script_by_key(app: FrontdeskApp, key: str) -> None:
    """Digit ``key`` pressed anywhere: that script, full screen, this frame."""
    if isinstance(app.screen, ScriptViewScreen):
        app.screen.action_switch(key)
        return
    situation = _service(app).book.by_key(key)
    if situation is None:
        app.notify(t("scripts.no_key", key=key), severity="warning", markup=False)
        return
    show_situation(app, situation)


def show_script_picker(app: FrontdeskApp) -> None:
    """F5: every script, filter by typing, Enter opens."""
    from frontdesk.screens.scripts.picker import ScriptPickerScreen

    if isinstance(app.screen, ScriptPickerScreen):
        return
    if isinstance(app.screen, ScriptViewScreen):
        app.pop_screen()
    app.push_screen(ScriptPickerScreen(_service(app).book))


def preload_scripts(app: FrontdeskApp) -> None:
    """When the store opens: load the book in a worker, then say once what the site file got wrong."""
    target = app.screen
    ctx = app.ctx

    def load() -> None:
        svc = scripts(ctx)
        if svc.errors and not svc.errors_announced:
            target.post_message(Deliver(announce_errors, app, svc))

    run_in_thread(app, load, group="scripts-load")


def announce_errors(app: FrontdeskApp, svc: ScriptService) -> None:
    """One notification naming the file, line and field of each site-file mistake."""
    if svc.errors_announced or not svc.errors:
        return
    svc.errors_announced = True
    listed = "\n".join(one_line(str(e), 160) for e in svc.errors[:6])
    app.notify(t("scripts.site_errors", errors=listed), severity="error", timeout=30,
               markup=False)
