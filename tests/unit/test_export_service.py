"""The day's register for the office: rows, header lines, masking, inert cells, Chinese intact."""
from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pypdf
import pytest

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.register.visits import CredentialType, VisitKind
from frontdesk.export import ExportError
from frontdesk.export.target import TargetError
from frontdesk.services.export import ExportInputError, export_service
from frontdesk.services.register import VisitForm

DAY = date(2026, 11, 22)
HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


@pytest.fixture
def filled(ctx: AppContext, clock: FrozenClock) -> AppContext:
    """A journalist with a press card, four hostile names, and one entry the day before."""
    ctx.register.add(VisitForm(
        kind=VisitKind.JOURNALIST, credential_type=CredentialType.PRESS_CARD,
        values={"name": "张三", "organisation": "南方日报", "phone": "13800138000",
                "credential_number": "B440100000001", "purpose": "停水采访",
                "guided_to": "洽谈室", "notified": "陈主管", "guard": "王保安"}))
    for name in HOSTILE:
        clock.advance(timedelta(minutes=5))
        ctx.register.add(VisitForm(kind=VisitKind.VISITOR, values={"name": name}))
    clock.advance(timedelta(days=-1))
    ctx.register.add(VisitForm(kind=VisitKind.VISITOR, values={"name": "昨天的人"}))
    clock.advance(timedelta(days=1))
    ctx.session.user = "陈主管"
    return ctx


def test_sheet_has_one_row_per_entry_of_the_day_with_site_time(filled: AppContext) -> None:
    """Only the chosen day, oldest first, times in Beijing time, bilingual titles, header lines."""
    sheet = export_service(filled).sheet(DAY)
    titles = [c.title for c in sheet.columns]
    assert "姓名 Name" in titles and "进入时间 Time in" in titles
    names = [row[titles.index("姓名 Name")] for row in sheet.rows]
    assert names == ["张三", *HOSTILE]
    assert sheet.rows[0][titles.index("进入时间 Time in")] == "2026-11-22 10:00"
    assert sheet.rows[0][titles.index("类别 Kind")] == "记者"
    assert sheet.header_lines[0].startswith("站点 Site:")
    assert "2026-11-22" in sheet.header_lines[1]
    assert "陈主管" in sheet.header_lines[2]
    assert "Audit" in sheet.audit_line or "audit" in sheet.audit_line
    both = export_service(filled).sheet(DAY - timedelta(days=1), DAY)
    assert len(both.rows) == 6


def test_credential_numbers_are_masked_unless_the_exporter_may_unmask(filled: AppContext) -> None:
    """A guard's export masks the press card number; a supervisor's shows it."""
    col = [c.key for c in export_service(filled).sheet(DAY).columns].index("credential_number")
    filled.session.role = "guard"
    masked = export_service(filled).sheet(DAY).rows[0][col]
    assert masked == "B44*******001"  # 13 characters: 3 + 3 shown (the rule in test_masking)
    filled.session.role = "supervisor"
    assert export_service(filled).sheet(DAY).rows[0][col] == "B440100000001"


def test_xlsx_keeps_chinese_and_hostile_names_stay_text(filled: AppContext, tmp_path: Path) -> None:
    """Open the workbook: every hostile name is a plain string cell, Chinese intact."""
    out = export_service(filled).write("xlsx", tmp_path / "r.xlsx", DAY)
    assert out.rows == 5
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    values = [str(c.value) for c in cells]
    assert "张三" in values and "南方日报" in values
    for name in HOSTILE:
        cell = next(c for c in cells if c.value == name)
        assert cell.data_type == "s"
    assert not any(c.data_type == "f" for c in cells)


def test_csv_is_utf8_with_bom_and_hostile_names_cannot_run(filled: AppContext, tmp_path: Path) -> None:
    """Read the CSV back: BOM, Chinese, and no cell that starts with a formula trigger."""
    export_service(filled).write("csv", tmp_path / "r.csv", DAY)
    raw = (tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    flat = [cell for row in rows for cell in row]
    assert "张三" in flat
    assert not any(cell[:1] in "=+-@" for cell in flat if cell)
    for name in HOSTILE:
        assert any(cell.endswith(name) for cell in flat)


def test_pdf_holds_the_chinese_names_and_the_signature_line(filled: AppContext, tmp_path: Path) -> None:
    """The PDF's text layer has the names, the header and the signature line."""
    export_service(filled).write("pdf", tmp_path / "r.pdf", DAY)
    raw = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "r.pdf").pages)
    text = "".join(ch for ch in raw if ch.isprintable() and not ch.isspace())
    assert "张三" in text and "南方日报" in text and "Signature" in text


def test_bad_format_date_range_and_path_are_clear_errors(filled: AppContext, tmp_path: Path) -> None:
    """Nothing is written for a bad format, a reversed range or a missing folder."""
    svc = export_service(filled)
    with pytest.raises(TargetError, match="--format"):
        svc.write("docx", tmp_path / "r.docx", DAY)
    with pytest.raises(ExportInputError, match="before"):
        svc.write("csv", tmp_path / "r.csv", DAY, DAY - timedelta(days=1))
    with pytest.raises(ExportError) as info:
        svc.write("xlsx", tmp_path / "missing" / "r.xlsx", DAY)
    assert "missing" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


@pytest.mark.parametrize(("typed", "first", "last"), [
    ("2026-11-22", DAY, DAY),
    (" 2026-11-20 ~ 2026-11-22 ", date(2026, 11, 20), DAY),
    ("2026-11-20～2026-11-22", date(2026, 11, 20), DAY),
    ("2026-11-20..2026-11-22", date(2026, 11, 20), DAY),
    ("2026-11-20 至 2026-11-22", date(2026, 11, 20), DAY),
    ("2026-11-20到2026-11-22", date(2026, 11, 20), DAY),
    ("2026-11-20 to 2026-11-22", date(2026, 11, 20), DAY),
])
def test_a_day_or_a_range_as_typed_in_the_files_screen(typed: str, first: date, last: date) -> None:
    """The files screen's one date field takes a day or a range, with the usual separators."""
    from frontdesk.services.export import parse_days

    assert parse_days(typed, "日期") == (first, last)


@pytest.mark.parametrize(("typed", "why"), [
    ("22/11/2026", "not a date like"),
    ("2026-11-22~", "not a date like"),
    ("2026-11-22~2026-11-20", "is before"),
    ("2025-01-01~2026-11-22", "more than one year"),
    ("2026-02-30", "not a date like"),
])
def test_a_bad_day_or_range_names_the_field(typed: str, why: str) -> None:
    from frontdesk.services.export import parse_days

    with pytest.raises(ExportInputError, match=why) as info:
        parse_days(typed, "日期")
    assert str(info.value).startswith("日期: ")


def test_scripts_read_fill_their_column_and_a_failure_is_not_a_blank_column(
        filled: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scripts read against an entry are in the office's sheet; when they cannot be read
    the export fails with the reason (it used to leave the column empty without a word)."""
    from frontdesk.services.scripts import ScriptService, scripts

    first = filled.register.today()[0]
    scripts(filled).record_use("journalist_interview", [1], "zh", first.id, None, "王保安", "u1")
    sheet = export_service(filled).sheet(DAY)
    titles = [c.title for c in sheet.columns]
    column = next(i for i, title in enumerate(titles) if "话术" in title)
    assert any(row[column] for row in sheet.rows)

    def broken(*_args: object, **_kwargs: object) -> object:
        raise AttributeError("'NoneType' object has no attribute 'title'")

    monkeypatch.setattr(ScriptService, "uses_between", broken)
    with pytest.raises(AttributeError):
        export_service(filled).sheet(DAY)
