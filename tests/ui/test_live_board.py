"""The board shows what is, whoever wrote it (issue 18, point 1).

A real second process (``frontdesk incident open`` through ``python -m frontdesk``) writes to
the database a Pilot app has open; the board, the incident detail and the escalation panel
show it within a few polls of the change watcher, and the bell and the notice follow a breach
the other process made. Waits are bounded polls of ``pilot.pause``, never sleeps.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

from textual.widgets import DataTable, Static

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.screens.incidents.board import BoardRow, DutyBoardScreen
from frontdesk.services.incidents.service import IncidentService
from tests.ui.helpers import settle


def cli(ctx: AppContext, *args: str) -> dict[str, object]:
    """Run ``frontdesk <args> --db <the app's database> --json`` in another process."""
    done = subprocess.run(
        [sys.executable, "-m", "frontdesk", *args, "--db", str(ctx.paths.db_file), "--json"],
        capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


async def until(pilot: object, ok: Callable[[], bool], seconds: float = 6.0) -> bool:
    """Let the app run (in 0.2 s steps) until ``ok()`` or ``seconds`` have passed."""
    for _ in range(int(seconds / 0.2)):
        if ok():
            return True
        await pilot.pause(0.2)  # type: ignore[attr-defined]
    return ok()


async def test_board_shows_an_incident_opened_by_another_process(
        ctx: AppContext, clock: FrozenClock) -> None:
    """Three incidents opened with ``frontdesk incident open`` appear on a running board without
    switching screens; an incident already overdue rings the bell and shows the notice."""
    svc: IncidentService = ctx.service("incidents", IncidentService)
    svc.open("theft", "general", place="5栋", by="王保安")
    ctx.prefs.language = "en"
    app = FrontdeskApp(ctx)
    bells: list[int] = []
    notes: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, DutyBoardScreen) and len(board.query(BoardRow)) == 1
        real = board.notify

        def spy(message: str, **kwargs: object) -> None:
            notes.append(message)
            real(message, **kwargs)  # type: ignore[arg-type]

        board.notify = spy  # type: ignore[method-assign]
        rung = len(bells)
        # Written two days before the app's clock: its report is already overdue.
        opened = [cli(ctx, "incident", "open", "--kind", kind, "--level", "serious",
                      "--occurred", "2026-11-20T09:30", "--place", "南门")
                  for kind in ("fire", "flooding", "complaint")]
        ids = {str(o["id"]) for o in opened}
        assert await until(pilot, lambda: ids <= {r.incident_id for r in board.query(BoardRow)})
        assert app.screen is board
        assert await until(pilot, lambda: len(bells) > rung and bool(notes))
        assert any("Overdue" in n for n in notes)


async def test_detail_and_escalation_panel_follow_another_process(
        ctx: AppContext, clock: FrozenClock) -> None:
    """A note added and a call logged elsewhere show on the open detail and escalation panel."""
    from frontdesk.screens.escalation.escalation_screen import EscalationScreen
    from frontdesk.screens.incidents.detail import IncidentScreen
    from frontdesk.services.escalation.service import EscalationService
    from frontdesk.widgets.escalation_panel import EscalationPanel

    svc: IncidentService = ctx.service("incidents", IncidentService)
    inc = svc.open("flooding", "serious", place="B1车库", by="王保安")
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(IncidentScreen(inc.id))
        await settle(pilot)
        detail = app.screen
        table = detail.query_one("#inc-timeline", DataTable)
        before = table.row_count
        cli(ctx, "incident", "note", inc.id, "另一台电脑记录:水已止住")
        assert await until(pilot, lambda: table.row_count == before + 1)
        assert "另一台电脑记录" in str(table.get_row_at(table.row_count - 1)[-1])
        app.push_screen(EscalationScreen(inc.id))
        await settle(pilot)
        panel = app.screen.query_one(EscalationPanel)
        assert panel.escalation is not None and not panel.escalation.attempts
        esc: EscalationService = EscalationService(AppContext.create(
            paths=ctx.paths, clock=FrozenClock(clock.now())))
        esc.log_call(inc.id, "responder", 0, None, "security_supervisor", "no_answer",
                     by="另一台电脑")  # another connection, as another terminal would
        esc.ctx.close()
        assert await until(pilot, lambda: bool(panel.escalation and panel.escalation.attempts))
        log = str(panel.query_one("#esc-log", Static).render())
        assert "no answer" in log.lower() or "无人接听" in log


async def test_register_shows_an_entry_logged_by_another_process(ctx: AppContext) -> None:
    """A visitor logged with ``frontdesk visit add`` appears on the open register screen."""
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "RegisterScreen"
        table = app.screen.query_one("#reg-table", DataTable)
        before = table.row_count
        cli(ctx, "visit", "add", "--kind", "visitor", "--name", "另一台电脑的访客")
        assert await until(pilot, lambda: table.row_count == before + 1)
