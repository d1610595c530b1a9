"""A site's own JSON files (incident kinds, escalation policies): read within bounds, mistakes
named by file, line and field.

The scripts file showed the way (:mod:`frontdesk.domain.scripts.check`); these helpers give the
other site files the same treatment. Size and nesting depth are checked *before* parsing: a
deeply nested document makes Python's ``json`` raise ``RecursionError`` (or worse, exhaust the
stack), which used to crash the app at start. Pure except :func:`read_text`, which reads one file.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_PARENT = re.compile(r"(\.?[^.\[\]]+|\[\d+\])\Z")


@dataclass(frozen=True)
class FileProblem:
    """One mistake in a site file: ``line`` is 1-based, ``field`` a path like ``kinds.fire``."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = Path(self.path).name + ("" if self.line is None else f":{self.line}")
        return ": ".join(p for p in (where, self.field, self.message) if p)


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> tuple[str, FileProblem | None]:
    """The file's text (UTF-8, a BOM tolerated), or why it cannot be used; at most ``max_bytes``
    are read, so a huge file is refused without being loaded."""
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return "", FileProblem(str(path), None, None, f"cannot read: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return "", FileProblem(str(path), None, None,
                               f"larger than {max_bytes // 1024} KB; not read")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return "", FileProblem(str(path), line, None, "not UTF-8 text; save it as UTF-8")


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def too_deep(text: str, path: str, max_depth: int = MAX_DEPTH) -> FileProblem | None:
    """The problem if brackets nest deeper than ``max_depth`` (strings are skipped), else None.

    A linear scan with one regular expression: cheap on a file within :data:`MAX_BYTES`.
    """
    depth = 0
    for m in _TOKENS.finditer(text):
        tok = m.group(0)
        if tok in "[{":
            depth += 1
            if depth > max_depth:
                return FileProblem(path, _line_of(text, m.start()), None,
                                   f"nested deeper than {max_depth} levels")
        elif tok in "]}":
            depth -= 1
    return None


def parse(text: str, path: str, max_depth: int = MAX_DEPTH) -> tuple[Any, FileProblem | None]:
    """JSON text to data (depth checked first), or the problem naming the line."""
    deep = too_deep(text, path, max_depth)
    if deep is not None:
        return None, deep
    try:
        return json.loads(text.lstrip("\ufeff")), None
    except json.JSONDecodeError as exc:
        return None, FileProblem(path, exc.lineno, None, f"not valid JSON: {exc.msg}")
    except RecursionError:  # within MAX_DEPTH this does not happen; kept as the last guard
        return None, FileProblem(path, None, None, "not valid JSON: nested too deeply")


def load(path: Path, max_bytes: int = MAX_BYTES) -> tuple[Any, str, FileProblem | None]:
    """Read and parse a site file: ``(data, text, problem)``."""
    text, problem = read_text(path, max_bytes)
    if problem is not None:
        return None, "", problem
    data, problem = parse(text, str(path))
    return data, text, problem


def locate(text: str) -> tuple[dict[str, int], list[tuple[str, int]]]:
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


class Locator:
    """Turns ``(field path, message)`` into :class:`FileProblem` with the field's line (or its
    nearest parent's, for a missing field)."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        try:
            self.at, self.dups = locate(text) if text else ({}, [])
        except (RecursionError, ValueError, IndexError):
            self.at, self.dups = {}, []

    def problem(self, field: str | None, message: str) -> FileProblem:
        """One problem at ``field`` (``None`` or ``""``: the whole document)."""
        probe = field or ""
        while probe and probe not in self.at:
            parent = _PARENT.sub("", probe)
            probe = parent if parent != probe else ""
        line = self.at.get(probe) if probe else None
        return FileProblem(self.path, line, field or None, message)

    def duplicates(self) -> list[FileProblem]:
        """A problem for each key that appears twice in one object."""
        return [FileProblem(self.path, line, sub, "field appears twice")
                for sub, line in self.dups]


def from_messages(locator: Locator, messages: Sequence[str]) -> list[FileProblem]:
    """Problems from ``"field.path: message"`` strings (a message without a path stays whole)."""
    out: list[FileProblem] = []
    for text in messages:
        field, sep, message = text.partition(": ")
        if sep and field and " " not in field:
            out.append(locator.problem(field, message))
        else:
            out.append(locator.problem(None, text))
    return out
