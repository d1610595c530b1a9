"""The bundle file: a round trip, and one refusal per kind of bad input (research §1.2, §1.4)."""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.domain.sync.versioning import (
    HybridClock,
    Version,
    canonical_json,
    make_version,
    version_hash,
)
from frontdesk.sync.bundle import (
    MANIFEST,
    PURGES,
    VERSIONS,
    BundleError,
    BundleMeta,
    Limits,
    version_to_json,
    write_bundle,
)
from frontdesk.sync.reader import read_bundle
from frontdesk.sync.merge import (
    MemoryStore,
    delete,
    edit,
    purge,
    purges_for_export,
    versions_for_peer,
)

SITE = "site-dongmen"
META = BundleMeta(schema_version=3, site_id=SITE, site_name="东门岗", for_peer="site-hq",
                  audit_head="ab" * 32, created_at=datetime(2026, 11, 22, 2, 0, tzinfo=UTC),
                  bundle_id="3f9a1c2e-0000-4000-8000-000000000001")


def _store() -> MemoryStore:
    """Two records: one edited then deleted, one with a purged phone number."""
    store, clock = MemoryStore(), HybridClock(SITE)
    edit(store, "visit", "r1", {"name": "张三", "phone": "13800000001"}, clock.tick(1000), SITE)
    edit(store, "visit", "r1", {"name": "张三", "phone": "13800000002"}, clock.tick(2000), SITE)
    delete(store, "visit", "r1", clock.tick(3000), SITE, {"reason": "void"})
    edit(store, "contact", "r2", {"name": "李四", "phone": "13900000000"}, clock.tick(4000), SITE)
    return store


@pytest.fixture
def bundle_path(tmp_path: Path) -> Path:
    """A good bundle of :func:`_store`."""
    store = _store()
    path = tmp_path / "fd_dongmen.fdb.zip"
    write_bundle(path, versions_for_peer(store), purges_for_export(store), META)
    return path


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def _refresh_manifest(members: dict[str, bytes]) -> dict[str, bytes]:
    """Recompute sizes and hashes in the manifest, as a careful forger would."""
    m = json.loads(members[MANIFEST])
    for entry in m["members"]:
        data = members[entry["name"]]
        entry["size"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    members[MANIFEST] = canonical_json(m).encode()
    return members


def _refused(path: Path, code: str, limits: Limits | None = None) -> BundleError:
    with pytest.raises(BundleError) as info:
        read_bundle(path, max_schema_version=3, limits=limits or Limits())
    assert info.value.code == code, info.value.message
    return info.value


def test_round_trip_keeps_every_version_marker_and_manifest_field(bundle_path: Path) -> None:
    store = _store()
    b = read_bundle(bundle_path, max_schema_version=3)
    assert {v.version_id: v for v in b.versions} == store.versions
    assert b.purges == [] and b.purged_version_ids == frozenset()
    assert b.bundle_id == META.bundle_id and b.schema_version == 3
    assert b.source_site == (SITE, "东门岗") and b.for_peer == "site-hq"
    assert b.audit_head == "ab" * 32 and b.created_at == META.created_at
    m = b.manifest
    assert (m["format"], m["format_version"]) == ("frontdesk-bundle", 1)
    assert m["counts"] == {"versions": 4, "purges": 0, "by_kind": {"contact": 1, "visit": 3}}
    assert [e["name"] for e in m["members"]] == [VERSIONS, PURGES]
    assert [p.name for p in bundle_path.parent.iterdir()] == [bundle_path.name]  # no temp left


def test_summary_describes_the_file_written(tmp_path: Path) -> None:
    path = tmp_path / "b.zip"
    summary = write_bundle(path, versions_for_peer(_store()), [], META)
    assert summary.path == path and summary.size == path.stat().st_size
    assert summary.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert summary.manifest["bundle_id"] == META.bundle_id


def test_purged_versions_travel_with_their_marker(tmp_path: Path) -> None:
    store = _store()
    clock = HybridClock(SITE, 9000)
    marker = purge(store, "contact", "r2", clock.tick(9000), ["phone"], at="2026-11-22T02:00:00Z",
                   by="supervisor-1", origin=SITE)
    path = tmp_path / "b.zip"
    write_bundle(path, versions_for_peer(store), purges_for_export(store), META)
    b = read_bundle(path, max_schema_version=3)
    assert b.purges == [marker]
    (purged,) = b.purged_version_ids
    by_id = {v.version_id: v for v in b.versions}
    assert by_id[purged].payload == {"name": "李四", "phone": None}


def test_purged_looking_version_without_a_marker_is_tampered(tmp_path: Path) -> None:
    store = _store()
    purge(store, "contact", "r2", "9" * 15 + "-000000-x", ["phone"], at="", by="u", origin=SITE)
    path = tmp_path / "b.zip"
    write_bundle(path, versions_for_peer(store), [], META)  # marker left out
    assert "edited after export" in _refused(path, "tampered").message


def test_a_valid_but_not_canonical_line_is_checked_by_its_content(tmp_path: Path) -> None:
    v = make_version("visit", "r9", [], "000000000001000-000000-x", "x", {"name": "王五"})
    line = json.dumps({"payload": {"name": "王五"}, "version_id": v.version_id, "kind": "visit",
                       "record_id": "r9", "parents": [], "hlc": v.hlc, "origin": "x",
                       "deleted": False}, indent=None)
    members = _members(_zip_of([v], tmp_path / "a.zip"))
    members[VERSIONS] = line.encode() + b"\n"
    b = read_bundle(_zip(tmp_path / "b.zip", _refresh_manifest(members)), max_schema_version=3)
    assert b.versions == [v]
    assert v.version_id == version_hash("visit", "r9", [], v.hlc, "x", False, {"name": "王五"})


def _zip_of(versions: list[Version], path: Path) -> Path:
    write_bundle(path, versions, [], META)
    return path


def test_truncated_file_is_refused(bundle_path: Path) -> None:
    data = bundle_path.read_bytes()
    for cut in (len(data) // 2, len(data) - 10):
        bundle_path.write_bytes(data[:cut])
        assert "truncated" in _refused(bundle_path, "corrupt").message


def test_corrupt_bytes_inside_a_member_are_refused(bundle_path: Path) -> None:
    data = bytearray(bundle_path.read_bytes())
    with zipfile.ZipFile(bundle_path) as zf:
        info = zf.getinfo(VERSIONS)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 5, start + 25):
        data[i] ^= 0xFF
    bundle_path.write_bytes(bytes(data))
    _refused(bundle_path, "corrupt")


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.fdb.zip"
    text.write_text("姓名,电话\n张三,138\n", encoding="utf-8")
    assert "not a zip" in _refused(text, "not_a_zip").message
    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"")
    _refused(empty, "not_a_zip")
    _refused(tmp_path / "missing.zip", "unreadable")


def test_zip_without_manifest_or_with_another_format_is_not_a_bundle(tmp_path: Path) -> None:
    plain = _zip(tmp_path / "photos.zip", {"a.txt": b"hello"})
    assert "no manifest" in _refused(plain, "not_a_bundle").message
    other = _zip(tmp_path / "other.zip", {MANIFEST: b'{"format":"something-else"}'})
    _refused(other, "not_a_bundle")
    broken = _zip(tmp_path / "broken.zip", {MANIFEST: b"{not json"})
    _refused(broken, "not_a_bundle")


def test_bundle_from_a_newer_schema_or_format_is_refused(bundle_path: Path, tmp_path: Path) -> None:
    with pytest.raises(BundleError) as info:
        read_bundle(bundle_path, max_schema_version=2)
    assert info.value.code == "too_new"
    assert info.value.message == ("made by a newer version of frontdesk (schema 3); this app "
                                  "reads up to 2; update frontdesk")
    members = _members(bundle_path)
    m = json.loads(members[MANIFEST])
    m["format_version"] = 2
    members[MANIFEST] = canonical_json(m).encode()
    err = _refused(_zip(tmp_path / "v2.zip", members), "too_new")
    assert "bundle format 2" in err.message and "update frontdesk" in err.message


def test_tampered_member_fails_its_sha256(bundle_path: Path, tmp_path: Path) -> None:
    """Every line still valid and the same size, but not the bytes the manifest hashed."""
    members = _members(bundle_path)
    members[VERSIONS] = b"".join(reversed(members[VERSIONS].splitlines(keepends=True)))
    err = _refused(_zip(tmp_path / "t.zip", members), "tampered")
    assert "versions.jsonl" in err.message and "SHA-256" in err.message


def test_an_edited_line_is_refused_at_that_line(bundle_path: Path, tmp_path: Path) -> None:
    members = _members(bundle_path)
    members[VERSIONS] = members[VERSIONS].replace("张三".encode(), "李四".encode())  # same size
    err = _refused(_zip(tmp_path / "t.zip", members), "tampered")
    assert "line 1" in err.message and "edited after export" in err.message


def test_tampered_version_content_fails_its_version_id(bundle_path: Path, tmp_path: Path) -> None:
    members = _members(bundle_path)
    members[VERSIONS] = members[VERSIONS].replace(b"13800000002", b"13800000009")
    err = _refused(_zip(tmp_path / "t.zip", _refresh_manifest(members)), "tampered")
    assert "line 2" in err.message and "edited after export" in err.message


def test_counts_that_disagree_with_the_members_are_refused(
    bundle_path: Path, tmp_path: Path
) -> None:
    members = _members(bundle_path)
    m = json.loads(members[MANIFEST])
    m["counts"]["versions"] = 3
    members[MANIFEST] = canonical_json(m).encode()
    assert "counts" in _refused(_zip(tmp_path / "c.zip", members), "tampered").message


def test_member_missing_from_manifest_or_from_zip_is_refused(
    bundle_path: Path, tmp_path: Path
) -> None:
    unlisted = _members(bundle_path)
    manifest = json.loads(unlisted[MANIFEST])
    manifest["members"] = [e for e in manifest["members"] if e["name"] != PURGES]
    unlisted[MANIFEST] = canonical_json(manifest).encode()
    assert PURGES in _refused(_zip(tmp_path / "e.zip", unlisted), "unlisted_member").message
    missing = _members(bundle_path)
    del missing[PURGES]
    assert "purges.jsonl" in _refused(_zip(tmp_path / "m.zip", missing), "missing_member").message


@pytest.mark.parametrize("name", ["../x", "/abs", "C:\\x", "C:x", "dir/x", "a\\b", "..", ".hidden"])
def test_unsafe_member_names_are_refused(bundle_path: Path, tmp_path: Path, name: str) -> None:
    path = _zip(tmp_path / "evil.zip", _members(bundle_path) | {name: b"boom"})
    with zipfile.ZipFile(path) as zf:
        assert name in zf.namelist()  # the hostile name really is in the file
    assert repr(name) in _refused(path, "unsafe_name").message


def test_zip_bombs_are_refused_before_expanding(bundle_path: Path, tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "bomb.zip", _members(bundle_path) | {"zeros.jsonl": bytes(2_000_000)})
    small = Limits(ratio_min_bytes=1_000_000)
    assert "200:1" in _refused(bomb, "zip_bomb", small).message
    _refused(bundle_path, "zip_bomb", Limits(max_total_bytes=100))
    _refused(bundle_path, "zip_bomb", Limits(max_members=2))
    _refused(bundle_path, "zip_bomb", Limits(max_line_bytes=50))


def test_malformed_json_line_names_member_and_line(bundle_path: Path, tmp_path: Path) -> None:
    members = _members(bundle_path)
    lines = members[VERSIONS].split(b"\n")
    lines[1] = b'{"version_id": "abc", oops'
    members[VERSIONS] = b"\n".join(lines)
    err = _refused(_zip(tmp_path / "j.zip", _refresh_manifest(members)), "malformed")
    assert err.message.startswith("versions.jsonl line 2:")
    members[PURGES] = b'{"kind":"visit"}\n'
    err = _refused(_zip(tmp_path / "p.zip", _refresh_manifest(members)), "malformed")
    assert err.message.startswith("purges.jsonl line 1:")


def test_unwritable_output_names_the_path_and_leaves_nothing(tmp_path: Path) -> None:
    nowhere = tmp_path / "no-such-usb" / "b.zip"
    with pytest.raises(BundleError) as info:
        write_bundle(nowhere, versions_for_peer(_store()), [], META)
    assert info.value.code == "unwritable" and str(nowhere) in info.value.message
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "taken"
    target.mkdir()  # os.replace onto a folder fails after the temp file was written
    with pytest.raises(BundleError) as info:
        write_bundle(target, versions_for_peer(_store()), [], META)
    assert info.value.code == "unwritable" and str(target) in info.value.message
    assert os.listdir(folder) == ["taken"] and os.listdir(target) == []


def test_a_failing_version_source_leaves_no_partial_file(tmp_path: Path) -> None:
    def broken() -> Iterator[Version]:
        yield from versions_for_peer(_store())
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_bundle(tmp_path / "b.zip", broken(), [], META)
    assert os.listdir(tmp_path) == []


def test_version_lines_are_canonical_json() -> None:
    v = versions_for_peer(_store())[0]
    line = version_to_json(v)
    assert line == canonical_json(json.loads(line)) and line.endswith(f'"{v.version_id}"}}')


@settings(max_examples=150, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_damage_is_refused_or_harmless(bundle_path: Path, data: st.DataObject) -> None:
    """Flip or cut bytes anywhere: the reader refuses with a BundleError or reads the same data."""
    good = bundle_path.read_bytes()
    expected = read_bundle(bundle_path, max_schema_version=3).versions
    damaged = bytearray(good)
    for i in data.draw(st.lists(st.integers(0, len(good) - 1), min_size=1, max_size=3)):
        damaged[i] ^= data.draw(st.integers(1, 255))
    damaged = damaged[: data.draw(st.integers(len(good) // 2, len(good)))]
    path = bundle_path.with_name("damaged.zip")
    path.write_bytes(bytes(damaged))
    try:
        assert read_bundle(path, max_schema_version=3).versions == expected
    except BundleError as exc:
        assert exc.code and exc.message


def test_scan_skips_known_versions_without_decoding_them(
        bundle_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-importing: lines whose ids the store holds are counted, never decoded or kept."""
    from frontdesk.sync import bundle as bundle_mod
    from frontdesk.sync import reader as reader_mod

    decoded: list[bytes] = []
    real = bundle_mod._loads

    def counting(data: bytes) -> object:
        decoded.append(data)
        return real(data)

    monkeypatch.setattr(reader_mod, "_loads", counting)
    every = set(_store().versions)
    scan = reader_mod.scan_bundle(bundle_path, max_schema_version=3,
                                  known=lambda ids: set(ids) & every)
    assert (scan.total, scan.known, list(scan.lines)) == (4, 4, [])
    assert not [d for d in decoded if b'"version_id"' in d and b'"payload"' in d]
    decoded.clear()
    one = sorted(every)[0]
    scan = reader_mod.scan_bundle(bundle_path, max_schema_version=3,
                                  known=lambda ids: set(ids) & (every - {one}))
    assert (scan.total, scan.known, len(scan.lines)) == (4, 3, 1)
    assert len([d for d in decoded if b'"payload"' in d]) == 1  # only the new one is checked
    assert bundle_mod.parse_line(scan.lines[0])[0].version_id == one


def test_parse_line_gives_the_version_and_its_canonical_payload_text(bundle_path: Path) -> None:
    from frontdesk.sync.bundle import parse_line

    lines = _members(bundle_path)[VERSIONS].splitlines(keepends=True)
    store = _store()
    for line in lines:
        v, text = parse_line(line)
        assert v == store.versions[v.version_id]
        assert text == canonical_json(v.payload)
    # a valid line that is not canonical (spaces, other key order) still gives canonical text
    v = next(iter(store.versions.values()))
    loose = json.dumps({"payload": v.payload, "version_id": v.version_id, "kind": v.kind,
                        "record_id": v.record_id, "parents": list(v.parents), "hlc": v.hlc,
                        "origin": v.origin, "deleted": v.deleted}, indent=1).encode()
    assert parse_line(loose) == (v, canonical_json(v.payload))


def test_kept_lines_come_in_record_order_from_a_file_closed_with_the_scan(
        bundle_path: Path) -> None:
    """Lines to merge are kept on disk, not in memory, and read back record by record."""
    from frontdesk.sync.bundle import parse_line
    from frontdesk.sync.reader import scan_bundle

    scan = scan_bundle(bundle_path, max_schema_version=3, known=lambda ids: set())
    keys = [(v.kind, v.record_id, v.version_id) for v in map(lambda b: parse_line(b)[0],
                                                             scan.lines)]
    assert keys == sorted(keys) and len(keys) == 4
    spill = scan.lines._file  # type: ignore[attr-defined]
    assert spill is not None and not spill.closed
    scan.close()
    assert spill.closed and len(scan.lines) == 0
