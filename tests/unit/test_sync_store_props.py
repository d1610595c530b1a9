"""Property tests: three real SQLite sites with skewed clocks exchanging bundles in random orders.

The SQLite store must agree with the reference model (:mod:`frontdesk.sync.merge`): the same
versions, heads and winners; merges idempotent and commutative; nothing lost; deletes and
purges never undone by an older bundle.
"""
from __future__ import annotations

import itertools
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.context import AppContext
from frontdesk.domain.sync.versioning import winner
from frontdesk.storage import records
from frontdesk.storage import sync as sync_store
from frontdesk.services.sync import SyncError
from frontdesk.storage.migrations import SCHEMA_VERSION
from frontdesk.sync.merge import MemoryStore, PurgeMarker, merge
from frontdesk.sync.reader import read_bundle
from tests.unit.sync_sites import add_visit, dump_hash, make_site, sync

SKEWS = (0, -90, 45)  # minutes: gate PCs with wrong clocks
SITE = st.integers(0, 2)
OPS = st.lists(st.one_of(
    st.tuples(st.just("add"), SITE, st.sampled_from(["张三", "李四", "=cmd"])),
    st.tuples(st.just("edit"), SITE, st.integers(0, 5), st.sampled_from(["晚到", "已离开"])),
    st.tuples(st.just("delete"), SITE, st.integers(0, 5)),
    st.tuples(st.just("purge"), SITE, st.integers(0, 5)),
    st.tuples(st.just("sync"), SITE, SITE),
), min_size=1, max_size=12)


def state(ctx: AppContext) -> tuple[Any, ...]:
    """Everything sync decides: versions (with blanked payloads), heads, purges, visible rows."""
    conn = ctx.require_db().read()
    q = lambda sql: sorted(tuple(r) for r in conn.execute(sql))  # noqa: E731
    return (q("SELECT version_id, payload, purged, deleted FROM versions"),
            q("SELECT kind, record_id, version_id FROM heads"),
            q("SELECT kind, record_id, before_hlc, fields FROM purges"),
            q("SELECT id, head, conflict, payload FROM visits"),
            q("SELECT term, visit_id FROM visit_terms"))


def _ids(ctx: AppContext) -> list[str]:
    conn = ctx.require_db().read()
    return [r[0] for r in conn.execute("SELECT DISTINCT record_id FROM versions ORDER BY record_id")]


class World:
    """Three sites in a temp folder and every bundle they wrote."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sites = [make_site(folder, f"s{i}", skew) for i, skew in enumerate(SKEWS)]
        self.bundles: list[Path] = []
        self.made: set[str] = set()

    def close(self) -> None:
        """Close every database."""
        for s in self.sites:
            s.close()

    def tick(self) -> None:
        """Every site's wall clock moves on a minute."""
        for s in self.sites:
            s.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]

    def export(self, i: int) -> Path:
        """Site ``i`` writes a full bundle."""
        path = self.folder / f"b{len(self.bundles)}.fdb"
        sync(self.sites[i]).export_bundle(path)
        self.bundles.append(path)
        return path

    def run(self, ops: list[tuple[Any, ...]]) -> None:
        """Apply the random history."""
        for op in ops:
            self.tick()
            s = self.sites[op[1]]
            ids = _ids(s)
            if op[0] == "add":
                add_visit(s, op[2], phone="13800138000")
            elif op[0] == "sync" and op[1] == op[2]:  # its own bundle: refused, nothing changes
                path = self.export(op[1])
                before = dump_hash(s)
                with pytest.raises(SyncError) as refused:
                    sync(s).import_bundle(path)
                assert refused.value.code == "own_bundle" and dump_hash(s) == before
            elif op[0] == "sync":
                sync(self.sites[op[2]]).import_bundle(self.export(op[1]))
            elif ids:
                self._change(s, op, ids[op[2] % len(ids)])
        for s in self.sites:
            conn = s.require_db().read()
            self.made.update(r[0] for r in conn.execute("SELECT version_id FROM versions"))

    def _change(self, s: AppContext, op: tuple[Any, ...], rid: str) -> None:
        with s.require_db().write() as conn:
            win, _n = records.current(conn, "visit", rid)
            if win is None or win.deleted:
                return
            now = s.clock.now()
            if op[0] == "edit":
                records.write(conn, "visit", rid, dict(win.payload) | {"notes": op[3]}, now)
            elif op[0] == "delete":
                records.write(conn, "visit", rid, {"edited_by": "sup"}, now, deleted=True)
            else:
                sync_store.store_purge(conn, PurgeMarker(
                    "visit", rid, win.hlc, ("phone",), now.isoformat(), "sup",
                    s.require_site().id))

    def converge(self) -> None:
        """Two rounds of every site sending to every other."""
        for _round in range(2):
            for a, b in itertools.permutations(range(3), 2):
                self.tick()
                sync(self.sites[b]).import_bundle(self.export(a))


def reference(paths: list[Path]) -> MemoryStore:
    """The reference model fed the same bundles."""
    store = MemoryStore()
    for p in paths:
        b = read_bundle(p, max_schema_version=SCHEMA_VERSION)
        merge(store, b.versions, b.purges)
    return store


PROPS = settings(max_examples=18, derandomize=True, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPS
@given(OPS)
def test_three_sqlite_sites_converge_like_the_reference_model(ops: list[tuple[Any, ...]]) -> None:
    """Same state everywhere, nothing lost, winners as the model picks, re-imports harmless."""
    with tempfile.TemporaryDirectory() as tmp:
        world = World(Path(tmp))
        try:
            world.run(ops)
            history = list(world.bundles)
            world.converge()
            states = [state(s) for s in world.sites]
            assert states[0] == states[1] == states[2]
            stored = {r[0] for r in states[0][0]}
            assert world.made <= stored  # no version lost
            model = reference(world.bundles[-6:])
            assert stored == set(model.versions)
            conn = world.sites[0].require_db().read()
            for kind, rid in model.records:
                win = winner(model.record_versions(kind, rid))
                assert win is not None
                row = conn.execute("SELECT head FROM visits WHERE id = ?", (rid,)).fetchone()
                assert (row is None) == win.deleted
                if row is not None:
                    assert row[0] == win.version_id
                    assert records.head_ids(conn, kind, rid) and len(
                        records.head_ids(conn, kind, rid)) == len(model.heads(kind, rid))
            purged = {r[0] for r in states[0][0] if r[2]}
            assert purged == model.purged
            # idempotent, and older bundles never undo deletes or purges
            for p in history + world.bundles:
                try:
                    sync(world.sites[0]).import_bundle(p)
                except SyncError as exc:  # site 0's own bundles
                    assert exc.code == "own_bundle"
            assert state(world.sites[0]) == states[0]
        finally:
            world.close()


@PROPS
@given(OPS, st.permutations([0, 1, 2]))
def test_import_order_does_not_matter(ops: list[tuple[Any, ...]], order: list[int]) -> None:
    """Two fresh sites importing the three sites' bundles in different orders end the same."""
    with tempfile.TemporaryDirectory() as tmp:
        world = World(Path(tmp))
        x = make_site(Path(tmp), "x", 7)
        y = make_site(Path(tmp), "y", -7)
        try:
            world.run(ops)
            paths = [world.export(i) for i in range(3)]
            for i in (0, 1, 2):
                sync(x).import_bundle(paths[i])
            for i in order:
                sync(y).import_bundle(paths[i])
            assert state(x) == state(y)
        finally:
            x.close()
            y.close()
            world.close()


def _comparable(report: Any) -> dict[str, Any]:
    out = dict(report.to_json())
    for key in ("dry_run", "file"):
        out.pop(key)
    return out


@PROPS
@given(OPS)
def test_an_import_in_chunks_is_the_same_as_one_import(ops: list[tuple[Any, ...]]) -> None:
    """Big bundles are merged a chunk at a time; with one version per chunk the store and the
    report (new, changed, conflicts, deletions, purges) are exactly those of the preview,
    which merges the whole bundle at once in the reference model."""
    with tempfile.TemporaryDirectory() as tmp:
        world = World(Path(tmp))
        whole = make_site(Path(tmp), "whole")
        parts = make_site(Path(tmp), "parts")
        try:
            world.run(ops)
            for i in range(3):
                path = world.export(i)
                expected = _comparable(sync(parts).preview(path))
                assert _comparable(sync(whole).import_bundle(path)) == expected
                previous, sync_store.IMPORT_CHUNK = sync_store.IMPORT_CHUNK, 1
                try:
                    assert _comparable(sync(parts).import_bundle(path)) == expected
                finally:
                    sync_store.IMPORT_CHUNK = previous
                assert state(parts) == state(whole)
        finally:
            for s in (*world.sites, whole, parts):
                s.close()
