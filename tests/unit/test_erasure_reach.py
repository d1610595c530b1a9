"""Erased means erased (issue 15.5): the database file, its WAL and every backup lose the
person; incident text loses every identifier of theirs; a restore cannot bring them back; the
retention period is a setting that survives a restore and refuses 0."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from frontdesk.cli.main import main
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.register.visits import CredentialType
from frontdesk.domain.trust.retention import PersonKey
from frontdesk.services.incidents.service import IncidentService
from frontdesk.services.register import VisitForm
from frontdesk.services.trust import backup
from frontdesk.services.trust.retention import retention_service

NAME, PHONE, CRED, PLATE = "张三丰", "13800138000", "11010519491231002X", "粤B12345"
SECRETS = [NAME, PHONE, CRED, "138-0013-8000", "粤B·12345"]


def incidents(ctx: AppContext) -> IncidentService:
    """The context's incident service."""
    return ctx.service("incidents", IncidentService)


def everything(ctx: AppContext) -> dict[str, bytes]:
    """Every file that can hold the data: the database, its WAL and every backup."""
    db = ctx.paths.db_file
    files = [db.with_name(db.name + s) for s in ("", "-wal")]
    files += [b.path for b in backup.list_backups(ctx.paths.backups_dir)]
    return {p.name: p.read_bytes() for p in files if p.exists()}


def leaks(ctx: AppContext, values: list[str] = SECRETS) -> list[str]:
    """``file: value`` for every erased value still found in a file."""
    return [f"{name}: {v}" for name, data in everything(ctx).items() for v in values
            if v.encode() in data]


def seed(ctx: AppContext, clock: FrozenClock) -> str:
    """The person in the register, and in incident text: name with phone and plate beside it,
    the phone alone in another note; plus someone else who must stay."""
    ctx.register.add(VisitForm(credential_type=CredentialType.RESIDENT_ID, values={
        "name": NAME, "phone": PHONE, "credential_number": CRED, "plate": PLATE}))
    ctx.register.add(VisitForm(values={"name": "李四", "phone": "13912345678"}))
    s = incidents(ctx)
    inc = s.open("fight", "general", place="3栋",
                 summary=f"访客{NAME}(电话:138-0013-8000)与业主李四争吵", by="王保安")
    s.add_note(inc.id, f"{NAME}的车 粤B·12345 停在消防通道", "王保安")
    s.add_note(inc.id, "回拨 13800138000 无人接听；李四电话 13912345678", "王保安")
    clock.advance(timedelta(minutes=5))
    return inc.id


def erase(ctx: AppContext, key: PersonKey) -> int:
    """What the erasure screen does: find, then erase every match."""
    svc = retention_service(ctx)
    return svc.erase(svc.find_person(key), by="陈主管")


def test_erasure_reaches_the_file_its_wal_and_every_backup(ctx: AppContext,
                                                            clock: FrozenClock) -> None:
    """Two daily backups and two before-restore copies (one left beside the database by an older
    version) hold the person; after the erasure not one byte of name, phone, ID or plate is left
    in the database, its WAL or any backup, while the others' data stays."""
    inc_id = seed(ctx, clock)
    for days in (2, 1):
        backup.make_backup(ctx.paths.db_file, ctx.paths.backups_dir,
                           clock.now() - timedelta(days=days))
    backup.make_backup(ctx.paths.db_file, ctx.paths.backups_dir, clock.now(),
                       before_restore=True)
    legacy = ctx.paths.db_file.with_name(ctx.paths.db_file.name + ".before-restore")
    shutil.copy2(backup.list_backups(ctx.paths.backups_dir)[-1].path, legacy)  # older version's
    assert len(backup.list_backups(ctx.paths.backups_dir)) == 3
    assert leaks(ctx) and NAME.encode() in legacy.read_bytes()
    assert erase(ctx, PersonKey(name=NAME)) >= 4
    assert leaks(ctx) == [] and not legacy.exists()
    assert len(backup.list_backups(ctx.paths.backups_dir)) == 4
    for data in everything(ctx).values():
        assert not data or ("李四".encode() in data and b"13912345678" in data)  # an empty WAL
    texts = [e.text for e in incidents(ctx).entries(inc_id)]
    assert any("无人接听；李四电话 13912345678" in t for t in texts)
    assert all(backup.integrity(b.path) == "ok"
               for b in backup.list_backups(ctx.paths.backups_dir))


def test_erasing_by_name_removes_the_phone_and_plate_written_beside_it(
        ctx: AppContext, clock: FrozenClock) -> None:
    """No register entry at all: the incident text alone says "王五 13800138000"; erasing 王五
    removes that phone everywhere it is written, and the plate beside the name."""
    s = incidents(ctx)
    inc = s.open("media_at_gate", "serious", place="南门", summary="记者王五 13800138000 在南门拍摄",
                 by="王保安")
    s.add_note(inc.id, "王五，车牌 粤B·12345，已劝离", "王保安")
    s.add_note(inc.id, "13800138000 又打来电话", "王保安")
    svc = retention_service(ctx)
    matches = svc.find_person(PersonKey(name="王五"))
    assert {"name", "phone"} <= {w for m in matches for w in m.matched}
    svc.erase(matches, by="陈主管")
    texts = [s.get(inc.id).summary] + [e.text for e in s.entries(inc.id)]  # type: ignore[union-attr]
    joined = "\n".join(texts)
    for value in ("王五", "13800138000", "粤B·12345"):
        assert value not in joined
    assert "又打来电话" in joined and "在南门拍摄" in joined
    assert leaks(ctx, ["王五", "13800138000", "粤B·12345"]) == []


def test_a_reader_during_the_purge_does_not_keep_the_values_in_the_main_file(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Another process holds a read transaction for 7 s (longer than the 5 s busy timeout)
    while the erasure runs: the values still leave the main file and the WAL is emptied."""
    seed(ctx, clock)
    ctx.require_db().checkpoint()  # the person's pages are in the main file now
    reader = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sqlite3, sys, time
        conn = sqlite3.connect(sys.argv[1], isolation_level=None)
        conn.execute("BEGIN")
        conn.execute("SELECT COUNT(*) FROM versions").fetchone()
        print("reading", flush=True)
        time.sleep(7)
        conn.execute("COMMIT")
        """), str(ctx.paths.db_file)], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        erase(ctx, PersonKey(name=NAME))
        main_file = ctx.paths.db_file.read_bytes()
        assert [v for v in SECRETS if v.encode() in main_file] == []
        wal = ctx.paths.db_file.with_name(ctx.paths.db_file.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0
        assert retention_service(ctx).settled
    finally:
        reader.wait(timeout=30)


def doctor(ctx: AppContext, *args: str) -> subprocess.CompletedProcess[str]:
    """``frontdesk doctor`` on the test's database, as a separate process."""
    return subprocess.run([sys.executable, "-m", "frontdesk", "doctor", "--db",
                           str(ctx.paths.db_file), *args], capture_output=True, text=True,
                          env=os.environ.copy())


def test_restoring_a_copy_made_before_the_erasure_does_not_bring_the_person_back(
        ctx: AppContext, clock: FrozenClock, tmp_path: Path) -> None:
    """A backup copied off the PC before the erasure (so no purge reached it) is restored with
    ``doctor --restore``: the ledger beside the database erases the person again before the
    file is put in place; the replaced database is kept as a (clean) before-restore backup."""
    seed(ctx, clock)
    made = backup.make_backup(ctx.paths.db_file, ctx.paths.backups_dir,
                              clock.now() - timedelta(days=1))
    usb = tmp_path / "usb"
    usb.mkdir()
    old_copy = shutil.copy2(made, usb / "old.db")
    erase(ctx, PersonKey(phone=PHONE))
    assert NAME.encode() in Path(old_copy).read_bytes()
    ledger_text = ctx.paths.ledger_file.read_text(encoding="utf-8")
    assert all(v not in ledger_text for v in SECRETS)  # ids and field names only
    ctx.close()
    done = doctor(ctx, "--restore", str(old_copy), "--yes")
    assert done.returncode == 0, done.stderr
    assert "before-restore" in done.stdout
    ctx.open()
    assert retention_service(ctx).find_person(PersonKey(name=NAME)) == []
    assert "李四" in {v.name for v in ctx.register.today()}
    assert leaks(ctx) == []
    assert any(b.before_restore for b in backup.list_backups(ctx.paths.backups_dir))


def test_retention_is_a_setting_that_refuses_zero_and_survives_a_restore(
        ctx: AppContext, clock: FrozenClock, capsys: pytest.CaptureFixture[str]) -> None:
    """``frontdesk settings retention``: 0 refused with the reason; 30 is audited, kept in the
    ledger, re-applied to a restored older database and purges what is older than 30 days."""
    start = clock.now()
    clock.advance(timedelta(days=-40))
    ctx.register.add(VisitForm(values={"name": "老访客", "phone": "13700137000"}))
    clock.set(start)
    made = backup.make_backup(ctx.paths.db_file, ctx.paths.backups_dir, clock.now())
    db = str(ctx.paths.db_file)
    ctx.close()
    assert main(["settings", "retention", "0", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "would erase every entry" in err and err.count("\n") == 1
    assert main(["settings", "retention", "30", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["retention_days"] == 30
    assert main(["settings", "--db", db]) == 0 and "30 days" in capsys.readouterr().out
    ctx.open()
    assert ctx.require_site().retention_days == 30
    assert b"13700137000" not in b"".join(everything(ctx).values())  # purged at the open
    ctx.close()
    usb = made.with_name("copy.db.keep")
    shutil.copy2(made, usb)  # taken before the setting changed: 180 days and the visitor
    assert doctor(ctx, "--restore", str(usb), "--yes").returncode == 0
    usb.unlink()
    ctx.open()
    assert ctx.require_site().retention_days == 30
    (old,) = ctx.register.between(start - timedelta(days=41), start)
    assert old.purged and old.name == ""
    assert leaks(ctx, ["老访客", "13700137000"]) == []
    actions = [json.loads(x)["t"] for x in
               ctx.paths.ledger_file.read_text(encoding="utf-8").splitlines()]
    assert "setting" in actions and "retention" in actions


def test_backups_older_than_the_retention_period_are_deleted(ctx: AppContext,
                                                             clock: FrozenClock) -> None:
    """Retention 7 days: the next backup run deletes a 10-day-old backup (the newest too)."""
    from frontdesk.services.trust.settings import set_retention_days

    old = backup.make_backup(ctx.paths.db_file, ctx.paths.backups_dir,
                             clock.now() - timedelta(days=10))
    recent = backup.make_backup(ctx.paths.db_file, ctx.paths.backups_dir,
                                clock.now() - timedelta(days=3))
    set_retention_days(ctx, 7, by="陈主管")
    clock.advance(timedelta(days=5))  # the recent one is 8 days old now
    outcome = backup.backup_now(ctx)
    names = [b.path for b in backup.list_backups(ctx.paths.backups_dir)]
    assert names == [outcome.path] and old not in names and recent not in names
