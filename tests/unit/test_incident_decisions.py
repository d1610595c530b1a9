"""Decisions the seeds give to particular people, effective times and corrections (issue 18,
points 2, 3, 4 and 8), at the service level."""
from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.escalation.contacts import Contact
from frontdesk.domain.escalation.state import ClockState, ReportStatus
from frontdesk.domain.incidents.deadlines import ClockState as IncClock
from frontdesk.domain.incidents.model import Level
from frontdesk.domain.incidents.report import ReportError, revise
from frontdesk.domain.incidents.when import WhenError
from frontdesk.services.escalation.contacts import ContactService
from frontdesk.services.escalation.service import EscalationService
from frontdesk.services.incidents.service import IncidentError, IncidentService

STATEMENT = {"facts": "3栋业主群流传漏水视频", "measures": "已安排工程部维修",
             "progress": "漏点已找到", "position": "我司对给业主带来的不便深表歉意"}


def svc(ctx: AppContext) -> IncidentService:
    """The context's incident service."""
    return ctx.service("incidents", IncidentService)


def esc(ctx: AppContext) -> EscalationService:
    """The context's escalation service."""
    return ctx.service("escalation", EscalationService)


@pytest.fixture
def people(ctx: AppContext) -> dict[str, str]:
    """The general manager, the GM's office, the project manager and the supervisor."""
    contacts: ContactService = ctx.service("contacts", ContactService)
    out = {}
    for cid, name, role in (("c-gm", "周总经理", "general_manager"),
                            ("c-gmo", "总经办李秘书", "gm_office"),
                            ("c-pm", "刘经理", "project_manager"),
                            ("c-sup", "陈主管", "security_supervisor")):
        contacts.save(Contact(id=cid, name=name, role=role, phone="13912340000"))
        out[role] = cid
    return out


# -- point 2: the level ------------------------------------------------------------------------

def test_level_change_needs_a_reason_and_a_decider_from_the_contacts(
        ctx: AppContext, people: dict[str, str]) -> None:
    """001: the leadership decides; the record names who decided, and a bare change is refused."""
    s = svc(ctx)
    inc = s.open("public_opinion", "general", by="王保安")
    with pytest.raises(IncidentError, match="reason"):
        s.change_level(inc.id, "severe", "陈主管", "", people["general_manager"])
    with pytest.raises(IncidentError) as err:
        s.change_level(inc.id, "severe", "陈主管", "视频转发量过万", "")
    assert err.value.key == "inc.err.contact.decider"
    with pytest.raises(IncidentError):
        s.change_level(inc.id, "severe", "陈主管", "视频转发量过万", "nobody")
    assert s.get(inc.id).level is Level.GENERAL  # type: ignore[union-attr]
    s.change_level(inc.id, "severe", "陈主管", "视频转发量过万", people["general_manager"])
    line = [e for e in s.timeline(inc.id) if e.kind == "level"][-1]
    assert line.data["decided_by"] == "周总经理" and line.data["decided_role"] == "general_manager"
    assert line.author == "陈主管" and "视频转发量过万" in line.text


def test_lowering_is_recorded_and_the_chain_follows_at_once(
        ctx: AppContext, clock: FrozenClock, people: dict[str, str]) -> None:
    """Raised to 严重级 and lowered back: the escalation reads 一般级 again (it kept the old level),
    its responder re-planned on the general chain, the severe-only reports waived."""
    s = svc(ctx)
    inc = s.open("media_at_gate", "general", by="王保安")
    clock.advance(timedelta(minutes=1))
    s.change_level(inc.id, "severe", "陈主管", "记者人数增多", people["general_manager"])
    assert esc(ctx).state(inc.id).level is Level.SEVERE  # type: ignore[union-attr]
    clock.advance(timedelta(minutes=5))
    s.change_level(inc.id, "general", "陈主管", "记者已离开,领导决定降级",
                   people["general_manager"])
    st = esc(ctx).state(inc.id)
    assert st is not None and st.level is Level.GENERAL
    assert st.responder.level is Level.GENERAL
    assert st.responder.step_started_at == clock.now()
    statuses = {lv.level.targets[0].role: lv.status for lv in st.reporting}
    assert statuses["group_leadership"] is ReportStatus.WAIVED
    assert statuses["security_supervisor"] is not ReportStatus.WAIVED
    assert [e.data["to"] for e in s.timeline(inc.id) if e.kind == "level"] == ["severe", "general"]


def test_a_new_incident_is_not_late_the_second_it_opens(ctx: AppContext,
                                                        clock: FrozenClock) -> None:
    """Opened now, nothing is overdue: the first call is "call now" (a warning), not a breach."""
    inc = svc(ctx).open("lift_entrapment", "serious", by="王保安")
    summary = esc(ctx).summary(inc.id)
    assert summary.state != ClockState.BREACH.value
    assert all(c.state is not IncClock.BREACH for c in svc(ctx).clocks(inc))
    clock.advance(timedelta(minutes=3))
    assert esc(ctx).summary(inc.id).state == ClockState.BREACH.value  # now really overdue


# -- points 2 and 3: the statement -------------------------------------------------------------

def test_statement_records_001s_parts_approver_publisher_where_and_when(
        ctx: AppContext, clock: FrozenClock, people: dict[str, str]) -> None:
    """000/001: the GM approves, the GM's office publishes; the content has four parts."""
    s = svc(ctx)
    inc = s.open("public_opinion", "serious", by="王保安")
    with pytest.raises(IncidentError) as err:
        s.record_statement(inc.id, {**STATEMENT, "progress": " "}, people["general_manager"],
                           people["gm_office"], "公众号", "陈主管")
    assert err.value.key == "inc.err.statement_parts" and "最新进展" in err.value.values["parts"]
    with pytest.raises(IncidentError):
        s.record_statement(inc.id, STATEMENT, "", people["gm_office"], "公众号", "陈主管")
    with pytest.raises(IncidentError):
        s.record_statement(inc.id, STATEMENT, people["general_manager"], people["gm_office"],
                           " ", "陈主管")
    assert s.payload(inc.id)["statements"] == []
    clock.advance(timedelta(hours=2))
    released = clock.now() - timedelta(hours=1)
    s.record_statement(inc.id, STATEMENT, people["general_manager"], people["gm_office"],
                       "物业公众号", "陈主管", at=released, late_reason="发布后才回到值班室")
    [st] = s.payload(inc.id)["statements"]
    assert st["parts"] == STATEMENT and st["channel"] == "物业公众号"
    assert (st["approved_by"], st["published_by"]) == ("周总经理", "总经办李秘书")
    assert st["at"] == released.isoformat() and st["recorded_at"] == clock.now().isoformat()
    line = [e for e in s.timeline(inc.id) if e.kind == "statement"][-1]
    assert line.occurred_at == released and "周总经理" in line.text and "最新进展" in line.text
    assert "statement_not_released" not in {b.code for b in s.blockers(inc.id)}


def test_a_routine_media_visit_owes_no_statement_until_marked_public_opinion(
        ctx: AppContext, clock: FrozenClock) -> None:
    """001 puts the 24 h clock on 舆情 events: a journalist at the gate alone does not block
    closing; once marked (recorded), a statement is owed within 24 h of the mark."""
    s = svc(ctx)
    visit = s.open("media_at_gate", "general", by="王保安")
    assert "statement" not in {c.code for c in s.clocks(visit)}
    assert "statement_not_released" not in {b.code for b in s.blockers(visit.id)}
    clock.advance(timedelta(hours=2))
    s.mark_public_opinion(visit.id, "陈主管", reason="视频在业主群传播")
    statement = next(c for c in s.clocks(visit) if c.code == "statement")
    assert statement.due_at == clock.now() + timedelta(hours=24)
    assert "statement_not_released" in {b.code for b in s.blockers(visit.id)}
    mark = [e for e in s.timeline(visit.id) if e.kind == "public_opinion"][-1]
    assert mark.author == "陈主管" and "视频在业主群传播" in mark.text
    with pytest.raises(IncidentError):
        s.mark_public_opinion(visit.id, "陈主管")
    fire = s.open("fire", "general", by="王保安")
    with pytest.raises(IncidentError):
        s.mark_public_opinion(fire.id, "陈主管")


# -- point 4: the time things happened ---------------------------------------------------------

def test_work_done_on_time_and_logged_later_is_not_late(ctx: AppContext,
                                                         clock: FrozenClock) -> None:
    """A tick, a report and a call take the time they happened (earlier needs a reason; the
    future is refused); both times are kept; the clock is met on time."""
    s = svc(ctx)
    inc = s.open("fire", "severe", by="王保安")  # call_119 due in 2 minutes
    clock.advance(timedelta(minutes=30))
    done = clock.now() - timedelta(minutes=29)
    with pytest.raises(IncidentError) as err:
        s.mark_checklist(inc.id, "call_119", "done", "王保安", at=done)
    assert err.value.key == "inc.err.when.needs_reason"
    with pytest.raises(IncidentError) as err:
        s.mark_checklist(inc.id, "call_119", "done", "王保安", at=clock.now() + timedelta(hours=1),
                         late_reason="x")
    assert err.value.key == "inc.err.when.future"
    tick = s.mark_checklist(inc.id, "call_119", "done", "王保安", at=done,
                            late_reason="先打电话后补记")
    assert tick.occurred_at == done and tick.recorded_at == clock.now()
    clock119 = next(c for c in s.clocks(inc) if c.subject == "call_119")
    assert clock119.done_at == done and not clock119.met_late
    assert "call_119" not in {i.subject for i in s.late_items(inc.id)}
    with pytest.raises(WhenError):
        esc(ctx).log_call(inc.id, "responder", 0, None, "fire_119", "accepted",
                          at=clock.now() - timedelta(minutes=28))
    call = esc(ctx).log_call(inc.id, "responder", 0, None, "fire_119", "accepted",
                             at=clock.now() - timedelta(minutes=28), reason="电话后补记")
    assert call.at == clock.now() - timedelta(minutes=28)
    report = revise(s.report(inc.id, signer="王保安"), conclusion="已扑灭", place="车库")
    handed_in = clock.now() - timedelta(minutes=10)
    with pytest.raises(ReportError):
        s.submit_report(report, "王保安", at=handed_in)
    sent = s.submit_report(report, "王保安", at=handed_in, late_reason="纸质报告已按时交")
    assert sent.submitted_at == handed_in and sent.submitted_recorded_at == clock.now()


# -- point 8: corrections ----------------------------------------------------------------------

def test_correct_time_place_kind_and_level_keeps_old_values_and_recomputes(
        ctx: AppContext, clock: FrozenClock, people: dict[str, str]) -> None:
    """An incident typed in at 10:00 actually began at 08:30: the report, due 12:00 from a
    morning-before-09:00 event, replaces the 18:00 deadline; the old values stay recorded; a
    corrected kind takes that kind's chain; a corrected level is on the escalation too."""
    s = svc(ctx)
    inc = s.open("power_cut", "general", place="3栋", by="王保安")
    before = next(c for c in s.clocks(inc) if c.code == "report").due_at
    with pytest.raises(IncidentError):
        s.correct_facts(inc.id, "陈主管", "", place="5栋")
    with pytest.raises(IncidentError):
        s.correct_facts(inc.id, "陈主管", "同样的值", place="3栋")
    real = clock.now() - timedelta(minutes=90)  # 08:30 site time
    s.correct_facts(inc.id, "陈主管", "监控显示08:30已停电", occurred_at=real, place="5栋",
                    kind="equipment_failure", level="serious")
    after = s.get(inc.id)
    assert after is not None and after.occurred_at == real and after.place == "5栋"
    assert after.kind == "equipment_failure" and after.level is Level.SERIOUS
    due = next(c for c in s.clocks(inc.id) if c.code == "report").due_at
    assert due != before and due == real.replace(hour=4, minute=0)  # 12:00 site time
    line = [e for e in s.timeline(inc.id) if e.kind == "facts"][-1]
    assert line.data["changes"]["place"] == {"from": "3栋", "to": "5栋"}
    assert line.data["changes"]["kind"]["from"] == "power_cut"
    assert s.payload(inc.id)["corrections"][0]["reason"] == "监控显示08:30已停电"
    loaded = esc(ctx).load(inc.id)
    assert loaded is not None and loaded.plan.kind == "equipment_failure"
    state = esc(ctx).state(inc.id)
    assert state is not None and state.level is Level.SERIOUS
