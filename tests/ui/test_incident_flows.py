"""Incident screens: open from a register entry, note with a "happened at" time, close gates."""
from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Input

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.screens.incidents.detail import IncidentScreen
from frontdesk.services.incidents.service import IncidentService
from tests.ui.helpers import seed, settle


def svc(ctx: AppContext) -> IncidentService:
    """The context's incident service."""
    return ctx.service("incidents", IncidentService)


async def test_register_key_opens_media_incident_linked(ctx: AppContext, clock: FrozenClock) -> None:
    """ctrl+g on the journalist's entry opens a prefilled media incident linked both ways."""
    seed(ctx, clock)
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        journalist = next(v for v in ctx.register.today() if v.name == "张三")
        await pilot.press("ctrl+g")  # the newest entry (the journalist) is selected
        await settle(pilot)
        assert type(app.screen).__name__ == "NewIncidentScreen"
        assert app.screen.query_one("#newinc-kind").value == "media_at_gate"  # type: ignore[attr-defined]
        assert "南方日报" in app.screen.query_one("#newinc-summary", Input).value
        await pilot.press("ctrl+s")
        await settle(pilot)
    [inc] = svc(ctx).list()
    assert inc.kind == "media_at_gate"
    assert svc(ctx).payload(inc.id)["visit_ids"] == [journalist.id]
    assert ctx.register.get(journalist.id).incident_id == inc.id  # type: ignore[union-attr]


async def test_note_with_earlier_time_and_close_refused(ctx: AppContext, clock: FrozenClock) -> None:
    """A note written at 10:00 about 09:40 keeps both times; closing names what is missing."""
    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    inc = svc(ctx).open("theft", "general", place="5栋", summary="电动车被盗", by="王保安")
    svc(ctx).set_state(inc.id, "resolved", "王保安")
    ctx.prefs.language = "en"
    app = FrontdeskApp(ctx)
    notes: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot)
        assert app.screen.current_incident_id == inc.id  # type: ignore[attr-defined]
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#prompt-text", Input).value = "监控显示嫌疑人往东门方向"
        app.screen.query_one("#prompt-at", Input).value = "09:40"
        await pilot.press("enter")
        await settle(pilot)
        original = app.notify

        def spy(message: str, **kwargs: object) -> None:
            notes.append(message)
            original(message, **kwargs)  # type: ignore[arg-type]

        app.notify = spy  # type: ignore[method-assign]
        app.screen.notify = spy  # type: ignore[method-assign]
        await pilot.press("x")
        await settle(pilot)
    note = next(e for e in svc(ctx).timeline(inc.id) if e.text == "监控显示嫌疑人往东门方向")
    assert note.occurred_at == datetime(2026, 11, 22, 1, 40, tzinfo=UTC)
    assert note.recorded_at == clock.now()
    assert any("written report not submitted" in n for n in notes)
    assert svc(ctx).get(inc.id).state.value == "resolved"  # type: ignore[union-attr]


async def test_incident_key_opens_its_escalation(ctx: AppContext, clock: FrozenClock) -> None:
    """From an incident, `e` shows its calls; a missed call logged by key is stored."""
    from frontdesk.screens.escalation.escalation_screen import EscalationScreen
    from frontdesk.services.escalation.service import EscalationService

    inc = svc(ctx).open("lift_entrapment", "serious", place="3栋2号梯", summary="困2人", by="王保安")
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EscalationScreen)
        assert app.screen.current_incident_id == inc.id
        await pilot.press("n")  # no answer
        await settle(pilot)
    esc: EscalationService = ctx.service("escalation", EscalationService)
    state = esc.state(inc.id, clock.now())
    assert state.responder.misses >= 1
