"""The privacy ledger: every erasure, retention purge and retention setting, kept beside the
database so that restoring an older copy cannot bring anybody back.

A restore replaces the database file, and with it the purge orders it held; a backup made
before an erasure (or a copy of one taken off the PC) still holds the person. So each erasure,
each retention run that purged something and each change of the retention period is also written
here, in ``<database>.ledger`` (one JSON object a line, owner-only, appended and flushed before
the purge commits: if the commit then fails, re-applying the line erases what was asked to be
erased anyway). What a line holds is what the purge orders in the database hold: record kinds and
ids, field *names*, version stamps, who and when; never a personal value.

* ``{"t": "erase", "kind", "record_id", "before_hlc", "fields", "at", "by", "origin"}``: one
  purge order of an erasure on request; re-applied as the same order (older versions of the
  record lose those fields whole);
* ``{"t": "retention", "cutoff", "at"}``: everything anchored before ``cutoff`` was purged;
  re-applied by running the retention purge with at least that cutoff. A cutoff once applied
  stays applied: lengthening the period later keeps newer data longer, but nothing older than
  a cutoff already used comes back (not from a restored copy, not in a late bundle);
* ``{"t": "setting", "key": "retention_days", "value", "at"}``: the last one wins.

It is re-applied when the database opens (cheap when nothing is missing) and to a restored copy
before it replaces the database (:mod:`frontdesk.services.trust.restore`).
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from frontdesk.sync.merge import PurgeMarker

if TYPE_CHECKING:  # pragma: no cover
    import sqlite3

ERASE = "erase"
RETENTION = "retention"
SETTING = "setting"
CHUNK = 500


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def erase_lines(markers: Iterable[PurgeMarker]) -> list[dict[str, Any]]:
    """Ledger lines for the purge orders of an erasure on request."""
    return [{"t": ERASE, "kind": m.kind, "record_id": m.record_id, "before_hlc": m.before_hlc,
             "fields": list(m.fields), "at": m.at, "by": m.by, "origin": m.origin}
            for m in markers]


def retention_line(cutoff: datetime, at: datetime) -> dict[str, Any]:
    """The ledger line of a retention run: everything anchored before ``cutoff`` goes."""
    return {"t": RETENTION, "cutoff": _iso(cutoff), "at": _iso(at)}


def setting_line(key: str, value: int, at: datetime) -> dict[str, Any]:
    """The ledger line of a changed privacy setting."""
    return {"t": SETTING, "key": key, "value": value, "at": _iso(at)}


def append(path: Path, lines: Iterable[Mapping[str, Any]]) -> None:
    """Append lines and flush them to disk before returning (the file is made owner-only)."""
    data = "".join(json.dumps(dict(x), ensure_ascii=False, sort_keys=True) + "\n"
                   for x in lines).encode("utf-8")
    if not data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path: Path) -> list[dict[str, Any]]:
    """Every whole line (a line cut short by a crash is skipped); empty if there is none."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    out: list[dict[str, Any]] = []
    for line in raw.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict):
            out.append(item)
    return out


def markers(entries: Iterable[Mapping[str, Any]]) -> list[PurgeMarker]:
    """The erasure purge orders in ``entries``."""
    out: list[PurgeMarker] = []
    for e in entries:
        if e.get("t") != ERASE:
            continue
        try:
            out.append(PurgeMarker(str(e["kind"]), str(e["record_id"]), str(e["before_hlc"]),
                                   tuple(str(f) for f in e["fields"]), str(e["at"]),
                                   str(e["by"]), str(e["origin"])))
        except (KeyError, TypeError):
            continue
    return out


def max_cutoff(entries: Iterable[Mapping[str, Any]]) -> datetime | None:
    """The latest cutoff any retention run applied, if any."""
    found: list[datetime] = []
    for e in entries:
        if e.get("t") == RETENTION:
            try:
                found.append(datetime.fromisoformat(str(e["cutoff"])))
            except (KeyError, ValueError):
                continue
    return max(found, default=None)


def settings(entries: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """The last value of each recorded setting."""
    out: dict[str, int] = {}
    for e in entries:
        if e.get("t") == SETTING and isinstance(e.get("value"), int):
            out[str(e.get("key"))] = int(e["value"])
    return out


def apply(conn: sqlite3.Connection, entries: list[dict[str, Any]]) -> int:
    """Re-apply settings and erasure orders to a database (inside the caller's transaction).

    Orders the database already holds are skipped; returns how many were applied. The retention
    runs are re-applied by the retention service (they need its rules).
    """
    from frontdesk.storage import site as site_store
    from frontdesk.storage.sync import apply_merge

    for key, value in settings(entries).items():
        site_store.set_meta(conn, key, str(value))
    held = {(r[0], r[1], r[2], r[3]) for r in conn.execute(
        "SELECT kind, record_id, before_hlc, fields FROM purges")}
    missing = [m for m in markers(entries)
               if (m.kind, m.record_id, m.before_hlc, json.dumps(list(m.fields))) not in held]
    for start in range(0, len(missing), CHUNK):
        apply_merge(conn, [], missing[start:start + CHUNK])
    return len(missing)
