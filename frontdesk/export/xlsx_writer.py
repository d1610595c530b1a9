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
  Excel's and XlsxWriter's autofit under-estimate CJK text; content widths are capped at 60,
  longer text wraps, and rows that wrap get a height for their line count;
* integers are numbers; integers of 16 digits or more are written as text (Excel keeps 15);
  a cell longer than Excel's 32,767 characters is cut with "…";
* the column-title row is frozen and repeated on every printed page; the page is A4
  landscape, fitted to one page wide, with "第 N 页 / 共 M 页" in the printed footer;
* a day (up to :data:`CONSTANT_MEMORY_CELLS` cells) is built in memory, XML parts included
  (``in_memory``), which is fastest; empty cells are not written (the column's format holds);
  bigger exports (a month) use ``constant_memory``, streaming rows to a scratch file so memory
  stays flat (rows are written strictly in order, which this writer always does).

Layout: the title and the header lines on top (one per row), an empty row, the column
titles, the data rows, then an empty row, the footer lines, an empty row and the signature
line. The printed footer carries the audit-chain head (:attr:`Sheet.audit_line`).
"""
from __future__ import annotations

import os
import re
import tempfile

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.format import Format

from frontdesk.export.sheet import (
    ExportError,
    Sheet,
    atomic_output,
    cell_text,
    column_widths,
    display_width,
    needs_formula_guard,
)

__all__ = ["ExportError", "write_xlsx"]

MAX_CONTENT_WIDTH = 60
EXCEL_MAX_WIDTH = 255
ROW_HEIGHT = 15.0  # points per line of the default 11-point font
MAX_ROW_HEIGHT = 409.0  # Excel's limit
CONSTANT_MEMORY_CELLS = 250_000  # above this, stream rows to disk (flat memory, ~25% slower)
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


def _line_count(text: str, width: int) -> int:
    """How many lines ``text`` takes when wrapped in a column ``width`` characters wide.

    Spreadsheets do not reliably grow rows for wrapped text in files they open (LibreOffice
    does not), so the writer sets the height of rows that wrap from this estimate.
    """
    room = max(width - 1, 1)
    if 2 * len(text) <= room and "\n" not in text:
        return 1
    cap = room * int(MAX_ROW_HEIGHT // ROW_HEIGHT)
    return sum(max(1, -(-display_width(part, cap) // room)) for part in text.split("\n"))


def _fit(text: str) -> str:
    """Text cut to what one Excel cell can hold, ending with an ellipsis if cut."""
    if len(text) <= EXCEL_MAX_CELL_CHARS:
        return text
    return text[: EXCEL_MAX_CELL_CHARS - 1] + "…"


def write_xlsx(sheet: Sheet, path: str | os.PathLike[str], *, overwrite: bool = True) -> None:
    """Write ``sheet`` as an XLSX workbook at ``path`` (atomically; raises :class:`ExportError`;
    ``overwrite``: see :func:`~frontdesk.export.sheet.atomic_output`).

    XlsxWriter's row scratch files go to a private temporary folder that is always removed,
    so a failed export leaves no personal data behind in the temp or the target folder.
    """
    with atomic_output(path, overwrite=overwrite) as tmp, tempfile.TemporaryDirectory(
        prefix="frontdesk-xlsx-", ignore_cleanup_errors=True
    ) as scratch:
        streamed = len(sheet.rows) * len(sheet.columns) > CONSTANT_MEMORY_CELLS
        workbook = xlsxwriter.Workbook(
            str(tmp),
            {
                "constant_memory": streamed,
                "in_memory": not streamed,  # a day's XML parts are assembled in memory
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "tmpdir": scratch,
            },
        )
        try:
            _fill(workbook, sheet)
        except BaseException:
            for worksheet in workbook.worksheets():
                handle = getattr(worksheet, "row_data_fh", None)
                if handle is not None:
                    handle.close()
            raise
        try:
            workbook.close()
        except XlsxWriterException as exc:
            raise ExportError(path, str(exc)) from exc


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

    widths = [min(w, EXCEL_MAX_WIDTH) for w in column_widths(sheet.columns, sheet.rows,
                                                              MAX_CONTENT_WIDTH)]
    for i, width in enumerate(widths):
        ws.set_column(i, i, width, text)

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
    write_string, write_number, guard = ws.write_string, ws.write_number, needs_formula_guard
    for values in sheet.rows:
        cells = [v if type(v) is str or v is None or (type(v) is int and abs(v) < EXCEL_MAX_NUMBER)
                 else cell_text(v) for v in values]
        lines = 1
        for s, w in zip(cells, widths):  # cheap pre-checks: most cells fit on one line
            if type(s) is str and (2 * len(s) >= w or "\n" in s):
                lines = max(lines, _line_count(s, w))
        if lines > 1:  # set before the row's cells: constant_memory writes rows in order
            ws.set_row(row, min(ROW_HEIGHT * lines, MAX_ROW_HEIGHT))
        for col, value in enumerate(cells):
            if type(value) is str:
                if not value:
                    continue  # an empty cell keeps its column's text format (set_column)
                if len(value) > EXCEL_MAX_CELL_CHARS:
                    value = _fit(value)
                write_string(row, col, value, guarded if guard(value) else text)
            elif value is not None:
                write_number(row, col, value, number)
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
