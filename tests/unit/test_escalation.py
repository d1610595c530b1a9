"""Escalation: policies, frozen plans and the pure chain-state engine, driven through time.

Each test plays a duty room: it logs calls at a controllable "now" (a plain datetime moved
forward by hand) and asks the engine what the board should show.
"""
from __future__ import annotations

import copy
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from frontdesk.domain.escalation.check import WarningCode, check_policies
from frontdesk.domain.escalation.contacts import Contact
from frontdesk.domain.escalation.engine import chain_state
from frontdesk.domain.escalation.model import (
    CallAttempt,
    CallOutcome,
    ChainKind,
    Level,
    LevelChange,
    Plan,
    Require,
    Skip,
    StepKind,
)
from frontdesk.domain.escalation.policy import (
    PolicyError,
    load_policy_doc,
    plan_differs,
    plan_for,
    plan_from_dict,
    plan_to_dict,
    policy_kinds,
    validate_policy_doc,
)
from frontdesk.domain.escalation.state import (
    ChainState,
    ClockState,
    ReportStatus,
    ResponderStatus,
    TargetStatus,
    VisitResult,
    clock_state,
)

T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 10:00 at the site (Asia/Shanghai)
POLICY_FILE = Path(__file__).resolve().parents[2] / "data" / "escalation_policies.json"
SUP, PM, REG, DEV, GRP = (
    "security_supervisor", "project_manager", "regional_head", "developer_cs", "group_leadership",
)


def call(role: str, **kw: Any) -> dict[str, Any]:
    return {"kind": "call", "role": role, **kw}


DOC: dict[str, Any] = {
    "format": "frontdesk.escalation_policies",
    "version": 1,
    "defaults": {"misses_to_advance": 2, "wait_minutes": 5, "callback_minutes": 10,
                 "warning_minutes": 2},
    "kinds": {
        "default": {
            "general": {
                "responder": [call(SUP), call(PM), {"kind": "repeat", "to_step": 0,
                                                    "max_repeats": 1}],
                "reporting": [{"role": SUP, "deadline_minutes": 1440, "after_the_fact": True}],
            },
            "serious": {
                "responder": [call(SUP, wait_minutes=3), call(PM),
                              {"kind": "call_many", "targets": [{"role": REG}, {"role": DEV}]}],
                "reporting": [{"role": SUP, "deadline_minutes": 5},
                              {"role": PM, "deadline_minutes": 15},
                              {"targets": [{"role": REG}, {"role": DEV}],
                               "deadline_minutes": 60}],
            },
            "severe": {
                "responder": [call(SUP), call(PM), call(GRP)],
                "reporting": [{"role": SUP, "deadline_minutes": 5},
                              {"role": PM, "deadline_minutes": 10},
                              {"role": GRP, "deadline_minutes": 30}],
            },
        },
        "lift_entrapment": {"all": {"responder": [
            {"kind": "call_many", "targets": [{"role": "engineering"},
                                              {"role": "lift_contractor"}],
             "require": "all", "wait_minutes": 3},
            call(SUP),
            {"kind": "emergency", "service": "ambulance_120", "script": "emergency_call_120",
             "condition": {"zh": "乘客不适", "en": "a passenger is unwell"}},
        ]}},
        "fire": {"all": {"responder": [
            {"kind": "emergency", "service": "fire_119", "misses_to_advance": 3,
             "wait_minutes": 1},
            call(SUP),
        ]}},
        "drill": {"all": {"responder": [
            call(SUP, misses_to_advance=1), {"kind": "wait", "minutes": 3},
            call(PM, misses_to_advance=1), {"kind": "repeat", "to_step": 0, "max_repeats": 1},
        ]}},
    },
}


def person(cid: str, role: str, **kw: Any) -> Contact:
    return Contact(id=cid, name=cid, role=role, phone=kw.pop("phone", "13800138000"), **kw)


CONTACTS = [
    person("sup-night", SUP, duty_hours="20:00-08:00"),
    person("sup-day", SUP, duty_hours="08:00-20:00"),
    person("pm", PM),
    person("reg", REG),
    person("dev", DEV),
    person("grp", GRP),
    person("eng", "engineering"),
    person("lift", "lift_contractor", phone="96333"),
]
ROLE_OF = {c.id: c.role for c in CONTACTS}


class Duty:
    """A duty room's log for one incident, with a hand-moved clock."""

    def __init__(self, kind: str = "theft", level: Level = Level.GENERAL) -> None:
        self.plan = plan_for(DOC, kind, level)
        self.now = T0
        self.attempts: list[CallAttempt] = []
        self.skips: list[Skip] = []
        self.changes: list[LevelChange] = []

    def wait(self, minutes: float) -> Duty:
        self.now += timedelta(minutes=minutes)
        return self

    def call(self, step: int, outcome: CallOutcome, who: str | None = None,
             chain: ChainKind = ChainKind.RESPONDER, role: str | None = None) -> Duty:
        self.attempts.append(CallAttempt(
            id=f"a{len(self.attempts):03d}", incident_id="inc-1", chain=chain, step_index=step,
            contact_id=who, role=role or ROLE_OF.get(who or ""), at=self.now, outcome=outcome,
            note="", by="guard-1",
        ))
        return self

    def skip(self, step: int, reason: str, chain: ChainKind = ChainKind.RESPONDER) -> Duty:
        self.skips.append(Skip(step, reason, self.now, "supervisor", chain=chain,
                               id=f"s{len(self.skips)}", incident_id="inc-1"))
        return self

    def raise_to(self, level: Level) -> Duty:
        current = self.changes[-1].to_level if self.changes else self.plan.level
        self.changes.append(LevelChange(current, level, self.now, "supervisor", "worse",
                                        id=f"c{len(self.changes)}"))
        return self

    def state(self, plan: Plan | None = None) -> ChainState:
        return chain_state(plan or self.plan, self.attempts, self.skips, self.changes, T0,
                           self.now, CONTACTS)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


NO = CallOutcome.NO_ANSWER


def test_first_call_is_due_at_once_with_the_on_duty_supervisor_first() -> None:
    """"Call now" on opening: a warning for the plan's grace (2 min), overdue only after it
    (a new incident is not late the second it opens)."""
    duty = Duty()
    s = duty.state()
    r = s.responder
    assert r.status is ResponderStatus.CALLING and r.step_index == 0
    assert r.next_due == at(2) and s.responder_clock is ClockState.WARNING
    assert duty.wait(2).state().responder_clock is ClockState.BREACH
    (target,) = r.targets
    assert [c.contact.id for c in target.candidates] == ["sup-day", "sup-night"]
    assert target.candidates[0].on_duty and not target.candidates[1].on_duty
    assert target.number == "+8613800138000"


def test_misses_then_auto_advance_after_n() -> None:
    duty = Duty().wait(1).call(0, NO, "sup-day")
    r = duty.state().responder
    assert (r.step_index, r.misses, r.misses_to_advance) == (0, 1, 2)
    assert r.next_due == at(6)
    assert duty.wait(3).state().responder_clock is ClockState.WARNING
    r = duty.wait(2).call(0, CallOutcome.SWITCHED_OFF, "sup-night").state().responder
    assert r.step_index == 1 and r.misses == 0
    assert r.next_due == at(11)  # after a miss the next person is due wait_minutes later
    assert r.visits[0].result is VisitResult.EXHAUSTED and r.visits[0].ended_at == at(6)
    assert r.targets[0].candidates[0].contact.id == "pm"


def test_accept_stops_the_responder_chain() -> None:
    duty = Duty().call(0, NO, "sup-day").call(0, NO, "sup-day").wait(5)
    s = duty.call(1, CallOutcome.ACCEPTED, "pm").state()
    assert s.responder.done and s.responder.status is ResponderStatus.DONE
    assert (s.responder.accepted_contact_id, s.responder.accepted_role) == ("pm", PM)
    assert s.responder.accepted_at == at(5) and s.responder.next_due is None
    assert s.responder_clock is ClockState.OK
    later = duty.wait(30).call(1, NO, "pm").state()
    assert later.responder.accepted_at == at(5)


def test_decline_moves_on_at_once() -> None:
    r = Duty().wait(2).call(0, CallOutcome.DECLINED, "sup-day").state().responder
    assert r.step_index == 1 and r.next_due == at(4)
    assert r.visits[0].result is VisitResult.DECLINED


def test_skip_is_recorded_and_moves_on() -> None:
    duty = Duty(level=Level.SERIOUS).wait(1).skip(0, "主管在医院, 越级报告")
    r = duty.state().responder
    assert r.step_index == 1 and r.next_due == at(3)
    assert r.visits[0].result is VisitResult.SKIPPED
    assert r.visits[0].reason == "主管在医院, 越级报告"
    # Skipping a step ahead is remembered until the chain gets there.
    r = duty.skip(2, "地区负责人已在现场").call(1, NO, "pm").call(1, NO, "pm").state().responder
    assert r.status is ResponderStatus.EXHAUSTED
    assert [v.result for v in r.visits] == [
        VisitResult.SKIPPED, VisitResult.EXHAUSTED, VisitResult.SKIPPED]
    # A skip for a step already passed changes nothing.
    assert duty.skip(0, "late").state().responder.status is ResponderStatus.EXHAUSTED


def test_callback_expiry_makes_the_step_due_again() -> None:
    duty = Duty().wait(1).call(0, CallOutcome.CALLBACK, "sup-day")
    r = duty.wait(4).state().responder
    assert r.callback_pending and r.callback_until == at(11)
    assert r.next_due == at(11) and r.misses == 0
    assert duty.state().responder_clock is ClockState.OK
    r = duty.wait(6).state().responder
    assert not r.callback_pending and r.step_index == 0
    assert r.next_due == at(11) and duty.state().responder_clock is ClockState.BREACH
    r = duty.call(0, CallOutcome.ACCEPTED, "sup-day").state().responder
    assert r.done and r.callback_until is None


def test_message_sent_never_counts_as_reached() -> None:
    duty = Duty(level=Level.SERIOUS).wait(1)
    duty.call(0, CallOutcome.MESSAGE_SENT, "sup-day")
    duty.call(0, CallOutcome.MESSAGE_SENT, "sup-day")
    duty.call(0, CallOutcome.MESSAGE_SENT, "sup-day", chain=ChainKind.REPORTING)
    s = duty.wait(10).state()
    assert s.responder.step_index == 0 and not s.responder.done
    assert s.responder.misses == 0 and s.responder.targets[0].messages == 2
    assert s.responder.next_due == at(2)
    assert s.reporting[0].status is ReportStatus.OVERDUE
    assert s.reporting[0].informed_at is None and not s.reporting_complete


def test_responder_reach_also_informs_the_reporting_level() -> None:
    duty = Duty(level=Level.SERIOUS).wait(2).call(0, CallOutcome.DECLINED, "sup-day")
    s = duty.wait(1).call(1, CallOutcome.ACCEPTED, "pm").state()
    assert [r.status for r in s.reporting] == [
        ReportStatus.INFORMED, ReportStatus.INFORMED, ReportStatus.OWED]
    assert s.reporting[0].informed_at == at(2) and not s.reporting[0].informed_late
    assert s.next_deadline == at(60)
    s = duty.wait(60).call(2, CallOutcome.ACCEPTED, "dev", chain=ChainKind.REPORTING).state()
    assert s.reporting[2].informed_late and s.reporting_complete


def test_reporting_skip_closes_a_level_with_its_reason() -> None:
    duty = Duty(level=Level.SERIOUS).wait(3)
    duty.call(1, NO, "pm", chain=ChainKind.REPORTING)
    duty.call(1, CallOutcome.CALLBACK, "pm", chain=ChainKind.REPORTING)
    s = duty.state()
    assert s.reporting[1].misses == 1 and s.reporting[1].callback_until == at(13)
    assert s.reporting[0].clock is ClockState.WARNING
    duty.skip(1, "项目经理联系不上, 越级报告地区公司", chain=ChainKind.REPORTING)
    s = duty.state()
    assert s.reporting[1].status is ReportStatus.SKIPPED
    assert s.reporting[1].skip_reason.startswith("项目经理联系不上")
    assert s.reporting[1].callback_until is None and s.reporting[1].clock is ClockState.OK
    assert s.reporting[0].status is ReportStatus.OWED


def test_general_level_may_be_reported_afterwards() -> None:
    s = Duty().wait(120).state()
    (level,) = s.reporting
    assert level.level.after_the_fact and level.due == at(1440)
    assert level.status is ReportStatus.OWED and level.clock is ClockState.OK


def test_level_raise_adds_reporting_levels_counted_from_the_raise() -> None:
    duty = Duty().wait(1).call(0, NO, "sup-day").wait(29).raise_to(Level.SERIOUS)
    s = duty.state()
    assert s.level is Level.SERIOUS
    sup, pm, reg = s.reporting
    assert sup.due == at(35) and sup.raised_to is None and not sup.level.after_the_fact
    assert pm.due == at(45) and pm.added_at == at(30) and pm.raised_to is Level.SERIOUS
    assert reg.due == at(90)
    # The responder chain restarts on the serious chain at the raise.
    r = s.responder
    assert r.level is Level.SERIOUS and r.step_index == 0 and r.next_due == at(32)
    assert r.visits[0].result is VisitResult.REPLANNED
    duty.wait(20).raise_to(Level.SEVERE)
    s = duty.state()
    assert [lv.due for lv in s.reporting] == [at(35), at(45), at(90), at(80)]
    assert s.reporting[3].level.targets[0].role == GRP
    assert [lv.index for lv in s.reporting] == [0, 1, 2, 3]
    assert s.reporting[0].status is ReportStatus.OVERDUE
    assert s.reporting[0].clock is ClockState.BREACH


def test_a_lowering_replans_at_once_and_waives_what_the_lower_level_does_not_owe() -> None:
    """001: the leadership may lower the level; the panel must not keep the old one. The
    responder restarts on the lower chain; reports the lower level does not list (and that were
    not told yet) are waived, ones already told stay told; raising again owes them anew."""
    duty = Duty(level=Level.SEVERE).wait(1).call(0, CallOutcome.ACCEPTED, "sup-day",
                                                 ChainKind.REPORTING)
    before = duty.state()
    assert before.level is Level.SEVERE and len(before.reporting) == 3  # SUP, PM, GRP
    duty.wait(2).raise_to(Level.GENERAL)  # the Duty helper records any change of level
    s = duty.state()
    assert s.level is Level.GENERAL
    r = s.responder
    assert r.level is Level.GENERAL and r.step_index == 0 and r.next_due == at(5)
    assert r.visits[0].result is VisitResult.REPLANNED and "lowered" in r.visits[0].reason
    statuses = [lv.status for lv in s.reporting]
    assert statuses[0] is ReportStatus.INFORMED
    assert statuses[1:] == [ReportStatus.WAIVED] * 2  # PM and GRP: general owes only SUP
    assert s.reporting[1].waived_at == at(3) and s.reporting[1].waived_to is Level.GENERAL
    assert s.reporting_complete and s.next_deadline == r.next_due
    duty.wait(10).raise_to(Level.SERIOUS)
    s = duty.state()
    assert [lv.status for lv in s.reporting] == [  # SUP, PM again, GRP still waived, REG/DEV
        ReportStatus.INFORMED, ReportStatus.OWED, ReportStatus.WAIVED, ReportStatus.OWED]
    assert s.reporting[1].due == at(13) + timedelta(minutes=15)


def test_a_raise_does_not_restart_an_accepted_chain() -> None:
    duty = Duty().call(0, CallOutcome.ACCEPTED, "sup-day").wait(10).raise_to(Level.SEVERE)
    s = duty.state()
    assert s.responder.done and s.responder.level is Level.GENERAL
    assert s.reporting[0].status is ReportStatus.INFORMED
    assert [lv.status for lv in s.reporting[1:]] == [ReportStatus.OWED] * 2


def test_restart_gives_the_same_state() -> None:
    duty = Duty(level=Level.SERIOUS).wait(1).call(0, NO, "sup-day")
    duty.wait(3).call(0, CallOutcome.CALLBACK, "sup-night").wait(12).skip(0, "no callback")
    duty.wait(1).call(1, NO, "pm").wait(2).raise_to(Level.SEVERE).wait(4)
    duty.call(0, CallOutcome.MESSAGE_SENT, "sup-day").call(1, NO, "pm", ChainKind.REPORTING)
    first = duty.state()
    stored = json.loads(json.dumps(plan_to_dict(duty.plan)))
    for seed in range(5):
        shuffled = Duty(level=Level.SERIOUS)
        shuffled.now = duty.now
        shuffled.attempts = random.Random(seed).sample(duty.attempts, len(duty.attempts))
        shuffled.skips, shuffled.changes = list(duty.skips), list(duty.changes)
        assert shuffled.state(plan_from_dict(stored)) == first
    assert duty.state() == first


def test_records_after_now_are_left_out_and_counted() -> None:
    duty = Duty().wait(10).call(0, CallOutcome.ACCEPTED, "sup-day")
    duty.now = at(5)
    s = duty.state()
    assert not s.responder.done and s.future_records == 1


def test_repeat_goes_back_until_its_cap() -> None:
    duty = Duty(kind="drill")
    r = duty.call(0, NO, "sup-day").state().responder
    assert r.status is ResponderStatus.WAITING and r.step_index == 1 and r.next_due == at(8)
    r = duty.wait(8).state().responder
    assert r.step_index == 2 and r.next_due == at(10)
    r = duty.call(2, NO, "pm").state().responder
    assert r.step_index == 0 and r.round == 1 and not r.repeat_cap_reached
    assert r.next_due == at(13)
    duty.wait(5).call(0, NO, "sup-day").wait(8).call(2, NO, "pm")
    r = duty.state().responder
    assert r.status is ResponderStatus.EXHAUSTED and r.repeat_cap_reached
    assert duty.state().responder_clock is ClockState.BREACH
    assert [v.result for v in r.visits].count(VisitResult.REPEATED) == 1


def test_call_many_require_all_and_partial() -> None:
    duty = Duty(kind="lift_entrapment", level=Level.SERIOUS)
    r = duty.state().responder
    assert r.step is not None
    assert r.step.kind is StepKind.CALL_MANY and r.step.require is Require.ALL
    assert [t.number for t in r.targets] == ["+8613800138000", "96333"]
    r = duty.wait(1).call(0, CallOutcome.ACCEPTED, "eng").state().responder
    assert not r.done and [t.status for t in r.targets] == [
        TargetStatus.ACCEPTED, TargetStatus.PENDING]
    assert r.next_due == at(2)
    r = duty.call(0, NO, "lift").wait(3).call(0, NO, "lift").state().responder
    assert r.step_index == 1 and r.visits[0].result is VisitResult.PARTIAL
    assert r.next_due == at(7)
    both = Duty(kind="lift_entrapment").call(0, CallOutcome.ACCEPTED, "eng")
    assert both.call(0, CallOutcome.ACCEPTED, "lift").state().responder.done


def test_optional_step_never_blocks_and_is_offered() -> None:
    duty = Duty(kind="lift_entrapment")
    duty.call(0, CallOutcome.DECLINED, "eng").call(0, CallOutcome.DECLINED, "lift")
    duty.call(1, NO, "sup-day").wait(5).call(1, NO, "sup-day")
    s = duty.state()
    assert s.responder.status is ResponderStatus.EXHAUSTED
    (opt,) = s.responder.optional
    assert opt.step_index == 2 and opt.number == "120" and opt.step.condition is not None
    duty.wait(1).call(2, CallOutcome.ACCEPTED, role="ambulance_120")
    (opt,) = duty.state().responder.optional
    assert opt.reached_at == at(6) and opt.attempts == 1
    assert not duty.state().responder.done


def test_emergency_step_moves_on_but_never_ends_the_chain() -> None:
    duty = Duty(kind="fire", level=Level.SEVERE)
    r = duty.state().responder
    assert r.step is not None and r.step.kind is StepKind.EMERGENCY and r.targets[0].number == "119"
    r = duty.call(0, CallOutcome.BUSY, role="fire_119").state().responder
    assert r.next_due == at(1) and r.step_index == 0
    r = duty.wait(1).call(0, CallOutcome.ACCEPTED, role="fire_119").state().responder
    assert r.step_index == 1 and not r.done and r.next_due == at(3)
    assert r.visits[0].result is VisitResult.REACHED


def test_a_late_acceptance_from_an_earlier_step_ends_the_chain() -> None:
    duty = Duty().call(0, NO, "sup-day").wait(5).call(0, NO, "sup-day").wait(7)
    assert duty.state().responder.step_index == 1
    r = duty.call(0, CallOutcome.ACCEPTED, "sup-day").state().responder
    assert r.done and r.accepted_step == 0


def test_clock_state_boundaries() -> None:
    due = at(10)
    assert clock_state(due, at(7)) is ClockState.OK
    assert clock_state(due, at(8)) is ClockState.WARNING
    assert clock_state(due, at(10)) is ClockState.BREACH
    assert clock_state(None, at(10)) is ClockState.OK
    assert clock_state(due, at(4), timedelta(minutes=6)) is ClockState.WARNING


def test_policy_change_does_not_change_a_stored_plan() -> None:
    doc = copy.deepcopy(DOC)
    plan = plan_for(doc, "theft", Level.SERIOUS)
    stored = json.loads(json.dumps(plan_to_dict(plan)))
    assert plan.policy_kind == "default" and not plan_differs(plan, doc)
    doc["kinds"]["fire"]["all"]["responder"][1]["wait_minutes"] = 1
    assert not plan_differs(plan, doc)
    doc["kinds"]["default"]["serious"]["responder"][0]["wait_minutes"] = 1
    doc["kinds"]["default"]["severe"]["reporting"].pop()
    again = plan_from_dict(stored)
    assert again == plan
    assert again.chains(Level.SERIOUS).responder[0].wait_minutes == 3
    assert len(again.chains(Level.SEVERE).reporting) == 3
    assert plan_differs(again, doc)
    fresh = plan_for(doc, "theft", Level.SERIOUS)
    assert fresh.chains(Level.SERIOUS).responder[0].wait_minutes == 1


def test_check_policies_names_kind_level_chain_and_step() -> None:
    contacts = [c for c in CONTACTS if c.role != PM]
    contacts = [Contact(**{**c.__dict__, "phone": ""}) if c.role == GRP else c for c in contacts]
    doc = copy.deepcopy(DOC)
    doc["kinds"]["drill"]["all"]["responder"][0] = {"kind": "call", "contact_id": "ghost",
                                                     "script": "no_such_script"}
    warnings = check_policies(doc, contacts, None, script_ids={"emergency_call_120"})
    codes = {(w.kind, w.level.value, w.chain.value, w.step_index, w.code) for w in warnings}
    assert ("default", "serious", "responder", 1, WarningCode.ROLE_UNFILLED) in codes
    assert ("default", "serious", "reporting", 1, WarningCode.ROLE_UNFILLED) in codes
    assert ("default", "severe", "responder", 2, WarningCode.NO_VALID_PHONE) in codes
    assert ("drill", "general", "responder", 0, WarningCode.UNKNOWN_CONTACT) in codes
    assert ("drill", "general", "responder", 0, WarningCode.UNKNOWN_SCRIPT) in codes
    emergency_steps = {("fire", 0), ("lift_entrapment", 2)}  # 119 and 120 dial their number
    assert not any((w.kind, w.step_index) in emergency_steps and w.chain is ChainKind.RESPONDER
                   for w in warnings)
    pm_warning = next(w for w in warnings if w.code is WarningCode.ROLE_UNFILLED)
    assert "Project manager" in pm_warning.message and "项目经理" in pm_warning.message_zh
    assert check_policies(DOC, CONTACTS) == []
    assert check_policies(DOC, CONTACTS, datetime(2026, 11, 22, 23, 0)) == []


def test_check_policies_warns_when_nobody_is_on_duty() -> None:
    day_only = [c for c in CONTACTS if c.id != "sup-night"]
    night = check_policies(DOC, day_only, datetime(2026, 11, 22, 23, 0))
    assert night and {w.code for w in night} == {WarningCode.NOBODY_ON_DUTY}
    assert {w.role for w in night} == {SUP}


def test_policy_validation_names_the_path() -> None:
    bad = copy.deepcopy(DOC)
    bad["kinds"]["fire"]["all"]["responder"][1] = {"kind": "call", "role": "janitor"}
    bad["kinds"]["drill"]["all"]["responder"][3]["to_step"] = 5
    bad["kinds"]["default"]["general"]["reporting"][0]["deadline"] = 5
    problems = validate_policy_doc(bad)
    assert any(p.startswith("kinds.fire.all.responder[1].role") for p in problems)
    assert any(p.startswith("kinds.drill.all.responder[3].to_step") for p in problems)
    assert any("unknown field(s) deadline" in p for p in problems)
    with pytest.raises(PolicyError):
        plan_for(bad, "fire", Level.GENERAL)
    assert validate_policy_doc({"kinds": {}})[-1].startswith("kinds: a 'default' entry")


def test_records_need_aware_datetimes() -> None:
    with pytest.raises(ValueError):
        Skip(0, "x", datetime(2026, 1, 1), "me")


def test_shipped_policies_follow_the_seeds() -> None:
    doc = load_policy_doc(POLICY_FILE)
    kinds = set(policy_kinds(doc))
    assert {
        "default", "media_at_gate", "public_opinion", "fire", "power_cut", "water_cut",
        "flooding", "lift_entrapment", "fight", "theft", "suspicious_person",
        "disturbed_person", "medical_emergency", "lost_child", "public_health",
        "natural_disaster", "phone_surge", "vip_visit",
    } <= kinds
    plans = {(k, lv): plan_for(doc, k, lv) for k in kinds for lv in Level}
    assert all(plan_from_dict(plan_to_dict(p)) == p for p in plans.values())

    def roles(kind: str, level: Level, chain: str) -> list[str | None]:
        chains = plans[kind, level].chains(level)
        items = chains.responder if chain == "responder" else chains.reporting
        return [t.role for item in items for t in item.targets]

    # 000 4.1.4 / 4.2.2: supervisor, PM, regional head or developer CS, group leadership.
    assert roles("default", Level.SEVERE, "reporting") == [SUP, PM, REG, DEV, GRP]
    assert roles("default", Level.SEVERE, "responder") == [SUP, PM, REG, DEV, GRP]
    # 003: immediately for an emergency or worse; a general event may be reported afterwards.
    severe_sup = plans["default", Level.SEVERE].chains(Level.SEVERE).reporting[0]
    assert severe_sup.deadline_minutes <= 15
    general = plans["default", Level.GENERAL].chains(Level.GENERAL).reporting
    assert all(r.after_the_fact for r in general)
    for media in ("media_at_gate", "public_opinion"):
        assert {"gm_office", "client_media"} <= set(roles(media, Level.SERIOUS, "reporting"))
    lift = plans["lift_entrapment", Level.SERIOUS].chains(Level.SERIOUS).responder
    assert lift[0].require is Require.ALL
    assert {t.role for t in lift[0].targets} == {"engineering", "lift_contractor"}
    assert any(s.kind is StepKind.EMERGENCY and s.number == "120" and s.optional for s in lift)
    fire = plans["fire", Level.SERIOUS].chains(Level.SERIOUS).responder[0]
    assert (fire.kind, fire.number, fire.optional) == (StepKind.EMERGENCY, "119", False)
    fight = plans["fight", Level.SERIOUS].chains(Level.SERIOUS).responder[0]
    assert fight.number == "110" and not fight.optional
    fight_general = plans["fight", Level.GENERAL].chains(Level.GENERAL).responder
    assert fight_general[0].number == "110" and not fight_general[0].optional  # 斗殴 is serious
    quarrel = plans["dispute", Level.GENERAL].chains(Level.GENERAL).responder
    assert any(s.number == "110" and s.optional for s in quarrel)
    medical = plans["medical_emergency", Level.SERIOUS].chains(Level.SERIOUS).responder[0]
    assert medical.number == "120"
    # The shipped chains resolve to somebody for every step when every role is filled.
    everyone = [person(f"c-{r}", r) for r in (SUP, PM, REG, DEV, GRP, "gm_office",
                                              "client_media", "cs_centre", "engineering",
                                              "lift_contractor")]
    assert check_policies(doc, everyone) == []


def test_records_accept_stored_strings() -> None:
    a = CallAttempt("a", "i", "reporting", 0, None, SUP, T0, "busy")  # type: ignore[arg-type]
    assert a.chain is ChainKind.REPORTING and a.outcome is CallOutcome.BUSY
    c = LevelChange("general", "severe", T0, "me")  # type: ignore[arg-type]
    assert c.to_level is Level.SEVERE and c.to_level.rank == 2
    with pytest.raises(ValueError):
        CallAttempt("a", "i", "responder", 0, None, SUP, T0, "maybe")  # type: ignore[arg-type]
