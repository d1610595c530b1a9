"""Property tests of the merge model (research §1.5): three sites with wrong clocks edit, delete,
purge and resolve at random, and exchange bundles in random orders.

Each history is a list of operations drawn by hypothesis and replayed by :class:`World`. The
properties: idempotent, commutative, convergent, no version lost, deterministic winner, and
deletes and purges never undone by an older bundle. Deterministic (derandomized, no database).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from itertools import permutations
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from frontdesk.domain.sync.versioning import HybridClock, Version, canonical_json
from frontdesk.sync.bundle import BundleMeta, write_bundle
from frontdesk.sync.reader import read_bundle
from frontdesk.sync.merge import (
    MemoryStore,
    PurgeMarker,
    conflicts,
    current,
    delete,
    edit,
    merge,
    preview,
    purge,
    purges_for_export,
    resolve,
    versions_for_peer,
)

SITES = ("site-a", "site-b", "site-c")
FIELDS = ("name", "phone", "note")
T0 = 1_795_000_000_000  # ms, late 2026
DAY = 86_400_000
Export = tuple[list[Version], list[PurgeMarker]]

PROPS = settings(max_examples=60, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

VALUES = (None, "张三", "李四", "13800000000", "3栋", "=cmd", "")
# One operation: a name (repeated names weight the draw towards edits and exchanges), a site,
# another site, and a number from which World.run derives the rest (which record, field, value,
# wait...). Few draws per operation keep generation cheap.
NAMES = ("create",) * 3 + ("edit",) * 6 + ("sync",) * 5 + (
    "delete", "purge", "resolve", "resolve", "snapshot", "old", "wait")
op = st.tuples(st.sampled_from(NAMES), st.integers(0, 2), st.integers(0, 2),
               st.integers(0, 1_000_000))
# Each site's PC clock is wrong by up to two days either way.
history = st.tuples(st.lists(st.integers(-2 * DAY, 2 * DAY), min_size=3, max_size=3),
                    st.lists(op, min_size=20, max_size=60))
exchange_order = st.permutations([(s, d) for s in range(3) for d in range(3) if s != d])


@dataclass
class Site:
    """One site: its store, its HLC and how wrong its wall clock is."""

    name: str
    skew_ms: int
    store: MemoryStore = field(default_factory=MemoryStore)
    clock: HybridClock = field(init=False)

    def __post_init__(self) -> None:
        self.clock = HybridClock(self.name)
        self.now = T0  # the true time this site last saw (its own clock adds skew_ms)

    def stamp(self, true_now: int) -> str:
        """A fresh HLC stamp from this site's wrong wall clock."""
        self.now = max(self.now, true_now)
        return self.clock.tick(true_now + self.skew_ms)

    def export(self, peer: Site | None = None) -> Export:
        """Everything (or what ``peer`` lacks) plus all purge markers."""
        seen = set(peer.store.versions) if peer is not None else None
        return versions_for_peer(self.store, seen), purges_for_export(self.store)

    def receive(self, bundle: Export) -> None:
        """Merge a bundle and move the clock past what it held."""
        report = merge(self.store, *bundle)
        if report.max_hlc is not None:
            self.clock.observe(report.max_hlc, self.now + self.skew_ms)


@dataclass
class World:
    """Three sites replaying one generated history."""

    skews: list[int]
    sites: list[Site] = field(init=False)
    now: int = T0
    created: set[str] = field(default_factory=set)
    snapshots: list[Export] = field(default_factory=list)
    serial: int = 0

    def __post_init__(self) -> None:
        self.sites = [Site(n, s) for n, s in zip(SITES, self.skews, strict=True)]

    def run(self, ops: list[tuple[Any, ...]]) -> World:
        """Replay ``ops``; an op that does not apply (nothing to edit, ...) does nothing."""
        for name, site, other, n in ops:
            self.now += 1_000
            s = self.sites[site]
            fld, val = FIELDS[n % 3], VALUES[n // 3 % len(VALUES)]
            fields = {f for j, f in enumerate(FIELDS) if n >> j & 1} or {"phone"}
            if name == "create":
                self._create(s, site, "visit" if n % 2 else "contact", val or "")
            elif name == "edit":
                self._edit(s, n, fld, val)
            elif name == "delete":
                self._delete(s, n)
            elif name == "purge":
                self._purge(s, n, fields)
            elif name == "resolve":
                self._resolve(s, n, val)
            elif name == "sync":
                self._sync(site, other, incremental=bool(n & 8))
            elif name == "snapshot":
                self.snapshots.append(s.export())
            elif name == "old" and self.snapshots:
                s.receive(self.snapshots[n % len(self.snapshots)])
            elif name == "wait":
                self.now += n * 10  # up to ~3 hours
        return self

    def _record(self, site: Site, n: int, live_only: bool) -> tuple[str, str] | None:
        keys = sorted(k for k in site.store.records
                      if not live_only or current(site.store, *k) is not None)
        return keys[n % len(keys)] if keys else None

    def _create(self, s: Site, i: int, kind: str, val: str) -> None:
        self.serial += 1
        payload = {"name": val, "phone": f"1390000{self.serial:04d}", "note": None}
        rid = f"{self.serial:08d}-0000-4000-8000-{i:012d}"
        self.created.add(edit(s.store, kind, rid, payload, s.stamp(self.now), s.name).version_id)

    def _edit(self, s: Site, n: int, fld: str, val: str | None) -> None:
        if key := self._record(s, n, live_only=True):
            payload = dict(current(s.store, *key) or {}) | {fld: val}
            v = edit(s.store, *key, payload, s.stamp(self.now), s.name)
            self.created.add(v.version_id)

    def _delete(self, s: Site, n: int) -> None:
        if key := self._record(s, n, live_only=True):
            self.created.add(delete(s.store, *key, s.stamp(self.now), s.name).version_id)

    def _purge(self, s: Site, n: int, fields: set[str]) -> None:
        if key := self._record(s, n, live_only=False):
            purge(s.store, *key, s.stamp(self.now), sorted(fields), at=str(self.now),
                  by="supervisor", origin=s.name)

    def _resolve(self, s: Site, n: int, val: str | None) -> None:
        if open_ := conflicts(s.store):
            key = open_[n % len(open_)]
            payload = None if val is None else {"name": val, "phone": None, "note": "resolved"}
            self.created.add(resolve(s.store, *key, payload, s.stamp(self.now), s.name).version_id)

    def _sync(self, src: int, dst: int, incremental: bool) -> None:
        if src != dst:
            peer = self.sites[dst] if incremental else None
            self.sites[dst].receive(self.sites[src].export(peer))

    def exchange(self, order: list[tuple[int, int]]) -> None:
        """Every site sends to every other once, in ``order``: enough for everyone to have all."""
        for src, dst in order:
            self._sync(src, dst, incremental=False)


@dataclass
class _Bundle:
    """A bundle in memory, for :func:`preview`."""

    versions: list[Version]
    purges: list[PurgeMarker]


def note_coverage(world: World) -> None:
    """Label the example so ``--hypothesis-show-statistics`` shows what the histories exercise."""
    for site in world.sites:
        store = site.store
        heads = [store.heads(*k) for k in store.records]
        if any(len(hs) > 1 for hs in heads):
            event("conflict")
        if any(len(hs) > 1 and any(v.deleted for v in hs) for hs in heads):
            event("delete-vs-edit conflict")
        if any(hs[0].deleted for hs in heads):
            event("deleted record")
        if store.purged:
            event("purged version")
    if world.snapshots:
        event("old bundle available")


def fingerprint(store: MemoryStore) -> tuple[frozenset[Any], ...]:
    """Everything stored: versions with their (possibly blanked) payloads, markers, purged ids."""
    versions = frozenset((i, canonical_json(dict(v.payload))) for i, v in store.versions.items())
    return versions, frozenset(store.purges), frozenset(store.purged)


def view(store: MemoryStore) -> dict[tuple[str, str], tuple[str, str | None, bool]]:
    """What the app shows per record: winner id, current payload, conflict flag."""
    out = {}
    for key in store.records:
        hs = store.heads(*key)
        shown = current(store, *key)
        out[key] = (hs[0].version_id, None if shown is None else canonical_json(shown), len(hs) > 1)
    return out


def assert_purges_hold(store: MemoryStore) -> None:
    """Every version a marker covers has the marker's fields blank, and is flagged purged."""
    for m in store.purges:
        for v in store.record_versions(m.kind, m.record_id):
            if m.covers(v):
                assert all(v.payload.get(f) is None for f in m.fields), (m, v)
                assert store.is_purged(v.version_id)


def descends_from(target: str, start: Version, known: dict[str, Version]) -> bool:
    """True if ``start`` has ``target`` among its ancestors (or is it)."""
    todo, seen = [start.version_id], set()
    while todo:
        vid = todo.pop()
        if vid == target:
            return True
        if vid not in seen and vid in known:
            seen.add(vid)
            todo.extend(known[vid].parents)
    return False


@PROPS
@given(history)
def test_merging_the_same_bundle_twice_changes_nothing(h: tuple[list[int], list[Any]]) -> None:
    world = World(h[0]).run(h[1])
    for dst in world.sites:
        for src in world.sites:
            store = dst.store.copy()
            bundle = src.export()
            merge(store, *bundle)
            once = fingerprint(store)
            again = merge(store, *bundle)
            assert fingerprint(store) == once
            assert (again.new_versions, again.new_purges, again.purged_versions) == (0, 0, 0)
            assert not (again.new_records or again.changed_records or again.deletions)


@PROPS
@given(history)
def test_bundle_order_does_not_matter(h: tuple[list[int], list[Any]]) -> None:
    world = World(h[0]).run(h[1])
    a, b, c = world.sites
    bundles = [b.export(), c.export()] + world.snapshots[-2:]
    results = set()
    for order in permutations(bundles):
        store = a.store.copy()
        for bundle in order:
            merge(store, *bundle)
        results.add((fingerprint(store), tuple(sorted(view(store).items()))))
    assert len(results) == 1


@PROPS
@given(history, exchange_order)
def test_sites_converge_and_lose_no_version(
    h: tuple[list[int], list[Any]], order: list[tuple[int, int]]
) -> None:
    world = World(h[0]).run(h[1])
    note_coverage(world)
    world.exchange(order)
    note_coverage(world)
    stores = [s.store for s in world.sites]
    for store in stores:
        assert set(store.versions) == world.created  # every version made anywhere, nothing else
        assert fingerprint(store) == fingerprint(stores[0])
        assert view(store) == view(stores[0])
        assert conflicts(store) == conflicts(stores[0])
        assert_purges_hold(store)


@PROPS
@given(history, exchange_order)
def test_conflict_winner_is_the_highest_hlc_then_id_everywhere(
    h: tuple[list[int], list[Any]], order: list[tuple[int, int]]
) -> None:
    world = World(h[0]).run(h[1])
    world.exchange(order)
    for site in world.sites:
        for key in site.store.records:
            versions = site.store.record_versions(*key)
            named = {p for v in versions for p in v.parents}
            leaves = [v for v in versions if v.version_id not in named]
            best = max(leaves, key=lambda v: (v.hlc, v.version_id))
            shown = current(site.store, *key)
            assert shown == (None if best.deleted else dict(best.payload))
            assert (key in conflicts(site.store)) == (len(leaves) > 1)


@PROPS
@given(history)
def test_an_older_bundle_never_brings_back_purged_fields(h: tuple[list[int], list[Any]]) -> None:
    last = [("snapshot", i, 0, 0) for i in range(3)]
    world = World(h[0]).run(h[1] + last)
    for site in world.sites:
        assert_purges_hold(site.store)
        for old in world.snapshots:
            store = site.store.copy()
            report = preview(store, _Bundle(*old))
            merge(store, *old)
            assert_purges_hold(store)
            assert store.purged >= site.store.purged
            assert report.new_versions == len(set(store.versions) - set(site.store.versions))


@PROPS
@given(history)
def test_an_older_bundle_never_undoes_a_delete(h: tuple[list[int], list[Any]]) -> None:
    world = World(h[0]).run(h[1])
    note_coverage(world)
    for site in world.sites:
        for old in world.snapshots:
            store = site.store.copy()
            merge(store, *old)
            known = store.versions
            for key in site.store.records:
                tomb = site.store.heads(*key)[0]
                if not tomb.deleted:
                    continue
                if any(descends_from(tomb.version_id, v, known) for v in old[0]
                       if v.version_id != tomb.version_id):
                    continue  # the bundle holds a later decision (a resolve), not an older state
                assert tomb.version_id in {v.version_id for v in store.heads(*key)}
                assert current(store, *key) is None or key in conflicts(store)


@settings(PROPS, max_examples=15)
@given(history)
def test_bundle_files_carry_the_same_state_as_memory(h: tuple[list[int], list[Any]]) -> None:
    world = World(h[0]).run(h[1])
    with tempfile.TemporaryDirectory() as folder:
        for i, site in enumerate(world.sites):
            path = Path(folder) / f"{i}.fdb.zip"
            write_bundle(path, *site.export(), BundleMeta(1, site.name, site.name))
            read = read_bundle(path, max_schema_version=1)
            via_file, via_memory = MemoryStore(), MemoryStore()
            merge(via_file, read.versions, read.purges)
            merge(via_memory, *site.export())
            assert fingerprint(via_file) == fingerprint(via_memory) == fingerprint(site.store)
            assert read.purged_version_ids <= site.store.purged




# ------------------------------------------------------------------------- worked examples


def _pair(skew_b: int = 0) -> tuple[Site, Site]:
    return Site("site-a", 0), Site("site-b", skew_b)


def test_delete_vs_concurrent_edit_is_a_conflict_until_a_supervisor_resolves() -> None:
    a, b = _pair()
    v1 = edit(a.store, "contact", "r1", {"name": "张三", "phone": "138"}, a.stamp(T0), a.name)
    b.receive(a.export())
    tomb = delete(a.store, "contact", "r1", a.stamp(T0 + 1_000), a.name)
    later = edit(b.store, "contact", "r1", {"name": "张三", "phone": "139"}, b.stamp(T0 + 2_000),
                 b.name)
    b.receive(a.export())
    a.receive(b.export())
    for s in (a, b):
        assert conflicts(s.store) == [("contact", "r1")]
        assert [h.version_id for h in s.store.heads("contact", "r1")] == [
            later.version_id, tomb.version_id]  # higher hlc first: the edit is shown
        assert current(s.store, "contact", "r1") == {"name": "张三", "phone": "139"}
        assert v1.version_id in s.store
    fix = resolve(a.store, "contact", "r1", None, a.stamp(T0 + 3_000), a.name)
    assert set(fix.parents) == {later.version_id, tomb.version_id} and fix.deleted
    b.receive(a.export())
    assert conflicts(b.store) == [] and current(b.store, "contact", "r1") is None


def test_an_old_bundle_does_not_resurrect_a_deleted_record() -> None:
    a, b = _pair()
    edit(a.store, "visit", "r1", {"name": "张三"}, a.stamp(T0), a.name)
    edit(a.store, "visit", "r1", {"name": "张三", "note": "checked out"}, a.stamp(T0 + 1), a.name)
    old = a.export()
    delete(a.store, "visit", "r1", a.stamp(T0 + 2), a.name)
    b.receive(a.export())
    for s in (a, b):
        report = merge(s.store, *old)
        assert report.new_versions == 0 or report.deletions == []
        assert current(s.store, "visit", "r1") is None and conflicts(s.store) == []
    fresh = MemoryStore()  # order does not matter either: delete first, then the old bundle
    merge(fresh, *b.export())
    merge(fresh, *old)
    assert current(fresh, "visit", "r1") is None and conflicts(fresh) == []


def test_a_purge_survives_an_old_bundle_and_keeps_version_ids() -> None:
    a, b = _pair()
    v = edit(a.store, "visit", "r1", {"name": "张三", "id_number": "11010519491231002X"},
             a.stamp(T0), a.name)
    old = a.export()
    b.receive(old)
    marker = purge(a.store, "visit", "r1", a.stamp(T0 + 1), ["id_number"], at="2026-11-22",
                   by="supervisor", origin=a.name)
    b.receive(a.export())
    for s in (a, b):
        merge(s.store, *old)
        stored = s.store.versions[v.version_id]
        assert stored.payload == {"name": "张三", "id_number": None}
        assert s.store.is_purged(v.version_id) and s.store.purges == {marker}
    c = MemoryStore()  # the old bundle first, the marker later, or the other way round
    merge(c, *a.export())
    merge(c, *old)
    assert c.versions[v.version_id].payload["id_number"] is None
    later = edit(a.store, "visit", "r1", {"name": "张三", "id_number": "110105194912310037"},
                 a.stamp(T0 + 2), a.name)
    assert not a.store.is_purged(later.version_id)  # the marker covers only older versions


def test_an_edit_made_after_an_import_supersedes_even_on_a_slow_clock() -> None:
    a, b = _pair(skew_b=-3_600_000)  # site B's PC is an hour behind
    first = edit(a.store, "incident", "r1", {"status": "open"}, a.stamp(T0), a.name)
    b.receive(a.export())
    mine = edit(b.store, "incident", "r1", {"status": "closed"}, b.stamp(T0 + 1_000), b.name)
    a.receive(b.export())
    assert conflicts(a.store) == [] and current(a.store, "incident", "r1") == {"status": "closed"}
    assert mine.parents == (first.version_id,) and mine.hlc > first.hlc  # HLC, not wall clock


def test_editing_a_conflicted_record_keeps_the_conflict_for_the_supervisor() -> None:
    a, b = _pair()
    edit(a.store, "contact", "r1", {"phone": "1"}, a.stamp(T0), a.name)
    b.receive(a.export())
    edit(a.store, "contact", "r1", {"phone": "2"}, a.stamp(T0 + 1), a.name)
    edit(b.store, "contact", "r1", {"phone": "3"}, b.stamp(T0 + 1), b.name)
    a.receive(b.export())
    edit(a.store, "contact", "r1", {"phone": "4"}, a.stamp(T0 + 2), a.name)
    assert conflicts(a.store) == [("contact", "r1")]
    assert current(a.store, "contact", "r1") == {"phone": "4"}


def test_merge_report_and_preview_describe_the_same_change() -> None:
    a, b = _pair()
    edit(a.store, "visit", "r1", {"name": "x"}, a.stamp(T0), a.name)
    edit(a.store, "visit", "r2", {"name": "y"}, a.stamp(T0 + 1), a.name)
    b.receive(a.export())
    delete(a.store, "visit", "r1", a.stamp(T0 + 2), a.name)
    edit(a.store, "visit", "r2", {"name": "y2"}, a.stamp(T0 + 3), a.name)
    edit(a.store, "visit", "r3", {"name": "z"}, a.stamp(T0 + 4), a.name)
    purge(a.store, "visit", "r2", a.stamp(T0 + 5), ["name"], at="t", by="s", origin=a.name)
    bundle = _Bundle(*a.export())
    before = fingerprint(b.store)
    planned = preview(b.store, bundle)
    assert fingerprint(b.store) == before
    report = merge(b.store, bundle.versions, bundle.purges)
    assert report == planned
    assert (report.new_versions, report.already_known) == (3, 2)
    assert report.new_records == [("visit", "r3")]
    assert report.changed_records == [("visit", "r1"), ("visit", "r2")]
    assert report.deletions == [("visit", "r1")] and report.conflicts == []
    assert (report.new_purges, report.purged_versions) == (1, 2)
    assert report.max_hlc == max([v.hlc for v in bundle.versions] + [bundle.purges[0].before_hlc])


def test_versions_for_peer_sends_only_what_the_peer_lacks_in_causal_order() -> None:
    a, b = _pair()
    v1 = edit(a.store, "visit", "r1", {"name": "x"}, a.stamp(T0), a.name)
    b.receive(a.export())
    v2 = edit(a.store, "visit", "r1", {"name": "y"}, a.stamp(T0 + 1), a.name)
    assert versions_for_peer(a.store, set(b.store.versions)) == [a.store.versions[v2.version_id]]
    assert [v.version_id for v in versions_for_peer(a.store)] == [v1.version_id, v2.version_id]
