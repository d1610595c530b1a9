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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from frontdesk.domain.sync.versioning import Version, canonical_json
from frontdesk.storage import records
from frontdesk.sync.merge import MemoryStore, MergeReport, PurgeMarker, RecordKey, merge, preview

CHUNK = 500
IMPORT_CHUNK = 5000
# Page cache while an import writes (KiB, negative as SQLite takes it): a larger cache keeps the
# upper B-tree levels and the pages a sorted batch is filling from spilling to the WAL and back.
IMPORT_CACHE_KIB = -32768


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


def _plan(conn: sqlite3.Connection, versions: Sequence[Version], purges: Sequence[PurgeMarker],
          assume_new: bool = False) -> tuple[MemoryStore, list[Version], list[PurgeMarker], int]:
    """Load what the merge needs: (partial store, new versions, new markers, already known).

    ``assume_new``: the caller already left out the versions it knew were stored (a scanned
    bundle), so the stored versions of every record named are loaded without asking first which
    ids are known; any that turn out to be stored (a concurrent import) are counted as known.
    """
    stored_markers = {(m.kind, m.record_id, m.before_hlc, m.fields) for m in _markers_for(conn, purges)}
    new_markers = sorted({m for m in purges
                          if (m.kind, m.record_id, m.before_hlc, m.fields) not in stored_markers})
    unique = list({v.version_id: v for v in versions}.values())
    if assume_new:
        keys = {(v.kind, v.record_id) for v in unique} | {m.key for m in new_markers}
        store = load_store(conn, keys)
        new = [v for v in unique if v.version_id not in store.versions]
        return store, new, new_markers, len(unique) - len(new)
    known = known_ids(conn, [v.version_id for v in unique])
    new = [v for v in unique if v.version_id not in known]
    keys = {(v.kind, v.record_id) for v in new} | {m.key for m in new_markers}
    return load_store(conn, keys), new, new_markers, len(unique) - len(new)


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
                purges: Sequence[PurgeMarker], texts: Mapping[str, str] | None = None,
                assume_new: bool = False, staged: bool = False) -> MergeReport:
    """Merge versions and markers into the store (inside the caller's write transaction).

    ``texts`` may give, by version id, the canonical JSON of an incoming version's payload (cut
    from a verified bundle line), so it is not encoded again; it is used only while that version
    is stored unchanged (not blanked by a purge). Every batch of rows is written in its index's
    key order: on a large store that touches each B-tree page once instead of at random.
    ``staged``: new search keys go to the import's temporary table (see :func:`_stage_terms`).
    """
    store, new, new_markers, known = _plan(conn, versions, purges, assume_new)
    before = dict(store.versions)
    report = merge(store, new, new_markers)
    report.already_known = known
    if not new and not new_markers:
        return report
    incoming = {v.version_id: v for v in new}
    given = texts or {}

    def text_of(v: Version) -> str:
        if incoming.get(v.version_id) is v and v.version_id in given:
            return given[v.version_id]
        return canonical_json(dict(v.payload))

    conn.executemany(
        "INSERT OR IGNORE INTO purges(kind, record_id, before_hlc, fields, at, by, origin)"
        " VALUES (?,?,?,?,?,?,?)",
        [(m.kind, m.record_id, m.before_hlc, json.dumps(list(m.fields)), m.at, m.by, m.origin)
         for m in new_markers],
    )
    conn.executemany(
        "UPDATE versions SET payload = ?, purged = 1 WHERE version_id = ?",
        [(canonical_json(dict(store.versions[vid].payload)), vid)
         for vid in sorted(before) if store.versions[vid] is not before[vid]],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO versions(version_id, kind, record_id, parents, hlc, origin,"
        " deleted, payload, purged) VALUES (?,?,?,?,?,?,?,?,?)",
        ((v.version_id, v.kind, v.record_id, json.dumps(list(v.parents)), v.hlc, v.origin,
          int(v.deleted), text_of(v), int(v.version_id in store.purged))
         for v in sorted((store.versions[n.version_id] for n in new),
                         key=lambda v: v.version_id)),
    )
    touched = sorted({(v.kind, v.record_id) for v in new} | {m.key for m in new_markers})
    had = {(v.kind, v.record_id) for v in before.values()}
    conn.executemany("DELETE FROM heads WHERE kind = ? AND record_id = ?",
                     [k for k in touched if k in had])
    rows: list[tuple[str, str, str]] = []
    plan: list[tuple[str, str, Version | None, int]] = []
    for kind, record_id in touched:
        hs = store.heads(kind, record_id)
        rows.extend((kind, record_id, h.version_id) for h in hs)
        plan.append((kind, record_id, hs[0] if hs else None, len(hs)))
    conn.executemany("INSERT INTO heads(kind, record_id, version_id) VALUES (?,?,?)", sorted(rows))
    # The site's clock follows what was imported in the caller (services.sync), which knows
    # the time: report.max_hlc.
    bulk = _bulk_visits()
    for kind, record_id, win, n in plan:
        if not (kind == "visit" and bulk):
            reproject_record(conn, kind, record_id, win, n)
    if bulk:
        project_visits(conn, [p for p in plan if p[0] == "visit"], text_of, staged)
    return report


def import_scanned(conn: sqlite3.Connection, lines: Sequence[bytes],
                   purges: Sequence[PurgeMarker], known: int = 0,
                   chunk: int | None = None) -> MergeReport:
    """Merge a scanned bundle's kept lines (see :func:`frontdesk.sync.bundle.scan_bundle`) in
    chunks of about ``chunk`` versions, inside the caller's one write transaction.

    Decoded versions live one chunk at a time, so memory stays flat whatever the bundle's size.
    The lines come in record order and a chunk ends only between records, so each record (with
    the purge markers that name it) is merged whole in one chunk and the chunks touch disjoint
    key ranges of ``heads``, ``visits`` and ``versions_record``: each page of those is written
    once. New search keys (the largest index, keyed by term) are collected in a temporary table
    and inserted in one sorted pass at the end. Merging in parts gives the same store as merging
    at once (the merge is a set union: see the property tests); the report is summed over the
    chunks and the conflicts and deletions are settled against the final store.
    """
    chunk = chunk or IMPORT_CHUNK
    total = MergeReport(already_known=known)
    markers: dict[RecordKey, list[PurgeMarker]] = {}
    for m in purges:
        markers.setdefault(m.key, []).append(m)
    previous = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
    _stage_terms(conn, start=True)
    try:
        for versions, texts in _record_chunks(lines, chunk):
            keys = {(v.kind, v.record_id) for v in versions}
            mine = [m for k in sorted(keys & markers.keys()) for m in markers.pop(k)]
            _add(total, apply_merge(conn, versions, mine, texts, assume_new=True, staged=True))
        rest = [m for k in sorted(markers) for m in markers[k]]
        if rest:  # markers for records with no new version in this bundle
            _add(total, apply_merge(conn, [], rest, assume_new=True, staged=True))
        _stage_terms(conn, start=False)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(previous)}")
    total.new_records = sorted(set(total.new_records))
    total.changed_records = sorted(set(total.changed_records))
    total.conflicts = [k for k in sorted(set(total.conflicts))
                       if len(records.head_ids(conn, *k)) > 1]
    total.deletions = [k for k in sorted(set(total.deletions) - set(total.new_records))
                       if _reads_deleted(conn, k)]
    return total


def _record_chunks(lines: Sequence[bytes], size: int
                   ) -> Iterator[tuple[list[Version], dict[str, str]]]:
    """Decoded chunks of about ``size`` versions, cut only where the record changes."""
    from frontdesk.sync.bundle import parse_line

    versions: list[Version] = []
    texts: dict[str, str] = {}
    for line in lines:
        v, text = parse_line(line)
        if len(versions) >= size and (v.kind, v.record_id) != (versions[-1].kind,
                                                                versions[-1].record_id):
            yield versions, texts
            versions, texts = [], {}
        versions.append(v)
        texts[v.version_id] = text
    if versions:
        yield versions, texts


def _add(total: MergeReport, rep: MergeReport) -> None:
    total.new_versions += rep.new_versions
    total.already_known += rep.already_known
    total.new_purges += rep.new_purges
    total.purged_versions += rep.purged_versions
    if rep.max_hlc is not None and (total.max_hlc is None or rep.max_hlc > total.max_hlc):
        total.max_hlc = rep.max_hlc
    # sorted, made unique and checked against the final store once, at the end
    total.new_records.extend(rep.new_records)
    total.changed_records.extend(rep.changed_records)
    total.conflicts.extend(rep.conflicts)
    total.deletions.extend(rep.deletions)


_STAGE = "import_terms"


def _stage_terms(conn: sqlite3.Connection, *, start: bool) -> None:
    """Open (``start``) or flush the temporary table of search keys to add.

    While it is open, :func:`project_visits` (called with ``staged=True``) collects new keys
    there instead of inserting them one batch at a time; the flush inserts them all in key
    order, in one pass over the index.
    """
    if start:
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE}(term TEXT, visit_id TEXT)")
        conn.execute(f"DELETE FROM temp.{_STAGE}")
        return
    conn.execute(f"INSERT OR IGNORE INTO visit_terms(term, visit_id) SELECT term, visit_id"
                 f" FROM temp.{_STAGE} WHERE true ORDER BY term, visit_id")
    conn.execute(f"DELETE FROM temp.{_STAGE}")


def _reads_deleted(conn: sqlite3.Connection, key: RecordKey) -> bool:
    win, _n = records.current(conn, *key)
    return win is None or win.deleted


def _bulk_visits() -> bool:
    """True while visits use the standard projection (so the bulk path writes the same rows)."""
    from frontdesk.storage.visits import VisitProjection

    return isinstance(records.projection("visit"), VisitProjection)


def project_visits(conn: sqlite3.Connection,
                   items: Sequence[tuple[str, str, Version | None, int]],
                   text_of: Callable[[Version], str] | None = None,
                   staged: bool = False) -> None:
    """The rows :class:`~frontdesk.storage.visits.VisitProjection` writes, for many visits at once.

    Old search keys are recomputed from the stored rows (no index by entry is needed); only the
    keys that change are deleted or inserted, in key order.
    """
    from frontdesk.domain.register.search import visit_terms
    from frontdesk.storage.visits import _utc, old_terms

    encode = text_of or (lambda v: canonical_json(dict(v.payload)))
    old = old_terms(conn, [rid for _k, rid, _w, _n in items])
    gone = sorted((rid,) for _k, rid, win, _n in items if (win is None or win.deleted) and rid in old)
    rows, add, drop = [], [], []
    for _k, rid, win, n in items:
        before = old.get(rid, set())
        if win is None or win.deleted:
            drop.extend((t, rid) for t in before)
            continue
        p = win.payload
        rows.append((rid, p.get("kind") or "visitor", _utc(p.get("time_in")),
                     _utc(p.get("time_out")), win.version_id, int(n > 1), encode(win)))
        now = visit_terms(p)
        drop.extend((t, rid) for t in before - now)
        add.extend((t, rid) for t in now - before)
    conn.executemany("DELETE FROM visit_terms WHERE term = ? AND visit_id = ?", sorted(drop))
    conn.executemany("DELETE FROM visits WHERE id = ?", gone)
    rows.sort()
    conn.executemany(
        "INSERT INTO visits(id, kind, time_in, time_out, head, conflict, payload)"
        " VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind,"
        " time_in=excluded.time_in, time_out=excluded.time_out, head=excluded.head,"
        " conflict=excluded.conflict, payload=excluded.payload", rows)
    if staged:
        conn.executemany(f"INSERT INTO temp.{_STAGE}(term, visit_id) VALUES (?, ?)", add)
    else:
        conn.executemany("INSERT OR IGNORE INTO visit_terms(term, visit_id) VALUES (?, ?)",
                         sorted(add))


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
