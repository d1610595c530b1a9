"""An export never destroys anything (issue 16, point 1).

``frontdesk export register --out x.db`` where ``x.db`` was the live database replaced it with a
CSV and exited 0; ``sync export`` the same; ``--out /dev/full`` as root replaced the device node.
Each bad target below is refused with exit 2 and the database (and the target) compared before
and after. Default names carry the site and the time, are safe on every filesystem, and a second
export never replaces the first.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from frontdesk.context import AppContext
from frontdesk.export import write_csv
from frontdesk.export.target import (
    TargetError,
    bundle_name,
    check_target,
    register_name,
    safe_part,
    unused,
)
from frontdesk.services.export import export_service
from frontdesk.services.sync import SyncError
from frontdesk.storage import site as site_store
from tests.unit.sync_sites import T0, add_visit, make_site, sync
from tests.unit.test_cli_visit import run

DAY = "2026-11-22"


def _dump(db: Path) -> str:
    """Every row of every table of the database file (not the file's bytes: opening it may
    checkpoint its WAL), or what the file is when it is not a database any more."""
    head = db.read_bytes()[:16]
    if head != b"SQLite format 3\x00":
        return f"NOT A DATABASE: {head!r}"
    conn = sqlite3.connect(db)
    try:
        # Every command's open still stamps meta.retention_last_run (issue 16 point 7, a later
        # task): that one row is left out so that what an export may have done is compared.
        rows = [r for r in conn.iterdump() if "'retention_last_run'" not in r]
        return hashlib.sha256("\n".join(rows).encode()).hexdigest()
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A database with one entry, opened and closed once by the command line."""
    path = tmp_path / "live.db"
    assert run(capsys, "visit", "add", "--db", str(path), "--kind", "visitor",
               "--name", "王五")[0] == 0
    return path


@contextlib.contextmanager
def _cwd(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _export(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "export", "register", "--db", str(db), "--date", DAY, *extra)


def _bundle(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "sync", "export", "--db", str(db), *extra)


@pytest.mark.parametrize("command", ["register", "bundle"])
def test_the_live_database_is_refused_by_any_path(command: str, db: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Absolute, relative, through a symlink, a hard link, its -wal and -shm: all refused."""
    link = tmp_path / "link.db"
    link.symlink_to(db)
    hard = tmp_path / "hard.db"
    os.link(db, hard)
    before = _dump(db)
    for target in (str(db), "live.db", str(link), str(hard), f"{db}-wal", f"{db}-shm",
                   str(tmp_path / "sub" / ".." / "live.db")):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with _cwd(tmp_path):
            if command == "register":
                code, out, err = _export(capsys, db, "--format", "csv", "--out", target, "--json",
                                         "--force")
            else:
                code, out, err = _bundle(capsys, db, "--out", target, "--json", "--force")
        assert code == 2, target
        assert json.loads(out)["error"] == "is_database", (target, out)
        assert _dump(db) == before, target
        assert link.is_symlink() and link.resolve() == db.resolve()


@pytest.mark.parametrize("command", ["register", "bundle"])
def test_what_is_not_a_regular_file_is_refused(command: str, db: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A folder, a FIFO, a symlink, a device node (made here: never /dev itself) stay."""
    ext = "csv" if command == "register" else "fdb"
    folder = tmp_path / f"folder.{ext}"
    folder.mkdir()
    fifo = tmp_path / f"fifo.{ext}"
    os.mkfifo(fifo)
    plain = tmp_path / f"plain.{ext}"
    plain.write_text("keep me", encoding="utf-8")
    symlink = tmp_path / f"symlink.{ext}"
    symlink.symlink_to(plain)
    targets = [folder, fifo, symlink]
    device = tmp_path / f"device.{ext}"
    with contextlib.suppress(PermissionError):  # only root may make a device node
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 7))  # what /dev/full is
        targets.append(device)
    before = _dump(db)
    for target in targets:
        if command == "register":
            code, out, _err = _export(capsys, db, "--out", str(target), "--json", "--force")
        else:
            code, out, _err = _bundle(capsys, db, "--out", str(target), "--json", "--force")
        assert (code, json.loads(out)["error"]) == (2, "not_a_file"), target
    assert folder.is_dir() and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert symlink.is_symlink() and plain.read_text(encoding="utf-8") == "keep me"
    if device in targets:
        assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert _dump(db) == before


@pytest.mark.parametrize("command", ["register", "bundle"])
def test_an_existing_file_is_replaced_only_with_force(command: str, db: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / ("old.xlsx" if command == "register" else "old.fdb")
    target.write_bytes(b"yesterday's file")
    do = _export if command == "register" else _bundle
    code, out, err = do(capsys, db, "--out", str(target))
    assert code == 2 and "already exists" in err and "--force" in err
    assert target.read_bytes() == b"yesterday's file"
    code, out, _err = do(capsys, db, "--out", str(target), "--force", "--json")
    assert code == 0 and target.read_bytes() != b"yesterday's file"
    if command == "bundle":  # bundles carry unmasked numbers: owner only, replaced or not
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_another_database_is_never_replaced_even_with_force(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A backup copy is a database too: an export never replaces one."""
    backup = tmp_path / "backup.csv"
    backup.write_bytes(db.read_bytes())
    copy = backup.read_bytes()
    code, out, _err = _export(capsys, db, "--out", str(backup), "--force", "--json")
    assert (code, json.loads(out)["error"]) == (2, "is_database")
    assert backup.read_bytes() == copy


def test_the_format_follows_the_extension_or_must_agree(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _export(capsys, db, "--out", str(tmp_path / "day.csv"), "--json")
    assert code == 0 and json.loads(out)["format"] == "csv"
    code, out, err = _export(capsys, db, "--format", "pdf", "--out", str(tmp_path / "d.xlsx"))
    assert code == 2 and "--format pdf does not agree" in err and "d.xlsx" in err
    code, out, err = _export(capsys, db, "--out", str(tmp_path / "day.txt"))
    assert code == 2 and ".xlsx, .csv, .pdf" in err
    code, out, err = _bundle(capsys, db, "--out", str(tmp_path / "sync.zip"))
    assert code == 2 and ".fdb" in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file() and p.suffix != ".db") == [
        "day.csv"]


def test_default_names_carry_site_and_date_and_never_collide(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '北门' WHERE key = 'site_name'")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for _ in range(3):
        assert _export(capsys, db, "--out-dir", str(inbox))[0] == 0
    code, out, _ = run(capsys, "export", "register", "--db", str(db), "--date",
                       "2026-11-20~2026-11-22", "--format", "pdf", "--out-dir", str(inbox),
                       "--json")
    assert code == 0
    for _ in range(2):
        assert _bundle(capsys, db, "--out-dir", str(inbox))[0] == 0
    names = sorted(p.name for p in inbox.iterdir())
    assert {n for n in names if "register" in n} == {
        "北门-register-2026-11-22.xlsx", "北门-register-2026-11-22-2.xlsx",
        "北门-register-2026-11-22-3.xlsx", "北门-register-2026-11-20~2026-11-22.pdf"}
    bundles = sorted(n for n in names if n.endswith(".fdb"))
    assert len(bundles) == 2 and all(n.startswith("北门-20") for n in bundles)
    assert bundles[0][:-4] + "-2.fdb" == bundles[1] or bundles[1][:-4] + "-2.fdb" == bundles[0]


def test_a_failed_write_leaves_the_old_file_intact(
        ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from frontdesk.export import csv_writer

    target = tmp_path / "day.csv"
    target.write_text("the office's copy", encoding="utf-8")

    def broken(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csv_writer.csv, "writer", broken)
    with pytest.raises(Exception, match="No space left"):
        export_service(ctx).write(None, target, date(2026, 11, 22), force=True)
    assert target.read_text(encoding="utf-8") == "the office's copy"
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["day.csv"]


def test_a_name_taken_while_writing_is_not_replaced(tmp_path: Path) -> None:
    """No check-then-write race: the file is put in place only if the name is still free."""
    from frontdesk.export import Column, Sheet

    target = tmp_path / "day.csv"
    sheet = Sheet(title="t", header_lines=(), columns=(Column("a", "A"),), rows=[["1"]])
    assert check_target(target, protected=[]) == target
    target.write_text("arrived meanwhile", encoding="utf-8")
    with pytest.raises(TargetError) as info:
        write_csv(sheet, target, overwrite=False)
    assert info.value.code == "exists"
    assert target.read_text(encoding="utf-8") == "arrived meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["day.csv"]


HOSTILE_SITES = ["../../etc/cron.d/x", "a/b\\c:d*e?f\"g<h>i|j", "CON", "nul", "lpt1",
                 "\x1b]2;pwned\x07北门", "东\u202e门", ".hidden", "-rf", "  . ", "门" * 300,
                 "C:\\Windows", "\u200b", "COM¹"]


@pytest.mark.parametrize("name", HOSTILE_SITES)
def test_site_names_are_made_safe_for_every_filesystem(name: str, tmp_path: Path) -> None:
    part = safe_part(name)
    assert part and len(part.encode("utf-8")) <= 120
    assert not set(part) & set("/\\:*?\"<>|\x00\x1b\x07\u202e\u200b")
    assert not part.startswith((".", "-")) and not part.endswith((" ", "."))
    assert part.split(".")[0].lower() not in {"con", "nul", "lpt1", "com¹", "prn", "aux"}
    for file_name in (register_name(name, date(2026, 12, 1), date(2026, 12, 2), "xlsx"),
                      bundle_name(name, T0)):
        written = unused(tmp_path, file_name)
        written.write_text("x", encoding="utf-8")  # the name is a plain file in this folder
        assert written.parent == tmp_path and len(file_name.encode()) <= 255


def test_default_names_as_the_office_sees_them(ctx: AppContext, tmp_path: Path) -> None:
    with ctx.require_db().write() as conn:
        site_store.save_site(conn, replace(ctx.require_site(), name="北门"))
        ctx.site = site_store.load_site(conn)
    day = date(2026, 12, 2)
    assert export_service(ctx).default_path("xlsx", day, day, tmp_path).name == (
        "北门-register-2026-12-02.xlsx")
    assert export_service(ctx).default_path("csv", date(2026, 12, 1), day, tmp_path).name == (
        "北门-register-2026-12-01~2026-12-02.csv")
    # the clock is 2026-11-22 02:00 UTC: 10:00 in Asia/Shanghai (site time)
    assert sync(ctx).default_path(tmp_path).name == "北门-2026-11-22T1000.fdb"


def test_the_service_refuses_for_the_app_too(tmp_path: Path) -> None:
    """The same rules hold whoever calls (the files screen goes through the services)."""
    a = make_site(tmp_path, "a")
    try:
        add_visit(a, "王五")
        live = a.require_db().path
        with pytest.raises(SyncError) as info:
            sync(a).export_bundle(Path(f"{live}-wal"), force=True)
        assert info.value.code == "is_database"
        with pytest.raises(TargetError):
            export_service(a).write("csv", Path(str(live)), date(2026, 11, 22), force=True)
        assert live.read_bytes()[:16] == b"SQLite format 3\x00"
    finally:
        a.close()
