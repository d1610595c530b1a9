"""Finding a Chinese font for PDF exports, and the canvas that draws with it.

The PDF must show Chinese on a machine with no Chinese fonts, so the font is embedded (as a
subset). Where it comes from, in order:

1. a font file the caller names (a site setting), if it exists and covers Chinese;
2. the ``pylopdf-fonts-zh-cn`` package, a runtime dependency of frontdesk that ships Noto Sans
   SC Regular (an OpenType/CFF font under the SIL Open Font License 1.1);
3. common system locations of free CJK fonts (Noto Sans/Serif CJK, WenQuanYi, Droid Sans
   Fallback), with the right face of a ``.ttc`` collection (index 2 of Noto CJK is Simplified
   Chinese; index 0 would draw Chinese with Japanese glyph shapes);
4. nothing: the PDF writer then falls back to ReportLab's built-in ``STSong-Light``, which is
   *not* embedded, and says so in a warning.

A candidate counts only if its character map covers a few common Chinese characters.
:func:`open_canvas` returns a :class:`Canvas` for the chosen font: :class:`FpdfCanvas`
(fpdf2, a subset of the font embedded with TrueType outlines: :mod:`.truetype`) or
:class:`ReportLabCanvas` (``STSong-Light``).
Canvas coordinates are millimetres from the top left of an A4 landscape page.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF

__all__ = [
    "NO_EMBED_WARNING",
    "PACKAGE_FONTS",
    "SYSTEM_FONTS",
    "Canvas",
    "FontChoice",
    "FpdfCanvas",
    "ReportLabCanvas",
    "covers_chinese",
    "find_cjk_font",
    "open_canvas",
    "reportlab_available",
]

PAGE_W, PAGE_H = 297.0, 210.0  # mm, A4 landscape
PT = 25.4 / 72  # mm per point
NO_EMBED_WARNING = ("No Chinese font to embed was found: the PDF uses the built-in STSong-Light "
                    "font, which is not embedded, so a viewer without Chinese fonts shows boxes "
                    "instead of Chinese text.")

SAMPLE = "访客登记值班签名日期"

PACKAGE_FONTS: tuple[tuple[str, str, str], ...] = (
    # (distribution, module, function returning the font path)
    ("pylopdf-fonts-zh-cn", "pylopdf_fonts_zh_cn", "sans_path"),
)

SYSTEM_FONTS: tuple[tuple[str, int], ...] = (
    # (path, face index inside a collection)
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansSC-Regular.otf", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)


@dataclass(frozen=True)
class FontChoice:
    """A font file to embed: ``index`` is the face inside a ``.ttc``/``.otc`` collection."""

    path: Path
    index: int
    source: str


def covers_chinese(path: Path, index: int = 0) -> bool:
    """True when the font at ``path`` (face ``index``) has glyphs for common Chinese text.

    The answer is cached per file version: reading a CJK character map takes a moment.
    """
    stat = path.stat()
    return _covers(str(path), index, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _covers(path: str, index: int, mtime_ns: int, size: int) -> bool:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except Exception:  # noqa: BLE001 - any unreadable file simply does not qualify
        return False
    return all(ord(ch) in cmap for ch in SAMPLE)


def _package_fonts() -> list[FontChoice]:
    """Fonts shipped by installed PyPI packages, in order of preference."""
    found = []
    for dist, module_name, func in PACKAGE_FONTS:
        try:
            if importlib.util.find_spec(module_name) is None:
                continue
            font_path = Path(getattr(importlib.import_module(module_name), func)())
            version = importlib.metadata.version(dist)
        except Exception:  # noqa: BLE001, S112 - a broken font package is just skipped
            continue
        found.append(FontChoice(font_path, 0, f"package {dist} {version}"))
    return found


def find_cjk_font(preferred: str | os.PathLike[str] | None = None,
                  index: int = 0) -> tuple[FontChoice | None, list[str]]:
    """The first usable Chinese font, and warnings about candidates that were passed over.

    ``preferred`` is a font file named by a setting (face ``index`` of a collection); it is
    tried first. Returns ``(None, warnings)`` when no font on this machine covers Chinese.
    """
    warnings: list[str] = []
    candidates: list[FontChoice] = []
    if preferred is not None:
        candidates.append(FontChoice(Path(preferred), index, "setting"))
    candidates.extend(_package_fonts())
    candidates.extend(FontChoice(Path(p), i, "system") for p, i in SYSTEM_FONTS)
    for choice in candidates:
        if not choice.path.is_file():
            if choice.source != "system":
                warnings.append(f"PDF font not found: {choice.path} ({choice.source})")
            continue
        if covers_chinese(choice.path, choice.index):
            return choice, warnings
        warnings.append(f"PDF font has no Chinese glyphs, skipped: {choice.path}")
    return None, warnings


def reportlab_available() -> bool:
    """True when ReportLab (for the non-embedded ``STSong-Light`` fallback) is importable."""
    return importlib.util.find_spec("reportlab") is not None


def open_canvas(path: Path, title: str, preferred: str | os.PathLike[str] | None = None,
                index: int = 0, page: tuple[float, float] = (PAGE_W, PAGE_H),
                ) -> tuple[Canvas | None, list[str]]:
    """A canvas writing to ``path`` with the best available Chinese font, and warnings.

    ``page`` is the page's (width, height) in mm: A4 landscape unless a caller (the visitor
    slip for a booth printer) asks for another. Returns ``(None, warnings)`` when there is
    neither a Chinese font nor ReportLab.
    """
    font, warnings = find_cjk_font(preferred, index)
    if font is not None:
        return FpdfCanvas(path, font, title, page), warnings
    if reportlab_available():
        return ReportLabCanvas(path, title, page), [*warnings, NO_EMBED_WARNING]
    return None, warnings


class Canvas(Protocol):
    """What the layout needs from a PDF library. Coordinates in mm from the top left."""

    def units(self, ch: str) -> float: ...  # advance width of ch in 1/1000 em
    def has_glyph(self, ch: str) -> bool: ...
    def prepare(self, chars: Iterable[str]) -> None: ...  # every character drawn, before drawing
    def new_page(self) -> None: ...
    def text(self, x: float, y: float, s: str, size: float) -> None: ...  # y = baseline
    def line(self, x1: float, y1: float, x2: float, y2: float) -> None: ...
    def shade(self, x: float, y: float, w: float, h: float) -> None: ...
    def save(self) -> None: ...


class FpdfCanvas:
    """fpdf2 drawing with an embedded subset of the font, in TrueType outlines.

    Text is measured with the font's own metrics while the layout is made; :meth:`prepare`
    then gets every character the document will draw and builds the embedded font from them
    (see :mod:`frontdesk.export.truetype` for why it is rebuilt rather than passed as it is).
    """

    def __init__(self, path: Path, font: FontChoice, title: str,
                 page: tuple[float, float] = (PAGE_W, PAGE_H)) -> None:
        from frontdesk.export.truetype import Metrics

        self.path = path
        self.font = font
        self.title = title
        self.page = page
        self.metrics = Metrics(font.path, font.index)
        self.size = 9.0
        self._pdf: FPDF | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def units(self, ch: str) -> float:
        return self.metrics.units(ch)

    def has_glyph(self, ch: str) -> bool:
        return self.metrics.has_glyph(ch)

    def prepare(self, chars: Iterable[str]) -> None:
        from fpdf import FPDF

        from frontdesk.export.truetype import write_truetype_subset

        self._folder = tempfile.TemporaryDirectory(prefix="frontdesk-font-")
        subset = write_truetype_subset(self.font.path, self.font.index, chars,
                                       Path(self._folder.name) / "cjk.ttf")
        width, height = self.page
        pdf = self._pdf = FPDF(orientation="L" if width > height else "P", unit="mm",
                               format=(min(width, height), max(width, height)))
        pdf.set_auto_page_break(False)
        pdf.set_creator("frontdesk")
        pdf.set_title(self.title)
        pdf.add_font("cjk", "", str(subset))
        pdf.set_font("cjk", size=self.size)
        pdf.set_line_width(0.15)

    @property
    def pdf(self) -> FPDF:
        """The document (after :meth:`prepare`)."""
        if self._pdf is None:
            raise RuntimeError("FpdfCanvas.prepare() must be called before drawing")
        return self._pdf

    def new_page(self) -> None:
        self.pdf.add_page()

    def text(self, x: float, y: float, s: str, size: float) -> None:
        if size != self.size:
            self.pdf.set_font_size(size)
            self.size = size
        self.pdf.text(x, y, s)

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.pdf.line(x1, y1, x2, y2)

    def shade(self, x: float, y: float, w: float, h: float) -> None:
        # Fill colour back to black afterwards: fpdf2 wraps every text() in a colour
        # save/restore while the fill and text colours differ, which is slow.
        self.pdf.set_fill_color(225)
        self.pdf.rect(x, y, w, h, style="F")
        self.pdf.set_fill_color(0)

    def save(self) -> None:
        try:
            self.pdf.output(str(self.path))
        finally:
            if self._folder is not None:
                self._folder.cleanup()
                self._folder = None


class ReportLabCanvas:
    """ReportLab drawing with the built-in, non-embedded ``STSong-Light`` CID font."""

    FONT = "STSong-Light"

    def __init__(self, path: Path, title: str,
                 page: tuple[float, float] = (PAGE_W, PAGE_H)) -> None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen.canvas import Canvas

        pdfmetrics.registerFont(UnicodeCIDFont(self.FONT))
        self.width = pdfmetrics.stringWidth
        self.page_h = page[1]
        self.c = Canvas(str(path), pagesize=(page[0] / PT, page[1] / PT))
        self.c.setTitle(title)
        self.c.setCreator("frontdesk")
        self.started = False

    def units(self, ch: str) -> float:
        return float(self.width(ch, self.FONT, 1000))

    def has_glyph(self, ch: str) -> bool:
        return ord(ch) <= 0xFFFF  # UniGB-UCS2-H encodes the Basic Multilingual Plane only

    def prepare(self, chars: Iterable[str]) -> None:
        """Nothing to build: the font is not embedded."""

    def new_page(self) -> None:
        if self.started:
            self.c.showPage()
        self.started = True
        self.c.setLineWidth(0.15 / PT)

    def text(self, x: float, y: float, s: str, size: float) -> None:
        self.c.setFont(self.FONT, size)
        self.c.drawString(x / PT, (self.page_h - y) / PT, s)

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.c.line(x1 / PT, (self.page_h - y1) / PT, x2 / PT, (self.page_h - y2) / PT)

    def shade(self, x: float, y: float, w: float, h: float) -> None:
        self.c.setFillGray(225 / 255)
        self.c.rect(x / PT, (self.page_h - y - h) / PT, w / PT, h / PT, stroke=0, fill=1)
        self.c.setFillGray(0)

    def save(self) -> None:
        self.c.save()
