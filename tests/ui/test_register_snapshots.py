"""Snapshots of the register and the entry form, in Chinese and English, at 80x24 (and the
register at 120x30: the width goes to the columns that need it)."""
from __future__ import annotations

import pytest
from textual.pilot import Pilot

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from tests.conftest import TERMINAL
from tests.ui.helpers import seed, settle


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [TERMINAL, (120, 30)])
def test_register_screen(ctx: AppContext, clock: FrozenClock, snap_compare, lang: str,
                         size: tuple[int, int]) -> None:
    seed(ctx, clock)
    ctx.prefs.language = lang

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(FrontdeskApp(ctx), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_entry_form_with_errors(ctx: AppContext, clock: FrozenClock, snap_compare,
                                lang: str) -> None:
    ctx.prefs.language = lang

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("up", "enter", "tab", *"Xinhua", "tab", *"12345")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(FrontdeskApp(ctx), terminal_size=TERMINAL, run_before=run_before)
