"""The sign-in (and idle-lock) screen: pick yourself from the list, type the PIN, Enter.

Typing a Chinese name through an input method at every shift change is slow, so the people who
may sign in are listed under the name: ↑/↓ pick one (typing a few letters of the name or its
pinyin narrows the list), Enter takes the picked name and moves to the PIN. While the PIN is
being checked (argon2 is slow on purpose) keys typed ahead wait (:class:`HoldsKeys`), and go to
the screen that comes next. An error puts the cursor in the field at fault. F9 switches the
language here too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.bindings import modal_keys
from frontdesk.i18n import t
from frontdesk.screens.base import FrontdeskModal
from frontdesk.screens.help import Explained
from frontdesk.screens.trust.pin_prompt import error_text
from frontdesk.text import one_line, ui
from frontdesk.typeahead import HoldsKeys
from frontdesk.widgets.field import Field
from frontdesk.workers import db_worker

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.services.trust.auth import AuthResult


def person_matches(name: str, keys: tuple[str, ...], typed: str) -> bool:
    """Does what was typed start the name, its pinyin or its initials (or appear in it)?"""
    from frontdesk.domain.register.search import normalize

    q = normalize(typed)
    return not q or q in normalize(name) or any(k.startswith(q) for k in keys if k)


class SignInScreen(Explained, HoldsKeys, FrontdeskModal[bool]):
    """Name (picked from a list) and PIN; covers the whole app. ``locked``: the idle lock."""

    HELP = "signin"

    DEFAULT_CSS = """
    SignInScreen { align: center middle; background: $background; }
    #signin-box { width: 64; max-width: 100%; height: auto; max-height: 100%;
                  border: thick $primary; background: $surface; padding: 0 2; }
    #signin-error { color: $error; height: auto; }
    #signin-hint { color: $text-muted; height: auto; }
    #signin-people { height: auto; max-height: 6; border: none; margin: 0 0 0 12; }
    #signin-title { text-style: bold; margin: 1 0 0 0; }
    .signin-row { height: 1; margin: 1 0 0 0; }
    .signin-label { width: 12; }
    #signin-box .signin-row Input { width: 1fr; background: $boost; }
    #signin-ok { margin: 1 0 0 12; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *modal_keys(),
        Binding("up", "pick(-1)", show=False, priority=True),
        Binding("down", "pick(1)", show=False, priority=True),
    ]

    class PeopleLoaded(Message):
        """Who may sign in: (name, role, pinyin keys)."""

        def __init__(self, people: list[tuple[str, str, tuple[str, ...]]]) -> None:
            super().__init__()
            self.people = people

    class Checked(Message):
        """The PIN check's answer."""

        def __init__(self, result: AuthResult, name: str) -> None:
            super().__init__()
            self.result, self.name = result, name

    class CheckFailed(Message):
        """The PIN could not be checked (the app's failure handler says why)."""

    def __init__(self, locked: bool = False) -> None:
        super().__init__()
        self.locked = locked
        self.people: list[tuple[str, str, tuple[str, ...]]] = []
        self.shown: list[str] = []

    def compose(self) -> ComposeResult:
        """Title, hint, name with the people under it, PIN, OK, message."""
        with Vertical(id="signin-box"):
            yield Static(id="signin-title")
            yield Static(id="signin-hint")
            with Horizontal(classes="signin-row"):
                yield Label(id="signin-name-label", classes="signin-label")
                yield Field(id="signin-name", max_length=40, compact=True)
            yield OptionList(id="signin-people")
            with Horizontal(classes="signin-row"):
                yield Label(id="signin-pin-label", classes="signin-label")
                yield Field(password=True, id="signin-pin", max_length=32, compact=True)
            yield Button("", id="signin-ok", variant="primary", compact=True)
            yield Static("", id="signin-error")

    def on_mount(self) -> None:
        """Labels; the last person's name when locked; focus what is missing; load people."""
        self.relabel()
        people = self.query_one("#signin-people", OptionList)
        people.can_focus = False  # ↑/↓ in the name field move in it; Tab skips it
        people.display = False
        name = self.query_one("#signin-name", Input)
        user = self.ctx.session.user
        if self.locked and user:
            name.value = user
            self.set_focus(self.query_one("#signin-pin", Input))
        else:
            self.set_focus(name)
        self._load_people()

    def relabel(self) -> None:
        """Every text in the current language (F9 works here)."""
        title = "trust.lock.title" if self.locked else "trust.signin.title"
        self.query_one("#signin-title", Static).update(ui(t(title)))
        hint = t("trust.lock.hint") + "\n" if self.locked else ""
        self.query_one("#signin-hint", Static).update(ui(hint + t("trust.signin.hint")))
        self.query_one("#signin-name-label", Label).update(ui(t("trust.name")))
        self.query_one("#signin-pin-label", Label).update(ui(t("trust.pin.signin")))
        self.query_one("#signin-ok", Button).label = ui(t("trust.ok"))

    # -- the people to pick from ------------------------------------------------------------
    @db_worker(group="trust-people", exclusive=True)
    def _load_people(self) -> None:
        from frontdesk.domain.register.search import pinyin_keys
        from frontdesk.services.trust.auth import auth_service

        people: list[tuple[str, str, tuple[str, ...]]] = [
            (name, role, pinyin_keys(name))
            for name, role in auth_service(self.ctx).people()]
        self.post_message(self.PeopleLoaded(people))

    def on_sign_in_screen_people_loaded(self, message: PeopleLoaded) -> None:
        """Show the list (filtered by what is typed already)."""
        self.people = message.people
        self._filter(self.query_one("#signin-name", Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing in the name narrows the list."""
        if event.input.id == "signin-name":
            self._filter(event.value)

    def _filter(self, typed: str) -> None:
        """List who matches what is typed; a whole name lists everybody, that one picked (so
        ↑/↓ still move from it after a wrong PIN)."""
        exact = typed.strip() if any(n == typed.strip() for n, _r, _k in self.people) else ""
        self.shown = [name for name, _role, keys in self.people
                      if exact or person_matches(name, keys, typed)]
        options = self.query_one("#signin-people", OptionList)
        options.clear_options()
        roles = {name: role for name, role, _k in self.people}
        options.add_options([Option(ui(one_line(f"{name}  ({t(f'trust.role.{roles[name]}')})", 60)),
                                    id=name) for name in self.shown])
        options.display = bool(self.shown)
        if exact:
            options.highlighted = self.shown.index(exact)
        else:
            options.highlighted = 0 if len(self.shown) == 1 else None

    def action_pick(self, step: int) -> None:
        """↑/↓: move in the list of people (from the PIN too: back to the name to pick)."""
        options = self.query_one("#signin-people", OptionList)
        name = self.query_one("#signin-name", Input)
        if not self.shown:
            return
        if self.focused is not name:
            self.set_focus(name)
        current = options.highlighted
        if current is None:  # nobody picked yet: ↓ takes the first, ↑ the last
            current = -1 if step > 0 else len(self.shown)
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click on a person: take the name, go to the PIN."""
        self._take(event.option.id or "")

    def _take(self, name: str) -> None:
        field = self.query_one("#signin-name", Input)
        with field.prevent(Input.Changed):
            field.value = name
        self._filter(name)
        self.set_focus(self.query_one("#signin-pin", Input))

    # -- signing in -------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the name takes the picked person and moves on; Enter in the PIN signs in."""
        if event.input.id == "signin-name":
            options = self.query_one("#signin-people", OptionList)
            index = options.highlighted
            if self.shown and index is not None and 0 <= index < len(self.shown):
                self._take(self.shown[index])
            else:
                self.set_focus(self.query_one("#signin-pin", Input))
        else:
            self._submit()

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        """The OK button."""
        self._submit()

    def _submit(self) -> None:
        name = self.query_one("#signin-name", Input).value
        pin = self.query_one("#signin-pin", Input).value
        if not name.strip():
            self._error(t("trust.err.name_empty"), "#signin-name")
            return
        self.query_one("#signin-error", Static).update(ui(t("trust.checking")))
        self.holds_keys = True  # what is typed now goes where the answer sends it
        self._check(name, pin)

    @db_worker(group="trust-signin", exclusive=True)
    def _check(self, name: str, pin: str) -> None:
        from frontdesk.services.trust.auth import auth_service

        try:
            result = auth_service(self.ctx).sign_in(name, pin)
        except Exception:
            self.post_message(self.CheckFailed())  # keys must not stay held; the app says why
            raise
        self.post_message(self.Checked(result, name))

    def on_sign_in_screen_check_failed(self, _message: CheckFailed) -> None:
        """The check itself failed (the app's failure handler says why): keep what was typed."""
        self.holds_keys = False
        self.query_one("#signin-error", Static).update("")
        self.set_focus(self.query_one("#signin-pin", Input))

    def on_sign_in_screen_checked(self, message: Checked) -> None:
        """Signed in, or say why not with the cursor in the field at fault."""
        self.holds_keys = False  # keys typed meanwhile go on: to the app, or back here
        if message.result.ok:
            self.dismiss(True)
            return
        self.query_one("#signin-pin", Input).value = ""
        ctx = self.ctx
        known = any(name == message.name.strip() for name, _r, _k in self.people)
        text = error_text(message.result, ctx.require_site().timezone, ctx.clock.now())
        if not known and self.people and message.result.error != "locked":
            text = t("trust.err.unknown_name")
        self._error(text, "#signin-pin" if known or not self.people else "#signin-name")

    def _error(self, text: str, field: str) -> None:
        self.query_one("#signin-error", Static).update(ui(text))
        self.set_focus(self.query_one(field, Input))
