"""Sample incidents for ``frontdesk demo``: a few open ones, one of them overdue."""
from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext


def add_demo_incidents(ctx: AppContext, rng: random.Random) -> None:
    """Open four incidents: a media visit now, a lift entrapment, a water cut from yesterday
    (its report overdue) and a suspicious person with a late write-up."""
    from frontdesk.services.incidents.service import IncidentService

    svc: IncidentService = ctx.service("incidents", IncidentService)
    now = ctx.clock.now()
    media = [v for v in ctx.register.today() if v.kind.value == "journalist"]
    svc.open("media_at_gate", "serious", now - timedelta(minutes=25), "南门岗",
             "记者要求进入小区采访停水情况", "王保安", media[0].id if media else None)
    lift = svc.open("lift_entrapment", "serious", now - timedelta(minutes=rng.randint(8, 15)),
                    "3栋2号电梯", "电梯困人两名，已通知维保", "李队长")
    svc.add_note(lift.id, "维保单位回复二十分钟内到场", "李队长")
    old = svc.open("water_cut", "general", now - timedelta(hours=30), "5栋",
                   "5栋全楼停水，自来水公司抢修", "陈主管")
    svc.set_state(old.id, "acknowledged", "陈主管")
    odd = svc.open("suspicious_person", "general", now - timedelta(hours=2), "地下车库",
                   "一名男子在车库反复查看车辆", "赵保安")
    svc.add_note(odd.id, "男子已离开，往东门方向", "赵保安",
                 occurred_at=now - timedelta(hours=1, minutes=40), unconfirmed=True)
