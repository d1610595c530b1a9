"""Sample contacts for ``frontdesk demo``: the whole chain, departments, contractors, 110/119/120."""
from __future__ import annotations

import random
from typing import TYPE_CHECKING

from frontdesk.demo import mobile
from frontdesk.domain.escalation.contacts import Contact, default_branch, new_contact_id
from frontdesk.services.escalation.contacts import ContactService

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext

PEOPLE: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("王保安", "guard", "秩序维护部", "08:00-20:00", "白班门岗"),
    ("赵保安", "guard", "秩序维护部", "20:00-08:00", "夜班门岗"),
    ("陈主管", "security_supervisor", "秩序维护部", "08:00-20:00", ""),
    ("李队长", "security_supervisor", "秩序维护部", "20:00-08:00", "夜班主管"),
    ("刘经理", "project_manager", "阳光花园项目部", None, "24小时开机"),
    ("周总", "regional_head", "华南地区公司", None, ""),
    ("吴小姐", "developer_cs", "阳光地产客服部", "09:00-18:00", ""),
    ("黄总", "group_leadership", "集团", None, "经地区公司后再报"),
    ("郑主任", "gm_office", "总经办", "09:00-18:00", ""),
    ("孙经理", "client_media", "甲方品牌部", "09:00-18:00", "媒体来访先报"),
    ("客服中心", "cs_centre", "物业服务中心", None, ""),
    ("马工", "engineering", "工程部", None, "停水停电"),
    ("日立电梯维保值班", "lift_contractor", "日立电梯", None, "困人 30 分钟内到场"),
)


def add_demo_contacts(ctx: AppContext, rng: random.Random) -> None:
    """Write the sample contact list (idempotent: ids derive from name and role)."""
    svc: ContactService = ctx.service("contacts", ContactService)
    for name, role, unit, hours, notes in PEOPLE:
        phone = mobile(rng)
        backup = "+8675588886666" if role in ("cs_centre", "engineering") else ""
        svc.save(Contact(id=new_contact_id(name, role), name=name, role=role, unit=unit,
                         phone=phone, backup_phone=backup, duty_hours=hours, notes=notes,
                         branch=default_branch(role)), by="demo")
    for name, role, number in (("110 报警", "police_110", "110"), ("119 火警", "fire_119", "119"),
                               ("120 急救", "ambulance_120", "120")):
        svc.save(Contact(id=new_contact_id(name, role), name=name, role=role, phone=number,
                         branch="emergency"), by="demo")
