"""Script readings as a synced record kind (``script_use``): projection, table and queries."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from frontdesk.domain.sync.versioning import canonical_json
from frontdesk.storage import records

KIND = "script_use"


@dataclass(frozen=True)
class ScriptUse:
    """One reading of a script: which lines, in which language, by whom, against what."""

    id: str
    situation_id: str
    at: datetime
    by: str
    lines_shown: tuple[int, ...]
    lang: str
    visit_id: str | None = None
    incident_id: str | None = None


def to_payload(use: ScriptUse) -> dict[str, Any]:
    """The record's JSON payload (instants as UTC ISO text)."""
    return {
        "situation_id": use.situation_id, "at": use.at.astimezone(UTC).isoformat(),
        "by": use.by, "lines_shown": list(use.lines_shown), "lang": use.lang,
        "visit_id": use.visit_id, "incident_id": use.incident_id,
        "edited_by": use.by, "edited_at": use.at.astimezone(UTC).isoformat(),
    }


def from_payload(record_id: str, payload: Mapping[str, Any]) -> ScriptUse:
    """A :class:`ScriptUse` from a stored payload (missing fields tolerated)."""
    lines = payload.get("lines_shown") or []
    return ScriptUse(
        id=record_id, situation_id=str(payload.get("situation_id") or ""),
        at=datetime.fromisoformat(str(payload.get("at"))),
        by=str(payload.get("by") or ""),
        lines_shown=tuple(int(n) for n in lines if isinstance(n, int)),
        lang=str(payload.get("lang") or ""),
        visit_id=payload.get("visit_id") or None, incident_id=payload.get("incident_id") or None,
    )


class ScriptUseProjection:
    """Keeps ``script_uses`` in step with each reading's winning version."""

    kind = KIND

    def upsert(self, conn: sqlite3.Connection, record_id: str, payload: Mapping[str, Any],
               head: str, conflict: bool) -> None:
        """Write or replace the reading's row."""
        at = datetime.fromisoformat(str(payload.get("at"))).astimezone(UTC).isoformat()
        conn.execute(
            "INSERT INTO script_uses(id, situation_id, at, by, visit_id, incident_id, payload)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
            " situation_id=excluded.situation_id, at=excluded.at, by=excluded.by,"
            " visit_id=excluded.visit_id, incident_id=excluded.incident_id,"
            " payload=excluded.payload",
            (record_id, str(payload.get("situation_id") or ""), at, str(payload.get("by") or ""),
             payload.get("visit_id") or None, payload.get("incident_id") or None,
             canonical_json(dict(payload))),
        )

    def remove(self, conn: sqlite3.Connection, record_id: str) -> None:
        """Drop the reading."""
        conn.execute("DELETE FROM script_uses WHERE id = ?", (record_id,))


records.register(ScriptUseProjection())


def add(conn: sqlite3.Connection, use: ScriptUse, now: datetime) -> None:
    """Store a new reading as the first version of its record."""
    records.write(conn, KIND, use.id, to_payload(use), now)


def attach(conn: sqlite3.Connection, use_ids: tuple[str, ...], visit_id: str, by: str,
           now: datetime) -> int:
    """Attach readings that were made against no entry to ``visit_id`` (a new version each).

    A reading already against an entry, or one that is gone, is left as it is. Returns how many
    were attached.
    """
    done = 0
    for use_id in use_ids:
        win, _n = records.current(conn, KIND, use_id)
        if win is None or win.deleted or win.payload.get("visit_id"):
            continue
        payload = dict(win.payload) | {"visit_id": visit_id, "edited_by": by,
                                       "edited_at": now.astimezone(UTC).isoformat()}
        records.write(conn, KIND, use_id, payload, now)
        done += 1
    return done


def _rows(conn: sqlite3.Connection, where: str, args: tuple[object, ...]) -> list[ScriptUse]:
    rows = conn.execute(f"SELECT id, payload FROM script_uses WHERE {where} ORDER BY at, id",
                        args).fetchall()
    return [from_payload(r[0], json.loads(r[1])) for r in rows]


def for_visit(conn: sqlite3.Connection, visit_id: str) -> list[ScriptUse]:
    """Readings against one register entry, oldest first."""
    return _rows(conn, "visit_id = ?", (visit_id,))


def for_incident(conn: sqlite3.Connection, incident_id: str) -> list[ScriptUse]:
    """Readings against one incident, oldest first."""
    return _rows(conn, "incident_id = ?", (incident_id,))


def between(conn: sqlite3.Connection, start: datetime, end: datetime) -> list[ScriptUse]:
    """Readings with ``start <= at < end``, oldest first."""
    return _rows(conn, "at >= ? AND at < ?", (start.astimezone(UTC).isoformat(),
                                               end.astimezone(UTC).isoformat()))
