"""The scripts file format: its types, and validation that names the file, line and field.

:mod:`frontdesk.domain.scripts.book` loads, renders and saves; this module holds the values a book is
made of and the checker that reports every mistake with where it is. Pure: standard library only.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontdesk.domain.sitefile import locate as _locate

FORMAT = 1
VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")  # anything else in braces is literal text
_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PARENT = re.compile(r"(\.?[^.\[\]]+|\[\d+\])\Z")
_DIGITS = frozenset("123456789")
_FIELDS = ("id", "key", "title", "lines", "when", "next", "incident_kind", "register_kind", "seed")
_SHIPPED_REQUIRED = ("id", "key", "title", "lines", "when", "next", "seed")
_SITE_NEW_REQUIRED = ("id", "title", "lines")  # a site's own situation; when/next may stay empty


@dataclass(frozen=True)
class Line:
    """One text in both languages."""

    zh: str
    en: str

    def text(self, lang: str) -> str:
        """The English text for ``"en"``, the Chinese text otherwise."""
        return self.en if lang == "en" else self.zh


_EMPTY = Line("", "")


@dataclass(frozen=True)
class Variable:
    """A declared variable; ``scope`` is ``"site"`` (set by the site file) or ``"call"`` (facts)."""

    name: str
    description: Line
    default: str | None
    scope: str


@dataclass(frozen=True)
class Situation:
    """One situation: digit key (or None), lines to read, when to use it, what to do next.

    ``source`` is ``"shipped"`` when exactly as shipped, ``"site"`` when added or changed by a site.
    """

    id: str
    key: str | None
    title: Line
    lines: tuple[Line, ...]
    when: Line
    next: Line
    incident_kind: str | None = None
    register_kind: str | None = None
    seed: str | None = None
    source: str = "shipped"


@dataclass(frozen=True)
class ScriptError:
    """One mistake in a scripts file; ``line`` is 1-based, ``field`` a path like ``lines[0].en``."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = Path(self.path).name + ("" if self.line is None else f":{self.line}")
        return ": ".join(p for p in (where, self.field, self.message) if p)


class ScriptFileError(ValueError):
    """A scripts file that must be valid is not; ``errors`` lists every mistake found."""

    def __init__(self, errors: Sequence[ScriptError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class _Checker:
    """Validates parsed JSON, collecting errors with file, line and field path."""

    def __init__(self, path: str, text: str, names: Mapping[str, Variable]) -> None:
        self.path, self.names = path, names
        self.errors: list[ScriptError] = []
        try:
            self.at, dups = _locate(text)
        except RecursionError:  # json took it, but it is too deep to map: no line numbers
            self.at, dups = {}, []
        self.errors += [ScriptError(path, ln, sub, "field appears twice") for sub, ln in dups]

    def err(self, where: str, message: str) -> None:
        """Record a mistake at field path ``where``, located at it or at its nearest parent."""
        probe = where
        while probe and probe not in self.at:
            parent = _PARENT.sub("", probe)
            probe = parent if parent != probe else ""
        self.errors.append(ScriptError(self.path, self.at.get(probe), where or None, message))

    def fields(self, obj: object, where: str, allowed: Sequence[str]) -> dict[str, Any]:
        """``obj`` if it is an object (else ``{}``), with each unknown field reported."""
        if not isinstance(obj, dict):
            self.err(where, "must be an object")
            return {}
        for name in obj:
            if name not in allowed:
                self.err(f"{where}.{name}" if where else name, f'unknown field "{name}"')
        return obj

    def need(self, obj: object, where: str, names: Sequence[str], what: str = "field") -> None:
        """Report each of ``names`` missing from ``obj`` (when it is an object at all)."""
        for name in names:
            if isinstance(obj, dict) and name not in obj:
                self.err(f"{where}.{name}", f'missing {what} "{name}"')

    def line(self, obj: object, where: str) -> Line:
        """A ``{"zh": ..., "en": ...}`` object whose placeholders name declared variables."""
        d = self.fields(obj, where, ("zh", "en"))
        self.need(obj, where, ("zh", "en"), "language")
        for lang, value in d.items():
            if not isinstance(value, str) or not value.strip():
                self.err(f"{where}.{lang}", "must be a non-empty string")
                continue
            for name in VARIABLE.findall(value):
                if name not in self.names:
                    self.err(f"{where}.{lang}", f'unknown variable "{name}"')
        zh, en = (d.get(k) for k in ("zh", "en"))
        return Line(zh if isinstance(zh, str) else "", en if isinstance(en, str) else "")

    def situation(self, obj: object, where: str, required: Sequence[str]) -> dict[str, Any]:
        """The valid fields of one situation object, converted; every mistake reported."""
        d = self.fields(obj, where, _FIELDS)
        self.need(obj, where, required)
        out: dict[str, Any] = {}
        for name, value in d.items():
            sub = f"{where}.{name}"
            ok = isinstance(value, str)
            if name in ("title", "when", "next"):
                out[name] = self.line(value, sub)
            elif name == "lines":
                if isinstance(value, list) and value:
                    out[name] = tuple(self.line(v, f"{sub}[{i}]") for i, v in enumerate(value))
                else:
                    self.err(sub, "must be a non-empty list of lines")
            elif name == "key" and value is not None and not (ok and value in _DIGITS):
                self.err(sub, 'must be one digit "1".."9" or null')
            elif name == "id" and not (ok and _ID.match(value)):
                self.err(sub, "must be a snake_case id")
            elif name.endswith("_kind") and value is not None and not (ok and _ID.match(value)):
                self.err(sub, "must be a snake_case id or null")
            elif name == "seed" and value is not None and not ok:
                self.err(sub, "must be a string or null")
            elif name in _FIELDS:
                out[name] = value
        return out

    def top(self, data: object) -> tuple[dict[str, Any], list[Any]]:
        """The top-level object (format checked) and its list of situations."""
        d = self.fields(data, "", ("format", "variables", "situations"))
        if d.get("format", FORMAT) != FORMAT:
            self.err("format", f"unsupported format (this program reads format {FORMAT})")
        raw = d.get("situations", [])
        if not isinstance(raw, list):
            self.err("situations", "must be a list")
        return d, raw if isinstance(raw, list) else []

    def unique_keys(self, entries: Sequence[tuple[Situation, str | None]]) -> None:
        """Report a digit key held by two situations, blaming the site entry that set it."""
        seen: dict[str, tuple[Situation, str | None]] = {}
        for sit, where in entries:
            if sit.key is not None and sit.key in seen:
                other, other_where = seen[sit.key]
                self.err(where or other_where or "situations",
                         f'key "{sit.key}" is used by both "{other.id}" and "{sit.id}"')
            elif sit.key is not None:
                seen[sit.key] = (sit, where)


def _parse(text: str, path: str) -> tuple[Any, ScriptError | None]:
    """JSON text to data, or the error naming the line where parsing failed."""
    try:
        return json.loads(text.lstrip("\ufeff")), None
    except json.JSONDecodeError as e:
        return None, ScriptError(path, e.lineno, None, f"not valid JSON: {e.msg}")
    except RecursionError:
        return None, ScriptError(path, None, None, "not valid JSON: nested too deeply")


def _read(path: Path) -> tuple[str, ScriptError | None]:
    """The file's text (UTF-8, a BOM tolerated), or the error saying why it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig"), None
    except (OSError, UnicodeDecodeError) as e:
        return "", ScriptError(str(path), None, None, f"cannot read: {e}")
