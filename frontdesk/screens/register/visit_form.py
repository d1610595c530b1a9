"""The entry form: keyboard first, every kind of entry, errors beside the field, nothing lost.

Tab or Enter moves to the next field, Ctrl+S saves, Esc goes back (asking first when something
was typed). A returning person is offered while the name or phone is typed; F4 or a click
fills their known details. On an error the form stays as typed and the field says what is wrong.
"""
from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from frontdesk.domain.register.validation import display_phone
from frontdesk.domain.register.visits import NAME_OPTIONAL, TEXT_FIELDS, CredentialType, Visit, VisitKind
from frontdesk.i18n import t
from frontdesk.messages import Deliver
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.services.register import FormInvalid, VisitForm
from frontdesk.text import one_line, ui
from frontdesk.workers import db_worker

# Form order: (field, kind of widget). Time and party size are text fields with their own parsing.
LAYOUT: tuple[tuple[str, str], ...] = (
    ("kind", "select"),
    ("name", "input"),
    ("organisation", "input"),
    ("phone", "input"),
    ("credential_type", "select"),
    ("credential_number", "input"),
    ("purpose", "input"),
    ("plate", "input"),
    ("party_size", "input"),
    ("came_to_see", "input"),
    ("guided_to", "input"),
    ("notified", "input"),
    ("location", "input"),
    ("time_in", "input"),
    ("time_out", "input"),
    ("notes", "input"),
    ("guard", "input"),
)
PLACEHOLDERS = {"name", "phone", "time_in", "time_out", "location"}


class VisitFormScreen(FrontdeskScreen[Visit | None]):
    """New or edit; dismisses with the saved visit, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Back", id="form.cancel"),
        Binding("f4", "fill_returning", "Fill returning", id="form.fill"),
    ]

    def __init__(self, visit: Visit | None = None, form: VisitForm | None = None) -> None:
        super().__init__()
        self.visit = visit
        self.initial = form
        self.suggested: list[Visit] = []
        self._saving = False

    def compose(self) -> ComposeResult:
        """One row per field, with a message line under each."""
        yield Header()
        yield Static(id="form-title")
        with VerticalScroll(id="form-body"):
            for name, widget in LAYOUT:
                with Horizontal(classes="form-row", id=f"row-{name}"):
                    yield Label(id=f"label-{name}", classes="form-label")
                    if widget == "select":
                        yield Select(self._options(name), id=f"f-{name}", allow_blank=False,
                                     compact=True)
                    else:
                        yield Input(id=f"f-{name}", compact=True, max_length=2000)
                yield Static(id=f"msg-{name}", classes="form-msg")
                if name == "name":
                    yield Static(id="suggest-title", classes="form-msg")
                    yield OptionList(id="suggestions")
        yield Footer()

    @staticmethod
    def _options(name: str) -> list[tuple[str, str]]:
        if name == "kind":
            return [(t(f"kind.{k.value}"), k.value) for k in VisitKind]
        return [(t(f"cred.{c.value}"), c.value) for c in CredentialType]

    def on_mount(self) -> None:
        """Fill the choices and the values, focus the first useful field."""
        super().on_mount()
        form = self.initial
        if self.visit is not None:
            form = self.ctx.register.form_for(self.visit)
        form = form or VisitForm()
        self.query_one("#f-kind", Select).value = form.kind.value
        self.query_one("#f-credential_type", Select).value = form.credential_type.value
        for name in TEXT_FIELDS:
            self.query_one(f"#f-{name}", Input).value = form.values.get(name, "")
        self.query_one("#f-time_in", Input).value = form.time_in
        self.query_one("#f-time_out", Input).value = form.time_out
        self.query_one("#f-party_size", Input).value = form.party_size or "1"
        if self.visit is None and not self.query_one("#f-guard", Input).value:
            self.query_one("#f-guard", Input).value = self.ctx.session.user
        self.query_one("#suggestions", OptionList).display = False
        self.query_one("#suggest-title", Static).display = False
        for msg in self.query(".form-msg"):
            msg.display = False
        self._pristine = self.read_form()
        self.query_one("#f-kind" if self.initial is None and self.visit is None else "#f-name").focus()

    def relabel(self) -> None:
        """Labels, choices and hints in the current language (values kept)."""
        title = t("form.edit") if self.visit is not None else t("form.new")
        self.query_one("#form-title", Static).update(ui(f"{title} — {t('form.hint')}"))
        for name, _widget in LAYOUT:
            self.query_one(f"#label-{name}", Label).update(ui(t(f"field.{name}")))
        for name in PLACEHOLDERS:
            self.query_one(f"#f-{name}", Input).placeholder = t(f"ph.{name}")
        kind = self.query_one("#f-kind", Select)
        value = kind.value
        kind.set_options(self._options("kind"))
        if value != Select.NULL:
            kind.value = value
        cred = self.query_one("#f-credential_type", Select)
        cvalue = cred.value
        cred.set_options(self._options("credential_type"))
        if cvalue != Select.NULL:
            cred.value = cvalue
        self.query_one("#suggest-title", Static).update(ui(t("form.suggest")))

    # -- reading the form -----------------------------------------------------------------
    def read_form(self) -> VisitForm:
        """Everything as typed."""
        kind = self.query_one("#f-kind", Select).value
        cred = self.query_one("#f-credential_type", Select).value
        return VisitForm(
            kind=VisitKind(kind) if isinstance(kind, str) else VisitKind.VISITOR,
            credential_type=CredentialType(cred) if isinstance(cred, str) else CredentialType.NONE,
            values={n: self.query_one(f"#f-{n}", Input).value for n in TEXT_FIELDS},
            time_in=self.query_one("#f-time_in", Input).value,
            time_out=self.query_one("#f-time_out", Input).value,
            party_size=self.query_one("#f-party_size", Input).value,
            readings=self.initial.readings if self.initial is not None else (),
        )

    @property
    def dirty(self) -> bool:
        """Has anything been typed since the form opened?"""
        return self.read_form() != self._pristine

    # -- moving on ------------------------------------------------------------------------
    @on(Input.Submitted)
    def _next_field(self, _event: Input.Submitted) -> None:
        self.focus_next()

    # -- returning people -----------------------------------------------------------------
    @on(Input.Changed, "#f-name, #f-phone")
    def _lookup(self, event: Input.Changed) -> None:
        if self.visit is None and self.ctx.is_open:
            self._suggest(event.value)

    @db_worker(group="form-suggest", exclusive=True)
    def _suggest(self, text: str) -> None:
        found = self.ctx.register.suggestions(text)
        if not get_current_worker().is_cancelled:
            self.post_message(Deliver(self._show_suggestions, found))

    def _show_suggestions(self, found: list[Visit]) -> None:
        self.suggested = found
        options = self.query_one("#suggestions", OptionList)
        options.clear_options()
        for i, v in enumerate(found):
            label = " · ".join(x for x in (v.name, v.organisation, display_phone(v.phone),
                                            v.plate) if x)
            options.add_option(Option(ui(one_line(label, 70)), id=str(i)))
        options.display = bool(found)
        self.query_one("#suggest-title", Static).display = bool(found)
        if found:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#suggestions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._fill(int(event.option.id or 0))

    def action_fill_returning(self) -> None:
        """Fill the highlighted returning person's known details."""
        if self.suggested:
            index = self.query_one("#suggestions", OptionList).highlighted or 0
            self._fill(index)

    def _fill(self, index: int) -> None:
        if not 0 <= index < len(self.suggested):
            return
        known = self.suggested[index]
        for name in ("name", "organisation", "credential_number", "plate"):
            value = getattr(known, name)
            if value:
                self.query_one(f"#f-{name}", Input).value = value
        if known.phone:
            self.query_one("#f-phone", Input).value = display_phone(known.phone)
        if known.credential_type is not CredentialType.NONE:
            self.query_one("#f-credential_type", Select).value = known.credential_type.value
        self.query_one("#suggestions", OptionList).display = False
        self.query_one("#suggest-title", Static).display = False
        self.query_one("#f-purpose", Input).focus()

    # -- saving ---------------------------------------------------------------------------
    def action_save(self) -> None:
        """Check and save; on errors show them beside the fields and keep everything."""
        if self._saving:
            return
        self._saving = True
        self._save(self.read_form())

    @db_worker(group="form-save", exclusive=True)
    def _save(self, form: VisitForm) -> None:
        reg = self.ctx.register
        by = self.ctx.session.user
        try:
            saved = reg.add(form, by) if self.visit is None else reg.update(self.visit.id, form, by)
        except FormInvalid as exc:
            self.post_message(Deliver(self._show_errors, exc.check.errors, exc.check.warnings))
        else:
            self.post_message(Deliver(self._saved, saved))

    def on_work_failed(self) -> None:
        """A save that failed (the app says why) may be tried again; the form keeps its data."""
        self._saving = False

    def _show_errors(self, errors: dict[str, str], warnings: dict[str, str]) -> None:
        self._saving = False
        for name, _widget in LAYOUT:
            msg = self.query_one(f"#msg-{name}", Static)
            msg.remove_class("-error", "-warning")
            if name in errors:
                msg.update(ui("✗ " + t(f"err.{errors[name]}")))
                msg.add_class("-error")
                msg.display = True
            elif name in warnings:
                msg.update(ui("! " + t(f"warn.{warnings[name]}")))
                msg.add_class("-warning")
                msg.display = True
            else:
                msg.display = False
        first = next((n for n, _w in LAYOUT if n in errors), None)
        if first is not None:
            self.query_one(f"#f-{first}").focus()
            self.query_one(f"#row-{first}").scroll_visible()
        self.notify(t("err.form", n=len(errors)), severity="error", markup=False)

    def _saved(self, visit: Visit) -> None:
        self._saving = False
        key = "reg.updated" if self.visit is not None else "reg.saved"
        self.notify(one_line(t(key, name=visit.name or t("reg.no_name"))), markup=False)
        self.dismiss(visit)

    # -- leaving --------------------------------------------------------------------------
    def action_cancel(self) -> None:
        """Go back; ask first if something was typed."""
        if not self.dirty:
            self.dismiss(None)
            return
        from frontdesk.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(t("form.discard")), answered)

    @on(Select.Changed, "#f-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        optional = isinstance(event.value, str) and VisitKind(event.value) in NAME_OPTIONAL
        self.query_one("#f-name", Input).placeholder = "" if optional else t("ph.name")
