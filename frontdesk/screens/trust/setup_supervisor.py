"""First start: the site creates its first supervisor and confirms its name and time zone."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Button, Input, Static

from frontdesk.i18n import t
from frontdesk.messages import Deliver
from frontdesk.screens.base import FrontdeskModal
from frontdesk.text import ui
from frontdesk.workers import db_worker


class SetupSupervisorScreen(FrontdeskModal[bool]):
    """Name, PIN twice, site name, time zone; covers the app until done."""

    DEFAULT_CSS = """
    SetupSupervisorScreen { align: center middle; background: $background; }
    #setup-box { width: 70; height: auto; max-height: 100%; border: thick $primary;
                 background: $surface; padding: 0 2; }
    #setup-error { color: $error; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = []

    def compose(self) -> ComposeResult:
        """The five fields and OK."""
        site = self.ctx.require_site()
        with VerticalScroll(id="setup-box"):
            yield Static(ui(t("trust.setup.title")), id="setup-title")
            yield Static(ui(t("trust.setup.hint")), id="setup-hint")
            yield Input(placeholder=t("trust.name"), id="setup-name", max_length=40)
            yield Input(password=True, placeholder=t("trust.pin"), id="setup-pin", max_length=32)
            yield Input(password=True, placeholder=t("trust.pin2"), id="setup-pin2", max_length=32)
            yield Input(site.name, placeholder=t("trust.site_name"), id="setup-site", max_length=60)
            yield Input(site.timezone, placeholder=t("trust.timezone"), id="setup-tz", max_length=60)
            yield Button(ui(t("trust.ok")), id="setup-ok", variant="primary")
            yield Static("", id="setup-error")

    def on_mount(self) -> None:
        """Focus the name."""
        for key, label in (("name", "trust.name"), ("pin", "trust.pin"), ("pin2", "trust.pin2"),
                           ("site", "trust.site_name"), ("tz", "trust.timezone")):
            self.query_one(f"#setup-{key}", Input).border_title = t(label)
        self.query_one("#setup-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one it submits."""
        if event.input.id == "setup-tz":
            self._submit()
        else:
            self.focus_next()

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        """OK."""
        self._submit()

    def _error(self, key: str, **values: str) -> None:
        self.query_one("#setup-error", Static).update(ui(t(key, **values)))

    def _submit(self) -> None:
        from frontdesk.domain.sitetime import DEFAULT_TZ, is_zone

        v = {k: self.query_one(f"#setup-{k}", Input).value for k in ("name", "pin", "pin2", "site", "tz")}
        if v["pin"] != v["pin2"]:
            self._error("trust.err.pin_mismatch")
            return
        if not is_zone(v["tz"]):
            self._error("trust.err.timezone", example=DEFAULT_TZ)
            return
        self._error("trust.checking")
        self._create(v["name"], v["pin"], v["site"], v["tz"].strip())

    def on_work_failed(self) -> None:
        """Nothing was created (the app says why): every field stays as typed."""
        self.query_one("#setup-error", Static).update("")

    @db_worker(group="trust-setup", exclusive=True)
    def _create(self, name: str, pin: str, site: str, tz: str) -> None:
        from frontdesk.services.trust.auth import auth_service

        error = auth_service(self.ctx).create_first_supervisor(name, pin, site, tz)
        self.post_message(Deliver(self._created, error))

    def _created(self, error: str | None) -> None:
        if error is None:
            self.dismiss(True)
        else:
            self._error(f"trust.err.{error}")
