"""Users & privacy (supervisor): add guards and supervisors, reset PINs, disable, auto-lock time,
and the way to erasing one person's data on request."""
from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Select, Static

from frontdesk.i18n import t
from frontdesk.messages import Deliver
from frontdesk.screens.base import FrontdeskModal
from frontdesk.text import cell, ui
from frontdesk.workers import db_worker, fails_soft


class UsersScreen(FrontdeskModal[None]):
    """The user list and the forms beside it."""

    DEFAULT_CSS = """
    UsersScreen { align: center middle; background: $background; }
    #users-box { width: 100%; height: 100%; padding: 0 1; }
    #users-table { height: 1fr; }
    #users-form Input { width: 1fr; }
    #users-form Select { width: 16; }
    #users-form, #users-buttons, #users-idle-row { height: 3; }
    #users-buttons Button { min-width: 8; }
    #users-idle-row Static { width: auto; padding: 1 1 0 0; }
    #users-idle, #users-retention { width: 10; }
    #users-msg { height: auto; color: $warning; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel", id="trust.cancel"),
    ]

    def compose(self) -> ComposeResult:
        """Table, add form, buttons, idle minutes, message."""
        with Vertical(id="users-box"):
            yield Static(ui(t("trust.users.title")), id="users-title")
            yield DataTable(id="users-table", cursor_type="row")
            with Horizontal(id="users-form"):
                yield Input(placeholder=t("trust.name"), id="users-name", max_length=40)
                yield Select([(t("trust.role.guard"), "guard"),
                              (t("trust.role.supervisor"), "supervisor")],
                             value="guard", allow_blank=False, id="users-role")
                yield Input(password=True, placeholder=t("trust.pin"), id="users-pin", max_length=32)
            with Horizontal(id="users-buttons"):
                yield Button(ui(t("trust.users.add")), id="users-add", variant="primary")
                yield Button(ui(t("trust.users.reset")), id="users-reset")
                yield Button(ui(t("trust.users.disable")), id="users-disable")
                yield Button(ui(t("trust.users.erase")), id="users-erase", variant="error")
            with Horizontal(id="users-idle-row"):
                yield Static(ui(t("trust.users.idle")))
                yield Input(id="users-idle", max_length=3, restrict=r"[0-9]*")
                yield Static(ui(t("trust.users.retention")))
                yield Input(id="users-retention", max_length=4, restrict=r"[0-9]*")
            yield Static("", id="users-msg")

    @fails_soft
    def on_mount(self) -> None:
        """Load the list."""
        from frontdesk.services.trust.auth import auth_service

        table = self.query_one("#users-table", DataTable)
        table.add_columns(t("trust.users.col.name"), t("trust.users.col.role"),
                          t("trust.users.col.state"))
        self.query_one("#users-idle", Input).value = str(
            auth_service(self.ctx).idle_minutes())
        self.query_one("#users-retention", Input).value = str(
            self.ctx.require_site().retention_days)
        self.reload()

    @fails_soft
    def reload(self) -> None:
        """Refill the table."""
        from frontdesk.services.trust.auth import auth_service

        table = self.query_one("#users-table", DataTable)
        table.clear()
        for u in auth_service(self.ctx).users():
            table.add_row(cell(u.name), cell(t(f"trust.role.{u.role}")),  # type: ignore[attr-defined]
                          cell(t("trust.users.disabled" if u.disabled  # type: ignore[attr-defined]
                                 else "trust.users.active")), key=u.name)  # type: ignore[attr-defined]

    def _selected(self) -> str | None:
        table = self.query_one("#users-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key is not None else None

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Each button: add, reset, disable, erase."""
        name = self.query_one("#users-name", Input).value
        pin = self.query_one("#users-pin", Input).value
        role = str(self.query_one("#users-role", Select).value)
        if event.button.id == "users-add":
            self._run("add", name, role, pin)
        elif event.button.id == "users-reset" and self._selected():
            self._run("reset", self._selected() or "", role, pin)
        elif event.button.id == "users-disable" and self._selected():
            self._run("disable", self._selected() or "", role, pin)
        elif event.button.id == "users-erase":
            from frontdesk.screens.trust.erase_person import ErasePersonScreen
            from frontdesk.screens.trust.guard import guard_action

            guard_action(self.fd_app, "erase_person",
                         lambda: self.app.push_screen(ErasePersonScreen()))

    @fails_soft
    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the idle field saves the auto-lock minutes; in the retention field, the
        retention period (0 is refused with the reason)."""
        msg = self.query_one("#users-msg", Static)
        if event.input.id == "users-idle" and event.value.isdigit():
            from frontdesk.services.trust.auth import auth_service

            auth_service(self.ctx).set_idle_minutes(int(event.value))
            msg.update(ui(t("trust.users.saved")))
        elif event.input.id == "users-retention" and event.value.isdigit():
            from frontdesk.services.trust import settings

            ctx = self.ctx
            try:
                settings.set_retention_days(ctx, int(event.value), by=ctx.session.user)
            except settings.SettingError as exc:
                msg.update(ui(t(f"trust.err.{exc.code}")))
                return
            msg.update(ui(t("trust.users.retention_saved", days=int(event.value))))

    @db_worker(group="trust-users", exclusive=True)
    def _run(self, op: str, name: str, role: str, pin: str) -> None:
        from frontdesk.services.trust.auth import auth_service

        auth = auth_service(self.ctx)
        if op == "add":
            error = auth.add_user(name, role, pin)
        elif op == "reset":
            error = auth.reset_pin(name, pin)
        else:
            current = next((u for u in auth.users() if u.name == name), None)  # type: ignore[attr-defined]
            error = auth.set_disabled(name, not (current and current.disabled))  # type: ignore[attr-defined]
        self.post_message(Deliver(self._done, error))

    def _done(self, error: str | None) -> None:
        msg = self.query_one("#users-msg", Static)
        msg.update(ui(t(f"trust.err.{error}") if error else t("trust.users.saved")))
        if error is None:
            self.query_one("#users-name", Input).value = ""
            self.query_one("#users-pin", Input).value = ""
        self.reload()

    def action_close(self) -> None:
        """Esc."""
        self.dismiss(None)
