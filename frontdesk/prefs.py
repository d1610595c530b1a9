"""This PC's UI preferences (language, theme), kept in a small JSON file in the config dir."""
from __future__ import annotations

import json
import locale
import os
from dataclasses import asdict, dataclass
from pathlib import Path

LANGUAGES = ("zh", "en")


def system_language() -> str:
    """The default language from the system locale: Chinese for zh_*, else English."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


@dataclass
class Prefs:
    """What one PC remembers between runs."""

    language: str = ""
    theme: str = "textual-dark"

    @classmethod
    def load(cls, path: Path) -> Prefs:
        """Read the file; a missing or broken file gives the defaults (never a crash)."""
        prefs = cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                lang = data.get("language")
                theme = data.get("theme")
                if lang in LANGUAGES:
                    prefs.language = lang
                if isinstance(theme, str) and theme:
                    prefs.theme = theme
        except (OSError, ValueError):
            prefs = cls()  # a missing or broken file: the defaults, never a crash
        if prefs.language not in LANGUAGES:
            prefs.language = system_language()
        return prefs

    def save(self, path: Path) -> None:
        """Write atomically (temp file, then replace)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
