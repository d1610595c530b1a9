"""The contact list's table (synced record kind ``contact``) and its queries."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from frontdesk.domain.escalation.contacts import Contact, default_branch
from frontdesk.domain.sync.versioning import canonical_json
from frontdesk.storage import records

KIND = "contact"
FIELDS = ("name", "role", "unit", "phone", "backup_phone", "on_duty", "duty_hours", "notes",
          "branch")


class ContactProjection:
    """Keeps ``contacts`` in step with each contact's winning version."""

    kind = KIND

    def upsert(self, conn: sqlite3.Connection, record_id: str, payload: Mapping[str, Any],
               head: str, conflict: bool) -> None:
        """Write the contact row."""
        conn.execute(
            "INSERT INTO contacts(id, role, name, head, conflict, payload) VALUES (?,?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET role=excluded.role, name=excluded.name,"
            " head=excluded.head, conflict=excluded.conflict, payload=excluded.payload",
            (record_id, str(payload.get("role", "")), str(payload.get("name", "")), head,
             int(conflict), canonical_json(dict(payload))),
        )

    def remove(self, conn: sqlite3.Connection, record_id: str) -> None:
        """Drop a deleted contact."""
        conn.execute("DELETE FROM contacts WHERE id = ?", (record_id,))


records.register(ContactProjection())


def to_payload(contact: Contact) -> dict[str, Any]:
    """A contact as the payload a version stores (without the edit stamp)."""
    return {
        "name": contact.name, "role": contact.role, "unit": contact.unit,
        "phone": contact.phone, "backup_phone": contact.backup_phone,
        "on_duty": contact.on_duty, "duty_hours": contact.duty_hours, "notes": contact.notes,
        "branch": contact.branch,
    }


def from_payload(record_id: str, payload: Mapping[str, Any]) -> Contact:
    """Rebuild a contact from a stored payload (tolerant of missing fields)."""
    role = str(payload.get("role", ""))
    hours = payload.get("duty_hours")
    return Contact(
        id=record_id, name=str(payload.get("name", "")), role=role,
        unit=str(payload.get("unit", "")), phone=str(payload.get("phone", "")),
        backup_phone=str(payload.get("backup_phone", "")),
        on_duty=bool(payload.get("on_duty", True)), duty_hours=str(hours) if hours else None,
        notes=str(payload.get("notes", "")),
        branch=str(payload.get("branch") or default_branch(role)),
    )


def all_contacts(conn: sqlite3.Connection) -> list[Contact]:
    """Every contact, by role then name."""
    rows = conn.execute("SELECT id, payload FROM contacts ORDER BY role, name, id").fetchall()
    return [from_payload(r[0], json.loads(r[1])) for r in rows]


def get(conn: sqlite3.Connection, contact_id: str) -> Contact | None:
    """One contact, or None."""
    row = conn.execute("SELECT id, payload FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    return from_payload(row[0], json.loads(row[1])) if row else None


def _register_start_check() -> None:
    # Storage modules are imported when the database opens, before the open hooks run, so
    # the policy check is wired here without the app importing anything at start.
    from frontdesk import context

    def start_check(ctx: Any) -> None:
        from frontdesk.services.escalation.contacts import start_check as run

        run(ctx)

    context.on_open(start_check)


_register_start_check()
