"""Register use cases on a real database: log, edit with history, sign out, find."""
from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.register.visits import CredentialType, VisitKind
from frontdesk.services.register import FormInvalid, VisitForm


def journalist_form(**values: str) -> VisitForm:
    base = {"name": "张三", "organisation": "南方日报", "phone": "13800138000",
            "credential_number": "B440100000001", "purpose": "停水采访"}
    base.update(values)
    return VisitForm(kind=VisitKind.JOURNALIST, credential_type=CredentialType.PRESS_CARD,
                     values=base)


def test_log_journalist_and_find_by_pinyin_phone_outlet(ctx: AppContext) -> None:
    v = ctx.register.add(journalist_form(), by="王保安")
    assert v.phone == "+8613800138000" and v.guard == "王保安"
    for query in ("zs", "zhangsan", "张", "8000", "南方", "B4401"):
        assert [x.id for x in ctx.register.search(query)] == [v.id], query
    assert ctx.register.search("lisi") == []


def test_invalid_form_saves_nothing(ctx: AppContext) -> None:
    with pytest.raises(FormInvalid) as info:
        ctx.register.add(journalist_form(name="", phone="123"))
    assert info.value.check.errors == {"name": "name_required", "phone": "phone_invalid"}
    assert ctx.register.today() == []


def test_time_in_defaults_to_now_and_can_be_corrected(ctx: AppContext, clock: FrozenClock) -> None:
    v = ctx.register.add(journalist_form())
    assert v.time_in == clock.now()
    form = journalist_form()
    form.time_in = "08:15"  # site time
    w = ctx.register.add(form)
    assert w.time_in == clock.now().replace(hour=0, minute=15)


def test_sign_out_and_on_site_filter(ctx: AppContext, clock: FrozenClock) -> None:
    a = ctx.register.add(journalist_form(name="甲"))
    b = ctx.register.add(journalist_form(name="乙"))
    clock.advance(timedelta(minutes=30))
    ctx.register.sign_out(a.id, by="g")
    on_site = ctx.register.today(on_site_only=True)
    assert [v.id for v in on_site] == [b.id]
    out = ctx.register.get(a.id)
    assert out is not None and out.time_out == clock.now()


def test_yesterdays_stayer_shows_today(ctx: AppContext, clock: FrozenClock) -> None:
    form = journalist_form(name="过夜")
    form.time_in = "昨天 20:00"
    stayer = ctx.register.add(form)
    gone = ctx.register.add(journalist_form(name="走了"))
    ctx.register.sign_out(gone.id)
    ids = [v.id for v in ctx.register.today()]
    assert stayer.id in ids and gone.id in ids


def test_edit_keeps_history(ctx: AppContext, clock: FrozenClock) -> None:
    v = ctx.register.add(journalist_form(), by="王保安")
    clock.advance(timedelta(minutes=5))
    form = ctx.register.form_for(v)
    form.values["guided_to"] = "洽谈室"
    ctx.register.update(v.id, form, by="李队长")
    hist = ctx.register.history(v.id)
    assert len(hist) == 2
    assert hist[0].by == "王保安"
    assert hist[1].by == "李队长" and hist[1].fields == ("guided_to",)
    assert ctx.register.get(v.id).guided_to == "洽谈室"  # type: ignore[union-attr]


def test_returning_person_suggested_once(ctx: AppContext) -> None:
    ctx.register.add(journalist_form())
    ctx.register.add(journalist_form(purpose="第二次来"))
    found = ctx.register.suggestions("zhang")
    assert len(found) == 1 and found[0].organisation == "南方日报"
    form = ctx.register.form_from_returning(found[0])
    assert form.values["phone"] == "+8613800138000" and form.kind is VisitKind.JOURNALIST



def test_exact_key_finds_the_newest_even_among_many(
    ctx: AppContext, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More entries share a key than the prefix scan reads: the newest still comes first."""
    from frontdesk.storage import visits as repo

    monkeypatch.setattr(repo, "SEARCH_SCAN", 3)
    made = []
    for i in range(12):
        clock.advance(timedelta(minutes=7))
        made.append(ctx.register.add(journalist_form(name="许刚", purpose=f"第{i}次")))
    found = ctx.register.search("xugang", limit=5)
    assert [v.id for v in found] == [v.id for v in reversed(made[-5:])]
