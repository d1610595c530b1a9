"""Every export and every sync import is an audit event: who, what, how much, never whose."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from frontdesk.context import AppContext
from frontdesk.domain.trust.audit import AuditEvent, detail
from frontdesk.domain.incidents.report import revise
from frontdesk.domain.register.visits import CredentialType, VisitKind
from frontdesk.export.target import TargetError
from frontdesk.services.export import export_service
from frontdesk.services.incidents.service import IncidentService
from frontdesk.services.register import VisitForm
from frontdesk.services.sync import SyncError
from frontdesk.services.trust.audit import audit_service, file_facts, file_sha256

from .sync_sites import make_site, sync
from .test_cli_visit import run

DAY = date(2026, 11, 22)
NAME, PHONE, CRED = "张三", "13800138000", "E90011234"


def last(ctx: AppContext) -> AuditEvent:
    """The newest audit event."""
    return audit_service(ctx).events()[-1]


def no_personal_data(event: AuditEvent) -> None:
    """The event (every column) holds none of the visitor's values nor the file's name."""
    text = json.dumps(event.to_dict(), ensure_ascii=False)
    for value in (NAME, PHONE, CRED, "zhangsan"):
        assert value not in text


def file_token(event: AuditEvent) -> str:
    """The ``file.<16 hex>`` field."""
    tokens = [f for f in event.fields if f.startswith("file.")]
    assert len(tokens) == 1 and re.fullmatch(r"file\.[0-9a-f]{16}", tokens[0])
    return tokens[0]


@pytest.fixture
def filled(ctx: AppContext) -> AppContext:
    """Two visitors today, one with a phone and an ID, exported by a supervisor."""
    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    ctx.register.add(VisitForm(kind=VisitKind.VISITOR, credential_type=CredentialType.PASSPORT,
                               values={"name": NAME, "phone": PHONE, "credential_number": CRED}))
    ctx.register.add(VisitForm(kind=VisitKind.JOURNALIST, values={"name": "李四"}))
    return ctx


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_register_export_is_recorded(filled: AppContext, tmp_path: Path, fmt: str) -> None:
    """Format, range, rows, masking, who; the file's name only as a keyed digest; the content
    digest lets the site check a file found elsewhere; the chain still verifies."""
    path = tmp_path / f"zhangsan-{NAME}.{fmt}"
    out = export_service(filled).write(fmt, path, DAY)
    event = last(filled)
    assert (event.action, event.record_kind, event.record_id) == (
        "export", "register", "2026-11-22..2026-11-22")
    assert event.actor == "陈主管"
    assert {f"format.{fmt}", "from.20261122", "to.20261122", f"rows.{out.rows}",
            "id_numbers.unmasked"} <= set(event.fields)
    assert out.rows == 2
    no_personal_data(event)
    names, digest = file_facts(filled.require_db().read(), path, file_sha256(path))
    assert names == (file_token(event),) and digest == event.after_hash
    assert audit_service(filled).verify().ok


def test_guard_export_says_masked_and_failed_export_records_nothing(
        filled: AppContext, tmp_path: Path) -> None:
    """A guard's export is recorded as masked; a refused path writes and records nothing."""
    filled.session.user, filled.session.role = "王保安", "guard"
    export_service(filled).write("csv", tmp_path / "r.csv", DAY)
    assert "id_numbers.masked" in last(filled).fields and last(filled).actor == "王保安"
    n = len(audit_service(filled).events())
    with pytest.raises(TargetError):
        export_service(filled).write("csv", tmp_path, DAY)
    assert len(audit_service(filled).events()) == n


def test_export_whose_event_cannot_be_stored_is_removed(
        filled: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No export leaves unrecorded: if the event fails, the file is taken back."""
    from frontdesk.storage import audit as store

    def broken(*_a: object, **_k: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store, "append", broken)
    with pytest.raises(OSError):
        export_service(filled).write("csv", tmp_path / "r.csv", DAY)
    assert not (tmp_path / "r.csv").exists()


def test_incident_report_pdf_is_recorded(filled: AppContext, tmp_path: Path) -> None:
    """The printed report: incident id, format, language, report state."""
    s: IncidentService = filled.service("incidents", IncidentService)
    inc = s.open("fight", "general", place="3栋", summary=f"访客{NAME}与人争吵", by="王保安")
    report = revise(s.report(inc.id, signer="王保安"), conclusion=f"{NAME} {PHONE} 已离开")
    out = s.print_pdf(report, tmp_path / f"{NAME}.pdf", "zh", by="陈主管")
    assert out.exists()
    event = last(filled)
    assert (event.action, event.record_kind, event.record_id) == (
        "export", "incident_report", inc.id)
    assert {"format.pdf", "lang.zh", "state.draft"} <= set(event.fields)
    assert event.actor == "陈主管" and event.after_hash is not None
    file_token(event)
    no_personal_data(event)
    assert audit_service(filled).verify().ok


def test_bundle_export_and_import_are_recorded(tmp_path: Path) -> None:
    """Export: bundle id, counts, size. Import (in the merge's transaction): bundle id, source
    site, new versions, conflicts...; the source's chain head as an outside anchor. A dry run
    and a bad file record nothing."""
    a, b = make_site(tmp_path, "a"), make_site(tmp_path, "b")
    try:
        a.register.add(VisitForm(kind=VisitKind.VISITOR, values={"name": NAME, "phone": PHONE}))
        a_head = audit_service(a).chain_head()
        res = sync(a).export_bundle(tmp_path / f"{NAME}.fdb", for_peer=b.require_site().id)
        out = last(a)
        assert (out.action, out.record_kind, out.record_id) == ("export", "sync_bundle",
                                                                  res.bundle_id)
        assert {detail("versions", res.versions), detail("purges", res.purges),
                detail("bytes", res.size), detail("peer", b.require_site().id)} <= set(out.fields)
        assert out.actor == "sup-a"
        no_personal_data(out)
        assert audit_service(a).verify().ok

        before = len(audit_service(b).events())
        sync(b).import_bundle(tmp_path / f"{NAME}.fdb", dry_run=True)
        assert len(audit_service(b).events()) == before
        rep = sync(b).import_bundle(tmp_path / f"{NAME}.fdb", by="李主管")
        event = last(b)
        assert (event.action, event.record_kind, event.record_id) == ("import", "sync_bundle",
                                                                        rep.bundle_id)
        assert event.actor == "李主管" and event.before_hash == a_head
        assert {detail("source", a.require_site().id), "new_versions.1", "already_known.0",
                "new_records.1", "changed_records.0", "conflicts.0", "deletions.0",
                "new_purges.0", "purged_versions.0"} <= set(event.fields)
        file_token(event)
        no_personal_data(event)
        sync(b).import_bundle(tmp_path / f"{NAME}.fdb", by="李主管")
        assert {"new_versions.0", "already_known.1"} <= set(last(b).fields)
        assert audit_service(b).verify().ok

        (tmp_path / "bad.fdb").write_bytes(b"not a bundle")
        n = len(audit_service(b).events())
        with pytest.raises(SyncError):
            sync(b).import_bundle(tmp_path / "bad.fdb")
        assert len(audit_service(b).events()) == n
    finally:
        a.close()
        b.close()


def test_import_event_and_merge_commit_together(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the import event cannot be written, the merge is rolled back with it."""
    from frontdesk.storage import audit as store

    a, b = make_site(tmp_path, "a"), make_site(tmp_path, "b")
    try:
        a.register.add(VisitForm(kind=VisitKind.VISITOR, values={"name": NAME}))
        sync(a).export_bundle(tmp_path / "a.fdb")
        real = store.append

        def failing(conn: object, **kw: object) -> object:
            if kw.get("action") == "import":
                raise RuntimeError("event refused")
            return real(conn, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(store, "append", failing)
        with pytest.raises(RuntimeError):
            sync(b).import_bundle(tmp_path / "a.fdb")
        assert b.register.today() == []
        assert b.require_db().read().execute("SELECT COUNT(*) FROM sync_imports").fetchone()[0] == 0
    finally:
        a.close()
        b.close()


def test_cli_audit_verify_passes_after_exports_and_imports(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``frontdesk audit verify`` on databases that exported and imported through the CLI."""
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    run(capsys, "visit", "add", "--db", a, "--kind", "visitor", "--name", NAME)
    assert run(capsys, "sync", "export", "--db", a, "--out", str(tmp_path / "a.fdb"))[0] == 0
    assert run(capsys, "sync", "import", str(tmp_path / "a.fdb"), "--db", b)[0] == 0
    assert run(capsys, "export", "register", "--db", b, "--date", "2026-11-22", "--format", "csv",
               "--out", str(tmp_path / "r.csv"))[0] == 0
    for db in (a, b):
        code, out, _ = run(capsys, "audit", "verify", "--db", db)
        assert code == 0 and out.startswith("ok,")
    ctx = AppContext.create(b)
    ctx.open()
    try:
        events = audit_service(ctx).events()
    finally:
        ctx.close()
    assert [(e.action, e.record_kind, e.actor) for e in events
            if e.action in ("import", "export")] == [("import", "sync_bundle", "cli"),
                                                     ("export", "register", "cli")]


def test_contacts_export_is_recorded_to_a_file_and_to_stdout(
        ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The duty phone list leaving the site is an export like the register: rows, no names."""
    from frontdesk.services.escalation.contacts import ContactService

    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    svc: ContactService = ctx.service("contacts", ContactService)
    svc.import_csv("name,role,phone\n马工,工程部,13912345678\n", by="陈主管")
    path = tmp_path / "马工-contacts.csv"
    assert svc.write_csv(path, who="陈主管") == 1
    assert "马工" in path.read_text(encoding="utf-8-sig")
    event = last(ctx)
    assert (event.action, event.record_kind, event.actor) == ("export", "contacts", "陈主管")
    assert {"format.csv", "rows.1"} <= set(event.fields)
    file_token(event)
    text = json.dumps(event.to_dict(), ensure_ascii=False)
    assert "马工" not in text and "13912345678" not in text
    assert svc.write_csv(None, who="cli") == 1
    assert "马工" in capsys.readouterr().out
    event = last(ctx)
    assert event.action == "export" and "to.stdout" in event.fields and event.after_hash
    assert audit_service(ctx).verify().ok
