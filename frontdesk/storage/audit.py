"""The ``audit_events`` table: append, read, and the write hook that records every local change.

Rows are appended only; SQLite triggers refuse UPDATE and DELETE (:func:`ensure_triggers`), so
editing the trail needs a tool outside the app, and then :func:`frontdesk.domain.trust.audit.verify_chain`
names the first broken link. The hook stores field *names* and keyed digests, never values.

The digest key and the person at the keyboard are process state, set by the services when a
context opens and when someone signs in (:data:`KEYS`, :func:`set_actor`).
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from frontdesk.domain.trust import audit as chain
from frontdesk.domain.sync.versioning import Version
from frontdesk.storage import records

# Keyed by the database file's resolved path: the site key that digests record states.
KEYS: dict[str, bytes] = {}
_ACTOR: list[str] = [""]
_NAME_OK = re.compile(r"^[a-z_][a-z0-9_.]{0,63}$")

TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events"
    " BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events"
    " BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
)


def set_actor(name: str) -> None:
    """Who is signed in now (the actor of the next events); empty after sign-out."""
    _ACTOR[0] = name


def actor() -> str:
    """The signed-in person, or empty."""
    return _ACTOR[0]


def ensure_triggers(conn: sqlite3.Connection) -> None:
    """Create the append-only triggers (idempotent)."""
    for sql in TRIGGERS:
        conn.execute(sql)


def db_key(conn: sqlite3.Connection) -> bytes | None:
    """The site key registered for this connection's database file, if any."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return KEYS.get(str(row[2])) if row and row[2] else None


def _row_event(row: sqlite3.Row) -> chain.AuditEvent:
    data = dict(row)
    data["fields"] = json.loads(data["fields"])
    return chain.AuditEvent.from_dict(data)


def last(conn: sqlite3.Connection) -> chain.AuditEvent | None:
    """The newest event."""
    row = conn.execute("SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else _row_event(row)


def events(conn: sqlite3.Connection) -> list[chain.AuditEvent]:
    """Every event in sequence order."""
    return [_row_event(r) for r in conn.execute("SELECT * FROM audit_events ORDER BY seq")]


def store(conn: sqlite3.Connection, event: chain.AuditEvent) -> None:
    """Insert one built event."""
    d = event.to_dict()
    conn.execute(
        "INSERT INTO audit_events(seq, at, actor, action, record_kind, record_id, fields,"
        " before_hash, after_hash, site, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (d["seq"], d["at"], d["actor"], d["action"], d["record_kind"], d["record_id"],
         json.dumps(d["fields"]), d["before_hash"], d["after_hash"], d["site"], d["prev_hash"],
         d["hash"]),
    )


def append(
    conn: sqlite3.Connection, *, at: datetime, action: str, record_kind: str, record_id: str,
    fields: Iterable[str] = (), before_hash: str | None = None, after_hash: str | None = None,
    who: str = "",
) -> chain.AuditEvent:
    """Build and store the next event (inside the caller's write transaction)."""
    event = chain.append(
        last(conn), at=at, actor=who or actor() or "system", action=action,
        record_kind=record_kind, record_id=record_id, site=records.site_id(conn) or "local",
        fields=[f for f in fields if _NAME_OK.match(f)], before_hash=before_hash,
        after_hash=after_hash,
    )
    store(conn, event)
    return event


def _action(version: Version, previous: Mapping[str, Any] | None) -> str:
    if version.deleted:
        return "delete"
    if previous is None:
        return "create"
    if version.payload.get("purged") and not previous.get("purged"):
        return "purge"
    return "edit"


def on_write(conn: sqlite3.Connection, version: Version, previous: Mapping[str, Any] | None) -> None:
    """The records write hook: one event per local change, in the same transaction."""
    key = db_key(conn)
    before = dict(previous) if previous is not None else {}
    after = {} if version.deleted else dict(version.payload)
    edited_by = str(version.payload.get("edited_by") or "")
    at_raw = version.payload.get("edited_at")
    try:
        at = datetime.fromisoformat(str(at_raw)) if at_raw else datetime.now(UTC)
        if at.tzinfo is None:
            at = datetime.now(UTC)
    except ValueError:
        at = datetime.now(UTC)
    record_id = version.record_id if re.match(r"^[A-Za-z0-9_.:-]{1,64}$", version.record_id) \
        else version.version_id[:64]
    append(
        conn, at=at, action=_action(version, previous), record_kind=version.kind,
        record_id=record_id, fields=chain.diff_fields(before, after),
        before_hash=chain.record_hash(before, key) if key and previous is not None else None,
        after_hash=chain.record_hash(after, key) if key and after else None,
        who=actor() or edited_by,
    )


if on_write not in records.WRITE_HOOKS:
    records.WRITE_HOOKS.append(on_write)


def _open_hook() -> None:
    from frontdesk import context
    from frontdesk.services.trust import audit as service
    from frontdesk.services.trust import retention

    for hook in (service.on_context_open, retention.on_context_open):
        if hook not in context._OPEN_HOOKS:
            context.on_open(hook)


_open_hook()
