"""Local users of this PC (name, role, PIN hash) and their failed sign-in attempts.

Not a synced record: PIN hashes never leave the machine (no version, no bundle).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class User:
    """One person who may sign in here."""

    name: str
    role: str
    pin_hash: str
    created_at: str
    disabled: bool


def _user(row: sqlite3.Row) -> User:
    return User(row["name"], row["role"], row["pin_hash"], row["created_at"], bool(row["disabled"]))


def count(conn: sqlite3.Connection, active_only: bool = True) -> int:
    """How many users exist (enabled ones by default)."""
    sql = "SELECT COUNT(*) FROM users" + (" WHERE disabled = 0" if active_only else "")
    return int(conn.execute(sql).fetchone()[0])


def get(conn: sqlite3.Connection, name: str) -> User | None:
    """The user called ``name``, if any."""
    row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return None if row is None else _user(row)


def all_users(conn: sqlite3.Connection) -> list[User]:
    """Every user, by name."""
    return [_user(r) for r in conn.execute("SELECT * FROM users ORDER BY name")]


def insert(conn: sqlite3.Connection, name: str, role: str, pin_hash: str, now: datetime) -> None:
    """Add a user (inside a write transaction); raises ``sqlite3.IntegrityError`` on a duplicate."""
    conn.execute(
        "INSERT INTO users(name, role, pin_hash, created_at, disabled) VALUES (?,?,?,?,0)",
        (name, role, pin_hash, now.astimezone(UTC).isoformat()),
    )


def set_pin(conn: sqlite3.Connection, name: str, pin_hash: str) -> None:
    """Replace a user's PIN hash and forget their failures."""
    conn.execute("UPDATE users SET pin_hash = ? WHERE name = ?", (pin_hash, name))
    clear_failures(conn, name)


def set_disabled(conn: sqlite3.Connection, name: str, disabled: bool) -> None:
    """Disable or enable a user."""
    conn.execute("UPDATE users SET disabled = ? WHERE name = ?", (int(disabled), name))


def add_failure(conn: sqlite3.Connection, name: str, at: datetime) -> None:
    """Remember one failed PIN attempt."""
    conn.execute("INSERT INTO auth_failures(name, at) VALUES (?, ?)",
                 (name, at.astimezone(UTC).isoformat()))


def failures(conn: sqlite3.Connection, name: str) -> list[datetime]:
    """Failed attempts since the last good sign-in."""
    rows = conn.execute("SELECT at FROM auth_failures WHERE name = ? ORDER BY at", (name,))
    return [datetime.fromisoformat(r[0]) for r in rows]


def clear_failures(conn: sqlite3.Connection, name: str) -> None:
    """A good sign-in: the count starts again."""
    conn.execute("DELETE FROM auth_failures WHERE name = ?", (name,))
