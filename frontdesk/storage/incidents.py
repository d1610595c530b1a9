"""Incidents, timeline entries, written reports and handovers: projections and queries.

Four synced kinds: ``incident`` (the incident's current facts), ``timeline_entry`` (append-only;
a correction is a new entry naming the one it supersedes), ``incident_report`` (record id = the
incident id) and ``handover``. Every instant is stored as UTC ISO text.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from frontdesk.domain.sync.versioning import canonical_json
from frontdesk.storage import records

INCIDENT = "incident"
ENTRY = "timeline_entry"
REPORT = "incident_report"
HANDOVER = "handover"


def utc(value: object) -> str | None:
    """Stored instants as sortable UTC ISO text."""
    if not value:
        return None
    return datetime.fromisoformat(str(value)).astimezone(UTC).isoformat()


class IncidentProjection:
    """Keeps ``incidents`` in step with each incident's winning version."""

    kind = INCIDENT

    def upsert(self, conn: sqlite3.Connection, record_id: str, payload: Mapping[str, Any],
               head: str, conflict: bool) -> None:
        """Write the incident row."""
        conn.execute(
            "INSERT INTO incidents(id, kind, state, occurred_at, head, conflict, payload)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind,"
            " state=excluded.state, occurred_at=excluded.occurred_at, head=excluded.head,"
            " conflict=excluded.conflict, payload=excluded.payload",
            (record_id, str(payload.get("kind", "")), str(payload.get("state", "open")),
             utc(payload.get("occurred_at")), head, int(conflict), canonical_json(dict(payload))))

    def remove(self, conn: sqlite3.Connection, record_id: str) -> None:
        """The incident was deleted."""
        conn.execute("DELETE FROM incidents WHERE id = ?", (record_id,))


class EntryProjection:
    """Keeps ``incident_timeline`` in step (entries are never edited, only superseded)."""

    kind = ENTRY

    def upsert(self, conn: sqlite3.Connection, record_id: str, payload: Mapping[str, Any],
               head: str, conflict: bool) -> None:
        """Write the entry row."""
        conn.execute(
            "INSERT OR REPLACE INTO incident_timeline(id, incident_id, occurred_at, recorded_at,"
            " payload) VALUES (?,?,?,?,?)",
            (record_id, str(payload.get("incident_id", "")), utc(payload.get("occurred_at")),
             utc(payload.get("recorded_at")), canonical_json(dict(payload))))

    def remove(self, conn: sqlite3.Connection, record_id: str) -> None:
        """The entry was deleted (only a privacy purge does that)."""
        conn.execute("DELETE FROM incident_timeline WHERE id = ?", (record_id,))


class ReportProjection:
    """Keeps ``incident_reports`` in step."""

    kind = REPORT

    def upsert(self, conn: sqlite3.Connection, record_id: str, payload: Mapping[str, Any],
               head: str, conflict: bool) -> None:
        """Write the report row."""
        conn.execute(
            "INSERT OR REPLACE INTO incident_reports(incident_id, state, head, payload)"
            " VALUES (?,?,?,?)",
            (record_id, str(payload.get("state", "draft")), head, canonical_json(dict(payload))))

    def remove(self, conn: sqlite3.Connection, record_id: str) -> None:
        """The report was deleted."""
        conn.execute("DELETE FROM incident_reports WHERE incident_id = ?", (record_id,))


class HandoverProjection:
    """Keeps ``handovers`` in step."""

    kind = HANDOVER

    def upsert(self, conn: sqlite3.Connection, record_id: str, payload: Mapping[str, Any],
               head: str, conflict: bool) -> None:
        """Write the handover row."""
        conn.execute(
            "INSERT OR REPLACE INTO handovers(id, created_at, accepted_at, payload)"
            " VALUES (?,?,?,?)",
            (record_id, utc(payload.get("created_at")), utc(payload.get("accepted_at")),
             canonical_json(dict(payload))))

    def remove(self, conn: sqlite3.Connection, record_id: str) -> None:
        """The handover was deleted."""
        conn.execute("DELETE FROM handovers WHERE id = ?", (record_id,))


for _p in (IncidentProjection(), EntryProjection(), ReportProjection(), HandoverProjection()):
    records.register(_p)


def incident_payload(conn: sqlite3.Connection, incident_id: str) -> dict[str, Any] | None:
    """The stored payload of one incident (with ``id``), or None."""
    row = conn.execute("SELECT id, payload FROM incidents WHERE id = ?",
                       (incident_id,)).fetchone()
    return {**json.loads(row[1]), "id": row[0]} if row else None


def incident_payloads(conn: sqlite3.Connection, open_only: bool) -> list[dict[str, Any]]:
    """Every incident's payload (with ``id``), oldest event first."""
    sql = "SELECT id, payload FROM incidents"
    if open_only:
        sql += " WHERE state <> 'closed'"
    rows = conn.execute(sql + " ORDER BY occurred_at").fetchall()
    return [{**json.loads(r[1]), "id": r[0]} for r in rows]


def entry_payloads(conn: sqlite3.Connection, incident_ids: list[str]) -> list[dict[str, Any]]:
    """Every timeline entry (with ``id``) of the given incidents, in order of occurrence."""
    if not incident_ids:
        return []
    marks = ",".join("?" * len(incident_ids))
    rows = conn.execute(
        f"SELECT id, payload FROM incident_timeline WHERE incident_id IN ({marks})"
        " ORDER BY occurred_at, recorded_at", incident_ids).fetchall()
    return [{**json.loads(r[1]), "id": r[0]} for r in rows]


def entry_payload(conn: sqlite3.Connection, entry_id: str) -> dict[str, Any] | None:
    """One timeline entry's payload (with ``id``)."""
    row = conn.execute("SELECT id, payload FROM incident_timeline WHERE id = ?",
                       (entry_id,)).fetchone()
    return {**json.loads(row[1]), "id": row[0]} if row else None


def report_payloads(conn: sqlite3.Connection, incident_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Report payloads by incident id."""
    if not incident_ids:
        return {}
    marks = ",".join("?" * len(incident_ids))
    rows = conn.execute(
        f"SELECT incident_id, payload FROM incident_reports WHERE incident_id IN ({marks})",
        incident_ids).fetchall()
    return {r[0]: json.loads(r[1]) for r in rows}


def handover_payload(conn: sqlite3.Connection, handover_id: str) -> dict[str, Any] | None:
    """One handover sheet (with ``id``)."""
    row = conn.execute("SELECT id, payload FROM handovers WHERE id = ?",
                       (handover_id,)).fetchone()
    return {**json.loads(row[1]), "id": row[0]} if row else None
