"""Scripted replies: the sentences a guard reads out, word for word (DOMAIN.md, "Scripted replies").

The product ships them in ``data/scripts.json``; a site file (same JSON shape) may add situations,
override fields of shipped ones by ``id`` and give values to site variables (``{gm_office_phone}``).
The shipped file must be valid (:class:`ScriptFileError` otherwise). A site file with any mistake
is ignored as a whole and its mistakes come back as :class:`ScriptError` values naming the file,
line and field, so the app can show them and carry on. Pure: standard library only.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from frontdesk.domain.scripts.check import (
    _EMPTY,
    _NAME,
    _SHIPPED_REQUIRED,
    _SITE_NEW_REQUIRED,
    FORMAT,
    VARIABLE,
    Line,
    ScriptError,
    ScriptFileError,
    Situation,
    Variable,
    _Checker,
    _parse,
    _read,
)

__all__ = [
    "FORMAT", "VARIABLE", "Line", "ScriptBook", "ScriptError", "ScriptFileError", "Situation",
    "Variable", "apply_site_text", "default_placeholder", "load_shipped", "load_with_site",
    "parse_shipped", "read_site_data", "render", "render_situation", "save_site_overrides",
    "site_file_text",
]


@dataclass(frozen=True)
class ScriptBook:
    """The situations in file order, variable values, declarations, and the site file's mistakes."""

    situations: tuple[Situation, ...]
    variables: Mapping[str, str | None]
    errors: tuple[ScriptError, ...] = ()
    declared: Mapping[str, Variable] = field(default_factory=dict)

    def by_id(self, situation_id: str) -> Situation | None:
        """The situation with this id, or None."""
        return next((s for s in self.situations if s.id == situation_id), None)

    def by_key(self, digit: str) -> Situation | None:
        """The situation bound to this digit key, or None."""
        return next((s for s in self.situations if s.key is not None and s.key == digit), None)

    def ordered(self) -> tuple[Situation, ...]:
        """Keyed situations by digit, then the others in file order."""
        keyed = sorted((s for s in self.situations if s.key), key=lambda s: s.key or "")
        return tuple(keyed) + tuple(s for s in self.situations if not s.key)


def default_placeholder(name: str) -> str:
    """What an unset variable shows: plainly not a real value, and no square brackets."""
    return f"〔{name}?〕"


def render(line_text: str, variables: Mapping[str, str | None],
           placeholder: Callable[[str], str] = default_placeholder,
           extra: Mapping[str, str | None] | None = None) -> str:
    """Substitute ``{name}`` from ``extra`` (per-call facts) over ``variables``; never raises.

    Unset, empty or unknown names become ``placeholder(name)``; stray braces stay as they are,
    and substituted values are not expanded again.
    """
    values = {**variables, **(extra or {})}

    def sub(m: re.Match[str]) -> str:
        value = values.get(m.group(1))
        return placeholder(m.group(1)) if value is None or value == "" else str(value)

    return VARIABLE.sub(sub, line_text)


def render_situation(situation: Situation, lang: str, book: ScriptBook,
                     extra: Mapping[str, str | None] | None = None) -> tuple[str, ...]:
    """The situation's lines in ``lang``, rendered with the book's variables and ``extra``."""
    return tuple(render(ln.text(lang), book.variables, extra=extra) for ln in situation.lines)


def parse_shipped(text: str, path: str) -> ScriptBook:
    """Build the shipped book from ``text``; raises :class:`ScriptFileError` on any mistake."""
    data, error = _parse(text, path)
    if error:
        raise ScriptFileError([error])
    raw_vars = data.get("variables", {}) if isinstance(data, dict) else {}
    names = {k: Variable(k, _EMPTY, None, "site") for k in raw_vars} if isinstance(
        raw_vars, dict) else {}
    check = _Checker(path, text, names)
    _, raw = check.top(data)
    declared: dict[str, Variable] = {}
    for name, spec in check.fields(raw_vars, "variables", list(names)).items():
        where = f"variables.{name}"
        v = check.fields(spec, where, ("zh", "en", "default", "scope"))
        if not _NAME.match(name):
            check.err(where, "a variable name is made of letters, digits and _")
        if not isinstance(spec, dict):
            continue
        if v.get("scope", "site") not in ("site", "call"):
            check.err(f"{where}.scope", 'must be "site" or "call"')
        if not isinstance(v.get("default"), (str, type(None))):
            check.err(f"{where}.default", "must be a string or null")
        desc = check.line({k: v[k] for k in ("zh", "en") if k in v}, where)
        declared[name] = Variable(name, desc, v.get("default"), str(v.get("scope", "site")))
    entries: list[tuple[Situation, str | None]] = []
    for i, obj in enumerate(raw):
        f = check.situation(obj, f"situations[{i}]", _SHIPPED_REQUIRED)
        if "id" in f and any(s.id == f["id"] for s, _ in entries):
            check.err(f"situations[{i}].id", f'duplicate id "{f["id"]}"')
        blank = Situation("", None, _EMPTY, (), _EMPTY, _EMPTY)
        entries.append((replace(blank, **f), None))
    check.unique_keys(entries)
    if check.errors:
        raise ScriptFileError(check.errors)
    values = MappingProxyType({n: v.default for n, v in declared.items()})
    return ScriptBook(tuple(s for s, _ in entries), values, (), MappingProxyType(declared))


def load_shipped(path: Path | str) -> ScriptBook:
    """Load the shipped scripts file; raises :class:`ScriptFileError` if unreadable or wrong."""
    text, error = _read(Path(path))
    if error:
        raise ScriptFileError([error])
    return parse_shipped(text, str(path))


def apply_site_text(shipped: ScriptBook, text: str, path: str) -> ScriptBook:
    """``shipped`` with site file ``text`` applied; on any mistake, ``shipped`` plus the errors."""
    data, error = _parse(text, path)
    if error:
        return replace(shipped, errors=(error,))
    check = _Checker(path, text, shipped.declared)
    d, raw = check.top(data)
    values = dict(shipped.variables)
    site_vars = [n for n, v in shipped.declared.items() if v.scope == "site"]
    for name, value in check.fields(d.get("variables", {}), "variables", site_vars).items():
        if isinstance(value, str) or value is None:
            values[name] = value
        else:
            check.err(f"variables.{name}", "must be a string or null")
    merged: dict[str, tuple[Situation, str | None]] = {s.id: (s, None) for s in shipped.situations}
    site_ids: set[str] = set()
    for i, obj in enumerate(raw):
        where = f"situations[{i}]"
        sid = obj.get("id") if isinstance(obj, dict) else None
        base, blame = merged.get(sid, (None, None)) if isinstance(sid, str) else (None, None)
        f = check.situation(obj, where, ("id",) if base else _SITE_NEW_REQUIRED)
        if not isinstance(sid, str):
            continue  # not an object, or no usable id: already reported
        if sid in site_ids:
            check.err(f"{where}.id", f'duplicate id "{sid}" in the site file')
        site_ids.add(sid)
        start = base or Situation(sid, None, _EMPTY, (), _EMPTY, _EMPTY)
        merged[sid] = (replace(start, **f, source="site"), f"{where}.key" if "key" in f else blame)
    check.unique_keys(list(merged.values()))
    if check.errors:
        return replace(shipped, errors=tuple(check.errors))
    situations = tuple(s for s, _ in merged.values())
    return ScriptBook(situations, MappingProxyType(values), (), shipped.declared)


def load_with_site(shipped_path: Path | str, site_path: Path | str | None) -> ScriptBook:
    """The shipped book with the site file applied (no site file: the shipped book, no errors)."""
    shipped = load_shipped(shipped_path)
    if site_path is None or not Path(site_path).exists():
        return shipped
    text, error = _read(Path(site_path))
    return replace(shipped, errors=(error,)) if error else apply_site_text(
        shipped, text, str(site_path))


def _plain(value: object) -> object:
    """Domain values (a Line, a sequence of Lines) as JSON-ready values."""
    if isinstance(value, Line):
        return {"zh": value.zh, "en": value.en}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def site_file_text(site_data: Mapping[str, Any], situation_id: str | None = None,
                   fields: Mapping[str, Any] | None = None,
                   variables: Mapping[str, str | None] | None = None) -> str:
    """The site file's new JSON text; ``site_data`` (as from :func:`read_site_data`) is not changed.

    ``fields`` (plain JSON values or :class:`Line` values) are merged into the entry for
    ``situation_id``, which is created if absent; ``fields=None`` removes that entry (back to the
    shipped text). ``variables`` values are set. Validate with :func:`save_site_overrides`.
    """
    data: dict[str, Any] = json.loads(json.dumps(dict(site_data), ensure_ascii=False))
    data.setdefault("format", FORMAT)
    if variables:
        data.setdefault("variables", {}).update(variables)
    if situation_id is not None:
        entries = data.setdefault("situations", [])
        at = next((i for i, e in enumerate(entries)
                   if isinstance(e, dict) and e.get("id") == situation_id), None)
        if fields is None and at is not None:
            del entries[at]
        elif fields is not None:
            entry = entries[at] if at is not None else {"id": situation_id}
            entry.update({k: _plain(v) for k, v in fields.items()})
            entries.extend([] if at is not None else [entry])
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def read_site_data(site_path: Path | str) -> dict[str, Any]:
    """The site file as a dict (empty if absent); raises :class:`ScriptFileError` if broken."""
    path = Path(site_path)
    if not path.exists():
        return {"format": FORMAT, "variables": {}, "situations": []}
    text, error = _read(path)
    data, error = (None, error) if error else _parse(text, str(path))
    if error or not isinstance(data, dict):
        raise ScriptFileError([error or ScriptError(str(path), 1, None, "must be an object")])
    return data


def save_site_overrides(site_path: Path | str, text: str, shipped: ScriptBook) -> ScriptBook:
    """Validate ``text`` (from :func:`site_file_text`) as ``site_path``, then write it atomically.

    Raises :class:`ScriptFileError`, writing nothing, when invalid; returns the resulting book.
    """
    path = Path(site_path)
    book = apply_site_text(replace(shipped, errors=()), text, str(path))
    if book.errors:
        raise ScriptFileError(book.errors)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return book
