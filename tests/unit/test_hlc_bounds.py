"""No bundle can cut a site off (issue 16, point 3).

A version stamped ``999999999999999-999999`` used to be accepted; the site's clock jumped there,
its next stamp got a 7-digit counter every reader refuses, and every bundle it wrote from then
on was refused everywhere. Now: stamps the format cannot carry forward are refused at import,
naming the record; stamps far ahead are stored but do not drag the clock beyond a bounded
drift; the counter never outgrows its width; whatever a site accepted, its next bundle is read
by every peer.
"""
from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.context import AppContext
from frontdesk.domain.sync.kinds import SYNCED_KINDS
from frontdesk.domain.sync.versioning import (
    HLC_MAX_MS,
    MAX_COUNTER,
    MAX_DRIFT_MS,
    HybridClock,
    format_hlc,
    make_version,
    parse_hlc,
)
from frontdesk.services.sync import SyncError
from frontdesk.storage import records
from frontdesk.storage.migrations import SCHEMA_VERSION
from frontdesk.sync.bundle import (
    MANIFEST,
    PURGES,
    VERSIONS,
    BundleError,
    BundleMeta,
    version_to_json,
    write_bundle,
)
from frontdesk.sync.reader import read_bundle
from tests.unit.sync_sites import T0, add_visit, dump_hash, make_site, sync

NOW_MS = int(T0.timestamp() * 1000)
READABLE = r"[0-9]{15}-[0-9]{6}-"


def _clock_of(ctx: AppContext) -> tuple[int, int]:
    conn = ctx.require_db().read()
    clock = records._clock(conn)
    return clock.wall_ms, clock.counter


def _forged(path: Path, stamps: list[tuple[int, int]]) -> Path:
    """A bundle from another site whose versions carry ``stamps`` (wall ms, counter), true
    content ids and a true manifest: only the stamps are unusual. Written by hand because the
    writer refuses stamps no reader accepts."""
    site = "site-far-away"
    lines = b""
    for i, (ms, counter) in enumerate(stamps):
        hlc = f"{ms:015d}-{counter:06d}-{site}"
        v = make_version("visit", f"far-{i}", [], hlc, site,
                         {"kind": "visitor", "name": f"远方{i}", "time_in": T0.isoformat()})
        lines += (version_to_json(v) + "\n").encode()
    members = {VERSIONS: lines, PURGES: b""}
    manifest = {"format": "frontdesk-bundle", "format_version": 1,
                "schema_version": SCHEMA_VERSION, "app_version": "0", "bundle_id": path.name,
                "created_at": "2026-11-22T02:00:00Z", "for_peer": None, "audit_head": None,
                "source_site": {"id": site, "name": "远方"},
                "counts": {"versions": len(stamps), "purges": 0,
                           "by_kind": {"visit": len(stamps)} if stamps else {}},
                "members": [{"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                            for n, d in members.items()]}
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr(MANIFEST, json.dumps(manifest))
    return path


# ------------------------------------------------------------------------------ the clock


def test_the_counter_never_outgrows_its_six_digits() -> None:
    clock = HybridClock("s", wall_ms=NOW_MS, counter=MAX_COUNTER - 1)
    assert clock.tick(NOW_MS - 5) == format_hlc(NOW_MS, MAX_COUNTER, "s")
    assert clock.tick(NOW_MS - 5) == format_hlc(NOW_MS + 1, 0, "s")  # the next millisecond
    assert clock.tick(NOW_MS - 5) == format_hlc(NOW_MS + 1, 1, "s")


def test_a_far_future_stamp_does_not_drag_the_clock() -> None:
    clock = HybridClock("s", wall_ms=NOW_MS, counter=3)
    ahead = NOW_MS + MAX_DRIFT_MS
    assert clock.observe(format_hlc(ahead, 7, "x"), NOW_MS)  # within the bound: followed
    assert (clock.wall_ms, clock.counter) == (ahead, 7)
    assert not clock.observe(format_hlc(ahead + 1, 0, "x"), NOW_MS)  # beyond: not followed
    assert not clock.observe("999999999999999-999999-x", NOW_MS)
    assert (clock.wall_ms, clock.counter) == (ahead, 7)


def test_a_clock_left_at_the_end_of_the_format_starts_again_from_the_pc_time() -> None:
    """A site an older version let follow ``999999999999999-999999`` writes readable stamps."""
    clock = HybridClock("s", wall_ms=10**15 - 1, counter=MAX_COUNTER)
    assert clock.tick(NOW_MS) == format_hlc(NOW_MS, 0, "s")
    broken = HybridClock("s", wall_ms=NOW_MS, counter=10**6 + 5)  # a 7-digit counter
    assert parse_hlc(broken.tick(NOW_MS))[1] <= MAX_COUNTER


def test_no_stamp_the_readers_refuse_can_be_made() -> None:
    with pytest.raises(ValueError):
        format_hlc(HLC_MAX_MS + 1, 0, "s")
    with pytest.raises(ValueError):
        format_hlc(NOW_MS, MAX_COUNTER + 1, "s")


def test_every_synced_kind_has_a_place_in_the_store() -> None:
    """The kinds a bundle may carry are exactly the kinds the store keeps tables for."""
    records.load_projections()
    assert all(records.projection(kind) is not None for kind in SYNCED_KINDS)


# ------------------------------------------------------------------------------ real sites


def test_a_stamp_beyond_the_format_is_refused_naming_the_record(tmp_path: Path) -> None:
    site = make_site(tmp_path, "a")
    try:
        before, clock = dump_hash(site), _clock_of(site)
        bad = _forged(tmp_path / "bad.fdb", [(NOW_MS, 0), (10**15 - 1, MAX_COUNTER)])
        with pytest.raises(SyncError) as info:
            sync(site).import_bundle(bad)
        assert info.value.code == "bad_stamp"
        assert "'far-1'" in info.value.message and "999999999999999-999999" in info.value.message
        assert dump_hash(site) == before and _clock_of(site) == clock
    finally:
        site.close()


def test_a_far_ahead_version_is_kept_but_the_clock_stays_near_the_pc_time(
        tmp_path: Path) -> None:
    """Year 2100 is data (shown, kept) but this site's next stamps stay near its own time,
    and the bundle it then writes is read by a peer."""
    a, peer = make_site(tmp_path, "a"), make_site(tmp_path, "peer")
    try:
        y2100 = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp() * 1000)
        near = NOW_MS + 60_000
        report = sync(a).import_bundle(_forged(tmp_path / "far.fdb", [(y2100, 0), (near, 4)]))
        assert report.merge.new_versions == 2
        assert _clock_of(a) == (near, 4)  # followed the near stamp, not the far one
        add_visit(a, "王五")
        wall, _counter = _clock_of(a)
        assert wall <= NOW_MS + MAX_DRIFT_MS
        sync(a).export_bundle(tmp_path / "a.fdb")
        assert sync(peer).import_bundle(tmp_path / "a.fdb").merge.new_versions == 3
    finally:
        a.close()
        peer.close()


def test_a_version_already_stored_with_an_unreadable_stamp_stops_the_export_by_name(
        tmp_path: Path) -> None:
    """Stored before this fix: the export refuses to write a bundle every peer would refuse."""
    a = make_site(tmp_path, "a")
    try:
        vid = add_visit(a, "赵六")
        with a.require_db().write() as conn:
            conn.execute("UPDATE versions SET hlc = ? WHERE record_id = ?",
                         ("000001795000000-1000000-x", vid))
        with pytest.raises(SyncError) as info:
            sync(a).export_bundle(tmp_path / "a.fdb")
        assert info.value.code == "bad_stamp" and vid in info.value.message
        assert not (tmp_path / "a.fdb").exists()
    finally:
        a.close()


# ------------------------------------------------------------------------------ property

WALLS = st.one_of(
    st.sampled_from([0, 1, NOW_MS, NOW_MS + MAX_DRIFT_MS, NOW_MS + MAX_DRIFT_MS + 1,
                     HLC_MAX_MS - 1, HLC_MAX_MS, HLC_MAX_MS + 1, 10**15 - 1]),
    st.integers(0, 10**15 - 1),
)
STAMPS = st.tuples(WALLS, st.sampled_from([0, 1, MAX_COUNTER - 1, MAX_COUNTER]))


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(STAMPS, min_size=1, max_size=4), min_size=1, max_size=3))
def test_whatever_mix_of_extreme_stamps_is_imported_the_next_bundle_is_readable(
        bundles: list[list[tuple[int, int]]]) -> None:
    """Import any mix (each bundle accepted whole or refused whole), then write locally and
    export: the bundle is read by a peer, and the clock is never beyond the drift bound."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        a = make_site(folder, "a")
        try:
            for i, stamps in enumerate(bundles):
                path = _forged(folder / f"in{i}.fdb", stamps)
                beyond = any(ms > HLC_MAX_MS for ms, _c in stamps)
                before = dump_hash(a)
                try:
                    sync(a).import_bundle(path)
                    assert not beyond
                except SyncError as exc:
                    assert beyond and exc.code == "bad_stamp", exc.message
                    assert dump_hash(a) == before
                a.clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
            add_visit(a, "钱七")
            wall, counter = _clock_of(a)
            now = int(a.clock.now().timestamp() * 1000)
            assert wall <= now + MAX_DRIFT_MS and counter <= MAX_COUNTER
            out = sync(a).export_bundle(folder / "out.fdb").path
            bundle = read_bundle(out, max_schema_version=SCHEMA_VERSION)  # as any peer reads
            assert all(_is_readable(v.hlc) for v in bundle.versions)
        finally:
            a.close()


def _is_readable(stamp: str) -> bool:
    return re.match(READABLE, stamp) is not None and int(stamp[:15]) <= HLC_MAX_MS


def test_writer_refuses_an_unreadable_stamp(tmp_path: Path) -> None:
    v = make_version("visit", "r1", [], "000001795000000-1000000-x", "x", {"name": "x"})
    meta = BundleMeta(schema_version=1, site_id="x", site_name="x")
    with pytest.raises(BundleError) as info:
        write_bundle(tmp_path / "b.fdb", [v], [], meta)
    assert info.value.code == "bad_stamp" and not (tmp_path / "b.fdb").exists()
    assert not list(tmp_path.iterdir())
