"""Conflicts are visible and can be resolved outside the app (issue 16, point 2).

Two real sites (北门, 东门) edit the same records of every kind after an exchange. The
conflicts show in ``visit list`` (a marker and ``conflict: true``), in the XLSX, CSV and PDF
registers (a column and the total line), in ``frontdesk conflicts list [--json]``, and
``frontdesk conflicts resolve RECORD_ID --keep PREFIX`` keeps one version, which then travels.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from frontdesk.context import AppContext
from frontdesk.services.conflicts import conflict_views
from frontdesk.services.export import CONFLICT_MARK, export_service
from tests.unit.sync_sites import conflicting_sites, sync
from tests.unit.test_cli_visit import run

DAY = date(2026, 11, 22)


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext, set[tuple[str, str]]]]:
    north, east, keys = conflicting_sites(tmp_path)
    yield north, east, keys
    north.close()
    east.close()


def _db(ctx: AppContext) -> str:
    return str(ctx.require_db().path)


def test_conflicts_list_names_sites_and_local_times_for_every_kind(
        sites: tuple[AppContext, AppContext, set[tuple[str, str]]],
        capsys: pytest.CaptureFixture[str]) -> None:
    north, _east, keys = sites
    code, out, _ = run(capsys, "conflicts", "list", "--db", _db(north), "--json")
    listed = json.loads(out)
    assert code == 0 and {(c["kind"], c["id"]) for c in listed} == keys
    for c in listed:
        assert sorted(v["site"] for v in c["versions"]) == ["东门", "北门"]
        assert all(v["made_at"].startswith("2026-11-22T10:0") and
                   v["made_at"].endswith("+08:00") for v in c["versions"])
        assert {v["fields"]["edited_by"] for v in c["versions"]} == {"北门值班员", "东门值班员"}
    code, text, _ = run(capsys, "conflicts", "list", "--db", _db(north))
    assert code == 0 and f"{len(keys)} records in conflict" in text
    assert "北门 · 2026-11-22 10:00" in text and "东门 · 2026-11-22 10:03" in text


def test_conflicts_resolve_keeps_the_version_asked_for_and_it_travels(
        sites: tuple[AppContext, AppContext, set[tuple[str, str]]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    north, east, keys = sites
    visit = next(c for c in conflict_views(north) if c.kind == "visit")
    east_version = next(v for v in visit.versions if v.site_name == "东门")
    code, out, _ = run(capsys, "conflicts", "resolve", visit.record_id, "--db", _db(north),
                       "--keep", east_version.version_id[:6], "--json")
    assert code == 0 and json.loads(out)["kept"] == east_version.version_id
    code, out, _ = run(capsys, "visit", "list", "--db", _db(north), "--date", "2026-11-22",
                       "--json")
    kept = next(r for r in json.loads(out) if r["id"] == visit.record_id)
    assert kept["conflict"] is False
    # the resolution closes the conflict at the other site once it travels
    sync(north).export_bundle(tmp_path / "resolved.fdb")
    sync(east).import_bundle(tmp_path / "resolved.fdb")
    assert (visit.kind, visit.record_id) not in {(c.kind, c.record_id)
                                                 for c in conflict_views(east)}
    assert len(conflict_views(east)) == len(keys) - 1


def test_conflicts_resolve_refuses_what_it_cannot_decide(
        sites: tuple[AppContext, AppContext, set[tuple[str, str]]],
        capsys: pytest.CaptureFixture[str]) -> None:
    north, _east, _keys = sites
    before = len(conflict_views(north))
    report = next(c for c in conflict_views(north) if c.kind == "incident_report")
    code, out, _ = run(capsys, "conflicts", "resolve", report.record_id, "--db", _db(north),
                       "--keep", report.versions[0].version_id[:6], "--json")
    # an incident's report and its escalation plan share the incident's id
    assert code == 2 and json.loads(out)["error"] == "ambiguous" and "--kind" in out
    for keep, error in (("zz", "not_a_version"), ("0000000", "not_a_version")):
        code, out, _ = run(capsys, "conflicts", "resolve", report.record_id, "--kind",
                           "incident_report", "--keep", keep, "--db", _db(north), "--json")
        assert (code, json.loads(out)["error"]) == (2, error)
    code, out, _ = run(capsys, "conflicts", "resolve", "no-such-record", "--keep", "abcd",
                       "--db", _db(north), "--json")
    assert (code, json.loads(out)["error"]) == (2, "not_found")
    assert len(conflict_views(north)) == before
    code, _out, _ = run(capsys, "conflicts", "resolve", report.record_id, "--kind",
                        "incident_report", "--keep", report.versions[1].version_id[:8],
                        "--db", _db(north))
    assert code == 0 and len(conflict_views(north)) == before - 1


def test_visit_list_marks_conflicts_in_text_and_json(
        sites: tuple[AppContext, AppContext, set[tuple[str, str]]],
        capsys: pytest.CaptureFixture[str]) -> None:
    north, _east, _keys = sites
    code, out, _ = run(capsys, "visit", "list", "--db", _db(north), "--date", "2026-11-22",
                       "--json")
    rows = json.loads(out)
    assert code == 0 and rows and all(r["conflict"] is True for r in rows)
    code, text, _ = run(capsys, "visit", "list", "--db", _db(north), "--date", "2026-11-22")
    lines = [line for line in text.splitlines() if "访客" in line]
    assert lines and all("[CONFLICT: two sites edited it]" in line for line in lines)
    assert f"{len(rows)} in conflict" in text


def test_registers_mark_conflicts_in_every_format(
        sites: tuple[AppContext, AppContext, set[tuple[str, str]]], tmp_path: Path) -> None:
    north, _east, _keys = sites
    service = export_service(north)
    service.write(None, tmp_path / "day.xlsx", DAY)
    service.write(None, tmp_path / "day.csv", DAY)
    service.write(None, tmp_path / "day.pdf", DAY)
    sheet = openpyxl.load_workbook(tmp_path / "day.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in values if "姓名 Name" in r)
    col = header.index("冲突 Conflict")
    body = [r for r in values[values.index(header) + 1:] if r[2] and str(r[2]).startswith("访客")]
    assert body and all(r[col] == CONFLICT_MARK for r in body)
    rows = list(csv.reader((tmp_path / "day.csv").read_text("utf-8-sig").splitlines()))
    header = next(r for r in rows if "姓名 Name" in r)
    col = header.index("冲突 Conflict")
    body = [r for r in rows if len(r) > col and r[2].startswith("访客")]
    assert body and all(r[col] == CONFLICT_MARK for r in body)
    assert any("2 in conflict" in " ".join(r) for r in rows)
    text = "".join(page.extract_text() for page in PdfReader(str(tmp_path / "day.pdf")).pages)
    assert "冲突待处理" in text and "2 in conflict" in text
