"""Versioned records: every change is a new immutable version; tables are projections of them.

A local change calls :func:`write` inside a ``Database.write()`` transaction: it stamps the change
with the site's hybrid logical clock, stores the version, updates the record's heads and
re-projects the record into its table through the kind's :class:`Projection`. Sync (bundles)
stores versions from elsewhere through :func:`store_versions` and re-projects the records they
touch the same way, so a record looks the same whether it was typed here or imported.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from frontdesk.domain.trust.retention import with_salt
from frontdesk.domain.sync.versioning import HybridClock, Version, canonical_json, make_version

_PROJECTIONS: dict[str, Projection] = {}
# Called after every local write with (conn, version, previous winning payload or None):
# the audit trail hooks in here.
WriteHook = Callable[[sqlite3.Connection, Version, "Mapping[str, Any] | None"], None]
WRITE_HOOKS: list[WriteHook] = []


class Projection(Protocol):
    """How one kind of record is laid out in its table."""

    kind: str

    def upsert(
        self, conn: sqlite3.Connection, record_id: str, payload: Mapping[str, Any],
        head: str, conflict: bool,
    ) -> None:
        """Write the record's current state."""
        ...

    def remove(self, conn: sqlite3.Connection, record_id: str) -> None:
        """The record was deleted: take it out of the table."""
        ...


def register(projection: Projection) -> None:
    """Make a kind known to the store (called by each repository module at import)."""
    _PROJECTIONS[projection.kind] = projection


def projection(kind: str) -> Projection | None:
    """The projection for ``kind``, if any module registered one."""
    return _PROJECTIONS.get(kind)


def load_projections() -> None:
    """Import every storage module so that each kind's projection is registered."""
    import importlib
    import pkgutil

    import frontdesk.storage as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.ispkg:
            importlib.import_module(f"frontdesk.storage.{info.name}")


@dataclass(frozen=True)
class VersionRow:
    """A stored version with its local sequence number."""

    seq: int
    version: Version
    purged: bool


def _meta(conn: sqlite3.Connection, key: str, default: str = "") -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def site_id(conn: sqlite3.Connection) -> str:
    """This database's site id (set when the site is created)."""
    return _meta(conn, "site_id")


def _clock(conn: sqlite3.Connection) -> HybridClock:
    return HybridClock(
        site=site_id(conn),
        wall_ms=int(_meta(conn, "hlc_ms", "0")),
        counter=int(_meta(conn, "hlc_counter", "0")),
    )


def _save_clock(conn: sqlite3.Connection, clock: HybridClock) -> None:
    conn.executemany(
        "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [("hlc_ms", str(clock.wall_ms)), ("hlc_counter", str(clock.counter))],
    )


def observe(conn: sqlite3.Connection, stamps: Iterable[str], now_ms: int) -> None:
    """Move this site's clock past stamps seen in an import, within the drift bound of
    :meth:`HybridClock.observe` (``now_ms``: this PC's time)."""
    clock = _clock(conn)
    for stamp in stamps:
        clock.observe(stamp, now_ms)
    _save_clock(conn, clock)


def row_to_version(row: sqlite3.Row) -> Version:
    """Rebuild a :class:`Version` from a ``versions`` row."""
    return Version(
        version_id=row["version_id"],
        kind=row["kind"],
        record_id=row["record_id"],
        parents=tuple(json.loads(row["parents"])),
        hlc=row["hlc"],
        origin=row["origin"],
        deleted=bool(row["deleted"]),
        payload=json.loads(row["payload"]),
    )


def head_ids(conn: sqlite3.Connection, kind: str, record_id: str) -> list[str]:
    """The ids of the record's current heads."""
    rows = conn.execute(
        "SELECT version_id FROM heads WHERE kind = ? AND record_id = ?", (kind, record_id)
    ).fetchall()
    return [r[0] for r in rows]


def versions_of(conn: sqlite3.Connection, kind: str, record_id: str) -> list[VersionRow]:
    """Every stored version of one record, oldest stamp first."""
    rows = conn.execute(
        "SELECT * FROM versions WHERE kind = ? AND record_id = ? ORDER BY hlc, version_id",
        (kind, record_id),
    ).fetchall()
    return [VersionRow(r["seq"], row_to_version(r), bool(r["purged"])) for r in rows]


def current(conn: sqlite3.Connection, kind: str, record_id: str) -> tuple[Version | None, int]:
    """(winning head, number of heads) of a record."""
    ids = head_ids(conn, kind, record_id)
    if not ids:
        return None, 0
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT * FROM versions WHERE version_id IN ({marks})", ids).fetchall()
    versions = sorted((row_to_version(r) for r in rows), key=Version.sort_key, reverse=True)
    return versions[0], len(versions)


def _insert(conn: sqlite3.Connection, v: Version, purged: bool = False) -> bool:
    cur = conn.execute(
        "INSERT OR IGNORE INTO versions(version_id, kind, record_id, parents, hlc, origin,"
        " deleted, payload, purged) VALUES (?,?,?,?,?,?,?,?,?)",
        (v.version_id, v.kind, v.record_id, json.dumps(list(v.parents)), v.hlc, v.origin,
         int(v.deleted), canonical_json(dict(v.payload)), int(purged)),
    )
    return cur.rowcount == 1


def _update_heads(conn: sqlite3.Connection, v: Version) -> None:
    """Add ``v`` as a head unless a known version already names it; drop heads it supersedes."""
    superseded = conn.execute(
        "SELECT 1 FROM versions WHERE kind = ? AND record_id = ? AND parents LIKE ? LIMIT 1",
        (v.kind, v.record_id, f'%"{v.version_id}"%'),
    ).fetchone()
    for parent in v.parents:
        conn.execute(
            "DELETE FROM heads WHERE kind = ? AND record_id = ? AND version_id = ?",
            (v.kind, v.record_id, parent),
        )
    if superseded is None:
        conn.execute(
            "INSERT OR IGNORE INTO heads(kind, record_id, version_id) VALUES (?,?,?)",
            (v.kind, v.record_id, v.version_id),
        )


def reproject(conn: sqlite3.Connection, kind: str, record_id: str) -> None:
    """Rewrite the record's row in its table from its winning head."""
    proj = _PROJECTIONS.get(kind)
    if proj is None:
        return
    win, n = current(conn, kind, record_id)
    if win is None or win.deleted:
        proj.remove(conn, record_id)
    else:
        proj.upsert(conn, record_id, win.payload, win.version_id, n > 1)


def _salt() -> str:
    """A fresh secret for a version holding personal data (see ``domain.retention.SALT``)."""
    return secrets.token_hex(16)


def write(
    conn: sqlite3.Connection,
    kind: str,
    record_id: str,
    payload: Mapping[str, Any],
    now: datetime,
    *,
    deleted: bool = False,
    parents: Iterable[str] | None = None,
) -> Version:
    """Record a local change as a new version (inside the caller's write transaction).

    ``parents`` defaults to the current winning head only, so an ordinary edit of a record in
    conflict leaves the conflict for a supervisor; a resolution passes every head.
    """
    payload = with_salt(kind, payload, _salt)
    clock = _clock(conn)
    hlc = clock.tick(int(now.timestamp() * 1000))
    win, _n = current(conn, kind, record_id)
    if parents is None:
        parents = [win.version_id] if win else []
    version = make_version(kind, record_id, parents, hlc, clock.site, payload, deleted)
    _insert(conn, version)
    _update_heads(conn, version)
    _save_clock(conn, clock)
    reproject(conn, kind, record_id)
    for hook in WRITE_HOOKS:
        hook(conn, version, win.payload if win else None)
    return version


def store_versions(conn: sqlite3.Connection, versions: Iterable[Version]) -> set[tuple[str, str]]:
    """Store versions from elsewhere (idempotent); return the (kind, record_id) pairs touched.

    Call :func:`reproject` for each returned pair once all versions are in.
    """
    touched: set[tuple[str, str]] = set()
    for v in versions:
        if _insert(conn, v):
            _update_heads(conn, v)
            touched.add((v.kind, v.record_id))
    return touched
