"""Retention and erasure: blank personal fields everywhere they are stored, and say so.

A purge writes a new version with the personal fields set to ``None`` (so it syncs like any
edit), blanks those fields in every older stored version of the record (``purged = 1``), stores
a purge marker in ``purges`` (the sync helper carries it; see :mod:`frontdesk.sync.merge`), and
afterwards checkpoints the WAL with TRUNCATE. With ``secure_delete`` on, the old values are then
gone from the database file's bytes (tests grep the file). Backups made before the purge still
hold them until they roll off (``frontdesk.services.backup``, kept 14 days by default).
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from frontdesk.domain.retention import (
    PERSONAL_FIELDS,
    PersonKey,
    erase_matches,
    is_purged,
    personal_fields,
    purge_payload,
    retention_anchor,
    retention_cutoff,
)

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
        db = self.ctx.require_db()
        now = self.ctx.clock.now()
        who = by or self.ctx.session.user or "system"
        from frontdesk.storage import audit as store

        todo, n = list(ids), 0
        # Small transactions, so a guard saving an entry meanwhile never waits long for the lock.
        for start in range(0, len(todo), BATCH):
            with db.write() as conn:
                done = sum(purge_record(conn, kind, record_id, now, who)
                           for kind, record_id in todo[start:start + BATCH])
                if done:
                    store.append(conn, at=now, action=reason, record_kind="retention",
                                 record_id=uuid.uuid4().hex, fields=("count",), who=who)
                n += done
        if n:
            db.checkpoint()
        return n

    def run_due(self) -> int:
        """The scheduled job: purge every entry past the site's retention period."""
        from frontdesk.storage import site as site_store

        n = self.purge([("visit", i) for i in self.due()], by="system", reason="retention_purge")
        with self.ctx.require_db().write() as conn:
            site_store.set_meta(conn, LAST_RUN_KEY, self.ctx.clock.now().isoformat())
        return n

    def find_person(self, key: PersonKey) -> list[Match]:
        """Every record (any stored version) that matches the erasure request."""
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
        return [Match(k[0], k[1], tuple(sorted(v)), summaries[k]) for k, v in found.items()]

    def erase(self, matches: Iterable[Match], by: str = "") -> int:
        """Purge the confirmed matches (erasure on request); recorded as ``erase_person``."""
        return self.purge([(m.kind, m.record_id) for m in matches], by=by, reason="erase_person")


def retention_service(ctx: AppContext) -> RetentionService:
    """The context's retention service."""
    return ctx.service("retention", RetentionService)  # type: ignore[return-value]


def on_context_open(ctx: AppContext) -> None:
    """Purge what is due when the database opens (the app also runs it daily)."""
    retention_service(ctx).run_due()
