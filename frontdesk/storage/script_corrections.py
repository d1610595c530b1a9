"""Striking out a script reading recorded by mistake: a new version, never a delete.

A reading (``script_use``) struck out keeps every field and gains ``struck_by`` and
``struck_at`` in a new version of its record, so the history shows both the reading and its
correction, and the correction syncs like any edit. No new table or column: the marks live in
the record's payload, which ``script_uses.payload`` already holds.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from frontdesk.storage import records
from frontdesk.storage.script_uses import KIND, ScriptUse, from_payload


@dataclass(frozen=True)
class Strike:
    """Who struck a reading out, and when."""

    by: str
    at: datetime


def get(conn: sqlite3.Connection, use_id: str) -> tuple[ScriptUse, Strike | None] | None:
    """The reading and its strike (if struck), or None if there is no such reading."""
    win, _heads = records.current(conn, KIND, use_id)
    if win is None or win.deleted:
        return None
    return from_payload(use_id, win.payload), _strike(win.payload)


def strike(conn: sqlite3.Connection, use_id: str, by: str, now: datetime) -> bool:
    """Strike a reading out (inside a write transaction); False if gone or already struck."""
    win, _heads = records.current(conn, KIND, use_id)
    if win is None or win.deleted or _strike(win.payload) is not None:
        return False
    at = now.astimezone(UTC).isoformat()
    payload = dict(win.payload) | {"struck_by": by, "struck_at": at, "edited_by": by,
                                   "edited_at": at}
    records.write(conn, KIND, use_id, payload, now)
    return True


def strikes(conn: sqlite3.Connection, use_ids: Iterable[str]) -> dict[str, Strike]:
    """The strikes among ``use_ids`` (readings not struck are absent)."""
    ids = list(use_ids)
    out: dict[str, Strike] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ",".join("?" * len(part))
        for rid, by, at in conn.execute(
                "SELECT id, json_extract(payload, '$.struck_by'),"
                f" json_extract(payload, '$.struck_at') FROM script_uses WHERE id IN ({marks})"
                " AND json_extract(payload, '$.struck_at') IS NOT NULL", part):
            out[rid] = Strike(str(by or ""), datetime.fromisoformat(str(at)))
    return out


def _strike(payload: object) -> Strike | None:
    if not isinstance(payload, dict) or not payload.get("struck_at"):
        return None
    return Strike(str(payload.get("struck_by") or ""),
                  datetime.fromisoformat(str(payload["struck_at"])))
