"""Where an export may be written, what it is called, and writing it without destroying anything.

An export (register XLSX/CSV/PDF, a sync bundle, the contact list) must never destroy anything.
:func:`check_target` refuses, before anything is written:

* the database itself, or its ``-wal``, ``-shm`` or ``-journal`` file, by any path that leads
  there: relative, through symbolic links, or another hard link to the same file;
* any other SQLite database (a backup copy, another site's database): no export is a database;
* anything that exists and is not a regular file: a folder, a device (``/dev/full``: as root a
  rename would replace the device node), a FIFO, a socket, a symbolic link;
* an existing file, unless the person asked to replace it (``--force``, or "yes" in the app).

:func:`publish` then puts the finished temporary file in place: with permission to replace,
``os.replace``; without it, a hard link that fails if the name was taken meanwhile (no
check-then-write race), falling back to check-and-rename where the filesystem has no hard links
(FAT-formatted USB sticks).

Default names carry the site and the time (:func:`register_name`, :func:`bundle_name`), made safe
for every filesystem (:func:`safe_part`), and :func:`unused` adds ``-2``, ``-3``... so a second
export the same day never replaces the first.
"""
from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

__all__ = ["TargetError", "bundle_name", "check_target", "format_for", "protected_paths",
           "publish", "register_name", "safe_part", "unused"]

SQLITE_MAGIC = b"SQLite format 3\x00"
# Characters no file name may hold on some filesystem (Windows, FAT, macOS), controls, and
# invisible or direction-changing marks that would make a name lie about itself.
_UNSAFE = re.compile("[\\x00-\\x1f\\x7f-\\x9f/\\\\<>:\"|?*\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u2069\ufeff]+")
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?\Z")
MAX_PART_BYTES = 120  # of UTF-8 in the site part; the whole name stays far under 255


class TargetError(ValueError):
    """An export target refused; ``code`` (``is_database``, ``not_a_file``, ``exists``,
    ``bad_format``, ``format_mismatch``) and a message naming the path."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def protected_paths(db_file: str | os.PathLike[str]) -> list[Path]:
    """The database file and the files SQLite keeps beside it."""
    db = Path(db_file)
    return [db, *(db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]


def check_target(path: str | os.PathLike[str], *, protected: Iterable[Path],
                 force: bool = False) -> Path:
    """``path`` if an export may be written there; :class:`TargetError` otherwise (see the
    module docstring). ``protected`` are the live database's files."""
    target = Path(path)
    real = Path(os.path.realpath(target))
    for guarded in protected:
        if real == Path(os.path.realpath(guarded)) or _same_file(target, guarded):
            raise TargetError("is_database", f"{target} is the live database ({guarded.name}); "
                              "an export never replaces it: choose another file name")
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise TargetError("not_a_file", f"{target}: {exc.strerror or exc}") from exc
    if stat.S_ISLNK(info.st_mode):
        raise TargetError("not_a_file", f"{target} is a symbolic link; give the path of a "
                          "file, not of a link")
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise TargetError("not_a_file", f"{target} is {what}; give the name of a file to write")
    if _is_database(target):
        raise TargetError("is_database", f"{target} is a database file; an export never "
                          "replaces a database: choose another file name")
    if not force:
        raise TargetError("exists", f"{target} already exists; choose another name, or replace "
                          "it on purpose (--force)")
    return target


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _is_database(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def format_for(path: str | os.PathLike[str], fmt: str | None, formats: tuple[str, ...]) -> str:
    """The format to write ``path`` in: its extension, which ``fmt`` (if given) must match."""
    ext = Path(path).suffix.lower().lstrip(".")
    names = ", ".join(f".{f}" for f in formats)
    if fmt is not None and fmt not in formats:
        raise TargetError("bad_format", f"--format: {fmt!r} is not one of {', '.join(formats)}")
    if ext not in formats:
        raise TargetError("bad_format", f"{Path(path).name}: the file name must end in one of "
                          f"{names}, which says the format")
    if fmt is not None and fmt != ext:
        raise TargetError("format_mismatch", f"--format {fmt} does not agree with the file name "
                          f"{Path(path).name} (.{ext}): make them the same")
    return ext


def publish(tmp: Path, target: Path, *, overwrite: bool) -> None:
    """Move the finished ``tmp`` (same folder) to ``target``; without ``overwrite`` never
    replace a file that appeared meanwhile (:class:`TargetError` ``exists``)."""
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise TargetError("exists", f"{target} already exists; choose another name, or "
                          "replace it on purpose (--force)") from None
    except OSError:  # no hard links on this filesystem: check, then rename
        if os.path.lexists(target):
            raise TargetError("exists", f"{target} already exists; choose another name, or "
                              "replace it on purpose (--force)") from None
        os.replace(tmp, target)
        return
    tmp.unlink()


def safe_part(text: str, fallback: str = "site") -> str:
    """Untrusted text (a site name) made safe as part of a file name on every filesystem:
    no separators, controls, invisible marks or characters Windows forbids, no leading dot or
    dash, not a reserved device name, at most :data:`MAX_PART_BYTES` bytes of UTF-8."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", text))
    name = re.sub(r"\s+", " ", name).strip(" ._-")
    while len(name.encode("utf-8")) > MAX_PART_BYTES:
        name = name[:-1]
    name = name.rstrip(" .")
    if not name:
        return fallback
    return f"_{name}" if _RESERVED.match(name) else name


def register_name(site_name: str, first: date, last: date, fmt: str) -> str:
    """``北门-register-2026-12-02.xlsx``, or ``北门-register-2026-12-01~2026-12-02.xlsx``."""
    span = str(first) if first == last else f"{first}~{last}"
    return f"{safe_part(site_name)}-register-{span}.{fmt}"


def bundle_name(site_name: str, at: datetime) -> str:
    """``北门-2026-12-02T1830.fdb``: ``at`` in site time, to the minute."""
    return f"{safe_part(site_name)}-{at:%Y-%m-%dT%H%M}.fdb"


def unused(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name`` with ``-2``, ``-3``... before the extension when taken."""
    candidate = folder / name
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    n = 2
    while os.path.lexists(candidate):
        candidate = folder / f"{stem}-{n}{dot}{ext}"
        n += 1
    return candidate
