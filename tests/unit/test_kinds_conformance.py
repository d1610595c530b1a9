"""The shipped kinds and chains agree with the seeds and with each other (issue 18, point 7).

Seed phrases are quoted here word for word (../shared/seeds/003, 001, 000); each test names the
seed line it checks.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.domain.escalation.model import Level, StepKind
from frontdesk.domain.escalation.policy import load_policy_doc, plan_for
from frontdesk.domain.incidents.catalogue import load_kinds
from frontdesk.domain.incidents.model import StatementWhen

DATA = Path(__file__).resolve().parents[2] / "data"
KINDS = load_kinds(DATA / "incident_kinds.json").kinds
POLICY = load_policy_doc(DATA / "escalation_policies.json")
EMERGENCY_ITEMS = {"call_110": "110", "call_119": "119", "call_120": "120"}

# The five kinds 003 lists that were missing, each with phrases of its seed paragraph.
NEW_KINDS = {
    "equipment_failure": ("设施设备故障", ["组织人员维修", "确保设施设备正常运行",
                                     "对故障原因进行调查,防止类似事件再次发生"]),
    "complaint": ("投诉处理", ["认真听取业主诉求", "调查核实问题,及时解决", "向业主反馈处理结果"]),
    "traffic_accident": ("交通事故", ["迅速了解事故情况,组织人员救助伤者",
                                  "及时疏散事故现场人员,确保生命安全",
                                  "配合交警部门开展事故调查,查找事故原因"]),
    "mass_incident": ("群体性事件", ["迅速向", "组织安保力量进行警戒、疏散,维护现场秩序"]),
    "explosion": ("爆炸", ["组织消防、医疗等救援力量进行救援", "迅速向"]),
}


def chain(kind: str, level: Level) -> list:  # type: ignore[type-arg]
    """The responder steps of ``kind`` at ``level`` as an incident would freeze them."""
    return list(plan_for(POLICY, kind, level).chains(level).responder)


def reporting_roles(kind: str, level: Level) -> set[str | None]:
    """Every role the reporting chain of ``kind`` at ``level`` informs."""
    plan = plan_for(POLICY, kind, level)
    return {t.role for r in plan.chains(level).reporting for t in r.targets}


@pytest.mark.parametrize("kind_id", sorted(NEW_KINDS))
def test_missing_003_kinds_are_there_with_the_seeds_checklist(kind_id: str) -> None:
    """003 设施设备故障 / 投诉处理 / 交通事故 / 社会安全事件(群体性事件) / 事故灾害(爆炸)."""
    name, phrases = NEW_KINDS[kind_id]
    kind = KINDS[kind_id]
    assert kind.name.zh == name and "003" in kind.source
    text = " ".join(i.text.zh for i in kind.checklist)
    for phrase in phrases:
        assert phrase in text, phrase
        assert phrase in kind.source or phrase in text
    assert kind_id in POLICY["kinds"]


def test_complaint_has_a_callback_clock() -> None:
    """003 向业主反馈处理结果; 001 上市通知 3 按公司制度规定时效…完成回访: a clock, site's limit."""
    callback = next(i for i in KINDS["complaint"].checklist if i.id == "callback")
    assert callback.required and callback.due_minutes
    assert "本站默认" in callback.text.zh and "site's default" in callback.text.en


def test_required_emergency_calls_agree_with_every_chain() -> None:
    """A checklist that requires 110/119/120 and the chain agree: every level of that kind
    dials the number as a step that cannot be passed over (fire 119, fight 110, theft 110)."""
    checked = set()
    for kind_id, kind in KINDS.items():
        for item in kind.checklist:
            if item.id in EMERGENCY_ITEMS and item.required:
                for level in Level:
                    steps = chain(kind_id, level)
                    assert any(s.kind is StepKind.EMERGENCY and s.number == EMERGENCY_ITEMS[item.id]
                               and not s.optional for s in steps), (kind_id, level, item.id)
                checked.add((kind_id, item.id))
    assert {("fire", "call_119"), ("fight", "call_110"), ("theft", "call_110"),
            ("explosion", "call_119")} <= checked


def test_a_fight_calls_110_and_a_quarrel_only_when_it_turns_serious() -> None:
    """003: 如事态严重(出现人员受伤、斗殴或持械)应向“110”报警: 斗殴 is itself serious."""
    fight = next(i for i in KINDS["fight"].checklist if i.id == "call_110")
    assert fight.required and fight.due_minutes
    assert chain("fight", Level.GENERAL)[0].number == "110"
    quarrel = next(i for i in KINDS["dispute"].checklist if i.id == "call_110")
    assert not quarrel.required and "斗殴" in quarrel.text.zh
    assert any(s.number == "110" and s.optional for s in chain("dispute", Level.GENERAL))


def test_fire_checklist_and_chain_agree_on_119() -> None:
    """000 发现火情…迅速报警: 119 first at every level, as the checklist says (2 min)."""
    item = next(i for i in KINDS["fire"].checklist if i.id == "call_119")
    assert item.required and item.due_minutes == 2
    for level in Level:
        first = chain("fire", level)[0]
        assert (first.kind, first.number, first.optional) == (StepKind.EMERGENCY, "119", False)


def test_lost_child_details_only_when_the_family_is_not_found() -> None:
    """003 迷失儿童: 首先…寻找其家人; 如联系不上, 应详细寻问儿童姓名、年龄、住址及同行之人."""
    items = {i.id: i for i in KINDS["lost_child"].checklist}
    assert items["search_family"].required
    assert not items["ask_details"].required and "联系不上" in items["ask_details"].text.zh
    assert not items["to_police_station"].required


# Kinds where 003 流程 10 (有财产损失通报保险公司) cannot apply, and why.
NO_PROPERTY_LOSS = {
    "media_at_gate": "a journalist's visit", "public_opinion": "opinion, not property",
    "medical_emergency": "a person taken ill", "lost_child": "a child found",
    "public_health": "illness", "phone_surge": "phone traffic", "complaint": "a complaint",
    "vip_visit": "a planned visit",
}


def test_insurer_notified_after_property_loss_wherever_003_says() -> None:
    """003 流程 10: 有财产损失通报保险公司,填报保险单 — not only for flooding."""
    for kind_id, kind in KINDS.items():
        has = any(i.id == "notify_insurer" and not i.required and "保险公司" in i.text.zh
                  for i in kind.checklist)
        assert has == (kind_id not in NO_PROPERTY_LOSS), kind_id
    assert {"fire", "theft", "natural_disaster", "explosion", "flooding"} <= {
        k for k in KINDS if k not in NO_PROPERTY_LOSS}


def test_general_level_media_informs_client_media_and_region() -> None:
    """000 职责 3.2 负责通知甲方单位媒体接待部门; 4.2.2 上报地区公司负责人或地产客服部;
    001 上市通知 5 第一时间汇报区域、总部: at general level too."""
    assert {"client_media", "regional_head"} <= reporting_roles("media_at_gate", Level.GENERAL)
    assert "regional_head" in reporting_roles("public_opinion", Level.GENERAL)


def test_statement_owed_where_001_puts_it() -> None:
    """001: 舆情事件…24小时内发布首次舆情防控公告; a media visit only once it became one;
    the follow-up cadence is the site's choice, not the seed's."""
    po, media = KINDS["public_opinion"], KINDS["media_at_gate"]
    assert po.statement_duty is not None and po.statement_duty.when is StatementWhen.ALWAYS
    assert "24小时内" in po.statement_duty.source
    assert media.statement_duty is not None
    assert media.statement_duty.when is StatementWhen.WHEN_PUBLIC_OPINION
    assert not media.statement_owed(Level.SERIOUS) and media.statement_owed(Level.SERIOUS, True)
    assert po.statement_owed(Level.GENERAL)
    assert [k for k, v in KINDS.items() if v.statement_duty] == ["media_at_gate", "public_opinion"]
    rules = load_kinds(DATA / "incident_kinds.json").rules.statement
    assert "site's choice" in rules.follow_up_source and "001" in rules.first_source


def test_report_approval_where_003_asks_for_it() -> None:
    """003 流程 9 提交事件报告、上级审批: every 003 kind waits for the approval to close."""
    for kind_id, kind in KINDS.items():
        if "003" in kind.source:
            assert kind.report_approval, kind_id
    assert not KINDS["vip_visit"].report_approval
