"""A spreadsheet's CSV as text: the encodings Chinese offices save, bounds, and clean cells.

Excel in a Chinese office saves "CSV (逗号分隔)" in the ANSI code page, which is GBK (read here
as GB18030, its superset); "CSV UTF-8" with a BOM; and "Unicode 文本" as UTF-16 with a BOM and
tabs between the cells. All three are read: a BOM decides, else strict UTF-8, else strict
GB18030 (a file that is neither is refused with the way to save it). A file whose every other
byte is zero is UTF-16 that lost its BOM and is read as such.

Bounds, checked before anything is parsed, so a wrong or hostile file is refused with a line
naming what is wrong instead of a traceback: the file's size (:data:`MAX_BYTES`), the number of
rows (:data:`MAX_ROWS`) and each cell's length (:data:`MAX_CELL`; Python's csv module itself
stops at 128 KiB, which is reported the same way).

Cells are cleaned on the way in: control characters (ESC and the rest of C0/C1, DEL) and bidi
overrides are dropped and line breaks and tabs become spaces, so a contact's name cannot carry
a terminal escape or forge a line in a listing later. Pure: bytes in, text and errors out.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_BYTES = 4 * 1024 * 1024
MAX_ROWS = 5000
MAX_CELL = 2000

HOW_TO_SAVE = ("save it from Excel or WPS as \"CSV UTF-8 (逗号分隔)\" (or as \"CSV (逗号分隔)\", "
               "which is GBK and is read too)")

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile("[\t\r\n\u2028\u2029]+")


@dataclass(frozen=True)
class TextProblem:
    """Why a file could not be read as CSV at all: ``row`` (1-based, 0 for the whole file)."""

    row: int
    code: str
    message: str


def decode(data: bytes) -> tuple[str, str] | TextProblem:
    """``(text, encoding name)`` of a CSV file's bytes, or the problem (with how to save it)."""
    if len(data) > MAX_BYTES:
        return TextProblem(0, "too_big", f"the file is {len(data) // 1024} KB; a contact list "
                           f"may be at most {MAX_BYTES // (1024 * 1024)} MB")
    boms = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
            (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
            (codecs.BOM_UTF16_BE, "utf-16"))
    candidates = [enc for bom, enc in boms if data.startswith(bom)][:1]
    if not candidates:
        head = data[:4096]
        if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:
            candidates = ["utf-16-le"]
        elif len(head) >= 4 and head[0::2].count(0) > len(head) // 4:
            candidates = ["utf-16-be"]
        else:
            candidates = ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return TextProblem(0, "bad_encoding",
                       f"the file is not UTF-8, UTF-16 or GBK text; {HOW_TO_SAVE}")


def clean_cell(value: str) -> str:
    """A cell as stored: line breaks and tabs as one space, control and bidi characters
    dropped, outer spaces trimmed."""
    return _UNSAFE.sub("", _BREAKS.sub(" ", value)).strip()


def _delimiter(text: str) -> str:
    """Tab for Excel's "Unicode text" (tabs and no commas in the header line), else comma."""
    header = text.split("\n", 1)[0]
    return "\t" if header.count("\t") > header.count(",") else ","


def rows(text: str) -> Iterator[tuple[int, list[str]] | TextProblem]:
    """Each row as ``(spreadsheet row number, raw cells)``; a :class:`TextProblem` ends it.

    Stops at the first row over :data:`MAX_ROWS`, the first cell over :data:`MAX_CELL`
    characters and the first row the csv module cannot read (a quote left open makes the rest
    of the file one huge cell).
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""),
                        delimiter=_delimiter(text))
    n = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):
                yield TextProblem(n + 1, "cell_too_long", "a cell is longer than the 131072 "
                                  f"characters the reader takes (at most {MAX_CELL} are kept); "
                                  "or a quote is left open, which makes the rest one cell")
            else:
                yield TextProblem(n + 1, "bad_csv", f"cannot read this row ({exc})")
            return
        n += 1
        if n > MAX_ROWS + 1:
            yield TextProblem(n, "too_many_rows",
                              f"more than {MAX_ROWS} rows; a contact list is a few hundred")
            return
        long = next((len(c) for c in row if len(c) > MAX_CELL), 0)
        if long:
            yield TextProblem(n, "cell_too_long",
                              f"a cell is {long} characters long; at most {MAX_CELL} are read")
            return
        yield n, row
