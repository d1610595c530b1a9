"""The Textual application: how frontdesk is put together, in the order it starts.

1. The start screen paints (it needs nothing from the database) and the store opens in a
   thread worker.
2. If the open fails, the start screen says what is wrong and what to do, in the UI's
   language; a lock is retried by itself. Quitting from there exits non-zero.
3. Once open, the duty board is built in the background: it watches the clocks (bell and
   notice) from then on, whichever screen is shown.
4. Sign-in (when the context requires it) comes next. Only after it (or at once when the
   context requires none) are the main screens shown: nothing of the data shows before
   somebody has signed in, whatever happened at open, and the services refuse changes
   without a signed-in person (``AppContext.signed_in_user``).

Everything a feature adds to the frame is wired here, where it can be seen: the main screens
(``MODES``), the keys (``BINDINGS``; F10 and Ctrl+L from the trust feature), the supervisor
step-up (``step_up``), and the one handler for every failed worker or action
(:meth:`FrontdeskApp.show_failure`).
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input

from frontdesk import i18n
from frontdesk.context import AppContext
from frontdesk.i18n import t
from frontdesk.messages import (
    DataChanged,
    ReloadData,
    StoreOpened,
    StoreOpenFailed,
    WorkFailed,
)
from frontdesk.screens.base import FrontdeskModal, FrontdeskScreen
from frontdesk.screens.scripts.keys import as_alt_digit, script_keys
from frontdesk.screens.trust.guard import StepUp
from frontdesk.text import drop_unsafe, one_line, term_safe
from frontdesk.typeahead import KeyGate
from frontdesk.workers import db_worker

if TYPE_CHECKING:  # pragma: no cover
    from textual.command import Provider

log = logging.getLogger("frontdesk")
# Without a handler configured (``frontdesk`` adds a log file), Python would print warnings on
# the terminal the app is drawing on.
log.addHandler(logging.NullHandler())

#: Exit code of ``frontdesk`` when the person quits while the database is not open.
EXIT_STORE_FAILED = 3

# App actions that work before anybody is in (and while the lock screen is up).
ALWAYS_ALLOWED = frozenset({"quit", "switch_language", "help", "focus_next", "focus_previous",
                           "help_quit", "bell"})



# The main screens, one per mode; each module is imported only when its screen is first made.
def _start_screen() -> Screen[Any]:
    from frontdesk.screens.start import StartScreen

    return StartScreen()


def _register_screen() -> Screen[Any]:
    from frontdesk.screens.register.register import RegisterScreen

    return RegisterScreen()


def _board_screen() -> Screen[Any]:
    from frontdesk.screens.incidents.board import DutyBoardScreen

    return DutyBoardScreen()


def _contacts_screen() -> Screen[Any]:
    from frontdesk.screens.escalation.contacts import ContactsScreen

    return ContactsScreen()


def _sync_screen() -> Screen[Any]:
    from frontdesk.screens.sync.files import SyncScreen

    return SyncScreen()


def ask_supervisor_pin(app: FrontdeskApp, action: str, then: Callable[[], object]) -> None:
    """The step-up the app uses: the supervisor types the PIN again (trust feature)."""
    from frontdesk.screens.trust.pin_prompt import step_up

    step_up(app, action, then)


def _actions_provider() -> type[Provider]:
    """The palette's provider, imported when the palette first opens."""
    from frontdesk.palette import ActionsProvider

    return ActionsProvider


class FrontdeskApp(App[None]):
    """frontdesk: the gate booth and duty room app."""

    CSS_PATH = "frontdesk.tcss"
    # Ctrl+P finds every action by its words in either language (frontdesk.palette).
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {_actions_provider}
    DEFAULT_MODE: ClassVar[str] = "start"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "start": _start_screen,
        "register": _register_screen,
        "board": _board_screen,
        "contacts": _contacts_screen,
        "sync": _sync_screen,
    }
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
        Binding("f10", "users", "Users & privacy", id="trust.users", show=False),
        Binding("ctrl+l", "lock", "Lock", id="trust.lock", show=False, priority=True),
        Binding("ctrl+p", "command_palette", "Commands", id="app.palette", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
    ]

    def __init__(self, ctx: AppContext, *,
                 step_up: StepUp | None = ask_supervisor_pin) -> None:
        """Build the app on ``ctx``.

        Args:
            ctx: Paths, clock, preferences, session and (once open) the database.
            step_up: How a supervisor confirms a sensitive action (the PIN prompt). With
                ``None`` every action that needs a step-up is refused.
        """
        super().__init__()
        self.ctx = ctx
        """Everything the running app needs; screens reach it through ``frontdesk_app``."""
        self.step_up = step_up
        """The supervisor's confirmation before sensitive actions (``guard_action``)."""
        self.store_failure: Exception | None = None
        """Why the database did not open, while it is not open."""
        self.entered = False
        """True once somebody may use the data (signed in, or no sign-in required)."""
        self.live_screens: list[FrontdeskScreen[Any]] = []
        """Every frontdesk screen mounted now, in any mode (relabelled, reloaded)."""
        self.keys = KeyGate(self, super().on_event)
        """Keys typed ahead wait for the screen they were meant for (frontdesk.typeahead); at a
        real start nothing typed before the sign-in screen is up reaches a data screen."""
        if ctx.auth_required:
            self.keys.hold("sign-in")
        i18n.set_language(ctx.prefs.language or "zh")
        self.theme = ctx.prefs.theme if ctx.prefs.theme in self.available_themes else "textual-dark"

    # -- start-up -------------------------------------------------------------------------
    def on_mount(self) -> None:
        """Paint first, then open the store in a worker."""
        self._update_title()
        if self.ctx.is_open:
            self.call_after_refresh(self.post_message, StoreOpened())
        else:
            # After the first paint: a worker importing the storage layer would hold the GIL
            # while the frame is being composed (bench/bench_startup.py).
            self.call_after_refresh(self.open_store)

    def open_store(self) -> None:
        """Open the database (again) in a worker; the start screen says how it went."""
        if not self.ctx.is_open:
            self._open_store()

    @db_worker(group="store", exclusive=True)
    def _open_store(self) -> None:
        """Import the storage layer and open the database off the UI thread."""
        try:
            self.ctx.open()
        except Exception as exc:  # noqa: BLE001 - shown on the start screen, never swallowed
            # An open that failed after connecting leaves nothing half-open behind: the next
            # try starts from the beginning.
            self.ctx.close()
            self.post_message(StoreOpenFailed(exc))
        else:
            self.post_message(StoreOpened())

    def on_store_open_failed(self, message: StoreOpenFailed) -> None:
        """Show what is wrong and what to do (retried by itself when it is a lock)."""
        from frontdesk.screens.start import StartScreen
        from frontdesk.services.failures import classify

        self.store_failure = message.error
        self.keys.release("sign-in")  # keys typed meanwhile go to the start screen
        log.warning("database did not open: %s", one_line(str(message.error), 300))
        if isinstance(self.screen, StartScreen):
            self.screen.failed(classify(message.error))

    def on_store_opened(self, _message: StoreOpened) -> None:
        """The store is open: build the board (it watches the clocks), then sign-in or enter."""
        self.store_failure = None
        self._update_title()
        self._build_board()
        # What another terminal, the command line or a sync import wrote shows within 2 s:
        # one pragma a second on a dedicated connection, a reload only when the file changed.
        self.set_interval(1.0, self._watch_store)
        self._watch_store()  # the baseline: what is there now is what the screens load
        from frontdesk.screens.trust.signin import require_sign_in

        if self.ctx.auth_required:
            require_sign_in(self)
        else:
            self.enter()
        # Keys typed before now go to the sign-in screen just pushed (once it is up), or to the
        # register when nobody needs to sign in.
        self.keys.release("sign-in")

    def _build_board(self) -> None:
        """Make the board's screen without showing it: its clocks ring from now on."""
        current = self.current_mode
        with self.batch_update():
            self.switch_mode("board")
            self.switch_mode(current)

    def enter(self) -> None:
        """Somebody may use the data now: show the register (once; later sign-ins return)."""
        if self.entered:
            return
        self.entered = True
        self._update_title()
        self.switch_mode("register")
        self.remove_mode("start")
        self.refresh_bindings()
        from frontdesk.screens.scripts.view import preload_scripts
        from frontdesk.screens.site_files import check_site_files
        from frontdesk.screens.trust.signin import announce_start_warnings

        preload_scripts(self)
        check_site_files(self)
        # What the start-up checks found waited until nobody was typing a PIN under them.
        announce_start_warnings(self)

    def _watch_store(self) -> None:
        """Post DataChanged when the database changed through another connection."""
        from frontdesk.services.store_watch import StoreWatch

        if self.ctx.service("store_watch", StoreWatch).changed():
            self.post_message(DataChanged("elsewhere"))

    # -- screens --------------------------------------------------------------------------
    def screen_mounted(self, screen: FrontdeskScreen[Any]) -> None:
        """``screen`` is up (in any mode): it follows language switches and saves."""
        if screen not in self.live_screens:
            self.live_screens.append(screen)

    def screen_unmounted(self, screen: FrontdeskScreen[Any]) -> None:
        """``screen`` is gone."""
        if screen in self.live_screens:
            self.live_screens.remove(screen)

    def on_data_changed(self, _message: DataChanged) -> None:
        """Something was saved: every list, in every mode, reloads."""
        for screen in list(self.live_screens):
            screen.post_message(ReloadData())

    def _update_title(self) -> None:
        site = self.ctx.site
        name = term_safe(site.name) if site and site.name else ""
        self.title = f"{t('app.title')} · {name}" if name else t("app.title")
        sess = self.ctx.session
        role = t(f"app.role.{sess.role}")
        self.sub_title = f"{term_safe(sess.user)} ({role})" if sess.user else ""

    def signed_in(self) -> None:
        """Sign-in (or first-start setup) is done: greet, and show the data."""
        self.ctx.session.locked = False
        self._update_title()
        self.refresh_bindings()
        session = self.ctx.session
        self.notify(t("trust.welcome", name=session.user), markup=False)
        if session.failed_before:
            # Wrong PINs typed for this name by someone else show up here (and in the audit trail).
            self.notify(t("trust.failed_before", n=session.failed_before), severity="warning",
                        timeout=20, markup=False)
            session.failed_before = 0
        self.enter()

    # -- failures -------------------------------------------------------------------------
    def on_work_failed(self, message: WorkFailed) -> None:
        """Every failed worker ends here (``frontdesk.workers``)."""
        self.show_failure(message.error, message.what)

    def show_failure(self, error: BaseException, what: str = "") -> None:
        """Say what happened and what to do, in the current language; the app goes on."""
        from frontdesk.services.failures import classify, describe

        failure = classify(error)
        if failure.expected:
            log.warning("%s failed: %s", what or "work", failure.detail)
        else:
            log.error("%s failed", what or "work", exc_info=error)
        head, todo = describe(failure, self.ctx.paths.backups_dir)
        self.notify(f"{head} {todo}\n({failure.detail})", title=t("fail.title"),
                    severity="error", timeout=20, markup=False)

    async def run_action(self, action: str | ActionParseResult,
                         default_namespace: DOMNode | None = None,
                         namespaces: Mapping[str, DOMNode] | None = None) -> bool:
        """Run a key's, a click's or the palette's action; a failure is shown, not fatal."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as exc:  # noqa: BLE001 - every failure goes to the one handler
            self.show_failure(exc, str(action))
            return True

    # -- trust keys -------------------------------------------------------------------------
    def action_lock(self) -> None:
        """Ctrl+L: lock now (the name stays; the PIN opens again)."""
        from frontdesk.screens.trust.signin import lock_now

        if self.ctx.auth_required and self.ctx.session.user:
            lock_now(self)

    def action_users(self) -> None:
        """F10: users & privacy (supervisor, step-up)."""
        from frontdesk.screens.trust.signin import open_users

        open_users(self)

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
        from frontdesk.screens.scripts.picker import ScriptPickerScreen

        if isinstance(self.screen, ScriptPickerScreen):
            self.screen.dismiss()  # F7 from the picker: the manager instead of it
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
        for screen in dict.fromkeys([*self.live_screens, *self.screen_stack]):
            if isinstance(screen, (FrontdeskScreen, FrontdeskModal)):
                screen.relabel()  # the main screens in every mode, and the dialogs shown now
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
        """Ctrl+Q: quit, asking first when a form holds typed text (frontdesk.screens.discard);
        non-zero when the database never opened (a script or service sees it)."""
        from frontdesk.screens.discard import confirm_quit

        # the dialogs on top and every main screen, in any mode (a form left on another mode)
        confirm_quit(self, list(dict.fromkeys([*self.screen_stack, *self.live_screens])),
                     EXIT_STORE_FAILED if self.store_failure is not None else 0)

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
        """Before anybody is in, and while the lock screen is up, no app key reaches the data.

        The key of the screen one is on (F2 on the register, F3 on the board) is left out of
        the footer: at 80 columns its place shows a key that goes somewhere.
        """
        if action == "switch_mode" and parameters and parameters[0] == self.current_mode:
            return False
        if action == "lock" and not self.ctx.auth_required:
            return False  # nobody signs in, so nothing to lock
        if not self.entered or self.ctx.session.locked:
            return action in ALWAYS_ALLOWED
        return True
