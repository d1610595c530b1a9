"""Escalation plans (record kind ``escalation_plan``) and the call log (``call_attempt``,
``escalation_skip``, ``level_change``): tables and queries."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from frontdesk.domain.sync.versioning import canonical_json
from frontdesk.storage import records

PLAN = "escalation_plan"
ATTEMPT = "call_attempt"
SKIP = "escalation_skip"
LEVEL_CHANGE = "level_change"
LOG_KINDS = (ATTEMPT, SKIP, LEVEL_CHANGE)


def utc_text(value: object) -> str:
    """A stored instant as sortable UTC ISO text."""
    return datetime.fromisoformat(str(value)).astimezone(UTC).isoformat()


class PlanProjection:
    """Keeps ``escalation_plans`` in step (one row per incident)."""

    kind = PLAN

    def upsert(self, conn: sqlite3.Connection, record_id: str, payload: Mapping[str, Any],
               head: str, conflict: bool) -> None:
        """Write the plan row."""
        conn.execute(
            "INSERT INTO escalation_plans(incident_id, head, payload) VALUES (?,?,?)"
            " ON CONFLICT(incident_id) DO UPDATE SET head=excluded.head,"
            " payload=excluded.payload",
            (record_id, head, canonical_json(dict(payload))),
        )

    def remove(self, conn: sqlite3.Connection, record_id: str) -> None:
        """Drop the plan."""
        conn.execute("DELETE FROM escalation_plans WHERE incident_id = ?", (record_id,))


class LogProjection:
    """Keeps ``escalation_log`` in step for one of the three log kinds."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def upsert(self, conn: sqlite3.Connection, record_id: str, payload: Mapping[str, Any],
               head: str, conflict: bool) -> None:
        """Write the log row."""
        conn.execute(
            "INSERT INTO escalation_log(id, kind, incident_id, at, payload) VALUES (?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET incident_id=excluded.incident_id,"
            " at=excluded.at, payload=excluded.payload",
            (record_id, self.kind, str(payload["incident_id"]), utc_text(payload["at"]),
             canonical_json(dict(payload))),
        )

    def remove(self, conn: sqlite3.Connection, record_id: str) -> None:
        """Drop the log row."""
        conn.execute("DELETE FROM escalation_log WHERE id = ?", (record_id,))


records.register(PlanProjection())
for _kind in LOG_KINDS:
    records.register(LogProjection(_kind))


def plan_payload(conn: sqlite3.Connection, incident_id: str) -> dict[str, Any] | None:
    """The stored plan record of an incident, or None."""
    row = conn.execute("SELECT payload FROM escalation_plans WHERE incident_id = ?",
                       (incident_id,)).fetchone()
    return json.loads(row[0]) if row else None


def log(conn: sqlite3.Connection, incident_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """The incident's log as (kind, id, payload), oldest first."""
    rows = conn.execute(
        "SELECT kind, id, payload FROM escalation_log WHERE incident_id = ? ORDER BY at, id",
        (incident_id,),
    ).fetchall()
    return [(r[0], r[1], json.loads(r[2])) for r in rows]


def incidents_with_plans(conn: sqlite3.Connection) -> list[str]:
    """Every incident id that has a plan."""
    return [r[0] for r in conn.execute("SELECT incident_id FROM escalation_plans")]
