"""Every local change lands in the hash chain; rows cannot be edited; the CLI names a break."""
from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys

import pytest

from frontdesk.context import AppContext
from frontdesk.domain.trust.audit import GENESIS
from frontdesk.services.trust.audit import KEY_FILE, audit_service
from frontdesk.services.register import VisitForm


def add(ctx: AppContext, name: str = "张三", phone: str = "13800138000") -> str:
    """One register entry."""
    return ctx.register.add(VisitForm(values={"name": name, "phone": phone})).id


def test_every_write_is_an_event_without_personal_data(ctx: AppContext) -> None:
    """Create, edit and sign out: three events naming fields, never values."""
    audit = audit_service(ctx)
    assert audit.chain_head() == GENESIS
    vid = add(ctx)
    form = ctx.register.form_for(ctx.register.get(vid))
    form.values["phone"] = "13900139000"
    ctx.register.update(vid, form)
    ctx.register.sign_out(vid)
    events = audit.events()
    assert [e.action for e in events] == ["create", "edit", "edit"]
    assert "phone" in events[1].fields and events[1].before_hash and events[1].after_hash
    raw = repr([e.to_dict() for e in events])
    assert "张三" not in raw and "13800138000" not in raw and "13900139000" not in raw
    assert audit.chain_head() == events[-1].hash
    assert audit.verify().ok


def test_audit_rows_are_append_only(ctx: AppContext) -> None:
    """UPDATE and DELETE of an audit row are refused by the database."""
    add(ctx)
    conn = ctx.require_db().read()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_events SET actor = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_events")


def test_site_key_is_outside_the_db_and_private(ctx: AppContext) -> None:
    """The HMAC key file exists in config_dir with mode 0600 and is not in the database."""
    key_file = ctx.paths.config_dir / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    add(ctx)
    ctx.require_db().checkpoint()
    assert key_file.read_bytes() not in ctx.paths.db_file.read_bytes()


def test_cli_verify_ok_then_names_first_broken_link(ctx: AppContext) -> None:
    """``frontdesk audit verify``: exit 0 with the head, then exit 1 after tampering."""
    for i in range(3):
        add(ctx, f"访客{i}")
    head = audit_service(ctx).chain_head()
    db = str(ctx.paths.db_file)
    cmd = [sys.executable, "-m", "frontdesk", "audit", "verify", "--db", db]
    ok = subprocess.run(cmd, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("ok, 3 events, head 3:" + head)
    conn = ctx.require_db().read()
    conn.execute("DROP TRIGGER audit_events_no_update")
    conn.execute("UPDATE audit_events SET action = 'edit' WHERE seq = 2")
    bad = subprocess.run(cmd, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "event 2" in bad.stdout and "hash mismatch" in bad.stdout
