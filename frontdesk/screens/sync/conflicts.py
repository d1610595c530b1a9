"""Records in conflict: each one's versions side by side, field by field; a supervisor keeps one.

Every version is named by the site that made it and when, in this site's time
(:mod:`frontdesk.services.conflicts`), never by ids or clock stamps. Imported text is untrusted:
every cell goes through :func:`frontdesk.text.cell`.

The keep buttons carry no ids (the version they keep is their ``name``): the table and buttons
are rebuilt for each conflict shown, and Textual removes the old buttons only after the new
ones are mounted, so ids would collide on every ``n`` and after every resolution.
"""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static

from frontdesk.i18n import catalog, language, t
from frontdesk.messages import DataChanged, Deliver
from frontdesk.screens.base import FrontdeskModal
from frontdesk.screens.trust.guard import guard_action
from frontdesk.services.conflicts import ConflictView, VersionView
from frontdesk.text import cell, one_line, ui
from frontdesk.workers import db_worker


def field_label(key: str) -> str:
    """A payload field's name in the current language (the key itself if unknown)."""
    pair = catalog().get(f"field.{key}")
    if pair is None:
        return key
    return pair[0] if language() == "zh" else pair[1]


def kind_label(kind: str) -> str:
    """A record kind in the current language (the kind itself if unknown)."""
    key = f"sync.kind.{kind}"
    text = t(key)
    return kind if text == key else text


def _value(version: VersionView, key: str) -> object:
    """A field's value as shown: an edit time in this site's time, the rest as stored."""
    value = version.payload.get(key)
    if value is None:
        return ""
    if key == "edited_at":
        try:
            at = datetime.fromisoformat(str(value))
        except ValueError:
            return value
        if at.tzinfo is not None and version.at.tzinfo is not None:
            return f"{at.astimezone(version.at.tzinfo):%Y-%m-%d %H:%M}"
    return value


class ConflictsScreen(FrontdeskModal[None]):
    """One conflict at a time; ``n`` shows the next; a button per version keeps that version."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="conflicts.close"),
        Binding("n", "next", "Next", id="conflicts.next"),
    ]
    DEFAULT_CSS = """
    ConflictsScreen { align: center middle; }
    ConflictsScreen #conflicts-box { width: 78; height: 22; border: round $warning;
        background: $surface; padding: 0 1; }
    ConflictsScreen #conflicts-table { height: 1fr; }
    ConflictsScreen #conflicts-keep { height: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: list[ConflictView] = []
        self.index = 0

    def compose(self) -> ComposeResult:
        """Title, position, the side-by-side table and the keep buttons."""
        with Vertical(id="conflicts-box"):
            yield Static(ui(t("sync.conflicts.title")), id="conflicts-title")
            yield Static(id="conflicts-where")
            yield DataTable(id="conflicts-table", zebra_stripes=True)
            yield Horizontal(id="conflicts-keep")

    def on_mount(self) -> None:
        """Load the conflicts."""
        self._load()

    @db_worker(group="conflicts-load", exclusive=True)
    def _load(self) -> None:
        from frontdesk.services.conflicts import conflict_views

        items = conflict_views(self.ctx)
        self.post_message(Deliver(self._show, items))

    def _show(self, items: list[ConflictView]) -> None:
        self.items = items
        self.index = min(self.index, max(len(items) - 1, 0))
        self._draw()

    def _draw(self) -> None:
        table = self.query_one("#conflicts-table", DataTable)
        table.clear(columns=True)
        keep = self.query_one("#conflicts-keep", Horizontal)
        keep.remove_children()
        where = self.query_one("#conflicts-where", Static)
        if not self.items:
            where.update(ui(t("sync.conflicts.none")))
            return
        item = self.items[self.index]
        title = f" · {one_line(item.title)[:30]}" if item.title else ""
        where.update(ui(f"{t('sync.conflicts.count', i=self.index + 1, n=len(self.items))} · "
                        f"{kind_label(item.kind)}{title}"))
        width = max(60 // len(item.versions), 12)
        table.add_column(t("sync.conflicts.field"), width=12)
        for n, _version in enumerate(item.versions, 1):
            table.add_column(t("sync.conflicts.version", n=n), width=width)
        other = t("sync.conflicts.other_site")
        table.add_row(cell(t("sync.conflicts.from")),
                      *[cell(v.label(other), limit=80) for v in item.versions])
        for key in item.fields:
            table.add_row(cell(field_label(key)),
                          *[cell(t("sync.conflicts.deleted") if v.deleted else _value(v, key),
                                 limit=80)
                            for v in item.versions])
        keep.mount_all(Button(ui(t("sync.conflicts.keep", n=n)), classes="keep", compact=True,
                              name=v.version_id) for n, v in enumerate(item.versions, 1))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Keep the chosen version (supervisor, through guard_action)."""
        if not event.button.has_class("keep") or not self.items:
            return
        item = self.items[self.index]
        chosen = str(event.button.name)
        if chosen not in {v.version_id for v in item.versions}:
            return  # a button of the conflict shown before, on its way out
        guard_action(self.fd_app, "resolve_conflict",
                     lambda: self._resolve(item.kind, item.record_id, chosen))

    @db_worker(group="conflicts-write")
    def _resolve(self, kind: str, record_id: str, chosen: str) -> None:
        from frontdesk.services.sync import sync_service

        ctx = self.ctx
        sync_service(ctx).resolve(kind, record_id, chosen, by=ctx.session.user)
        self.post_message(Deliver(self._resolved))

    def _resolved(self) -> None:
        self.app.notify(t("sync.conflicts.resolved"), markup=False)
        self.app.post_message(DataChanged("conflict"))
        self._load()

    def action_next(self) -> None:
        """Show the next conflict."""
        if self.items:
            self.index = (self.index + 1) % len(self.items)
            self._draw()

    def action_close(self) -> None:
        """Back to the files screen."""
        self.dismiss(None)
