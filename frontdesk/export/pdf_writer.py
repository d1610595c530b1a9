"""PDF export: A4 landscape, Chinese text in an embedded font, a table that never overflows.

The layout is computed here (wrapping, pagination, page count known before drawing) and
drawn through a small canvas interface with two implementations:

* fpdf2 with a Chinese font found by :mod:`frontdesk.export.fonts`, embedded as a subset, so
  the PDF reads correctly on a machine with no Chinese fonts (the normal case);
* ReportLab's built-in ``STSong-Light`` when no such font exists: that font is **not**
  embedded, so viewers without an Asian font pack show boxes. A warning says so.

Untrusted text cannot break the layout: control and bidi characters are dropped, characters
the font lacks become ``□``, and a cell keeps at most :data:`MAX_CELL_LINES` wrapped lines, the
last one ending with ``…`` when text was cut (the XLSX and CSV keep the full text).
Page layout: the title and header lines, the table (its column-title row repeated on every
page), the footer lines, the signature line, the audit-chain head, and on every page
"第 N 页 / 共 M 页 — page N of M".
"""
from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from frontdesk.export.fonts import PAGE_H, PAGE_W, PT, Canvas, open_canvas
from frontdesk.export.sheet import ExportError, Sheet, atomic_output, cell_text, column_widths

__all__ = ["ExportError", "write_pdf"]

MARGIN = 10.0  # mm
PAD = 1.0  # cell padding, mm
LEADING = 1.3  # line height as a multiple of the font size
MAX_CELL_LINES = 6
MAX_TITLE_LINES = 3
CUT_CHARS = 4000  # longer cells are cut before wrapping (they cannot fit anyway)
CONTENT_CAP = 40  # content width (char cells) that counts when sharing the page width
TOP, BOTTOM = MARGIN + 6.0, PAGE_H - MARGIN - 4.0  # table area below the running head
_DROP = re.compile(  # controls, zero-width and bidi marks, BOM, lone surrogates
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
_NEWLINES = re.compile("\r\n|[\r\u2028\u2029\x0b\x0c]")


@dataclass
class _Page:
    """What one page holds: text blocks, table rows, and the table's vertical extent."""

    blocks: list[tuple[float, list[str], float]] = field(default_factory=list)  # y, lines, size
    rows: list[tuple[float, float, list[list[str]], bool]] = field(default_factory=list)
    table: tuple[float, float] | None = None  # top, bottom


class _Layout:
    """Text measuring, cleaning and wrapping for one canvas, with per-character caches."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.widths: dict[str, float] = {}
        self.good: set[str] = set()
        self.missing: set[str] = set()
        self.cut = 0
        self.box = "□" if canvas.has_glyph("□") else "?"

    def units(self, text: str) -> float:
        widths, total = self.widths, 0.0
        for ch in text:
            w = widths.get(ch)
            if w is None:
                w = widths[ch] = self.canvas.units(ch)
            total += w
        return total

    def clean(self, value: object) -> tuple[str, bool]:
        """Printable text with glyphs the font has, and whether it was cut to CUT_CHARS."""
        text = cell_text(value)
        cut = len(text) > CUT_CHARS
        text = _DROP.sub("", _NEWLINES.sub("\n", text[:CUT_CHARS]).replace("\t", " "))
        chars = set(text) - self.good - {"\n"}
        if chars:
            bad = {ch for ch in chars if not self.canvas.has_glyph(ch)}
            self.good |= chars - bad
            if bad:
                self.missing |= bad
                text = "".join(self.box if ch in bad else ch for ch in text)
        return text, cut

    def wrap(self, value: object, width: float, size: float, max_lines: int) -> list[str]:
        """``value`` wrapped into at most ``max_lines`` lines of ``width`` mm at ``size`` pt."""
        text, cut = self.clean(value)
        limit = max(width, 0.1) * 1000.0 / (size * PT)
        if not cut and "\n" not in text and self.units(text) <= limit:
            return [text]
        lines = list(islice(self._lines(text, limit), max_lines + 1))
        if cut or len(lines) > max_lines:
            self.cut += 1
            keep = min(len(lines), max_lines)
            last = lines[keep - 1]
            while last and self.units(last + "…") > limit:
                last = last[:-1]
            lines = [*lines[: keep - 1], last + "…"]
        return lines

    def _lines(self, text: str, limit: float) -> Iterator[str]:
        """Greedy line breaking: anywhere between CJK characters, at spaces within words."""
        for para in text.split("\n"):
            buf: list[str] = []
            used, wrapped = 0.0, False
            for ch in para:
                w = self.units(ch)
                while used + w > limit and buf:
                    space = -1 if ch == " " or _wide(ch) else _last_space(buf)
                    if space > 0:
                        yield "".join(buf[:space])
                        buf = buf[space + 1:]
                    else:
                        yield "".join(buf)
                        buf = []
                    used, wrapped = self.units("".join(buf)), True
                if ch == " " and wrapped and not buf:
                    continue  # no leading space on a wrapped line
                buf.append(ch)
                used += w
            yield "".join(buf)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _last_space(buf: list[str]) -> int:
    """Index of the space that starts the current (non-CJK) word, or -1."""
    i = len(buf) - 1
    while i > 0 and buf[i] != " " and not _wide(buf[i]):
        i -= 1
    return i if i > 0 and buf[i] == " " else -1


def _line_h(size: float) -> float:
    return size * PT * LEADING


def _baseline(top: float, size: float, i: int) -> float:
    """Baseline of line ``i`` of a text block whose top is ``top`` (mm)."""
    return top + size * PT * (1.03 + LEADING * i)


@dataclass(frozen=True)
class _Grid:
    """Table geometry: body font size, column left edges and widths (mm)."""

    size: float
    lefts: tuple[float, ...]
    widths: tuple[float, ...]

    @classmethod
    def for_sheet(cls, sheet: Sheet) -> _Grid:
        ncols = len(sheet.columns)
        size = 9.0 if ncols <= 8 else 8.0 if ncols <= 14 else 7.0
        cell = size * PT * 0.55  # a character cell: a digit is ~0.55 em, a Chinese character 1 em
        natural = [(w - 2) * cell + 2 * PAD + 0.5  # column_widths() adds 2 cells of padding
                   for w in column_widths(sheet.columns, sheet.rows, CONTENT_CAP)]
        widths = _share(natural, PAGE_W - 2 * MARGIN)
        lefts = [MARGIN + sum(widths[:i]) for i in range(len(widths))]
        return cls(size, tuple(lefts), tuple(widths))


def _share(natural: list[float], total: float) -> list[float]:
    """Column widths filling ``total``: narrow columns get their natural width, wide ones share.

    If everything fits, all columns grow in proportion. Otherwise the columns that fit in an
    equal share of what is left keep their natural width (so "23栋" or "张三" never wrap), and
    the remaining wide columns split the rest in proportion to their natural widths.
    """
    if sum(natural) <= total:
        return [n * total / (sum(natural) or 1) for n in natural]
    widths = list(natural)
    wide = set(range(len(natural)))
    remaining = total
    while wide:
        share = remaining / len(wide)
        narrow = {i for i in wide if natural[i] <= share}
        if not narrow:
            wanted = sum(natural[i] for i in wide)
            for i in wide:
                widths[i] = remaining * natural[i] / wanted
            break
        remaining -= sum(natural[i] for i in narrow)
        wide -= narrow
    return widths


def _layout(sheet: Sheet, lay: _Layout, grid: _Grid) -> list[_Page]:
    """Place every block and row on pages; nothing is drawn yet."""
    usable, size = PAGE_W - 2 * MARGIN, grid.size
    pages = [_Page()]
    y = TOP

    def new_page() -> None:
        nonlocal y
        pages.append(_Page())
        y = TOP

    def block(lines: list[str], bsize: float, gap: float = 0.0) -> None:
        nonlocal y
        pages[-1].blocks.append((y + gap, lines, bsize))
        y += gap + len(lines) * _line_h(bsize)

    def row(cells: list[list[str]], is_head: bool) -> None:
        nonlocal y
        h = max((len(c) for c in cells), default=1) * _line_h(size) + 2 * PAD
        if not is_head and y + h > BOTTOM:
            new_page()
            row(head, True)
        page = pages[-1]
        page.rows.append((y, h, cells, is_head))
        page.table = (page.table[0] if page.table else y, y + h)
        y += h

    block(lay.wrap(sheet.title, usable, 14.0, 2), 14.0)
    for line in sheet.header_lines:
        block(lay.wrap(line, usable, 9.0, 3), 9.0)
    y += 3.0
    head = [lay.wrap(c.title, w - 2 * PAD, size, MAX_TITLE_LINES)
            for c, w in zip(sheet.columns, grid.widths)]
    if y + 2 * (max((len(c) for c in head), default=1) * _line_h(size) + 2 * PAD) > BOTTOM:
        new_page()
    row(head, True)
    for values in sheet.rows:
        row([lay.wrap(values[i] if i < len(values) else None, w - 2 * PAD, size, MAX_CELL_LINES)
             for i, w in enumerate(grid.widths)], False)

    end = [(lay.wrap(text, usable, 9.0, 4), 9.0, 0.0) for text in sheet.footer_lines]
    end += [(lay.wrap(sheet.signature_line, usable, 10.0, 2), 10.0, 8.0),
            (lay.wrap(sheet.audit_line, usable, 8.0, 3), 8.0, 4.0)]
    if y + 4.0 + sum(gap + len(lines) * _line_h(s) for lines, s, gap in end) > BOTTOM:
        new_page()
    y += 4.0
    for lines, bsize, gap in end:
        block(lines, bsize, gap)
    return pages


def _folio(number: int, total: int) -> str:
    return f"第 {number} 页 / 共 {total} 页 — page {number} of {total}"


def _characters(pages: list[_Page], run_head: str) -> set[str]:
    """Every character the drawing will use (the embedded font is cut down to these)."""
    chars = set(run_head) | set(_folio(len(pages), len(pages))) | set("0123456789")
    for page in pages:
        for _top, lines, _size in page.blocks:
            chars.update(*lines)
        for _top, _h, cells, _head in page.rows:
            for lines in cells:
                chars.update(*lines)
    return chars


def _draw(canvas: Canvas, lay: _Layout, grid: _Grid, pages: list[_Page], run_head: str) -> None:
    """Draw the laid-out pages, with the running head and "page N of M" on each."""
    total, size, right = len(pages), grid.size, PAGE_W - MARGIN
    for number, page in enumerate(pages, start=1):
        canvas.new_page()
        if number > 1:
            canvas.text(MARGIN, MARGIN + 2.5, run_head, 8.0)
        folio = _folio(number, total)
        folio_x = (PAGE_W - lay.units(folio) * 8.0 * PT / 1000) / 2
        canvas.text(folio_x, PAGE_H - MARGIN + 2, folio, 8.0)
        for top, lines, bsize in page.blocks:
            for i, line in enumerate(lines):
                if line:
                    canvas.text(MARGIN, _baseline(top, bsize, i), line, bsize)
        for top, h, cells, is_head in page.rows:
            if is_head:
                canvas.shade(MARGIN, top, right - MARGIN, h)
            for x, lines in zip(grid.lefts, cells):
                for i, line in enumerate(lines):
                    if line:
                        canvas.text(x + PAD, _baseline(top + PAD, size, i), line, size)
            canvas.line(MARGIN, top + h, right, top + h)
        if page.table:
            top, bottom = page.table
            canvas.line(MARGIN, top, right, top)
            for x in (*grid.lefts, right):
                canvas.line(x, top, x, bottom)


def write_pdf(sheet: Sheet, path: str | os.PathLike[str], *,
              font_path: str | os.PathLike[str] | None = None, font_index: int = 0,
              overwrite: bool = True) -> list[str]:
    """Write ``sheet`` as a PDF at ``path`` (atomically) and return warnings for the user.

    ``font_path``/``font_index`` name a preferred font file (a site setting); otherwise the
    font comes from :func:`frontdesk.export.fonts.find_cjk_font`. Raises :class:`ExportError`
    when the file cannot be written, or when no Chinese font and no ReportLab are available.
    """
    title = " ".join(_DROP.sub("", cell_text(sheet.title)).split())
    with atomic_output(path, overwrite=overwrite) as tmp:
        canvas, warnings = open_canvas(tmp, title, font_path, font_index)
        if canvas is None:
            raise ExportError(path, "no Chinese font for the PDF: install the "
                                    "pylopdf-fonts-zh-cn package or set a font file")
        lay = _Layout(canvas)
        site = f" · {sheet.header_lines[0]}" if sheet.header_lines else ""
        run_head = lay.wrap(" ".join(f"{title}{site}".split()), 200.0, 8.0, 1)[0]
        lay.cut = 0  # a shortened running head is not worth a warning
        grid = _Grid.for_sheet(sheet)
        pages = _layout(sheet, lay, grid)
        canvas.prepare(_characters(pages, run_head))
        _draw(canvas, lay, grid, pages, run_head)
        canvas.save()
    if lay.missing:
        sample = "".join(sorted(lay.missing)[:10])
        warnings.append(f"Characters missing from the PDF font are shown as {lay.box} "
                        f"({len(lay.missing)} distinct): {sample}")
    if lay.cut:
        warnings.append(f"{lay.cut} long texts were shortened with … in the PDF; the XLSX and "
                        "CSV exports keep the full text.")
    return warnings
