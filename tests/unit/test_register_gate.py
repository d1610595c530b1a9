"""The register at the gate: phone digits, ID last four and kind words find people; who is on
site and who looks like somebody on site; an id from its first characters; readings struck out."""
from __future__ import annotations

from datetime import timedelta

import pytest

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.register.visits import CredentialType, VisitKind
from frontdesk.services.register import VisitForm
from frontdesk.services.scripts import scripts


def add(ctx: AppContext, kind: VisitKind = VisitKind.VISITOR, **values: str) -> str:
    """Log an entry; return its id."""
    ctype = CredentialType(values.pop("ctype", "none"))
    size = values.pop("party", "1")
    return ctx.register.add(VisitForm(kind=kind, credential_type=ctype, values=values,
                                      party_size=size)).id


def test_phone_digits_whole_first_middle_and_last_four(ctx: AppContext) -> None:
    """The whole number, its first digits, digits from its middle and its last four each find
    the person; digits in nobody's number find nobody."""
    target = add(ctx, name="张三", phone="13812345678")
    add(ctx, name="李四", phone="13900001111")
    for digits in ("13812345678", "138 1234 5678", "+86 138-1234-5678", "1381", "2345", "3456",
                   "5678"):
        assert [v.id for v in ctx.register.search(digits)] == [target], digits
    assert ctx.register.search("7777") == []


def test_an_id_s_last_four_and_the_kind_s_word_find_people(ctx: AppContext) -> None:
    """The last four of a resident ID (X included) and "记者"/"journalist" find entries."""
    rid = add(ctx, name="王五", ctype="resident_id", credential_number="11010519491231002X")
    press = add(ctx, VisitKind.JOURNALIST, name="赵六", organisation="新京报")
    add(ctx, name="钱七")
    assert [v.id for v in ctx.register.search("002x")] == [rid]
    assert [v.id for v in ctx.register.search("002X")] == [rid]
    assert [v.id for v in ctx.register.search("记者")] == [press]
    assert [v.id for v in ctx.register.search("journalist")] == [press]
    assert [v.id for v in ctx.register.search("Journ")] == [press]


def test_people_on_site_counts_every_party_member(ctx: AppContext, clock: FrozenClock) -> None:
    """Three people in a party and one alone are four on site; one signed out is not."""
    add(ctx, name="甲", party="3")
    add(ctx, name="乙")
    gone = add(ctx, name="丙")
    ctx.register.sign_out(gone)
    assert ctx.register.people_on_site() == 4


@pytest.mark.parametrize("same", [
    {"phone": "138 1234 5678"},
    {"credential_number": "b440100000001"},
    {"name": "张三", "organisation": "南方日报"},
])
def test_somebody_on_site_with_the_same_phone_id_or_name_and_outlet(
        ctx: AppContext, same: dict[str, str]) -> None:
    """The same phone, credential number, or name with outlet as somebody on site: found."""
    on_site = add(ctx, VisitKind.JOURNALIST, name="张三", organisation="南方日报",
                  phone="13812345678", ctype="press_card", credential_number="B440100000001")
    match = ctx.register.on_site_matching(VisitForm(kind=VisitKind.JOURNALIST, values=same))
    assert match is not None and match.id == on_site
    ctx.register.sign_out(on_site)
    assert ctx.register.on_site_matching(VisitForm(values=same)) is None


def test_the_same_name_alone_or_another_outlet_is_not_the_same_person(ctx: AppContext) -> None:
    """Two people may share a name: only name and outlet together count."""
    add(ctx, name="张三", organisation="南方日报")
    for values in ({"name": "张三"}, {"name": "张三", "organisation": "新京报"}):
        assert ctx.register.on_site_matching(VisitForm(values=values)) is None


def test_an_entry_is_found_by_the_start_of_its_id(ctx: AppContext, clock: FrozenClock) -> None:
    """A unique start of an id names the entry; a shared one is refused; none is not found."""
    first = add(ctx, name="甲")
    clock.advance(timedelta(days=400))
    second = add(ctx, name="乙")
    shared = next(i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b)
    assert ctx.register.resolve_id(first[:shared + 1]) == first
    assert ctx.register.resolve_id(second) == second
    with pytest.raises(LookupError):
        ctx.register.resolve_id(first[:shared])
    with pytest.raises(KeyError):
        ctx.register.resolve_id("zzzz")


def test_a_reading_struck_out_stays_in_the_history_marked(
        ctx: AppContext, clock: FrozenClock) -> None:
    """The guard who recorded a reading strikes it out: a new version, the reading still
    listed, marked with who and when; somebody else may not, a supervisor may."""
    visit = add(ctx, name="张三")
    svc = scripts(ctx)
    mine = svc.record_use("media_at_gate", [1], "zh", visit, None, "王保安")
    theirs = svc.record_use("filming", [1], "zh", visit, None, "李队长")
    clock.advance(timedelta(minutes=2))
    with pytest.raises(PermissionError):
        svc.strike(theirs.id, "王保安")
    assert svc.strike(mine.id, "王保安") is True
    assert svc.strike(mine.id, "王保安") is False  # once is enough
    assert svc.strike(theirs.id, "陈主管", supervisor=True) is True
    assert {u.id for u in svc.uses_for_visit(visit)} == {mine.id, theirs.id}
    marks = svc.strikes([mine.id, theirs.id])
    assert (marks[mine.id].by, marks[mine.id].at) == ("王保安", clock.now())
    assert marks[theirs.id].by == "陈主管"
    from frontdesk.storage import records

    versions = list(records.versions_of(ctx.require_db().read(), "script_use", mine.id))
    assert len(versions) == 2 and not any(v.version.deleted for v in versions)


def test_a_form_being_typed_round_trips_through_json() -> None:
    """What a draft store would keep: everything typed comes back exactly (and a damaged
    draft gives a usable form, never an error)."""
    import json

    form = VisitForm(kind=VisitKind.JOURNALIST, credential_type=CredentialType.PRESS_CARD,
                     values={"name": "张三", "notes": "[b]x[/b]\n第二行"}, time_in="09:40",
                     party_size="2", readings=("use-1",))
    assert VisitForm.from_json(json.loads(json.dumps(form.to_json()))) == form
    assert VisitForm.from_json({"kind": "alien", "values": [1], "readings": "x"}) == VisitForm()
