"""The register export writers: CSV, XLSX and PDF from a plain Sheet of untrusted text."""
from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pypdf
import pytest

from frontdesk.export import (
    Column,
    ExportError,
    Sheet,
    fonts,
    write_csv,
    write_pdf,
    write_xlsx,
    xlsx_writer,
)
from frontdesk.export.pdf_writer import MAX_CELL_LINES, _Layout
from frontdesk.export.sheet import column_widths, display_width, needs_formula_guard

AUDIT = "审计链头 / Audit chain head: " + "3f9a" * 16
HOSTILE = [
    "=HYPERLINK(\"http://evil.example\",\"点我\")",
    "+8613800138000",
    "-5",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]
COLUMNS = (
    Column("time", "登记时间"),
    Column("name", "访客姓名"),
    Column("phone", "电话"),
    Column("id", "证件号"),
    Column("note", "备注说明"),
)


def make_sheet(rows: list[list[str | int | None]] | None = None, **kw: object) -> Sheet:
    if rows is None:
        rows = [
            ["08:01", "张三", "13800138000", "110105194912310021", "送快递到3栋2单元"],
            ["08:02", "李四 Li Si", 12345, None, "line1\nline2"],
        ]
        rows += [["08:03", h, h, h, h] for h in HOSTILE]
    fields: dict[str, object] = {
        "title": "访客登记表 2026-11-22",
        "header_lines": ("站点：阳光花园", "日期：2026-11-22", "导出人：王五",
                         "导出时间：2026-11-22 18:00", AUDIT),
        "columns": COLUMNS,
        "rows": rows,
        "footer_lines": ("共 9 条记录",),
        "signature_label": "值班人签名 / Signature",
    }
    fields.update(kw)
    return Sheet(**fields)  # type: ignore[arg-type]


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def squeeze(text: str) -> str:
    """Text without whitespace and NULs: pypdf pads CID-font text it extracts with them."""
    return re.sub(r"[\s\x00]+", "", text)


def pdf_text(path: Path) -> str:
    """All text of a PDF, squeezed."""
    reader = pypdf.PdfReader(str(path))
    return squeeze("".join(page.extract_text() for page in reader.pages))


# --- shared helpers -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [*HOSTILE, "\n=1", "\0x", "﹢86", "－5", "＠x"])
def test_formula_guard_flags_every_trigger(text: str) -> None:
    assert needs_formula_guard(text)


@pytest.mark.parametrize("text", ["", "张三", "13800138000", "a=b", "1-2", " =1"])
def test_formula_guard_leaves_plain_text(text: str) -> None:
    assert not needs_formula_guard(text)


def test_display_width_counts_cjk_double_and_caps() -> None:
    assert display_width("姓名") == 4
    assert display_width("张三 Li") == 7
    assert display_width("短\n很长的一行") == 10
    assert display_width("很" * 10_000, cap=60) == 60


def test_column_widths_fit_titles_content_and_hints() -> None:
    cols = (Column("a", "姓名"), Column("b", "备注"), Column("c", "很长很长的列标题"),
            Column("d", "x", width_hint=30))
    widths = column_widths(cols, [["张三丰", "长" * 500, None, "ignored"]], cap=60)
    assert widths == [8, 62, 18, 32]


# --- CSV ----------------------------------------------------------------------------------

def test_csv_has_bom_crlf_and_chinese(tmp_path: Path) -> None:
    out = tmp_path / "day.csv"
    write_csv(make_sheet(), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"").replace(b"line1\nline2", b"")
    rows = read_csv(out)
    assert rows[0] == ["站点：阳光花园"] and rows[4] == [AUDIT] and rows[5] == []
    assert rows[6] == ["登记时间", "访客姓名", "电话", "证件号", "备注说明"]
    assert rows[7] == ["08:01", "张三", "13800138000", "110105194912310021", "送快递到3栋2单元"]
    assert rows[8] == ["08:02", "李四 Li Si", "12345", "", "line1\nline2"]
    assert rows[-1] == ["共 9 条记录"]


def test_csv_guards_every_formula_cell(tmp_path: Path) -> None:
    out = tmp_path / "day.csv"
    write_csv(make_sheet(), out)
    data = read_csv(out)[9:9 + len(HOSTILE)]
    for row, hostile in zip(data, HOSTILE):
        assert row[1:] == ["'" + hostile] * 4
    for row in read_csv(out):
        for cell in row:
            assert not needs_formula_guard(cell), cell


def test_csv_keeps_long_text_and_replaces_nul(tmp_path: Path) -> None:
    out = tmp_path / "day.csv"
    write_csv(make_sheet([["1", "甲" * 10_000, "a\0b", None, 7]]), out)
    row = read_csv(out)[7]
    assert row[1] == "甲" * 10_000 and row[2] == "a\ufffdb" and row[4] == "7"


# --- XLSX ---------------------------------------------------------------------------------

def test_xlsx_round_trips_chinese_and_keeps_text(tmp_path: Path) -> None:
    out = tmp_path / "day.xlsx"
    write_xlsx(make_sheet(), out)
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "访客登记表 2026-11-22"
    assert ws["A1"].value == "访客登记表 2026-11-22"
    assert ws["A2"].value == "站点：阳光花园" and ws["A6"].value == AUDIT
    assert [c.value for c in ws[8]] == ["登记时间", "访客姓名", "电话", "证件号", "备注说明"]
    assert [c.value for c in ws[9]] == ["08:01", "张三", "13800138000", "110105194912310021",
                                        "送快递到3栋2单元"]
    assert ws["D9"].data_type == "s" and ws["D9"].number_format == "@"
    assert ws["C10"].value == 12345 and ws["C10"].data_type == "n"
    assert ws["E10"].value == "line1\nline2" and ws["E10"].alignment.wrap_text
    assert ws.row_dimensions[10].height == 30  # two lines: the row is made taller
    assert ws.row_dimensions[9].height is None  # one line: Excel's default height


@pytest.mark.parametrize("streamed", [False, True], ids=["in-memory", "constant-memory"])
def test_xlsx_never_writes_a_formula(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     streamed: bool) -> None:
    if streamed:
        monkeypatch.setattr(xlsx_writer, "CONSTANT_MEMORY_CELLS", 0)
    out = tmp_path / "day.xlsx"
    write_xlsx(make_sheet(), out)
    ws = openpyxl.load_workbook(out).active
    seen = 0
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str) and needs_formula_guard(cell.value):
                seen += 1
                assert cell.data_type == "s"
                assert cell.quotePrefix, cell.coordinate
    assert seen == 4 * (len(HOSTILE) - 1)
    cr_row = list(next(ws.iter_rows(min_row=16, max_row=16)))[1:]
    assert all(c.value == "_x000D_=1+1" and c.quotePrefix for c in cr_row)  # CR stored escaped
    with zipfile.ZipFile(out) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")
    values = [c.value for c in next(ws.iter_rows(min_row=11, max_row=11))]
    assert values == ["08:03", *[HOSTILE[0]] * 4]  # the stored text has no added apostrophe


def test_xlsx_column_widths_fit_cjk(tmp_path: Path) -> None:
    out = tmp_path / "day.xlsx"
    long_title = Column("x", "一个特别特别长的中文列标题名称")
    write_xlsx(make_sheet([["08:01", "欧阳娜娜娜", "1", "2", "注" * 500, "x"]],
                          columns=(*COLUMNS, long_title)), out)
    ws = openpyxl.load_workbook(out).active
    widths = [ws.column_dimensions[letter].width for letter in "ABCDEF"]
    for width, column in zip(widths, (*COLUMNS, long_title)):
        assert width >= display_width(column.title)
    assert widths[1] >= display_width("欧阳娜娜娜") and 60 <= widths[4] <= 64


def test_xlsx_print_setup_and_frozen_header(tmp_path: Path) -> None:
    out = tmp_path / "day.xlsx"
    write_xlsx(make_sheet(title="A&B [x]: y/z?*"), out)
    ws = openpyxl.load_workbook(out).active
    assert ws.freeze_panes == "A9"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$8:$8"
    assert ws.title == "A&B _x__ y_z__"
    assert ws.oddHeader.center.text == "A&&B [x]: y/z?*"
    assert ws.oddFooter.left.text == AUDIT and "第 &P 页 / 共 &N 页" in ws.oddFooter.right.text


def test_xlsx_keeps_long_text_and_big_numbers_exact(tmp_path: Path) -> None:
    out = tmp_path / "day.xlsx"
    write_xlsx(make_sheet([["1", "甲" * 10_000, 1234567890123456789, "x" * 40_000, None]]), out)
    ws = openpyxl.load_workbook(out).active
    assert ws["B9"].value == "甲" * 10_000
    assert ws["C9"].value == "1234567890123456789" and ws["C9"].data_type == "s"
    assert len(ws["D9"].value) == 32_767 and ws["D9"].value.endswith("…")


# --- PDF ----------------------------------------------------------------------------------

def test_pdf_embeds_a_chinese_font_and_text_extracts(tmp_path: Path) -> None:
    out = tmp_path / "day.pdf"
    warnings = write_pdf(make_sheet(), out)
    raw = out.read_bytes()
    assert raw.startswith(b"%PDF-")
    assert b"/FontFile3" in raw or b"/FontFile2" in raw
    text = pdf_text(out)
    for expected in ("访客登记表", "站点：阳光花园", "送快递到3栋2单元", "访客姓名", "共9条记录",
                     "值班人签名/Signature:", "日期/Date:", "第1页/共1页—page1of1"):
        assert expected in text, expected
    assert squeeze(AUDIT) in text
    assert warnings == []


def test_pdf_repeats_header_and_numbers_pages(tmp_path: Path) -> None:
    out = tmp_path / "day.pdf"
    rows: list[list[str | int | None]] = [[f"{i:04d}", "王小明", "13900000000", "", "来访"]
                                          for i in range(200)]
    write_pdf(make_sheet(rows), out)
    reader = pypdf.PdfReader(str(out))
    total = len(reader.pages)
    assert total >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = squeeze(page.extract_text())
        assert "访客姓名" in text and "登记时间" in text
        assert f"第{number}页/共{total}页—page{number}of{total}" in text
    last = squeeze(reader.pages[-1].extract_text())
    assert "值班人签名" in last and "3f9a3f9a" in last
    assert "0199" in last and "0000" in squeeze(reader.pages[0].extract_text())


def test_pdf_cuts_hostile_cells_but_keeps_layout(tmp_path: Path) -> None:
    out = tmp_path / "day.pdf"
    hostile = "很长" * 5_000 + "END"
    rows: list[list[str | int | None]] = [
        ["1", hostile, "\x1b[31m红\u202e字", "😀访客", "\n" * 500 + "x"],
        ["2", "[b]粗体[/b] <i>x</i> (a) \\ )", "", "", ""],
    ]
    warnings = write_pdf(make_sheet(rows), out)
    assert len(pypdf.PdfReader(str(out)).pages) == 1
    text = pdf_text(out)
    assert "END" not in text and "很长很长" in text and "…" in text
    assert "[31m红字" in text and "\u202e" not in text
    assert "[b]粗体[/b]<i>x</i>(a)\\)" in text
    assert any(w.startswith("2 long texts were shortened") for w in warnings)
    assert any("😀" in w for w in warnings)


def test_wrap_breaks_words_and_cjk_and_limits_lines() -> None:
    canvas = fonts.open_canvas(Path("unused.pdf"), "t")[0]
    assert canvas is not None
    lay = _Layout(canvas)
    words = lay.wrap("alpha beta gamma delta epsilon", 25.0, 9.0, 6)
    assert all(" " not in w.strip() or len(w.split()) <= 3 for w in words)
    assert " ".join(words).split() == ["alpha", "beta", "gamma", "delta", "epsilon"]
    cjk = lay.wrap("访客" * 40, 20.0, 9.0, 3)
    assert len(cjk) == 3 and cjk[-1].endswith("…")
    assert lay.wrap("一\n二\n三", 50.0, 9.0, MAX_CELL_LINES) == ["一", "二", "三"]
    long = lay.wrap("a" * 5000, 2000.0, 9.0, MAX_CELL_LINES)  # cut before wrapping
    assert len(long) < MAX_CELL_LINES and long[-1].endswith("…")
    assert "".join(long) == "a" * (len("".join(long)) - 1) + "…"


def test_pdf_falls_back_to_stsong_with_a_warning(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "find_cjk_font", lambda *a, **k: (None, []))
    out = tmp_path / "day.pdf"
    warnings = write_pdf(make_sheet(), out)
    raw = out.read_bytes()
    assert raw.startswith(b"%PDF-") and b"STSong-Light" in raw
    assert b"/FontFile" not in raw
    assert any("not embedded" in w for w in warnings)


def test_pdf_without_any_chinese_font_raises(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "find_cjk_font", lambda *a, **k: (None, []))
    monkeypatch.setattr(fonts, "reportlab_available", lambda: False)
    out = tmp_path / "day.pdf"
    with pytest.raises(ExportError, match="no Chinese font"):
        write_pdf(make_sheet(), out)
    assert list(tmp_path.iterdir()) == []


def test_font_lookup_prefers_package_and_reports_bad_settings(tmp_path: Path) -> None:
    choice, warnings = fonts.find_cjk_font()
    assert choice is not None and choice.source.startswith("package pylopdf-fonts-zh-cn")
    assert warnings == []
    bogus = tmp_path / "bogus.ttf"
    bogus.write_bytes(b"not a font")
    choice, warnings = fonts.find_cjk_font(bogus)
    assert choice is not None and choice.path != bogus
    assert any("no Chinese glyphs" in w for w in warnings)
    choice, warnings = fonts.find_cjk_font(tmp_path / "missing.ttf")
    assert choice is not None and any("not found" in w for w in warnings)


# --- atomic output ------------------------------------------------------------------------

WRITERS = [write_csv, write_xlsx, write_pdf]


@pytest.mark.parametrize("writer", WRITERS, ids=["csv", "xlsx", "pdf"])
def test_unwritable_path_raises_export_error(tmp_path: Path, writer: object) -> None:
    missing = tmp_path / "no-such-folder" / "day.out"
    with pytest.raises(ExportError) as info:
        writer(make_sheet(), missing)  # type: ignore[operator]
    assert str(missing) in str(info.value) and info.value.path == missing
    folder = tmp_path / "is-a-folder"
    (folder / "inner").mkdir(parents=True)
    with pytest.raises(ExportError, match=re.escape(str(folder))):
        writer(make_sheet(), folder)  # type: ignore[operator]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["is-a-folder"]


@pytest.mark.parametrize("writer", [*WRITERS, "xlsx-streamed"],
                         ids=["csv", "xlsx", "pdf", "xlsx-streamed"])
def test_failed_export_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          writer: object) -> None:
    if writer == "xlsx-streamed":
        monkeypatch.setattr(xlsx_writer, "CONSTANT_MEMORY_CELLS", 0)
        writer = write_xlsx
    scratch = tmp_path / "system-temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "day.out"
    out.write_bytes(b"previous export")
    hinted = tuple(Column(c.key, c.title, 10) for c in COLUMNS)  # widths are not measured
    good: list[str | int | None] = ["08:00", "张三", "1", "2", "3"]
    boom: list[str | int | None] = ["08:01", _Exploding()]  # type: ignore[list-item]
    bad = make_sheet([good] * 50 + [boom], columns=hinted)
    with pytest.raises(RuntimeError):
        writer(bad, out)  # type: ignore[operator]
    assert out.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day.out", "system-temp"]
    assert list(scratch.iterdir()) == []


class _Exploding:
    """A cell value whose text conversion fails half-way through an export."""

    def __str__(self) -> str:
        raise RuntimeError("boom")


def test_export_replaces_an_existing_file(tmp_path: Path) -> None:
    out = tmp_path / "day.csv"
    out.write_text("old")
    write_csv(make_sheet(), out)
    assert io.BytesIO(out.read_bytes()).read(3) == b"\xef\xbb\xbf"
