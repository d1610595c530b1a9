"""The SQLite side of file sync: what to export, and merging a verified bundle in one transaction.

The merge follows :mod:`frontdesk.sync.merge` exactly: for the records a bundle touches, the
stored versions and purge markers are loaded into a :class:`~frontdesk.sync.merge.MemoryStore`,
the reference :func:`~frontdesk.sync.merge.merge` runs on it, and only the differences are
written back (new versions, newly blanked versions, new markers, heads, the record's row). So
the store cannot disagree with the reference model, and a re-import touches nothing.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from frontdesk.domain.versioning import Version, canonical_json
from frontdesk.storage import records
from frontdesk.sync.merge import MemoryStore, MergeReport, PurgeMarker, RecordKey, merge, preview

CHUNK = 500


def _chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# ------------------------------------------------------------------------------ reading out


def iter_versions(conn: sqlite3.Connection, after_seq: int = 0,
                  skip_origin: str | None = None) -> Iterator[Version]:
    """Stored versions with ``seq > after_seq`` in local order, streamed in batches.

    ``skip_origin`` leaves out versions made at that site (it has them already).
    """
    last = after_seq
    while True:
        rows = conn.execute(
            "SELECT * FROM versions WHERE seq > ? ORDER BY seq LIMIT 5000", (last,)
        ).fetchall()
        if not rows:
            return
        for row in rows:
            if skip_origin is None or row["origin"] != skip_origin:
                yield records.row_to_version(row)
        last = rows[-1]["seq"]


def max_seq(conn: sqlite3.Connection) -> int:
    """The highest local sequence number (0 for an empty store)."""
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM versions").fetchone()[0])


def all_purges(conn: sqlite3.Connection) -> list[PurgeMarker]:
    """Every purge marker this site holds (they always travel)."""
    rows = conn.execute("SELECT * FROM purges").fetchall()
    return sorted(_marker(r) for r in rows)


def _marker(row: sqlite3.Row) -> PurgeMarker:
    return PurgeMarker(row["kind"], row["record_id"], row["before_hlc"],
                       tuple(json.loads(row["fields"])), row["at"], row["by"], row["origin"])


def known_ids(conn: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
    """Which of ``ids`` are stored (asked in chunks: no per-version SELECT)."""
    found: set[str] = set()
    for part in _chunks(ids):
        marks = ",".join("?" * len(part))
        found.update(r[0] for r in conn.execute(
            f"SELECT version_id FROM versions WHERE version_id IN ({marks})", list(part)))
    return found


def load_store(conn: sqlite3.Connection, keys: Iterable[RecordKey]) -> MemoryStore:
    """A :class:`MemoryStore` holding the stored versions and markers of ``keys`` only."""
    store = MemoryStore()
    by_kind: dict[str, list[str]] = {}
    for kind, record_id in keys:
        by_kind.setdefault(kind, []).append(record_id)
    for kind, ids in by_kind.items():
        for part in _chunks(sorted(set(ids))):
            marks = ",".join("?" * len(part))
            for row in conn.execute(
                f"SELECT * FROM versions WHERE kind = ? AND record_id IN ({marks})",
                [kind, *part],
            ):
                v = records.row_to_version(row)
                store.versions[v.version_id] = v
                store.records.setdefault((v.kind, v.record_id), set()).add(v.version_id)
                if row["purged"]:
                    store.purged.add(v.version_id)
            for row in conn.execute(
                f"SELECT * FROM purges WHERE kind = ? AND record_id IN ({marks})", [kind, *part]
            ):
                m = _marker(row)
                store.purges.add(m)
                store._markers.setdefault(m.key, []).append(m)
    return store


# ------------------------------------------------------------------------------ merging in


def _plan(conn: sqlite3.Connection, versions: Sequence[Version],
          purges: Sequence[PurgeMarker]) -> tuple[MemoryStore, list[Version], list[PurgeMarker], int]:
    """Load what the merge needs: (partial store, new versions, new markers, already known)."""
    ids = list(dict.fromkeys(v.version_id for v in versions))
    known = known_ids(conn, ids)
    new = list({v.version_id: v for v in versions if v.version_id not in known}.values())
    stored_markers = {(m.kind, m.record_id, m.before_hlc, m.fields) for m in _markers_for(conn, purges)}
    new_markers = sorted({m for m in purges
                          if (m.kind, m.record_id, m.before_hlc, m.fields) not in stored_markers})
    keys = {(v.kind, v.record_id) for v in new} | {m.key for m in new_markers}
    return load_store(conn, keys), new, new_markers, len(ids) - len(new)


def _markers_for(conn: sqlite3.Connection, purges: Sequence[PurgeMarker]) -> list[PurgeMarker]:
    """The stored markers of the records ``purges`` name."""
    out: list[PurgeMarker] = []
    for kind, record_id in sorted({m.key for m in purges}):
        out.extend(_marker(r) for r in conn.execute(
            "SELECT * FROM purges WHERE kind = ? AND record_id = ?", (kind, record_id)))
    return out


def preview_merge(conn: sqlite3.Connection, versions: Sequence[Version],
                  purges: Sequence[PurgeMarker]) -> MergeReport:
    """What :func:`apply_merge` would do, without writing anything."""
    store, new, new_markers, known = _plan(conn, versions, purges)
    report = preview(store, _Bundle(new, new_markers))
    report.already_known = known
    return report


class _Bundle:
    """Versions and markers in the shape :func:`frontdesk.sync.merge.preview` takes."""

    def __init__(self, versions: list[Version], purges: list[PurgeMarker]) -> None:
        self.versions = versions
        self.purges = purges


def reproject_record(conn: sqlite3.Connection, kind: str, record_id: str,
                     win: Version | None, n_heads: int) -> None:
    """Rewrite one record's row from its winner (computed in memory by the merge)."""
    proj = records.projection(kind)
    if proj is None:
        return
    if win is None or win.deleted:
        proj.remove(conn, record_id)
    else:
        proj.upsert(conn, record_id, win.payload, win.version_id, n_heads > 1)


def apply_merge(conn: sqlite3.Connection, versions: Sequence[Version],
                purges: Sequence[PurgeMarker]) -> MergeReport:
    """Merge versions and markers into the store (inside the caller's write transaction)."""
    store, new, new_markers, known = _plan(conn, versions, purges)
    before = dict(store.versions)
    report = merge(store, new, new_markers)
    report.already_known = known
    if not new and not new_markers:
        return report
    conn.executemany(
        "INSERT OR IGNORE INTO purges(kind, record_id, before_hlc, fields, at, by, origin)"
        " VALUES (?,?,?,?,?,?,?)",
        [(m.kind, m.record_id, m.before_hlc, json.dumps(list(m.fields)), m.at, m.by, m.origin)
         for m in new_markers],
    )
    conn.executemany(
        "UPDATE versions SET payload = ?, purged = 1 WHERE version_id = ?",
        [(canonical_json(dict(store.versions[vid].payload)), vid)
         for vid in before if store.versions[vid] is not before[vid]],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO versions(version_id, kind, record_id, parents, hlc, origin,"
        " deleted, payload, purged) VALUES (?,?,?,?,?,?,?,?,?)",
        ((v.version_id, v.kind, v.record_id, json.dumps(list(v.parents)), v.hlc, v.origin,
          int(v.deleted), canonical_json(dict(v.payload)), int(v.version_id in store.purged))
         for v in sorted((store.versions[n.version_id] for n in new), key=Version.sort_key)),
    )
    touched = sorted({(v.kind, v.record_id) for v in new} | {m.key for m in new_markers})
    conn.executemany("DELETE FROM heads WHERE kind = ? AND record_id = ?", touched)
    rows: list[tuple[str, str, str]] = []
    plan: list[tuple[str, str, Version | None, int]] = []
    for kind, record_id in touched:
        hs = store.heads(kind, record_id)
        rows.extend((kind, record_id, h.version_id) for h in hs)
        plan.append((kind, record_id, hs[0] if hs else None, len(hs)))
    conn.executemany("INSERT INTO heads(kind, record_id, version_id) VALUES (?,?,?)", rows)
    stamps = [v.hlc for v in new] + [m.before_hlc for m in new_markers]
    records.observe(conn, [max(stamps)] if stamps else [])
    visit_rows = [p for p in plan if p[0] == "visit" and _bulk_visits()]
    for kind, record_id, win, n in plan:
        if not (kind == "visit" and _bulk_visits()):
            reproject_record(conn, kind, record_id, win, n)
    for start in range(0, len(visit_rows), 2000):
        project_visits(conn, visit_rows[start:start + 2000])
    return report


def _bulk_visits() -> bool:
    """True while visits use the standard projection (so the bulk path writes the same rows)."""
    from frontdesk.storage.visits import VisitProjection

    return isinstance(records.projection("visit"), VisitProjection)


def project_visits(conn: sqlite3.Connection,
                   items: Sequence[tuple[str, str, Version | None, int]]) -> None:
    """The rows :class:`~frontdesk.storage.visits.VisitProjection` writes, for many visits at once."""
    from frontdesk.domain.search import visit_terms
    from frontdesk.storage.visits import _utc

    ids = [(rid,) for _k, rid, _w, _n in items]
    conn.executemany("DELETE FROM visit_terms WHERE visit_id = ?", ids)
    gone = [(rid,) for _k, rid, win, _n in items if win is None or win.deleted]
    conn.executemany("DELETE FROM visits WHERE id = ?", gone)
    rows, terms = [], []
    for _k, rid, win, n in items:
        if win is None or win.deleted:
            continue
        p = win.payload
        rows.append((rid, p.get("kind") or "visitor", _utc(p.get("time_in")),
                     _utc(p.get("time_out")), win.version_id, int(n > 1),
                     canonical_json(dict(p))))
        terms.extend((t, rid) for t in visit_terms(p))
    conn.executemany(
        "INSERT INTO visits(id, kind, time_in, time_out, head, conflict, payload)"
        " VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind,"
        " time_in=excluded.time_in, time_out=excluded.time_out, head=excluded.head,"
        " conflict=excluded.conflict, payload=excluded.payload", rows)
    conn.executemany("INSERT OR IGNORE INTO visit_terms(term, visit_id) VALUES (?, ?)", terms)


def store_purge(conn: sqlite3.Connection, marker: PurgeMarker) -> MergeReport:
    """Record a local purge order and blank the fields it names (same path as an import)."""
    return apply_merge(conn, [], [marker])


def blank_copy(v: Version, fields: Iterable[str]) -> Version:
    """``v`` with ``fields`` blanked (for callers that show what a purge would leave)."""
    drop = set(fields)
    return replace(v, payload={k: (None if k in drop else val) for k, val in v.payload.items()})


# ------------------------------------------------------------------------------ conflicts


def conflict_keys(conn: sqlite3.Connection) -> list[RecordKey]:
    """Every record with more than one head, sorted."""
    rows = conn.execute(
        "SELECT kind, record_id FROM heads GROUP BY kind, record_id HAVING COUNT(*) > 1"
        " ORDER BY kind, record_id"
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def heads_of(conn: sqlite3.Connection, kind: str, record_id: str) -> list[Version]:
    """A record's heads, winner first."""
    ids = records.head_ids(conn, kind, record_id)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT * FROM versions WHERE version_id IN ({marks})", ids).fetchall()
    return sorted((records.row_to_version(r) for r in rows), key=Version.sort_key, reverse=True)


# ------------------------------------------------------------------------------ peers and log


def peer_sent_seq(conn: sqlite3.Connection, peer: str) -> int:
    """The local seq up to which versions were already sent to ``peer``."""
    row = conn.execute("SELECT sent_seq FROM sync_peers WHERE site_id = ?", (peer,)).fetchone()
    return int(row[0]) if row else 0


def note_sent(conn: sqlite3.Connection, peer: str, seq: int, at: str) -> None:
    """Remember that everything up to ``seq`` went to ``peer``."""
    conn.execute(
        "INSERT INTO sync_peers(site_id, sent_seq, last_sent_at) VALUES (?,?,?)"
        " ON CONFLICT(site_id) DO UPDATE SET sent_seq = MAX(sent_seq, excluded.sent_seq),"
        " last_sent_at = excluded.last_sent_at",
        (peer, seq, at),
    )


def note_import(conn: sqlite3.Connection, bundle_id: str, site: str, name: str, at: str,
                by: str, report: MergeReport) -> None:
    """Log an import and what the source site sent."""
    conn.execute(
        "INSERT INTO sync_peers(site_id, name, last_received_at, received_versions)"
        " VALUES (?,?,?,?) ON CONFLICT(site_id) DO UPDATE SET name = excluded.name,"
        " last_received_at = excluded.last_received_at,"
        " received_versions = received_versions + excluded.received_versions",
        (site, name, at, report.new_versions),
    )
    conn.execute(
        "INSERT INTO sync_imports(bundle_id, source_site, source_name, imported_at, imported_by,"
        " new_versions, already_known, conflicts) VALUES (?,?,?,?,?,?,?,?)",
        (bundle_id, site, name, at, by, report.new_versions, report.already_known,
         len(report.conflicts)),
    )


def peers(conn: sqlite3.Connection) -> list[dict[str, object]]:
    """Every known peer with what was exchanged."""
    return [dict(r) for r in conn.execute("SELECT * FROM sync_peers ORDER BY site_id")]
