"""The files screen (F8): the day's register out, sync bundles out and in, and conflicts.

Exporting and importing are supervisor actions (``guard_action``); an import always shows a
preview first (what is new, what changed, what conflicts) and asks before writing. The path to
import may be a folder (the office's inbox from many gates): every ``.fdb`` in it is previewed,
the refused ones are named with their reasons, and the others are imported one by one.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Select, Static

from frontdesk.domain.sitetime import DEFAULT_TZ, local_date
from frontdesk.i18n import t
from frontdesk.messages import DataChanged, Deliver
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.trust.guard import guard_action
from frontdesk.text import ui
from frontdesk.workers import db_worker


def documents_dir() -> Path:
    """The user's Documents folder if it exists, else the home folder."""
    home = Path.home()
    docs = home / "Documents"
    return docs if docs.is_dir() else home


class SyncScreen(FrontdeskScreen[None]):
    """Register export, bundle export, bundle import with preview, and the conflict count."""

    # F4: no text field uses it (Ctrl+K, the old key, erases to the end of a field in
    # Textual's Input, and this screen is mostly fields; tests/ui/test_sync_ui.py checks).
    # Named on the Conflicts button rather than in the footer, which is full at 80 columns.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4", "conflicts", "Conflicts", id="sync.conflicts", show=False),
    ]
    DEFAULT_CSS = """
    SyncScreen #sync-body { padding: 0 1; }
    SyncScreen .sync-heading { text-style: bold; margin-top: 1; }
    SyncScreen .sync-row { height: auto; }
    SyncScreen #sync-date { width: 24; }
    SyncScreen #sync-format { width: 12; }
    SyncScreen .sync-path { width: 1fr; }
    SyncScreen Button { min-width: 11; }
    SyncScreen #sync-preview-box { height: auto; max-height: 6; }
    SyncScreen #sync-preview { height: auto; color: $text-muted; }
    SyncScreen #sync-status { height: auto; }
    SyncScreen #sync-status.-error { color: $error; }
    SyncScreen #sync-status.-ok { color: $success; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._previewed: str | None = None
        self._report: Any = None  # the last preview, shown again in the other language
        self._auto_path = ""  # the export file name proposed (it follows the date until edited)
        self._auto_bundle = ""  # the bundle file name proposed (renewed when written)

    def compose(self) -> ComposeResult:
        """Three rows of inputs and buttons, a preview line and a status line."""
        yield Header()
        with Vertical(id="sync-body"):
            yield Static(id="sync-export-heading", classes="sync-heading")
            with Horizontal(classes="sync-row"):
                yield Input(id="sync-date", compact=True)
                yield Select([("XLSX", "xlsx"), ("CSV", "csv"), ("PDF", "pdf")], value="xlsx",
                             allow_blank=False, id="sync-format", compact=True)
                yield Input(id="sync-export-path", classes="sync-path", compact=True)
                yield Button("", id="sync-export", compact=True)
            yield Static(id="sync-bundle-heading", classes="sync-heading")
            with Horizontal(classes="sync-row"):
                yield Input(id="sync-bundle-path", classes="sync-path", compact=True)
                yield Button("", id="sync-bundle", compact=True)
            with Horizontal(classes="sync-row"):
                yield Input(id="sync-import-path", classes="sync-path", compact=True)
                yield Button("", id="sync-preview-btn", compact=True)
                yield Button("", id="sync-import", compact=True, variant="warning")
            with VerticalScroll(id="sync-preview-box"):
                yield Static(id="sync-preview")
            yield Button("", id="sync-conflicts", compact=True)
            yield Static(id="sync-status")
        yield Footer()

    # -- labels and data -------------------------------------------------------------------
    def relabel(self) -> None:
        """Every label in the current language."""
        self.query_one("#sync-export-heading", Static).update(t("sync.export.heading"))
        self.query_one("#sync-bundle-heading", Static).update(t("sync.bundle.heading"))
        self.query_one("#sync-date", Input).placeholder = t("sync.export.date")
        self.query_one("#sync-export-path", Input).placeholder = t("sync.export.path")
        self.query_one("#sync-bundle-path", Input).placeholder = t("sync.bundle.path")
        self.query_one("#sync-import-path", Input).placeholder = t("sync.import.path")
        self.query_one("#sync-export", Button).label = t("sync.export.go")
        self.query_one("#sync-bundle", Button).label = t("sync.bundle.go")
        self.query_one("#sync-preview-btn", Button).label = t("sync.import.preview")
        self.query_one("#sync-import", Button).label = t("sync.import.go")
        self._show_conflicts(getattr(self, "_n_conflicts", 0))
        for button in self.query(Button):  # a label of another length needs a new width
            button.refresh(layout=True)
        if self._report is not None:
            self._show_preview(self._report)

    def reload(self) -> None:
        """Fill sensible defaults once the store is open; count conflicts."""
        site = self.ctx.site
        today = local_date(self.ctx.clock.now(), site.timezone if site else DEFAULT_TZ)
        date_in = self.query_one("#sync-date", Input)
        if not date_in.value:
            date_in.value = today.isoformat()
        if not self.query_one("#sync-export-path", Input).value:
            self._default_export_path()
        if not self.query_one("#sync-bundle-path", Input).value:
            self._default_bundle_path()
        self._count_conflicts()

    def _default_export_path(self) -> None:
        """Propose ``<Documents>/北门-register-2026-12-02.xlsx`` for the typed day or range
        (``-2``, ``-3``... when taken); a date still being typed leaves the proposal as it is."""
        from frontdesk.services.export import ExportInputError, export_service, parse_days

        if self.ctx.site is None:
            return
        fmt = str(self.query_one("#sync-format", Select).value)
        try:
            first, last = parse_days(self.query_one("#sync-date", Input).value)
        except ExportInputError:
            return
        path = export_service(self.ctx).default_path(fmt, first, last, documents_dir())
        self._auto_path = str(path)
        self.query_one("#sync-export-path", Input).value = self._auto_path

    def _default_bundle_path(self) -> None:
        """Propose ``<Documents>/北门-2026-12-02T1830.fdb`` (now, site time)."""
        from frontdesk.services.sync import sync_service

        if self.ctx.site is None:
            return
        self._auto_bundle = str(sync_service(self.ctx).default_path(documents_dir()))
        self.query_one("#sync-bundle-path", Input).value = self._auto_bundle

    @on(Input.Changed, "#sync-date")
    def _date_changed(self, _event: Input.Changed) -> None:
        """A new day or range: the file name follows while it is still the one we proposed."""
        path_in = self.query_one("#sync-export-path", Input)
        if path_in.value and path_in.value == self._auto_path:
            self._default_export_path()

    def on_select_changed(self, event: Select.Changed) -> None:
        """A new format: change the default file's extension."""
        path_in = self.query_one("#sync-export-path", Input)
        if path_in.value and path_in.value == self._auto_path:
            self._default_export_path()
        elif path_in.value:
            path_in.value = str(Path(path_in.value).with_suffix(f".{event.value}"))

    @db_worker(group="sync-count", exclusive=True)
    def _count_conflicts(self) -> None:
        from frontdesk.services.sync import sync_service

        self.post_message(Deliver(self._show_conflicts, sync_service(self.ctx).conflict_count()))

    def _show_conflicts(self, n: int) -> None:
        self._n_conflicts = n
        button = self.query_one("#sync-conflicts", Button)
        button.label = t("sync.conflicts.button", n=n)
        button.refresh(layout=True)

    def _status(self, text: str, ok: bool) -> None:
        status = self.query_one("#sync-status", Static)
        status.update(ui(text))
        status.set_class(not ok, "-error")
        status.set_class(ok, "-ok")

    # -- actions ---------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Route each button."""
        actions = {
            "sync-export": lambda: guard_action(self.fd_app, "export", self._export),
            "sync-bundle": lambda: guard_action(self.fd_app, "export", self._bundle),
            "sync-preview-btn": self._preview,
            "sync-import": self._ask_import,
            "sync-conflicts": self.action_conflicts,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def action_conflicts(self) -> None:
        """Open the conflicts list."""
        from frontdesk.screens.sync.conflicts import ConflictsScreen

        self.app.push_screen(ConflictsScreen(), lambda _r: self._count_conflicts())

    def _export(self) -> None:
        from frontdesk.services.export import FORMATS

        path_in = self.query_one("#sync-export-path", Input)
        if path_in.value and path_in.value == self._auto_path:
            self._default_export_path()  # a name taken since it was proposed gets its -2
        path = path_in.value
        fmt_select = self.query_one("#sync-format", Select)
        typed = Path(path).suffix.lower().lstrip(".")
        if typed in FORMATS and typed != fmt_select.value:
            fmt_select.value = typed  # a file typed as .csv is written as CSV, not XLSX
        self._run_export(self.query_one("#sync-date", Input).value, typed if typed in FORMATS
                         else str(fmt_select.value), path)

    @db_worker(group="sync-write")
    def _run_export(self, day_text: str, fmt: str, path: str, force: bool = False) -> None:
        from frontdesk.export import ExportError
        from frontdesk.export.target import TargetError
        from frontdesk.services.export import ExportInputError, export_service, parse_days

        try:
            first, last = parse_days(day_text, t("sync.export.date"))
            out = export_service(self.ctx).write(fmt, Path(path).expanduser(), first, last,
                                                 force=force)
        except TargetError as exc:
            if exc.code == "exists":
                self.post_message(Deliver(self._ask_replace, path,
                                          lambda: self._run_export(day_text, fmt, path, True)))
                return
            self.post_message(Deliver(self._status, _failed(exc), False))
            return
        except (ExportInputError, ExportError) as exc:
            self.post_message(Deliver(self._status, t("sync.error", message=str(exc)), False))
            return
        if path == self._auto_path:
            self.post_message(Deliver(self._default_export_path))  # the next one gets -2
        self.post_message(Deliver(self._status, t("sync.export.done", n=out.rows,
                                                  path=str(out.path)), True))

    def _ask_replace(self, path: str, replace: Any) -> None:
        """The file is there already: replace it only if the person says so."""
        from frontdesk.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                replace()
            else:
                self._status(t("sync.replace.kept", path=path), False)

        self.app.push_screen(ConfirmScreen(t("sync.replace.ask", path=path)), answer)

    def _bundle(self) -> None:
        path_in = self.query_one("#sync-bundle-path", Input)
        if path_in.value and path_in.value == self._auto_bundle:
            self._default_bundle_path()  # the time of writing, not of opening the screen
        self._run_bundle(path_in.value)

    @db_worker(group="sync-write")
    def _run_bundle(self, path: str, force: bool = False) -> None:
        from frontdesk.services.sync import SyncError, sync_service

        try:
            res = sync_service(self.ctx).export_bundle(Path(path).expanduser(), force=force)
        except SyncError as exc:
            if exc.code == "exists":
                self.post_message(Deliver(self._ask_replace, path,
                                          lambda: self._run_bundle(path, True)))
                return
            self.post_message(Deliver(self._status, _failed(exc), False))
            return
        self.post_message(Deliver(self._status, t("sync.bundle.done", n=res.versions,
                                                  path=str(res.path)), True))

    def _preview(self) -> None:
        self._previewed = None
        self._run_preview(self.query_one("#sync-import-path", Input).value)

    @db_worker(group="sync-preview", exclusive=True)
    def _run_preview(self, path: str) -> None:
        from frontdesk.services.sync import SyncError, bundles_in, sync_service

        where = Path(path).expanduser()
        if where.is_dir():
            files = bundles_in(where)
            if not files:
                self.post_message(Deliver(self._status, t("sync.folder.empty", path=str(where)),
                                          False))
                return
            outcomes: list[Outcome] = []
            for f in files:
                try:
                    outcomes.append((f, sync_service(self.ctx).preview(f), None))
                except SyncError as exc:
                    outcomes.append((f, None, exc))
            self.post_message(Deliver(self._previewed_ok, path, outcomes))
            return
        try:
            rep = sync_service(self.ctx).preview(where)
        except SyncError as exc:
            self.post_message(Deliver(self._status, _failed(exc), False))
            return
        self.post_message(Deliver(self._previewed_ok, path, rep))

    def _previewed_ok(self, path: str, rep: Any) -> None:
        self._report = rep
        self._show_preview(rep)
        self._previewed = path
        self._status("", True)

    def _show_preview(self, rep: Any) -> None:
        if isinstance(rep, list):  # a folder
            self.query_one("#sync-preview", Static).update(ui("\n".join(_folder_lines(rep))))
            return
        lines = [_summary(rep)]
        site = self.ctx.site
        if rep.for_peer and site is not None and rep.for_peer != site.id:
            lines.append(t("sync.warn.other_peer", peer=rep.for_peer))
        self.query_one("#sync-preview", Static).update(ui("\n".join(lines)))

    def _ask_import(self) -> None:
        path = self.query_one("#sync-import-path", Input).value
        if self._previewed is None or self._previewed != path:
            self._status(t("sync.import.need_preview"), False)
            return
        report = self._report
        if isinstance(report, list) and not any(r is not None for _f, r, _e in report):
            self._status(t("sync.folder.none_ok"), False)
            return

        def confirmed() -> None:
            from frontdesk.screens.confirm import ConfirmScreen

            def answer(yes: bool | None) -> None:
                if yes and isinstance(report, list):
                    self._run_import_many(report)
                elif yes:
                    self._run_import(path)

            if isinstance(report, list):
                ok = [r for _f, r, _e in report if r is not None]
                question = t("sync.folder.confirm", n=len(ok), summary=_folder_summary(ok))
            else:
                question = t("sync.import.confirm", summary=_summary(report))
            self.app.push_screen(ConfirmScreen(question), answer)

        guard_action(self.fd_app, "import_bundle", confirmed)

    @db_worker(group="sync-write")
    def _run_import(self, path: str) -> None:
        from frontdesk.services.sync import SyncError, sync_service

        try:
            rep = sync_service(self.ctx).import_bundle(Path(path).expanduser(),
                                                       by=self.ctx.session.user)
        except SyncError as exc:
            self.post_message(Deliver(self._status, _failed(exc), False))
            return
        self.post_message(Deliver(self._imported, rep))

    @db_worker(group="sync-write")
    def _run_import_many(self, previewed: list[Outcome]) -> None:
        """Import a folder's files that passed the preview, one by one (each in its own
        transaction); those refused at the preview stay named in the result."""
        from frontdesk.services.sync import SyncError, sync_service

        outcomes: list[Outcome] = [o for o in previewed if o[1] is None]
        for f, _r, _e in [o for o in previewed if o[1] is not None]:
            try:
                outcomes.append((f, sync_service(self.ctx).import_bundle(
                    f, by=self.ctx.session.user), None))
            except SyncError as exc:  # changed since the preview: named, the others go on
                outcomes.append((f, None, exc))
        self.post_message(Deliver(self._imported_many, outcomes))

    def _imported_many(self, outcomes: list[Outcome]) -> None:
        self._previewed = None
        self._report = None
        done = [r for _f, r, _e in outcomes if r is not None]
        refused = _refused_lines(outcomes)
        self.query_one("#sync-preview", Static).update(ui("\n".join(refused)))
        self._status(t("sync.folder.done", n=len(done), summary=_folder_summary(done)),
                     not refused)
        self.app.post_message(DataChanged("sync"))

    def _imported(self, rep: Any) -> None:
        self._previewed = None
        self._report = None
        self.query_one("#sync-preview", Static).update("")
        self._status(t("sync.import.done", summary=_summary(rep)), True)  # what was done
        self.app.post_message(DataChanged("sync"))


def _summary(rep: Any) -> str:
    """A merge report (preview or import) in words, in the current language."""
    m = rep.merge
    return t("sync.import.summary", site=f"{rep.source_name} ({rep.source_site})",
             new=m.new_versions, records=len(m.new_records), changed=len(m.changed_records),
             deleted=len(m.deletions), conflicts=len(m.conflicts), known=m.already_known)


Outcome = tuple[Path, Any, Any]  # (file, its report or None, its SyncError or None)


def _folder_summary(reports: list[Any]) -> str:
    """Several previews or imports added up, in words (a version two files both bring is
    counted in each preview; the import counts it once)."""
    ms = [r.merge for r in reports]
    return t("sync.folder.summary", files=len(reports), new=sum(m.new_versions for m in ms),
             records=sum(len(m.new_records) for m in ms),
             changed=sum(len(m.changed_records) for m in ms),
             deleted=sum(len(m.deletions) for m in ms),
             conflicts=sum(len(m.conflicts) for m in ms), known=sum(m.already_known for m in ms))


def _folder_lines(outcomes: list[Outcome]) -> list[str]:
    """The total first, then each refused file with its reason, then each file's summary."""
    ok = [(f, r) for f, r, _e in outcomes if r is not None]
    return [_folder_summary([r for _f, r in ok]), *_refused_lines(outcomes),
            *(f"{f.name}: {_summary(r)}" for f, r in ok)]


def _refused_lines(outcomes: list[Outcome]) -> list[str]:
    return [f"✗ {f.name}: {_reason(e) or e.message}" for f, r, e in outcomes if r is None]


def _reason(exc: Any) -> str | None:
    """A sync error's reason in the current language (None for a code without words)."""
    key = f"sync.err.{exc.code}"
    reason = t(key)
    return None if reason == key else reason


def _failed(exc: Any) -> str:
    """A sync error: the reason in the current language, then the detail (file, line)."""
    reason = _reason(exc)
    if reason is None:
        return t("sync.error", message=exc.message)
    return t("sync.error.coded", reason=reason, message=exc.message)
