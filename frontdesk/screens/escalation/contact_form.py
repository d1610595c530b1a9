"""Add or edit one contact (opened only through ``guard_action(..., "edit_contacts")``)."""
from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from frontdesk.domain.escalation.contacts import ROLES, Contact, default_branch, parse_duty_hours, valid_phone
from frontdesk.i18n import pick, t
from frontdesk.screens.base import FrontdeskModal
from frontdesk.services.escalation.contacts import ContactService
from frontdesk.text import clean_input, ui
from frontdesk.workers import fails_soft

TEXT_FIELDS = ("name", "unit", "phone", "backup_phone", "duty_hours", "notes")


class ContactFormScreen(FrontdeskModal[Contact | None]):
    """Ctrl+S saves (checked first); Esc cancels."""

    DEFAULT_CSS = """
    ContactFormScreen { align: center middle; }
    ContactFormScreen #con-form { width: 76; height: auto; max-height: 22; border: round $primary;
        background: $surface; padding: 0 1; }
    ContactFormScreen .con-row { height: 1; }
    ContactFormScreen .con-label { width: 22; }
    ContactFormScreen .con-row Input, ContactFormScreen .con-row Select { width: 1fr; }
    ContactFormScreen #con-form-error { color: $error; height: auto; }
    ContactFormScreen #con-form-buttons { height: 1; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="con.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="con.cancel"),
    ]

    def __init__(self, contact: Contact | None) -> None:
        super().__init__()
        self.contact = contact

    def compose(self) -> ComposeResult:
        """A label and a field per row."""
        with Vertical(id="con-form"):
            yield Static(ui(t("con.form.title_edit" if self.contact else "con.form.title_new")))
            with Horizontal(classes="con-row"):
                yield Label(ui(t("con.form.role")), classes="con-label")
                yield Select([(pick((r.zh, r.en)), r.id) for r in ROLES.values()],
                             id="con-f-role", allow_blank=False, compact=True)
            for name in TEXT_FIELDS:
                with Horizontal(classes="con-row"):
                    yield Label(ui(t(f"con.form.{name}")), classes="con-label")
                    yield Input(id=f"con-f-{name}", compact=True, max_length=200)
            yield Checkbox(t("con.form.on_duty"), id="con-f-on_duty", compact=True)
            yield Static(id="con-form-error")
            with Horizontal(id="con-form-buttons"):
                yield Button(ui(t("con.save")), id="con-save", variant="primary", compact=True)
                yield Button(ui(t("con.cancel")), id="con-cancel", compact=True)

    def on_mount(self) -> None:
        """Fill from the contact; the name field has the focus."""
        c = self.contact or Contact(id="", name="", role="security_supervisor")
        self.query_one("#con-f-role", Select).value = c.role if c.role in ROLES else "guard"
        values = {"name": c.name, "unit": c.unit, "phone": c.phone,
                  "backup_phone": c.backup_phone, "duty_hours": c.duty_hours or "",
                  "notes": c.notes}
        for name in TEXT_FIELDS:
            self.query_one(f"#con-f-{name}", Input).value = values[name]
        self.query_one("#con-f-on_duty", Checkbox).value = c.on_duty
        self.query_one("#con-f-name", Input).focus()

    def read(self) -> tuple[Contact | None, list[str]]:
        """The contact the form describes, or the problems with it."""
        v = {n: clean_input(self.query_one(f"#con-f-{n}", Input).value) for n in TEXT_FIELDS}
        errors = []
        if not v["name"]:
            errors.append(t("con.form.err.name"))
        phones = {}
        for name in ("phone", "backup_phone"):
            norm = valid_phone(v[name]) if v[name] else ""
            if norm is None:
                errors.append(f"{t('con.form.' + name)}: {t('con.form.err.phone')}")
            phones[name] = norm or ""
        if v["duty_hours"] and parse_duty_hours(v["duty_hours"]) is None:
            errors.append(f"{t('con.form.duty_hours')}: {t('con.form.err.hours')}")
        if errors:
            return None, errors
        role = str(self.query_one("#con-f-role", Select).value)
        base = self.contact or Contact(id="", name="", role=role, branch=default_branch(role))
        branch = base.branch if self.contact and base.role == role else default_branch(role)
        return replace(base, name=v["name"], role=role, unit=v["unit"], phone=phones["phone"],
                       backup_phone=phones["backup_phone"], duty_hours=v["duty_hours"] or None,
                       notes=v["notes"], branch=branch,
                       on_duty=self.query_one("#con-f-on_duty", Checkbox).value), []

    @fails_soft
    def action_save(self) -> None:
        """Check, save, close (a failed save keeps the form open as typed)."""
        contact, errors = self.read()
        if contact is None:
            self.query_one("#con-form-error", Static).update(ui("\n".join(errors)))
            return
        saved = self.ctx.service("contacts", ContactService).save(contact)
        self.app.notify(t("con.saved", name=saved.name), markup=False)
        self.dismiss(saved)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Mouse: save or cancel."""
        if event.button.id == "con-save":
            self.action_save()
        else:
            self.action_cancel()
