"""Incident kinds (shipped and site data), levels, lifecycle, append-only timeline, close gates."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from frontdesk.domain.incidents.catalogue import KindsFileError, load_kinds
from frontdesk.domain.incidents.deadlines import StatementRule
from frontdesk.domain.incidents.model import (
    TRANSITIONS,
    Bilingual,
    ChecklistItem,
    ChecklistState,
    ChecklistStatus,
    EntryKind,
    Kind,
    Level,
    State,
    TimelineEntry,
    TransitionError,
    checklist_statuses,
    close_blockers,
    correction,
    effective_timeline,
    is_reopen,
    level_change,
    state_change,
    transition,
    versions_of,
)
from frontdesk.domain.incidents.report import ReportState

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "incident_kinds.json"
T0 = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
EXPECTED_KINDS = {
    "media_at_gate", "public_opinion", "fire", "power_cut", "water_cut", "flooding",
    "lift_entrapment", "fight", "dispute", "theft", "suspicious_person", "disturbed_person",
    "medical_emergency", "lost_child", "public_health", "natural_disaster", "phone_surge",
    "vip_visit", "equipment_failure", "complaint", "traffic_accident", "mass_incident",
    "explosion",
}


# --- kinds -------------------------------------------------------------------------------------

def test_shipped_kinds_load_complete() -> None:
    cat = load_kinds(SHIPPED)
    assert cat.errors == ()
    assert set(cat.kinds) == EXPECTED_KINDS
    needing = {k for k, v in cat.kinds.items() if v.needs_statement}
    assert needing == {"media_at_gate", "public_opinion"}
    for kind in cat.kinds.values():
        assert kind.name.zh and kind.name.en and kind.checklist
        assert all(item.text.zh and item.text.en for item in kind.checklist)
    lift = cat.kinds["lift_entrapment"]
    assert lift.name.zh == "电梯困人"
    assert [i.id for i in lift.checklist][:2] == ["notify_engineering_contractor", "reassure"]
    assert not next(i for i in lift.checklist if i.id == "ambulance_if_needed").required
    assert lift.due_minutes() == {"notify_engineering_contractor": 5, "reassure": 5}
    assert cat.kinds["fire"].default_level is Level.SEVERE
    assert cat.rules.statement == StatementRule()


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_site_file_adds_and_overrides(tmp_path: Path) -> None:
    site = _write(tmp_path / "site.json", {
        "statement_rule": {"first_within_hours": 5, "follow_up_every_hours": 12},
        "kinds": {
            "theft": {"default_level": "serious"},
            "gas_leak": {
                "name": {"zh": "燃气泄漏", "en": "Gas leak"}, "needs_statement": False,
                "default_level": "severe",
                "checklist": [{"id": "call_gas_company", "due_minutes": 5,
                               "text": {"zh": "通知燃气公司", "en": "Call the gas company"}}]},
        },
    })
    cat = load_kinds(SHIPPED, site)
    assert cat.errors == ()
    assert cat.kinds["theft"].default_level is Level.SERIOUS
    assert cat.kinds["theft"].checklist == load_kinds(SHIPPED).kinds["theft"].checklist
    assert cat.kinds["gas_leak"].checklist[0].due_minutes == 5
    assert cat.rules.statement.first_within == timedelta(hours=5)
    assert cat.rules.report == load_kinds(SHIPPED).rules.report


@pytest.mark.parametrize(("site", "field"), [
    ({"kinds": {"fight": {"neds_statement": True}}}, "kinds.fight.neds_statement"),
    ({"kinds": {"fight": {"default_level": "critical"}}}, "kinds.fight.default_level"),
    ({"kinds": {"new_kind": {"name": {"zh": "新", "en": "New"}}}},
     "kinds.new_kind.needs_statement"),
    ({"kinds": {"fight": {"checklist": [{"id": "a", "text": {"zh": "", "en": "x"}}]}}},
     "kinds.fight.checklist[0].text.zh"),
    ({"kinds": {"fight": {"checklist": [
        {"id": "a", "due_minutes": -1, "text": {"zh": "甲", "en": "a"}}]}}},
     "kinds.fight.checklist[0].due_minutes"),
    ({"report_rule": [{"start": "09:00", "end": "13:00", "due": {"days_after": 0, "at": "18:00"}}]},
     "report_rule"),
    ({"kinds": {"Bad-Id": {}}}, "kinds.Bad-Id"),
    ({"colour": "red"}, "colour"),
])
def test_bad_site_file_falls_back_to_shipped(
    tmp_path: Path, site: dict[str, Any], field: str,
) -> None:
    path = _write(tmp_path / "site_kinds.json", site)
    cat = load_kinds(SHIPPED, path)
    assert cat.kinds == load_kinds(SHIPPED).kinds
    assert len(cat.errors) >= 1
    assert any(e.path == str(path) and e.field == field and e.line for e in cat.errors), \
        cat.errors


def test_unreadable_or_missing_site_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    cat = load_kinds(SHIPPED, broken)
    assert set(cat.kinds) == EXPECTED_KINDS
    assert cat.errors and cat.errors[0].path == str(broken)
    assert str(cat.errors[0]) == "broken.json:1: not valid JSON: Expecting property name " \
        "enclosed in double quotes"
    assert load_kinds(SHIPPED, tmp_path / "absent.json").errors == ()


def test_broken_shipped_file_raises(tmp_path: Path) -> None:
    bad = _write(tmp_path / "shipped.json", {"kinds": {}})
    with pytest.raises(KindsFileError, match="report_rule"):
        load_kinds(bad)


# --- levels and lifecycle ------------------------------------------------------------------------

def test_levels() -> None:
    assert [lv.label.zh for lv in Level] == ["一般级", "较重级", "严重级"]
    assert Level.GENERAL.rank < Level.SERIOUS.rank < Level.SEVERE.rank
    assert Level("serious").label.in_lang("en") == "serious"


@pytest.mark.parametrize(("current", "target"), [
    (State.OPEN, State.ACKNOWLEDGED), (State.ACKNOWLEDGED, State.ON_SCENE),
    (State.ON_SCENE, State.CONTAINED), (State.CONTAINED, State.RESOLVED),
    (State.OPEN, State.RESOLVED), (State.OPEN, State.ON_SCENE), (State.RESOLVED, State.CLOSED),
    (State.RESOLVED, State.OPEN), (State.CLOSED, State.OPEN),
])
def test_legal_moves(current: State, target: State) -> None:
    transition(current, target)


@pytest.mark.parametrize(("current", "target"), [
    (State.CONTAINED, State.OPEN), (State.ON_SCENE, State.ACKNOWLEDGED), (State.OPEN, State.OPEN),
    (State.OPEN, State.CLOSED), (State.CONTAINED, State.CLOSED), (State.CLOSED, State.RESOLVED),
    (State.RESOLVED, State.CONTAINED),
])
def test_illegal_moves_raise(current: State, target: State) -> None:
    with pytest.raises(TransitionError, match=f"from {current.value} to {target.value}") as info:
        transition(current, target)
    assert info.value.current is current and info.value.target is target


def test_reopen_is_flagged() -> None:
    assert is_reopen(State.RESOLVED, State.OPEN) and is_reopen(State.CLOSED, State.OPEN)
    assert not is_reopen(State.OPEN, State.ACKNOWLEDGED)
    assert TRANSITIONS[State.CLOSED] == {State.OPEN}


# --- close gates ---------------------------------------------------------------------------------

KIND = Kind("media_at_gate", Bilingual("媒体到访", "Media"), True, Level.SERIOUS, (
    ChecklistItem("notify_leaders", Bilingual("通报领导", "notify leaders"), 10),
    ChecklistItem("register", Bilingual("登记", "register")),
    ChecklistItem("guide", Bilingual("引导", "guide"), required=False),
))
DONE = {"notify_leaders": ChecklistStatus("notify_leaders", ChecklistState.DONE),
        "register": ChecklistStatus("register", ChecklistState.SKIPPED, "对方拒绝出示证件")}


def codes(blockers: list[Any]) -> list[str]:
    return [b.code for b in blockers]


def test_everything_met_means_no_blockers_and_close_is_allowed() -> None:
    found = close_blockers(KIND, DONE, ReportState.SUBMITTED, True, True)
    assert found == []
    transition(State.RESOLVED, State.CLOSED, found)
    assert close_blockers(KIND, list(DONE.values()), ReportState.APPROVED, None, True) == []


def test_each_gate_blocks() -> None:
    found = close_blockers(KIND, {}, None, False, False)
    assert codes(found) == ["report_not_submitted", "reporting_chain_incomplete",
                            "statement_not_released", "checklist_pending", "checklist_pending"]
    assert [b.item_id for b in found[3:]] == ["notify_leaders", "register"]
    assert found[0].message.zh == "书面报告尚未提交"
    for status in (ReportState.DRAFT, ReportState.RETURNED, None):
        assert "report_not_submitted" in codes(close_blockers(KIND, DONE, status, True, True))
    with pytest.raises(TransitionError, match="cannot close") as info:
        transition(State.RESOLVED, State.CLOSED, found)
    assert info.value.blockers == tuple(found)


def test_skip_needs_a_reason_and_optional_items_do_not_block() -> None:
    marks = dict(DONE, register=ChecklistStatus("register", ChecklistState.SKIPPED, "  "))
    found = close_blockers(KIND, marks, "submitted", True, True)
    assert codes(found) == ["checklist_skip_without_reason"]
    assert found[0].item_id == "register"


def test_statement_gate_only_for_kinds_that_need_one() -> None:
    fire = Kind("fire", Bilingual("火警", "Fire"), False, Level.SEVERE)
    assert close_blockers(fire, {}, "submitted", None, False) == []


# --- timeline ------------------------------------------------------------------------------------

def entry(eid: str, minutes: int, text: str, kind: str = EntryKind.NOTE,
          **kw: Any) -> TimelineEntry:
    at = T0 + timedelta(minutes=minutes)
    recorded, author = kw.pop("recorded_at", at), kw.pop("author", "王保安")
    return TimelineEntry(eid, "inc1", at, recorded, author, text, kind, **kw)


def test_entries_are_immutable_and_checked() -> None:
    raw = {"item_id": "x"}
    e = entry("e1", 0, "note", data=raw)
    raw["item_id"] = "changed"
    assert e.data["item_id"] == "x"
    with pytest.raises(TypeError):
        e.data["item_id"] = "y"  # type: ignore[index]
    with pytest.raises(ValueError, match="aware"):
        TimelineEntry("e", "inc1", datetime(2026, 3, 10), T0, "a", "t")
    with pytest.raises(ValueError, match="itself"):
        entry("e2", 0, "t", supersedes="e2")


def test_corrections_supersede_but_keep_history() -> None:
    first = entry("e1", 0, "记者两名到达东门")
    other = entry("e2", 5, "已通报项目经理", EntryKind.CALL)
    fix = correction(first, "e3", "记者三名到达东门", T0 + timedelta(minutes=30), "李主管")
    fix2 = correction(fix, "e4", "记者三名(含摄像一名)到达东门", T0 + timedelta(minutes=40),
                      "李主管")
    entries = [fix2, other, first, fix]
    shown = effective_timeline(entries)
    assert [e.id for e in shown] == ["e4", "e2"]  # the correction keeps the original's place
    assert fix2.kind == EntryKind.CORRECTION and fix2.subject_kind == EntryKind.NOTE
    assert [e.id for e in versions_of("e4", entries)] == ["e1", "e3", "e4"]
    assert {e.id for e in entries} - {e.id for e in shown} == {"e1", "e3"}


def test_concurrent_corrections_both_show() -> None:
    first = entry("e1", 0, "原文")
    a = correction(first, "a", "改法一", T0 + timedelta(minutes=1), "甲")
    b = correction(first, "b", "改法二", T0 + timedelta(minutes=2), "乙")
    assert [e.id for e in effective_timeline([first, a, b])] == ["a", "b"]


def test_checklist_statuses_follow_the_effective_timeline() -> None:
    done = entry("c1", 3, "已通报领导", EntryKind.CHECKLIST,
                 data={"item_id": "notify_leaders", "state": "done"})
    reg = entry("c2", 4, "已登记", EntryKind.CHECKLIST,
                data={"item_id": "register", "state": "done"})
    fixed = correction(reg, "c3", "未登记:对方拒绝", T0 + timedelta(minutes=20), "李主管",
                       data={"state": "skipped", "reason": "对方拒绝出示证件"})
    odd = entry("c4", 6, "?", EntryKind.CHECKLIST, data={"item_id": "guide", "state": "maybe"})
    marks = checklist_statuses([done, reg, fixed, odd, entry("n", 1, "note")])
    assert marks["notify_leaders"].state is ChecklistState.DONE
    assert marks["register"].state is ChecklistState.SKIPPED and marks["register"].settled
    assert "guide" not in marks
    assert close_blockers(KIND, marks, "submitted", True, True) == []


def test_plain_strings_are_accepted_as_states() -> None:
    with pytest.raises(TransitionError, match="cannot close"):
        transition("resolved", "closed", close_blockers(KIND, {}, None, True, True))  # type: ignore[arg-type]
    assert is_reopen("closed", "open")  # type: ignore[arg-type]
    assert ChecklistStatus("x", "done").settled  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ChecklistStatus("x", "finished")  # type: ignore[arg-type]


def test_state_and_level_changes_are_recorded() -> None:
    e = state_change("s1", "inc1", State.OPEN, State.ON_SCENE, T0, "王保安")
    assert e.kind == EntryKind.STATE and e.data["to"] == "on_scene" and not e.data["reopen"]
    with pytest.raises(TransitionError, match="re-opening needs a reason"):
        state_change("s2", "inc1", State.CLOSED, State.OPEN, T0, "李主管")
    reopened = state_change("s3", "inc1", State.CLOSED, State.OPEN, T0, "李主管",
                            "业主反映再次漏水")
    assert reopened.data["reopen"] and "业主反映再次漏水" in reopened.text
    with pytest.raises(TransitionError, match="cannot close"):
        state_change("s4", "inc1", State.RESOLVED, State.CLOSED, T0, "李主管",
                     blockers=close_blockers(KIND, {}, None, None, True))
    raised = level_change("l1", "inc1", Level.GENERAL, Level.SEVERE, T0, "李主管", "媒体聚集")
    assert raised.kind == EntryKind.LEVEL and raised.data["raised"]
    assert raised.text.startswith("一般级 → 严重级")
    with pytest.raises(ValueError):
        level_change("l2", "inc1", Level.SERIOUS, Level.SERIOUS, T0, "李主管")
