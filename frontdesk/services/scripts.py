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
    from frontdesk.domain.incidents.model import Incident
    from frontdesk.domain.register.visits import Visit
    from frontdesk.storage.script_corrections import Strike
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
        # Site values typed on a card for this run (the script manager keeps them for good).
        self.filled: dict[str, str] = {}
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

    def strike(self, use_id: str, by: str, supervisor: bool = False) -> bool:
        """Strike out a reading recorded by mistake (a correction that stays in the history).

        Only the guard who recorded it, or a supervisor, may. Returns False when it was struck
        already or is gone; raises :class:`PermissionError` for somebody else's reading.
        """
        from frontdesk.storage import script_corrections

        now = self.ctx.clock.now()
        with self.ctx.require_db().write() as conn:
            found = script_corrections.get(conn, use_id)
            if found is None:
                return False
            use, _struck = found
            if use.by != by and not supervisor:
                raise PermissionError("not_yours")
            return script_corrections.strike(conn, use_id, by, now)

    def strikes(self, use_ids: list[str]) -> dict[str, Strike]:
        """Which of these readings were struck out, by whom and when."""
        from frontdesk.storage import script_corrections

        return script_corrections.strikes(self.ctx.require_db().read(), use_ids)

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


def card_facts(ctx: AppContext, book: ScriptBook, visit: Visit | None = None,
               incident: Incident | None = None, incident_kind: str = "") -> dict[str, str]:
    """Values a card can fill in from what is known: the site, the guard on duty, the chosen
    entry and incident, and what was typed on a card this run. A site value set in the site
    file wins over the site's name in the database; facts of this call win over nothing else.
    """
    from frontdesk.domain.sitetime import full_time

    facts: dict[str, str] = {}
    site = ctx.site
    if site is not None and site.name and not book.variables.get("site_name"):
        facts["site_name"] = site.name
    if ctx.session.user:
        facts["reporter"] = ctx.session.user
    if visit is not None:
        facts["people_count"] = str(visit.party_size)
        if visit.location:
            facts["place"] = visit.location
    if incident is not None:
        if incident.place:
            facts["place"] = incident.place
        if incident.summary:
            facts["summary"] = incident.summary
        if site is not None:
            facts["occurred_at"] = full_time(incident.occurred_at, site.timezone)
        if incident_kind:
            facts["incident_kind"] = incident_kind
    facts.update({k: v for k, v in scripts(ctx).filled.items() if v})
    return facts
