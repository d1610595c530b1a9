"""Realistic sample data for a newcomer's first look (``frontdesk demo``) and for benchmarks.

Deterministic: the same seed gives the same people. Names, outlets and plates are made up.
:func:`fill` writes three days of register entries, then each feature's samples, in the order
listed in :data:`DEMO_PARTS` (contacts first: the incidents' escalation chains call them).
"""
from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from frontdesk.domain import sitetime
from frontdesk.domain.register.visits import CredentialType, VisitKind

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕鹏辉建国志宏兵宇浩然欣怡子涵梓轩一诺思远晨曦雨桐佳琪俊杰文博海峰"
OUTLETS = ["南方日报", "羊城晚报", "新京报", "澎湃新闻", "财新传媒", "深圳特区报", "广州日报",
           "第一财经", "21世纪经济报道", "南方都市报", "新华社广东分社", "中新社", "央视新闻",
           "广东广播电视台", "今日头条", "腾讯新闻", "界面新闻", "红星新闻"]
COMPANIES = ["顺丰速运", "美团外卖", "万科物业工程部", "奥的斯电梯", "日立电梯维保", "中国电信",
             "南方电网", "自来水公司", "某装修公司", "家电维修", "绿化养护公司", "消防检测公司"]
PURPOSES = ["业主投诉采访", "了解小区停水情况", "电梯事故采访", "送快递", "维修电梯", "拜访业主",
            "看房", "装修施工", "消防检测", "了解物业费争议", "面试", "送外卖"]
PLACES = ["洽谈室", "物业服务中心", "3栋大堂", "会所", "地下车库", "5栋1单元"]
STAFF = ["王保安", "李队长", "陈主管", "赵保安", "孙保安"]
PROVINCES = "粤京沪浙苏川湘鄂闽桂"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"

DemoPart = Callable[["AppContext", random.Random], None]


def person_name(rng: random.Random) -> str:
    """A plausible Chinese name of two or three characters."""
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def mobile(rng: random.Random) -> str:
    """A valid-looking mainland mobile number (E.164)."""
    prefix = rng.choice(["138", "139", "135", "136", "150", "152", "186", "188", "177", "199"])
    return "+86" + prefix + f"{rng.randrange(10**8):08d}"


def plate(rng: random.Random) -> str:
    """A plate like 粤B12345."""
    tail = "".join(rng.choice("0123456789" + PLATE_LETTERS[:6]) for _ in range(5))
    return rng.choice(PROVINCES) + rng.choice(PLATE_LETTERS) + tail


def press_card(rng: random.Random) -> str:
    """A press card number in the documented shape (letter + 12 digits)."""
    return rng.choice("BGKX") + f"{rng.randrange(10**12):012d}"


def visit_payload(rng: random.Random, site_id: str, time_in: datetime,
                  time_out: datetime | None) -> dict[str, Any]:
    """One synthetic register entry payload (the shape storage keeps)."""
    r = rng.random()
    kind = (VisitKind.VISITOR if r < 0.55 else VisitKind.CONTRACTOR if r < 0.75
            else VisitKind.JOURNALIST if r < 0.85 else VisitKind.VIP if r < 0.9
            else VisitKind.MEDIA_CALL if r < 0.94 else VisitKind.SUSPICIOUS_VEHICLE if r < 0.97
            else VisitKind.FILMING)
    journalist = kind in (VisitKind.JOURNALIST, VisitKind.MEDIA_CALL, VisitKind.FILMING)
    ctype = (CredentialType.PRESS_CARD if kind is VisitKind.JOURNALIST
             else CredentialType.NONE if journalist or rng.random() < 0.6
             else CredentialType.WORK_CARD)
    return {
        "site": site_id,
        "kind": kind.value,
        "time_in": time_in.isoformat(),
        "time_out": time_out.isoformat() if time_out else None,
        "name": "" if kind is VisitKind.SUSPICIOUS_VEHICLE else person_name(rng),
        "organisation": rng.choice(OUTLETS) if journalist else (
            rng.choice(COMPANIES) if kind is VisitKind.CONTRACTOR else ""),
        "phone": mobile(rng) if rng.random() < 0.8 else "",
        "credential_type": ctype.value,
        "credential_number": press_card(rng) if ctype is CredentialType.PRESS_CARD else (
            f"GZ{rng.randrange(10**6):06d}" if ctype is CredentialType.WORK_CARD else ""),
        "purpose": rng.choice(PURPOSES),
        "plate": plate(rng) if rng.random() < 0.35 or kind is VisitKind.SUSPICIOUS_VEHICLE else "",
        "party_size": 1 if rng.random() < 0.8 else rng.randint(2, 4),
        "came_to_see": f"{rng.randint(1, 12)}栋{rng.randint(1, 30)}0{rng.randint(1, 4)}" if not journalist else "",
        "guided_to": rng.choice(PLACES[:2]) if journalist else rng.choice(PLACES),
        "notified": "秩序维护主管、项目经理" if journalist else "",
        "location": rng.choice(["园内", "周界", "对街"]) if kind is VisitKind.FILMING else "",
        "notes": "",
        "guard": rng.choice(STAFF),
        "incident_id": None,
        "purged": False,
    }


def visit_stream(rng: random.Random, site_id: str, start: datetime, count: int,
                 spacing: timedelta) -> Iterator[tuple[str, dict[str, Any]]]:
    """``count`` entries from ``start`` on, one every ``spacing`` on average; all signed out."""
    at = start
    for _ in range(count):
        at = at + spacing * (0.5 + rng.random())
        stay = timedelta(minutes=rng.randint(5, 180))
        yield str(uuid.uuid4()), visit_payload(rng, site_id, at, at + stay)


def fill(ctx: AppContext, seed: int = 7) -> int:
    """Fill the context's database with three days of believable gate traffic; return count."""
    from frontdesk.storage import records
    from frontdesk.storage import site as site_store
    from frontdesk.storage.visits import KIND

    rng = random.Random(seed)
    db = ctx.require_db()
    site = ctx.require_site()
    now = ctx.clock.now()
    count = 0
    with db.write() as conn:
        if not site.name:
            site_store.save_site(conn, site.__class__(**{**site.__dict__, "name": "阳光花园"}))
        for days_back in (2, 1, 0):
            start, _end = site.day_bounds(now, days_back)
            day = sitetime.local_date(start, site.timezone)
            day_start = sitetime.wall_clock(day, time(7), site.timezone)
            if days_back == 0 and now - day_start < timedelta(hours=1):
                day_start = start  # before 08:00 today's traffic is the night shift's
            last = now if days_back == 0 else sitetime.wall_clock(day, time(22), site.timezone)
            n = 8 if days_back == 0 else 20
            spacing = (last - day_start) / (n + 1)
            at = day_start
            for i in range(n):
                at = at + spacing
                payload = visit_payload(rng, site.id, at, None)
                recent = days_back == 0 and i >= n - 5
                out = at + timedelta(minutes=rng.randint(10, 120))
                if not recent and not (days_back == 1 and i == 3) and out < now:
                    payload["time_out"] = out.isoformat()
                payload["edited_by"] = payload["guard"]
                payload["edited_at"] = at.isoformat()
                records.write(conn, KIND, str(uuid.uuid4()), payload, at)
                count += 1
    ctx.reload_site()
    for part in DEMO_PARTS:
        part(ctx, rng)
    return count


def _contacts_demo(ctx: AppContext, rng: random.Random) -> None:
    """Sample contact list (the escalation feature)."""
    from frontdesk.services.escalation.contacts_demo import add_demo_contacts

    add_demo_contacts(ctx, rng)


def _incident_demo(ctx: AppContext, rng: random.Random) -> None:
    """Sample incidents (the incidents feature)."""
    from frontdesk.services.incidents.demo import add_demo_incidents

    add_demo_incidents(ctx, rng)


#: Every feature's samples, in the order they are written after the register's entries.
DEMO_PARTS: tuple[DemoPart, ...] = (_contacts_demo, _incident_demo)


# People who may sign in to a demo database (name, role, PIN), printed by ``frontdesk demo``.
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("陈主管", "supervisor", "739184"),
    ("王保安", "guard", "482915"),
    ("李队长", "guard", "615273"),
)


def add_demo_users(ctx: AppContext) -> list[tuple[str, str, str]]:
    """Create :data:`DEMO_USERS` on a database nobody can sign in to yet; return who was made.

    A database that already has users keeps them (and nothing is printed about PINs).
    """
    from frontdesk.services.trust.auth import AuthService

    auth = AuthService(ctx)
    if auth.has_users():
        return []
    (first, _role, pin), *others = DEMO_USERS
    site = ctx.require_site()
    error = auth.create_first_supervisor(first, pin, site.name or "阳光花园", site.timezone)
    if error:
        raise RuntimeError(f"demo supervisor not created: {error}")
    for name, role, user_pin in others:
        error = auth.add_user(name, role, user_pin)
        if error:
            raise RuntimeError(f"demo user {name} not created: {error}")
    return list(DEMO_USERS)
