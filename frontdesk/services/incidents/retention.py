"""Retention purges and erasure for the incident feature's records (used by the retention service).

Which parts go is decided in :mod:`frontdesk.domain.trust.incident_retention`. When they go:

* an **incident** and the records that hang on it (its timeline entries, written report, call
  log notes and skip reasons) once the site's retention period has passed since the incident's
  *last activity*: the latest of when it happened, was opened, and every timeline entry and call
  recorded on it. For a closed incident that is its closing (or a note added after it); for one
  never closed it is when it was last worked on. Counting from the opening instead would strip
  the people from an incident still being handled (a long dispute); counting only closed ones
  would let a forgotten open incident keep them for ever. A purge's own writes do not count as
  activity (entry times are kept, and the incident's ``edited_at`` is not read);
* a **handover sheet** once the period has passed since it was accepted (or made).

How, so that it is recorded and travels with sync like a register purge: a new version with the
scrubbed payload (flagged ``purged``; the audit hook records it), then a purge marker through
:func:`frontdesk.storage.sync.store_purge` (the import path) naming the top-level fields that
older versions lose whole. The marker's ``before_hlc`` is the newest *older* version's stamp, so
it covers every version stored before the purge but not the purge version itself (which keeps
the incident's structure: checklist marks with a reason, account lines with their times).
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from frontdesk.domain.sitetime import full_time
from frontdesk.domain.trust.incident_retention import (
    CALL,
    ENTRY,
    HANDOVER,
    INCIDENT,
    KINDS,
    MARKED_FIELDS,
    REPORT,
    SKIP,
    Scrubber,
    needs_purge,
    purged_payload,
)
from frontdesk.services.trust.reach import Purged

CHUNK = 500


@dataclass(frozen=True)
class DueGroup:
    """Records to purge together, and what the audit event names (``incident`` and its id...)."""

    audit_kind: str
    audit_id: str
    items: tuple[tuple[str, str], ...]


def removed_mark() -> str:
    """What a removed text reads as, in both languages: 〔已清除/removed〕."""
    from frontdesk.i18n import both

    zh, en = both("retention.removed")
    return f"〔{zh}/{en}〕"


def _when(value: object) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def purge_record(conn: sqlite3.Connection, kind: str, record_id: str, now: datetime, by: str,
                 scrubber: Scrubber) -> Purged | None:
    """Purge one record (inside the caller's transaction): the version written and the purge
    order, or None if the record is gone or deleted."""
    from frontdesk.storage import records
    from frontdesk.storage.sync import store_purge
    from frontdesk.sync.merge import PurgeMarker

    win, _n = records.current(conn, kind, record_id)
    if win is None or win.deleted:
        return None
    older = records.versions_of(conn, kind, record_id)
    stamp = now.astimezone(UTC).isoformat()
    body = purged_payload(kind, win.payload, scrubber, stamp)
    body |= {"edited_by": by, "edited_at": stamp}
    version = records.write(conn, kind, record_id, body, now)
    marker = PurgeMarker(kind, record_id, max(r.version.hlc for r in older), MARKED_FIELDS[kind],
                         stamp, by or "system", records.site_id(conn))
    store_purge(conn, marker)
    return Purged(version, marker)


def _incident_rows(conn: sqlite3.Connection, before: str) -> dict[str, dict[str, Any]]:
    rows = conn.execute("SELECT id, occurred_at, payload FROM incidents WHERE occurred_at <= ?",
                        (before,)).fetchall()
    return {r[0]: json.loads(r[2]) for r in rows}


def _linked(conn: sqlite3.Connection,
            ids: list[str]) -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
    """(kind, record id, incident id, time, payload) of entries, reports and call-log lines."""
    for part in _chunks(ids):
        marks = ",".join("?" * len(part))
        for r in conn.execute(f"SELECT id, incident_id, recorded_at, payload FROM"
                              f" incident_timeline WHERE incident_id IN ({marks})", part):
            yield ENTRY, r[0], r[1], r[2], json.loads(r[3])
        for r in conn.execute(f"SELECT incident_id, payload FROM incident_reports"
                              f" WHERE incident_id IN ({marks})", part):
            yield REPORT, r[0], r[0], "", json.loads(r[1])
        for r in conn.execute(f"SELECT kind, id, incident_id, at, payload FROM escalation_log"
                              f" WHERE incident_id IN ({marks}) AND kind IN (?, ?)",
                              [*part, CALL, SKIP]):
            yield r[0], r[1], r[2], r[3], json.loads(r[4])


def due_groups(conn: sqlite3.Connection, cutoff: datetime, mark: str) -> list[DueGroup]:
    """Every incident-feature record past retention that still holds something to remove."""
    # An incident's last activity is never before it happened: a cheap first filter (+1 day
    # for the odd stored offset), then the exact test on parsed instants.
    before = (cutoff + timedelta(days=1)).astimezone(UTC).isoformat()
    incidents = _incident_rows(conn, before)
    last: dict[str, datetime] = {}
    for iid, p in incidents.items():
        times = [t for t in (_when(p.get("occurred_at")), _when(p.get("opened_at"))) if t]
        last[iid] = max(times, default=cutoff)
    linked: dict[str, list[tuple[str, str, dict[str, Any]]]] = {i: [] for i in incidents}
    for kind, rid, iid, at, payload in _linked(conn, list(incidents)):
        t = _when(at)
        if t is not None and t > last[iid]:
            last[iid] = t
        linked[iid].append((kind, rid, payload))
    groups: list[DueGroup] = []
    for iid, p in incidents.items():
        if last[iid] > cutoff:
            continue
        todo = [(k, r) for k, r, pl in [(INCIDENT, iid, p), *linked[iid]]
                if needs_purge(k, pl, mark)]
        if todo:
            groups.append(DueGroup(INCIDENT, iid, tuple(todo)))
    orphans = _orphans(conn, cutoff, mark)
    if orphans:
        groups.append(DueGroup("retention", "orphaned_incident_records", tuple(orphans)))
    for r in conn.execute("SELECT id, created_at, accepted_at, payload FROM handovers"
                          " WHERE created_at <= ?", (before,)):
        times = [t for t in (_when(r[1]), _when(r[2])) if t is not None]
        if times and max(times) <= cutoff and needs_purge(HANDOVER, json.loads(r[3]), mark):
            groups.append(DueGroup(HANDOVER, r[0], ((HANDOVER, r[0]),)))
    return groups


def _orphans(conn: sqlite3.Connection, cutoff: datetime, mark: str) -> list[tuple[str, str]]:
    """Lines of incidents this PC does not hold (a partial sync), aged by their own time."""
    out: list[tuple[str, str]] = []
    limit = cutoff.astimezone(UTC).isoformat()
    for r in conn.execute("SELECT id, payload FROM incident_timeline WHERE recorded_at <= ?"
                          " AND incident_id NOT IN (SELECT id FROM incidents)", (limit,)):
        if needs_purge(ENTRY, json.loads(r[1]), mark):
            out.append((ENTRY, r[0]))
    for r in conn.execute("SELECT kind, id, payload FROM escalation_log WHERE at <= ?"
                          " AND kind IN (?, ?) AND incident_id NOT IN (SELECT id FROM incidents)",
                          (limit, CALL, SKIP)):
        if needs_purge(r[0], json.loads(r[2]), mark):
            out.append((r[0], r[1]))
    return out


_TIME_FIELD = {INCIDENT: "occurred_at", ENTRY: "occurred_at", REPORT: "occurred_at",
               HANDOVER: "created_at", CALL: "at", SKIP: "at"}


def summary(kind: str, payload: dict[str, object], zone: str) -> str:
    """What the erasure screen shows for a matched record: its kind and site-local time only
    (the matched text itself is not repeated on screen)."""
    from frontdesk.i18n import t

    when = _when(payload.get(_TIME_FIELD.get(kind, "")))
    stamp = full_time(when, zone) if when else ""
    return " · ".join(x for x in (stamp, t(f"trust.erase.kind.{kind}")) if x)


def scan(conn: sqlite3.Connection) -> Iterable[tuple[str, str, dict[str, object]]]:
    """Every stored version of the incident feature's records: (kind, record id, payload)."""
    marks = ",".join("?" * len(KINDS))
    for row in conn.execute(f"SELECT kind, record_id, payload FROM versions"
                            f" WHERE kind IN ({marks}) AND deleted = 0 ORDER BY hlc", KINDS):
        yield row[0], row[1], json.loads(row[2])
