"""F6: the contact tree (chain, departments, emergency numbers), editing, CSV, the policy."""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static

from frontdesk.domain.escalation.contacts import Contact, display_phone
from frontdesk.domain.escalation.check import PolicyWarning
from frontdesk.domain.sitetime import to_local
from frontdesk.i18n import t
from frontdesk.messages import DataChanged, Deliver
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.trust.guard import guard_action
from frontdesk.services.escalation.contacts import ContactService, warnings_in_words
from frontdesk.text import one_line, ui
from frontdesk.widgets.contact_tree import ContactTree
from frontdesk.workers import db_worker, fails_soft


class ContactsScreen(FrontdeskScreen[None]):
    """Who to call: the tree, the selected contact's details, the check's warnings."""

    DEFAULT_CSS = """
    ContactsScreen #con-tree { height: 1fr; }
    ContactsScreen #con-detail { height: 3; padding: 0 1; background: $boost; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new", "New", id="con.new", priority=True),
        Binding("ctrl+e", "edit", "Edit", id="con.edit", priority=True),
        Binding("delete", "delete", "Delete", id="con.delete"),
        # Ctrl+L locks, here too (a key means one thing everywhere)
        Binding("ctrl+u", "import", "Import", id="con.import", priority=True),
        Binding("ctrl+x", "export", "Export", id="con.export", priority=True),
        Binding("ctrl+t", "template", "Template", id="con.template", priority=True,
                show=False),
        Binding("ctrl+k", "policy", "Policy", id="con.policy", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.contacts: list[Contact] = []
        self.warnings: list[PolicyWarning] = []
        self._notify_next = False

    @property
    def service(self) -> ContactService:
        """The contact service."""
        return self.ctx.service("contacts", ContactService)

    def compose(self) -> ComposeResult:
        """Tree, detail line, footer."""
        yield Header()
        yield ContactTree("", id="con-tree")
        yield Static(id="con-detail")
        yield Footer()

    def on_mount(self) -> None:
        """The tree has the focus."""
        super().on_mount()
        self.query_one(ContactTree).focus()

    def relabel(self) -> None:
        """Rebuild labels in the current language."""
        self.sub_title = t("con.title")
        if self.ctx.is_open:
            self._show(self.contacts, self.warnings)

    def reload(self) -> None:
        """Load contacts and run the policy check in a worker."""
        self._load()

    @db_worker(group="contacts-load", exclusive=True)
    def _load(self) -> None:
        svc = self.service
        contacts = svc.all()
        warnings = svc.warnings()
        self.post_message(Deliver(self._show, contacts, warnings))

    def _now_local(self) -> datetime:
        site = self.ctx.require_site()
        return to_local(self.ctx.clock.now(), site.timezone)

    def _show(self, contacts: list[Contact], warnings: list[PolicyWarning]) -> None:
        if not self.is_attached or not self.query("#con-tree"):
            return
        self.contacts, self.warnings = contacts, warnings
        self.query_one(ContactTree).show(contacts, warnings, self._now_local())
        if self._notify_next and warnings:
            self.notify(warnings_in_words(warnings), severity="warning", timeout=12, markup=False)
        self._notify_next = False
        self._show_detail()

    def selected(self) -> Contact | None:
        """The contact under the cursor."""
        node = self.query_one(ContactTree).cursor_node
        cid = node.data if node is not None else None
        return next((c for c in self.contacts if c.id == cid), None) if cid else None

    def on_tree_node_highlighted(self, _event: object) -> None:
        """Details follow the cursor."""
        self._show_detail()

    def _show_detail(self) -> None:
        c = self.selected()
        detail = self.query_one("#con-detail", Static)
        if c is None:
            detail.update(ui(t("con.warnings", n=len(self.warnings)) if self.warnings
                             else t("con.no_warnings")))
            return
        lines = [f"{c.name}  {c.unit}".strip(),
                 " / ".join(display_phone(p) for p in (c.phone, c.backup_phone) if p),
                 c.notes]
        detail.update(ui("\n".join(one_line(x, 76) for x in lines)))

    # -- editing (supervisor) ---------------------------------------------------------------
    def _saved(self, saved: object) -> None:
        if saved:
            self._notify_next = True
            self.app.post_message(DataChanged("contacts"))

    def action_new(self) -> None:
        """Add a contact (supervisor)."""
        from frontdesk.screens.escalation.contact_form import ContactFormScreen

        guard_action(self.fd_app, "edit_contacts",
                     lambda: self.app.push_screen(ContactFormScreen(None), self._saved))

    def action_edit(self) -> None:
        """Edit the selected contact (supervisor)."""
        from frontdesk.screens.escalation.contact_form import ContactFormScreen

        contact = self.selected()
        if contact is None:
            return
        guard_action(self.fd_app, "edit_contacts",
                     lambda: self.app.push_screen(ContactFormScreen(contact), self._saved))

    def action_delete(self) -> None:
        """Delete the selected contact after a question (supervisor)."""
        from frontdesk.screens.confirm import ConfirmScreen

        contact = self.selected()
        if contact is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(contact)

        guard_action(self.fd_app, "edit_contacts", lambda: self.app.push_screen(
            ConfirmScreen(t("con.delete_q", name=one_line(contact.name))), answered))

    @fails_soft
    def _delete(self, contact: Contact) -> None:
        self.service.delete(contact.id)
        self.app.notify(t("con.deleted", name=one_line(contact.name)), markup=False)
        self._saved(True)

    def action_import(self) -> None:
        """Import a CSV with a preview (supervisor)."""
        from frontdesk.screens.escalation.contact_import import ContactImportScreen

        guard_action(self.fd_app, "edit_contacts",
                     lambda: self.app.push_screen(ContactImportScreen(), self._saved))

    def action_export(self) -> None:
        """Write every contact to a CSV file in the data folder (supervisor, recorded)."""
        guard_action(self.fd_app, "export", self._export)

    @fails_soft
    def _export(self) -> None:
        stamp = to_local(self.ctx.clock.now(), self.ctx.require_site().timezone)
        path = self.ctx.paths.data_dir / f"contacts-{stamp:%Y%m%d-%H%M}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.service.write_csv(path, who=self.ctx.session.user)
        self.app.notify(t("con.exported", path=str(path)), markup=False, timeout=10)

    def action_template(self) -> None:
        """Write the CSV template to the data folder."""
        path = self.ctx.paths.data_dir / "contacts-template.csv"
        self._write_file(path, self.service.template(), "con.template_saved")

    def _write_file(self, path: object, text: str, key: str) -> None:
        from pathlib import Path

        target = Path(str(path))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8-sig", newline="")
        except OSError as exc:
            self.app.notify(one_line(str(exc)), severity="error", markup=False)
            return
        self.app.notify(t(key, path=str(target)), markup=False, timeout=10)

    def action_policy(self) -> None:
        """The escalation policy per kind and level."""
        from frontdesk.screens.escalation.policy import PolicyScreen

        self.app.push_screen(PolicyScreen(), self._saved)
