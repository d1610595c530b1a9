"""The Textual application: frame, modes, language, command palette, opening the store.

The first frame needs nothing from the database: the register screen paints its skeleton and
the storage layer is imported and opened in a thread worker afterwards (``StoreReady``).
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input

from frontdesk import i18n
from frontdesk.bindings import localize
from frontdesk.context import AppContext
from frontdesk.i18n import t
from frontdesk.messages import (
    DataChanged,
    ReloadData,
    StoreFailed,
    StoreOpened,
    StoreOpenFailed,
    StoreReady,
)
from frontdesk.screens.scripts.keys import as_alt_digit, script_keys
from frontdesk.text import drop_unsafe, term_safe
from frontdesk.typeahead import KeyGate

if TYPE_CHECKING:  # pragma: no cover
    from textual.command import Provider


# Main screens by mode name: "module:Class", imported only when first shown.
MAIN_SCREENS: dict[str, str] = {
    "register": "frontdesk.screens.register.register:RegisterScreen",
    "board": "frontdesk.screens.incidents.board:DutyBoardScreen",
    "contacts": "frontdesk.screens.escalation.contacts:ContactsScreen",
    "sync": "frontdesk.screens.sync.files:SyncScreen",
}


def _lazy(target: str) -> Callable[[], Screen[None]]:
    def make() -> Screen[None]:
        import importlib

        module, _sep, cls = target.partition(":")
        return getattr(importlib.import_module(module), cls)()  # type: ignore[no-any-return]

    return make


MAIN_MODES: dict[str, Callable[[], Screen[None]]] = {k: _lazy(v) for k, v in MAIN_SCREENS.items()}


def _actions_provider() -> type[Provider]:
    """The palette's provider, imported when the palette first opens."""
    from frontdesk.palette import ActionsProvider

    return ActionsProvider


class FrontdeskApp(App[None]):
    """frontdesk: the gate booth and duty room app."""

    CSS_PATH = "frontdesk.tcss"
    # Ctrl+P finds every action by its words in either language (frontdesk.palette).
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {_actions_provider}
    # The register is the default screen, built directly: a screen made from MODES costs two
    # full CSS re-parses before the first frame (bench/bench_startup.py). Its mode is added
    # in on_mount so that switch_mode("register") finds the same screen.
    DEFAULT_MODE: ClassVar[str] = "register"
    MODES: ClassVar[dict[str, Callable[[], Screen[None]]]] = {  # type: ignore[assignment]
        k: v for k, v in MAIN_MODES.items() if k != "register"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("f2", "switch_mode('register')", "Register", id="app.register"),
        Binding("f3", "switch_mode('board')", "Duty board", id="app.board"),
        Binding("f5", "script_picker", "Scripts", id="app.scripts"),
        Binding("f7", "script_manager", "Script manager", id="app.script_manager", show=False),
        Binding("f6", "switch_mode('contacts')", "Contacts", id="app.contacts", show=False),
        Binding("f8", "switch_mode('sync')", "Files", id="app.sync", show=False),
        # One chord per script: Alt+digit, never a bare digit (digits are typed into searches
        # and PINs); ESC digit from the terminal is read as Alt+digit in on_event
        # (frontdesk.screens.scripts.keys).
        *[Binding(script_keys(n), f"read_script('{n}')", f"Script {n}", id=f"app.script{n}",
                  show=False, priority=True, key_display=f"Alt+{n}") for n in range(1, 10)],
        Binding("f9", "switch_language", "中/EN", id="app.language"),
        Binding("ctrl+p", "command_palette", "Commands", id="app.palette", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
    ]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.store_error: str | None = None
        # Keys typed ahead wait for the screen they were meant for (frontdesk.typeahead); at a
        # real start nothing typed before the sign-in screen is up reaches the register.
        self.keys = KeyGate(self, super().on_event)
        if ctx.auth_required:
            self.keys.hold("sign-in")
        i18n.set_language(ctx.prefs.language or "zh")
        self.theme = ctx.prefs.theme if ctx.prefs.theme in self.available_themes else "textual-dark"

    # -- start-up -------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        """The register screen opens first."""
        return MAIN_MODES["register"]()

    def on_mount(self) -> None:
        """Paint first, then open the store in a worker."""
        localize(self)
        self._update_title()
        self.add_mode("register", MAIN_MODES["register"])
        if self.ctx.is_open:
            self.call_after_refresh(self.post_message, StoreOpened())
        else:
            # After the first paint: a worker importing the storage layer would hold the GIL
            # while the frame is being composed (bench/bench_startup.py).
            self.call_after_refresh(self._open_store)

    @work(thread=True, exclusive=True, group="store")
    def _open_store(self) -> None:
        """Import the storage layer and open the database off the UI thread."""
        try:
            self.ctx.open()
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed
            self.post_message(StoreOpenFailed(term_safe(str(exc))))
        else:
            self.post_message(StoreOpened())

    def on_store_opened(self, _message: StoreOpened) -> None:
        """Tell every screen the data can be loaded; then sign-in (trust) if it is wired."""
        self._update_title()
        for screen in self._every_screen():
            screen.post_message(StoreReady())
        from frontdesk.screens.scripts.view import preload_scripts

        preload_scripts(self)
        # The duty board watches the clocks (bell and notification on a crossing) from the
        # start, whichever screen is shown: its mode is built in the background, not switched to.
        self.set_timer(0.5, self._start_board)
        from frontdesk.screens.trust.signin import require_sign_in

        require_sign_in(self)
        # Keys typed before now go to the sign-in screen just pushed (once it is up), or to the
        # register when nobody needs to sign in.
        self.keys.release("sign-in")

    def _start_board(self) -> None:
        if "board" not in self._screen_stacks or not self._screen_stacks["board"]:
            self._init_mode("board")

    def on_store_open_failed(self, message: StoreOpenFailed) -> None:
        """Say why the database did not open (and keep the app usable for reading that)."""
        self.store_error = message.error
        self.keys.release("sign-in")
        self.notify(f"{t('app.store_error')}: {message.error}", severity="error",
                    timeout=30, markup=False)
        for screen in self._every_screen():
            screen.post_message(StoreFailed(message.error))

    def on_data_changed(self, message: DataChanged) -> None:
        """Something was saved: every visible list reloads."""
        for screen in self._every_screen():
            screen.post_message(ReloadData())

    def _every_screen(self) -> list[Screen[object]]:
        seen: list[Screen[object]] = []
        stacks = [self.screen_stack, *getattr(self, "_screen_stacks", {}).values()]
        for stack in stacks:
            for screen in stack:
                if screen not in seen:
                    seen.append(screen)
        return seen

    def _update_title(self) -> None:
        site = self.ctx.site
        name = term_safe(site.name) if site and site.name else ""
        self.title = f"{t('app.title')} · {name}" if name else t("app.title")
        sess = self.ctx.session
        role = t(f"app.role.{sess.role}")
        self.sub_title = f"{term_safe(sess.user)} ({role})" if sess.user else ""

    # -- scripts (one key from anywhere) ------------------------------------------------------
    def action_read_script(self, key: str) -> None:
        """Put the script on digit ``key`` up, large (digits typed into a field stay there)."""
        from frontdesk.screens.scripts.view import show_script_by_key

        show_script_by_key(self, key)

    def action_script_picker(self) -> None:
        """Choose among all scripts."""
        from frontdesk.screens.scripts.view import show_script_picker

        show_script_picker(self)

    def action_script_manager(self) -> None:
        """List, preview and (supervisor) edit the scripts."""
        from frontdesk.screens.scripts.manager import ScriptManagerScreen

        self.push_screen(ScriptManagerScreen())

    # -- language -------------------------------------------------------------------------
    def action_switch_language(self) -> None:
        """Switch between Chinese and English and remember the choice."""
        self.set_language("en" if i18n.language() == "zh" else "zh")

    def set_language(self, lang: str, remember: bool = True) -> None:
        """Switch language now and relabel every screen; ``remember``: save and say so."""
        i18n.set_language(lang)
        self.ctx.prefs.language = lang
        if remember:
            self.ctx.prefs.language_from_system = False
            try:
                self.ctx.prefs.save(self.ctx.paths.prefs_file)
            except OSError as exc:
                self.notify(term_safe(str(exc)), severity="warning", markup=False)
        localize(self)
        for screen in self._every_screen():
            localize(screen)
            relabel = getattr(screen, "relabel", None)
            if callable(relabel):
                relabel()
        self._update_title()
        self.refresh_bindings()
        if remember:
            self.notify(t("lang.switched"), markup=False)

    def watch_theme(self, theme: str) -> None:
        """Remember the theme."""
        if self.ctx.prefs.theme != theme:
            self.ctx.prefs.theme = theme
            # A theme that cannot be remembered is not worth interrupting the guard for.
            with contextlib.suppress(OSError):
                self.ctx.prefs.save(self.ctx.paths.prefs_file)

    async def action_quit(self) -> None:
        """Ctrl+Q: quit, asking first when a form holds typed text (frontdesk.screens.discard)."""
        from frontdesk.screens.discard import confirm_quit

        confirm_quit(self, self._every_screen())

    # -- help and palette ------------------------------------------------------------------
    def action_help(self) -> None:
        """Show every key of the current screen."""
        from frontdesk.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action of the palette (frontdesk.palette), in the current language."""
        from frontdesk.palette import system_commands

        for title, help_text, callback in system_commands(self, screen):
            yield SystemCommand(title, help_text, callback)

    def action_command_palette(self) -> None:
        """Ctrl+P: the palette, its prompt in the current language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette",
                                            placeholder=t("palette.placeholder")))

    # -- trust: activity stamp for the idle auto-lock; only quit/language while locked ------
    async def on_event(self, event: events.Event) -> None:
        """Note keyboard and mouse activity (frontdesk.screens.trust.signin locks after idle time)."""
        if isinstance(event, (events.Key, events.MouseDown)) and self.ctx.session.user:
            self.ctx.session.last_activity = self.ctx.clock.now()
        if isinstance(event, events.Key) and not event.is_forwarded:
            # in order, each where it would have gone; ESC digit is Alt+digit (a script)
            await self.keys.feed(as_alt_digit(event))
            return
        await super().on_event(event)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typed or pasted control and bidi characters never stay in a field (or reach the tty)."""
        cleaned = drop_unsafe(event.value)
        if cleaned != event.value:
            event.input.value = cleaned

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the sign-in/lock screen is up, no app key reaches another screen.

        The key of the screen one is on (F2 on the register, F3 on the board) is left out of
        the footer: at 80 columns its place shows a key that goes somewhere.
        """
        if action == "switch_mode" and parameters and parameters[0] == self.current_mode:
            return False
        return not self.ctx.session.locked or action in (
            "quit", "switch_language", "help", "focus_next", "focus_previous", "help_quit", "bell")


