"""``frontdesk export register`` from the command line."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from tests.unit.test_cli_visit import run


def test_export_register_writes_each_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Today's entry appears in the XLSX; CSV and PDF are written too."""
    db = str(tmp_path / "a.db")
    run(capsys, "visit", "add", "--db", db, "--kind", "visitor", "--name", "@王五")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    for fmt in ("xlsx", "csv", "pdf"):
        out_file = tmp_path / f"r.{fmt}"
        code, out, _ = run(capsys, "export", "register", "--db", db, "--date", today,
                           "--format", fmt, "--out", str(out_file), "--json")
        assert code == 0 and json.loads(out)["rows"] == 1 and out_file.stat().st_size > 0
    cells = [c for row in openpyxl.load_workbook(tmp_path / "r.xlsx").active.iter_rows()
             for c in row if c.value == "@王五"]
    assert cells and cells[0].data_type == "s"


def test_bad_date_format_and_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each mistake names the option; exit 2; no file."""
    db = str(tmp_path / "a.db")
    base = ["export", "register", "--db", db]
    code, _o, err = run(capsys, *base, "--date", "22/11/2026", "--format", "csv", "--out", "x.csv")
    assert code == 2 and "--date" in err
    code, _o, err = run(capsys, *base, "--date", "2026-11-22", "--format", "doc", "--out", "x.doc")
    assert code == 2 and "--format" in err
    code, _o, err = run(capsys, *base, "--date", "2026-11-22", "--to", "2026-11-01",
                        "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "--to" in err
    code, _o, err = run(capsys, *base, "--date", "2026-11-22", "--format", "pdf",
                        "--out", str(tmp_path / "no" / "x.pdf"))
    assert code == 2 and "--out" in err
    assert not (tmp_path / "x.csv").exists()


def test_a_range_may_be_given_in_date_as_in_the_files_screen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--date FIRST~LAST`` is the same as ``--date FIRST --to LAST``; backwards names --date."""
    from datetime import timedelta

    db = str(tmp_path / "a.db")
    run(capsys, "visit", "add", "--db", db, "--kind", "visitor", "--name", "王五")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    span = f"{today - timedelta(days=2)}~{today}"
    code, out, _ = run(capsys, "export", "register", "--db", db, "--date", span,
                       "--format", "csv", "--out", str(tmp_path / "r.csv"), "--json")
    assert code == 0 and json.loads(out)["rows"] == 1
    code, _o, err = run(capsys, "export", "register", "--db", db, "--date", f"{today}~{today - timedelta(days=1)}",
                        "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "--date" in err and "before" in err
    assert not (tmp_path / "x.csv").exists()
