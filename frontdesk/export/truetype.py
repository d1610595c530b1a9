"""The font a PDF embeds: a subset of the Chinese font holding only the characters used, with
TrueType outlines, so that every PDF reader can turn the text back into characters.

Why not hand fpdf2 the font file as it is: the fonts a site has (the bundled Noto Sans SC, Noto
Sans CJK) are CID-keyed OpenType/CFF fonts. For those, fpdf2 2.8 numbers the characters of the
document 0, 1, 2... and writes an embedded CMap translating these codes to the font's CIDs as
the font's ``/Encoding``. The ``/ToUnicode`` map is keyed by those codes too. That is legal PDF
and poppler reads it, but pypdf reads text under an embedded encoding CMap one byte per code (so
code 0x0123 comes back as two characters) and pdfminer.six looks ``/ToUnicode`` up by CID instead
of by code: the register's ``值班人签名`` came back as ``值班人第第名``, and most names could not
be found or copied. Fonts with TrueType outlines take fpdf2's other path (``CIDFontType2``,
``/Identity-H``, code = CID, ``/CIDToGIDMap``), which pypdf, pdfminer.six and poppler all read.

So the text to print is known first, the font is cut down to those characters with fontTools
(which is also faster than letting fpdf2 subset the 16 MB font), CFF outlines are converted to
quadratic TrueType outlines (fontTools cu2qu, within 1/1000 em of the original: invisible in
print) and the result is written to a temporary ``.ttf`` that fpdf2 embeds. Advance widths are
the original font's, so text measured before the conversion is laid out the same after it.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["MAX_ERROR", "Metrics", "write_truetype_subset"]

MAX_ERROR = 1.0  # font units (1/1000 em here): how far a converted curve may stray
# Tables neither fpdf2 nor a PDF viewer needs: layout (shaping is not used), vertical metrics,
# colour and bitmap glyphs.
_DROP_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "VORG", "vhea", "vmtx",
                "COLR", "CPAL", "SVG ", "sbix", "CBDT", "CBLC", "EBDT", "EBLC", "EBSC", "meta")


class Metrics:
    """A font's character map and advance widths, read once (for measuring text)."""

    def __init__(self, path: str | os.PathLike[str], index: int = 0) -> None:
        from fontTools.ttLib import TTFont

        with TTFont(str(path), fontNumber=index, lazy=True) as font:
            self.cmap: dict[int, str] = dict(font.getBestCmap() or {})
            self.advance: dict[str, int] = {name: adv for name, (adv, _lsb)
                                            in font["hmtx"].metrics.items()}
            self.units_per_em = int(font["head"].unitsPerEm)

    def has_glyph(self, ch: str) -> bool:
        """True when the font draws ``ch``."""
        return ord(ch) in self.cmap

    def units(self, ch: str) -> float:
        """Advance width of ``ch`` in 1/1000 em (the missing glyph's for an unknown one)."""
        name = self.cmap.get(ord(ch), ".notdef")
        return self.advance.get(name, 0) * 1000.0 / self.units_per_em


def write_truetype_subset(source: str | os.PathLike[str], index: int, text: Iterable[str],
                          target: Path) -> Path:
    """Write to ``target`` a TrueType-outline font with the glyphs of ``text`` from face
    ``index`` of ``source`` (characters the font lacks are left out) and return ``target``."""
    from fontTools.subset import Options, Subsetter
    from fontTools.ttLib import TTFont

    options = Options()
    options.notdef_outline = True
    options.recommended_glyphs = True  # .notdef, space: what fpdf2 expects to find
    options.layout_features = []
    options.name_IDs = ["*"]
    options.desubroutinize = True  # converting outlines needs plain charstrings anyway
    options.drop_tables += list(_DROP_TABLES)
    with TTFont(str(source), fontNumber=index, lazy=False) as font:
        chars = {ord(ch) for line in text for ch in line}
        subsetter = Subsetter(options)
        subsetter.populate(unicodes=sorted(chars))
        subsetter.subset(font)
        if "CFF " in font:
            _cff_to_glyf(font)
        font.save(str(target))
    return target


def _cff_to_glyf(font: Any) -> None:
    """Replace the font's CFF outlines by quadratic TrueType ones (as fontTools' otf2ttf does)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    outlines = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise, TrueType ones clockwise.
        outlines[name].draw(Cu2QuPen(pen, max_err=MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():  # TrueType wants lsb == xMin; advances stay as they were
        hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: CID fonts have none worth keeping
    post.extraNames = []
    post.mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"
