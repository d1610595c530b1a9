"""Scripted replies for the app: the book (shipped + site file) loaded once, readings recorded.

Build it with ``ctx.service("scripts", ScriptService)``. Loading reads two small JSON files; the
app does it in a worker when the store opens, so showing a script later costs no file access.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from frontdesk.domain.scripts.book import (
    ScriptBook,
    ScriptError,
    ScriptFileError,
    load_shipped,
    load_with_site,
)
from frontdesk.paths import shipped_data_dir
from frontdesk.services.changes import changes_data

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext
    from frontdesk.storage.script_uses import ScriptUse


def shipped_scripts_path() -> str:
    """Where the product's scripts file is."""
    return str(shipped_data_dir() / "scripts.json")


class ScriptService:
    """The current script book, its site-file errors, and the record of readings."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.book: ScriptBook = ScriptBook((), {})
        self.shipped: ScriptBook = ScriptBook((), {})
        self.errors: tuple[ScriptError, ...] = ()
        self.errors_announced = False
        self.reload()

    def reload(self) -> ScriptBook:
        """Read the shipped file and the site file again (after an edit or a file change)."""
        path = shipped_scripts_path()
        try:
            self.shipped = load_shipped(path)
            book = load_with_site(path, self.ctx.paths.site_scripts_file)
        except ScriptFileError as exc:  # the product's own file is broken: show, keep going
            self.shipped, book = ScriptBook((), {}), ScriptBook((), {}, exc.errors)
        self.book = book
        if book.errors != self.errors:
            self.errors_announced = False
        self.errors = book.errors
        return book

    def adopt(self, book: ScriptBook) -> None:
        """Use ``book`` (just saved by the script manager) without reading the files again."""
        self.book, self.errors = book, book.errors

    # -- readings ---------------------------------------------------------------------------
    @changes_data
    def record_use(self, situation_id: str, lines_shown: list[int], lang: str,
                   visit_id: str | None, incident_id: str | None, by: str,
                   use_id: str | None = None) -> ScriptUse:
        """Store one reading as a synced ``script_use`` record and return it.

        ``use_id`` lets the caller name the record before it is written (the card records in
        the background and may hand the id on to an entry started from it).
        """
        from frontdesk.storage import script_uses

        now = self.ctx.clock.now()
        use = script_uses.ScriptUse(
            id=use_id or str(uuid.uuid4()), situation_id=situation_id, at=now, by=by,
            lines_shown=tuple(lines_shown), lang=lang, visit_id=visit_id,
            incident_id=incident_id)
        with self.ctx.require_db().write() as conn:
            script_uses.add(conn, use, now)
        return use

    def uses_for_visit(self, visit_id: str) -> list[ScriptUse]:
        """Readings against one register entry, oldest first."""
        from frontdesk.storage import script_uses

        return script_uses.for_visit(self.ctx.require_db().read(), visit_id)

    def uses_for_incident(self, incident_id: str) -> list[ScriptUse]:
        """Readings against one incident, oldest first."""
        from frontdesk.storage import script_uses

        return script_uses.for_incident(self.ctx.require_db().read(), incident_id)

    def uses_between(self, start: datetime, end: datetime) -> list[ScriptUse]:
        """Readings in ``[start, end)`` (the day's export lists them), oldest first."""
        from frontdesk.storage import script_uses

        return script_uses.between(self.ctx.require_db().read(), start, end)

    def title_of(self, situation_id: str, lang: str) -> str:
        """The situation's title in ``lang`` (its id if the book no longer has it)."""
        sit = self.book.by_id(situation_id)
        return sit.title.text(lang) if sit is not None else situation_id


def scripts(ctx: AppContext) -> ScriptService:
    """The context's script service (built, and the book loaded, on first use)."""
    return ctx.service("scripts", ScriptService)
