"""Erasure when files cannot be written, as a real process with dropped privileges (root
ignores file modes): a backup that cannot take the purge is deleted, not left holding the
person; a ledger that cannot be written stops the erasure with nothing changed (a restore would
otherwise bring the person back)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.context import AppContext
from frontdesk.domain.register.visits import CredentialType
from frontdesk.paths import resolve_paths
from frontdesk.services.register import VisitForm
from frontdesk.services.trust import backup

NOBODY = 65534

# The interpreter lives under /root (0700), so the child imports what it needs as root and
# then drops to nobody before touching the data.
AS_NOBODY = """
import importlib, json, os, pkgutil, sys
import frontdesk
for info in pkgutil.walk_packages(frontdesk.__path__, "frontdesk."):
    if not info.name.startswith(("frontdesk.screens", "frontdesk.widgets", "frontdesk.app",
                                 "frontdesk.__main__")):
        importlib.import_module(info.name)
import _strptime, getpass, zoneinfo
from frontdesk.context import AppContext
from frontdesk.paths import resolve_paths
from frontdesk.domain.trust.retention import PersonKey
from frontdesk.services.trust import retention
import frontdesk.i18n as i18n
i18n.catalog()
os.setgroups([]); os.setgid(65534); os.setuid(65534)
ctx = AppContext.create(paths=resolve_paths(home=sys.argv[1]))
ctx.open()
svc = retention.retention_service(ctx)
out = {}
try:
    out["erased"] = svc.erase(svc.find_person(PersonKey(name=sys.argv[2])), by="陈主管")
except OSError as exc:
    out["refused"] = f"{type(exc).__name__}: {exc}"
out["warnings"] = svc.warnings
out["still_found"] = len(svc.find_person(PersonKey(name=sys.argv[2])))
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.fixture
def home() -> Iterator[Path]:
    """A data folder nobody can reach (pytest's own tmp folders are root-only)."""
    if os.geteuid() != 0:
        pytest.skip("dropping privileges needs root")
    base = Path(tempfile.mkdtemp(prefix="fd-nobody-"))
    os.chmod(base, 0o755)
    try:
        yield base / "home"
    finally:
        shutil.rmtree(base, ignore_errors=True)


def seed(home: Path) -> AppContext:
    """Two people and two backups, every file handed to nobody."""
    ctx = AppContext.create(paths=resolve_paths(home=str(home)))
    ctx.open()
    for name, cred in (("张三丰", "11010519491231002X"), ("李四光", "110105195001010012")):
        ctx.register.add(VisitForm(credential_type=CredentialType.RESIDENT_ID,
                                   values={"name": name, "credential_number": cred}))
    for h in (2, 1):
        backup.make_backup(ctx.paths.db_file, ctx.paths.backups_dir,
                           ctx.clock.now().replace(hour=h))
    ctx.close()
    for root, dirs, files in os.walk(home):
        for n in [root, *(os.path.join(root, f) for f in dirs + files)]:
            os.chown(n, NOBODY, NOBODY)
    return ctx


def erase_as_nobody(home: Path, name: str) -> dict[str, object]:
    """Run the erasure of ``name`` in a child process as nobody; its JSON report."""
    done = subprocess.run([sys.executable, "-c", AS_NOBODY, str(home), name],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_backup_that_cannot_take_the_purge_is_deleted(home: Path) -> None:
    """One backup is read-only for its owner: the erasure deletes it (and says so), purges the
    other, and nothing of the person is left in any file."""
    ctx = seed(home)
    held = backup.list_backups(ctx.paths.backups_dir)
    read_only = held[0].path
    os.chmod(read_only, 0o400)
    report = erase_as_nobody(home, "张三丰")
    assert report["erased"] == 1 and report["still_found"] == 0
    assert any(read_only.name in w and "deleted" in w for w in report["warnings"])  # type: ignore[union-attr]
    assert not read_only.exists()
    left = [b.path for b in backup.list_backups(ctx.paths.backups_dir)]
    assert left == [held[1].path]
    for f in [*left, ctx.paths.db_file]:
        assert "张三丰".encode() not in f.read_bytes()
        assert "李四光".encode() in f.read_bytes()


def test_a_ledger_that_cannot_be_written_stops_the_erasure(home: Path) -> None:
    """The ledger is read-only: the erasure is refused with the reason and changes nothing
    (erasing without it would let a restore bring the person back)."""
    ctx = seed(home)
    ctx.paths.ledger_file.write_text("", encoding="utf-8")
    os.chown(ctx.paths.ledger_file, NOBODY, NOBODY)
    os.chmod(ctx.paths.ledger_file, 0o400)
    report = erase_as_nobody(home, "张三丰")
    assert "PermissionError" in str(report["refused"]) and report["still_found"] == 1
    assert "张三丰".encode() in ctx.paths.db_file.read_bytes()
