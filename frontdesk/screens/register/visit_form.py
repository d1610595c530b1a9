"""The entry form: keyboard first, every kind of entry, errors beside the field, nothing lost.

Tab or Enter moves to the next field, ↑/↓ on the kind (or credential) change it in place,
Ctrl+S saves, Esc goes back (asking first when something was typed, as Ctrl+Q does). A
returning person is offered while the name or phone is typed: ↑/↓ pick one, F4 (or a click)
fills their known details, kind included. Somebody already on site with the same phone, ID, or
name and outlet is flagged before saving, with the time they came in; Ctrl+E opens that entry
instead. On an error the form stays as typed and the field says what is wrong.

Everything typed is :meth:`VisitFormScreen.read_form` (a :class:`VisitForm`), and a form is
opened from one (``VisitFormScreen(form=...)``): the two ends a saved draft needs.
"""
from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from frontdesk.domain.register.validation import display_phone
from frontdesk.domain.register.visits import (
    NAME_OPTIONAL,
    TEXT_FIELDS,
    CredentialType,
    Visit,
    VisitKind,
)
from frontdesk.domain.sitetime import clock_time
from frontdesk.i18n import t
from frontdesk.screens.help import Explained
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.discard import GuardsTyping
from frontdesk.services.register import FormInvalid, VisitForm, kind_in_sentence
from frontdesk.text import one_line, ui
from frontdesk.typeahead import HoldsKeys
from frontdesk.widgets.field import Field
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


class VisitFormScreen(Explained, GuardsTyping, HoldsKeys, FrontdeskScreen[Visit | None]):
    """New or edit; dismisses with the saved visit, or None."""

    HELP = "form"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Back", id="form.cancel"),
        Binding("f4", "fill_returning", "Fill returning", id="form.fill"),
        Binding("ctrl+e", "open_existing", "Open the entry on site", id="form.open_existing",
                priority=True, show=False),
        Binding("up", "step(-1)", show=False, priority=True),
        Binding("down", "step(1)", show=False, priority=True),
        Binding("enter", "enter", show=False, priority=True),
    ]

    class Suggested(Message):
        """Earlier visits of people matching what was typed: the answer to lookup ``number``."""

        def __init__(self, found: list[Visit], number: int) -> None:
            super().__init__()
            self.found, self.number = found, number

    class OnSite(Message):
        """Somebody on site now who looks like this person (or None)."""

        def __init__(self, visit: Visit | None) -> None:
            super().__init__()
            self.visit = visit

    class Saved(Message):
        """The worker saved the entry."""

        def __init__(self, visit: Visit) -> None:
            super().__init__()
            self.visit = visit

    class Invalid(Message):
        """The worker found errors (by field); nothing was saved."""

        def __init__(self, errors: dict[str, str], warnings: dict[str, str]) -> None:
            super().__init__()
            self.errors, self.warnings = errors, warnings

    class Failed(Message):
        """Saving failed for another reason (``error``); the form keeps everything."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, visit: Visit | None = None, form: VisitForm | None = None) -> None:
        super().__init__()
        self.visit = visit
        self.initial = form
        self.suggested: list[Visit] = []
        self.on_site_match: Visit | None = None
        self._saving = False
        self._credential_chosen = False  # the guard set the credential type: kind leaves it
        self._credential_auto = CredentialType.NONE.value  # what the form itself last set
        self._lookups = 0  # the latest returning-people lookup (its number)
        self._answered = 0  # the latest lookup answered
        self._fill_when_found = False  # F4 came before the people it fills

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
                        yield Field(id=f"f-{name}", compact=True, max_length=2000)
                yield Static(id=f"msg-{name}", classes="form-msg")
                if name == "name":
                    yield Static(id="on-site-match", classes="form-msg -warning")
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
        with self.prevent(Select.Changed):  # the values as given: no defaults from the kind
            self.query_one("#f-kind", Select).value = form.kind.value
            self.query_one("#f-credential_type", Select).value = form.credential_type.value
        self._credential_auto = form.credential_type.value
        self._credential_chosen = self.visit is not None or form.credential_type is not (
            CredentialType.PRESS_CARD if form.kind is VisitKind.JOURNALIST else CredentialType.NONE)
        for name in TEXT_FIELDS:
            self.query_one(f"#f-{name}", Input).value = form.values.get(name, "")
        self.query_one("#f-time_in", Input).value = form.time_in
        self.query_one("#f-time_out", Input).value = form.time_out
        self.query_one("#f-party_size", Input).value = form.party_size or "1"
        if self.visit is None and not self.query_one("#f-guard", Input).value:
            self.query_one("#f-guard", Input).value = self.ctx.session.user
        suggestions = self.query_one("#suggestions", OptionList)
        suggestions.display = False
        suggestions.can_focus = False  # ↑/↓ in the name or phone pick; Tab never stops here
        for msg in self.query(".form-msg"):
            msg.display = False
        self._pristine = self.read_form()
        first = "#f-kind" if self.initial is None and self.visit is None else "#f-name"
        # set now, not after the next refresh: keys typed ahead land here (frontdesk.typeahead)
        self.set_focus(self.query_one(first))

    def relabel(self) -> None:
        """Labels, choices and hints in the current language (values kept)."""
        self.query_one("#form-title", Static).update(ui(f"{self._title()} — {t('form.hint')}"))
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
        self._show_on_site_match()

    def _title(self) -> str:
        return t("form.edit") if self.visit is not None else t("form.new")

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

    def unsaved(self) -> str:
        """The form's name while something typed is not saved (frontdesk.screens.discard)."""
        return self._title() if self.dirty and not self._saving else ""

    # -- moving on ------------------------------------------------------------------------
    @on(Input.Submitted)
    def _next_field(self, _event: Input.Submitted) -> None:
        self.focus_next()

    def _collapsed_select(self) -> Select[str] | None:
        focused = self.focused
        return focused if isinstance(focused, Select) and not focused.expanded else None

    def action_enter(self) -> None:
        """Enter on the kind or credential moves on, as in a text field (Space opens the list)."""
        if self._collapsed_select() is None:
            raise SkipAction()
        self.focus_next()

    def action_step(self, step: int) -> None:
        """↑/↓: change the kind or credential in place; in the name or phone, pick a person."""
        select = self._collapsed_select()
        if select is not None:
            options = [v for _label, v in self._options(str(select.id)[2:])]
            current = select.value if isinstance(select.value, str) else options[0]
            select.value = options[(options.index(current) + step) % len(options)]
            return
        focused = self.focused
        if (self.suggested and focused is not None and focused.id in ("f-name", "f-phone")):
            options_list = self.query_one("#suggestions", OptionList)
            current_row = options_list.highlighted
            row = 0 if current_row is None else current_row + step
            options_list.highlighted = max(0, min(len(self.suggested) - 1, row))
            return
        raise SkipAction()

    # -- returning people -----------------------------------------------------------------
    @on(Input.Changed, "#f-name, #f-phone")
    def _lookup(self, event: Input.Changed) -> None:
        if self.visit is None and self.ctx.is_open:
            self._lookups += 1
            self._suggest(event.value, self._lookups)

    @on(Input.Changed, "#f-name, #f-phone, #f-organisation, #f-credential_number")
    def _identity_changed(self, _event: Input.Changed) -> None:
        if self.visit is None and self.ctx.is_open:
            self._check_on_site(self.read_form())

    @property
    def _looking_up(self) -> bool:
        return self._answered < self._lookups

    @db_worker(group="form-suggest", exclusive=True)
    def _suggest(self, text: str, number: int) -> None:
        try:
            found = self.ctx.register.suggestions(text)
        except Exception:  # noqa: BLE001 - a hint per keystroke: its failure is not worth a
            found = []     # message each key (a save that fails says why, through the app)
        if not get_current_worker().is_cancelled:  # else a later lookup answers
            self.post_message(self.Suggested(found, number))

    @db_worker(group="form-on-site", exclusive=True)
    def _check_on_site(self, form: VisitForm) -> None:
        try:
            match = self.ctx.register.on_site_matching(form)
        except Exception:  # noqa: BLE001 - a hint as the guard types, like the suggestions
            match = None
        if not get_current_worker().is_cancelled:
            self.post_message(self.OnSite(match))

    def on_visit_form_screen_on_site(self, message: OnSite) -> None:
        """Flag (or stop flagging) somebody already on site."""
        self.on_site_match = message.visit
        self._show_on_site_match()

    def _show_on_site_match(self) -> None:
        line = self.query_one("#on-site-match", Static)
        v = self.on_site_match
        line.display = v is not None
        if v is not None:
            tz = self.ctx.site.timezone if self.ctx.site else "Asia/Shanghai"
            line.update(ui(t("form.on_site", name=one_line(v.name or t("reg.no_name"), 40),
                             t=clock_time(v.time_in, tz, self.ctx.clock.now()))))

    def action_open_existing(self) -> None:
        """Ctrl+E: open the entry of the person already on site instead of this new one."""
        match = self.on_site_match
        if match is None:
            raise SkipAction()
        from frontdesk.screens.register.register import RegisterScreen

        app = self.app
        self.dismiss(None)
        if isinstance(app.screen, RegisterScreen):
            app.screen.open_entry(match)

    def on_visit_form_screen_suggested(self, message: Suggested) -> None:
        """Offer the returning people found (and fill one if F4 was pressed already)."""
        if message.number < self._lookups:
            return  # overtaken by what was typed since
        self._answered = message.number
        self._show_suggestions(message.found)
        if self._fill_when_found and not self._looking_up:
            self._fill_when_found = self.holds_keys = False
            self.action_fill_returning()

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
        """Fill the highlighted returning person's known details. Pressed while the people are
        still being looked up, it fills when they come (keys typed meanwhile wait)."""
        if self._looking_up:
            self._fill_when_found = self.holds_keys = True
            return
        if self.suggested:
            index = self.query_one("#suggestions", OptionList).highlighted or 0
            self._fill(index)

    def _fill(self, index: int) -> None:
        if not 0 <= index < len(self.suggested):
            return
        known = self.suggested[index]
        self.query_one("#f-kind", Select).value = known.kind.value  # a journalist stays one
        for name in ("name", "organisation", "credential_number", "plate"):
            value = getattr(known, name)
            if value:
                self.query_one(f"#f-{name}", Input).value = value
        if known.phone:
            self.query_one("#f-phone", Input).value = display_phone(known.phone)
        if known.credential_type is not CredentialType.NONE:
            self.query_one("#f-credential_type", Select).value = known.credential_type.value
            self._credential_chosen = True
        self.query_one("#suggestions", OptionList).display = False
        self.query_one("#suggest-title", Static).display = False
        self.set_focus(self.query_one("#f-purpose", Input))

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
            self.post_message(self.Invalid(exc.check.errors, exc.check.warnings))
        else:
            self.post_message(self.Saved(saved))

    def on_work_failed(self) -> None:
        """A save that failed (the app says why) may be tried again; the form keeps its data."""
        self._saving = False

    def on_visit_form_screen_invalid(self, message: Invalid) -> None:
        """Errors beside their fields; the cursor in the first one."""
        self._saving = False
        errors, warnings = message.errors, message.warnings
        kind = kind_in_sentence(self.read_form().kind)
        for name, _widget in LAYOUT:
            msg = self.query_one(f"#msg-{name}", Static)
            msg.remove_class("-error", "-warning")
            if name in errors:
                msg.update(ui("✗ " + t(f"err.{errors[name]}", kind=kind)))
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
            self.set_focus(self.query_one(f"#f-{first}"))
            self.query_one(f"#row-{first}").scroll_visible()
        self.notify(t("err.form", n=len(errors)), severity="error", markup=False)

    def on_visit_form_screen_saved(self, message: Saved) -> None:
        """Saved: say so and go back with the entry."""
        visit = message.visit
        self._saving = False
        key = "reg.updated" if self.visit is not None else "reg.saved"
        self.notify(one_line(t(key, name=visit.name or t("reg.no_name"))), markup=False)
        self.dismiss(visit)

    # -- leaving --------------------------------------------------------------------------
    def action_cancel(self) -> None:
        """Go back; ask first if something was typed."""
        self.leave(lambda: self.dismiss(None))

    @on(Select.Changed, "#f-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        kind_select = self.query_one("#f-kind", Select)
        if event.value != kind_select.value:
            return  # a stale change (the list's first option, posted as it mounted)
        kind = VisitKind(event.value) if isinstance(event.value, str) else VisitKind.VISITOR
        self.query_one("#f-name", Input).placeholder = "" if kind in NAME_OPTIONAL else t("ph.name")
        if not self._credential_chosen:
            # a journalist shows a press card; the guard may still pick another
            default = (CredentialType.PRESS_CARD if kind is VisitKind.JOURNALIST
                       else CredentialType.NONE).value
            self._credential_auto = default
            self.query_one("#f-credential_type", Select).value = default

    @on(Select.Changed, "#f-credential_type")
    def _credential_changed(self, event: Select.Changed) -> None:
        cred = self.query_one("#f-credential_type", Select)
        if event.value != cred.value or event.value == self._credential_auto:
            return  # stale, or the form's own default: not the guard's choice
        self._credential_chosen = True
