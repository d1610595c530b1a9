"""The plain data a register export is made of, and helpers shared by the file writers.

A :class:`Sheet` is what the data-gathering service hands to the writers: a title, a few
header lines, typed columns, plain rows and footer lines. Every string in it is untrusted
user data (visitor names, notes, imported records): the writers never let such text become
a spreadsheet formula, markup or a layout-breaking control character.

By convention the header lines are, in order: site, date range, exported by, exported at and
the audit-chain head. The last one is therefore :attr:`Sheet.audit_line`, which the PDF prints
again at the end of the document, next to the signature line.
"""
from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

Value = str | int | None
"""One cell as the data-gathering service provides it."""

MIN_WIDTH = 6
DEFAULT_SIGNATURE_LABEL = "值班人签名 / Signature"
DATE_LABEL = "日期 / Date"

# Characters that make a spreadsheet evaluate a cell (OWASP CSV Injection, ASVS 5.0 1.2.10).
_FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0")


class ExportError(Exception):
    """An export file could not be written; ``path`` names the file the user asked for."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"cannot write export file {self.path}: {reason}")


@dataclass(frozen=True)
class Column:
    """One column: ``key`` for code, ``title`` shown to people, optional width in char cells.

    ``width_hint`` is a preferred width in character cells where one Chinese character counts
    as two. When given, writers use it instead of measuring the column's content.
    """

    key: str
    title: str
    width_hint: int | None = None


@dataclass(frozen=True)
class Sheet:
    """One day's register (or any table) ready to be written as CSV, XLSX or PDF."""

    title: str
    header_lines: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: Sequence[Sequence[Value]]
    footer_lines: tuple[str, ...] = ()
    signature_label: str = DEFAULT_SIGNATURE_LABEL

    @property
    def audit_line(self) -> str:
        """The audit-chain head line: by convention the last header line ("" if none)."""
        return self.header_lines[-1] if self.header_lines else ""

    @property
    def signature_line(self) -> str:
        """The line a duty guard signs on paper, built from :attr:`signature_label`."""
        label = self.signature_label.strip() or DEFAULT_SIGNATURE_LABEL
        return f"{label}: ____________________    {DATE_LABEL}: ______________"


def cell_text(value: object) -> str:
    """A cell as text: ``None`` becomes ``""``; everything else goes through ``str``."""
    return "" if value is None else str(value)


def needs_formula_guard(text: str) -> bool:
    """True when a spreadsheet could evaluate ``text`` as a formula.

    The rule is the one research/anchors-sync-export-security.md §2.1 recommends: a cell whose
    first character is ``= + - @``, TAB, CR, LF or NUL is guarded, and so is one whose first
    character NFKC-normalises to one of them (full-width ``＝＋－＠`` typed with a Chinese IME).
    This deliberately includes phone numbers such as ``+8613800138000`` and strings such as
    ``-5``: Excel would otherwise evaluate them (``+86…`` becomes a number, losing the ``+``).
    """
    if not text:
        return False
    first = text[0]
    if first in _FORMULA_TRIGGERS:
        return True
    return not first.isascii() and unicodedata.normalize("NFKC", first)[:1] in _FORMULA_TRIGGERS


def display_width(text: str, cap: int | None = None) -> int:
    """Width of ``text`` in terminal/spreadsheet character cells: wide (CJK) characters count 2.

    With ``cap``, counting stops as soon as the width reaches it (cheap for 10,000-char notes).
    Only the longest line counts when ``text`` holds newlines.
    """
    if "\n" in text:
        return max(display_width(line, cap) for line in text.split("\n"))
    if cap is not None and len(text) >= cap:
        return cap
    if text.isascii():
        return len(text)
    width = 0
    eaw = unicodedata.east_asian_width
    for ch in text:
        width += 2 if eaw(ch) in "WF" else 1
        if cap is not None and width >= cap:
            return cap
    return width


def column_widths(columns: Sequence[Column], rows: Sequence[Sequence[Value]],
                  cap: int = 60) -> list[int]:
    """Column widths in character cells (CJK counts 2), plus 2 cells of padding.

    A column is never narrower than its title nor than 6 cells; its content counts up to
    ``cap`` cells (long notes wrap). A column with a ``width_hint`` uses the hint instead of
    measuring its content.
    """
    content = [column.width_hint or 0 for column in columns]
    measure = [i for i, column in enumerate(columns) if column.width_hint is None]
    for row in rows:
        if not measure:
            break
        for i in measure:
            value = row[i] if i < len(row) else None
            if value is None:
                continue
            text = value if type(value) is str else cell_text(value)
            if 2 * len(text) > content[i]:  # else it cannot be wider than the widest so far
                content[i] = max(content[i], display_width(text, cap))
                if content[i] >= cap:
                    measure = [j for j in measure if content[j] < cap]
    return [
        max(display_width(column.title) + 2, min(used, cap) + 2, MIN_WIDTH)
        for column, used in zip(columns, content)
    ]


@contextmanager
def atomic_output(path: str | os.PathLike[str], *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is moved to ``path``.

    The temporary file lives in the same folder (so the move is atomic), is created with mode
    0600 (exports hold personal data), is flushed to disk before the move, and is removed if
    anything fails, so a failed export never leaves a partial file behind and never harms the
    file that was there. Without ``overwrite`` a file that appeared at ``path`` meanwhile is
    not replaced (:class:`frontdesk.export.target.TargetError`). Any ``OSError`` is raised as
    :class:`ExportError` naming ``path``.
    """
    from frontdesk.export.target import publish

    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError(target, _reason(exc)) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        publish(tmp, target, overwrite=overwrite)
    except OSError as exc:
        raise ExportError(target, _reason(exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)


def _reason(exc: OSError) -> str:
    """A short human reason for an ``OSError``, with a hint for the usual Windows case."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, PermissionError):
        reason += " (no permission, or the file is open in another program)"
    return reason
