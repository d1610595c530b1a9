"""Every kind of bad bundle is refused with its reason, at the first fault, and changes nothing
(issue 16, points 3 and 6).

The bad files come from ``bench/bad_bundles.py`` (the same generators the refusal benchmark
times), at sizes small enough for a unit test. Each is imported into a real site whose whole
database is compared before and after.
"""
from __future__ import annotations

import importlib.util
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from frontdesk.context import AppContext
from frontdesk.services.sync import SyncError
from frontdesk.sync import reader
from tests.unit.sync_sites import dump_hash, make_site, sync

SMALL = {  # the unit-test sizes of the big kinds (the benchmark uses the full ones)
    "honest zip bomb": {"size": 24 * 1024**2},
    "lying zip bomb": {"size": 64 * 1024**2},
    "a million empty members": {"count": 70_000},  # past 65,535: the ZIP64 end records
    "2 GB member with a bad first line": {"chunks": 40},
}


def _bad_bundles() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "bad_bundles.py"
    spec = importlib.util.spec_from_file_location("bench_bad_bundles", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while it is defined
    spec.loader.exec_module(module)
    return module


BAD = _bad_bundles()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every bad kind, written once for the module."""
    folder = tmp_path_factory.mktemp("bad")
    good = BAD.good_bundle(folder / "good.fdb", 200)
    out = {}
    for label, (make, _codes) in BAD.KINDS.items():
        extra = SMALL.get(label)
        out[label] = make(folder, good, **extra) if extra else make(folder, good)
    out["good"] = good
    return out


@pytest.fixture
def site(tmp_path: Path) -> Iterator[AppContext]:
    ctx = make_site(tmp_path, "target")
    yield ctx
    ctx.close()


def _refused(ctx: AppContext, path: Path) -> SyncError:
    before = dump_hash(ctx)
    with pytest.raises(SyncError) as info:
        sync(ctx).import_bundle(path, by="test")
    assert dump_hash(ctx) == before, "a refused bundle changed the database"
    with pytest.raises(SyncError):  # the preview refuses it the same way
        sync(ctx).preview(path)
    assert dump_hash(ctx) == before
    assert info.value.message
    return info.value


@pytest.mark.parametrize("label", list(BAD.KINDS))
def test_every_bad_kind_is_refused_with_its_reason_and_changes_nothing(
        label: str, files: dict[str, Path], site: AppContext) -> None:
    _make, codes = BAD.KINDS[label]
    err = _refused(site, files[label])
    assert err.code in codes, f"{label}: {err.code}: {err.message}"


def test_the_good_bundle_they_are_made_from_is_accepted(files: dict[str, Path],
                                                        site: AppContext) -> None:
    report = sync(site).import_bundle(files["good"], by="test")
    assert report.merge.new_versions == 200


def test_a_sites_own_bundle_is_refused_naming_the_site(site: AppContext,
                                                       tmp_path: Path) -> None:
    own = BAD.own_bundle(tmp_path, tmp_path, own_site=site.require_site().id)
    err = _refused(site, own)
    assert err.code == "own_bundle" and "北门" in err.message and "another site" in err.message


def test_messages_name_what_was_refused(files: dict[str, Path], site: AppContext) -> None:
    kind = _refused(site, files["unknown kind"])
    assert "'parking_permit'" in kind.message and "'rec-9-0000000'" in kind.message
    stamp = _refused(site, files["stamp beyond the format"])
    assert "'rec-7-0000000'" in stamp.message and "999999999999999-999999" in stamp.message
    member = _refused(site, files["unknown member"])
    assert "acks.jsonl" in member.message
    line = _refused(site, files["bad line early"])
    assert "line 10" in line.message


def test_a_million_members_are_counted_before_zipfile_reads_the_directory(
        files: dict[str, Path], site: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """The end record is read first: ``zipfile`` never builds 70,000 ``ZipInfo`` objects."""
    def never(*_a: Any, **_k: Any) -> None:
        raise AssertionError("zipfile.ZipFile was opened on a zip bomb")

    monkeypatch.setattr(zipfile, "ZipFile", never)
    err = _refused(site, files["a million empty members"])
    assert err.code == "zip_bomb" and "70000 members" in err.message


@pytest.mark.parametrize(("label", "bad"), [("bad line early", 10), ("bad line late", 191)])
def test_reading_stops_at_the_first_bad_line(label: str, bad: int, files: dict[str, Path],
                                             site: AppContext,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing after the bad line is read (it used to hash the rest of the member first)."""
    real = reader._member_lines
    read: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> Iterator[tuple[int, bytes]]:
        for n, line in real(*args, **kwargs):
            read.append(n)
            yield n, line

    monkeypatch.setattr(reader, "_member_lines", counting)
    assert f"line {bad}:" in _refused(site, files[label]).message
    assert max(read) == bad  # of 200 lines
