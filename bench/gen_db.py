"""Generate a large, realistic register database fast (for the benchmarks).

``generate(db_path, n_entries, seed)`` creates the database the normal way
(``Database.open`` + ``ensure_site``) and then bulk-inserts ``n_entries`` register entries spread
over about three years of gate traffic (07:00-22:00 site time), as the app would have stored
them: each entry is a version stamped by the site's hybrid logical clock, most entries get a
second version when the person signs out (a later event, written in time order), and the
``versions``, ``heads``, ``visits`` and ``visit_terms`` rows are exactly what
``frontdesk.storage.records.write`` produces for the same changes (``tests/unit/test_gen_db.py``
replays a small database through ``records.write`` and compares every row).

Speed: rows are built in Python and written with ``executemany`` in batches of
:data:`BATCH` entries, one transaction each, with secondary indexes dropped during the load and
recreated (from their own stored SQL) at the end. No ``ANALYZE``: a site's real database never
gets one, so the query plans measured are the ones a site gets. Timings: bench/README.md.

Command line: ``python bench/gen_db.py PATH N [--seed S]``.
"""
from __future__ import annotations

import argparse
import heapq
import json
import random
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from frontdesk.demo import visit_payload  # noqa: E402
from frontdesk.domain.trust.retention import SALT  # noqa: E402
from frontdesk.domain.register.search import visit_terms  # noqa: E402
from frontdesk.domain.sync.versioning import HybridClock, canonical_json, make_version  # noqa: E402

KIND = "visit"
BATCH = 10_000
YEARS = 3
DAY_OPEN, DAY_CLOSE = 7, 22
SIGN_OUT_SHARE = 0.7  # entries signed out later (a second version); the rest logged complete
RETURNING_SHARE = 0.2  # entries of somebody who came before (same name, phone, outlet, plate)
RETENTION_DAYS = 366 * YEARS + 30
PERSON_FIELDS = ("name", "organisation", "phone", "plate", "credential_type",
                 "credential_number")


@dataclass(order=True)
class _Event:
    """One change to write: a new entry, or the sign-out of an earlier one."""

    at: datetime
    order: int
    record_id: str = field(compare=False)
    payload: dict[str, Any] = field(compare=False)
    new: bool = field(compare=False)


def _day_windows(end: datetime, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """Opening hours of every day of the last :data:`YEARS` years up to ``end`` (UTC)."""
    last = end.astimezone(zone).date()
    windows: list[tuple[datetime, datetime]] = []
    for back in range(365 * YEARS - 1, -1, -1):
        day = last - timedelta(days=back)
        start = datetime(day.year, day.month, day.day, DAY_OPEN, tzinfo=zone).astimezone(UTC)
        close = datetime(day.year, day.month, day.day, DAY_CLOSE, tzinfo=zone).astimezone(UTC)
        close = min(close, end)
        if close - start > timedelta(minutes=1):
            windows.append((start, close))
    return windows


def _entries(rng: random.Random, site_id: str, n: int, end: datetime,
             zone: ZoneInfo) -> Iterator[tuple[str, dict[str, Any], datetime]]:
    """(record id, payload, time in) of ``n`` entries in time order; time out set if past ``end``."""
    windows = _day_windows(end, zone)
    per_day, extra = divmod(n, len(windows))
    regulars: list[dict[str, Any]] = []
    for index, (start, close) in enumerate(windows):
        count = per_day + (1 if index >= len(windows) - extra else 0)
        span = (close - start).total_seconds()
        times = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))
        for time_in in times:
            stay = timedelta(minutes=rng.randint(5, 180))
            time_out = time_in + stay if time_in + stay <= end else None
            payload = visit_payload(rng, site_id, time_in, time_out)
            if regulars and rng.random() < RETURNING_SHARE:
                person = rng.choice(regulars)
                if person["kind"] == payload["kind"]:
                    payload.update({k: person[k] for k in PERSON_FIELDS})
            elif len(regulars) < 5000 and payload["name"]:
                regulars.append(payload)
            record_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            yield record_id, payload, time_in


def _events(rng: random.Random, site_id: str, n: int, end: datetime,
            zone: ZoneInfo) -> Iterator[_Event]:
    """Every change in the order it happened: entries, and sign-outs as later versions."""
    pending: list[_Event] = []
    order = 0
    salts = random.Random(f"salt-{site_id}")  # its own stream: people and times stay the same
    for record_id, payload, time_in in _entries(rng, site_id, n, end, zone):
        while pending and pending[0].at <= time_in:
            yield heapq.heappop(pending)
        time_out = payload["time_out"]
        signed_later = time_out is not None and rng.random() < SIGN_OUT_SHARE
        first = dict(payload)
        if signed_later:
            first["time_out"] = None
        first["edited_by"] = first["guard"]
        first["edited_at"] = time_in.isoformat()
        first[SALT] = f"{salts.getrandbits(128):032x}"  # as records.write adds one
        order += 1
        yield _Event(time_in, order, record_id, first, True)
        if signed_later:
            out_at = datetime.fromisoformat(time_out)
            second = first | {"time_out": time_out, "edited_at": time_out}
            order += 1
            heapq.heappush(pending, _Event(out_at, order, record_id, second, False))
    while pending:
        yield heapq.heappop(pending)


def _utc(value: object) -> str | None:
    """Stored instants as the projection stores them (``storage.visits._utc``)."""
    if not value:
        return None
    return datetime.fromisoformat(str(value)).astimezone(UTC).isoformat()


def _meta(conn: sqlite3.Connection, key: str, default: str) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def _drop_indexes(conn: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the secondary indexes of ``tables``; return their SQL to recreate them."""
    marks = ",".join("?" * len(tables))
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({marks})", tables).fetchall()
    for name, _sql in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def _flush(conn: sqlite3.Connection, batch: list[tuple[Any, ...]],
           heads_gone: list[tuple[str, str]], visits: dict[str, tuple[Any, ...]],
           terms: list[tuple[str, str]], clock: HybridClock) -> None:
    """Write one batch in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO versions(version_id, kind, record_id, parents, hlc, origin, deleted,"
        " payload, purged) VALUES (?,?,?,?,?,?,?,?,0)", batch)
    conn.executemany("DELETE FROM heads WHERE kind = ? AND record_id = ? AND version_id = ?",
                     [(KIND, rid, vid) for rid, vid in heads_gone])
    conn.executemany("INSERT INTO heads(kind, record_id, version_id) VALUES (?,?,?)",
                     [(KIND, row[0], row[4]) for row in visits.values()])
    conn.executemany(
        "INSERT INTO visits(id, kind, time_in, time_out, head, conflict, payload)"
        " VALUES (?,?,?,?,?,0,?) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind,"
        " time_in=excluded.time_in, time_out=excluded.time_out, head=excluded.head,"
        " conflict=excluded.conflict, payload=excluded.payload", list(visits.values()))
    terms.sort()
    conn.executemany("INSERT OR IGNORE INTO visit_terms(term, visit_id) VALUES (?, ?)", terms)
    conn.executemany(
        "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value ="
        " excluded.value", [("hlc_ms", str(clock.wall_ms)), ("hlc_counter", str(clock.counter))])
    conn.execute("COMMIT")


def generate(db_path: Path, n_entries: int, seed: int = 1, end: datetime | None = None,
             progress: bool = False) -> None:
    """Create ``db_path`` with ``n_entries`` register entries ending at ``end`` (default now).

    Deterministic for a given ``seed`` and ``end`` (record ids come from the seeded generator).
    """
    from frontdesk.storage import site as site_store
    from frontdesk.storage.db import Database

    end = (end or datetime.now(UTC)).astimezone(UTC)
    db = Database(Path(db_path))
    db.open()
    with db.write() as conn:
        site = site_store.ensure_site(conn, "阳光花园")
        # A site keeping its register for the whole span (the retention period is the site's
        # choice); with the default 180 days the first open would purge most of the data.
        site_store.set_meta(conn, "retention_days", str(RETENTION_DAYS))
    conn = db.connect()
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")
    with db.write() as w:
        recreate = _drop_indexes(w, ("versions", "heads", "visits", "visit_terms"))
    clock = HybridClock(site=site.id, wall_ms=int(_meta(conn, "hlc_ms", "0")),
                        counter=int(_meta(conn, "hlc_counter", "0")))
    heads: dict[str, str] = {}  # record id -> version id of entries not yet signed out
    batch: list[tuple[Any, ...]] = []
    heads_gone: list[tuple[str, str]] = []
    visits: dict[str, tuple[Any, ...]] = {}
    terms: list[tuple[str, str]] = []
    started, done = time.perf_counter(), 0
    for event in _events(random.Random(seed), site.id, n_entries, end, site.zone):
        hlc = clock.tick(int(event.at.timestamp() * 1000))
        parent = heads.pop(event.record_id, None)
        parents = [parent] if parent else []
        version = make_version(KIND, event.record_id, parents, hlc, site.id, event.payload)
        body = canonical_json(event.payload)
        batch.append((version.version_id, KIND, event.record_id, json.dumps(list(version.parents)),
                      hlc, site.id, 0, body))
        if parent:
            heads_gone.append((event.record_id, parent))
        if event.payload["time_out"] is None:
            heads[event.record_id] = version.version_id
        p = event.payload
        visits[event.record_id] = (event.record_id, p.get("kind") or "visitor",
                                   _utc(p.get("time_in")), _utc(p.get("time_out")),
                                   version.version_id, body)
        if event.new:
            terms.extend((t, event.record_id) for t in visit_terms(p))
            done += 1
        if len(visits) >= BATCH:
            _flush(conn, batch, heads_gone, visits, terms, clock)
            batch, heads_gone, visits, terms = [], [], {}, []
            if progress and done % 100_000 < BATCH:
                rate = done / (time.perf_counter() - started)
                sys.stderr.write(f"{done:,} entries ({rate:,.0f}/s)\n")
    _flush(conn, batch, heads_gone, visits, terms, clock)
    with db.write() as w:
        for sql in recreate:
            w.execute(sql)
    conn.execute("PRAGMA synchronous=FULL")
    db.checkpoint()
    db.close()


def main() -> int:
    """``python bench/gen_db.py PATH N [--seed S]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.path.exists():
        parser.error(f"{args.path} exists; remove it first")
    started = time.perf_counter()
    generate(args.path, args.n, args.seed, progress=True)
    sys.stderr.write(f"{args.n:,} entries in {time.perf_counter() - started:.0f} s\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
