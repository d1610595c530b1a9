"""First start: the site creates its first supervisor and confirms its name and time zone.

The dialog speaks the site's language (F9 switches), shows the PIN rule before anybody breaks
it, checks the PIN as soon as the field is left, and an error puts the cursor in the field at
fault. Ctrl+Q with something typed asks first (frontdesk.screens.discard).
"""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from frontdesk.bindings import modal_keys
from frontdesk.domain.sitetime import DEFAULT_TZ, is_zone
from frontdesk.i18n import t
from frontdesk.screens.base import FrontdeskModal
from frontdesk.screens.discard import GuardsTyping
from frontdesk.screens.help import Explained
from frontdesk.text import ui
from frontdesk.typeahead import HoldsKeys
from frontdesk.widgets.field import Field
from frontdesk.workers import db_worker

FIELDS = ("name", "pin", "pin2", "site", "tz")
LABELS = {"name": "trust.name", "pin": "trust.pin.signin", "pin2": "trust.pin2",
          "site": "trust.site_name", "tz": "trust.tz_short"}


def field_at_fault(error: str) -> str:
    """Which field an error code is about (``name``, ``pin``, ``pin2``, ``site`` or ``tz``)."""
    if error.startswith("name") or error == "already_set_up":
        return "name"
    if error == "pin_mismatch":
        return "pin2"
    if error.startswith("pin"):
        return "pin"
    return "tz" if error == "timezone" else "site"


class SetupSupervisorScreen(Explained, GuardsTyping, HoldsKeys, FrontdeskModal[bool]):
    """Name, PIN twice, site name, time zone; covers the app until done."""

    HELP = "setup"

    DEFAULT_CSS = """
    SetupSupervisorScreen { align: center middle; background: $background; }
    #setup-box { width: 70; max-width: 100%; height: auto; max-height: 100%;
                 border: thick $primary; background: $surface; padding: 0 2; }
    #setup-error { color: $error; height: auto; }
    #setup-rule, #setup-keys { color: $text-muted; height: auto; }
    #setup-title { text-style: bold; margin: 1 0 0 0; }
    .setup-row { height: 1; margin: 1 0 0 0; }
    .setup-label { width: 16; }
    #setup-box .setup-row Input { width: 1fr; background: $boost; }
    #setup-ok { margin: 1 0 0 16; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [*modal_keys()]

    class Created(Message):
        """The worker's answer: ``error`` code, or "" when the supervisor was created."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def compose(self) -> ComposeResult:
        """The five fields, the PIN rule, OK."""
        site = self.ctx.require_site()
        values = {"site": site.name, "tz": site.timezone}
        with VerticalScroll(id="setup-box"):
            yield Static(id="setup-title")
            yield Static(id="setup-hint")
            for key in FIELDS:
                with Horizontal(classes="setup-row"):
                    yield Label(id=f"setup-label-{key}", classes="setup-label")
                    yield Field(values.get(key, ""), id=f"setup-{key}", compact=True,
                                password=key in ("pin", "pin2"),
                                max_length=60 if key in ("site", "tz") else 40)
                if key == "name":
                    yield Static(id="setup-rule")
            yield Button("", id="setup-ok", variant="primary", compact=True)
            yield Static("", id="setup-error")
            yield Static(id="setup-keys")

    def on_mount(self) -> None:
        """Labels in the site's language; the name has the focus."""
        self.relabel()
        self.set_focus(self.query_one("#setup-name", Input))

    def relabel(self) -> None:
        """Every text in the current language (F9 works here)."""
        self.query_one("#setup-title", Static).update(ui(t("trust.setup.title")))
        self.query_one("#setup-hint", Static).update(ui(t("trust.setup.hint")))
        self.query_one("#setup-rule", Static).update(ui(t("trust.pin.rule")))
        self.query_one("#setup-keys", Static).update(ui(t("trust.setup.keys")))
        for key in FIELDS:
            self.query_one(f"#setup-label-{key}", Label).update(ui(t(LABELS[key])))
        self.query_one("#setup-ok", Button).label = ui(t("trust.ok"))

    def unsaved(self) -> str:
        """Named while a name or PIN is typed (Ctrl+Q then asks)."""
        typed = any(self.query_one(f"#setup-{k}", Input).value for k in ("name", "pin", "pin2"))
        return t("trust.setup.what") if typed else ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field (the PIN is checked on the way); the last submits."""
        if event.input.id == "setup-tz":
            self._submit()
            return
        if event.input.id == "setup-pin":
            from frontdesk.domain.trust.pins import validate_pin

            problem = validate_pin(event.value)
            if problem:
                self._error(problem)
                return
            self.query_one("#setup-error", Static).update("")
        self.focus_next()

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        """OK."""
        self._submit()

    def _error(self, code: str) -> None:
        """Say what is wrong and put the cursor in that field."""
        self.query_one("#setup-error", Static).update(ui(t(f"trust.err.{code}",
                                                           example=DEFAULT_TZ)))
        field = self.query_one(f"#setup-{field_at_fault(code)}", Input)
        if code.startswith("pin") and code != "pin_mismatch":
            field.value = ""
            self.query_one("#setup-pin2", Input).value = ""
        self.set_focus(field)

    def _submit(self) -> None:
        from frontdesk.domain.trust.pins import validate_pin
        from frontdesk.services.trust.auth import AuthService

        v = {k: self.query_one(f"#setup-{k}", Input).value for k in FIELDS}
        problem = AuthService.check_name(v["name"]) or validate_pin(v["pin"])
        if problem:
            self._error(problem)
            return
        if v["pin"] != v["pin2"]:
            self._error("pin_mismatch")
            return
        if not is_zone(v["tz"].strip()):
            self._error("timezone")
            return
        self.query_one("#setup-error", Static).update(ui(t("trust.checking")))
        self.holds_keys = True
        self._create(v["name"], v["pin"], v["site"], v["tz"].strip())

    @db_worker(group="trust-setup", exclusive=True)
    def _create(self, name: str, pin: str, site: str, tz: str) -> None:
        from frontdesk.services.trust.auth import auth_service

        try:
            error = auth_service(self.ctx).create_first_supervisor(name, pin, site, tz)
        except Exception:
            self.post_message(self.Created("!"))  # keys must not stay held; the app says why
            raise
        self.post_message(self.Created(error or ""))

    def on_setup_supervisor_screen_created(self, message: Created) -> None:
        """Done, or the error at its field."""
        self.holds_keys = False
        if not message.error:
            self.dismiss(True)
        elif message.error == "!":  # failed: the app's failure handler said why
            self.query_one("#setup-error", Static).update("")
        else:
            self._error(message.error)
