"""Fault tests, each with a real process: kill -9 mid-write, mid-import, mid-backup; a full disk;
a read-only database; a database locked by a second instance.

After each: no committed record lost, ``integrity_check`` ok, the audit chain intact, a clear
message, and the app still starts (``frontdesk --where`` and opening the context).

Tests run as root, and root ignores file modes, so a read-only file is simulated the way SQLite
sees one: a connection opened ``mode=ro`` (as a read-only mount or a file without write
permission for a normal user would give). A full disk is simulated with ``PRAGMA
max_page_count``, which makes SQLite fail exactly as on ENOSPC ("database or disk is full").
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from frontdesk.context import AppContext
from frontdesk.paths import resolve_paths
from frontdesk.services.trust.audit import audit_service

PRELUDE = """
import sys, os
from frontdesk.context import AppContext
from frontdesk.paths import resolve_paths
from frontdesk.services.register import VisitForm
ctx = AppContext.create(paths=resolve_paths(db=sys.argv[1], home=sys.argv[2]))
ctx.open()
"""

BURST = PRELUDE + """
i = 0
while True:
    v = ctx.register.add(VisitForm(values={"name": f"访客{i}"}), by="g")
    print(v.id, flush=True)
    i += 1
"""

# An import-like job: many record writes per transaction; a line only after each commit.
IMPORT = PRELUDE + """
import uuid
from frontdesk.storage import records
batch = 0
while True:
    with ctx.require_db().write() as conn:
        ids = []
        for j in range(200):
            rid = str(uuid.uuid4())
            records.write(conn, "visit", rid, {"name": f"导入{batch}-{j}", "kind": "visitor",
                          "time_in": "2026-11-22T02:00:00+00:00", "edited_by": "sync"},
                          ctx.clock.now())
            ids.append(rid)
    print(" ".join(ids), flush=True)
    batch += 1
"""

BACKUPS = PRELUDE + """
from frontdesk.services.trust import backup
from datetime import timedelta
for i in range(300):
    ctx.register.add(VisitForm(values={"name": f"访客{i}", "notes": "x" * 2000}), by="g")
print("ready", flush=True)
n = 0
while True:
    backup.make_backup(ctx.paths.db_file, ctx.paths.backups_dir,
                       ctx.clock.now() + timedelta(seconds=n))
    n += 1
"""

ADD_ONE = """
import sys, sqlite3
from frontdesk.context import AppContext
from frontdesk.paths import resolve_paths
from frontdesk.services.register import VisitForm
from frontdesk.storage.db import StorageError
ctx = AppContext.create(paths=resolve_paths(db=sys.argv[1], home=sys.argv[2]))
mode = sys.argv[3]
if mode == "readonly":
    from frontdesk.storage import db as dbmod
    original = sqlite3.connect
    def ro(path, *a, **k):
        return original(f"file:{path}?mode=ro", *a, uri=True, **k)
    dbmod.sqlite3.connect = ro
try:
    ctx.open()
    conn = ctx.require_db().connect()
    if mode == "full":
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages}")
    for i in range(500):
        ctx.register.add(VisitForm(values={"name": f"长条目{i}", "notes": "备注" * 200}), by="g")
        print("saved", flush=True)
except (StorageError, sqlite3.Error) as exc:
    print("error:", exc, flush=True)
    sys.exit(3)
"""


def spawn(script: str, tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    """Run ``script`` against the test database in a new Python process."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), str(tmp_path / "f.db"),
         str(tmp_path / "home"), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})


def app_still_starts(tmp_path: Path) -> AppContext:
    """``frontdesk --where`` works and the context opens; integrity and audit chain ok."""
    where = subprocess.run([sys.executable, "-m", "frontdesk", "--where", "--db",
                            str(tmp_path / "f.db")], capture_output=True, text=True)
    assert where.returncode == 0 and "f.db" in where.stdout
    ctx = AppContext.create(paths=resolve_paths(db=str(tmp_path / "f.db"), home=str(tmp_path / "home")))
    ctx.open()
    conn = ctx.require_db().read()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert audit_service(ctx).verify().ok
    return ctx


def visit_ids(ctx: AppContext) -> set[str]:
    """Every register entry id."""
    return {r[0] for r in ctx.require_db().read().execute("SELECT id FROM visits")}


def test_kill_9_during_burst_of_writes(tmp_path: Path) -> None:
    """Every entry reported saved is there after SIGKILL; the app starts."""
    proc = spawn(BURST, tmp_path)
    assert proc.stdout is not None
    saved = [proc.stdout.readline().strip() for _ in range(60)]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    ctx = app_still_starts(tmp_path)
    assert set(saved) <= visit_ids(ctx)
    ctx.close()


def test_kill_9_during_import_transaction(tmp_path: Path) -> None:
    """Killed inside a 200-record transaction: committed batches whole, the partial one absent."""
    proc = spawn(IMPORT, tmp_path)
    assert proc.stdout is not None
    batches = [proc.stdout.readline().split() for _ in range(3)]
    time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    ctx = app_still_starts(tmp_path)
    ids = visit_ids(ctx)
    assert all(set(b) <= ids for b in batches)
    assert len(ids) % 200 == 0
    ctx.close()


def test_kill_9_during_backup(tmp_path: Path) -> None:
    """Killed during VACUUM INTO: the database is whole; every finished backup is whole."""
    proc = spawn(BACKUPS, tmp_path)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    ctx = app_still_starts(tmp_path)
    assert len(visit_ids(ctx)) == 300
    from frontdesk.services.trust import backup

    made = backup.list_backups(ctx.paths.backups_dir)
    assert made and all(backup.integrity(b.path) == "ok" for b in made)
    backup.prune(ctx.paths.backups_dir, ctx.clock.now())
    assert not list(ctx.paths.backups_dir.glob("*.partial"))
    ctx.close()


def seeded(tmp_path: Path) -> set[str]:
    """A database with two committed entries; their ids."""
    ctx = AppContext.create(paths=resolve_paths(db=str(tmp_path / "f.db"), home=str(tmp_path / "home")))
    ctx.open()
    from frontdesk.services.register import VisitForm

    ids = {ctx.register.add(VisitForm(values={"name": n})).id for n in ("甲", "乙")}
    ctx.close()
    return ids


def test_full_disk_clear_message_nothing_half_committed(tmp_path: Path) -> None:
    """A write that does not fit fails whole with 'disk is full'; the rest is intact."""
    before = seeded(tmp_path)
    proc = spawn(ADD_ONE, tmp_path, "full")
    out, _err = proc.communicate(timeout=60)
    assert proc.returncode == 3
    assert "database or disk is full" in out
    saved = out.count("saved")
    ctx = app_still_starts(tmp_path)
    ids = visit_ids(ctx)
    assert before <= ids and len(ids) == len(before) + saved
    conn = ctx.require_db().read()
    assert conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == len(ids)
    assert conn.execute("SELECT COUNT(*) FROM audit_events").fetchone()[0] == len(ids)
    ctx.close()


def test_read_only_database_clear_message(tmp_path: Path) -> None:
    """A read-only database file: a clear error, nothing changed, the app opens it later."""
    before = seeded(tmp_path)
    proc = spawn(ADD_ONE, tmp_path, "readonly")
    out, _err = proc.communicate(timeout=60)
    assert proc.returncode == 3
    assert "readonly" in out or "read-only" in out or "read only" in out
    ctx = app_still_starts(tmp_path)
    assert visit_ids(ctx) == before
    ctx.close()


def test_database_locked_by_second_instance(tmp_path: Path) -> None:
    """Another process holds the write lock: busy_timeout, then a clear message; no crash."""
    before = seeded(tmp_path)
    holder = sqlite3.connect(tmp_path / "f.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        proc = spawn(ADD_ONE, tmp_path, "plain")
        out, _err = proc.communicate(timeout=60)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == 3, out
    assert "database is locked" in out
    assert waited >= 4.5
    ctx = app_still_starts(tmp_path)
    assert visit_ids(ctx) == before
    ctx.close()
