"""Sync on the real SQLite store: export, preview, import, peers, conflicts, and refusals."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from frontdesk.context import AppContext
from frontdesk.storage import sync as sync_store
from frontdesk.storage.migrations import SCHEMA_VERSION
from frontdesk.sync.bundle import BundleMeta, write_bundle
from frontdesk.sync.reader import read_bundle
from frontdesk.sync.merge import PurgeMarker
from frontdesk.services.sync import SyncError
from tests.unit.sync_sites import add_visit, dump_hash, make_site, sync


@pytest.fixture
def sites(tmp_path: Path) -> tuple[AppContext, AppContext]:
    """Two sites: east gate (with three entries) and the regional office (empty)."""
    east = make_site(tmp_path, "east")
    office = make_site(tmp_path, "office", skew_minutes=-30)
    for name in ("张三", "李四", "王五"):
        add_visit(east, name, phone="13800138000")
    yield east, office
    east.close()
    office.close()


def test_import_adds_every_entry_and_a_second_import_changes_nothing(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """The office sees the gate's entries; importing the same file again is a no-op."""
    east, office = sites
    res = sync(east).export_bundle(tmp_path / "east.fdb")
    assert res.versions == 3
    first = sync(office).import_bundle(tmp_path / "east.fdb")
    assert first.merge.new_versions == 3 and len(first.merge.new_records) == 3
    names = sorted(v.name for v in office.register.today())
    assert names == ["张三", "李四", "王五"]
    before = dump_hash(office)
    again = sync(office).import_bundle(tmp_path / "east.fdb")
    assert again.merge.new_versions == 0 and again.merge.already_known == 3
    rows = office.require_db().read().execute("SELECT COUNT(*) FROM sync_imports").fetchone()[0]
    assert rows == 2
    office.require_db().read().execute("DELETE FROM sync_imports")
    assert sorted(v.name for v in office.register.today()) == names
    assert before != "" and again.merge.changed_records == []


def test_preview_reports_changes_and_conflicts_without_writing(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """Concurrent edits of one entry show up as a conflict in the preview, and nothing is stored."""
    east, office = sites
    sync(east).export_bundle(tmp_path / "a.fdb")
    sync(office).import_bundle(tmp_path / "a.fdb")
    visit = east.register.today()[0]
    east.register.sign_out(visit.id, by="east")
    office.register.link_incident(visit.id, "inc-1", by="office")
    sync(east).export_bundle(tmp_path / "b.fdb")
    before = dump_hash(office)
    rep = sync(office).preview(tmp_path / "b.fdb")
    assert rep.dry_run and rep.merge.new_versions == 1
    assert rep.merge.conflicts == [("visit", visit.id)]
    assert dump_hash(office) == before
    sync(office).import_bundle(tmp_path / "b.fdb")
    conflicts = sync(office).conflicts()
    assert [(c.kind, c.record_id, len(c.heads)) for c in conflicts] == [("visit", visit.id, 2)]


def test_resolving_a_conflict_closes_it_here_and_at_the_other_site(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """The supervisor's choice names both heads, so it closes the conflict wherever it travels."""
    east, office = sites
    sync(east).export_bundle(tmp_path / "a.fdb")
    sync(office).import_bundle(tmp_path / "a.fdb")
    vid = east.register.today()[0].id
    east.register.sign_out(vid, by="east")
    office.register.link_incident(vid, "inc-1", by="office")
    sync(east).export_bundle(tmp_path / "b.fdb")
    sync(office).import_bundle(tmp_path / "b.fdb")
    sync(office).export_bundle(tmp_path / "c.fdb")
    sync(east).import_bundle(tmp_path / "c.fdb")
    assert len(sync(east).conflicts()) == 1
    heads = sync(office).conflicts()[0].heads
    chosen = next(h for h in heads if h.payload.get("time_out"))
    sync(office).resolve("visit", vid, chosen.version_id, by="sup")
    assert sync(office).conflicts() == []
    assert office.register.get(vid).time_out is not None  # type: ignore[union-attr]
    sync(office).export_bundle(tmp_path / "d.fdb")
    sync(east).import_bundle(tmp_path / "d.fdb")
    assert sync(east).conflicts() == []


def test_a_delete_travels_and_an_older_bundle_does_not_bring_the_entry_back(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """Deleting at the gate removes the entry at the office; the old file changes nothing."""
    east, office = sites
    sync(east).export_bundle(tmp_path / "old.fdb")
    sync(office).import_bundle(tmp_path / "old.fdb")
    vid = east.register.today()[0].id
    sync(east).delete_visit(vid, by="sup")
    sync(east).export_bundle(tmp_path / "new.fdb")
    rep = sync(office).import_bundle(tmp_path / "new.fdb")
    assert rep.merge.deletions == [("visit", vid)]
    assert office.register.get(vid) is None
    sync(office).import_bundle(tmp_path / "old.fdb")
    assert office.register.get(vid) is None


def test_purge_markers_travel_and_old_bundles_cannot_restore_the_fields(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """A purge blanks the phone here and at the peer; the pre-purge bundle does not restore it."""
    east, office = sites
    sync(east).export_bundle(tmp_path / "old.fdb")
    vid = east.register.today()[0].id
    with east.require_db().write() as conn:
        head = sync_store.heads_of(conn, "visit", vid)[0]
        sync_store.store_purge(conn, PurgeMarker("visit", vid, head.hlc, ("phone",),
                                                 "2026-11-22T02:00:00Z", "sup", "east"))
    assert east.register.get(vid).phone == ""  # type: ignore[union-attr]
    sync(east).export_bundle(tmp_path / "new.fdb")
    sync(office).import_bundle(tmp_path / "new.fdb")
    sync(office).import_bundle(tmp_path / "old.fdb")
    assert office.register.get(vid).phone == ""  # type: ignore[union-attr]
    stored = office.require_db().read().execute(
        "SELECT purged, payload FROM versions WHERE record_id = ?", (vid,)).fetchone()
    assert stored[0] == 1 and "13800138000" not in stored[1]


def test_export_for_a_peer_holds_only_what_it_has_not_had(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """The second bundle for the office holds the one new entry, not the three it already has,
    and versions the office itself made are never sent back to it."""
    east, office = sites
    office_id = office.require_site().id
    first = sync(east).export_bundle(tmp_path / "1.fdb", for_peer=office_id)
    assert first.versions == 3
    sync(office).import_bundle(tmp_path / "1.fdb")
    add_visit(office, "赵六")
    sync(office).export_bundle(tmp_path / "o.fdb")
    sync(east).import_bundle(tmp_path / "o.fdb")
    add_visit(east, "钱七")
    second = sync(east).export_bundle(tmp_path / "2.fdb", for_peer=office_id)
    assert second.versions == 1
    bundle = read_bundle(tmp_path / "2.fdb", max_schema_version=SCHEMA_VERSION)
    assert [v.payload["name"] for v in bundle.versions] == ["钱七"]
    assert bundle.for_peer == office_id


def test_failure_halfway_leaves_the_database_exactly_as_it_was(
    sites: tuple[AppContext, AppContext], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after the versions are in, while writing the visible rows, rolls it all back."""
    east, office = sites
    sync(east).export_bundle(tmp_path / "a.fdb")
    before = dump_hash(office)
    real = sync_store.project_visits
    calls = {"n": 0}

    def flaky(conn: object, items: list[object], *rest: object) -> None:
        real(conn, items[:1], *rest)  # type: ignore[arg-type]
        calls["n"] += 1
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(sync_store, "project_visits", flaky)
    with pytest.raises(RuntimeError):
        sync(office).import_bundle(tmp_path / "a.fdb")
    assert calls["n"] == 1
    assert dump_hash(office) == before
    monkeypatch.setattr(sync_store, "project_visits", real)
    assert sync(office).import_bundle(tmp_path / "a.fdb").merge.new_versions == 3


def test_failure_in_a_later_chunk_rolls_back_the_earlier_ones(
    sites: tuple[AppContext, AppContext], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large bundle is merged a chunk at a time, still in one transaction: an error while
    merging the third chunk leaves nothing of the first two behind."""
    east, office = sites
    sync(east).export_bundle(tmp_path / "a.fdb")
    before = dump_hash(office)
    monkeypatch.setattr(sync_store, "IMPORT_CHUNK", 1)
    real = sync_store.apply_merge
    calls = {"n": 0}

    def flaky(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sync_store, "apply_merge", flaky)
    with pytest.raises(OSError):
        sync(office).import_bundle(tmp_path / "a.fdb")
    assert calls["n"] == 3
    assert dump_hash(office) == before
    monkeypatch.setattr(sync_store, "apply_merge", real)
    assert sync(office).import_bundle(tmp_path / "a.fdb").merge.new_versions == 3


def test_bulk_rows_are_the_rows_a_local_write_makes(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """Imported visits and their search keys equal the originals row for row."""
    east, office = sites
    sync(east).export_bundle(tmp_path / "a.fdb")
    sync(office).import_bundle(tmp_path / "a.fdb")
    for table in ("visits", "visit_terms"):
        rows = [sorted(tuple(r) for r in s.require_db().read().execute(f"SELECT * FROM {table}"))
                for s in (east, office)]
        assert rows[0] == rows[1]


def _bad(office: AppContext, path: Path, code: str) -> SyncError:
    before = dump_hash(office)
    with pytest.raises(SyncError) as info:
        sync(office).import_bundle(path)
    assert info.value.code == code
    with pytest.raises(SyncError):
        sync(office).preview(path)
    assert dump_hash(office) == before
    return info.value


def test_truncated_and_corrupt_bundles_are_refused(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """A cut-off copy and flipped bytes give a clear error and import nothing."""
    east, office = sites
    path = tmp_path / "a.fdb"
    sync(east).export_bundle(path)
    data = path.read_bytes()
    (tmp_path / "cut.fdb").write_bytes(data[: len(data) // 2])
    err = _bad(office, tmp_path / "cut.fdb", "corrupt")
    assert "cut.fdb" in err.message
    flipped = bytearray(data)
    mid = data.index(b"versions.jsonl") + 40
    flipped[mid:mid + 8] = b"\x00" * 8
    (tmp_path / "flip.fdb").write_bytes(bytes(flipped))
    with pytest.raises(SyncError):
        sync(office).import_bundle(tmp_path / "flip.fdb")


def test_not_a_bundle_and_missing_file_are_refused(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """A spreadsheet renamed .fdb, or a file that is not there, is named in the error."""
    _east, office = sites
    (tmp_path / "notes.fdb").write_text("姓名,电话\n张三,138\n", encoding="utf-8")
    assert "not a frontdesk bundle" in _bad(office, tmp_path / "notes.fdb", "not_a_zip").message
    _bad(office, tmp_path / "missing.fdb", "unreadable")


def test_bundle_from_a_newer_schema_is_refused(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """A newer app's bundle is refused rather than half understood."""
    east, office = sites
    conn = east.require_db().read()
    versions = list(sync_store.iter_versions(conn))
    meta = BundleMeta(schema_version=SCHEMA_VERSION + 1, site_id="x", site_name="新站")
    write_bundle(tmp_path / "new.fdb", versions, [], meta)
    _bad(office, tmp_path / "new.fdb", "too_new")


def _rewrite(src: Path, dst: Path, change: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change.get(info.filename, zin.read(info.filename)))
        for name, data in change.items():
            if name not in zin.namelist():
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(info, data)


def test_tampered_member_path_traversal_and_zip_bomb_are_refused(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """An edited member, a '../' name and a member that would expand hugely are all refused."""
    east, office = sites
    path = tmp_path / "a.fdb"
    sync(east).export_bundle(path)
    with zipfile.ZipFile(path) as z:
        lines = z.read("versions.jsonl")
    _rewrite(path, tmp_path / "t.fdb", {"versions.jsonl": lines.replace("张三".encode(), "张四".encode())})
    _bad(office, tmp_path / "t.fdb", "tampered")
    _rewrite(path, tmp_path / "p.fdb", {"../../etc/cron.d/x": b"boom"})
    _bad(office, tmp_path / "p.fdb", "unsafe_name")
    _rewrite(path, tmp_path / "z.fdb", {"filler.bin": b"\0" * (12 * 1024 * 1024)})
    _bad(office, tmp_path / "z.fdb", "zip_bomb")


def test_unwritable_output_path_is_a_clear_error(
    sites: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    """Writing into a folder that does not exist names the path and leaves no file."""
    east, _office = sites
    target = tmp_path / "no" / "such" / "east.fdb"
    with pytest.raises(SyncError) as info:
        sync(east).export_bundle(target)
    assert info.value.code == "unwritable" and str(target) in info.value.message
    assert not target.exists()


def test_delete_visit_of_an_unknown_entry_is_refused(sites: tuple[AppContext, AppContext]) -> None:
    """Deleting twice (or an id that never existed) raises instead of writing a tombstone."""
    east, _office = sites
    vid = east.register.today()[0].id
    sync(east).delete_visit(vid, by="sup")
    with pytest.raises(KeyError):
        sync(east).delete_visit(vid, by="sup")
    with pytest.raises(KeyError):
        sync(east).delete_visit("nope", by="sup")
