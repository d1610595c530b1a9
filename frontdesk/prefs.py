"""This PC's UI preferences (language, theme), kept in a small JSON file in the config dir."""
from __future__ import annotations

import json
import locale
import os
from dataclasses import dataclass, field
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
    # True when nobody chose the language on this PC (it came from the system locale): the
    # first start may then speak the site's language instead. Not saved.
    language_from_system: bool = field(default=False, compare=False)

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
            prefs.language_from_system = True
        return prefs

    def save(self, path: Path) -> None:
        """Write atomically (temp file, then replace)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        data = {"language": self.language, "theme": self.theme}
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
