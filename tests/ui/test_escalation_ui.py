"""The escalation screen: outcome keys log calls and the panel follows; snapshots."""
from __future__ import annotations

import uuid
from datetime import timedelta

from textual.pilot import Pilot
from textual.widgets import Input, Static

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.escalation.contacts import Contact
from frontdesk.domain.escalation.state import ResponderStatus
from frontdesk.screens.escalation.escalation_screen import EscalationScreen
from frontdesk.services.escalation.contacts import ContactService
from frontdesk.services.escalation.service import EscalationService
from frontdesk.widgets.escalation_panel import EscalationPanel
from tests.ui.helpers import settle

INCIDENT = "5b0c7c9e-6a7e-4a77-9a43-0d4f7f3f2a01"
PEOPLE = [
    ("11111111-1111-4111-8111-111111111111", "陈主管", "security_supervisor", "+8613800138001",
     "+8613900139001", None),
    ("22222222-2222-4222-8222-222222222222", "刘经理", "project_manager", "+8613800138002",
     "", "08:00-20:00"),
    ("33333333-3333-4333-8333-333333333333", "周总", "regional_head", "+8613800138003", "",
     None),
    ("44444444-4444-4444-8444-444444444444", "吴客服", "developer_cs", "+8613800138004", "",
     None),
]


def mid_escalation(ctx: AppContext, clock: FrozenClock) -> str:
    """Contacts, a serious incident opened 4 minutes ago, a miss 2 minutes ago, a message."""
    svc: ContactService = ctx.service("contacts", ContactService)
    for cid, name, role, phone, backup, hours in PEOPLE:
        svc.save(Contact(id=cid, name=name, role=role, phone=phone, backup_phone=backup,
                         duty_hours=hours))
    esc: EscalationService = ctx.service("escalation", EscalationService)
    start = clock.now()
    clock.advance(timedelta(minutes=-4))
    esc.start(INCIDENT, "default", "serious", clock.now())
    clock.advance(timedelta(minutes=2))
    esc.log_call(INCIDENT, "responder", 0, PEOPLE[0][0], "security_supervisor", "no_answer",
                 by="王保安")
    clock.advance(timedelta(minutes=1))
    esc.log_call(INCIDENT, "reporting", 0, PEOPLE[0][0], "security_supervisor",
                 "message_sent", note="微信已发", by="王保安")
    clock.set(start)
    return INCIDENT


def panel_text(app: FrontdeskApp) -> str:
    """Everything the panel shows, as plain text."""
    panel = app.screen.query_one(EscalationPanel)
    return "\n".join(str(s.render()) for s in panel.query(Static))


async def test_outcome_keys_log_calls_and_the_panel_follows(
        ctx: AppContext, clock: FrozenClock) -> None:
    """n logs a miss (the chain moves on after two), a logs acceptance, k asks a reason."""
    inc = mid_escalation(ctx, clock)
    esc: EscalationService = ctx.service("escalation", EscalationService)
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EscalationScreen(inc))
        await settle(pilot)
        assert "陈主管" in panel_text(app)
        await pilot.press("n")
        await settle(pilot)
        st = esc.state(inc, clock.now())
        assert st is not None and st.responder.step_index == 1
        assert "刘经理" in panel_text(app)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen.focused, Input)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen.focused, Input), "a skip needs a reason"
        for ch in "出差":
            app.screen.focused.insert_text_at_cursor(ch)
        await pilot.press("enter")
        await settle(pilot)
        st = esc.state(inc, clock.now())
        assert st is not None and st.responder.step_index == 2
        await pilot.press("a")
        await settle(pilot)
        st = esc.state(inc, clock.now())
        assert st is not None and st.responder.status is ResponderStatus.DONE
        assert "已接手" in panel_text(app)


async def test_countdown_turns_to_error_when_the_call_is_overdue(
        ctx: AppContext, clock: FrozenClock) -> None:
    """The next call's countdown is recomputed from the clock every second."""
    inc = mid_escalation(ctx, clock)
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EscalationScreen(inc))
        await settle(pilot)
        assert "下次拨打" in panel_text(app)
        clock.advance(timedelta(minutes=5))
        app.screen.query_one(EscalationPanel).refresh_state()
        await settle(pilot)
        assert "(超时 " in panel_text(app)  # the overdue call reads as overdue, with how much


def _shot(lang: str, ctx: AppContext, clock: FrozenClock, snap_compare: object) -> bool:
    inc = mid_escalation(ctx, clock)
    ctx.prefs.language = lang

    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        pilot.app.push_screen(EscalationScreen(inc))
        await settle(pilot)

    return snap_compare(FrontdeskApp(ctx), terminal_size=(80, 24),  # type: ignore[operator]
                        run_before=run_before)


def test_snapshot_mid_escalation_zh(ctx: AppContext, clock: FrozenClock,
                                    snap_compare: object) -> None:
    """An incident mid-escalation, in Chinese."""
    assert _shot("zh", ctx, clock, snap_compare)


def test_snapshot_mid_escalation_en(ctx: AppContext, clock: FrozenClock,
                                    snap_compare: object) -> None:
    """An incident mid-escalation, in English."""
    assert _shot("en", ctx, clock, snap_compare)


async def test_optional_emergency_step_is_offered_and_can_be_logged(
        ctx: AppContext, clock: FrozenClock) -> None:
    """A medical emergency shows 120 as an optional step ("情况危急时"); t moves the keys to
    it; a logs the call. (A fire's 119 is no longer optional: 000 迅速报警.)"""
    mid_escalation(ctx, clock)
    esc: EscalationService = ctx.service("escalation", EscalationService)
    inc = str(uuid.uuid4())
    esc.start(inc, "medical_emergency", "general", clock.now())
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EscalationScreen(inc))
        await settle(pilot)
        assert "◇" in panel_text(app) and "120" in panel_text(app)
        panel = app.screen.query_one(EscalationPanel)
        for _ in range(10):
            slot = panel.current_slot()
            if slot is not None and "120" in slot.label:
                break
            await pilot.press("t")
        assert slot is not None and "120" in slot.label
        await pilot.press("a")
        await settle(pilot)
    st = esc.state(inc, clock.now())
    assert st is not None and st.responder.optional[0].reached_at == clock.now()
