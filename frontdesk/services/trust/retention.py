"""Retention and erasure: blank personal fields everywhere they are stored, and say so.

A purge writes a new version with the personal fields set to ``None`` (so it syncs like any
edit), blanks those fields in every older stored version of the record (``purged = 1``), stores
a purge marker in ``purges`` (the sync helper carries it; see :mod:`frontdesk.sync.merge`), and
afterwards checkpoints the WAL with TRUNCATE. With ``secure_delete`` on, the old values are then
gone from the database file's bytes (tests grep the file). Backups made before the purge still
hold them until they roll off (``frontdesk.services.trust.backup``, kept 14 days by default).

Incidents and their timeline, report, call notes and handover sheets follow the same path with
their own rules (:mod:`frontdesk.services.incidents.retention`): the scheduled job purges them
too, and an erasure request finds a person named in their free text and removes just that.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from frontdesk.domain.trust.incident_retention import KINDS as INCIDENT_KINDS
from frontdesk.domain.trust.incident_retention import person_hits, person_redactor, removal
from frontdesk.domain.trust.retention import (
    PERSONAL_FIELDS,
    PersonKey,
    erase_matches,
    is_purged,
    personal_fields,
    purge_payload,
    retention_anchor,
    retention_cutoff,
)
from frontdesk.services.changes import changes_data

if TYPE_CHECKING:  # pragma: no cover
    import sqlite3

    from frontdesk.context import AppContext

LAST_RUN_KEY = "retention_last_run"
BATCH = 50


@dataclass(frozen=True)
class Match:
    """A record an erasure request matches, with what matched (for the supervisor to confirm)."""

    kind: str
    record_id: str
    matched: tuple[str, ...]
    summary: str
    key: PersonKey | None = None  # for incident records: what to remove from their free text


def _when(value: object) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def purge_record(conn: sqlite3.Connection, kind: str, record_id: str, now: datetime,
                 by: str) -> bool:
    """Purge one record's personal fields here and in its stored history (in a transaction).

    Returns False if the record does not exist. Idempotent: purging twice adds a version and a
    marker but blanks nothing new.
    """
    from frontdesk.storage import records
    from frontdesk.sync.merge import blank_fields

    win, _n = records.current(conn, kind, record_id)
    if win is None:
        return False
    new, _had = purge_payload(kind, win.payload, now)
    new["edited_by"] = by
    new["edited_at"] = now.astimezone(UTC).isoformat()
    version = records.write(conn, kind, record_id, new, now)
    fields = sorted(personal_fields(kind, win.payload) or PERSONAL_FIELDS[kind])
    for row in records.versions_of(conn, kind, record_id):
        v = row.version
        if v.hlc <= version.hlc:
            blanked = blank_fields(v.payload, fields)
            conn.execute("UPDATE versions SET payload = ?, purged = 1 WHERE seq = ?",
                         (json.dumps(blanked, ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":")), row.seq))
    conn.execute(
        "INSERT OR IGNORE INTO purges(kind, record_id, before_hlc, fields, at, by, origin)"
        " VALUES (?,?,?,?,?,?,?)",
        (kind, record_id, version.hlc, json.dumps(fields), now.astimezone(UTC).isoformat(),
         by or "system", records.site_id(conn)),
    )
    return True


class RetentionService:
    """Scheduled purges and erasure on request for one context."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def due(self) -> list[str]:
        """Ids of register entries whose retention has ended and that are not purged yet."""
        site = self.ctx.require_site()
        now = self.ctx.clock.now()
        cutoff = retention_cutoff(now, site.retention_days)
        conn = self.ctx.require_db().read()
        rows = conn.execute(
            "SELECT id, time_in, time_out, payload FROM visits WHERE time_in <= ?",
            ((cutoff + timedelta(seconds=1)).isoformat(),),
        ).fetchall()
        out: list[str] = []
        for row in rows:
            payload = json.loads(row["payload"])
            time_in = _when(row["time_in"])
            if time_in is None or is_purged(payload):
                continue
            if retention_anchor(time_in, _when(row["time_out"])) <= cutoff:
                out.append(row["id"])
        return out

    def purge(self, ids: Iterable[tuple[str, str]], by: str = "", reason: str = "purge") -> int:
        """Purge these ``(kind, record_id)`` records (transactions of BATCH), then checkpoint."""
        return self._purge([(kind, record_id, None) for kind, record_id in ids], by, reason)

    def _purge(self, items: list[tuple[str, str, PersonKey | None]], by: str,
               reason: str) -> int:
        """Purge records; an incident-feature record with a key loses only that person."""
        from frontdesk.services.incidents import retention as inc
        from frontdesk.storage import audit as store

        db = self.ctx.require_db()
        now = self.ctx.clock.now()
        who = by or self.ctx.session.user or "system"
        mark = inc.removed_mark()
        n = 0
        # Small transactions, so a guard saving an entry meanwhile never waits long for the lock.
        for start in range(0, len(items), BATCH):
            with db.write() as conn:
                done = 0
                for kind, record_id, key in items[start:start + BATCH]:
                    if kind in INCIDENT_KINDS:
                        scrub = removal(mark) if key is None else person_redactor(key, mark)
                        done += inc.purge_record(conn, kind, record_id, now, who, scrub)
                    else:
                        done += purge_record(conn, kind, record_id, now, who)
                if done:
                    store.append(conn, at=now, action=reason, record_kind="retention",
                                 record_id=uuid.uuid4().hex, fields=("count",), who=who)
                n += done
        if n:
            db.checkpoint()
        return n

    def _purge_incidents(self, cutoff: datetime) -> int:
        """The scheduled purge of incidents, their lines and handover sheets (one transaction
        per few incidents, so an incident is never left half purged)."""
        from frontdesk.domain.trust.audit import detail
        from frontdesk.services.incidents import retention as inc
        from frontdesk.storage import audit as store

        db = self.ctx.require_db()
        mark = inc.removed_mark()
        groups = inc.due_groups(db.read(), cutoff, mark)
        now = self.ctx.clock.now()
        n = 0
        while groups:
            batch: list[inc.DueGroup] = []
            while groups and (not batch or sum(len(g.items) for g in batch) < BATCH):
                batch.append(groups.pop(0))
            with db.write() as conn:
                for g in batch:
                    done = sum(inc.purge_record(conn, kind, rid, now, "system", removal(mark))
                               for kind, rid in g.items)
                    if done:
                        kinds = sorted({kind for kind, _rid in g.items})
                        store.append(conn, at=now, action="retention_purge",
                                     record_kind=g.audit_kind, record_id=g.audit_id,
                                     fields=(*kinds, detail("records", done)), who="system")
                    n += done
        if n:
            db.checkpoint()
        return n

    def run_due(self) -> int:
        """The scheduled job: purge every entry and incident past the site's retention period."""
        from frontdesk.storage import site as site_store

        n = self.purge([("visit", i) for i in self.due()], by="system", reason="retention_purge")
        site = self.ctx.require_site()
        n += self._purge_incidents(retention_cutoff(self.ctx.clock.now(), site.retention_days))
        with self.ctx.require_db().write() as conn:
            site_store.set_meta(conn, LAST_RUN_KEY, self.ctx.clock.now().isoformat())
        return n

    def find_person(self, key: PersonKey) -> list[Match]:
        """Every record (any stored version) that matches the erasure request: register entries
        by their fields, incident records by the person's name, phone or ID in their free text."""
        conn = self.ctx.require_db().read()
        found: dict[tuple[str, str], set[str]] = {}
        summaries: dict[tuple[str, str], str] = {}
        kinds = list(PERSONAL_FIELDS)
        marks = ",".join("?" * len(kinds))
        for row in conn.execute(
            f"SELECT kind, record_id, payload FROM versions WHERE kind IN ({marks})"
            " AND purged = 0 ORDER BY hlc", kinds,
        ):
            payload = json.loads(row["payload"])
            hit = erase_matches(payload, key)
            if hit:
                k = (row["kind"], row["record_id"])
                found.setdefault(k, set()).update(hit)
                summaries[k] = " · ".join(
                    str(payload.get(f) or "") for f in ("time_in", "kind", "name", "organisation")
                    if payload.get(f))
        out = [Match(k[0], k[1], tuple(sorted(v)), summaries[k]) for k, v in found.items()]
        return out + self._find_in_incidents(conn, key)

    def _find_in_incidents(self, conn: sqlite3.Connection, key: PersonKey) -> list[Match]:
        from frontdesk.services.incidents import retention as inc

        zone = self.ctx.require_site().timezone
        found: dict[tuple[str, str], set[str]] = {}
        summaries: dict[tuple[str, str], str] = {}
        for kind, record_id, payload in inc.scan(conn):
            hit = person_hits(kind, payload, key)
            if hit:
                k = (kind, record_id)
                found.setdefault(k, set()).update(hit)
                summaries[k] = inc.summary(kind, payload, zone)
        return [Match(k[0], k[1], tuple(sorted(v)), summaries[k], key)
                for k, v in sorted(found.items())]

    @changes_data
    def erase(self, matches: Iterable[Match], by: str = "") -> int:
        """Purge the confirmed matches (erasure on request); recorded as ``erase_person``.

        A register entry loses all its personal fields; an incident record loses the matched
        person only (their name, phone or ID number in its text), using the match's key.
        """
        items = [(m.kind, m.record_id, m.key if m.kind in INCIDENT_KINDS else None)
                 for m in matches]
        return self._purge(items, by, "erase_person")


def retention_service(ctx: AppContext) -> RetentionService:
    """The context's retention service."""
    return ctx.service("retention", RetentionService)


def on_context_open(ctx: AppContext) -> None:
    """Purge what is due when the database opens (the app also runs it daily)."""
    retention_service(ctx).run_due()
