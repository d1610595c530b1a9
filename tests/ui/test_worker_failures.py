"""A worker's error never closes the app.

Every thread worker of frontdesk (found by reading the code: ``@db_worker`` and
``run_in_thread``) is listed in :data:`COVERED` with the session below that breaks it. Each
session starts the app once and, for each worker, makes the service call the worker makes
raise each kind of trouble in turn (locked, disk full, read-only, damaged, a storage error, a
full disk seen by the OS, a plain bug), alternating the UI language. After each: the app is
still running, the message names the trouble in the current language, and whatever was typed
is still there. Handlers that call a service on the UI thread (the incident dialogs, the
contact form, the history) are broken the same way.
"""
from __future__ import annotations

import ast
import errno
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from frontdesk import i18n
from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.i18n import t
from frontdesk.storage.db import StorageError
from tests.conftest import TERMINAL
from tests.ui.helpers import seed, settle

ROOT = Path(__file__).resolve().parents[2] / "frontdesk"

KINDS: list[tuple[str, Callable[[], Exception]]] = [
    ("locked", lambda: sqlite3.OperationalError("database is locked")),
    ("disk_full", lambda: sqlite3.OperationalError("database or disk is full")),
    ("read_only", lambda: sqlite3.OperationalError("attempt to write a readonly database")),
    ("corrupt", lambda: sqlite3.DatabaseError("database disk image is malformed")),
    ("storage", lambda: StorageError("frontdesk.db: the database reported a problem")),
    ("disk_full", lambda: OSError(errno.ENOSPC, "No space left on device")),
    ("other", lambda: RuntimeError("a bug")),
]

# Every thread worker, and the session that breaks it.
COVERED: dict[str, str] = {
    "frontdesk.app:FrontdeskApp._open_store": "tests/ui/test_start_screen.py",
    "frontdesk.screens.register.register:RegisterScreen._load": "register",
    "frontdesk.screens.register.register:RegisterScreen._sign_out": "register",
    "frontdesk.screens.register.visit_form:VisitFormScreen._suggest": "register",
    "frontdesk.screens.register.visit_form:VisitFormScreen._save": "register",
    "frontdesk.screens.incidents.board:DutyBoardScreen._load": "incidents",
    "frontdesk.screens.incidents.board:DutyBoardScreen._load_escalation": "incidents",
    "frontdesk.screens.incidents.detail:IncidentScreen._load": "incidents",
    "frontdesk.screens.incidents.closed:ClosedIncidentsScreen._query": "incidents",
    "frontdesk.screens.incidents.handover:HandoverScreen._check": "incidents",
    "frontdesk.screens.site_files:check_site_files": "trust",
    "frontdesk.widgets.escalation_panel:EscalationPanel._load": "escalation",
    "frontdesk.screens.escalation.escalation_screen:EscalationScreen._log_call": "escalation",
    "frontdesk.screens.escalation.escalation_screen:EscalationScreen._skip": "escalation",
    "frontdesk.screens.escalation.escalation_screen:EscalationScreen._replan": "escalation",
    "frontdesk.screens.escalation.contacts:ContactsScreen._load": "contacts",
    "frontdesk.screens.scripts.view:ScriptViewScreen._store": "scripts",
    "frontdesk.screens.scripts.view:preload_scripts": "scripts",
    "frontdesk.screens.scripts.editor:_EditorBase._save": "scripts",
    "frontdesk.screens.sync.files:SyncScreen._count_conflicts": "files",
    "frontdesk.screens.sync.files:SyncScreen._run_export": "files",
    "frontdesk.screens.sync.files:SyncScreen._run_bundle": "files",
    "frontdesk.screens.sync.files:SyncScreen._run_preview": "files",
    "frontdesk.screens.sync.files:SyncScreen._run_import": "files",
    "frontdesk.screens.sync.files:SyncScreen._run_import_many": "files",
    "frontdesk.screens.sync.conflicts:ConflictsScreen._load": "files",
    "frontdesk.screens.sync.conflicts:ConflictsScreen._resolve": "files",
    "frontdesk.screens.trust.setup_supervisor:SetupSupervisorScreen._create": "first_start",
    "frontdesk.screens.trust.sign_in_form:SignInScreen._check": "trust",
    "frontdesk.screens.trust.sign_in_form:SignInScreen._load_people": "trust",
    "frontdesk.screens.register.history:HistoryScreen._load": "register",
    "frontdesk.screens.register.history:HistoryScreen._strike": "register",
    "frontdesk.screens.register.register:RegisterScreen._write_slip": "register",
    "frontdesk.screens.register.visit_form:VisitFormScreen._check_on_site": "register",
    "frontdesk.screens.scripts.view:ScriptViewScreen._load_incident": "scripts",
    "frontdesk.screens.scripts.view:ScriptViewScreen._strike": "scripts",
    "frontdesk.screens.trust.signin:_backup": "trust",
    "frontdesk.screens.trust.signin:_purge": "trust",
    "frontdesk.screens.trust.pin_prompt:PinPromptScreen._check": "trust",
    "frontdesk.screens.trust.users:UsersScreen._run": "trust",
    "frontdesk.screens.trust.erase_person:ErasePersonScreen._erase": "trust",
}


def thread_workers() -> Iterator[str]:
    """``module:qualname`` of every function that is a thread worker or starts one."""
    for path in sorted(ROOT.rglob("*.py")):
        if path.name == "workers.py" and path.parent == ROOT:
            continue
        module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for owner, fn in _functions(tree):
            qual = f"{owner}.{fn.name}" if owner else fn.name
            decorated = any(isinstance(d, ast.Call) and isinstance(d.func, ast.Name)
                            and d.func.id in ("db_worker", "work") for d in fn.decorator_list)
            starts = any(isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute))
                         and (getattr(n.func, "id", None) or getattr(n.func, "attr", None))
                         in ("run_in_thread", "run_worker") for n in ast.walk(fn))
            if decorated or starts:
                yield f"{module}:{qual}"


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield "", node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    yield node.name, item


def test_every_thread_worker_is_broken_by_a_test() -> None:
    """A new worker without a failure test fails here (add it to COVERED and a session)."""
    assert set(thread_workers()) == set(COVERED)


def test_every_worker_goes_through_the_one_failure_handler() -> None:
    """No ``@work``/``run_worker`` outside ``frontdesk/workers.py``: a bare one would close the
    app on its first error."""
    bare = []
    for path in ROOT.rglob("*.py"):
        if path == ROOT / "workers.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ("work", "run_worker"):
                    bare.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bare == []


class Breaker:
    """Breaks one call at a time, with each kind of trouble, and checks what the guard sees."""

    def __init__(self, pilot: Pilot[Any], session: str) -> None:
        self.pilot = pilot
        self.session = session
        self.done: set[str] = set()

    @property
    def app(self) -> FrontdeskApp:
        """The app under test."""
        app = self.pilot.app
        assert isinstance(app, FrontdeskApp)
        return app

    async def check(self, covers: str, owner: Any, name: str,
                    trigger: Callable[[], Awaitable[object] | object],
                    kept: Callable[[], object] | None = None,
                    kinds: list[tuple[str, Callable[[], Exception]]] = KINDS) -> None:
        """Make ``owner.name`` raise each kind; ``trigger`` the work; check app, words, typing."""
        app = self.app
        for index, (kind, make) in enumerate(kinds):
            lang = "en" if index % 2 else "zh"
            if i18n.language() != lang:
                app.set_language(lang)
                await settle(self.pilot)
            before = kept() if kept is not None else None
            known = {id(n) for n in app._notifications}

            def broken(*_args: Any, _make: Callable[[], Exception] = make,
                       **_kwargs: Any) -> Any:
                raise _make()

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(owner, name, broken)
                result = trigger()
                if isinstance(result, Awaitable):
                    await result
                await settle(self.pilot)
            assert app.is_running, (covers, kind)
            said = [n.message for n in app._notifications
                    if id(n) not in known and n.severity == "error"]
            todo = t(f"fail.{kind}.todo", backups=str(app.ctx.paths.backups_dir))
            assert any(t(f"fail.{kind}") in m and todo in m for m in said), \
                (covers, kind, lang, said)
            if kept is not None:
                assert kept() == before, (covers, kind)
        if covers:
            self.done.add(covers)

    async def quiet(self, covers: str, owner: Any, name: str,
                    trigger: Callable[[], Awaitable[object] | object],
                    kept: Callable[[], object]) -> None:
        """A hint looked up per keystroke (suggestions, who is on site) that fails: no message
        each key, the app goes on, and what was typed stays."""
        app = self.app
        for kind, make in KINDS:
            before = kept()
            known = {id(n) for n in app._notifications}

            def broken(*_args: Any, _make: Callable[[], Exception] = make,
                       **_kwargs: Any) -> Any:
                raise _make()

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(owner, name, broken)
                result = trigger()
                if isinstance(result, Awaitable):
                    await result
                await settle(self.pilot)
            assert app.is_running, (covers, kind)
            assert not [n for n in app._notifications
                        if id(n) not in known and n.severity == "error"], (covers, kind)
            assert kept() == before, (covers, kind)
        self.done.add(covers)

    def finish(self) -> None:
        """Every worker this session claims was broken."""
        assert self.done >= {k for k, v in COVERED.items() if v == self.session}


def values(app: FrontdeskApp) -> dict[str, str]:
    """What is typed in the fields of the screen on top."""
    return {str(i.id): i.value for i in app.screen.query(Input)}


async def started(pilot: Pilot[Any]) -> None:
    """Wait for the start-up loads."""
    await settle(pilot)


async def test_register_workers(ctx: AppContext, clock: FrozenClock) -> None:
    """Load and search, sign out, history, the entry form's look-up and save (new and edit)."""
    from frontdesk.screens.register.history import HistoryScreen
    from frontdesk.screens.register.register import RegisterScreen
    from frontdesk.screens.register.visit_form import VisitFormScreen
    from frontdesk.services.register import RegisterService
    from frontdesk.services.scripts import ScriptService
    from frontdesk.services.slip import SlipService

    seed(ctx, clock)
    ctx.session.user = "王保安"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await started(pilot)
        b = Breaker(pilot, "register")
        register = app.screen
        assert isinstance(register, RegisterScreen)
        search = register.query_one("#reg-search", Input)
        typed = iter(range(100))
        await b.check("frontdesk.screens.register.register:RegisterScreen._load",
                      RegisterService, "search",
                      lambda: setattr(search, "value", f"张{next(typed)}"))
        search.value = ""
        await settle(pilot)
        await b.check("frontdesk.screens.register.register:RegisterScreen._load",
                      RegisterService, "today", lambda: pilot.press("ctrl+t"))
        register.query_one("#reg-table").focus()
        await b.check("frontdesk.screens.register.register:RegisterScreen._sign_out",
                      RegisterService, "sign_out", lambda: pilot.press("ctrl+o"))

        async def history() -> None:
            await pilot.press("ctrl+r")
            await settle(pilot)
            await pilot.press("escape")

        await b.check("frontdesk.screens.register.history:HistoryScreen._load",
                      RegisterService, "history", history)
        await pilot.press("ctrl+r")
        await settle(pilot)
        shown = app.screen
        assert isinstance(shown, HistoryScreen)
        await b.check("frontdesk.screens.register.history:HistoryScreen._strike",
                      ScriptService, "strike", lambda: shown._strike("no-such-reading", "王保安",
                                                                       False))
        await pilot.press("escape")
        await settle(pilot)
        register.query_one("#reg-table").focus()
        await b.check("frontdesk.screens.register.register:RegisterScreen._write_slip",
                      SlipService, "write", lambda: pilot.press("ctrl+b"))
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        form.query_one("#f-name", Input).value = "王五"
        form.query_one("#f-phone", Input).value = "13912345678"
        await settle(pilot)
        await b.check("frontdesk.screens.register.visit_form:VisitFormScreen._save",
                      RegisterService, "add", lambda: pilot.press("ctrl+s"),
                      kept=lambda: (app.screen is form, values(app)))
        await b.quiet("frontdesk.screens.register.visit_form:VisitFormScreen._suggest",
                      RegisterService, "suggestions",
                      lambda: setattr(form.query_one("#f-name", Input), "value",
                                      f"王{next(typed)}"),
                      kept=lambda: (app.screen is form, form.query_one("#f-phone", Input).value))
        await b.quiet("frontdesk.screens.register.visit_form:VisitFormScreen._check_on_site",
                      RegisterService, "on_site_matching",
                      lambda: setattr(form.query_one("#f-name", Input), "value",
                                      f"王{next(typed)}"),
                      kept=lambda: (app.screen is form, form.query_one("#f-phone", Input).value))
        await pilot.press("ctrl+s")  # nothing broken now: it saves
        await settle(pilot)
        assert app.screen is register
        assert any(v.name.startswith("王") for v in ctx.register.today())
        register.query_one("#reg-table").focus()
        await pilot.press("ctrl+e")
        await settle(pilot)
        edit = app.screen
        assert isinstance(edit, VisitFormScreen) and edit.visit is not None
        edit.query_one("#f-notes", Input).value = "改过的备注"
        await b.check("frontdesk.screens.register.visit_form:VisitFormScreen._save",
                      RegisterService, "update", lambda: pilot.press("ctrl+s"),
                      kept=lambda: (app.screen is edit, values(app)))
        b.finish()


async def test_incident_workers_and_dialogs(ctx: AppContext, clock: FrozenClock) -> None:
    """The board's loads, a new incident, the detail, a note, closing, the report, handover."""
    from frontdesk.screens.incidents.board import DutyBoardScreen
    from frontdesk.screens.incidents.closed import ClosedIncidentsScreen
    from frontdesk.screens.incidents.detail import IncidentScreen
    from frontdesk.screens.incidents.handover import HandoverScreen
    from frontdesk.screens.incidents.new import NewIncidentScreen
    from frontdesk.screens.incidents.prompt import PromptScreen
    from frontdesk.screens.incidents.report import ReportScreen
    from frontdesk.services.escalation.service import EscalationService
    from frontdesk.services.incidents.service import IncidentService

    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    ctx.service("incidents", IncidentService).open("theft", "general", place="5栋",
                                                   summary="电动车被盗", by="王保安")
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await started(pilot)
        b = Breaker(pilot, "incidents")
        await pilot.press("f3")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, DutyBoardScreen) and board.rows
        await b.check("frontdesk.screens.incidents.board:DutyBoardScreen._load",
                      IncidentService, "board_items", board.reload)
        await settle(pilot)
        await b.check("frontdesk.screens.incidents.board:DutyBoardScreen._load_escalation",
                      EscalationService, "summary", board._refresh_escalation)
        await pilot.press("n")
        await settle(pilot)
        new = app.screen
        assert isinstance(new, NewIncidentScreen)
        new.query_one("#newinc-summary", Input).value = "配电房跳闸"
        await b.check("", IncidentService, "open", lambda: pilot.press("ctrl+s"),
                      kept=lambda: (app.screen is new, values(app)))
        await pilot.press("escape")
        await settle(pilot)
        board.query_one("#board-list").focus()
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, IncidentScreen)
        await b.check("frontdesk.screens.incidents.detail:IncidentScreen._load",
                      IncidentService, "get", detail.reload)
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one("#prompt-text", Input).value = "保安到场，车主已报警"
        await b.check("", IncidentService, "add_note",
                      lambda: prompt.query_one("#prompt-text", Input).action_submit(),
                      kept=lambda: (app.screen is prompt, values(app)))
        await prompt.query_one("#prompt-text", Input).action_submit()
        await settle(pilot)
        assert app.screen is detail  # saved once nothing was broken
        await b.check("", IncidentService, "set_state", lambda: pilot.press("x"))
        await pilot.press("r")
        await settle(pilot)
        report = app.screen
        assert isinstance(report, ReportScreen)
        report.query_one("#rep-place", Input).value = "5栋车棚"
        await b.check("", IncidentService, "save_report", lambda: pilot.press("ctrl+s"),
                      kept=lambda: (app.screen is report, values(app)))
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is board
        await pilot.press("h")
        await settle(pilot)
        handover = app.screen
        assert isinstance(handover, HandoverScreen)
        handover.query_one("#ho-who", Input).value = "李队长"
        await b.check("frontdesk.screens.incidents.handover:HandoverScreen._check",
                      IncidentService, "accept_handover", lambda: pilot.click("#ho-accept"),
                      kept=lambda: (app.screen is handover, handover.sheet,
                                    values(app).get("ho-who")))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is board
        await pilot.press("c")
        await settle(pilot)
        closed = app.screen
        assert isinstance(closed, ClosedIncidentsScreen)
        await b.check("frontdesk.screens.incidents.closed:ClosedIncidentsScreen._query",
                      IncidentService, "closed", closed.reload,
                      kept=lambda: (app.screen is closed, values(app)))
        b.finish()


async def test_escalation_workers(ctx: AppContext, clock: FrozenClock) -> None:
    """The panel's load; a call logged, a step skipped, a re-plan (saved by its screen)."""
    from frontdesk.screens.escalation.escalation_screen import EscalationScreen
    from frontdesk.services.escalation.service import EscalationService
    from frontdesk.widgets.escalation_panel import EscalationPanel
    from tests.ui.test_escalation_ui import mid_escalation

    incident = mid_escalation(ctx, clock)
    ctx.session.user = "王保安"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await started(pilot)
        b = Breaker(pilot, "escalation")
        app.push_screen(EscalationScreen(incident))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EscalationScreen)
        panel = screen.query_one(EscalationPanel)
        await b.check("frontdesk.widgets.escalation_panel:EscalationPanel._load",
                      EscalationService, "load", panel.reload)
        await settle(pilot)
        panel.focus()
        await b.check("frontdesk.screens.escalation.escalation_screen:EscalationScreen._log_call",
                      EscalationService, "log_call", lambda: pilot.press("n"))
        slot = panel.current_slot()
        assert slot is not None
        await b.check("frontdesk.screens.escalation.escalation_screen:EscalationScreen._skip",
                      EscalationService, "skip",
                      lambda: screen._skip(EscalationPanel.StepSkipped(panel, slot, "出差")))
        await b.check("frontdesk.screens.escalation.escalation_screen:EscalationScreen._replan",
                      EscalationService, "replan", lambda: screen._replan(panel))
        b.finish()


async def test_contacts_workers_and_dialogs(ctx: AppContext, tmp_path: Path) -> None:
    """The contact list's load; the contact form's save and the CSV import keep what was typed."""
    from frontdesk.screens.escalation.contact_form import ContactFormScreen
    from frontdesk.screens.escalation.contact_import import ContactImportScreen
    from frontdesk.screens.escalation.contacts import ContactsScreen
    from frontdesk.services.escalation.contacts import ContactService

    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    csv = tmp_path / "contacts.csv"
    csv.write_text("name,role,phone\n陈主管,security_supervisor,13800138001\n", encoding="utf-8")
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await started(pilot)
        b = Breaker(pilot, "contacts")
        await pilot.press("f6")
        await settle(pilot)
        contacts = app.screen
        assert isinstance(contacts, ContactsScreen)
        await b.check("frontdesk.screens.escalation.contacts:ContactsScreen._load",
                      ContactService, "all", contacts.reload)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ContactFormScreen)
        form.query_one("#con-f-name", Input).value = "马工"
        form.query_one("#con-f-phone", Input).value = "139 1234 5678"
        await b.check("", ContactService, "save", lambda: pilot.press("ctrl+s"),
                      kept=lambda: (app.screen is form, values(app)))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await settle(pilot)
        importer = app.screen
        assert isinstance(importer, ContactImportScreen)
        importer.query_one(Input).value = str(csv)
        await b.check("", ContactService, "preview_csv",
                      lambda: importer.query_one(Input).action_submit(),
                      kept=lambda: (app.screen is importer, values(app)))
        await importer.query_one(Input).action_submit()
        await settle(pilot)
        await b.check("", ContactService, "import_csv", lambda: pilot.press("ctrl+s"),
                      kept=lambda: (app.screen is importer, values(app)))
        b.finish()


async def test_scripts_workers(ctx: AppContext) -> None:
    """A reading recorded, the book loaded at start, a supervisor's edit saved."""
    from frontdesk.screens.scripts import editor, view
    from frontdesk.screens.scripts.editor import ScriptEditScreen
    from frontdesk.services.incidents.service import IncidentService
    from frontdesk.services.scripts import ScriptService

    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(100, 40)) as pilot:
        await started(pilot)
        b = Breaker(pilot, "scripts")

        async def read_one() -> None:
            await pilot.press("alt+1")
            await settle(pilot)
            card = app.screen
            assert isinstance(card, view.ScriptViewScreen)
            card._record()  # as when the card has been up long enough to count as read
            await settle(pilot)
            await pilot.press("escape")

        await b.check("frontdesk.screens.scripts.view:ScriptViewScreen._store",
                      ScriptService, "record_use", read_one)
        await pilot.press("alt+1")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, view.ScriptViewScreen)
        await b.check("frontdesk.screens.scripts.view:ScriptViewScreen._strike",
                      ScriptService, "strike", lambda: card._strike("no-such-reading",
                                                                    "陈主管", True))
        await b.check("frontdesk.screens.scripts.view:ScriptViewScreen._load_incident",
                      IncidentService, "get", lambda: card._load_incident("no-such-incident"))
        await pilot.press("escape")
        await settle(pilot)
        await b.check("frontdesk.screens.scripts.view:preload_scripts",
                      view, "scripts", lambda: view.preload_scripts(app))
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        edit = app.screen
        assert isinstance(edit, ScriptEditScreen)
        # The editor names a file it cannot write in its own error lines; the rest goes to
        # the app's handler.
        await b.check("frontdesk.screens.scripts.editor:_EditorBase._save",
                      editor, "save_site_overrides", lambda: pilot.press("ctrl+s"),
                      kept=lambda: (app.screen is edit, values(app)),
                      kinds=[k for k in KINDS if not isinstance(k[1](), OSError)])
        b.finish()


async def test_files_workers(ctx: AppContext, tmp_path: Path) -> None:
    """Conflicts counted, listed and resolved; the register exported; bundles out and in."""
    from frontdesk.screens.sync.conflicts import ConflictsScreen
    from frontdesk.screens.sync.files import SyncScreen
    from frontdesk.services.export import ExportService
    from frontdesk.services.sync import SyncService

    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    bundle = tmp_path / "in.fdb"
    bundle.write_bytes(b"PK")
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await started(pilot)
        b = Breaker(pilot, "files")
        await pilot.press("f8")
        await settle(pilot)
        files = app.screen
        assert isinstance(files, SyncScreen)
        kept = lambda: (app.screen is files, values(app))  # noqa: E731
        await b.check("frontdesk.screens.sync.files:SyncScreen._count_conflicts",
                      SyncService, "conflict_count", files._count_conflicts, kept=kept)
        await b.check("frontdesk.screens.sync.files:SyncScreen._run_export",
                      ExportService, "write",
                      lambda: files._run_export("2026-11-22", "csv", str(tmp_path / "r.csv")),
                      kept=kept)
        await b.check("frontdesk.screens.sync.files:SyncScreen._run_bundle",
                      SyncService, "export_bundle",
                      lambda: files._run_bundle(str(tmp_path / "out.fdb")), kept=kept)
        await b.check("frontdesk.screens.sync.files:SyncScreen._run_preview",
                      SyncService, "preview", lambda: files._run_preview(str(bundle)),
                      kept=kept)
        await b.check("frontdesk.screens.sync.files:SyncScreen._run_import",
                      SyncService, "import_bundle", lambda: files._run_import(str(bundle)),
                      kept=kept)
        await b.check("frontdesk.screens.sync.files:SyncScreen._run_import_many",
                      SyncService, "import_bundle",
                      lambda: files._run_import_many([(bundle, object(), None)]), kept=kept)
        app.push_screen(ConflictsScreen())
        await settle(pilot)
        conflicts = app.screen
        assert isinstance(conflicts, ConflictsScreen)
        await b.check("frontdesk.screens.sync.conflicts:ConflictsScreen._load",
                      SyncService, "conflicts", conflicts._load)
        await b.check("frontdesk.screens.sync.conflicts:ConflictsScreen._resolve",
                      SyncService, "resolve",
                      lambda: conflicts._resolve("visit", "v1", "version1"))
        b.finish()


async def test_first_start_worker(closed_ctx: AppContext) -> None:
    """The first supervisor's setup: a failed save keeps every field as typed."""
    from frontdesk.screens.trust.setup_supervisor import SetupSupervisorScreen
    from frontdesk.services.trust.auth import AuthService

    closed_ctx.auth_required = True
    app = FrontdeskApp(closed_ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await started(pilot)
        b = Breaker(pilot, "first_start")
        setup = app.screen
        assert isinstance(setup, SetupSupervisorScreen)
        for key, value in (("name", "陈主管"), ("pin", "582913"), ("pin2", "582913"),
                           ("site", "阳光花园")):
            setup.query_one(f"#setup-{key}", Input).value = value
        await b.check("frontdesk.screens.trust.setup_supervisor:SetupSupervisorScreen._create",
                      AuthService, "create_first_supervisor",
                      lambda: setup.query_one("#setup-tz", Input).action_submit(),
                      kept=lambda: (app.screen is setup, values(app)))
        b.finish()


async def test_trust_workers(ctx: AppContext, clock: FrozenClock) -> None:
    """Sign-in, the PIN asked again, users, erasure, and the backup and purge jobs."""
    from frontdesk.screens.site_files import check_site_files
    from frontdesk.screens.trust import signin
    from frontdesk.screens.trust.erase_person import ErasePersonScreen
    from frontdesk.services import site_files
    from frontdesk.screens.trust.pin_prompt import PinPromptScreen
    from frontdesk.screens.trust.sign_in_form import SignInScreen
    from frontdesk.screens.trust.users import UsersScreen
    from frontdesk.services.trust import backup
    from frontdesk.services.trust.auth import AuthService, auth_service
    from frontdesk.services.trust.retention import RetentionService

    assert auth_service(ctx).create_first_supervisor("陈主管", "582913", "阳光花园",
                                                     "Asia/Shanghai") is None
    ctx.session.user = ""
    ctx.auth_required = True
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await started(pilot)
        b = Breaker(pilot, "trust")
        sign_in = app.screen
        assert isinstance(sign_in, SignInScreen)
        sign_in.query_one("#signin-name", Input).value = "陈主管"
        sign_in.query_one("#signin-pin", Input).value = "582913"
        await b.check("frontdesk.screens.trust.sign_in_form:SignInScreen._load_people",
                      AuthService, "people", sign_in._load_people,
                      kept=lambda: (app.screen is sign_in, values(app)))
        await b.check("frontdesk.screens.trust.sign_in_form:SignInScreen._check", AuthService,
                      "sign_in", lambda: sign_in.query_one("#signin-pin", Input).action_submit(),
                      kept=lambda: (app.screen is sign_in, values(app)))
        await sign_in.query_one("#signin-pin", Input).action_submit()
        await settle(pilot)
        assert app.entered and ctx.session.user == "陈主管"
        clock.advance(timedelta(minutes=10))  # the sign-in's PIN no longer covers a step-up
        app.push_screen(PinPromptScreen("manage_users"))
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PinPromptScreen)
        prompt.query_one("#pin-input", Input).value = "582913"
        await b.check("frontdesk.screens.trust.pin_prompt:PinPromptScreen._check", AuthService,
                      "step_up", lambda: prompt.query_one("#pin-input", Input).action_submit(),
                      kept=lambda: (app.screen is prompt, values(app)))
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(UsersScreen())
        await settle(pilot)
        users = app.screen
        assert isinstance(users, UsersScreen)
        users.query_one("#users-name", Input).value = "王保安"
        users.query_one("#users-pin", Input).value = "739184"
        await b.check("frontdesk.screens.trust.users:UsersScreen._run", AuthService, "add_user",
                      lambda: pilot.click("#users-add"),
                      kept=lambda: (app.screen is users, values(app)))
        app.push_screen(ErasePersonScreen())
        await settle(pilot)
        erase = app.screen
        assert isinstance(erase, ErasePersonScreen)
        erase.query_one("#erase-name", Input).value = "张三"
        await b.check("frontdesk.screens.trust.erase_person:ErasePersonScreen._erase",
                      RetentionService, "erase", erase._erase,
                      kept=lambda: (app.screen is erase, values(app)))
        await b.check("frontdesk.screens.trust.signin:_backup", backup, "backup_now",
                      lambda: signin._backup(app))
        await b.check("frontdesk.screens.trust.signin:_purge", RetentionService, "run_due",
                      lambda: signin._purge(app))
        await b.check("frontdesk.screens.site_files:check_site_files", site_files, "problems",
                      lambda: check_site_files(app))
        b.finish()


@pytest.fixture(autouse=True)
def _language_kept() -> Iterator[None]:
    """Each session leaves the UI language as it found it."""
    before = i18n.language()
    yield
    i18n.set_language(before)
