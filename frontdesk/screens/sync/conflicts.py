"""Records in conflict: each one's heads side by side, field by field; a supervisor keeps one.

Imported text is untrusted: every cell goes through :func:`frontdesk.text.cell`.
"""
from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static

from frontdesk.domain.trust.retention import SALT
from frontdesk.i18n import catalog, language, t
from frontdesk.messages import DataChanged, Deliver
from frontdesk.screens.base import FrontdeskModal
from frontdesk.screens.trust.guard import guard_action
from frontdesk.text import cell, ui
from frontdesk.workers import db_worker

HIDDEN = ("site", "purged", SALT)


def field_label(key: str) -> str:
    """A payload field's name in the current language (the key itself if unknown)."""
    pair = catalog().get(f"field.{key}")
    if pair is None:
        return key
    return pair[0] if language() == "zh" else pair[1]


class ConflictsScreen(FrontdeskModal[None]):
    """One conflict at a time; ``n`` shows the next; a button per head keeps that version."""

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
        self.items: list[Any] = []
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
        from frontdesk.services.sync import sync_service

        items = sync_service(self.ctx).conflicts()
        self.post_message(Deliver(self._show, items))

    def _show(self, items: list[Any]) -> None:
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
        where.update(ui(f"{t('sync.conflicts.count', i=self.index + 1, n=len(self.items))} · "
                        f"{item.kind} {item.record_id}"))
        table.add_column(t("sync.conflicts.field"), width=12)
        for n, _head in enumerate(item.heads, 1):
            table.add_column(t("sync.conflicts.version", n=n), width=max(60 // len(item.heads), 12))
        keys: list[str] = []
        for head in item.heads:
            keys += [k for k in head.payload if k not in keys and k not in HIDDEN]
        table.add_row(cell(t("sync.conflicts.version", n="")),
                      *[cell(f"{h.origin} {h.hlc[:15]}") for h in item.heads])
        for key in keys:
            values = [h.payload.get(key) for h in item.heads]
            if all(v == values[0] for v in values) and key not in ("edited_by", "edited_at"):
                continue  # only the fields that differ, plus who and when
            table.add_row(cell(field_label(key)),
                          *[cell(t("sync.conflicts.deleted") if h.deleted else
                                 ("" if v is None else v), limit=80)
                            for h, v in zip(item.heads, values)])
        for n, head in enumerate(item.heads, 1):
            keep.mount(Button(ui(t("sync.conflicts.keep", n=n)), id=f"keep-{n}", compact=True,
                              name=head.version_id))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Keep the chosen version (supervisor, through guard_action)."""
        if not (event.button.id or "").startswith("keep-") or not self.items:
            return
        item = self.items[self.index]
        chosen = str(event.button.name)
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
