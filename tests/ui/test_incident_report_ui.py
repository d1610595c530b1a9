"""Report form: missing fields shown, submit when complete, a supervisor approves; handover."""
from __future__ import annotations

from datetime import timedelta

from textual.widgets import Button, Input, Label, Static

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.incidents.report import ReportState
from frontdesk.screens.incidents.detail import IncidentScreen
from frontdesk.services.incidents.service import IncidentService
from tests.ui.helpers import settle


def svc(ctx: AppContext) -> IncidentService:
    """The context's incident service."""
    return ctx.service("incidents", IncidentService)


async def test_report_missing_then_submitted_then_approved(ctx: AppContext) -> None:
    """The draft comes from the timeline; the conclusion is flagged missing until typed."""
    ctx.session.user, ctx.session.role = "王保安", "guard"
    inc = svc(ctx).open("theft", "general", place="5栋", summary="电动车被盗", by="王保安")
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        status = str(screen.query_one("#rep-status", Static).render())
        assert "结论" in status
        assert screen.query_one("#rep-label-conclusion", Label).has_class("-missing")
        assert "电动车被盗" in screen.query_one("#rep-account").text  # type: ignore[attr-defined]
        screen.query_one("#rep-conclusion", Input).value = "已报警，调取监控"
        await settle(pilot)
        assert not screen.query_one("#rep-label-conclusion", Label).has_class("-missing")
        screen.query_one("#rep-submit-btn", Button).press()
        await settle(pilot)
        assert svc(ctx).report(inc.id).state is ReportState.SUBMITTED
        screen.query_one("#rep-approve-btn", Button).press()  # a guard may not approve
        await settle(pilot)
        assert svc(ctx).report(inc.id).state is ReportState.SUBMITTED
        ctx.session.user, ctx.session.role = "陈主管", "supervisor"
        screen.query_one("#rep-approve-btn", Button).press()
        await settle(pilot)
    assert svc(ctx).report(inc.id).state is ReportState.APPROVED


async def test_handover_key_makes_sheet_and_accepts(ctx: AppContext, clock: FrozenClock) -> None:
    """h on the board shows the sheet; the incoming person accepts with their own PIN: a typed
    name with a wrong PIN is refused (and said so in the screen's language), the right PIN
    records who took over, and the outgoing person cannot accept their own sheet."""
    from frontdesk.services.trust.auth import auth_service

    auth = auth_service(ctx)
    assert auth.create_first_supervisor("陈主管", "582913", "阳光花园", "Asia/Shanghai") is None
    assert auth.add_user("赵主管", "supervisor", "739184") is None
    svc(ctx).open("power_cut", "serious", place="配电房", summary="2号楼停电", by="王保安")
    clock.advance(timedelta(minutes=30))  # its 10-minute checklist item is 20 minutes overdue
    ctx.prefs.language = "en"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        sheet = str(screen.query_one("#ho-sheet", Static).render())
        assert "Open incidents" in sheet and "Power cut" in sheet
        overdue = sheet.split("Overdue (act now)")[1].split("Deadlines due next shift")[0]
        assert "Report to the superior and the departments concerned" in overdue
        assert "(overdue 20 min)" in overdue and " item" not in overdue

        async def accept(name: str, pin: str) -> str:
            screen.query_one("#ho-who", Input).value = name
            screen.query_one("#ho-pin", Input).value = pin
            screen.query_one("#ho-accept", Button).press()
            await settle(pilot)
            return str(screen.query_one("#ho-error", Static).render())

        assert "Wrong name or PIN" in await accept("赵主管", "000000")
        assert "outgoing person cannot accept" in await accept("陈主管", "582913")
        assert svc(ctx).get_handover(screen.sheet.id).accepted_at is None  # type: ignore[attr-defined,union-attr]
        await accept("赵主管", "739184")
        sheet_id = screen.sheet.id  # type: ignore[attr-defined]
        assert "Accepted by 赵主管" in str(screen.query_one("#ho-sheet", Static).render())
    stored = svc(ctx).get_handover(sheet_id)
    assert stored is not None and stored.accepted_by == "赵主管"
    assert stored.accepted_at == clock.now()
