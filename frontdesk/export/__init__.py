"""Register exports for office staff: CSV, XLSX and PDF writers over a plain :class:`Sheet`.

The writers are pure: they take a :class:`Sheet` (gathered from the database elsewhere) and a
path, write to a temporary file in the same folder and rename it into place, and raise
:class:`ExportError` naming the path when that fails. The heavy libraries (XlsxWriter, fpdf2)
are imported only when a writer is called, so importing this package is cheap.
"""
from __future__ import annotations

import os

from frontdesk.export.sheet import Column, ExportError, Sheet

__all__ = ["Column", "ExportError", "Sheet", "write_csv", "write_pdf", "write_xlsx"]


def write_csv(sheet: Sheet, path: str | os.PathLike[str], *, overwrite: bool = True) -> None:
    """Write ``sheet`` as UTF-8 (BOM) CSV with a formula guard; see :mod:`.csv_writer`."""
    from frontdesk.export.csv_writer import write_csv as _write

    _write(sheet, path, overwrite=overwrite)


def write_xlsx(sheet: Sheet, path: str | os.PathLike[str], *, overwrite: bool = True) -> None:
    """Write ``sheet`` as an XLSX workbook, strings kept as text; see :mod:`.xlsx_writer`."""
    from frontdesk.export.xlsx_writer import write_xlsx as _write

    _write(sheet, path, overwrite=overwrite)


def write_pdf(sheet: Sheet, path: str | os.PathLike[str], *,
              font_path: str | os.PathLike[str] | None = None, font_index: int = 0,
              overwrite: bool = True) -> list[str]:
    """Write ``sheet`` as an A4 landscape PDF with an embedded Chinese font; return warnings."""
    from frontdesk.export.pdf_writer import write_pdf as _write

    return _write(sheet, path, font_path=font_path, font_index=font_index,
                  overwrite=overwrite)
