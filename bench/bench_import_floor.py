"""Benchmark: how fast *could* a first import be? SQLite's own floor beside the app's import.

Issue 6 asks for a first import of a ~100,000-version bundle into a 1,000,000-entry register in
under 10 s. This measures, in one run and on the same data, three things:

* ``app``: the real import (``bench_sync.py --child import``) into a fresh copy of the 1M DB;
* ``floor``: the same rows written by SQLite alone into another fresh copy: no bundle to read,
  no Python, no merge, one ``INSERT ... SELECT`` per table from the second site's own database
  (which holds exactly the rows the import writes: its versions, heads, visit rows and search
  keys), each sorted in its table's key order, in one transaction, then commit and checkpoint;
* ``lean floor``: the same, on a copy of the register rebuilt in a leaner layout that no code
  uses (a measuring stick, not a proposal that was built): 64-bit integer keys (cut from the
  version hash and the record UUID) instead of hex-text ids in every random-order index, heads
  by those integers, search keys pointing at the visit's rowid instead of its 36-character id.

The page cache is the import's own (``frontdesk.storage.sync.IMPORT_CACHE_KIB``) unless
``--cache`` says otherwise. If the floor is above the target, no change to the Python side can
meet it with this storage layout.

Run: ``/work/venv/bin/python bench/bench_import_floor.py`` (needs ``bench/out/sync_1m.db`` and
``bench/out/site2_60000.{db,fdb}``, which ``bench/bench_sync.py`` generates; the lean copy is
built once, ~2 minutes, and cached as ``bench/out/lean_1m.db``). About 8 GB of free disk.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"

VERSION_COLS = "version_id, kind, record_id, parents, hlc, origin, deleted, payload, purged"
VISIT_COLS = "id, kind, time_in, time_out, head, conflict, payload"

CURRENT = [  # (label, statement): the rows the import writes, in each index's key order
    ("versions", f"INSERT INTO versions({VERSION_COLS}) SELECT {VERSION_COLS} FROM s.versions"
                 " ORDER BY kind, record_id"),
    ("heads", "INSERT INTO heads SELECT * FROM s.heads ORDER BY 1, 2, 3"),
    ("visits", f"INSERT INTO visits({VISIT_COLS}) SELECT {VISIT_COLS} FROM s.visits ORDER BY id"),
    ("search keys", "INSERT INTO visit_terms SELECT * FROM s.visit_terms ORDER BY 1, 2"),
]

LEAN_SCHEMA = """
CREATE TABLE versions(seq INTEGER PRIMARY KEY, vkey INTEGER NOT NULL, rkey INTEGER NOT NULL,
    version_id TEXT NOT NULL, kind TEXT, record_id TEXT, parents TEXT, hlc TEXT, origin TEXT,
    deleted INT, payload TEXT, purged INT);
CREATE TABLE heads(rkey INTEGER, vkey INTEGER, PRIMARY KEY (rkey, vkey)) WITHOUT ROWID;
CREATE TABLE visits(id TEXT NOT NULL, rkey INTEGER NOT NULL, kind TEXT, time_in TEXT,
    time_out TEXT, head TEXT, conflict INT, payload TEXT);
CREATE TABLE visit_terms(term TEXT, vrow INTEGER, PRIMARY KEY (term, vrow)) WITHOUT ROWID;
"""
LEAN_INDEXES = [
    "CREATE INDEX versions_vkey ON versions(vkey)",
    "CREATE INDEX versions_rkey ON versions(rkey)",
    "CREATE INDEX visits_rkey ON visits(rkey)",
    "CREATE INDEX visits_time_in ON visits(time_in)",
]
LEAN = [
    ("versions", f"INSERT INTO versions(vkey, rkey, {VERSION_COLS}) SELECT vkey, rkey,"
                 f" {VERSION_COLS} FROM temp.sv ORDER BY rkey"),
    ("heads", "INSERT INTO heads SELECT rkey, vkey FROM temp.sh ORDER BY 1, 2"),
    ("visits", f"INSERT INTO visits(rkey, {VISIT_COLS}) SELECT rkey, {VISIT_COLS} FROM temp.svi"
               " ORDER BY rkey"),
    ("search keys", "INSERT INTO visit_terms SELECT st.term, v.rowid FROM temp.st st"
                    " JOIN visits v ON v.rkey = st.rkey AND v.id = st.visit_id ORDER BY 1, 2"),
]


def vkey(version_id: str) -> int:
    """The first 64 bits of a version's SHA-256, as SQLite's signed integer."""
    return int(version_id[:16], 16) - 2**63


def rkey(record_id: str) -> int:
    """The first 64 bits of a record's UUID, as SQLite's signed integer."""
    return int(record_id.replace("-", "")[:16], 16) - 2**63


def _keys(conn: sqlite3.Connection) -> None:
    conn.create_function("vk", 1, vkey, deterministic=True)
    conn.create_function("rk", 1, rkey, deterministic=True)


def _fresh(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)


def build_lean(src: Path, dst: Path) -> None:
    """The register of ``src`` in the lean layout (same rows, integer keys)."""
    tmp = dst.with_suffix(".tmp")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -500000")
    _keys(conn)
    conn.executescript(LEAN_SCHEMA)
    conn.execute("ATTACH ? AS s", (str(src),))
    conn.execute("BEGIN")
    conn.execute(f"INSERT INTO versions(vkey, rkey, {VERSION_COLS}) SELECT vk(version_id),"
                 f" rk(record_id), {VERSION_COLS} FROM s.versions ORDER BY seq")
    conn.execute("INSERT INTO heads SELECT rk(record_id), vk(version_id) FROM s.heads ORDER BY 1, 2")
    conn.execute(f"INSERT INTO visits(rowid, rkey, {VISIT_COLS}) SELECT rowid, rk(id),"
                 f" {VISIT_COLS} FROM s.visits ORDER BY rowid")
    conn.execute("INSERT INTO visit_terms SELECT t.term, v.rowid FROM s.visit_terms t"
                 " JOIN s.visits v ON v.id = t.visit_id ORDER BY 1, 2")
    for statement in LEAN_INDEXES:
        conn.execute(statement)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    tmp.replace(dst)


def write_rows(db: Path, site2: Path, steps: list[tuple[str, str]], cache_kib: int,
               prepare: Callable[[sqlite3.Connection], None] | None = None) -> dict[str, float]:
    """Time ``steps`` in one transaction on ``db``, then the commit and a full checkpoint."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")  # as frontdesk.storage.db opens it
    conn.execute(f"PRAGMA cache_size = {int(cache_kib)}")
    conn.execute("ATTACH ? AS s", (str(site2),))
    if prepare is not None:
        prepare(conn)
    out: dict[str, float] = {}
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for label, statement in [*steps, ("commit", "COMMIT")]:
        t = time.perf_counter()
        conn.execute(statement)
        out[label] = round(time.perf_counter() - t, 2)
    out["wal_mb"] = round(Path(f"{db}-wal").stat().st_size / 2**20)
    t = time.perf_counter()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out["checkpoint"] = round(time.perf_counter() - t, 2)
    out["total"] = round(time.perf_counter() - started, 2)
    conn.close()
    return out


def _lean_sources(conn: sqlite3.Connection) -> None:
    """The second site's rows with their integer keys, made before the clock starts."""
    _keys(conn)
    conn.execute(f"CREATE TEMP TABLE sv AS SELECT vk(version_id) AS vkey, rk(record_id) AS rkey,"
                 f" {VERSION_COLS} FROM s.versions")
    conn.execute("CREATE TEMP TABLE sh AS SELECT rk(record_id) AS rkey, vk(version_id) AS vkey"
                 " FROM s.heads")
    conn.execute(f"CREATE TEMP TABLE svi AS SELECT rk(id) AS rkey, {VISIT_COLS} FROM s.visits")
    conn.execute("CREATE TEMP TABLE st AS SELECT term, visit_id, rk(visit_id) AS rkey"
                 " FROM s.visit_terms")


def main() -> int:
    from bench.bench_sync import measure  # noqa: PLC0415 - the real import, in a child process
    from frontdesk.storage.sync import IMPORT_CACHE_KIB  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=Path, default=OUT / "sync_1m.db")
    parser.add_argument("--site2", type=Path, default=OUT / "site2_60000.db")
    parser.add_argument("--bundle", type=Path, default=OUT / "site2_60000.fdb")
    parser.add_argument("--cache", type=int, default=IMPORT_CACHE_KIB,
                        help="page cache in KiB, negative as SQLite takes it")
    parser.add_argument("--skip-app", action="store_true", help="only the two floors")
    ns = parser.parse_args()
    for need in (ns.big, ns.site2, ns.bundle):
        if not need.exists():
            raise SystemExit(f"missing {need}: run bench/bench_sync.py first")
    lean = OUT / "lean_1m.db"
    if not lean.exists():
        build_lean(ns.big, lean)
    work = OUT / "floor_work.db"
    results: dict[str, object] = {"cache_kib": ns.cache}
    if not ns.skip_app:
        _fresh(ns.big, work)
        results["app"] = measure("import", str(work), str(ns.bundle))
    _fresh(ns.big, work)
    results["floor"] = write_rows(work, ns.site2, CURRENT, ns.cache)
    _fresh(lean, work)
    results["lean floor"] = write_rows(work, ns.site2, LEAN, ns.cache, _lean_sources)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    for key, value in results.items():
        sys.stdout.write(json.dumps({key: value}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
