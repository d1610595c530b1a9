"""Lateness on the record, numbers, the report PDF, the handover, the closed list and the duty
summary (issue 18, points 4, 5, 6, 8 and 9), at the service and command-line level."""
from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from frontdesk.cli.main import main
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.escalation.contacts import Contact
from frontdesk.domain.incidents.report import revise
from frontdesk.services.escalation.contacts import ContactService
from frontdesk.services.incidents.handover import HandoverError
from frontdesk.services.incidents.service import IncidentService
from frontdesk.services.trust.auth import auth_service

STATEMENT = {"facts": "视频流传", "measures": "已维修", "progress": "已恢复", "position": "致歉"}


def svc(ctx: AppContext) -> IncidentService:
    """The context's incident service."""
    return ctx.service("incidents", IncidentService)


def staff(ctx: AppContext) -> tuple[str, str]:
    """(general manager id, GM's office id) in the contacts."""
    contacts: ContactService = ctx.service("contacts", ContactService)
    contacts.save(Contact(id="c-gm", name="周总经理", role="general_manager", phone="13912340000"))
    contacts.save(Contact(id="c-gmo", name="总经办", role="gm_office", phone="13912340001"))
    return "c-gm", "c-gmo"


def late_po(ctx: AppContext, clock: FrozenClock) -> str:
    """A 舆情 event at 12-01 20:00 (report due 12-02 12:00, statement 12-02 20:00): the report
    goes in 11 h late, the statement 3 h late."""
    s = svc(ctx)
    gm, gmo = staff(ctx)
    clock.set(clock.now().replace(month=12, day=1, hour=12, minute=0))  # 20:00 site time
    inc = s.open("public_opinion", "serious", place="业主群", summary="漏水视频", by="王保安")
    clock.advance(timedelta(hours=27))  # 12-02 23:00: 11 h after the 12:00 report deadline
    s.record_statement(inc.id, STATEMENT, gm, gmo, "公众号", "陈主管")
    report = revise(s.report(inc.id, signer="王保安"), conclusion="已处置")
    s.submit_report(report, "王保安")
    return inc.id


def test_late_clocks_stay_on_the_record_with_how_late(ctx: AppContext,
                                                      clock: FrozenClock) -> None:
    """A report 11 h late and a statement 3 h late do not drop off: both are listed, met, with
    how late; the CLI's list carries them too."""
    iid = late_po(ctx, clock)
    items = {i.code: i for i in svc(ctx).late_items(iid)}
    assert items["report"].met and items["report"].late_by == timedelta(hours=11)
    assert items["statement"].met and items["statement"].late_by == timedelta(hours=3)
    assert items["report"].label.zh == "书面报告"


def test_incident_numbers_per_site_and_year(ctx: AppContext, clock: FrozenClock) -> None:
    """Numbers people can say on the phone: 2026-0001, 2026-0002, then 2027-0001."""
    s = svc(ctx)
    assert [s.open("theft", by="王保安").number for _ in range(2)] == ["2026-0001", "2026-0002"]
    clock.set(clock.now().replace(year=2027, month=1, day=2))
    assert s.open("theft", by="王保安").number == "2027-0001"


def test_numbers_are_kept_through_sync(tmp_path: Path) -> None:
    """Assigned at the origin site, kept as the incident travels in a bundle."""
    from tests.unit.sync_sites import make_site, sync

    a, b = make_site(tmp_path, "a"), make_site(tmp_path, "b")
    try:
        svc(b).open("theft", by="guard")  # b's own 2026-0001
        inc = svc(a).open("fire", by="guard")
        bundle = tmp_path / "a.fdb"
        sync(a).export_bundle(bundle)
        sync(b).import_bundle(bundle)
        there = svc(b).get(inc.id)
        assert there is not None and there.number == inc.number == "2026-0001"
        assert svc(b).payload(inc.id)["number_site"] == a.require_site().id
        assert svc(b).open("theft", by="guard").number == "2026-0002"  # b counts its own
    finally:
        a.close()
        b.close()


def test_report_pdf_carries_site_number_due_late_approval_and_signatures(
        ctx: AppContext, clock: FrozenClock, tmp_path: Path) -> None:
    """003 流程 9 and the supervisor's paper: site, number, due and late mark, approver and
    time, signature lines; no form hints as headings; each printing its own file."""
    from pypdf import PdfReader

    iid = late_po(ctx, clock)
    s = svc(ctx)
    first = s.print_pdf(s.report(iid), None, "zh", "陈主管")
    clock.advance(timedelta(minutes=30))
    s.approve_report(iid, "李经理")
    second = s.print_pdf(s.report(iid), None, "zh", "陈主管")
    again = s.print_pdf(s.report(iid), second, "zh", "陈主管")
    assert len({first, second, again}) == 3 and all(p.exists() for p in (first, second, again))
    number = s.get(iid).number  # type: ignore[union-attr]
    assert first.name.startswith(number) and "submitted" in first.name
    text = "".join(page.extract_text() for page in PdfReader(second).pages)
    flat = "".join(ch for ch in text if ch not in "\x00\n ")
    site = ctx.require_site().name or ctx.require_site().id
    for expected in (site, number, "报告时限", "2026-12-0212:00", "逾期呈报", "超时11小时00分",
                     "批准人", "李经理", "批准时间", "2026-12-0223:30", "签署人签名", "审批人签名"):
        assert expected in flat, expected
    assert "每行一条" not in flat and "行首" not in flat and "每行一个" not in flat


def test_handover_lists_overdue_as_overdue_with_item_texts_and_needs_the_pin(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Overdue clocks are not "due next shift": they are listed as overdue with how late; a
    checklist clock carries its item's text; acceptance needs the incoming person's PIN."""
    auth = auth_service(ctx)
    assert auth.create_first_supervisor("陈主管", "582913", "阳光花园", "Asia/Shanghai") is None
    assert auth.add_user("赵主管", "supervisor", "739184") is None
    s = svc(ctx)
    inc = s.open("fire", "severe", place="车库", by="王保安")
    clock.advance(timedelta(minutes=20))
    s.mark_checklist(inc.id, "evacuate", "done", "王保安")  # due 5 min: met 15 min late
    sheet = s.handover(by="陈主管")
    overdue = {d["subject"]: d for d in sheet.overdue}
    assert overdue["call_119"]["late_minutes"] == 18
    assert overdue["call_119"]["label"]["zh"] == "立即报警(119)"
    assert all(d["due_at"] > clock.now().isoformat() for d in sheet.clocks_due)
    assert "call_119" not in {d["subject"] for d in sheet.clocks_due}
    met = {d["subject"]: d for d in sheet.met_late}
    assert met["evacuate"]["late_minutes"] == 15 and met["evacuate"]["label"]["en"]
    with pytest.raises(HandoverError) as err:
        s.accept_handover(sheet.id, "赵主管", "000000")
    assert err.value.code == "wrong_pin"
    with pytest.raises(HandoverError) as err:
        s.accept_handover(sheet.id, "陈主管", "582913")
    assert err.value.code == "same_person"
    done = s.accept_handover(sheet.id, "赵主管", "739184")
    assert done.accepted_by == "赵主管"
    assert any("赵主管 接班" in e.text for e in s.timeline(inc.id))


def test_closed_list_filters_by_date_kind_level_and_search(ctx: AppContext,
                                                          clock: FrozenClock) -> None:
    """Closed incidents, newest first, by the event's site date, kind, level and a search."""
    s = svc(ctx)

    def closed(kind: str, level: str, place: str) -> str:
        inc = s.open(kind, level, place=place, by="王保安")
        s.set_state(inc.id, "resolved", "王保安")
        p = s.payload(inc.id)
        s._save_incident(p | {"state": "closed", "closed_at": clock.now().isoformat()}, "陈主管")
        return inc.number

    a = closed("theft", "general", "5栋车棚")
    clock.advance(timedelta(days=1))
    b = closed("fire", "severe", "地下车库")
    c = closed("theft", "serious", "3栋")
    s.open("theft", "general", place="还开着", by="王保安")
    numbers = [r.incident.number for r in s.closed()]
    assert numbers == [c, b, a] or numbers == [b, c, a]
    assert [r.incident.number for r in s.closed(kind="theft")] in ([c, a],)
    assert [r.incident.number for r in s.closed(level="severe")] == [b]
    day1 = date(2026, 11, 22)
    assert [r.incident.number for r in s.closed(day1, day1)] == [a]
    assert [r.incident.number for r in s.closed(query="车棚")] == [a]
    assert [r.incident.number for r in s.closed(query=b)] == [b]
    assert [r.incident.number for r in s.closed(query="fire")] == [b]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI; (exit code, stdout, stderr)."""
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_duty_summary_from_the_command_line(ctx: AppContext, clock: FrozenClock,
                                            tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """``incident summary`` writes PDF or XLSX with incidents, clocks met and late, calls and
    who is on duty; refuses an existing file without --force and never writes over the
    database."""
    from frontdesk.services.escalation.service import EscalationService

    contacts: ContactService = ctx.service("contacts", ContactService)
    contacts.save(Contact(id="c-sup", name="陈主管", role="security_supervisor",
                          phone="13912340000", duty_hours="08:00-20:00"))
    s = svc(ctx)
    inc = s.open("fire", "severe", place="车库", by="王保安")
    clock.advance(timedelta(minutes=20))
    s.mark_checklist(inc.id, "call_119", "done", "王保安")  # 18 min late
    esc: EscalationService = ctx.service("escalation", EscalationService)
    esc.log_call(inc.id, "responder", 0, None, "fire_119", "accepted", by="王保安")
    db = str(ctx.paths.db_file)
    ctx.close()
    out = tmp_path / "summary.xlsx"
    code, text, _err = run(capsys, "incident", "summary", "--db", db, "--date", "2026-11-22",
                           "--shift", "day", "--format", "xlsx", "--out", str(out), "--json")
    assert code == 0
    result = json.loads(text)
    assert result["incidents"] == 1 and result["calls"] == 1 and result["clocks_late"] >= 1
    with zipfile.ZipFile(out) as z:
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    for expected in ("值班汇总", inc.number, "立即报警(119)", "逾期", "超时 18分", "火警",
                     "陈主管", "接通·已接手"):
        assert expected in strings, expected
    code, _t, err = run(capsys, "incident", "summary", "--db", db, "--date", "2026-11-22",
                        "--format", "xlsx", "--out", str(out))
    assert code == 2 and "--force" in err
    code, _t, _e = run(capsys, "incident", "summary", "--db", db, "--date", "2026-11-22",
                       "--format", "pdf", "--out", str(out), "--force")
    assert code == 0 and out.read_bytes().startswith(b"%PDF")
    before = Path(db).read_bytes()
    code, _t, err = run(capsys, "incident", "summary", "--db", db, "--date", "2026-11-22",
                        "--format", "pdf", "--out", db, "--force")
    assert code == 2 and "database" in err and Path(db).read_bytes() == before
    code, _t, err = run(capsys, "incident", "summary", "--db", db, "--date", "22/11",
                        "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "--date" in err


def test_report_draft_reads_calls_in_the_writers_language(ctx: AppContext) -> None:
    """The account drafted from the timeline has the call line in one language, the writer's."""
    from frontdesk import i18n
    from frontdesk.services.escalation.service import EscalationService

    s = svc(ctx)
    inc = s.open("flooding", "serious", place="B1", by="王保安")
    esc: EscalationService = ctx.service("escalation", EscalationService)
    esc.log_call(inc.id, "responder", 0, None, "engineering", "no_answer", by="王保安")
    try:
        i18n.set_language("en")
        lines = [a.text for a in s.report(inc.id).account]
    finally:
        i18n.set_language("zh")
    call = next(x for x in lines if "Engineering" in x)
    assert "Called Engineering: No answer" in call and "致电" not in call
