"""The duty room's decisions on screen (issue 18, points 2, 3, 5, 8, 9): who may do what, the
step-up PIN, the report's return and approval, the closed list and the summary from the board."""
from __future__ import annotations

from datetime import timedelta

from textual.widgets import Button, Input, Select, Static

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.escalation.contacts import Contact
from frontdesk.domain.incidents.model import Level
from frontdesk.domain.incidents.report import ReportState, revise
from frontdesk.screens.incidents.detail import IncidentScreen
from frontdesk.screens.incidents.prompt import PromptScreen
from frontdesk.screens.trust import signin
from frontdesk.screens.trust.pin_prompt import PinPromptScreen
from frontdesk.services.escalation.contacts import ContactService
from frontdesk.services.escalation.service import EscalationService
from frontdesk.services.incidents.service import IncidentService
from frontdesk.services.trust.auth import auth_service
from tests.ui.helpers import settle


def svc(ctx: AppContext) -> IncidentService:
    """The context's incident service."""
    return ctx.service("incidents", IncidentService)


def contacts(ctx: AppContext) -> None:
    """The general manager and the GM's office."""
    c: ContactService = ctx.service("contacts", ContactService)
    c.save(Contact(id="c-gm", name="周总经理", role="general_manager", phone="13912340000"))
    c.save(Contact(id="c-gmo", name="总经办李秘书", role="gm_office", phone="13912340001"))


def site_with(ctx: AppContext, who: str) -> None:
    """A set-up site (auth on) with 陈主管 (supervisor) and 王保安 (guard); ``who`` signed in."""
    auth = auth_service(ctx)
    assert auth.create_first_supervisor("陈主管", "582913", "阳光花园", "Asia/Shanghai") is None
    assert auth.add_user("王保安", "guard", "739184") is None
    assert auth.sign_in(who, "582913" if who == "陈主管" else "739184").ok
    ctx.auth_required = True


async def drop_sign_in(pilot: object) -> None:
    """Dismiss the start-up sign-in screen (the session is already signed in)."""
    app = pilot.app  # type: ignore[attr-defined]
    for screen in list(app.screen_stack):
        if isinstance(screen, signin.SignInScreen):
            screen.dismiss(True)
    await settle(pilot)  # type: ignore[arg-type]


async def test_a_guard_can_change_no_level_record_no_statement_mark_or_correct(
        ctx: AppContext) -> None:
    """001/000: those are the leadership's and the supervisor's; a guard gets a refusal."""
    contacts(ctx)
    site_with(ctx, "王保安")
    inc = svc(ctx).open("media_at_gate", "general", place="南门", by="王保安")
    app = FrontdeskApp(ctx)
    notes: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await drop_sign_in(pilot)
        app.notify = lambda message, **_kw: notes.append(message)  # type: ignore[method-assign,misc]
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot)
        for key in ("l", "p", "o", "f"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, IncidentScreen), key
    from frontdesk.i18n import t

    assert notes.count(t("guard.refused")) == 4
    assert svc(ctx).get(inc.id).level is Level.GENERAL  # type: ignore[union-attr]


async def test_supervisor_changes_the_level_with_step_up_reason_and_decider(
        ctx: AppContext, clock: FrozenClock) -> None:
    """The PIN again, then the level, who decided and why; the escalation panel follows."""
    from frontdesk.screens.escalation.escalation_screen import EscalationScreen
    from frontdesk.widgets.escalation_panel import EscalationPanel

    contacts(ctx)
    site_with(ctx, "陈主管")
    inc = svc(ctx).open("public_opinion", "general", place="业主群", by="王保安")
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await drop_sign_in(pilot)
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, PinPromptScreen)
        app.screen.query_one("#pin-input", Input).value = "582913"
        await pilot.press("enter")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one("#prompt-choice", Select).value = "severe"
        assert prompt.query_one("#prompt-decider", Select).value == "c-gm"
        prompt.query_one("#prompt-reason", Input).value = "视频转发过万,周总决定升级"
        await pilot.click("#prompt-ok")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        facts = str(app.screen.query_one("#inc-facts", Static).render())
        assert "严重级" in facts
        app.push_screen(EscalationScreen(inc.id))
        await settle(pilot)
        head = str(app.screen.query_one(EscalationPanel).query_one("#esc-head", Static).render())
        assert "严重级" in head
    line = [e for e in svc(ctx).timeline(inc.id) if e.kind == "level"][-1]
    assert line.author == "陈主管" and line.data["decided_by"] == "周总经理"


async def test_statement_recorded_by_a_supervisor_with_its_parts(ctx: AppContext) -> None:
    """p asks 001's four parts, the approver and the publisher (from the contacts), where."""
    contacts(ctx)
    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    inc = svc(ctx).open("public_opinion", "serious", place="业主群", by="王保安")
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        for key, text in (("facts", "漏水视频"), ("measures", "已维修"), ("progress", "已恢复供水"),
                          ("position", "深表歉意"), ("channel", "物业公众号")):
            prompt.query_one(f"#prompt-{key}", Input).value = text
        assert prompt.query_one("#prompt-publisher", Select).value == "c-gmo"
        await pilot.click("#prompt-ok")
        await settle(pilot)
    [st] = svc(ctx).payload(inc.id)["statements"]
    assert st["approved_by"] == "周总经理" and st["published_by"] == "总经办李秘书"
    assert st["parts"]["progress"] == "已恢复供水" and st["channel"] == "物业公众号"


async def test_report_returned_with_a_reason_then_resubmitted_and_approved(
        ctx: AppContext, clock: FrozenClock) -> None:
    """003 流程 9: the Return button asks why; the signer fixes and resubmits; approved, the
    close gate is met; the status line shows the approver and time."""
    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    s = svc(ctx)
    inc = s.open("theft", "general", place="5栋", summary="电动车被盗", by="王保安")
    s.submit_report(revise(s.report(inc.id, signer="王保安"), conclusion="已报警"), "王保安")
    assert "report_not_approved" in {b.code for b in s.blockers(inc.id)}
    ctx.prefs.language = "en"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        report_screen = app.screen
        report_screen.query_one("#rep-return-btn", Button).press()
        await settle(pilot)
        app.screen.query_one("#prompt-reason", Input).value = "缺监控截图位置"
        await pilot.click("#prompt-ok")
        await settle(pilot)
        assert s.report(inc.id).state is ReportState.RETURNED
        status = str(report_screen.query_one("#rep-status", Static).render())
        assert "Returned by 陈主管" in status and "缺监控截图位置" in status
        report_screen.query_one("#rep-photos").text = "监控室硬盘/20261122"  # type: ignore[attr-defined]
        report_screen.query_one("#rep-submit-btn", Button).press()
        await settle(pilot)
        assert s.report(inc.id).state is ReportState.SUBMITTED
        ctx.session.user = "李经理"
        clock.advance(timedelta(minutes=5))
        report_screen.query_one("#rep-approve-btn", Button).press()
        await settle(pilot)
        status = str(report_screen.query_one("#rep-status", Static).render())
        assert "Approved by 李经理" in status and "Report due" in status
    assert s.report(inc.id).state is ReportState.APPROVED
    assert "report_not_approved" not in {b.code for b in s.blockers(inc.id)}


async def test_closed_list_and_summary_from_the_board(ctx: AppContext,
                                                      clock: FrozenClock) -> None:
    """c lists closed incidents (filtered by kind, searched by place); Enter opens one; s writes
    the duty summary next to the database."""
    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    s = svc(ctx)
    for kind, place in (("theft", "5栋车棚"), ("fire", "地下车库")):
        inc = s.open(kind, "general", place=place, by="王保安")
        s._save_incident(s.payload(inc.id) | {"state": "closed",
                                              "closed_at": clock.now().isoformat()}, "陈主管")
    s.open("dispute", "general", place="还开着", by="王保安")
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        closed = app.screen
        table = closed.query_one("#closed-table")
        assert table.row_count == 2  # type: ignore[attr-defined]
        closed.query_one("#closed-kind", Select).value = "theft"
        await settle(pilot)
        assert table.row_count == 1  # type: ignore[attr-defined]
        closed.query_one("#closed-kind", Select).value = ""
        closed.query_one("#closed-search", Input).value = "车库"
        await settle(pilot)
        assert table.row_count == 1  # type: ignore[attr-defined]
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        assert "地下车库" in str(app.screen.query_one("#inc-facts", Static).render())
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one("#prompt-format", Select).value = "xlsx"
        await pilot.click("#prompt-ok")
        await settle(pilot)
    written = list((ctx.paths.db_file.parent / "summaries").glob("*.xlsx"))
    assert len(written) == 1 and "2026-11-22" in written[0].name


async def test_escalation_call_logged_at_the_time_it_was_made(
        ctx: AppContext, clock: FrozenClock) -> None:
    """h on the escalation panel: the next call is logged as made at 09:50 (with a reason),
    not at 10:00 when it was typed in."""
    from frontdesk.screens.escalation.escalation_screen import EscalationScreen

    inc = svc(ctx).open("flooding", "serious", place="B1", by="王保安")
    clock.advance(timedelta(minutes=15))
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EscalationScreen(inc.id))
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        app.screen.query_one("#prompt-at", Input).value = "10:05"
        app.screen.query_one("#prompt-reason", Input).value = "先打电话后补记"
        await pilot.click("#prompt-ok")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
    esc: EscalationService = ctx.service("escalation", EscalationService)
    loaded = esc.load(inc.id)
    assert loaded is not None and [a.at for a in loaded.attempts] == [
        clock.now() - timedelta(minutes=10)]


async def test_correct_the_facts_and_see_who_is_on_duty(ctx: AppContext,
                                                        clock: FrozenClock) -> None:
    """f corrects the place and the kind (the old values stay on the timeline); the board's
    status line names who is on duty by the contacts' hours."""
    c: ContactService = ctx.service("contacts", ContactService)
    c.save(Contact(id="c-day", name="陈主管", role="security_supervisor", phone="13912340000",
                   duty_hours="08:00-20:00"))
    c.save(Contact(id="c-night", name="夜班黄主管", role="security_supervisor",
                   phone="13912340001", duty_hours="20:00-08:00"))
    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    inc = svc(ctx).open("power_cut", "general", place="3栋", by="王保安")
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        status = str(app.screen.query_one("#board-status", Static).render())
        assert "陈主管" in status and "夜班黄主管" not in status
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one("#prompt-place", Input).value = "5栋"
        prompt.query_one("#prompt-kind", Select).value = "equipment_failure"
        prompt.query_one("#prompt-reason", Input).value = "报告人说错了楼号"
        await pilot.click("#prompt-ok")
        await settle(pilot)
        facts = str(app.screen.query_one("#inc-facts", Static).render())
        assert "5栋" in facts and "设施设备故障" in facts
    after = svc(ctx).get(inc.id)
    assert after is not None and after.occurred_at == inc.occurred_at  # time untouched
    line = [e for e in svc(ctx).timeline(inc.id) if e.kind == "facts"][-1]
    assert line.data["changes"]["place"] == {"from": "3栋", "to": "5栋"}
    assert "occurred_at" not in line.data["changes"] and "level" not in line.data["changes"]
