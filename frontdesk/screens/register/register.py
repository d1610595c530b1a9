"""The register: today's entries newest first, who is on site, search across all days.

The search box holds the focus: whatever the guard types (letters, pinyin, a phone number's
digits, the last four of an ID) searches at once; ↑/↓ move in the list, Enter opens the entry.
An entry counts as *chosen* (a script read now is recorded against it) only when the guard
picked it: moved onto it or clicked it, just saved it, or searched until it was the only one
left. The row a list happens to start on is nobody's choice.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import get_current_worker

from frontdesk.domain.durations import span
from frontdesk.domain.register.validation import display_phone, mask_id
from frontdesk.domain.register.visits import CredentialType, Visit
from frontdesk.domain.sitetime import DEFAULT_TZ, clock_time, stamp
from frontdesk.i18n import language, t
from frontdesk.messages import DataChanged
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.screens.help import Explained
from frontdesk.screens.register.columns import COLUMNS, KIND_FILTERS, allocate, fit, natural_widths
from frontdesk.text import one_line, ui
from frontdesk.widgets.field import Field
from frontdesk.workers import db_worker

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.domain.site import Site


class RegisterScreen(Explained, FrontdeskScreen[None]):
    """The first screen a guard sees."""

    HELP = "register"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_entry", "New", id="register.new", priority=True),
        Binding("ctrl+o", "sign_out", "Sign out", id="register.sign_out", priority=True),
        # the app's F5, repeated here so that at 80 columns the footer shows it third
        Binding("f5", "app.script_picker", "Scripts", id="register.scripts"),
        Binding("ctrl+e", "edit_entry", "Edit", id="register.edit", priority=True),
        Binding("ctrl+r", "history", "History", id="register.history", priority=True),
        # the app's F1, here so that it shows sixth at 80 columns; the next two fit at 120
        Binding("f1", "app.help", "Help", id="register.help"),
        Binding("ctrl+y", "cycle_kind", "Kind", id="register.kind", priority=True),
        Binding("ctrl+b", "slip", "Slip", id="register.slip", priority=True),
        # in F1 and the palette, not the footer (the filter's state shows above the table)
        Binding("ctrl+t", "toggle_on_site", "On site", id="register.toggle_on_site",
                priority=True, show=False),
        Binding("ctrl+g", "open_incident", "To incident", id="register.open_incident",
                priority=True, show=False),
        Binding("ctrl+f", "focus_search", "Search", id="register.search", show=False),
        Binding("escape", "clear_search", "Clear search", id="register.clear", show=False),
        # the search box keeps the focus; the arrows move in the list (and choose an entry)
        Binding("up", "move(-1)", show=False, priority=True),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("pageup", "move(-10)", show=False, priority=True),
        Binding("pagedown", "move(10)", show=False, priority=True),
    ]

    class Loaded(Message):
        """A list (today's, on site, or a search) and the on-site head count, from the worker."""

        def __init__(self, visits: list[Visit], on_site: int) -> None:
            super().__init__()
            self.visits, self.on_site = visits, on_site

    class SignedOut(Message):
        """The worker signed ``visit`` out."""

        def __init__(self, visit: Visit) -> None:
            super().__init__()
            self.visit = visit

    class SlipWritten(Message):
        """The worker wrote a visitor slip (``path``), or could not (``error``)."""

        def __init__(self, path: str, error: str = "") -> None:
            super().__init__()
            self.path, self.error = path, error

    def __init__(self) -> None:
        super().__init__()
        self.on_site_only = False
        self.kind_filter = 0  # index into KIND_FILTERS
        self.query_text = ""
        self.loaded: list[Visit] = []
        self.visits: list[Visit] = []  # what the table shows (the kind filter applied)
        self.on_site_people = 0
        self._select_next: str | None = None
        self._chosen_id: str | None = None
        self._widths: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        """Search bar, table, detail line, footer."""
        yield Header()
        with Horizontal(id="reg-toolbar"):
            yield Field(id="reg-search", compact=True, select_on_focus=False)
            yield Static(id="reg-filter")
        yield DataTable(id="reg-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="reg-detail")
        yield Footer()

    # -- labels ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        """The search box has the focus: anything typed searches."""
        super().on_mount()
        self.set_focus(self.query_one("#reg-search", Input))

    def relabel(self) -> None:
        """Column titles, placeholder and filter label in the current language."""
        self.query_one("#reg-search", Input).placeholder = t("reg.search.placeholder")
        self._widths = {}
        self._fill(self.visits)

    def _filter_label(self) -> str:
        if self.query_text:
            label = t("reg.filter.search")
        else:
            label = t("reg.filter.on_site") if self.on_site_only else t("reg.filter.all")
        chosen = KIND_FILTERS[self.kind_filter]
        if chosen is not None:
            label += " · " + t(f"reg.kindfilter.{chosen[0]}")
        return t("reg.filter.line", filter=label, n=len(self.visits), people=self.on_site_people)

    # -- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        """Load today's list (or the current search) in a worker."""
        self._load(self.query_text, self.on_site_only)

    @db_worker(group="register-load", exclusive=True)
    def _load(self, query: str, on_site_only: bool) -> None:
        reg = self.ctx.register
        rows = reg.search(query, on_site_only) if query.strip() else reg.today(on_site_only)
        people = reg.people_on_site()
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(rows, people))

    def on_register_screen_loaded(self, message: Loaded) -> None:
        """Show what the worker found."""
        if not self.is_attached or not self.query("#reg-table"):
            return  # the app is closing
        self.loaded, self.on_site_people = message.visits, message.on_site
        self._fill(self._filtered(message.visits))

    def _filtered(self, visits: list[Visit]) -> list[Visit]:
        chosen = KIND_FILTERS[self.kind_filter]
        return visits if chosen is None else [v for v in visits if v.kind in chosen[1]]

    def _fill(self, visits: list[Visit]) -> None:
        table = self.query_one("#reg-table", DataTable)
        current = self._selected_id()
        if self._select_next is not None:
            if any(v.id == self._select_next for v in visits):
                current = self._chosen_id = self._select_next  # just saved: select it
            self._select_next = None
        self.visits = visits
        site = self.ctx.site if self.ctx.is_open else None
        now = self.ctx.clock.now()
        tz = site.timezone if site else DEFAULT_TZ
        rows = [self._cells(v, now, tz, site) for v in visits]
        titles = {key: t(f"reg.col.{key}") for key, _c, _w, _f in COLUMNS}
        plain = ({key: text.plain for key, text in row.items()} for row in rows)
        widths = allocate(table.size.width or self.app.size.width, natural_widths(titles, plain))
        if widths != self._widths:
            table.clear(columns=True)
            for key, _cap, _w, _f in COLUMNS:
                table.add_column(fit(titles[key], widths[key]), key=key, width=widths[key])
            self._widths = widths
        else:
            table.clear()
        for v, cells in zip(visits, rows, strict=True):
            table.add_row(*(fit(cells[key], widths[key]) for key, _c, _w, _f in COLUMNS), key=v.id)
        if current is not None:
            for index, v in enumerate(visits):
                if v.id == current:
                    table.move_cursor(row=index)
                    break
        self.query_one("#reg-filter", Static).update(ui(self._filter_label()))
        self._show_detail()

    def _status(self, v: Visit, now: datetime, tz: str, site: Site | None) -> Text:
        lang = language()
        if v.time_out is not None:
            return Text(t("reg.status.out", t=clock_time(v.time_out, tz, now)), style="dim")
        if site is not None and site.overstayed(v.time_in, now):
            return Text(t("reg.status.overstay", d=span(now - v.time_in, lang)),
                        style="bold red")
        return Text(t("reg.status.on_site", d=span(now - v.time_in, lang)), style="green")

    def _cells(self, v: Visit, now: datetime, tz: str, site: Site | None) -> dict[str, Text]:
        name = Text(one_line(v.name or t("reg.no_name")))
        if v.conflict:
            name.append(" ⚠", style="bold yellow")
        return {
            "time": Text(clock_time(v.time_in, tz, now)),
            "kind": Text(t(f"kind.short.{v.kind.value}")),
            "name": name,
            "org": Text(one_line(v.organisation)),
            "phone": Text(display_phone(v.phone)),
            "where": Text(one_line(v.guided_to)),
            "status": self._status(v, now, tz, site),
        }

    def on_resize(self, _event: events.Resize) -> None:
        """Share the new width among the columns."""
        self._fill(self.visits)

    # -- selection ------------------------------------------------------------------------
    def _selected_id(self) -> str | None:
        table = self.query_one("#reg-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # noqa: BLE001 - an empty or changing table has no selection
            return None
        return None if key.value is None else str(key.value)

    def selected(self) -> Visit | None:
        """The entry under the cursor."""
        vid = self._selected_id()
        return next((v for v in self.visits if v.id == vid), None)

    def chosen(self) -> Visit | None:
        """The entry the guard picked (see the module doc), or None."""
        v = self.selected()
        if v is None:
            return None
        if v.id == self._chosen_id or (self.query_text.strip() and len(self.visits) == 1):
            return v
        return None

    def action_move(self, step: int) -> None:
        """↑/↓ (PgUp/PgDn): move in the list; the entry moved to is the chosen one."""
        table = self.query_one("#reg-table", DataTable)
        if table.row_count:
            row = max(0, min(table.row_count - 1, table.cursor_row + step))
            table.move_cursor(row=row)
            self._chosen_id = self._selected_id()

    def on_click(self, event: events.Click) -> None:
        """A click on a row chooses it."""
        if event.widget is not None and event.widget.id == "reg-table":
            self._chosen_id = self._selected_id()

    @on(DataTable.RowHighlighted)
    def _show_detail(self, _event: object = None) -> None:
        v = self.selected()
        detail = self.query_one("#reg-detail", Static)
        if v is None:
            empty = t("reg.no_results") if self.query_text else t("reg.empty")
            detail.update(ui(empty if not self.visits else ""))
            return
        detail.update(ui(self._detail_text(v)))

    def _detail_text(self, v: Visit) -> str:
        """The whole entry on one line (wrapped): everything a cut cell left out."""
        cred = v.credential_number
        if cred and v.credential_type is CredentialType.RESIDENT_ID and not self._may_unmask():
            cred = mask_id(cred)
        parts = [t(f"kind.{v.kind.value}"), v.name or t("reg.no_name")]
        labelled = (("reg.d.org", v.organisation), ("reg.d.phone", display_phone(v.phone)),
                    ("reg.d.cred", cred), ("reg.d.plate", v.plate), ("reg.d.purpose", v.purpose),
                    ("reg.d.see", v.came_to_see), ("reg.d.guided", v.guided_to),
                    ("reg.d.location", v.location), ("reg.d.notified", v.notified),
                    ("reg.d.guard", v.guard))
        parts += [f"{t(key)} {value}" for key, value in labelled if value]
        if v.party_size > 1:
            parts.append(t("reg.d.party", n=v.party_size))
        if v.notes:
            parts.append(v.notes)
        text = self._times(v) + " · " + " · ".join(one_line(p) for p in parts)
        if v.conflict:
            text = "⚠ " + t("reg.conflict") + " · " + text
        return one_line(text, 600)

    def _times(self, v: Visit) -> str:
        """When the selected person came, how long ago for recent times, and how long they have
        been on site or when they left (the status cell may be cut at 80 columns)."""
        now, lang = self.ctx.clock.now(), language()
        tz = self.ctx.site.timezone if self.ctx.site else DEFAULT_TZ
        text = t("reg.detail.in", t=stamp(v.time_in, now, tz, lang))
        if v.time_out is None:
            return text + " · " + t("reg.on_site_for", d=span(now - v.time_in, lang, long=True))
        return text + " · " + t("reg.detail.out", t=stamp(v.time_out, now, tz, lang))

    def _may_unmask(self) -> bool:
        try:
            return self.ctx.session.can("unmask_id")
        except ValueError:  # nobody signed in (no role yet)
            return self.ctx.session.is_supervisor

    def on_key(self, event: events.Key) -> None:
        """Typing while the list has the focus (after a click) goes to the search box."""
        search = self.query_one("#reg-search", Input)
        if self.focused is not search and event.is_printable and event.character:
            self.set_focus(search)
            search.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    def on_screen_resume(self) -> None:
        """Back from a form or a script: the search box has the focus again."""
        if self.focused is None:
            self.set_focus(self.query_one("#reg-search", Input))

    @on(DataTable.RowSelected)
    def _row_selected(self, _event: DataTable.RowSelected) -> None:
        self._chosen_id = self._selected_id()
        self.action_edit_entry()

    # -- search ---------------------------------------------------------------------------
    @on(Input.Changed, "#reg-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self.ctx.is_open:
            self.reload()

    @on(Input.Submitted, "#reg-search")
    def _search_submitted(self, _event: Input.Submitted) -> None:
        """Enter in the search box opens the selected entry (as Enter on the list does)."""
        if self.selected() is not None:
            self._chosen_id = self._selected_id()
            self.action_edit_entry()

    def action_focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.set_focus(self.query_one("#reg-search", Input))

    def action_clear_search(self) -> None:
        """Empty the search and go back to today's list."""
        search = self.query_one("#reg-search", Input)
        if search.value:
            search.value = ""
        self.set_focus(search)

    def action_toggle_on_site(self) -> None:
        """Show only people still on site (any day), or today's whole list."""
        self.on_site_only = not self.on_site_only
        self.reload()

    def action_cycle_kind(self) -> None:
        """One key cycles the kind shown: all, journalists, visitors, contractors, suspicious."""
        self.kind_filter = (self.kind_filter + 1) % len(KIND_FILTERS)
        self._fill(self._filtered(self.loaded))

    def show_on_site(self) -> None:
        """Only people still on site, search cleared (the palette's "sign out" from anywhere)."""
        self.on_site_only = True
        self.kind_filter = 0
        self.action_clear_search()
        self.reload()

    # -- actions --------------------------------------------------------------------------
    async def action_new_entry(self) -> None:
        """Open an empty entry form."""
        if not self.ctx.is_open:
            return
        from frontdesk.screens.register.visit_form import VisitFormScreen

        await self.app.push_screen(VisitFormScreen(), self._after_form)

    def action_open_incident(self) -> None:
        """Open an incident from the selected entry (the incidents feature links both)."""
        v = self.selected()
        if v is not None:
            from frontdesk.screens.incidents.new import NewIncidentScreen

            self.app.push_screen(NewIncidentScreen(v))

    def open_form(self, form: object) -> None:
        """Open the entry form pre-filled (used by scripts and incidents)."""
        from frontdesk.screens.register.visit_form import VisitFormScreen

        self.app.push_screen(VisitFormScreen(form=form), self._after_form)  # type: ignore[arg-type]

    def open_entry(self, visit: Visit) -> None:
        """Open ``visit`` for editing (the form's "already on site: open that entry")."""
        from frontdesk.screens.register.visit_form import VisitFormScreen

        self._select_next = visit.id
        self.app.push_screen(VisitFormScreen(visit=visit), self._after_form)

    def action_edit_entry(self) -> None:
        """Edit the selected entry (the old version stays in its history)."""
        v = self.selected()
        if v is None:
            self.notify(t("reg.select_first"), severity="warning", markup=False)
            return
        from frontdesk.screens.register.visit_form import VisitFormScreen

        self.app.push_screen(VisitFormScreen(visit=v), self._after_form)

    def _after_form(self, saved: Visit | None) -> None:
        if saved is not None:
            self._select_next = saved.id  # the next keys (sign out, history, Ctrl+G) are for it
            self.app.post_message(DataChanged("visit"))

    def action_sign_out(self) -> None:
        """Sign the selected person out now."""
        v = self.selected()
        if v is None:
            self.notify(t("reg.select_first"), severity="warning", markup=False)
            return
        if v.time_out is not None:
            tz = self.ctx.site.timezone if self.ctx.site else DEFAULT_TZ
            self.notify(one_line(t("reg.already_out", name=v.name or t("reg.no_name"),
                                   t=stamp(v.time_out, self.ctx.clock.now(), tz, language()))),
                        markup=False)
            return
        self._sign_out(v)

    @db_worker(group="register-write")
    def _sign_out(self, v: Visit) -> None:
        self.ctx.register.sign_out(v.id, by=self.ctx.session.user)
        self.post_message(self.SignedOut(v))

    def on_register_screen_signed_out(self, message: SignedOut) -> None:
        """Say who left; every list reloads. Somebody who has left is nobody's choice any more
        (a script read next is not theirs)."""
        if self._chosen_id == message.visit.id:
            self._chosen_id = None
        name = message.visit.name or t("reg.no_name")
        self.notify(one_line(t("reg.signed_out", name=name)), markup=False)
        self.app.post_message(DataChanged("visit"))

    def action_slip(self) -> None:
        """Write the selected person's visitor slip (a PDF for the booth printer)."""
        v = self.selected()
        if v is None:
            self.notify(t("reg.select_first"), severity="warning", markup=False)
            return
        self._write_slip(v)

    @db_worker(group="register-slip")
    def _write_slip(self, v: Visit) -> None:
        from frontdesk.export.sheet import ExportError
        from frontdesk.services.slip import slip_service

        try:
            path = slip_service(self.ctx).write(v)
        except ExportError as exc:  # no font, an unwritable folder: said here; the rest by the app
            self.post_message(self.SlipWritten("", one_line(str(exc), 300)))
        else:
            self.post_message(self.SlipWritten(str(path)))

    def on_register_screen_slip_written(self, message: SlipWritten) -> None:
        """Say where the slip is (or why there is none)."""
        if message.error:
            self.notify(t("reg.slip.failed", error=message.error), severity="error",
                        markup=False, timeout=15)
        else:
            self.notify(t("reg.slip.written", path=message.path), markup=False, timeout=15)

    def action_history(self) -> None:
        """Show who changed the selected entry, and what."""
        v = self.selected()
        if v is None:
            self.notify(t("reg.select_first"), severity="warning", markup=False)
            return
        from frontdesk.screens.register.history import HistoryScreen

        self.app.push_screen(HistoryScreen(v))
