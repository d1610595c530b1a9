"""A visitor slip: one person's pass, sized for the booth's 80 mm receipt printer, as a PDF.

The page is 80 x 120 mm (portrait). Lines are label and value, wrapped to the page's width,
in the same embedded Chinese font and with the same cleaning as the register's PDF
(:mod:`frontdesk.export.pdf_writer`): untrusted text cannot break the layout, and a value too
long for its lines ends with "…". Written atomically (a failed write leaves no file).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from frontdesk.export.fonts import PT, open_canvas
from frontdesk.export.pdf_writer import _Layout
from frontdesk.export.sheet import ExportError, atomic_output, cell_text

SLIP_W, SLIP_H = 80.0, 120.0  # mm
MARGIN = 5.0
LEADING = 1.35


@dataclass(frozen=True)
class Slip:
    """What a slip says: a title, the site, (label, value) lines, and a line at the foot."""

    title: str
    site: str
    lines: tuple[tuple[str, str], ...]
    foot: str = ""


def write_slip(slip: Slip, path: str | os.PathLike[str]) -> list[str]:
    """Write ``slip`` as a one-page PDF at ``path``; return warnings for the user.

    Raises :class:`ExportError` when the file cannot be written or no font is available.
    """
    with atomic_output(path) as tmp:
        canvas, warnings = open_canvas(tmp, cell_text(slip.title), page=(SLIP_W, SLIP_H))
        if canvas is None:
            raise ExportError(path, "no Chinese font for the PDF: install the "
                                    "pylopdf-fonts-zh-cn package or set a font file")
        lay = _Layout(canvas)
        width = SLIP_W - 2 * MARGIN
        # Laid out first, drawn after: the embedded font is cut to the characters drawn
        # (Canvas.prepare), so every text must be known before the first is drawn.
        texts: list[tuple[float, float, str, float]] = []
        rules: list[float] = []
        y = MARGIN

        def block(text: str, size: float, max_lines: int, x: float = MARGIN,
                  room: float = width) -> None:
            nonlocal y
            for line in lay.wrap(text, room, size, max_lines):
                y += size * PT * LEADING
                texts.append((x, y, line, size))

        block(slip.title, 12.0, 2)
        block(slip.site, 9.0, 2)
        y += 1.5
        rules.append(y)
        y += 1.0
        label_w = 18.0
        for label, value in slip.lines:
            top = y
            block(label, 9.0, 1, room=label_w - 1)
            y = top
            block(value or "-", 10.0, 3, x=MARGIN + label_w, room=width - label_w)
            y += 1.0
        y += 2.0
        rules.append(y)
        if slip.foot:
            block(slip.foot, 8.0, 3)
        canvas.prepare(text for _x, _y, text, _size in texts)
        canvas.new_page()
        for x, ty, text, size in texts:
            canvas.text(x, ty, text, size)
        for ry in rules:
            canvas.line(MARGIN, ry, SLIP_W - MARGIN, ry)
        canvas.save()
    if lay.missing:
        warnings.append(f"Characters missing from the PDF font are shown as {lay.box}")
    return warnings
