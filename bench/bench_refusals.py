"""Benchmark: how long and how much memory refusing each kind of bad sync bundle takes.

Every kind from ``bench/bad_bundles.py`` (truncated, flipped bytes, added members, raised schema,
honest and lying zip bombs, a million empty members, path traversal, empty, random bytes, a big
bundle with a bad line early and late, the site's own bundle, an unknown member, an unknown
record kind, a stamp beyond the format) is generated at full size under
``bench/out/refusals/`` and imported, each in its own child process, through the app's import
(``SyncService.import_bundle``) into a small site database. The child reports the refusal's
wall and CPU time, its own peak RSS (VmHWM, ``bench/peak.py``) and the peak it had before the
import began (Python, frontdesk and the open database), and the parent checks that the database
file did not change. The good bundle the bad ones were made from is imported last, into a copy,
for comparison.

Goal (issue 16): every bad bundle refused in under 2 s and 100 MB.

Run: ``/work/venv/bin/python bench/bench_refusals.py [--versions 100000] [--json]``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "refusals"
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def _context(db_path: Path) -> Any:
    """A context on ``db_path`` without the start-up hooks (no purge or backup mid-bench)."""
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


def child(db_path: Path, bundle: Path) -> dict[str, Any]:
    """Import ``bundle`` into ``db_path``; report code, time and memory."""
    from bench.peak import peak_rss_mb
    from frontdesk.services.sync import SyncError, sync_service

    ctx = _context(db_path)
    service = sync_service(ctx)
    base = peak_rss_mb()
    cpu0, t0 = time.process_time(), time.perf_counter()
    try:
        report = service.import_bundle(bundle, by="bench")
        code, message = "accepted", f"{report.merge.new_versions} new versions"
    except SyncError as exc:
        code, message = exc.code, exc.message
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    ctx.close()
    return {"code": code, "message": message[:120], "seconds": round(wall, 3),
            "cpu": round(cpu, 3), "peak_mb": peak_rss_mb(), "base_mb": base}


def _digest(db_path: Path) -> str:
    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        p = Path(str(db_path) + suffix)
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def _run(db_path: Path, bundle: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", str(db_path), str(bundle)],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def generate(folder: Path, n_versions: int, site_id: str) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """Every bad kind (cached: a file already there is kept)."""
    from bench import bad_bundles as bad

    folder.mkdir(parents=True, exist_ok=True)
    good = folder / f"good_{n_versions}.fdb"
    if not good.exists():
        bad.good_bundle(good, n_versions)
    files: dict[str, tuple[Path, tuple[str, ...]]] = {}
    for label, (make, codes) in bad.KINDS.items():
        cached = folder / f"{label.replace(' ', '_')}.fdb"
        if not cached.exists():
            made = make(folder, good)
            made.rename(cached)
        files[label] = (cached, codes)
    own = folder / "own_bundle.fdb"
    if not own.exists():
        bad.own_bundle(folder, folder, own_site=site_id).rename(own)
    files["own bundle"] = (own, ("own_bundle",))
    files["good bundle (accepted, for comparison)"] = (good, ("accepted",))
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--versions", type=int, default=100_000,
                        help="versions in the big good bundle the bad ones are made from")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("DB", "BUNDLE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]))))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    db_path = OUT / "site.db"
    if not db_path.exists():
        _context(db_path).close()
    site_id = _context(db_path).site.id
    files = generate(OUT, args.versions, site_id)
    before = _digest(db_path)
    rows = []
    for label, (path, codes) in files.items():
        target = db_path
        if "accepted" in codes:  # the good one writes: into a copy
            target = OUT / "copy.db"
            shutil.copyfile(db_path, target)
        result = _run(target, path) | {"kind": label, "file_mb": round(path.stat().st_size / 1e6, 2)}
        result["expected"] = result["code"] in codes
        rows.append(result)
        if not args.json:
            print(f"{label:40} {result['code']:15} {result['seconds']:7.3f} s "
                  f"{result['cpu']:7.3f} s CPU {result['peak_mb']:7.1f} MB "
                  f"(base {result['base_mb']:.1f}) {result['file_mb']:8.2f} MB file"
                  f"{'' if result['expected'] else '  UNEXPECTED'}", flush=True)
    unchanged = _digest(db_path) == before
    if args.json:
        print(json.dumps({"rows": rows, "database_unchanged": unchanged}, ensure_ascii=False,
                         indent=2))
    else:
        print(f"database unchanged by the refusals: {unchanged}")
    return 0 if unchanged and all(r["expected"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
