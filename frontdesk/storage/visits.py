"""The register's table, its search keys and its queries."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from frontdesk.domain.trust.retention import SALT
from frontdesk.domain.register.search import query_key, visit_terms
from frontdesk.domain.register.visits import Visit, from_payload
from frontdesk.domain.sync.versioning import canonical_json
from frontdesk.storage import records

KIND = "visit"
SEARCH_SCAN = 400


class VisitProjection:
    """Keeps ``visits`` and ``visit_terms`` in step with each visit's winning version."""

    kind = KIND

    def upsert(
        self, conn: sqlite3.Connection, record_id: str, payload: Mapping[str, Any],
        head: str, conflict: bool,
    ) -> None:
        """Write the visit row and replace its search keys."""
        old = old_terms(conn, [record_id]).get(record_id, set())
        conn.execute(
            "INSERT INTO visits(id, kind, time_in, time_out, head, conflict, payload)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind,"
            " time_in=excluded.time_in, time_out=excluded.time_out, head=excluded.head,"
            " conflict=excluded.conflict, payload=excluded.payload",
            (record_id, payload.get("kind") or "visitor", _utc(payload.get("time_in")),
             _utc(payload.get("time_out")), head, int(conflict), canonical_json(dict(payload))),
        )
        new = visit_terms(payload)
        conn.executemany("DELETE FROM visit_terms WHERE term = ? AND visit_id = ?",
                         [(t, record_id) for t in sorted(old - new)])
        conn.executemany("INSERT OR IGNORE INTO visit_terms(term, visit_id) VALUES (?, ?)",
                         [(t, record_id) for t in sorted(new - old)])

    def remove(self, conn: sqlite3.Connection, record_id: str) -> None:
        """Drop the visit and its keys."""
        old = old_terms(conn, [record_id]).get(record_id, set())
        conn.executemany("DELETE FROM visit_terms WHERE term = ? AND visit_id = ?",
                         [(t, record_id) for t in sorted(old)])
        conn.execute("DELETE FROM visits WHERE id = ?", (record_id,))


def old_terms(conn: sqlite3.Connection, ids: list[str]) -> dict[str, set[str]]:
    """The search keys stored now for those of ``ids`` that have a row.

    Keys are a pure function of the row's payload (:func:`~frontdesk.domain.register.search.visit_terms`),
    so they are recomputed rather than looked up: ``visit_terms`` needs no index by entry.
    This holds only while the stored keys were made by today's ``visit_terms``: a change to
    how keys are made must come with a schema step that rebuilds ``visit_terms``, or the keys
    the old rule made would never be deleted.
    """
    out: dict[str, set[str]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ",".join("?" * len(part))
        for rid, payload in conn.execute(
                f"SELECT id, payload FROM visits WHERE id IN ({marks})", part):
            out[rid] = visit_terms(json.loads(payload))
    return out


records.register(VisitProjection())


def _utc(value: object) -> str | None:
    """Stored instants as sortable UTC ISO text."""
    if not value:
        return None
    from datetime import UTC

    return datetime.fromisoformat(str(value)).astimezone(UTC).isoformat()


def _visit(row: sqlite3.Row) -> Visit:
    return from_payload(row["id"], json.loads(row["payload"]), bool(row["conflict"]))


@dataclass(frozen=True)
class HistoryEntry:
    """One version of an entry as its history shows it."""

    hlc: str
    at: str
    by: str
    origin: str
    fields: tuple[str, ...]
    deleted: bool


def get(conn: sqlite3.Connection, visit_id: str) -> Visit | None:
    """One visit, or None if unknown or deleted."""
    row = conn.execute("SELECT * FROM visits WHERE id = ?", (visit_id,)).fetchone()
    return _visit(row) if row else None


def list_between(
    conn: sqlite3.Connection, start: datetime, end: datetime, on_site_only: bool = False
) -> list[Visit]:
    """Entries whose time in is in [start, end), newest first."""
    sql = "SELECT * FROM visits WHERE time_in >= ? AND time_in < ?"
    if on_site_only:
        sql += " AND time_out IS NULL"
    rows = conn.execute(sql + " ORDER BY time_in DESC", (_utc(start.isoformat()),
                                                          _utc(end.isoformat()))).fetchall()
    return [_visit(r) for r in rows]


def list_on_site(conn: sqlite3.Connection, limit: int = 500) -> list[Visit]:
    """Everybody not yet signed out, whatever day they came, newest first."""
    rows = conn.execute(
        "SELECT * FROM visits WHERE time_out IS NULL ORDER BY time_in DESC LIMIT ?", (limit,)
    ).fetchall()
    return [_visit(r) for r in rows]


def search(conn: sqlite3.Connection, query: str, limit: int = 100,
           on_site_only: bool = False) -> list[Visit]:
    """Entries of any day with a key starting with ``query``, newest first.

    The index is scanned in key order for at most :data:`SEARCH_SCAN` matches, so one typed
    letter costs the same on a million entries as on a hundred; the matches are then sorted by
    time. Typing more narrows to the person.
    """
    key = query_key(query)
    if not key:
        return []
    # One statement: the newest ``limit`` of the matches are picked by (rowid, time_in) only,
    # then just those rows are read whole; sorting whole rows (payloads) of every match cost
    # 4x more per keystroke on a million entries (bench/bench_search.py).
    on_site = " AND time_out IS NULL" if on_site_only else ""
    # Entries whose key IS the query come first and newest first: ids sort by creation time
    # (frontdesk.domain.ids), so the index is read backwards. Then up to SEARCH_SCAN entries
    # whose key merely starts with it.
    exact = [r[0] for r in conn.execute(
        "SELECT visit_id FROM visit_terms WHERE term = ? ORDER BY visit_id DESC LIMIT ?",
        (key, limit))]
    rows = conn.execute(
        "SELECT * FROM visits WHERE rowid IN (SELECT rowid FROM visits WHERE id IN ("
        "SELECT value FROM json_each(?) UNION "
        "SELECT visit_id FROM (SELECT DISTINCT visit_id FROM visit_terms"
        " WHERE term >= ? AND term < ? LIMIT ?))"
        f"{on_site} ORDER BY time_in DESC LIMIT ?) ORDER BY time_in DESC",
        (json.dumps(exact), key, key + "\U0010ffff", SEARCH_SCAN, limit),
    ).fetchall()
    return [_visit(r) for r in rows]


def history(conn: sqlite3.Connection, visit_id: str) -> list[HistoryEntry]:
    """Every version of an entry, oldest first, with who changed which fields."""
    out: list[HistoryEntry] = []
    before: dict[str, Any] | None = None
    by_id: dict[str, dict[str, Any]] = {}
    for vr in records.versions_of(conn, KIND, visit_id):
        v = vr.version
        payload = dict(v.payload)
        parent = by_id.get(v.parents[0]) if v.parents else None
        base = parent if parent is not None else before
        meta_keys = {"edited_by", "edited_at", SALT}
        if base is None:
            changed = [k for k, val in payload.items() if val not in (None, "", False)
                       and k not in meta_keys]
        else:
            changed = [k for k in sorted(set(base) | set(payload))
                       if base.get(k) != payload.get(k) and k not in meta_keys]
        out.append(HistoryEntry(
            hlc=v.hlc, at=str(payload.get("edited_at") or ""), by=str(payload.get("edited_by") or ""),
            origin=v.origin, fields=tuple(changed), deleted=v.deleted,
        ))
        by_id[v.version_id] = payload
        before = payload
    return out
