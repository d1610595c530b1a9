"""Time to first frame: ``frontdesk`` against a bare Textual app showing the same widgets.

Run:  python bench/bench_startup.py [--runs 10] [--json]

Both apps run in fresh ``python -c`` processes, alternated (A B, B A, A B, ...) in one run, after
one discarded warm-up of each. The parent takes ``time.perf_counter()`` just before spawning;
the child, when its first frame has been composed (frontdesk: the start screen, which says
the database is opening and, once it is open, carries sign-in; bare: the 7-column table), writes
its own ``time.perf_counter()`` to a pipe and exits. On Linux ``perf_counter`` is
``CLOCK_MONOTONIC``, the same clock in both processes, so ``child - parent`` is the wall time
from spawn to first frame, including interpreter start-up and every import. The child also
reports the time from the top of its wrapper (after the interpreter started) to the frame, and
its CPU time (``time.process_time()``, user + system since the process began) at the frame: on
a shared, loaded machine the CPU figure is the steadier one.

Frame: the apps run headless at 80x24 (``App.run(headless=True)``): layout and every widget's
rendering happen as on a terminal; only the final write of escape codes is skipped, for both.

* frontdesk: the real command path (``frontdesk.cli.main.main([...])``, argparse with every
  subcommand module, ``FrontdeskApp``), a fresh temporary ``FRONTDESK_HOME`` and a database
  filled once by ``frontdesk demo``. The database opens in a worker, as in real use.
* bare: ``textual.app.App`` with Header, a one-line Input, a DataTable with the same 7 columns,
  a 2-line Static and Footer.

Target: median(frontdesk) / median(bare) <= 1.25.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.25

# Shared by both children: report the first frame for which _ready(screen) holds, then exit.
_HOOK = r"""
import os, time
_T_TOP = time.perf_counter()
_FD = int(os.environ["BENCH_READY_FD"])
from textual.app import App
from textual.widgets import DataTable
_orig_display = App._display
_done = []
def _display(self, screen, renderable):
    _orig_display(self, screen, renderable)
    if _done or renderable is None:
        return
    if _ready(screen):
        _done.append(time.perf_counter())
        os.write(_FD, f"{_T_TOP!r} {_done[0]!r} {time.process_time()!r}\n".encode())
        self.exit()
App._display = _display
_orig_run = App.run
def _run(self, *args, **kwargs):
    kwargs["headless"] = True
    kwargs.setdefault("size", (80, 24))
    return _orig_run(self, *args, **kwargs)
App.run = _run
"""

FRONTDESK = _HOOK + r"""
def _ready(screen):
    # The start screen: frontdesk's first frame (nothing of the data shows before sign-in).
    return type(screen).__name__ == "StartScreen"

import sys
from frontdesk.cli.main import main
main(["--db", sys.argv[1], "--lang", "zh"])
"""

BARE = _HOOK + r"""
def _ready(screen):
    tables = list(screen.query(DataTable))
    return bool(tables) and len(tables[0].columns) == 7

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Input, Static

class Bare(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(compact=True)
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("line one\nline two")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, width in (("time", 11), ("kind", 8), ("name", 8), ("org", 8),
                           ("phone", 13), ("where", 6), ("status", 10)):
            table.add_column(key, key=key, width=width)
        table.focus()

Bare().run()
"""


def run_once(code: str, args: list[str], env: dict[str, str], timeout: float = 60.0
             ) -> tuple[float, float, float]:
    """(spawn to first frame, wrapper top to first frame, CPU time to first frame) in s."""
    read_fd, write_fd = os.pipe()
    child_env = env | {"BENCH_READY_FD": str(write_fd)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], env=child_env,
                            pass_fds=(write_fd,), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write_fd)
    try:
        ready, _w, _x = select.select([read_fd], [], [], timeout)
        line = os.read(read_fd, 200).decode() if ready else ""
        if not line:
            proc.kill()
            err = proc.communicate()[1].decode(errors="replace")
            raise RuntimeError(f"child showed no frame within {timeout}s:\n{err[-2000:]}")
        top, frame, cpu = (float(x) for x in line.split())
        proc.wait(timeout=timeout)
    finally:
        os.close(read_fd)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return frame - started, frame - top, cpu


def machine() -> dict[str, str]:
    """nproc, CPU model, Python, load."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    return {"nproc": str(os.cpu_count()), "cpu": model, "python": platform.python_version(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def prepare(home: Path) -> Path:
    """A fresh FRONTDESK_HOME and a demo database in it."""
    db = home / "demo.db"
    subprocess.run([sys.executable, "-m", "frontdesk", "demo", "--db", str(db)], check=True,
                   env=os.environ | {"FRONTDESK_HOME": str(home)}, stdout=subprocess.DEVNULL)
    return db


def summary(values: list[float]) -> dict[str, float]:
    """Median and min in milliseconds."""
    return {"median_ms": round(statistics.median(values) * 1000, 1),
            "min_ms": round(min(values) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1)}


def main() -> int:
    """Run both apps alternately and print the table (or JSON)."""
    parser = argparse.ArgumentParser(description="time to first frame, frontdesk vs bare Textual")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fd-bench-") as tmp:
        home = Path(tmp) / "home"
        db = prepare(home)
        env = os.environ | {"FRONTDESK_HOME": str(home), "LANG": "C.UTF-8",
                            "PYTHONPATH": str(ROOT)}
        variants = {"frontdesk": (FRONTDESK, [str(db)]), "bare": (BARE, [])}
        for code, extra in variants.values():  # warm-up: file cache, .pyc files
            run_once(code, extra, env)
        spawn: dict[str, list[float]] = {k: [] for k in variants}
        inproc: dict[str, list[float]] = {k: [] for k in variants}
        cpu: dict[str, list[float]] = {k: [] for k in variants}
        before = machine()
        for i in range(args.runs):
            order = list(variants) if i % 2 == 0 else list(reversed(variants))
            for name in order:
                code, extra = variants[name]
                total, inside, used = run_once(code, extra, env)
                spawn[name].append(total)
                inproc[name].append(inside)
                cpu[name].append(used)
    result = {
        "machine": before | {"load_after": machine()["load"]},
        "runs": args.runs,
        "spawn_to_frame": {k: summary(v) for k, v in spawn.items()},
        "wrapper_to_frame": {k: summary(v) for k, v in inproc.items()},
        "cpu_to_frame": {k: summary(v) for k, v in cpu.items()},
        "ratio_median": round(statistics.median(spawn["frontdesk"])
                              / statistics.median(spawn["bare"]), 3),
        "ratio_min": round(min(spawn["frontdesk"]) / min(spawn["bare"]), 3),
        "ratio_cpu_median": round(statistics.median(cpu["frontdesk"])
                                  / statistics.median(cpu["bare"]), 3),
        "target": TARGET,
        "samples_ms": {k: [round(x * 1000, 1) for x in v] for k, v in spawn.items()},
    }
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return 0
    m = result["machine"]
    sys.stdout.write(f"machine: {m['nproc']} x {m['cpu']}, Python {m['python']}, "
                     f"load {m['load']} -> {m['load_after']}\n")
    sys.stdout.write(f"runs: {args.runs} each, alternated, after one warm-up each\n\n")
    sys.stdout.write("| app | spawn→frame median | min | max | in-process median"
                     " | CPU→frame median | CPU min |\n")
    sys.stdout.write("|---|---:|---:|---:|---:|---:|---:|\n")
    for name in variants:
        s, w = result["spawn_to_frame"][name], result["wrapper_to_frame"][name]
        c = result["cpu_to_frame"][name]
        sys.stdout.write(f"| {name} | {s['median_ms']} ms | {s['min_ms']} ms | {s['max_ms']} ms"
                         f" | {w['median_ms']} ms | {c['median_ms']} ms | {c['min_ms']} ms |\n")
    verdict = "ok" if result["ratio_median"] <= TARGET else "OVER TARGET"
    sys.stdout.write(f"\nratio frontdesk/bare: median {result['ratio_median']}, "
                     f"min {result['ratio_min']}; CPU median {result['ratio_cpu_median']}"
                     f" (target <= {TARGET}: {verdict})\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
