"""XLSX export with XlsxWriter: strings stay strings, Chinese widths, print-ready.

Following research/anchors-sync-export-security.md §2.2:

* every text cell is written with ``write_string`` and the workbook turns off
  ``strings_to_formulas``/``strings_to_numbers``/``strings_to_urls``, so a visitor named
  ``=HYPERLINK(...)`` stays text; cells that a spreadsheet would evaluate also get
  ``quote_prefix`` so they stay text when someone edits them later (F2, Enter). The stored
  value is the original text, without an added apostrophe;
* cells use the text number format ``@``, so 18-digit ID strings and phone numbers with a
  leading ``0`` or ``+`` are kept exactly;
* column widths are computed with East-Asian width (a Chinese character counts 2), because
  Excel's and XlsxWriter's autofit under-estimate CJK text; content widths are capped at 60;
* the column-title row is frozen and repeated on every printed page; the page is A4
  landscape, fitted to one page wide, with "第 N 页 / 共 M 页" in the printed footer;
* ``constant_memory`` keeps memory flat for big days (rows are written strictly in order).

Layout: header lines on top (one per row), an empty row, the column titles, the data rows,
then an empty row, the footer lines and the signature line.
"""
from __future__ import annotations

import os
import re
import xlsxwriter
from xlsxwriter.format import Format

from frontdesk.export.sheet import (
    Column,
    ExportError,
    Sheet,
    atomic_output,
    cell_text,
    column_widths,
    needs_formula_guard,
)

__all__ = ["ExportError", "write_xlsx"]

MAX_CONTENT_WIDTH = 60
EXCEL_MAX_WIDTH = 255
EXCEL_MAX_CELL_CHARS = 32_767
EXCEL_MAX_NUMBER = 10**15  # Excel keeps 15 significant digits; longer integers become text
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_HEADER_FOOTER_TEXT = 100  # characters of user text in the printed header/footer (limit 255)


def _sheet_name(title: str) -> str:
    """A valid worksheet name from an untrusted title (≤31 chars, no ``[]:*?/\\``)."""
    name = _SHEET_NAME_FORBIDDEN.sub("_", title).strip().strip("'")[:31].strip()
    return name or "Sheet1"


def _header_footer_text(text: str) -> str:
    """Untrusted text made literal inside an Excel page header/footer (``&`` is a code)."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text)[:_HEADER_FOOTER_TEXT]
    return text.replace("&", "&&")


def _fit(text: str) -> str:
    """Text cut to what one Excel cell can hold, ending with an ellipsis if cut."""
    if len(text) <= EXCEL_MAX_CELL_CHARS:
        return text
    return text[: EXCEL_MAX_CELL_CHARS - 1] + "…"


def write_xlsx(sheet: Sheet, path: str | os.PathLike[str]) -> None:
    """Write ``sheet`` as an XLSX workbook at ``path`` (atomically; raises :class:`ExportError`)."""
    with atomic_output(path) as tmp:
        workbook = xlsxwriter.Workbook(
            str(tmp),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "tmpdir": str(tmp.parent),
            },
        )
        try:
            _fill(workbook, sheet)
        finally:
            workbook.close()


def _fill(workbook: xlsxwriter.Workbook, sheet: Sheet) -> None:
    """Add the one worksheet of ``sheet`` to ``workbook``."""
    ws = workbook.add_worksheet(_sheet_name(sheet.title))
    base = {"num_format": "@", "valign": "top"}
    text = workbook.add_format({**base, "text_wrap": True})
    guarded = workbook.add_format({**base, "text_wrap": True, "quote_prefix": True})
    number = workbook.add_format({"valign": "top"})
    line = workbook.add_format(base)
    line_guarded = workbook.add_format({**base, "quote_prefix": True})
    title_fmt = workbook.add_format({**base, "bold": True, "font_size": 14})
    head = workbook.add_format(
        {**base, "bold": True, "text_wrap": True, "bg_color": "#DDDDDD", "border": 1}
    )
    ncols = max(len(sheet.columns), 1)

    for i, width in enumerate(column_widths(sheet.columns, sheet.rows, MAX_CONTENT_WIDTH)):
        ws.set_column(i, i, min(width, EXCEL_MAX_WIDTH), text)

    row = 0

    def write_line(value: str, fmt: Format | None = None) -> None:
        nonlocal row
        value = _fit(value)
        chosen = fmt or (line_guarded if needs_formula_guard(value) else line)
        ws.write_string(row, 0, value, chosen)
        row += 1

    write_line(sheet.title, title_fmt if not needs_formula_guard(sheet.title) else None)
    for header in sheet.header_lines:
        write_line(header)
    row += 1
    title_row = row
    for col, column in enumerate(sheet.columns):
        ws.write_string(row, col, _fit(column.title), head)
    row += 1
    for values in sheet.rows:
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) < EXCEL_MAX_NUMBER:
                ws.write_number(row, col, value, number)
                continue
            s = _fit(cell_text(value))
            ws.write_string(row, col, s, guarded if needs_formula_guard(s) else text)
        row += 1
    last_data_row = row - 1
    row += 1
    for footer in sheet.footer_lines:
        write_line(footer)
    row += 1
    write_line(sheet.signature_line)

    ws.freeze_panes(title_row + 1, 0)
    ws.autofilter(title_row, 0, max(last_data_row, title_row), ncols - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(title_row)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header("&C" + _header_footer_text(sheet.title))
    ws.set_footer(
        "&L" + _header_footer_text(sheet.audit_line) + "&R第 &P 页 / 共 &N 页 — page &P of &N"
    )
