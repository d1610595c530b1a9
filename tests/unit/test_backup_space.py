"""Backups that do not fill the disk (issue 15.6): one a day, a cap in space with the oldest
dropped first, a free-space check before writing (a real full tmpfs), owner-only files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.i18n import set_language
from frontdesk.paths import resolve_paths
from frontdesk.services.register import VisitForm
from frontdesk.services.trust import backup
from frontdesk.services.trust.settings import SettingError, set_backup_cap


def fill(ctx: AppContext, n: int, size: int = 1500) -> None:
    """``n`` entries with long notes (about ``n * size`` bytes of database)."""
    for i in range(n):
        ctx.register.add(VisitForm(values={"name": f"访客{i}", "notes": f"{i}" + "备" * size}))


def test_at_most_one_backup_a_site_day(ctx: AppContext, clock: FrozenClock) -> None:
    """At start and every four hours the app asks; only the first of each site day writes."""
    first = backup.backup_now(ctx)
    assert first.path is not None
    clock.advance(timedelta(hours=10))  # 20:00 the same day in Shanghai
    assert backup.backup_now(ctx).skipped == "today"
    clock.advance(timedelta(hours=4, minutes=30))  # 00:30 the next day
    second = backup.backup_now(ctx)
    assert second.path is not None and second.path != first.path
    assert len(backup.list_backups(ctx.paths.backups_dir)) == 2


def test_the_space_cap_drops_the_oldest_first(ctx: AppContext, clock: FrozenClock) -> None:
    """A 1 MB cap and a ~430 KB database: each day's backup pushes the oldest out, the total
    stays under the cap; a cap below the database's size writes and drops nothing."""
    fill(ctx, 20)
    set_backup_cap(ctx, 1, by="陈主管")
    made: list[Path] = []
    for _day in range(5):
        outcome = backup.backup_now(ctx)
        assert outcome.path is not None, outcome.explain()
        made.append(outcome.path)
        clock.advance(timedelta(days=1))
    held = backup.list_backups(ctx.paths.backups_dir)
    assert sum(b.size for b in held) <= 1024 * 1024
    assert [b.path for b in held] == made[::-1][:2]  # 2 x 430 KB fit, a third does not
    fill(ctx, 60)  # now over 1 MB
    before = [b.path for b in backup.list_backups(ctx.paths.backups_dir)]
    outcome = backup.backup_now(ctx)
    assert outcome.skipped == "cap_too_small" and outcome.cap_mb == 1
    assert [b.path for b in backup.list_backups(ctx.paths.backups_dir)] == before
    with pytest.raises(SettingError):
        set_backup_cap(ctx, -5)


def test_the_warning_the_desk_sees(ctx: AppContext) -> None:
    """The app's words for a skipped backup, in both languages."""
    from frontdesk.screens.trust.signin import backup_warning

    skipped = backup.BackupOutcome(None, "no_space", free_mb=3, need_mb=2, reserve_mb=64)
    set_language("en")
    assert backup_warning(skipped) == ("No backup made, the disk is nearly full: 3 MB free, a "
                                       "backup needs about 2 MB and 64 MB must stay free")
    set_language("zh")
    assert "磁盘空间不足" in (backup_warning(skipped) or "")
    assert backup_warning(backup.BackupOutcome(None, "today")) is None


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 8 MB tmpfs (the machine's root may mount one)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


NEARLY_FULL = """
import json, os, shutil, sys
from frontdesk.context import AppContext
from frontdesk.paths import resolve_paths
from frontdesk.services.register import VisitForm
from frontdesk.services.trust import backup
ctx = AppContext.create(paths=resolve_paths(home=sys.argv[1]))
ctx.open()
for i in range(300):
    ctx.register.add(VisitForm(values={"name": f"访客{i}", "notes": "备" * 1500}))
ctx.require_db().checkpoint()
ballast = os.path.join(sys.argv[1], "ballast")
with open(ballast, "wb") as fh:   # the rest of the disk taken by other files but ~3 MB
    fh.write(b"x" * max(0, shutil.disk_usage(sys.argv[1]).free - 3 * 1024 * 1024))
free = shutil.disk_usage(sys.argv[1]).free
outcome = backup.backup_now(ctx)
ctx.register.add(VisitForm(values={"name": "之后的访客"}))
print(json.dumps({"skipped": outcome.skipped, "path": str(outcome.path or ""),
                  "free_before": free, "free_after": shutil.disk_usage(sys.argv[1]).free,
                  "message": outcome.explain(),
                  "backups": os.listdir(ctx.paths.backups_dir)}))
"""


def test_a_nearly_full_disk_gets_no_backup_and_keeps_working(small_disk: Path) -> None:
    """On a real nearly full tmpfs: the backup is skipped with a warning naming the figures,
    nothing is written (not even a partial file), and the database still takes an entry."""
    done = subprocess.run([sys.executable, "-c", NEARLY_FULL, str(small_disk)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["skipped"] == "no_space" and result["path"] == ""
    assert result["backups"] == []
    assert "MB free" in result["message"] and "must stay free" in result["message"]
    assert result["free_after"] >= result["free_before"] - 256 * 1024  # the one new entry


OWNER_ONLY = """
import sys
from frontdesk.context import AppContext
from frontdesk.paths import resolve_paths
from frontdesk.services.register import VisitForm
from frontdesk.services.trust import backup
from frontdesk.services.trust.auth import auth_service
from frontdesk.services.trust.settings import set_retention_days
ctx = AppContext.create(paths=resolve_paths(home=sys.argv[1]))
ctx.open()
ctx.register.add(VisitForm(values={"name": "张三"}))
auth_service(ctx).create_first_supervisor("陈主管", "582913", "阳光花园", "Asia/Shanghai")
set_retention_days(ctx, 90)
print(backup.backup_now(ctx).path)
"""


def mode(path: Path) -> int:
    """Permission bits."""
    return os.stat(path).st_mode & 0o777


def test_database_backups_keys_and_folders_are_owner_only(tmp_path: Path) -> None:
    """With the usual umask 022: database, -wal, -shm, backups, ledger, pepper and audit key
    0600; data, config and backup folders 0700. An existing 0644 database is tightened."""
    home = tmp_path / "home"
    env = {**os.environ}
    run = [sys.executable, "-c", "import os\nos.umask(0o022)\n" + OWNER_ONLY, str(home)]
    done = subprocess.run(run, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    made = Path(done.stdout.strip())
    data, config = home / "data", home / "config"
    db = data / "frontdesk.db"
    files = [db, made, data / "frontdesk.db.ledger", config / "pin.pepper", config / "audit.key"]
    files += [p for p in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))
              if p.exists()]
    assert {str(p.relative_to(home)): oct(mode(p)) for p in files} == {
        str(p.relative_to(home)): "0o600" for p in files}
    assert [oct(mode(d)) for d in (data, config, data / "backups")] == ["0o700"] * 3
    os.chmod(db, 0o644)
    os.chmod(data, 0o755)
    ctx = AppContext.create(paths=resolve_paths(home=str(home)))
    ctx.open()
    ctx.close()
    assert mode(db) == 0o600 and mode(data) == 0o700
