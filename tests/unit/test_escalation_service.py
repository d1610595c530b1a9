"""The escalation service: a whole escalation driven by a frozen clock, from stored records."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.escalation.contacts import Contact
from frontdesk.domain.escalation.model import ChainKind, Level
from frontdesk.domain.escalation.state import ReportStatus, ResponderStatus
from frontdesk.paths import shipped_data_dir
from frontdesk.services.escalation.contacts import ContactService
from frontdesk.services.escalation.service import EscalationService

PEOPLE = [
    ("陈主管", "security_supervisor", "13800138001"),
    ("刘经理", "project_manager", "13800138002"),
    ("周总", "regional_head", "13800138003"),
    ("吴客服", "developer_cs", "13800138004"),
    ("黄总", "group_leadership", "13800138005"),
]


def contacts(ctx: AppContext) -> ContactService:
    """The contact service with the chain filled."""
    svc: ContactService = ctx.service("contacts", ContactService)
    for name, role, phone in PEOPLE:
        svc.save(Contact(id="", name=name, role=role, phone="+86" + phone))
    return svc


def esc(ctx: AppContext) -> EscalationService:
    """The escalation service of the context."""
    return ctx.service("escalation", EscalationService)


def test_whole_escalation_misses_advance_callback_skip_accept(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Two misses move the chain on, a callback expires, a skip and an acceptance end it."""
    contacts(ctx)
    inc = str(uuid.uuid4())
    t0 = clock.now()
    esc(ctx).start(inc, "default", Level.SERIOUS, t0)
    st = esc(ctx).state(inc, t0)
    assert st is not None and st.responder.step_index == 0
    assert st.responder.targets[0].candidates[0].contact.name == "陈主管"
    assert "陈主管" in esc(ctx).summary(inc, t0).next_text

    esc(ctx).log_call(inc, "responder", 0, None, "security_supervisor", "no_answer")
    st = esc(ctx).state(inc, clock.now())
    assert st.responder.step_index == 0 and st.responder.misses == 1
    assert st.responder.next_due == t0 + timedelta(minutes=3)
    clock.advance(timedelta(minutes=3))
    esc(ctx).log_call(inc, "responder", 0, None, "security_supervisor", "busy")
    st = esc(ctx).state(inc, clock.now())
    assert st.responder.step_index == 1, "two misses move the chain on by itself"
    assert "刘经理" in esc(ctx).summary(inc, clock.now()).next_text

    clock.advance(timedelta(minutes=3))
    esc(ctx).log_call(inc, "responder", 1, None, "project_manager", "callback")
    st = esc(ctx).state(inc, clock.now())
    assert st.responder.callback_pending
    assert st.responder.callback_until == clock.now() + timedelta(minutes=10)
    late = clock.now() + timedelta(minutes=11)
    st = esc(ctx).state(inc, late)
    assert not st.responder.callback_pending and st.responder_clock is ClockState.BREACH
    assert esc(ctx).summary(inc, late).state == "breach"

    clock.set(late)
    esc(ctx).skip(inc, "responder", 1, "经理在飞机上")
    st = esc(ctx).state(inc, clock.now())
    assert st.responder.step_index == 2
    esc(ctx).log_call(inc, "responder", 2, None, "regional_head", "accepted")
    st = esc(ctx).state(inc, clock.now())
    assert st.responder.status is ResponderStatus.DONE
    assert st.responder.accepted_role == "regional_head"


def test_level_raise_adds_reporting_levels_due_from_the_raise(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Raising to severe adds group leadership, due 30 minutes after the raise."""
    contacts(ctx)
    inc = str(uuid.uuid4())
    esc(ctx).start(inc, "default", "serious", clock.now())
    esc(ctx).log_call(inc, ChainKind.REPORTING, 0, None, "security_supervisor", "accepted")
    st = esc(ctx).state(inc, clock.now())
    assert st.reporting[0].status is ReportStatus.INFORMED
    assert len(st.reporting) == 3 and not esc(ctx).reporting_complete(inc, clock.now())
    clock.advance(timedelta(minutes=20))
    raised_at = clock.now()
    esc(ctx).on_level_changed(inc, "serious", "severe", raised_at)
    st = esc(ctx).state(inc, clock.now())
    assert st.level is Level.SEVERE
    leadership = [r for r in st.reporting if r.level.targets[0].role == "group_leadership"]
    assert leadership and leadership[0].due == raised_at + timedelta(minutes=30)
    assert esc(ctx).summary(inc, clock.now()).owed_levels == 3


def test_restart_mid_escalation_resumes_exactly(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Closing and reopening the store gives the same state at the same instant."""
    contacts(ctx)
    inc = str(uuid.uuid4())
    esc(ctx).start(inc, "default", "serious", clock.now())
    esc(ctx).log_call(inc, "responder", 0, None, "security_supervisor", "no_answer")
    clock.advance(timedelta(minutes=3))
    esc(ctx).log_call(inc, "responder", 0, None, "security_supervisor", "switched_off")
    clock.advance(timedelta(minutes=1))
    before = esc(ctx).state(inc, clock.now())
    ctx.close()
    fresh = AppContext.create(clock=clock, paths=ctx.paths)
    fresh.open()
    try:
        after = esc(fresh).state(inc, clock.now())
    finally:
        fresh.close()
    assert after == before
    assert after is not None and after.responder.step_index == 1


def test_policy_edit_leaves_live_plan_and_offers_replan(
        ctx: AppContext, clock: FrozenClock) -> None:
    """A later policy edit changes nothing in a live incident until it is re-planned."""
    contacts(ctx)
    inc = str(uuid.uuid4())
    esc(ctx).start(inc, "default", "serious", clock.now())
    assert not esc(ctx).replan_available(inc)
    doc = json.loads((shipped_data_dir() / "escalation_policies.json").read_text("utf-8"))
    doc["kinds"]["default"]["serious"]["responder"][0]["misses_to_advance"] = 5
    ctx.service("contacts", ContactService).save_policy_doc(doc)
    st = esc(ctx).state(inc, clock.now())
    assert st is not None and st.responder.misses_to_advance == 2
    assert esc(ctx).replan_available(inc)
    esc(ctx).replan(inc, by="陈主管")
    st = esc(ctx).state(inc, clock.now())
    assert st is not None and st.responder.misses_to_advance == 5
    assert not esc(ctx).replan_available(inc)


def test_no_plan_means_reporting_complete(ctx: AppContext) -> None:
    """An incident without a plan owes no reports and has an empty summary."""
    inc = str(uuid.uuid4())
    assert esc(ctx).reporting_complete(inc)
    assert esc(ctx).summary(inc).owed_levels == 0


def test_csv_import_errors_name_row_and_column_and_write_nothing(ctx: AppContext) -> None:
    """A bad row is reported with its row and column; no contact is written."""
    svc: ContactService = ctx.service("contacts", ContactService)
    text = ("name,role,phone\r\n陈主管,security_supervisor,13800138001\r\n"
            "刘经理,project_manager,abc\r\n")
    result = svc.import_csv(text)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "phone")]
    assert svc.all() == []
    good = svc.import_csv(text.replace(",abc", ",13800138002"))
    assert good.ok and len(svc.all()) == 2
    again = svc.preview_csv(svc.export_csv())
    assert again.ok and again.new == 0 and again.changed == 0


def test_policy_doc_with_errors_is_not_saved(ctx: AppContext) -> None:
    """An invalid policy edit raises and leaves no site file behind."""
    svc: ContactService = ctx.service("contacts", ContactService)
    doc = svc.policy_doc()
    doc["kinds"]["default"]["serious"]["responder"][0]["misses_to_advance"] = 0
    try:
        svc.save_policy_doc(doc)
    except ValueError as exc:
        assert "misses_to_advance" in str(exc)
    else:
        raise AssertionError("an invalid document was accepted")
    assert not ctx.paths.site_policies_file.exists()


def test_check_warns_of_unfilled_roles(ctx: AppContext) -> None:
    """With only a supervisor listed, the check names roles nobody fills."""
    svc: ContactService = ctx.service("contacts", ContactService)
    svc.save(Contact(id="", name="陈主管", role="security_supervisor", phone="+8613800138001"))
    codes = {w.code.value for w in svc.warnings()}
    assert "role_unfilled" in codes


def test_start_check_keeps_the_count_and_first_warnings(ctx: AppContext) -> None:
    """At start, with contacts listed, the warnings are kept and said in words (never step
    ids), once: taking them empties the list."""
    from frontdesk.i18n import language, set_language
    from frontdesk.services.escalation.contacts import start_check, take_start_warnings

    svc = ctx.service("contacts", ContactService)
    start_check(ctx)
    assert svc.start_warnings == [], "a new install with no contacts is not nagged"
    svc.save(Contact(id="", name="陈主管", role="security_supervisor", phone="+8613800138001"))
    start_check(ctx)
    assert svc.start_warnings
    before = language()
    set_language("en")
    try:
        text = take_start_warnings(ctx)
        again = take_start_warnings(ctx)
    finally:
        set_language(before)
    assert text and again == "" and svc.start_warnings == []
    assert "/" not in text and "step" not in text, text  # no "default/serious/responder step 3"


def test_cli_import_refuses_a_bad_file_and_exports(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """``frontdesk contacts import`` names the row and column and writes nothing."""
    from frontdesk.cli.main import main

    db = str(tmp_path / "cli.db")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,role,phone\n马工,工程部,abc\n", encoding="utf-8")
    assert main(["contacts", "import", str(bad), "--db", db, "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["errors"][0]["row"] == 2 and out["errors"][0]["column"] == "phone"
    good = tmp_path / "good.csv"
    good.write_text("name,role,phone\n马工,工程部,13912345678\n", encoding="utf-8")
    assert main(["contacts", "import", str(good), "--db", db]) == 0
    capsys.readouterr()
    assert main(["contacts", "export", "--db", db]) == 0
    assert "马工,engineering" in capsys.readouterr().out
