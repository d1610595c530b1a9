"""CSV export: UTF-8 with a BOM, CRLF line ends, every field quoted, and a formula guard.

The BOM makes Excel on a Chinese-locale Windows read the file as UTF-8 instead of GBK.
Untrusted text that a spreadsheet could evaluate (see :func:`needs_formula_guard`) gets a
leading apostrophe, as OWASP recommends; quoting alone does not help because Excel unquotes
and then evaluates. A phone number such as ``+8613800138000`` is therefore written as
``'+8613800138000``: office staff who need clean numbers should use the XLSX export, which
keeps the original text and marks the cell as text instead.

Layout: the header lines (one per row), an empty row, the column titles, the data rows, and,
if there are any, an empty row followed by the footer lines. Cells keep their full text.
"""
from __future__ import annotations

import csv
import os

from frontdesk.export.sheet import ExportError, Sheet, atomic_output, cell_text, needs_formula_guard

__all__ = ["ExportError", "csv_cell", "write_csv"]


def csv_cell(value: object) -> str:
    """One CSV field: text with the formula guard applied; integers are left as numbers."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = cell_text(value).replace("\0", "\ufffd")
    return "'" + text if needs_formula_guard(text) else text


def write_csv(sheet: Sheet, path: str | os.PathLike[str], *, overwrite: bool = True) -> None:
    """Write ``sheet`` as a CSV file at ``path`` (atomically; raises :class:`ExportError`;
    ``overwrite``: see :func:`~frontdesk.export.sheet.atomic_output`)."""
    with (
        atomic_output(path, overwrite=overwrite) as tmp,
        open(tmp, "w", encoding="utf-8-sig", errors="replace", newline="") as handle,
    ):
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for line in sheet.header_lines:
            writer.writerow([csv_cell(line)])
        if sheet.header_lines:
            writer.writerow([])
        writer.writerow([csv_cell(column.title) for column in sheet.columns])
        writer.writerows([csv_cell(value) for value in row] for row in sheet.rows)
        if sheet.footer_lines:
            writer.writerow([])
            for line in sheet.footer_lines:
                writer.writerow([csv_cell(line)])
