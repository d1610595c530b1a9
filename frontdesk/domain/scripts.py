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
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

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


def _locate(text: str) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Map each field path (``situations[3].lines[0]``) of valid JSON text to its 1-based line.

    Also returns keys found twice in one object (``json`` silently keeps the last one).
    """
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    at: dict[str, int] = {}
    dups: list[tuple[str, int]] = []
    decode = json.JSONDecoder().raw_decode

    def ws(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n\ufeff":
            i += 1
        return i

    def walk(i: int, path: str) -> int:
        i = ws(i)
        at.setdefault(path, bisect_right(starts, i))
        if text[i] not in "{[":
            return decode(text, i)[1]
        closer, n, seen = ("}" if text[i] == "{" else "]"), 0, set()
        i = ws(i + 1)
        while text[i] != closer:
            if closer == "}":
                line = bisect_right(starts, i)
                key, i = decode(text, i)
                sub = f"{path}.{key}" if path else str(key)
                if key in seen:
                    dups.append((sub, line))
                seen.add(key)
                at[sub] = line
                i = ws(i) + 1  # past the colon
            else:
                sub, n = f"{path}[{n}]", n + 1
            i = ws(walk(i, sub))
            i = ws(i + 1) if text[i] == "," else i
        return i + 1

    walk(0, "")
    return at, dups


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
