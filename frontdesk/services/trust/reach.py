"""Making a purge reach every byte: the main file past other readers, and every backup.

* **The WAL.** A purge's blanked pages are written to the ``-wal`` first; the old values stay in
  the main file (and in older WAL frames) until a checkpoint copies the new pages back and the
  WAL is truncated. A TRUNCATE checkpoint waits (the busy timeout) for readers still on an older
  snapshot, but gives up if one reads longer, quietly leaving the values in place: that was the
  "another connection reading during a purge" hole. :func:`settle_wal` retries until it
  completes (bounded) and says whether it did; the retention job settles again at every run.
* **Backups.** Each backup (before-restore copies too) gets the purge's own versions (for records
  it holds) and its purge orders, the same merge an imported bundle goes through, with
  ``secure_delete`` on; then its WAL is folded back and it returns to a single file. A backup
  that cannot be purged (damaged, unreadable) is deleted rather than left holding what was erased.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.domain.sync.versioning import Version
    from frontdesk.storage.db import Database
    from frontdesk.sync.merge import PurgeMarker

SETTLE_ATTEMPTS = 12
SETTLE_PAUSE_S = 0.5


@dataclass(frozen=True)
class Purged:
    """What one purge wrote: the new version of the record and its purge order."""

    version: Version
    marker: PurgeMarker


def settle_wal(db: Database, attempts: int = SETTLE_ATTEMPTS) -> bool:
    """Checkpoint the WAL into the main file and truncate it; True once that completed.

    Each attempt waits up to the busy timeout for readers on an older snapshot; between
    attempts a short pause lets a long read finish. False after ``attempts`` (a reader that
    never ends): the next retention run tries again.
    """
    conn = db.connect()
    for n in range(attempts):
        busy, log, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy == 0 and log == done:
            return True
        if n + 1 < attempts:
            time.sleep(SETTLE_PAUSE_S)
    return False


def apply_to_file(path: Path, purged: Sequence[Purged]) -> None:
    """Apply purges to one backup file and leave it a single owner-only file again."""
    from frontdesk.storage import records
    from frontdesk.storage.db import Database
    from frontdesk.storage.sync import apply_merge

    db = Database(path)
    try:
        db.open()
        with db.write() as conn:
            held = [p.version for p in purged
                    if records.current(conn, p.version.kind, p.version.record_id)[0] is not None]
            apply_merge(conn, held, [p.marker for p in purged])
        conn = db.connect()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        db.close()
    os.chmod(path, 0o600)


def reach_backups(backups: Sequence[Path], purged: Sequence[Purged]) -> list[str]:
    """Apply ``purged`` to every backup; a backup that cannot take it is deleted. Returns a
    line for each deleted one."""
    from frontdesk.storage.db import StorageError

    deleted: list[str] = []
    if not purged:
        return deleted
    for path in backups:
        try:
            apply_to_file(path, purged)
        except (sqlite3.Error, StorageError, OSError) as exc:
            deleted.append(f"{path.name}: could not be purged ({exc}); deleted")
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    path.with_name(path.name + suffix).unlink()
    return deleted
