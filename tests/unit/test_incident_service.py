"""IncidentService: open, log, correct, lifecycle gates, level, clocks from stored instants."""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.incidents.model import Level, State, TransitionError
from frontdesk.domain.incidents.report import ReportError, ReportState, revise
from frontdesk.domain.register.visits import VisitKind
from frontdesk.paths import resolve_paths
from frontdesk.services.incidents.service import IncidentError, IncidentService
from frontdesk.services.register import VisitForm


def svc(ctx: AppContext) -> IncidentService:
    """The context's incident service."""
    return ctx.service("incidents", IncidentService)


def test_open_links_visit_both_ways(ctx: AppContext) -> None:
    """An incident opened from a register entry names it, and the entry names the incident."""
    visit = ctx.register.add(VisitForm(kind=VisitKind.JOURNALIST, values={"name": "张三"}))
    inc = svc(ctx).open("media_at_gate", "serious", place="南门", summary="记者在门口拍摄",
                        by="王保安", visit_id=visit.id)
    assert inc.level is Level.SERIOUS and inc.state is State.OPEN
    assert svc(ctx).payload(inc.id)["visit_ids"] == [visit.id]
    assert ctx.register.get(visit.id).incident_id == inc.id  # type: ignore[union-attr]
    assert [i.id for i in svc(ctx).list()] == [inc.id]


def test_bad_input_saves_nothing(ctx: AppContext, clock: FrozenClock) -> None:
    """Unknown kind, unknown level, a future time: refused, nothing stored."""
    with pytest.raises(IncidentError, match="unknown incident kind"):
        svc(ctx).open("alien_landing", "general")
    with pytest.raises(IncidentError, match="unknown level"):
        svc(ctx).open("fire", "catastrophic")
    with pytest.raises(IncidentError, match="future"):
        svc(ctx).open("fire", "general", occurred_at=clock.now() + timedelta(hours=1))
    assert svc(ctx).list(open_only=False) == []


def test_note_keeps_both_times_and_correction_supersedes(ctx: AppContext, clock: FrozenClock) -> None:
    """A late write-up keeps when it happened; a correction hides the original, which stays."""
    inc = svc(ctx).open("fight", "general", by="王保安")
    happened = clock.now() - timedelta(minutes=30)
    note = svc(ctx).add_note(inc.id, "两人在3栋门口争吵", "王保安", occurred_at=happened)
    assert note.occurred_at == happened and note.recorded_at == clock.now()
    clock.advance(timedelta(minutes=5))
    fixed = svc(ctx).correct(note.id, "三人在3栋门口争吵", "李队长")
    texts = [e.text for e in svc(ctx).timeline(inc.id)]
    assert "三人在3栋门口争吵" in texts and "两人在3栋门口争吵" not in texts
    assert fixed.supersedes == note.id and fixed.occurred_at == happened
    assert any(e.id == note.id for e in svc(ctx).entries(inc.id))


def _complete_report(ctx: AppContext, iid: str, approve: bool = False) -> None:
    r = svc(ctx).report(iid, signer="王保安")
    r = revise(r, conclusion="已处置", place=r.place or "南门")
    svc(ctx).submit_report(r, "王保安")
    if approve:
        svc(ctx).approve_report(iid, "陈主管")


def people(ctx: AppContext) -> dict[str, str]:
    """The general manager and the GM's office in the contacts; role → contact id."""
    from frontdesk.domain.escalation.contacts import Contact
    from frontdesk.services.escalation.contacts import ContactService

    contacts: ContactService = ctx.service("contacts", ContactService)
    out = {}
    for cid, name, role in (("c-gm", "周总经理", "group_leadership"),
                            ("c-gmo", "总经办李秘书", "gm_office"),
                            ("c-pm", "刘经理", "project_manager")):
        contacts.save(Contact(id=cid, name=name, role=role, phone="13800138000"))
        out[role] = cid
    return out


STATEMENT = {"facts": "南门有记者拍摄", "measures": "已安排专人接待", "progress": "记者已离开",
             "position": "我司欢迎媒体监督"}


def test_close_refused_with_reasons_until_gates_met(ctx: AppContext,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing names every blocker; once report, statement and checklist are settled it closes
    (reporting chain gate met: escalation reports it complete)."""
    monkeypatch.setattr("frontdesk.services.incidents.service.escalation", lambda _ctx: _Chain(True))
    s = svc(ctx)
    who = people(ctx)
    inc = s.open("public_opinion", "general", place="业主群", by="王保安")
    s.set_state(inc.id, "resolved", "王保安")
    with pytest.raises(TransitionError) as err:
        s.set_state(inc.id, "closed", "陈主管")
    codes = {b.code for b in err.value.blockers}
    assert {"report_not_submitted", "statement_not_released", "checklist_pending"} <= codes
    kind = s.kind("public_opinion")
    assert kind is not None
    items = [i for i in kind.checklist if i.required]
    for item in items[:-1]:
        s.mark_checklist(inc.id, item.id, "done", "王保安")
    with pytest.raises(IncidentError, match="reason"):
        s.mark_checklist(inc.id, items[-1].id, "skipped", "王保安")
    s.mark_checklist(inc.id, items[-1].id, "skipped", "王保安", reason="已另行总结")
    s.record_statement(inc.id, STATEMENT, who["group_leadership"], who["gm_office"], "公众号",
                       "陈主管")
    _complete_report(ctx, inc.id)
    assert [b.code for b in s.blockers(inc.id)] == ["report_not_approved"]  # 003 流程 9
    s.approve_report(inc.id, "陈主管")
    assert s.blockers(inc.id) == []
    closed = s.set_state(inc.id, "closed", "陈主管")
    assert closed.state is State.CLOSED and s.list() == []


class _Chain:
    """A stand-in escalation service whose reporting chain is (in)complete."""

    def __init__(self, complete: bool) -> None:
        self.complete = complete

    def start(self, *_args: object) -> None:
        """Nothing to plan."""

    def state(self, *_args: object) -> None:
        """No chain state to report."""

    def reporting_complete(self, _iid: str, _now: datetime) -> bool:
        """As configured."""
        return self.complete


def test_incomplete_reporting_chain_blocks_close(ctx: AppContext,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """While escalation says the chain is incomplete, closing is refused for that reason."""
    monkeypatch.setattr("frontdesk.services.incidents.service.escalation", lambda _ctx: _Chain(False))
    inc = svc(ctx).open("theft", "general", by="王保安")
    assert "reporting_chain_incomplete" in {b.code for b in svc(ctx).blockers(inc.id)}


def test_reopen_needs_reason_and_is_recorded(ctx: AppContext, clock: FrozenClock) -> None:
    """Re-opening a resolved incident is allowed with a reason and shows on the timeline."""
    s = svc(ctx)
    inc = s.open("water_cut", "general", by="王保安")
    s.set_state(inc.id, "resolved", "王保安")
    with pytest.raises(TransitionError):
        s.set_state(inc.id, "open", "王保安")
    # A minute later: at the same instant the two lines would be ordered by their random ids.
    clock.advance(timedelta(minutes=1))
    s.set_state(inc.id, "open", "王保安", reason="又停水了")
    states = [e for e in s.timeline(inc.id) if e.kind == "state"]
    assert states[-1].data["reopen"] is True and s.get(inc.id).state is State.OPEN  # type: ignore[union-attr]


def test_level_raise_recorded(ctx: AppContext) -> None:
    """Raising the level changes it and writes a timeline line saying so and who decided."""
    s = svc(ctx)
    who = people(ctx)
    inc = s.open("flooding", "general", by="王保安")
    s.change_level(inc.id, "severe", "陈主管", reason="地下车库进水",
                   decided_by=who["project_manager"])
    assert s.get(inc.id).level is Level.SEVERE  # type: ignore[union-attr]
    entry = [e for e in s.timeline(inc.id) if e.kind == "level"][-1]
    assert entry.data["raised"] is True and "地下车库进水" in entry.text
    assert entry.data["decided_by"] == "刘经理" and entry.author == "陈主管"
    with pytest.raises(IncidentError):
        s.change_level(inc.id, "severe", "陈主管", "again", who["project_manager"])


def test_report_approval_by_other_person(ctx: AppContext) -> None:
    """A report is drafted from the timeline, submitted complete, approved by someone else."""
    s = svc(ctx)
    inc = s.open("theft", "general", place="5栋", summary="电动车被盗", by="王保安")
    draft = s.report(inc.id, signer="王保安")
    assert any("电动车被盗" in line.text for line in draft.account)
    with pytest.raises(ReportError, match="conclusion"):
        s.submit_report(draft, "王保安")
    _complete_report(ctx, inc.id)
    with pytest.raises(ReportError):
        s.approve_report(inc.id, "王保安")
    assert s.approve_report(inc.id, "陈主管").state is ReportState.APPROVED


@pytest.fixture
def pc_in_utc() -> Iterator[None]:
    """The gate PC's own zone set to UTC for the test (restored afterwards)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.mark.usefixtures("pc_in_utc")
def test_clocks_survive_restart_and_pc_zone(ctx: AppContext, clock: FrozenClock,
                                             tmp_path: Path) -> None:
    """With the PC in UTC the report is due 18:00 *site* time, and a new context (a restart)
    computes the same clocks from the stored instants."""
    # 10:00 site time: due 18:00 site time = 10:00 UTC.
    inc = svc(ctx).open("public_opinion", "general", by="王保安")
    before = svc(ctx).clocks(inc)
    report = next(c for c in before if c.code == "report")
    assert report.due_at == datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    statement = next(c for c in before if c.code == "statement")
    assert statement.due_at == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    ctx.close()
    later = FrozenClock(clock.now() + timedelta(hours=7, minutes=30))
    again = AppContext.create(clock=later, paths=resolve_paths(home=str(tmp_path / "home")))
    again.open()
    try:
        after = svc(again).clocks(inc.id)
        assert [c.due_at for c in after] == [c.due_at for c in before]
        assert next(c for c in after if c.code == "report").state is ClockState.WARNING
        later.advance(timedelta(hours=1))
        assert next(c for c in svc(again).clocks(inc.id) if c.code == "report").state \
            is ClockState.BREACH
    finally:
        again.close()


def test_handover_sheet_and_acceptance(ctx: AppContext) -> None:
    """The sheet lists open incidents, people on site and clocks due; acceptance is stored."""
    from frontdesk.services.trust.auth import auth_service

    s = svc(ctx)
    assert auth_service(ctx).create_first_supervisor("陈主管", "482915", "阳光花园",
                                                     "Asia/Shanghai") is None
    ctx.register.add(VisitForm(kind=VisitKind.VISITOR, values={"name": "李四"}))
    s.open("lift_entrapment", "serious", place="3栋电梯", by="王保安")
    sheet = s.handover(by="王保安")
    assert len(sheet.incidents) == 1 and sheet.on_site[0]["name"] == "李四"
    assert sheet.clocks_due and all(d["due_at"] for d in sheet.clocks_due)
    done = s.accept_handover(sheet.id, "陈主管", "482915")
    stored = s.get_handover(sheet.id)
    assert stored is not None and stored.accepted_by == "陈主管"
    assert stored.accepted_at == done.accepted_at


def test_report_pdf_contains_chinese(ctx: AppContext, tmp_path: Path) -> None:
    """The printed report carries the Chinese account text (font embedded)."""
    from pypdf import PdfReader

    from frontdesk.services.incidents.pdf import PdfContext, write_report_pdf

    s = svc(ctx)
    inc = s.open("lift_entrapment", "serious", place="3栋2号电梯", summary="电梯困人两名",
                 by="王保安")
    report = revise(s.report(inc.id, signer="王保安"), conclusion="维保人员二十分钟内放人")
    out = write_report_pdf(tmp_path / "r.pdf", report, inc, s.kind(inc.kind),
                           PdfContext("阳光花园", "Asia/Shanghai", None, ctx.clock.now()))
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    text = "".join(ch for ch in text if ch not in "\x00\n ")  # extraction spacing artefacts
    assert "电梯困人两名" in text and "3栋2号电梯" in text and "维保人员二十分钟内放人" in text
