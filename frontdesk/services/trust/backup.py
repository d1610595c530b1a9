"""Rotating backups (``VACUUM INTO``) and restoring one.

A backup is a complete, consistent copy made by SQLite while the app keeps running
(``VACUUM INTO`` reads one snapshot), written to a temporary name and renamed, so a crash leaves
either no file or a whole one. Files are named ``frontdesk-YYYYmmdd-HHMMSS.db`` in
``paths.backups_dir`` (mode 0700: they hold personal data) and kept ``keep_days`` days.
Restoring replaces the database file while nothing has it open.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

PREFIX = "frontdesk-"
SUFFIX = ".db"
DEFAULT_KEEP_DAYS = 14
INTERVAL_HOURS = 4


class BackupError(Exception):
    """A backup or restore could not be done; the message says why, nothing was changed."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file."""

    path: Path
    made_at: datetime
    size: int


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _made_at(path: Path) -> datetime | None:
    """When a backup was made, from its name (``None`` for a file not named by this module)."""
    if not (path.name.startswith(PREFIX) and path.name.endswith(SUFFIX)):
        return None
    try:
        return datetime.strptime(path.stem[len(PREFIX):], "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """The backups in ``backups_dir``, newest first."""
    out: list[BackupInfo] = []
    if not backups_dir.is_dir():
        return out
    for p in backups_dir.glob(f"{PREFIX}*{SUFFIX}"):
        made = _made_at(p)
        if made is not None:
            out.append(BackupInfo(p, made, p.stat().st_size))
    return sorted(out, key=lambda b: b.made_at, reverse=True)


def make_backup(db_file: Path, backups_dir: Path, now: datetime) -> Path:
    """Write a consistent copy of ``db_file`` into ``backups_dir``; return its path."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(backups_dir, 0o700)
    target = backups_dir / f"{PREFIX}{_stamp(now)}{SUFFIX}"
    tmp = target.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(db_file, timeout=10.0)
        try:
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("VACUUM INTO ?", (str(tmp),))
        finally:
            conn.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"backup to {target} failed: {exc}") from exc
    return target


def prune(backups_dir: Path, now: datetime, keep_days: int = DEFAULT_KEEP_DAYS) -> list[Path]:
    """Delete backups older than ``keep_days`` (always keeping the newest); return what went."""
    backups = list_backups(backups_dir)
    cutoff = now - timedelta(days=keep_days)
    gone = [b.path for b in backups[1:] if b.made_at < cutoff]
    for p in gone:
        p.unlink(missing_ok=True)
    for stale in backups_dir.glob("*.partial") if backups_dir.is_dir() else []:
        stale.unlink(missing_ok=True)
    return gone


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of a database file ("ok" when sound), read-only."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"cannot read: {exc}"
    return "; ".join(str(r[0]) for r in rows)


def restore(backup: Path, db_file: Path) -> None:
    """Replace ``db_file`` with ``backup`` (nothing may have the database open).

    The backup is checked first; the current file is kept as ``<db>.before-restore``; the new
    file is copied under a temporary name, flushed and renamed over; stale -wal/-shm go.
    """
    result = integrity(backup)
    if result != "ok":
        raise BackupError(f"{backup} failed its integrity check ({result}); nothing restored")
    if db_file.exists():
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
        shutil.copy2(db_file, db_file.with_name(db_file.name + ".before-restore"))
    tmp = db_file.with_name(db_file.name + ".restoring")
    shutil.copyfile(backup, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    for suffix in ("-wal", "-shm"):
        db_file.with_name(db_file.name + suffix).unlink(missing_ok=True)
    os.replace(tmp, db_file)


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

    ``before_hash`` is the chain head of the file that was replaced (kept beside it as
    ``.before-restore``), so the events lost with it stay attested; ``backup.<date>`` says which
    backup came back. Nothing personal is recorded (the backup's name holds only a date).
    """
    from frontdesk.context import AppContext
    from frontdesk.domain.trust.audit import detail
    from frontdesk.storage import audit as store

    made = _made_at(backup_file)
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


def backup_now(ctx: object) -> Path:
    """Back up an opened context's database and prune old copies (run in a worker)."""
    paths = ctx.paths  # type: ignore[attr-defined]
    now = ctx.clock.now()  # type: ignore[attr-defined]
    path = make_backup(paths.db_file, paths.backups_dir, now)
    prune(paths.backups_dir, now)
    return path
