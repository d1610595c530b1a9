"""Incident queries beyond the projection's basics: the next spoken number, the closed list.

Written on the DBAPI connection ``Database`` hands out (raw ``sqlite3``), reading the tables the
incident projection keeps (``incidents``) and the version store (``versions``); no table or
column of its own. Numbers are counted over every stored version, not only the current rows, so
a number is never handed out twice at a site even if an incident was later removed.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from frontdesk.storage.incidents import INCIDENT

#: How a spoken incident number looks: the site-local year, a dash, four digits (2026-0042).
NUMBER_WIDTH = 4


def next_number(conn: sqlite3.Connection, site_id: str, year: int) -> str:
    """The next incident number of ``site_id`` for ``year`` (call inside the write transaction
    that stores the incident, so two PCs on one database never get the same number)."""
    row = conn.execute(
        "SELECT max(CAST(substr(json_extract(payload, '$.number'), 6) AS INTEGER))"
        " FROM versions WHERE kind = ? AND json_extract(payload, '$.number_site') = ?"
        " AND json_extract(payload, '$.number') LIKE ?",
        (INCIDENT, site_id, f"{year:04d}-%")).fetchone()
    last = int(row[0]) if row and row[0] is not None else 0
    return f"{year:04d}-{last + 1:0{NUMBER_WIDTH}d}"


def closed_payloads(conn: sqlite3.Connection, start_utc: str | None, end_utc: str | None,
                    kind: str | None = None) -> list[dict[str, Any]]:
    """Closed incidents whose event lies in ``[start_utc, end_utc)`` (UTC ISO text; None: open
    ended), optionally of one kind, newest event first, each payload with its ``id``."""
    sql = "SELECT id, payload FROM incidents WHERE state = 'closed'"
    args: list[str] = []
    if start_utc is not None:
        sql += " AND occurred_at >= ?"
        args.append(start_utc)
    if end_utc is not None:
        sql += " AND occurred_at < ?"
        args.append(end_utc)
    if kind:
        sql += " AND kind = ?"
        args.append(kind)
    rows = conn.execute(sql + " ORDER BY occurred_at DESC", args).fetchall()
    return [{**json.loads(r[1]), "id": r[0]} for r in rows]


def touching_payloads(conn: sqlite3.Connection, start_utc: str, end_utc: str
                      ) -> list[dict[str, Any]]:
    """Incidents that happened before ``end_utc`` and were not closed before ``start_utc``
    (their ``closed_at`` in the payload; open ones always count): what a duty period saw."""
    rows = conn.execute(
        "SELECT id, payload FROM incidents WHERE occurred_at < ?"
        " AND (state <> 'closed' OR coalesce(json_extract(payload, '$.closed_at'),"
        " json_extract(payload, '$.edited_at')) >= ?) ORDER BY occurred_at",
        (end_utc, start_utc)).fetchall()
    return [{**json.loads(r[1]), "id": r[0]} for r in rows]
