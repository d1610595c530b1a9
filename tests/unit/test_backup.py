"""Backups with VACUUM INTO, rotation, and ``frontdesk doctor`` restore after confirmation."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import timedelta

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.services.trust import backup
from frontdesk.services.register import VisitForm


def names(ctx: AppContext) -> set[str]:
    """Names in the register (read fresh from the file)."""
    conn = sqlite3.connect(ctx.paths.db_file)
    try:
        return {r[0] for r in conn.execute("SELECT json_extract(payload, '$.name') FROM visits")}
    finally:
        conn.close()


def test_backup_is_whole_and_rotates(ctx: AppContext, clock: FrozenClock) -> None:
    """A backup passes integrity_check, holds the data; old ones go, the newest stays."""
    ctx.register.add(VisitForm(values={"name": "张三"}))
    first = backup.backup_now(ctx).path
    assert backup.integrity(first) == "ok"
    assert stat_mode(ctx.paths.backups_dir) == 0o700
    clock.advance(timedelta(days=20))
    second = backup.backup_now(ctx).path
    assert [b.path for b in backup.list_backups(ctx.paths.backups_dir)] == [second]


def stat_mode(path: os.PathLike[str]) -> int:
    """Permission bits."""
    return os.stat(path).st_mode & 0o777


def run_doctor(ctx: AppContext, *extra: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``frontdesk doctor`` on the test's database."""
    return subprocess.run([sys.executable, "-m", "frontdesk", "doctor", "--db",
                           str(ctx.paths.db_file), *extra], input=stdin, capture_output=True,
                          text=True, env=os.environ.copy())


def test_doctor_lists_and_restores_after_confirmation(ctx: AppContext) -> None:
    """Doctor reports integrity and backups; restore asks, 'no' changes nothing, --yes restores."""
    ctx.register.add(VisitForm(values={"name": "张三"}))
    made = backup.backup_now(ctx).path
    ctx.register.add(VisitForm(values={"name": "李四"}))
    ctx.close()
    report = run_doctor(ctx)
    assert report.returncode == 0 and "integrity  ok" in report.stdout
    assert made.name in report.stdout
    refused = run_doctor(ctx, "--restore", made.name, stdin="no\n")
    assert refused.returncode == 1 and "nothing changed" in refused.stdout
    assert names(ctx) == {"张三", "李四"}
    from frontdesk.services.trust.restore import chain_head

    replaced = chain_head(ctx.paths.db_file)
    assert replaced is not None
    done = run_doctor(ctx, "--restore", made.name, "--yes")
    assert done.returncode == 0, done.stderr
    assert names(ctx) == {"张三"}
    ctx.open()
    assert [v.name for v in ctx.register.today()] == ["张三"]
    # the restore is in the restored chain, naming the head of the history it replaced
    from frontdesk.services.trust.audit import audit_service

    event = audit_service(ctx).events()[-1]
    assert (event.action, event.record_kind, event.before_hash) == (
        "restore", "database", replaced)
    assert any(f.startswith("backup.") for f in event.fields)
    assert audit_service(ctx).verify().ok


def test_restore_refuses_while_database_is_in_use(ctx: AppContext) -> None:
    """Another process holding a write lock: a clear message, the file unchanged."""
    made = backup.backup_now(ctx).path
    holder = sqlite3.connect(ctx.paths.db_file)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run_doctor(ctx, "--restore", str(made), "--yes")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert "in use" in result.stderr and "close frontdesk" in result.stderr
