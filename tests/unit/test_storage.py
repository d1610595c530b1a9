"""The SQLite store: settings, schema versions, versioned records, crash safety."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from frontdesk.context import AppContext
from frontdesk.storage import migrations, records
from frontdesk.storage.db import Database, StorageError


def test_pragmas_are_set(ctx: AppContext) -> None:
    conn = ctx.require_db().read()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_schema_has_a_version(ctx: AppContext) -> None:
    conn = ctx.require_db().read()
    assert migrations.schema_version(conn) == migrations.SCHEMA_VERSION


def test_newer_database_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 5}")
    conn.execute("CREATE TABLE something_new (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    db = Database(path)
    with pytest.raises(StorageError, match="newer frontdesk"):
        db.open()
    db.close()
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION + 5
    assert check.execute("SELECT name FROM sqlite_master").fetchall() == [("something_new",)]
    check.close()
    assert len(before) > 0


def test_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    db = Database(path)
    with pytest.raises(StorageError) as info:
        db.open()
    assert str(path) in str(info.value)


def test_site_identity_created_once(ctx: AppContext) -> None:
    site = ctx.require_site()
    assert len(site.id) == 12 and site.timezone == "Asia/Shanghai"
    ctx.close()
    ctx.open()
    assert ctx.require_site().id == site.id


def test_edit_makes_a_new_version_with_parent(ctx: AppContext) -> None:
    db = ctx.require_db()
    now = ctx.clock.now()
    with db.write() as conn:
        v1 = records.write(conn, "visit", "r1", {"kind": "visitor", "name": "甲",
                                                  "time_in": now.isoformat()}, now)
        v2 = records.write(conn, "visit", "r1", {"kind": "visitor", "name": "乙",
                                                  "time_in": now.isoformat()}, now)
    assert v2.parents == (v1.version_id,)
    assert v2.hlc > v1.hlc  # same wall time: the logical counter orders them
    conn = db.read()
    assert records.head_ids(conn, "visit", "r1") == [v2.version_id]
    assert [vr.version.version_id for vr in records.versions_of(conn, "visit", "r1")] == [
        v1.version_id, v2.version_id]


def test_every_record_has_uuid_and_origin(ctx: AppContext) -> None:
    from frontdesk.domain.register.visits import VisitKind
    from frontdesk.services.register import VisitForm

    v = ctx.register.add(VisitForm(kind=VisitKind.VISITOR, values={"name": "王五"}), by="g")
    row = ctx.require_db().read().execute(
        "SELECT origin, payload FROM versions WHERE record_id = ?", (v.id,)).fetchone()
    assert row["origin"] == ctx.require_site().id
    assert len(v.id) == 36 and v.site == ctx.require_site().id


WRITER = textwrap.dedent(
    """
    import sys
    from frontdesk.context import AppContext
    from frontdesk.paths import resolve_paths
    from frontdesk.services.register import VisitForm
    from frontdesk.domain.register.visits import VisitKind
    ctx = AppContext.create(paths=resolve_paths(db=sys.argv[1], home=sys.argv[2]))
    ctx.open()
    i = 0
    while True:
        v = ctx.register.add(VisitForm(kind=VisitKind.VISITOR, values={"name": f"访客{i}"}), by="g")
        sys.stdout.write(v.id + "\\n")
        sys.stdout.flush()
        i += 1
    """
)


def test_committed_rows_survive_kill_9(tmp_path: Path) -> None:
    """A writer is killed mid-stream; every row it reported saved is there, file intact."""
    db_path = tmp_path / "kill.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), str(tmp_path / "home")],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    saved = [proc.stdout.readline().strip() for _ in range(150)]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = {r[0] for r in conn.execute("SELECT id FROM visits")}
    conn.close()
    assert all(s for s in saved)
    missing = [s for s in saved if s not in ids]
    assert missing == []
