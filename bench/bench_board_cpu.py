"""The duty board's cost and liveness with 50 open incidents (issues 4 and 18).

1. CPU used by the board over ``--seconds`` (default 120) while *another process* writes to the
   database once a minute (a timeline note, as another terminal or the command line would),
   against an idle bare Textual app. CPU is this process's user+system time
   (``time.process_time``), after start-up has settled.
2. The delay from another process's commit to the board showing it: the other process opens
   an incident and sends the wall-clock instant of its commit through a pipe; the board side
   polls its rows every 20 ms and notes when the new row is there. ``--writes`` (default 8)
   samples, spread so each lands at a different point of the once-a-second change poll.

Run: ``.venv/bin/python bench/bench_board_cpu.py [--seconds 120] [--writes 8]
[--write-every 60]`` (``--write-every 0``: the other process stays idle, for the poll's own
cost). The apps run
headless (``App.run_test``) with the real clock, in a temporary FRONTDESK_HOME.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from multiprocessing.connection import Connection

from textual.app import App, ComposeResult
from textual.widgets import DataTable


class Bare(App[None]):
    """The baseline: an empty DataTable, nothing else."""

    def compose(self) -> ComposeResult:
        """One empty table."""
        yield DataTable()


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


def writer(home: str, jobs: Connection, every: float) -> None:
    """The other process: on ("note", n) write a note every ``every`` s, n times; on
    ("open", _) open one incident and send back the wall-clock instant of its commit."""
    from frontdesk.context import AppContext
    from frontdesk.paths import resolve_paths
    from frontdesk.services.incidents.service import IncidentService

    ctx = AppContext.create(paths=resolve_paths(home=home))
    ctx.open()
    svc: IncidentService = ctx.service("incidents", IncidentService)  # type: ignore[assignment]
    target = svc.list()[0].id
    while True:
        what, n = jobs.recv()
        if what == "stop":
            break
        if what == "note":
            for i in range(n):
                time.sleep(every)
                svc.add_note(target, f"另一台电脑的记录 {i}", "bench-writer")
        else:
            svc.open("theft", "general", place="南门", summary="bench", by="bench-writer")
            jobs.send(time.time())
    ctx.close()


async def board_run(ctx: object, seconds: float, writes: int, pipe: Connection,
                    every: float) -> tuple[float, list[float]]:
    """CPU seconds of the board over ``seconds`` with one write a minute from the writer, then
    ``writes`` write-to-screen delays."""
    from frontdesk.app import FrontdeskApp
    from frontdesk.screens.incidents.board import BoardRow

    app = FrontdeskApp(ctx)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(1.0)
        await pilot.press("f3")
        await pilot.pause(3.0)
        pipe.send(("note", int(seconds // every) if every else 0))
        start = time.process_time()
        await asyncio.sleep(seconds)
        cpu = time.process_time() - start
        delays: list[float] = []
        for i in range(writes):
            await asyncio.sleep(1.0 + i / max(writes, 1))  # land at varied poll phases
            rows = len(app.screen.query(BoardRow))
            pipe.send(("open", 0))
            committed = pipe.recv()
            while len(app.screen.query(BoardRow)) == rows:
                await asyncio.sleep(0.02)
            delays.append(time.time() - committed)
        return cpu, delays


async def bare_run(seconds: float) -> float:
    """CPU seconds of the bare app over ``seconds``."""
    async with Bare().run_test(size=(80, 24)) as pilot:
        await pilot.pause(3.0)
        start = time.process_time()
        await asyncio.sleep(seconds)
        return time.process_time() - start


def main(seconds: float, writes: int, every: float) -> None:
    """Run both and print the figures."""
    os.environ.setdefault("FRONTDESK_HOME", tempfile.mkdtemp(prefix="fd-bench-"))
    home = os.environ["FRONTDESK_HOME"]
    ctx = make_context(home)
    here, there = mp.get_context("spawn").Pipe()
    proc = mp.get_context("spawn").Process(target=writer, args=(home, there, every))
    proc.start()
    try:
        cpu, delays = asyncio.run(board_run(ctx, seconds, writes, here, every))
    finally:
        here.send(("stop", 0))
        proc.join(30)
    bare = asyncio.run(bare_run(seconds))
    what = f"once every {every:.0f} s" if every else "never"
    print(f"duty board, 50 open incidents, another process writing {what}: "
          f"{cpu:.2f} CPU s in {seconds:.0f} s = {100 * cpu / seconds:.2f}% of one core")
    print(f"bare Textual app, empty DataTable: {bare:.2f} CPU s in {seconds:.0f} s "
          f"= {100 * bare / seconds:.2f}% of one core")
    if delays:
        print(f"another process's write to the board showing it ({len(delays)} writes): "
              f"median {statistics.median(delays):.2f} s, max {max(delays):.2f} s "
              f"(goal ≤ 2 s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--writes", type=int, default=8)
    parser.add_argument("--write-every", type=float, default=60.0,
                        help="seconds between the other process's notes (0: it never writes)")
    args = parser.parse_args()
    main(args.seconds, args.writes, args.write_every)
