"""Finding a Chinese font to embed in PDF exports.

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
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FontChoice", "PACKAGE_FONTS", "SYSTEM_FONTS", "covers_chinese", "find_cjk_font",
           "reportlab_available"]

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
    """True when the font at ``path`` (face ``index``) has glyphs for common Chinese text."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), fontNumber=index, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except Exception:  # noqa: BLE001 - any unreadable file simply does not qualify
        return False
    return all(ord(ch) in cmap for ch in SAMPLE)


def _package_fonts() -> list[FontChoice]:
    """Fonts shipped by installed PyPI packages, in order of preference."""
    found = []
    for dist, module_name, func in PACKAGE_FONTS:
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "?"
        found.append(FontChoice(Path(getattr(module, func)()), 0, f"package {dist} {version}"))
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
