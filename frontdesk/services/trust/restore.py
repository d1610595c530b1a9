"""Restoring a backup: the replaced database kept as a backup, erasures re-applied first.

A restore replaces the database file while nothing has it open. The current file is kept as a
``...-before-restore.db`` backup (owner-only, in the backups folder, so the rules of every backup
apply to it: purged by later erasures, dropped by age and by the space cap). The chosen backup
is copied under a temporary name, the privacy ledger is re-applied to that copy (every erasure
and the retention period since: :mod:`frontdesk.services.trust.ledger`), and only then is it
flushed and renamed over the database: a restore never puts an erased person back, not even
for a moment. The retention runs are re-applied when the restored database first opens.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from frontdesk.domain.trust import backup_policy as policy
from frontdesk.paths import Paths
from frontdesk.services.trust import ledger
from frontdesk.services.trust.backup import (
    BEFORE_RESTORE,
    PREFIX,
    SUFFIX,
    BackupError,
    integrity,
    made_at,
    owner_only_file,
    secure_dir,
    stamp,
)


def _release(db_file: Path) -> None:
    """Check nothing uses the database and fold its WAL in; BackupError if it is in use."""
    try:
        conn = sqlite3.connect(db_file, timeout=2.0)
        try:
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("ROLLBACK")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        raise BackupError(f"{db_file} is in use ({exc}); close frontdesk and try again") from exc


def _copy(source: Path, target: Path) -> None:
    """Copy bytes into a new owner-only file and flush it."""
    owner_only_file(target)
    with open(source, "rb") as src, open(target, "r+b") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
        dst.flush()
        os.fsync(dst.fileno())


def keep_replaced(db_file: Path, backups_dir: Path, now: datetime) -> Path:
    """Copy the database about to be replaced into the backups folder (free space checked)."""
    secure_dir(backups_dir)
    size = db_file.stat().st_size
    if shutil.disk_usage(backups_dir).free - size < policy.reserve(size):
        raise BackupError(f"not enough free space in {backups_dir} to keep a copy of the "
                          "current database first; nothing restored")
    target = backups_dir / f"{PREFIX}{stamp(now)}{BEFORE_RESTORE}{SUFFIX}"
    try:
        _copy(db_file, target)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise BackupError(f"could not keep a copy of the current database ({exc}); "
                          "nothing restored") from exc
    return target


def _reapply(copy: Path, ledger_file: Path) -> None:
    """Re-apply the ledger's erasures and setting to the copy, and leave it one file."""
    from frontdesk.storage.db import Database, StorageError

    entries = ledger.read(ledger_file)
    db = Database(copy)
    try:
        db.open()
        if entries:
            with db.write() as conn:
                ledger.apply(conn, entries)
        conn = db.connect()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except (sqlite3.Error, StorageError) as exc:
        raise BackupError(f"the backup could not be brought up to date ({exc}); "
                          "nothing restored") from exc
    finally:
        db.close()


def restore(backup: Path, paths: Paths, now: datetime) -> Path | None:
    """Replace the database of ``paths`` with ``backup`` (nothing may have it open).

    The backup is checked first; the current file is kept (returned) as a before-restore backup;
    the ledger is re-applied to the copy before it replaces the database; stale -wal/-shm go.
    """
    db_file, backups_dir = paths.db_file, paths.backups_dir
    result = integrity(backup)
    if result != "ok":
        raise BackupError(f"{backup} failed its integrity check ({result}); nothing restored")
    kept = None
    if db_file.exists():
        _release(db_file)
        kept = keep_replaced(db_file, backups_dir, now)
    tmp = db_file.with_name(db_file.name + ".restoring")
    try:
        _copy(backup, tmp)
        _reapply(tmp, paths.ledger_file)
        for suffix in ("-wal", "-shm"):
            db_file.with_name(db_file.name + suffix).unlink(missing_ok=True)
        os.replace(tmp, db_file)
    except OSError as exc:
        raise BackupError(f"restore failed ({exc}); the database was not replaced") from exc
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            tmp.with_name(tmp.name + suffix).unlink(missing_ok=True)
    return kept


def chain_head(db_file: Path) -> str | None:
    """The hash of the newest audit event in ``db_file`` (read-only), or ``None``."""
    if not db_file.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=2.0)
        try:
            row = conn.execute(
                "SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


def record_restore(db: str | None, backup_file: Path, replaced_head: str | None,
                   who: str = "doctor") -> None:
    """Append a ``restore`` event to the restored database's audit chain.

    ``before_hash`` is the chain head of the file that was replaced (kept as a before-restore
    backup), so the events lost with it stay attested; ``backup.<date>`` says which backup came
    back. Nothing personal is recorded (the backup's name holds only a date). Opening the
    restored database also re-runs the retention purge the ledger records.
    """
    from frontdesk.context import AppContext
    from frontdesk.domain.trust.audit import detail
    from frontdesk.storage import audit as store

    made = made_at(backup_file)
    ctx = AppContext.create(db)
    ctx.open()
    try:
        with ctx.require_db().write() as conn:
            store.append(conn, at=ctx.clock.now(), action="restore", record_kind="database",
                         record_id="backup",
                         fields=(detail("backup", made),) if made is not None else (),
                         before_hash=replaced_head, who=who)
    finally:
        ctx.close()
