"""What went wrong, in words a guard can act on: one reading of every failure the app shows.

A worker that fails, an action that raises, a database that does not open: each ends up in
:func:`classify`, which looks through the exception and its causes (a storage error wraps the
``sqlite3`` one; SQLAlchemy's errors chain the driver's) and names the kind of trouble. The
kind decides the words (:func:`describe`, strings in ``frontdesk/locale/failures.py``) and
whether trying again by itself is worth it (only a lock ends on its own).
"""
from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from frontdesk.context import SignInRequired
from frontdesk.i18n import t
from frontdesk.text import one_line, term_safe


class FailureKind(StrEnum):
    """The kinds of trouble a person can do something about (and the rest)."""

    LOCKED = "locked"
    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    CORRUPT = "corrupt"
    CANNOT_OPEN = "cannot_open"
    NEWER = "newer"
    STORAGE = "storage"
    NOT_SIGNED_IN = "not_signed_in"
    OTHER = "other"


# SQLite's primary result codes (``sqlite3.Error.sqlite_errorname``), by kind.
_SQLITE_NAMES: dict[str, FailureKind] = {
    "SQLITE_BUSY": FailureKind.LOCKED,
    "SQLITE_LOCKED": FailureKind.LOCKED,
    "SQLITE_FULL": FailureKind.DISK_FULL,
    "SQLITE_READONLY": FailureKind.READ_ONLY,
    "SQLITE_PERM": FailureKind.READ_ONLY,
    "SQLITE_CORRUPT": FailureKind.CORRUPT,
    "SQLITE_NOTADB": FailureKind.CORRUPT,
    "SQLITE_CANTOPEN": FailureKind.CANNOT_OPEN,
}

# The same, from the message (an error raised by hand, or by a driver without the codes).
_SQLITE_WORDS: tuple[tuple[str, FailureKind], ...] = (
    ("database is locked", FailureKind.LOCKED),
    ("database table is locked", FailureKind.LOCKED),
    ("database is busy", FailureKind.LOCKED),
    ("disk is full", FailureKind.DISK_FULL),
    ("readonly database", FailureKind.READ_ONLY),
    ("read-only", FailureKind.READ_ONLY),
    ("malformed", FailureKind.CORRUPT),
    ("not a database", FailureKind.CORRUPT),
    ("integrity check", FailureKind.CORRUPT),
    ("unable to open database", FailureKind.CANNOT_OPEN),
    ("made by a newer frontdesk", FailureKind.NEWER),
)

_ERRNO: dict[int, FailureKind] = {
    errno.ENOSPC: FailureKind.DISK_FULL,
    errno.EDQUOT: FailureKind.DISK_FULL,
    errno.EROFS: FailureKind.READ_ONLY,
    errno.EACCES: FailureKind.READ_ONLY,
    errno.EPERM: FailureKind.READ_ONLY,
    errno.EISDIR: FailureKind.CANNOT_OPEN,
    errno.ENOTDIR: FailureKind.CANNOT_OPEN,
    errno.ENOENT: FailureKind.CANNOT_OPEN,
}


@dataclass(frozen=True)
class Failure:
    """One failure, read: its kind and the original words (one line, safe to show)."""

    kind: FailureKind
    detail: str

    @property
    def passes_by_itself(self) -> bool:
        """True when waiting and trying again can fix it (another program holds the lock)."""
        return self.kind is FailureKind.LOCKED

    @property
    def expected(self) -> bool:
        """True for trouble with the disk or the file; False for a fault in the program."""
        return self.kind is not FailureKind.OTHER


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it was raised from (explicitly or while handling), once each."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _kind_of(exc: BaseException) -> FailureKind | None:
    if isinstance(exc, SignInRequired):
        return FailureKind.NOT_SIGNED_IN
    if isinstance(exc, sqlite3.Error):
        # Python 3.11+ sets the SQLite result code on errors the driver raises.
        name = getattr(exc, "sqlite_errorname", None)
        if isinstance(name, str) and name in _SQLITE_NAMES:
            return _SQLITE_NAMES[name]
    if isinstance(exc, OSError) and exc.errno in _ERRNO:
        return _ERRNO[exc.errno]
    from frontdesk.storage.db import StorageError  # only when something has failed

    if isinstance(exc, (sqlite3.Error, StorageError)):
        words = str(exc).lower()
        for needle, kind in _SQLITE_WORDS:
            if needle in words:
                return kind
        return FailureKind.STORAGE
    return None


def classify(exc: BaseException) -> Failure:
    """Read ``exc`` (and its causes): the most telling kind found, and its own words."""
    detail = one_line(term_safe(str(exc) or type(exc).__name__), 200)
    found: list[FailureKind] = [k for k in map(_kind_of, _causes(exc)) if k is not None]
    # A precise kind (locked, full...) from a cause beats the generic "storage" of a wrapper.
    precise = [k for k in found if k is not FailureKind.STORAGE]
    if precise:
        return Failure(precise[0], detail)
    return Failure(found[0] if found else FailureKind.OTHER, detail)


def describe(failure: Failure, backups_dir: Path | None = None) -> tuple[str, str]:
    """(what happened, what to do) in the current language."""
    what = t(f"fail.{failure.kind.value}")
    todo = t(f"fail.{failure.kind.value}.todo", backups=str(backups_dir or ""))
    return what, todo
