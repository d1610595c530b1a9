"""Anchors the office can use (issue 16, point 10).

Every export and bundle prints the audit-chain head as ``SEQ:HASH``, exactly what
``frontdesk audit verify --anchor`` takes; the files themselves carry the head as it was when
they were made; a chain whose tail was cut off is caught against an anchor kept outside.
"""
from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from frontdesk.context import AppContext
from frontdesk.domain.incidents.report import revise
from frontdesk.services.incidents.service import IncidentService
from frontdesk.services.trust.audit import audit_service
from frontdesk.sync.reader import read_bundle
from tests.unit.test_cli_visit import run

ANCHOR = re.compile(r"\b(\d+):([0-9a-f]{64})\b")
DAY = "2026-11-22"


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "gate.db")
    run(capsys, "visit", "add", "--db", path, "--kind", "visitor", "--name", "王五")
    return path


def _verify(capsys: pytest.CaptureFixture[str], db: str, anchor: str) -> tuple[int, dict[str, object]]:
    code, out, _err = run(capsys, "audit", "verify", "--db", db, "--anchor", anchor, "--json")
    return code, json.loads(out)


def _cut_tail(db: str, events: int) -> None:
    """What someone with the file could do: drop the guard triggers, delete the last events."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DROP TRIGGER audit_events_no_delete")
        top = conn.execute("SELECT MAX(seq) FROM audit_events").fetchone()[0]
        conn.execute("DELETE FROM audit_events WHERE seq > ?", (top - events,))
    conn.close()


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "pdf"])
def test_register_exports_print_an_anchor_that_audit_verify_takes(
        fmt: str, db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / f"day.{fmt}"
    code, out, _ = run(capsys, "export", "register", "--db", db, "--date", DAY,
                       "--out", str(out_file), "--json")
    assert code == 0
    printed = json.loads(out)["audit_head"]
    seq, digest = printed.split(":")
    assert ANCHOR.fullmatch(printed)
    assert _verify(capsys, db, printed)[0] == 0
    code, text, _ = run(capsys, "export", "register", "--db", db, "--date", DAY,
                        "--out", str(tmp_path / f"again.{fmt}"))
    assert code == 0 and re.search(r"^audit head \d+:[0-9a-f]{64}$", text, re.M)
    # the file carries the head as it was when the sheet was made: just before its own event
    if fmt == "xlsx":
        body = " ".join(str(c.value) for row in openpyxl.load_workbook(out_file).active.iter_rows()
                        for c in row if c.value)
    elif fmt == "csv":
        body = " ".join(" ".join(r) for r in csv.reader(out_file.read_text("utf-8-sig").splitlines()))
    else:
        body = "".join(page.extract_text() for page in PdfReader(str(out_file)).pages)
    found = ANCHOR.search(body)
    assert found is not None and int(found.group(1)) == int(seq) - 1
    assert _verify(capsys, db, found.group(0))[0] == 0


def test_a_cut_off_tail_is_caught_against_a_printed_anchor(
        db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "register", "--db", db, "--date", DAY,
                       "--out", str(tmp_path / "day.csv"), "--json")
    kept_by_the_office = json.loads(out)["audit_head"]
    assert _verify(capsys, db, kept_by_the_office)[0] == 0
    _cut_tail(db, 2)  # the export's event and the one before it
    code, result = _verify(capsys, db, kept_by_the_office)
    assert code == 1 and result["ok"] is False
    assert str(result["reason"]).startswith("anchor missing")
    code, result = run(capsys, "audit", "verify", "--db", db, "--json")[:2]
    assert code == 0  # without the anchor the shortened chain looks whole: why offices keep one


def test_bundles_carry_and_print_the_anchor(db: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "gate.fdb"
    code, out, _ = run(capsys, "sync", "export", "--db", db, "--out", str(bundle), "--json")
    printed = json.loads(out)["audit_head"]
    assert code == 0 and _verify(capsys, db, printed)[0] == 0
    carried = read_bundle(bundle, max_schema_version=99).audit_head
    assert carried is not None and ANCHOR.fullmatch(carried)
    assert int(carried.split(":")[0]) == int(printed.split(":")[0]) - 1
    assert _verify(capsys, db, carried)[0] == 0
    office = str(tmp_path / "office.db")
    assert run(capsys, "sync", "import", str(bundle), "--db", office)[0] == 0
    conn = sqlite3.connect(office)
    before = conn.execute("SELECT before_hash FROM audit_events WHERE action = 'import'").fetchone()
    conn.close()
    assert before == (carried.split(":")[1],)  # the office keeps the gate's head


def test_the_report_pdf_carries_the_anchor(ctx: AppContext, tmp_path: Path) -> None:
    s: IncidentService = ctx.service("incidents", IncidentService)
    inc = s.open("fight", "general", place="3栋", summary="争吵", by="王保安")
    report = revise(s.report(inc.id, signer="王保安"), conclusion="已离开")
    head = audit_service(ctx).anchor()
    out = s.print_pdf(report, tmp_path / "r.pdf", "zh", by="陈主管")
    text = "".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert head in text and audit_service(ctx).verify(
        (int(head.split(":")[0]), head.split(":")[1])).ok
