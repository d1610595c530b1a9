"""Helpers for UI tests: settle the app, seed entries."""
from __future__ import annotations

from datetime import timedelta

from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.register.visits import CredentialType, VisitKind
from frontdesk.services.register import VisitForm


async def settle(pilot: Pilot[object]) -> None:
    """Wait for workers and the screen to be idle; stop cursors blinking for stable shots."""
    for _ in range(4):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # an exclusive reload replaced an older one: the newer one is awaited next
        await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def seed(ctx: AppContext, clock: FrozenClock) -> None:
    """Four entries across the morning: a journalist, two visitors, a suspicious vehicle."""
    start = clock.now()
    clock.advance(timedelta(hours=-3))
    ctx.register.add(VisitForm(kind=VisitKind.VISITOR, values={
        "name": "李四", "phone": "13912345678", "came_to_see": "3栋1201", "guided_to": "3栋大堂",
        "guard": "王保安"}))
    clock.advance(timedelta(minutes=40))
    out = ctx.register.add(VisitForm(kind=VisitKind.CONTRACTOR, values={
        "name": "赵六", "organisation": "日立电梯维保", "guard": "王保安"}))
    clock.advance(timedelta(minutes=50))
    ctx.register.sign_out(out.id)
    ctx.register.add(VisitForm(kind=VisitKind.SUSPICIOUS_VEHICLE, values={
        "plate": "粤B12345", "notes": "绕小区三圈", "guard": "王保安"}))
    clock.set(start - timedelta(minutes=20))
    ctx.register.add(VisitForm(
        kind=VisitKind.JOURNALIST, credential_type=CredentialType.PRESS_CARD,
        values={"name": "张三", "organisation": "南方日报", "phone": "13800138000",
                "credential_number": "B440100000001", "purpose": "停水采访",
                "guided_to": "洽谈室", "notified": "陈主管", "guard": "王保安"}))
    clock.set(start)
