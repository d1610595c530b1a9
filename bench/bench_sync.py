"""Benchmark: the day's register export, and importing a large sync bundle into a large register.

Measurements (each in its own child process, so the peak memory is that of the step alone):

* exporting a 5,000-entry site day to XLSX, CSV and PDF;
* importing a ~100,000-version bundle (written by a second generated site) into a database that
  already holds 1,000,000 entries: the first import, then the same bundle again (re-import).

Targets (issue 6): XLSX day export < 2 s; first import < 10 s; re-import < 3 s; memory < 300 MB.
Generated databases are cached under ``bench/out/`` (git-ignored); generating the 1M database
takes minutes the first time (``bench/gen_db.py``).

Run: ``/work/venv/bin/python bench/bench_sync.py [--entries 1000000] [--bundle-entries 60000]``.

Last figures (2026-11-29, 2-CPU VM at load 0.8; see BENCHMARKS.md "Export and sync"):
XLSX day 1.31 s / 60 MB, CSV 0.35 s, PDF 5.13 s / 116 MB; bundle of 101,802 versions written in
7.4 s; first import into 1M entries 39.9 s / 266 MB (time target missed); re-import 2.68 s / 34 MB.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
DAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def _context(db_path: Path) -> Any:
    """A context on ``db_path`` without the start-up hooks (no purge or backup run mid-bench)."""
    from frontdesk.clock import FrozenClock
    from frontdesk.context import AppContext
    from frontdesk.paths import resolve_paths
    from frontdesk.storage import site as site_store
    from frontdesk.storage.db import Database

    db = Database(db_path)
    db.open()
    with db.write() as conn:
        site = site_store.ensure_site(conn, "基准站")
    ctx = AppContext(paths=resolve_paths(str(db_path)), clock=FrozenClock(NOW), db=db, site=site)
    ctx.session.user, ctx.session.role = "bench", "supervisor"
    return ctx


def make_day_db(path: Path, n: int) -> None:
    """A database whose site day :data:`DAY` has ``n`` entries (through ``records.write``)."""
    from frontdesk.demo import visit_payload
    from frontdesk.storage import records

    ctx = _context(path)
    site = ctx.require_site()
    rng = random.Random(5)
    start = datetime(DAY.year, DAY.month, DAY.day, tzinfo=site.zone).astimezone(UTC)
    with ctx.require_db().write() as conn:
        for i in range(n):
            at = start + timedelta(hours=7) + timedelta(seconds=i * (15 * 3600 / n))
            payload = visit_payload(rng, site.id, at, at + timedelta(minutes=rng.randint(5, 90)))
            payload |= {"edited_by": payload["guard"], "edited_at": at.isoformat()}
            records.write(conn, "visit", f"day-{i:06d}", payload, at)
    ctx.close()


def child(task: str, args: list[str]) -> dict[str, Any]:
    """One measured step (runs in a child process)."""
    db_path = Path(args[0])
    ctx = _context(db_path)
    started = time.perf_counter()
    extra: dict[str, Any] = {}
    if task == "export":
        from frontdesk.services.export import export_service

        out = export_service(ctx).write(args[1], args[2], DAY)
        extra["rows"] = out.rows
    elif task == "bundle":
        from frontdesk.services.sync import sync_service

        res = sync_service(ctx).export_bundle(args[1])
        extra = {"versions": res.versions, "bytes": res.size}
    elif task == "import":
        from frontdesk.services.sync import sync_service

        rep = sync_service(ctx).import_bundle(args[1], by="bench")
        extra = {"new_versions": rep.merge.new_versions, "already_known": rep.merge.already_known}
    seconds = time.perf_counter() - started
    ctx.close()
    from bench.peak import peak_rss_mb  # noqa: PLC0415 - VmHWM, not the parent's ru_maxrss

    return {"task": task, "seconds": round(seconds, 2), "peak_mb": peak_rss_mb()} | extra


def measure(task: str, *args: str) -> dict[str, Any]:
    """Run ``task`` in a fresh interpreter and return its figures."""
    proc = subprocess.run([sys.executable, __file__, "--child", task, *args],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{task} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    """Prepare (or reuse) the databases, run every measurement, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--bundle-entries", type=int, default=60_000,
                        help="entries of the second site (about 1.7 versions each)")
    parser.add_argument("--day", type=int, default=5000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    ns = parser.parse_args()
    if ns.child:
        sys.stdout.write(json.dumps(child(ns.child[0], ns.child[1:])) + "\n")
        return 0
    from bench.gen_db import generate  # noqa: PLC0415 - shared generator

    OUT.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    day_db = OUT / f"day_{ns.day}.db"
    if not day_db.exists():
        make_day_db(day_db, ns.day)
    for fmt in ("xlsx", "csv", "pdf"):
        results.append(measure("export", str(day_db), fmt, str(OUT / f"day.{fmt}")) | {"format": fmt})
    big = OUT / f"sync_{ns.entries // 1000}k.db" if ns.entries < 1_000_000 else OUT / "sync_1m.db"
    if not big.exists():
        generate(big, ns.entries, seed=1, progress=True)
    second = OUT / f"site2_{ns.bundle_entries}.db"
    if not second.exists():
        generate(second, ns.bundle_entries, seed=2)
    bundle = OUT / f"site2_{ns.bundle_entries}.fdb"
    results.append(measure("bundle", str(second), str(bundle)))
    work = OUT / "import_work.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copyfile(big, work)
    results.append(measure("import", str(work), str(bundle)) | {"step": "first import"})
    results.append(measure("import", str(work), str(bundle)) | {"step": "re-import"})
    for r in results:
        sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
