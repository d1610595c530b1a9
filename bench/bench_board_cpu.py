"""CPU used by the duty board over 60 s with 50 open incidents, against an idle bare Textual app.

Run: ``/work/venv/bin/python bench/bench_board_cpu.py [--seconds 60]``. Both apps run headless
(``App.run_test``) with the real clock; CPU is this process's user+system time
(``time.process_time``) over the measured window, after start-up has settled.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from datetime import timedelta

from textual.app import App, ComposeResult
from textual.widgets import DataTable


class Bare(App[None]):
    """The baseline: an empty DataTable, nothing else."""

    def compose(self) -> ComposeResult:
        """One empty table."""
        yield DataTable()


async def measure(app: App[object], seconds: float, before: object = None) -> float:
    """CPU seconds used while ``app`` sits for ``seconds`` (after ``before(pilot)`` ran)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(1.0)
        if before is not None:
            await before(pilot)  # type: ignore[operator]
        await pilot.pause(2.0)
        start = time.process_time()
        await asyncio.sleep(seconds)
        return time.process_time() - start


def make_context(home: str) -> object:
    """A context with 50 open incidents of assorted kinds, opened over the last hours."""
    from frontdesk.context import AppContext
    from frontdesk.paths import resolve_paths
    from frontdesk.services.incidents.service import IncidentService

    ctx = AppContext.create(paths=resolve_paths(home=home))
    ctx.open()
    svc: IncidentService = ctx.service("incidents", IncidentService)  # type: ignore[assignment]
    rng = random.Random(4)
    kinds = list(svc.catalogue.kinds)
    now = ctx.clock.now()
    for i in range(50):
        svc.open(rng.choice(kinds), rng.choice(["general", "serious", "severe"]),
                 now - timedelta(minutes=rng.randint(1, 600)), f"{i % 9 + 1}栋", f"事件 {i}",
                 "bench")
    return ctx


async def main(seconds: float) -> None:
    """Run both and print the figures."""
    from frontdesk.app import FrontdeskApp

    os.environ.setdefault("FRONTDESK_HOME", tempfile.mkdtemp(prefix="fd-bench-"))
    ctx = make_context(os.environ["FRONTDESK_HOME"])

    async def to_board(pilot: object) -> None:
        await pilot.press("f3")  # type: ignore[attr-defined]
        await pilot.pause(1.0)  # type: ignore[attr-defined]

    board = await measure(FrontdeskApp(ctx), seconds, to_board)  # type: ignore[arg-type]
    bare = await measure(Bare(), seconds)
    print(f"duty board, 50 open incidents: {board:.2f} CPU s in {seconds:.0f} s "
          f"= {100 * board / seconds:.2f}% of one core")
    print(f"bare Textual app, empty DataTable: {bare:.2f} CPU s in {seconds:.0f} s "
          f"= {100 * bare / seconds:.2f}% of one core")
    print(f"ratio board / bare: {board / bare:.2f}" if bare > 0 else "ratio: bare used no CPU")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    asyncio.run(main(parser.parse_args().seconds))
