"""Retention purges and erasure: blanked everywhere, marked for sync, gone from the file bytes."""
from __future__ import annotations

import json
from datetime import timedelta

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.trust.retention import PersonKey
from frontdesk.services.trust.audit import audit_service
from frontdesk.services.register import VisitForm
from frontdesk.services.trust.retention import retention_service

OLD_ID = "E90011234"
NEW_ID = "E90025678"


def add(ctx: AppContext, name: str, cred: str, phone: str) -> str:
    """A visitor with an ID card."""
    from frontdesk.domain.register.visits import CredentialType

    return ctx.register.add(VisitForm(credential_type=CredentialType.PASSPORT, values={
        "name": name, "phone": phone, "credential_number": cred})).id


def file_bytes(ctx: AppContext) -> bytes:
    """The database file and its WAL, as stored on disk."""
    out = b""
    for suffix in ("", "-wal", "-shm"):
        p = ctx.paths.db_file.with_name(ctx.paths.db_file.name + suffix)
        if p.exists():
            out += p.read_bytes()
    return out


def test_due_entries_purged_with_history_marker_and_bytes(ctx: AppContext, clock: FrozenClock) -> None:
    """An entry 181 days old loses its personal fields in every version and in the file."""
    start = clock.now()
    clock.advance(timedelta(days=-181))
    old = add(ctx, "张三", OLD_ID, "13800138000")
    form = ctx.register.form_for(ctx.register.get(old))
    form.values["notes"] = "第二版"
    ctx.register.update(old, form)
    ctx.register.sign_out(old)
    clock.set(start)
    new = add(ctx, "李四", NEW_ID, "13912345678")
    assert OLD_ID.encode() in file_bytes(ctx)
    svc = retention_service(ctx)
    assert svc.due() == [old]
    assert svc.run_due() == 1
    assert svc.due() == []
    conn = ctx.require_db().read()
    rows = conn.execute("SELECT payload, purged FROM versions WHERE record_id = ?", (old,)).fetchall()
    assert all(json.loads(r[0]).get("credential_number") is None for r in rows)
    assert all(r[1] == 1 for r in rows)
    marker = conn.execute("SELECT fields, by FROM purges WHERE record_id = ?", (old,)).fetchone()
    assert "credential_number" in json.loads(marker[0]) and marker[1] == "system"
    assert ctx.register.get(new).credential_number == NEW_ID
    data = file_bytes(ctx)
    assert OLD_ID.encode() not in data
    assert "张三".encode() not in data
    assert NEW_ID.encode() in data
    assert "retention_purge" in [e.action for e in audit_service(ctx).events()]
    assert audit_service(ctx).verify().ok


def test_erase_one_person_on_request(ctx: AppContext) -> None:
    """Find by phone in any format; erase; other people untouched; recorded."""
    a = add(ctx, "王五", "E80011111", "13700137000")
    b = add(ctx, "王五", "E80011111", "13700137000")
    add(ctx, "赵六", "E85012222", "13600136000")
    svc = retention_service(ctx)
    matches = svc.find_person(PersonKey(phone="+86 137-0013-7000"))
    assert sorted(m.record_id for m in matches) == sorted([a, b])
    assert svc.erase(matches, by="陈主管") == 2
    assert svc.find_person(PersonKey(phone="13700137000")) == []
    assert len(svc.find_person(PersonKey(name="赵六"))) == 1
    assert b"E80011111" not in file_bytes(ctx)
    assert "erase_person" in [e.action for e in audit_service(ctx).events()]


def test_purge_on_open(ctx: AppContext, clock: FrozenClock) -> None:
    """Reopening the database runs the due purge (the start-up job)."""
    start = clock.now()
    clock.advance(timedelta(days=-200))
    old = add(ctx, "孙七", "E70013333", "13500135000")
    clock.set(start)
    ctx.close()
    ctx.open()
    row = ctx.require_db().read().execute("SELECT payload FROM visits WHERE id = ?", (old,)).fetchone()
    payload = json.loads(row[0])
    assert payload["name"] is None and payload["purged"] is True


def test_a_purged_entry_cannot_be_confirmed_by_guessing(ctx: AppContext, clock: FrozenClock) -> None:
    """Version ids are hashes of the content and stay after a purge. Each version holds a
    random salt that the purge blanks too, so filling the right guesses back into a purged
    version no longer gives its id: nothing kept says whether 张三 with that phone came."""
    from frontdesk.domain.sync.versioning import version_hash
    from frontdesk.storage import records

    start = clock.now()
    clock.advance(timedelta(days=-181))
    old = add(ctx, "张三", OLD_ID, "13800138000")
    clock.set(start)
    conn = ctx.require_db().read()
    (stored,) = [r.version for r in records.versions_of(conn, "visit", old)]
    salt = stored.payload["_salt"]
    assert isinstance(salt, str) and len(salt) == 32
    original = dict(stored.payload)

    def rehash(payload: dict[str, object]) -> str:
        return version_hash(stored.kind, stored.record_id, stored.parents, stored.hlc,
                            stored.origin, stored.deleted, payload)

    assert rehash(original) == stored.version_id  # before the purge a right guess matches
    assert retention_service(ctx).run_due() == 1
    conn = ctx.require_db().read()
    purged = next(r.version for r in records.versions_of(conn, "visit", old)
                  if r.version.version_id == stored.version_id)
    assert purged.payload["name"] is None and purged.payload["_salt"] is None
    # every personal value guessed right: only the salt is missing, and the id does not match
    guess = {k: (None if k == "_salt" else original[k]) for k in original}
    assert guess["name"] == "张三" and guess["credential_number"] == OLD_ID
    assert rehash(guess) != stored.version_id
    assert rehash({k: v for k, v in guess.items() if k != "_salt"}) != stored.version_id
    assert salt.encode() not in file_bytes(ctx)
    # entries are salted apart: the same person twice gives unrelated ids
    a, b = add(ctx, "李四", NEW_ID, "13912345678"), add(ctx, "李四", NEW_ID, "13912345678")
    va, vb = (records.current(conn, "visit", x)[0] for x in (a, b))
    assert va is not None and vb is not None and va.payload["_salt"] != vb.payload["_salt"]
