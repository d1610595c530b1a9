"""Search-as-you-type latency and memory on a register of 1,000,000 entries.

Run:  python bench/bench_search.py [--n 1000000] [--seed 1] [--json]

The database is generated once by bench/gen_db.py and cached under bench/out/ (git-ignored;
about 3.5 GB and 25 minutes for a million entries on a 2-core machine). The measurement runs in
a fresh process: it opens the database with ``AppContext`` as the app does (migrations, open
hooks), then types each query one key at a time, calling what the register screen calls on
every keystroke, ``RegisterService.search(text)``, and timing each call with
``time.perf_counter`` (wall) and ``time.thread_time`` (CPU, steadier on a loaded machine).
Queries: fixed ones a guard would type (``zhangwei`` letter by letter,
``zw``, a phone ``1380013`` digit by digit, a plate ``粤B``, an outlet ``南方``) and, for eight
people picked at random from the database, their full pinyin, initials, name, phone and plate.
Then it loads the register's "today" list (the clock is set to the last entry's time) and reads
the peak resident set size (VmHWM, as ``ru_maxrss`` would report it for a process not
forked from a bigger one) after each stage. The queries (and the pinyin of the
picked people) are worked out in the parent, so the measured process loads only what searching
needs. Targets: p95 < 50 ms per keystroke, RSS < 200 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

FIXED = ["zhangwei", "zw", "1380013", "粤B", "南方"]
TARGET_P95_MS = 50.0
TARGET_RSS_MB = 200.0


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _people(db: Path, rng: random.Random, count: int) -> list[dict[str, Any]]:
    """``count`` named entries with a phone, picked at random (by rowid)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT MAX(rowid) FROM visits").fetchone()[0]
        out: list[dict[str, Any]] = []
        while len(out) < count:
            vid, body = conn.execute("SELECT id, payload FROM visits WHERE rowid >= ? LIMIT 1",
                                     (rng.randint(1, top),)).fetchone()
            payload = json.loads(body)
            if payload.get("name") and payload.get("phone"):
                out.append(payload | {"id": vid})
        return out
    finally:
        conn.close()


def build_queries(db: Path) -> list[tuple[str, str, str | None]]:
    """(kind, text, id of the person it should find) for every query to type.

    Made in the parent process, so that the measured process loads only what the app loads
    to search (the pinyin dictionary is needed to save an entry, not to find one).
    """
    from frontdesk.domain.register.search import pinyin_keys

    queries: list[tuple[str, str, str | None]] = [("fixed", q, None) for q in FIXED]
    for person in _people(db, random.Random(7), 8):
        full, initials = pinyin_keys(person["name"])
        phone = re.sub(r"\D", "", person["phone"])[-11:]
        queries += [("pinyin", full, person["id"]), ("initials", initials, person["id"]),
                    ("name", person["name"], person["id"]), ("phone", phone, person["id"])]
        if person.get("plate"):
            queries.append(("plate", person["plate"], person["id"]))
    return queries


def _rss_mb() -> float:
    """Peak RSS of this process so far (see :func:`bench.peak.peak_rss_mb`)."""
    from bench.peak import peak_rss_mb  # noqa: PLC0415 - shared with bench_sync

    return peak_rss_mb()


def measure(db: Path, queries: list[tuple[str, str, str | None]]) -> dict[str, Any]:
    """Open the database, type every query key by key, load today's list, read the RSS."""
    from frontdesk.clock import FrozenClock
    from frontdesk.context import AppContext

    rss = {"start": _rss_mb()}
    started = time.perf_counter()
    clock = FrozenClock(datetime.now().astimezone())
    ctx = AppContext.create(db=str(db), clock=clock)
    ctx.open()
    open_s = time.perf_counter() - started
    rss["opened"] = _rss_mb()
    conn = ctx.require_db().read()
    last = conn.execute("SELECT MAX(time_in) FROM visits").fetchone()[0]
    clock.set(datetime.fromisoformat(last) + timedelta(minutes=1))
    reg = ctx.register
    latencies: list[float] = []
    cpu: list[float] = []
    by_kind: dict[str, list[float]] = {}
    found = {"targets": 0, "found": 0}
    slowest: list[tuple[float, str]] = []
    for kind, text, target in queries:
        rows: list[Any] = []
        for i in range(1, len(text) + 1):
            typed = text[:i]
            t0, c0 = time.perf_counter(), time.thread_time()
            rows = reg.search(typed)
            dt = (time.perf_counter() - t0) * 1000
            cpu.append((time.thread_time() - c0) * 1000)
            latencies.append(dt)
            by_kind.setdefault(kind, []).append(dt)
            slowest.append((dt, typed))
        if target is not None:
            found["targets"] += 1
            found["found"] += any(v.id == target for v in rows)
    rss["searched"] = _rss_mb()
    t0 = time.perf_counter()
    today = reg.today()
    today_ms = (time.perf_counter() - t0) * 1000
    rss["today"] = _rss_mb()
    visits = conn.execute("SELECT COUNT(*) FROM visits").fetchone()[0]
    ctx.close()
    return {
        "database": str(db), "size_mb": round(db.stat().st_size / 2**20), "visits": visits,
        "open_s": round(open_s, 2), "keystrokes": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 2), "p95_ms": round(percentile(latencies, 95), 2),
        "max_ms": round(max(latencies), 2), "mean_ms": round(statistics.mean(latencies), 2),
        "cpu_p50_ms": round(percentile(cpu, 50), 2), "cpu_p95_ms": round(percentile(cpu, 95), 2),
        "cpu_max_ms": round(max(cpu), 2),
        "by_kind": {k: {"n": len(v), "p50_ms": round(percentile(v, 50), 2),
                        "p95_ms": round(percentile(v, 95), 2), "max_ms": round(max(v), 2)}
                    for k, v in by_kind.items()},
        "slowest": [(round(ms, 1), q) for ms, q in sorted(slowest, reverse=True)[:5]],
        "targets_found": found, "today_rows": len(today), "today_ms": round(today_ms, 1),
        "rss_mb": rss, "peak_rss_mb": rss["today"],
    }


async def _app_typing(db: Path, text: str) -> dict[str, Any]:
    """The real app (headless, 80x24) on the database: type ``text`` into the register's search
    box a key at a time; time each key until the table shows the results; peak RSS."""
    from frontdesk.app import FrontdeskApp
    from frontdesk.clock import FrozenClock
    from frontdesk.context import AppContext
    from frontdesk.screens.register.register import RegisterScreen
    from textual.widgets import DataTable, Input

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    last = conn.execute("SELECT MAX(time_in) FROM visits").fetchone()[0]
    conn.close()
    ctx = AppContext.create(db=str(db), clock=FrozenClock(
        datetime.fromisoformat(last) + timedelta(minutes=1)))
    app = FrontdeskApp(ctx)
    out: dict[str, Any] = {"text": text}
    async with app.run_test(size=(80, 24)) as pilot:
        t0 = time.perf_counter()
        while not ctx.is_open:
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause()
        out["store_open_s"] = round(time.perf_counter() - t0, 2)
        screen = next(s for s in app.screen_stack if isinstance(s, RegisterScreen))
        out["today_rows"] = screen.query_one(DataTable).row_count
        box = screen.query_one("#reg-search", Input)
        times: list[float] = []
        cpu: list[float] = []
        for i in range(1, len(text) + 1):
            t0, c0 = time.perf_counter(), time.process_time()
            box.value = text[:i]
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        out["rows"] = screen.query_one(DataTable).row_count
        out["key_ms"] = [round(x, 1) for x in times]
        out["median_ms"] = round(statistics.median(times), 1)
        out["max_ms"] = round(max(times), 1)
        out["cpu_ms"] = [round(x, 1) for x in cpu]
        out["cpu_median_ms"] = round(statistics.median(cpu), 1)
    out["peak_rss_mb"] = _rss_mb()
    ctx.close()
    return out


def machine() -> dict[str, str]:
    """nproc, CPU model, load."""
    model = next((ln.split(":", 1)[1].strip() for ln in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if ln.startswith("model name")), "")
    return {"nproc": str(os.cpu_count()), "cpu": model,
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def main() -> int:
    """Generate (once) and measure in a fresh process."""
    parser = argparse.ArgumentParser(description="search-as-you-type on a big register")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--app", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.app:
        import asyncio

        sys.stdout.write(json.dumps(asyncio.run(_app_typing(args.app, "zhangwei")),
                                    ensure_ascii=False) + "\n")
        return 0
    if args.measure:
        queries = json.loads(sys.stdin.read())
        sys.stdout.write(json.dumps(measure(args.measure, queries)) + "\n")
        return 0
    db = OUT / f"register_{args.n}_s{args.seed}.db"
    if not db.exists():
        sys.path.insert(0, str(ROOT / "bench"))
        from gen_db import generate

        OUT.mkdir(parents=True, exist_ok=True)
        partial = db.with_suffix(".partial.db")
        for leftover in OUT.glob(partial.name + "*"):
            leftover.unlink()
        t0 = time.perf_counter()
        generate(partial, args.n, args.seed, progress=True)
        partial.rename(db)
        sys.stderr.write(f"generated {db} in {time.perf_counter() - t0:.0f} s\n")
    queries = build_queries(db)
    before = machine()
    with tempfile.TemporaryDirectory(prefix="fd-bench-") as home:
        out = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--measure", str(db)],
            env=os.environ | {"FRONTDESK_HOME": home, "PYTHONPATH": str(ROOT)},
            input=json.dumps(queries), capture_output=True, text=True, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        app_run = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--app", str(db)],
            env=os.environ | {"FRONTDESK_HOME": home, "PYTHONPATH": str(ROOT)},
            capture_output=True, text=True, check=True)
        result["app"] = json.loads(app_run.stdout.strip().splitlines()[-1])
    result["machine"] = before | {"load_after": machine()["load"]}
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return 0
    m = result["machine"]
    sys.stdout.write(f"machine: {m['nproc']} x {m['cpu']}, load {m['load']} -> {m['load_after']}\n")
    sys.stdout.write(f"database: {result['visits']:,} entries, {result['size_mb']:,} MB, "
                     f"opened in {result['open_s']} s\n\n")
    sys.stdout.write("| queries | keystrokes | p50 | p95 | max |\n|---|---:|---:|---:|---:|\n")
    for kind, s in result["by_kind"].items():
        sys.stdout.write(f"| {kind} | {s['n']} | {s['p50_ms']} ms | {s['p95_ms']} ms"
                         f" | {s['max_ms']} ms |\n")
    sys.stdout.write(f"| **all** | {result['keystrokes']} | {result['p50_ms']} ms | "
                     f"{result['p95_ms']} ms | {result['max_ms']} ms |\n")
    sys.stdout.write(f"| all, CPU time of the searching thread | {result['keystrokes']} | "
                     f"{result['cpu_p50_ms']} ms | {result['cpu_p95_ms']} ms | "
                     f"{result['cpu_max_ms']} ms |\n\n")
    f = result["targets_found"]
    sys.stdout.write(f"target person in the results after the whole query: {f['found']}/"
                     f"{f['targets']}\n")
    sys.stdout.write(f"slowest keystrokes: {result['slowest']}\n")
    sys.stdout.write(f"today's list: {result['today_rows']} rows in {result['today_ms']} ms\n")
    sys.stdout.write(f"peak RSS by stage (MB): {result['rss_mb']}\n")
    a = result["app"]
    sys.stdout.write(f"\nthe app itself (headless 80x24, typing {a['text']!r} into the search box): "
                     f"store open {a['store_open_s']} s, today {a['today_rows']} rows; per key "
                     f"until the table shows the results {a['key_ms']} ms (median "
                     f"{a['median_ms']}, max {a['max_ms']}); CPU per key {a['cpu_ms']} ms "
                     f"(median {a['cpu_median_ms']}); {a['rows']} rows; peak RSS "
                     f"{a['peak_rss_mb']} MB\n")
    verdict = "ok" if result["p95_ms"] < TARGET_P95_MS else "OVER TARGET"
    rss = "ok" if result["peak_rss_mb"] < TARGET_RSS_MB else "OVER TARGET"
    sys.stdout.write(f"p95 {result['p95_ms']} ms (target < {TARGET_P95_MS:.0f}: {verdict}); "
                     f"peak RSS {result['peak_rss_mb']} MB (target < {TARGET_RSS_MB:.0f}: {rss})\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
