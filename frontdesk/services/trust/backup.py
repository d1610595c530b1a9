"""Backups (``VACUUM INTO``) that never fill the disk and keep nothing the purge removed.

A backup is a complete, consistent copy made by SQLite while the app keeps running
(``VACUUM INTO`` reads one snapshot), written owner-only (0600) to a temporary name and renamed,
so a crash leaves either no file or a whole one. Files are named ``frontdesk-YYYYmmdd-HHMMSS.db``
(``...-before-restore.db`` for the copy a restore keeps) in ``paths.backups_dir`` (0700).

When, how many and how big are decided by :mod:`frontdesk.domain.trust.backup_policy`: at most
one a site day, kept no longer than the retention period, under a cap in space with the oldest
dropped first, and only when the disk keeps enough free space afterwards. A purge or erasure
reaches every backup (:mod:`frontdesk.services.trust.reach`); a backup that was being copied
while a purge committed is copied again, so it never predates a purge it missed.
Restoring is in :mod:`frontdesk.services.trust.restore`.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.domain.sitetime import local_date
from frontdesk.domain.trust import backup_policy as policy

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext

PREFIX = "frontdesk-"
SUFFIX = ".db"
BEFORE_RESTORE = "-before-restore"
CAP_KEY = "backup_max_mb"
COPY_ATTEMPTS = 3


class BackupError(Exception):
    """A backup or restore could not be done; the message says why, nothing was changed."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup file (``before_restore``: the copy a restore kept of the replaced database)."""

    path: Path
    made_at: datetime
    size: int
    before_restore: bool = False


@dataclass(frozen=True)
class BackupOutcome:
    """What :func:`backup_now` did: the new file, or why none (``skipped``: ``today``,
    ``no_space``, ``cap_too_small``) with the figures in MB; the backups dropped for room."""

    path: Path | None
    skipped: str = ""
    free_mb: int = 0
    need_mb: int = 0
    reserve_mb: int = 0
    cap_mb: int = 0
    dropped: tuple[Path, ...] = ()

    def explain(self) -> str:
        """The reason in English, for the command line and logs (the app uses the locale)."""
        if self.skipped == "no_space":
            return (f"no backup made: {self.free_mb} MB free, a backup needs about "
                    f"{self.need_mb} MB and {self.reserve_mb} MB must stay free")
        if self.skipped == "cap_too_small":
            return (f"no backup made: the backup space cap ({self.cap_mb} MB) is smaller than "
                    f"the database (about {self.need_mb} MB); raise it with "
                    "'frontdesk settings backup-space MB'")
        if self.skipped == "today":
            return "a backup was already made today"
        return f"backup written: {self.path}"


def stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _parse_name(path: Path) -> tuple[datetime, bool] | None:
    """(made at, before-restore copy) from a backup's name; ``None`` for other files."""
    if not (path.name.startswith(PREFIX) and path.name.endswith(SUFFIX)):
        return None
    stem = path.name[len(PREFIX):-len(SUFFIX)]
    before = stem.endswith(BEFORE_RESTORE)
    stem = stem.removesuffix(BEFORE_RESTORE)
    try:
        return datetime.strptime(stem, "%Y%m%d-%H%M%S").replace(tzinfo=UTC), before
    except ValueError:
        return None


def made_at(path: Path) -> datetime | None:
    """When a backup was made, from its name (``None`` for a file not named by this module)."""
    parsed = _parse_name(path)
    return None if parsed is None else parsed[0]


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """The backups in ``backups_dir`` (before-restore copies too), newest first."""
    out: list[BackupInfo] = []
    if not backups_dir.is_dir():
        return out
    for p in backups_dir.glob(f"{PREFIX}*{SUFFIX}"):
        parsed = _parse_name(p)
        if parsed is not None:
            try:
                size = p.stat().st_size
            except FileNotFoundError:
                continue  # dropped meanwhile
            out.append(BackupInfo(p, parsed[0], size, parsed[1]))
    return sorted(out, key=lambda b: b.made_at, reverse=True)


def secure_dir(folder: Path) -> None:
    """Create ``folder`` if needed and make it owner-only (0700): it holds personal data."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def owner_only_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (so no copy is ever readable by others, even while
    it is being written)."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def purge_count(db_file: Path) -> int:
    """How many purge orders the database holds (they only ever grow); -1 if unreadable."""
    try:
        conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=10.0)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM purges").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return -1


def make_backup(db_file: Path, backups_dir: Path, now: datetime,
                before_restore: bool = False) -> Path:
    """Write a consistent copy of ``db_file`` into ``backups_dir`` (0600); return its path.

    Unconditional (the rules are in :func:`backup_now`). If a purge commits while the copy is
    made, the copy may predate it and miss the pass that purges every backup, so it is made
    again (the purge orders are counted before and after).
    """
    secure_dir(backups_dir)
    target = backups_dir / f"{PREFIX}{stamp(now)}{BEFORE_RESTORE if before_restore else ''}{SUFFIX}"
    tmp = target.with_suffix(".partial")
    for _attempt in range(COPY_ATTEMPTS):
        before = purge_count(db_file)
        try:
            owner_only_file(tmp)
            conn = sqlite3.connect(db_file, timeout=10.0)
            try:
                conn.execute("PRAGMA busy_timeout=10000")
                conn.execute("VACUUM INTO ?", (str(tmp),))
            finally:
                conn.close()
            os.replace(tmp, target)
        except (sqlite3.Error, OSError) as exc:
            tmp.unlink(missing_ok=True)
            raise BackupError(f"backup to {target} failed: {exc}") from exc
        if purge_count(db_file) == before:
            return target
        target.unlink(missing_ok=True)
    raise BackupError(f"backup to {target} not made: purges kept landing while it was copied")


def prune(backups_dir: Path, now: datetime, keep_days: int = policy.KEEP_DAYS_MAX) -> list[Path]:
    """Delete backups older than ``keep_days`` and stale partial copies; return what went.

    No exception for the newest: a backup older than the retention period holds what the
    purge has removed since (``keep_days`` is at most the retention period).
    """
    cutoff = now - timedelta(days=keep_days)
    gone = [b.path for b in list_backups(backups_dir) if b.made_at < cutoff]
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


def adopt_legacy_copy(db_file: Path, backups_dir: Path) -> Path | None:
    """Move a ``<db>.before-restore`` file left beside the database by an older version into
    the backups folder, where the rules of every backup (purges, age, cap) reach it."""
    old = db_file.with_name(db_file.name + ".before-restore")
    if not old.is_file():
        return None
    secure_dir(backups_dir)
    made = datetime.fromtimestamp(old.stat().st_mtime, UTC)
    target = backups_dir / f"{PREFIX}{stamp(made)}{BEFORE_RESTORE}{SUFFIX}"
    shutil.move(old, target)
    os.chmod(target, 0o600)
    return target


def cap_setting(ctx: AppContext) -> int | None:
    """The supervisor's cap on the space backups take, in MB (``None``: automatic)."""
    row = ctx.require_db().read().execute(
        "SELECT value FROM meta WHERE key = ?", (CAP_KEY,)).fetchone()
    try:
        mb = int(row[0]) if row else 0
    except ValueError:
        mb = 0
    return mb if mb > 0 else None


def _estimate(ctx: AppContext) -> int:
    """About how big a backup of the open database will be: its pages in use."""
    conn = ctx.require_db().read()
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    return (pages - free) * size


def backup_now(ctx: AppContext) -> BackupOutcome:
    """The scheduled backup (at start and every few hours; run in a worker).

    Old backups are pruned first; then nothing is written if one was made this site day, if the
    cap cannot hold it or if the disk would be left with too little space (a warning for the
    app to show). Otherwise the oldest backups are dropped as the cap requires, and the copy is
    written.
    """
    paths, now, site = ctx.paths, ctx.clock.now(), ctx.require_site()
    folder = paths.backups_dir
    secure_dir(folder)
    adopt_legacy_copy(paths.db_file, folder)
    prune(folder, now, policy.keep_days(site.retention_days))
    held = list_backups(folder)
    daily = [policy.Held(str(b.path), b.made_at, b.size) for b in held if not b.before_restore]
    if policy.made_today(daily, local_date(now, site.timezone),
                         lambda d: local_date(d, site.timezone)):
        return BackupOutcome(None, "today")
    estimate = _estimate(ctx)
    free = shutil.disk_usage(folder).free
    total = sum(b.size for b in held)
    configured = cap_setting(ctx)
    cap = configured * policy.MB if configured else policy.default_cap(free, total)
    plan = policy.plan([policy.Held(str(b.path), b.made_at, b.size) for b in held],
                       estimate, cap, free)
    mb = policy.MB
    if not plan.write:
        # The automatic cap is a share of the free space: too small means the disk is full.
        reason = plan.reason if configured else "no_space"
        return BackupOutcome(None, reason, free // mb, -(-estimate // mb),
                             policy.reserve(estimate) // mb, cap // mb)
    dropped = tuple(Path(k) for k in plan.drop)
    for p in dropped:
        p.unlink(missing_ok=True)
    return BackupOutcome(make_backup(paths.db_file, folder, now), dropped=dropped)
