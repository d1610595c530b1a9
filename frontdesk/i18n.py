"""Chinese and English for every string the app shows.

Catalogues live in ``frontdesk/locale/<area>.py``: each holds ``STRINGS = {key: (zh, en)}``, so
a string cannot exist in one language only. ``t(key, **values)`` looks a key up in the current
language and fills ``{name}`` placeholders; values are inserted literally (never as markup).
The language is switched at run time with :func:`set_language`.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

_LANG = "zh"
_CATALOG: dict[str, tuple[str, str]] | None = None
_listeners: list[Callable[[str], None]] = []


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def catalog() -> dict[str, tuple[str, str]]:
    """All strings from every ``frontdesk.locale`` module (loaded once)."""
    global _CATALOG
    if _CATALOG is None:
        from frontdesk import locale as pkg

        merged: dict[str, tuple[str, str]] = {}
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
            mod = importlib.import_module(f"frontdesk.locale.{info.name}")
            strings: dict[str, tuple[str, str]] = getattr(mod, "STRINGS", {})
            dupes = set(merged) & set(strings)
            if dupes:
                raise RuntimeError(f"duplicate i18n keys in {info.name}: {sorted(dupes)}")
            merged.update(strings)
        _CATALOG = merged
    return _CATALOG


def language() -> str:
    """The current UI language code: ``zh`` or ``en``."""
    return _LANG


def set_language(lang: str) -> None:
    """Switch language; listeners (the app) re-render."""
    global _LANG
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}")
    _LANG = lang
    for listener in list(_listeners):
        listener(lang)


def on_change(listener: Callable[[str], None]) -> None:
    """Call ``listener(lang)`` after every language switch."""
    _listeners.append(listener)


def t(key: str, /, **values: Any) -> str:
    """The string for ``key`` in the current language, with ``{name}`` filled from ``values``."""
    pair = catalog().get(key)
    if pair is None:
        return key
    text = pair[0] if _LANG == "zh" else pair[1]
    if values:
        text = text.format_map(_Missing({k: "" if v is None else v for k, v in values.items()}))
    return text


def both(key: str, /, **values: Any) -> tuple[str, str]:
    """The (zh, en) pair for ``key``, filled."""
    pair = catalog().get(key, (key, key))
    m = _Missing({k: "" if v is None else v for k, v in values.items()})
    return pair[0].format_map(m), pair[1].format_map(m)


def pick(pair: Any) -> str:
    """Choose from a {zh, en} mapping or a (zh, en) tuple by the current language."""
    if isinstance(pair, dict):
        return str(pair.get(_LANG) or pair.get("en") or pair.get("zh") or "")
    if isinstance(pair, (tuple, list)) and len(pair) == 2:
        return str(pair[0] if _LANG == "zh" else pair[1])
    return "" if pair is None else str(pair)
