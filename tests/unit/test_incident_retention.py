"""Retention and erasure for incidents: visitors and journalists go, staff and structure stay."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.incidents.model import State
from frontdesk.domain.incidents.report import revise
from frontdesk.domain.register.visits import VisitKind
from frontdesk.domain.trust.incident_retention import (
    ENTRY,
    HANDOVER,
    INCIDENT,
    REPORT,
    person_hits,
    person_redactor,
    removal,
    scrub,
)
from frontdesk.domain.trust.retention import PersonKey
from frontdesk.services.escalation.service import EscalationService
from frontdesk.services.incidents.retention import removed_mark
from frontdesk.services.incidents.service import IncidentService
from frontdesk.services.register import VisitForm
from frontdesk.services.trust.audit import audit_service
from frontdesk.services.trust.retention import retention_service
from frontdesk.storage import escalation as esc_store

from .sync_sites import make_site, sync

MARK = "〔已清除/removed〕"
PHONE = "13800138000"
CRED = "110105194912310021"


class _Chain:
    """A reporting chain that is complete (so an incident can close without calls)."""

    def start(self, *_args: object) -> None:
        """Nothing to plan."""

    def reporting_complete(self, _iid: str, _now: datetime) -> bool:
        """Always complete."""
        return True


@pytest.fixture(autouse=True)
def _chain_complete(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("frontdesk.services.incidents.service.escalation", lambda _ctx: _Chain())


def svc(ctx: AppContext) -> IncidentService:
    """The context's incident service."""
    return ctx.service("incidents", IncidentService)


def esc(ctx: AppContext) -> EscalationService:
    """The context's escalation service."""
    return ctx.service("escalation", EscalationService)


def journalist_incident(ctx: AppContext, name: str = "王五", phone: str = PHONE,
                        cred: str = CRED) -> str:
    """A media incident naming a journalist everywhere a guard types text, then closed."""
    s = svc(ctx)
    inc = s.open("media_at_gate", "serious", place="南门", summary=f"记者{name} {phone} 在南门拍摄",
                 by="王保安")
    s.add_note(inc.id, f"{name}出示证件 {cred[:6]} {cred[6:]}", "王保安")
    esc(ctx).log_call(inc.id, "responder", 0, None, "duty_manager", "accepted",
                      note=f"经理让{name}在会议室等候", by="王保安")
    esc(ctx).skip(inc.id, "reporting", 0, f"{name}已离开，无需上报", by="陈主管")
    kind = s.kind("media_at_gate")
    assert kind is not None
    required = [i for i in kind.checklist if i.required]
    for item in required[:-1]:
        s.mark_checklist(inc.id, item.id, "done", "王保安")
    s.mark_checklist(inc.id, required[-1].id, "skipped", "王保安", reason=f"{name}已离开")
    s.mark_public_opinion(inc.id, "陈主管", reason="视频在业主群传播")
    s.record_statement(inc.id, {"facts": "南门有媒体拍摄", "measures": "已安排专人接待",
                                "progress": "已恢复正常", "position": "我司已知悉并正在处理。"},
                       staff(ctx, "c-gm", "周总经理", "group_leadership"),
                       staff(ctx, "c-gmo", "总经办李秘书", "gm_office"), "公众号", "陈主管")
    report = revise(s.report(inc.id, signer="王保安"), conclusion=f"记者{name}已离开")
    s.submit_report(report, "王保安")
    s.approve_report(inc.id, "陈主管")
    s.set_state(inc.id, "resolved", "王保安")
    s.set_state(inc.id, "closed", "陈主管")
    return inc.id


def staff(ctx: AppContext, cid: str, name: str, role: str) -> str:
    """A staff contact (saved once); its id."""
    from frontdesk.domain.escalation.contacts import Contact
    from frontdesk.services.escalation.contacts import ContactService

    contacts: ContactService = ctx.service("contacts", ContactService)
    contacts.save(Contact(id=cid, name=name, role=role, phone="13912340000"))
    return cid


def all_payloads(ctx: AppContext) -> str:
    """Every stored version and every projected row, as one text."""
    conn = ctx.require_db().read()
    parts = [r[0] for r in conn.execute("SELECT payload FROM versions")]
    for table in ("incidents", "incident_timeline", "incident_reports", "handovers",
                  "escalation_log"):
        parts += [r[0] for r in conn.execute(f"SELECT payload FROM {table}")]
    return "\n".join(parts)


def file_bytes(ctx: AppContext) -> bytes:
    """The database file and its WAL, as stored on disk."""
    out = b""
    for suffix in ("", "-wal", "-shm"):
        p = ctx.paths.db_file.with_name(ctx.paths.db_file.name + suffix)
        if p.exists():
            out += p.read_bytes()
    return out


def counts(ctx: AppContext) -> tuple[int, int, int]:
    """(versions, purge markers, audit events)."""
    conn = ctx.require_db().read()
    return (conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0],
            conn.execute("SELECT COUNT(*) FROM purges").fetchone()[0],
            conn.execute("SELECT COUNT(*) FROM audit_events").fetchone()[0])


def test_old_closed_incident_loses_non_staff_data_recent_keeps_it(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Closed 199 days ago: the journalist's name, phone and ID go from every field, version and
    the file; staff names, kind, level, state, clocks and the timeline's shape stay; recorded;
    a recent incident keeps its people; a second run does nothing."""
    start = clock.now()
    clock.advance(timedelta(days=-200))
    ctx.register.add(VisitForm(kind=VisitKind.JOURNALIST, values={"name": "王五"}))
    old = journalist_incident(ctx)
    sheet = svc(ctx).handover(by="王保安")
    assert [p["name"] for p in sheet.on_site] == ["王五"]
    clock.set(start)
    recent = journalist_incident(ctx, "赵六", "13900139000", "110105198001010012")
    s = svc(ctx)
    before_timeline = sorted((e.id, e.kind, e.author, e.occurred_at) for e in s.entries(old))

    purged = retention_service(ctx).run_due()

    assert purged >= 8  # incident, its lines, report, call note, skip, handover (+ the visit)
    text = all_payloads(ctx)
    assert "王五" not in text and PHONE not in text and CRED[6:] not in text
    assert "赵六" in text and "13900139000" in text  # the recent incident keeps its people
    assert s.get(recent).summary == "记者赵六 13900139000 在南门拍摄"  # type: ignore[union-attr]
    data = file_bytes(ctx)
    assert PHONE.encode() not in data and "王五".encode() not in data
    # The record and its shape stay; staff stay.
    inc = s.get(old)
    assert inc is not None and inc.state is State.CLOSED and inc.kind == "media_at_gate"
    assert inc.summary == MARK and inc.place == "南门" and inc.opened_by == "王保安"
    assert sorted((e.id, e.kind, e.author, e.occurred_at)
                  for e in s.entries(old)) == before_timeline
    states = [e.text for e in s.timeline(old) if e.kind == "state"]
    assert states and all("→" in t for t in states)
    assert s.blockers(old) == []  # the skipped item still has a (removed) reason
    assert s.clocks(old)  # clocks still compute from the kept instants
    report = s.report(old)
    assert report.signer == "王保安" and report.conclusion == MARK
    assert report.account and all(line.text.endswith(MARK) for line in report.account
                                  if "王五" in line.text or MARK in line.text)
    assert s.payload(old)["statements"][0]["parts"]["position"] == "我司已知悉并正在处理。"
    log = {kind: p for kind, _id, p in esc_store.log(ctx.require_db().read(), old)}
    assert log["call_attempt"]["note"] == MARK and log["call_attempt"]["role"] == "duty_manager"
    assert log["escalation_skip"]["reason"] == MARK and log["escalation_skip"]["by"] == "陈主管"
    handover = s.get_handover(sheet.id)
    assert handover is not None and handover.on_site[0]["name"] == MARK
    assert handover.created_by == "王保安"
    # Recorded: a purge marker per record (older versions only) and audit events.
    conn = ctx.require_db().read()
    kinds = {r[0] for r in conn.execute("SELECT kind FROM purges WHERE record_id = ?", (old,))}
    assert kinds == {"incident", "incident_report"}
    marker = conn.execute("SELECT before_hlc, fields FROM purges WHERE kind = 'incident'"
                          " AND record_id = ?", (old,)).fetchone()
    head = conn.execute("SELECT v.hlc FROM heads h JOIN versions v USING (version_id)"
                        " WHERE h.kind = 'incident' AND h.record_id = ?", (old,)).fetchone()
    assert json.loads(marker[1]) == ["summary"] and marker[0] < head[0]
    assert conn.execute("SELECT COUNT(*) FROM purges WHERE kind = 'timeline_entry'"
                        ).fetchone()[0] >= 5
    events = audit_service(ctx).events()
    group = [e for e in events if e.action == "retention_purge" and e.record_id == old]
    assert len(group) == 1 and group[0].record_kind == "incident"
    assert {"incident", "timeline_entry", "incident_report", "call_attempt",
            "escalation_skip"} <= set(group[0].fields)
    assert any(e.action == "purge" and e.record_kind == "incident" for e in events)
    assert audit_service(ctx).verify().ok
    # A re-run finds nothing new.
    before = counts(ctx)
    assert retention_service(ctx).run_due() == 0
    assert counts(ctx) == before


def test_open_incident_purges_only_after_going_quiet(ctx: AppContext, clock: FrozenClock) -> None:
    """Never closed: counted from its last activity, not its opening."""
    start = clock.now()
    clock.advance(timedelta(days=-300))
    s = svc(ctx)
    busy = s.open("fight", "general", summary="业主张三与访客李四争吵", by="王保安")
    quiet = s.open("theft", "general", summary="访客李四报失手机", by="王保安")
    clock.set(start - timedelta(days=10))
    s.add_note(busy.id, "张三仍在投诉", "王保安")  # still being handled
    clock.set(start)
    retention_service(ctx).run_due()
    assert s.get(quiet.id).summary == MARK  # type: ignore[union-attr]
    assert s.get(busy.id).summary == "业主张三与访客李四争吵"  # type: ignore[union-attr]


def test_purge_travels_with_sync(tmp_path: Path) -> None:
    """A site that had the journalist's data loses it when the purging site's bundle arrives."""
    a, b = make_site(tmp_path, "a"), make_site(tmp_path, "b")
    try:
        clock = a.clock
        assert isinstance(clock, FrozenClock)
        start = clock.now()
        clock.advance(timedelta(days=-200))
        old = journalist_incident(a)
        clock.set(start)
        sync(a).export_bundle(tmp_path / "1.fdb")
        sync(b).import_bundle(tmp_path / "1.fdb")
        assert PHONE in all_payloads(b)
        retention_service(a).run_due()
        sync(a).export_bundle(tmp_path / "2.fdb")
        sync(b).import_bundle(tmp_path / "2.fdb")
        assert PHONE not in all_payloads(b) and "王五" not in all_payloads(b)
        inc = svc(b).get(old)
        assert inc is not None and inc.summary == MARK and inc.state is State.CLOSED
        assert len(svc(b).entries(old)) == len(svc(a).entries(old))
    finally:
        a.close()
        b.close()


def test_erase_person_finds_and_removes_them_in_incidents(ctx: AppContext) -> None:
    """By phone (any writing) or ID: the matching incident records are listed with what matched;
    erasing removes that person only, other text and other people stay; recorded."""
    s = svc(ctx)
    inc = s.open("fight", "general", place="3栋", summary="访客王五与业主赵六争吵", by="王保安")
    note = s.add_note(inc.id, "王五电话 138-0013-8000，赵六电话 13900139000", "王保安")
    other = s.open("theft", "general", summary="赵六报失自行车", by="王保安")
    r = retention_service(ctx)
    matches = r.find_person(PersonKey(name="王五", phone="+86 138 0013 8000"))
    by_record = {(m.kind, m.record_id): m for m in matches}
    assert (INCIDENT, inc.id) in by_record and (ENTRY, note.id) in by_record
    assert by_record[(ENTRY, note.id)].matched == ("name", "phone")
    assert all(m.record_id != other.id for m in matches)
    assert all("王五" not in m.summary and PHONE not in m.summary for m in matches)
    assert r.erase(matches, by="陈主管") >= 2
    assert s.get(inc.id).summary == f"访客{MARK}与业主赵六争吵"  # type: ignore[union-attr]
    texts = [e.text for e in s.entries(inc.id)]
    assert f"{MARK}电话 {MARK}，赵六电话 13900139000" in texts
    assert s.get(other.id).summary == "赵六报失自行车"  # type: ignore[union-attr]
    assert "王五" not in all_payloads(ctx) and "138-0013-8000" not in all_payloads(ctx)
    assert r.find_person(PersonKey(phone=PHONE)) == []
    assert "erase_person" in [e.action for e in audit_service(ctx).events()]
    assert audit_service(ctx).verify().ok


def test_scrub_rules_keep_staff_and_structure() -> None:
    """The pure rules: generated text and staff fields stay; free text and visitors go."""
    entry = {"incident_id": "i", "kind": "state", "author": "王保安", "text": "处置完毕 → 待处置:王五又来了",
             "data": {"from": "resolved", "to": "open", "reopen": True, "reason": "王五又来了"}}
    out = scrub(ENTRY, entry, removal(MARK))
    assert out["text"] == f"处置完毕 → 待处置:{MARK}" and out["author"] == "王保安"
    assert out["data"] == {"from": "resolved", "to": "open", "reopen": True, "reason": MARK}
    statement = {"kind": "statement", "text": "我司已知悉", "data": {}}
    assert scrub(ENTRY, statement, removal(MARK)) == statement
    report = {"account": [{"text": "10:05 王五到场", "unconfirmed": True}], "signer": "王保安",
              "conclusion": "", "photo_refs": ["IMG_1.jpg"]}
    out = scrub(REPORT, report, removal(MARK))
    assert out["account"] == [{"text": f"10:05 {MARK}", "unconfirmed": True}]
    assert out["signer"] == "王保安" and out["conclusion"] == "" and out["photo_refs"] == ["IMG_1.jpg"]
    sheet = {"created_by": "王保安", "on_site": [{"id": "v", "name": "王五", "kind": "visitor"}]}
    assert scrub(HANDOVER, sheet, person_redactor(PersonKey(name="王五"), MARK))["on_site"] == [
        {"id": "v", "name": MARK, "kind": "visitor"}]
    assert person_hits(HANDOVER, sheet, PersonKey(name="王五六")) == ()
    assert person_hits(INCIDENT, {"summary": "call １３８００１３８０００"}, PersonKey(phone=PHONE)) \
        == ("phone",)
    assert person_hits(INCIDENT, {"summary": "13800138000123"}, PersonKey(phone=PHONE)) == ()
    assert removed_mark() == MARK
