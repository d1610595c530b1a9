"""Retention and erasure: blank personal fields everywhere they are stored, and say so.

A purge writes a new version with the personal fields set to ``None`` (so it syncs like any
edit), blanks those fields in every older stored version of the record (``purged = 1``), stores
a purge marker in ``purges`` (the sync helper carries it; see :mod:`frontdesk.sync.merge`). Then
it reaches every byte (:mod:`frontdesk.services.trust.reach`): the WAL is checkpointed into the
main file until that completes (a reader on an old snapshot delays it, it does not stop it), and
every backup gets the same versions and markers. With ``secure_delete`` on, the old values are
then gone from the database file, its ``-wal`` and every backup (tests grep them all).

A restore cannot bring anybody back: erasures, retention runs and the retention period are also
written to the privacy ledger beside the database (:mod:`frontdesk.services.trust.ledger`),
re-applied whenever the database opens and to a restored copy before it is put in place.

Incidents and their timeline, report, call notes and handover sheets follow the same path with
their own rules (:mod:`frontdesk.services.incidents.retention`): the scheduled job purges them
too, and an erasure request finds a person in their free text by every identifier gathered for
them (:mod:`frontdesk.domain.trust.identifiers`) and removes just that.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from frontdesk.domain.trust.identifiers import PersonIds, beside_names
from frontdesk.domain.trust.incident_retention import KINDS as INCIDENT_KINDS
from frontdesk.domain.trust.incident_retention import (
    person_hits,
    person_redactor,
    removal,
    texts_of,
)
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
from frontdesk.services.trust import ledger
from frontdesk.services.trust.reach import Purged, reach_backups, settle_wal
from frontdesk.services.changes import changes_data

if TYPE_CHECKING:  # pragma: no cover
    import sqlite3

    from frontdesk.context import AppContext
    from frontdesk.services.incidents.retention import DueGroup

LAST_RUN_KEY = "retention_last_run"
BATCH = 50


@dataclass(frozen=True)
class Match:
    """A record an erasure request matches, with what matched (for the supervisor to confirm)."""

    kind: str
    record_id: str
    matched: tuple[str, ...]
    summary: str
    key: PersonIds | None = None  # for incident records: what to remove from their free text


def _when(value: object) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def purge_record(conn: sqlite3.Connection, kind: str, record_id: str, now: datetime,
                 by: str) -> Purged | None:
    """Purge one record's personal fields here and in its stored history (in a transaction).

    Returns the version written and the purge order, or None if the record does not exist.
    Idempotent: purging twice adds a version and a marker but blanks nothing new.
    """
    from frontdesk.storage import records
    from frontdesk.sync.merge import PurgeMarker, blank_fields

    win, _n = records.current(conn, kind, record_id)
    if win is None:
        return None
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
    marker = PurgeMarker(kind, record_id, version.hlc, tuple(fields),
                         now.astimezone(UTC).isoformat(), by or "system", records.site_id(conn))
    conn.execute(
        "INSERT OR IGNORE INTO purges(kind, record_id, before_hlc, fields, at, by, origin)"
        " VALUES (?,?,?,?,?,?,?)",
        (kind, record_id, marker.before_hlc, json.dumps(list(marker.fields)), marker.at,
         marker.by, marker.origin),
    )
    return Purged(version, marker)


class RetentionService:
    """Scheduled purges and erasure on request for one context."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        #: Lines about backups that could not be purged and were deleted (for the app to show).
        self.warnings: list[str] = []
        #: False when the last purge could not fold the WAL back yet (a reader held on).
        self.settled = True

    def cutoff(self) -> datetime:
        """The instant before which records go: the site's retention period back from now, or
        a later cutoff a retention run already applied (the ledger keeps it across restores)."""
        site = self.ctx.require_site()
        now = self.ctx.clock.now()
        cut = retention_cutoff(now, site.retention_days)
        applied = ledger.max_cutoff(ledger.read(self.ctx.paths.ledger_file))
        return max(cut, min(applied, now)) if applied is not None else cut

    def due(self, cutoff: datetime | None = None) -> list[str]:
        """Ids of register entries whose retention has ended and that are not purged yet."""
        cutoff = cutoff or self.cutoff()
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
        """Purge these ``(kind, record_id)`` records (transactions of BATCH), then reach the
        main file and every backup."""
        purged = self._purge([(kind, record_id, None) for kind, record_id in ids], by, reason)
        self._reach(purged)
        return len(purged)

    def _purge(self, items: list[tuple[str, str, PersonIds | None]], by: str,
               reason: str) -> list[Purged]:
        """Purge records; an incident-feature record with a key loses only that person."""
        from frontdesk.services.incidents import retention as inc
        from frontdesk.storage import audit as store

        db = self.ctx.require_db()
        now = self.ctx.clock.now()
        who = by or self.ctx.session.user or "system"
        mark = inc.removed_mark()
        purged: list[Purged] = []
        # Small transactions, so a guard saving an entry meanwhile never waits long for the lock.
        for start in range(0, len(items), BATCH):
            with db.write() as conn:
                done: list[Purged] = []
                for kind, record_id, key in items[start:start + BATCH]:
                    if kind in INCIDENT_KINDS:
                        scrub = removal(mark) if key is None else person_redactor(key, mark)
                        one = inc.purge_record(conn, kind, record_id, now, who, scrub)
                    else:
                        one = purge_record(conn, kind, record_id, now, who)
                    if one is not None:
                        done.append(one)
                if done:
                    store.append(conn, at=now, action=reason, record_kind="retention",
                                 record_id=uuid.uuid4().hex, fields=("count",), who=who)
                if done and reason == "erase_person":
                    # Written (and flushed) before the commit: see services.trust.ledger.
                    ledger.append(self.ctx.paths.ledger_file,
                                  ledger.erase_lines(p.marker for p in done))
            purged += done
        return purged

    def _reach(self, purged: list[Purged]) -> None:
        """After purges: fold the WAL into the main file, then purge every backup."""
        from frontdesk.services.trust.backup import adopt_legacy_copy, list_backups

        if not purged:
            return
        self.settled = settle_wal(self.ctx.require_db())
        adopt_legacy_copy(self.ctx.paths.db_file, self.ctx.paths.backups_dir)
        self.warnings += reach_backups(
            [b.path for b in list_backups(self.ctx.paths.backups_dir)], purged)

    def _purge_incidents(self, groups: list[DueGroup]) -> list[Purged]:
        """The scheduled purge of incidents, their lines and handover sheets (one transaction
        per few incidents, so an incident is never left half purged)."""
        from frontdesk.domain.trust.audit import detail
        from frontdesk.services.incidents import retention as inc
        from frontdesk.storage import audit as store

        db = self.ctx.require_db()
        mark = inc.removed_mark()
        now = self.ctx.clock.now()
        purged: list[Purged] = []
        while groups:
            batch: list[DueGroup] = []
            while groups and (not batch or sum(len(g.items) for g in batch) < BATCH):
                batch.append(groups.pop(0))
            with db.write() as conn:
                for g in batch:
                    done = [p for kind, rid in g.items
                            if (p := inc.purge_record(conn, kind, rid, now, "system",
                                                      removal(mark))) is not None]
                    if done:
                        kinds = sorted({kind for kind, _rid in g.items})
                        store.append(conn, at=now, action="retention_purge",
                                     record_kind=g.audit_kind, record_id=g.audit_id,
                                     fields=(*kinds, detail("records", len(done))), who="system")
                    purged += done
        return purged

    def run_due(self) -> int:
        """The scheduled job: purge every entry and incident past the site's retention period
        (or past a later cutoff the ledger holds), then reach the main file and every backup."""
        from frontdesk.services.incidents import retention as inc
        from frontdesk.storage import site as site_store

        now = self.ctx.clock.now()
        cutoff = self.cutoff()
        visits = self.due(cutoff)
        groups = inc.due_groups(self.ctx.require_db().read(), cutoff, inc.removed_mark())
        if visits or groups:
            ledger.append(self.ctx.paths.ledger_file, [ledger.retention_line(cutoff, now)])
        purged = self._purge([("visit", i, None) for i in visits], "system", "retention_purge")
        purged += self._purge_incidents(groups)
        self._reach(purged)
        with self.ctx.require_db().write() as conn:
            site_store.set_meta(conn, LAST_RUN_KEY, now.isoformat())
        return len(purged)

    def reapply_ledger(self) -> int:
        """Re-apply the privacy ledger (after a restore, or a copy put back by hand): the
        retention period and every erasure; returns the erasure orders that were missing."""
        entries = ledger.read(self.ctx.paths.ledger_file)
        if not entries:
            return 0
        with self.ctx.require_db().write() as conn:
            n = ledger.apply(conn, entries)
        self.ctx.reload_site()
        if n:
            self.settled = settle_wal(self.ctx.require_db())
        return n

    def find_person(self, key: PersonKey) -> list[Match]:
        """Every record (any stored version) that matches the erasure request: register entries
        by their fields, incident records by every identifier of the person in their free text
        (the request's, those of the register entries found, and any written beside one of
        their names in incident text)."""
        conn = self.ctx.require_db().read()
        found: dict[tuple[str, str], set[str]] = {}
        summaries: dict[tuple[str, str], str] = {}
        ids = PersonIds.from_key(key)
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
                ids = ids.with_entry(payload)
                summaries[k] = " · ".join(
                    str(payload.get(f) or "") for f in ("time_in", "kind", "name", "organisation")
                    if payload.get(f))
        out = [Match(k[0], k[1], tuple(sorted(v)), summaries[k]) for k, v in found.items()]
        return out + self._find_in_incidents(conn, ids)

    def _find_in_incidents(self, conn: sqlite3.Connection, ids: PersonIds) -> list[Match]:
        from frontdesk.services.incidents import retention as inc

        zone = self.ctx.require_site().timezone
        stored = list(inc.scan(conn))
        for kind, _rid, payload in stored:  # identifiers written beside one of their names
            for text in texts_of(kind, payload):
                ids = ids.union(beside_names(text, ids.names))
        found: dict[tuple[str, str], set[str]] = {}
        summaries: dict[tuple[str, str], str] = {}
        for kind, record_id, payload in stored:
            hit = person_hits(kind, payload, ids)
            if hit:
                k = (kind, record_id)
                found.setdefault(k, set()).update(hit)
                summaries[k] = inc.summary(kind, payload, zone)
        return [Match(k[0], k[1], tuple(sorted(v)), summaries[k], ids)
                for k, v in sorted(found.items())]

    @changes_data
    def erase(self, matches: Iterable[Match], by: str = "") -> int:
        """Purge the confirmed matches (erasure on request); recorded as ``erase_person``.

        A register entry loses all its personal fields; an incident record loses the matched
        person only (every identifier gathered for them in its text), using the match's key.
        """
        items = [(m.kind, m.record_id, m.key if m.kind in INCIDENT_KINDS else None)
                 for m in matches]
        purged = self._purge(items, by, "erase_person")
        self._reach(purged)
        return len(purged)


def retention_service(ctx: AppContext) -> RetentionService:
    """The context's retention service."""
    return ctx.service("retention", RetentionService)


def on_context_open(ctx: AppContext) -> None:
    """When the database opens: re-apply the privacy ledger, then purge what is due (the app
    also runs the purge daily)."""
    svc = retention_service(ctx)
    svc.reapply_ledger()
    svc.run_due()
