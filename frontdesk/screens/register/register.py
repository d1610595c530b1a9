"""The register: today's entries newest first, who is still on site, search across all days."""
from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import get_current_worker

from frontdesk.domain.durations import span
from frontdesk.domain.register.validation import display_phone
from frontdesk.domain.register.visits import Visit
from frontdesk.domain.sitetime import DEFAULT_TZ, clock_time, stamp
from frontdesk.i18n import language, t
from frontdesk.messages import Deliver, DataChanged
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.text import cell, one_line, ui
from frontdesk.workers import db_worker


class RegisterScreen(FrontdeskScreen[None]):
    """The first screen a guard sees."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_entry", "New", id="register.new", priority=True),
        Binding("ctrl+o", "sign_out", "Sign out", id="register.sign_out", priority=True),
        # the app's F5, repeated here so that at 80 columns the footer shows it third
        Binding("f5", "app.script_picker", "Scripts 1-9", id="register.scripts"),
        Binding("ctrl+e", "edit_entry", "Edit", id="register.edit", priority=True),
        # in F1 and the palette, not the footer (the filter's state shows above the table)
        Binding("ctrl+t", "toggle_on_site", "On site", id="register.toggle_on_site",
                priority=True, show=False),
        Binding("ctrl+r", "history", "History", id="register.history", priority=True),
        Binding("ctrl+g", "open_incident", "To incident", id="register.open_incident",
                priority=True, show=False),
        Binding("ctrl+f,slash", "focus_search", "Search", id="register.search", show=False),
        Binding("escape", "clear_search", "Clear search", id="register.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.on_site_only = False
        self.query_text = ""
        self.visits: list[Visit] = []
        self._select_next: str | None = None

    def compose(self) -> ComposeResult:
        """Search bar, table, detail line, footer."""
        yield Header()
        with Horizontal(id="reg-toolbar"):
            yield Input(id="reg-search", compact=True, select_on_focus=False)
            yield Static(id="reg-filter")
        yield DataTable(id="reg-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="reg-detail")
        yield Footer()

    # -- labels ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        """The list has the focus: letters start a search, digits read scripts."""
        super().on_mount()
        self.query_one("#reg-table", DataTable).focus()

    def relabel(self) -> None:
        """Column titles, placeholder and filter label in the current language."""
        self.query_one("#reg-search", Input).placeholder = t("reg.search.placeholder")
        table = self.query_one("#reg-table", DataTable)
        table.clear(columns=True)
        for key, width in (("time", 11), ("kind", 8), ("name", 8), ("org", 8),
                           ("phone", 13), ("where", 6), ("status", 10)):
            table.add_column(t(f"reg.col.{key}"), key=key, width=width)
        self._fill(self.visits)

    def _filter_label(self) -> str:
        if self.query_text:
            label = t("reg.filter.search")
        else:
            label = t("reg.filter.on_site") if self.on_site_only else t("reg.filter.all")
        return f"{label} · {t('reg.count', n=len(self.visits))}"

    # -- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        """Load today's list (or the current search) in a worker."""
        self._load(self.query_text, self.on_site_only)

    @db_worker(group="register-load", exclusive=True)
    def _load(self, query: str, on_site_only: bool) -> None:
        reg = self.ctx.register
        rows = reg.search(query, on_site_only) if query.strip() else reg.today(on_site_only)
        if not get_current_worker().is_cancelled:
            self.post_message(Deliver(self._show, rows))

    def _show(self, visits: list[Visit]) -> None:
        if not self.is_attached or not self.query("#reg-table"):
            return  # the app is closing
        self.visits = visits
        self._fill(visits)

    def _fill(self, visits: list[Visit]) -> None:
        table = self.query_one("#reg-table", DataTable)
        current = self._selected_id()
        if self._select_next is not None:
            if any(v.id == self._select_next for v in visits):
                current = self._select_next  # just saved: select it
            self._select_next = None
        table.clear()
        site = self.ctx.site
        now = self.ctx.clock.now()
        tz = site.timezone if site else DEFAULT_TZ
        for v in visits:
            table.add_row(*self._row(v, now, tz, site), key=v.id)
        if current is not None:
            for index, v in enumerate(visits):
                if v.id == current:
                    table.move_cursor(row=index)
                    break
        self.query_one("#reg-filter", Static).update(ui(self._filter_label()))
        self._show_detail()

    def _row(self, v: Visit, now, tz: str, site) -> tuple[Text, ...]:  # type: ignore[no-untyped-def]
        lang = language()
        if v.time_out is not None:
            status = Text(t("reg.status.out", t=clock_time(v.time_out, tz, now)), style="dim")
        elif site is not None and site.overstayed(v.time_in, now):
            status = Text(t("reg.status.overstay", d=span(now - v.time_in, lang)),
                          style="bold red")
        else:
            status = Text(t("reg.status.on_site", d=span(now - v.time_in, lang)),
                          style="green")
        name = cell(v.name or t("reg.no_name"), 24)
        if v.conflict:
            name.append(" ⚠", style="bold yellow")
        return (
            Text(clock_time(v.time_in, tz, now)),
            Text(t(f"kind.{v.kind.value}")),
            name,
            cell(v.organisation, 30),
            cell(display_phone(v.phone), 20),
            cell(v.guided_to, 20),
            status,
        )

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

    @on(DataTable.RowHighlighted)
    def _show_detail(self, _event: object = None) -> None:
        v = self.selected()
        detail = self.query_one("#reg-detail", Static)
        if v is None:
            empty = t("reg.no_results") if self.query_text else t("reg.empty")
            detail.update(ui(empty if not self.visits else ""))
            return
        from frontdesk.domain.register.visits import CredentialType

        cred = v.credential_number
        if cred and v.credential_type is CredentialType.RESIDENT_ID and not self._may_unmask():
            from frontdesk.domain.register.validation import mask_id

            cred = mask_id(cred)
        text = t("reg.detail", kind=t(f"kind.{v.kind.value}"), name=v.name or t("reg.no_name"),
                 org=v.organisation or "-", cred=cred or "-", plate=v.plate or "-",
                 purpose=v.purpose or "-", see=v.came_to_see or "-", notified=v.notified or "-",
                 guard=v.guard or "-")
        if v.notes:
            text += " · " + v.notes
        text = self._times(v) + " · " + text
        if v.conflict:
            text = "⚠ " + t("reg.conflict") + " · " + text
        detail.update(ui(one_line(text, 400)))

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
        return self.ctx.session.can("unmask_id")

    def on_key(self, event: events.Key) -> None:
        """Typing a letter on the list starts a search (digits stay free for scripts)."""
        search = self.query_one("#reg-search", Input)
        if (self.focused is not search and event.is_printable and event.character
                and not event.character.isdigit() and event.character not in "/ "):
            search.focus()
            search.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    def on_screen_resume(self) -> None:
        """Back from a form or a script: the list has the focus again."""
        if self.focused is None:
            self.query_one("#reg-table", DataTable).focus()

    @on(DataTable.RowSelected)
    def _row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_edit_entry()

    # -- search ---------------------------------------------------------------------------
    @on(Input.Changed, "#reg-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self.ctx.is_open:
            self.reload()

    @on(Input.Submitted, "#reg-search")
    def _search_submitted(self, _event: Input.Submitted) -> None:
        self.query_one("#reg-table", DataTable).focus()

    def action_focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.query_one("#reg-search", Input).focus()

    def action_clear_search(self) -> None:
        """Empty the search and go back to the list."""
        search = self.query_one("#reg-search", Input)
        if search.value:
            search.value = ""
        self.query_one("#reg-table", DataTable).focus()

    def action_toggle_on_site(self) -> None:
        """Show only people still on site (any day), or today's whole list."""
        self.on_site_only = not self.on_site_only
        self.reload()

    # -- actions --------------------------------------------------------------------------
    def action_new_entry(self) -> None:
        """Open an empty entry form."""
        if not self.ctx.is_open:
            return
        from frontdesk.screens.register.visit_form import VisitFormScreen

        self.app.push_screen(VisitFormScreen(), self._after_form)

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
        self.post_message(Deliver(self._signed_out, v))

    def _signed_out(self, v: Visit) -> None:
        self.notify(one_line(t("reg.signed_out", name=v.name or t("reg.no_name"))), markup=False)
        self.app.post_message(DataChanged("visit"))

    def action_history(self) -> None:
        """Show who changed the selected entry, and what."""
        v = self.selected()
        if v is None:
            self.notify(t("reg.select_first"), severity="warning", markup=False)
            return
        from frontdesk.screens.register.history import HistoryScreen

        self.app.push_screen(HistoryScreen(v))
