"""Opening an untrusted zip without letting it cost much: the bundle reader's first line of defence.

``zipfile.ZipFile`` reads the whole central directory into one ``ZipInfo`` object per member
before anyone can count them: a bundle of a million empty members took 600 MB there. So the
end-of-central-directory record is read first, exactly as ``zipfile`` will find it (the last 22
bytes when there is no comment, else the last record in the final 64 KiB, then the ZIP64 records
just before it), and the directory's size and member count are checked against the limits
before ``zipfile`` sees the file. ``zipfile`` parses as many entries as that size holds, so
capping the size caps the work. Then every member's name, size and compression ratio is checked
from the directory, before any member is decompressed.
"""
from __future__ import annotations

import contextlib
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from frontdesk.sync.errors import BundleError

__all__ = ["ZipLimits", "check_directory", "check_end_record", "open_zip"]

# End of central directory: signature, this disk, directory's disk, entries on this disk,
# entries in all, directory size, directory offset, comment length.
_END = struct.Struct("<4s4H2LH")
_END_SIG = b"PK\x05\x06"
# ZIP64 locator (signature, disk, offset of the ZIP64 end record, disks) and ZIP64 end record
# (signature, record size, made by, version needed, disk, directory's disk, entries on this
# disk, entries in all, directory size, directory offset).
_LOCATOR = struct.Struct("<4sLQL")
_LOCATOR_SIG = b"PK\x06\x07"
_END64 = struct.Struct("<4sQ2H2L4Q")
_END64_SIG = b"PK\x06\x06"
_MAX_COMMENT = 0xFFFF
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\Z")


@dataclass(frozen=True)
class ZipLimits:
    """Caps on what a zip may declare before anything in it is read."""

    max_members: int = 16
    max_directory_bytes: int = 64 * 1024
    max_total_bytes: int = 2 * 1024**3
    max_ratio: int = 200
    ratio_min_bytes: int = 10 * 1024**2


def _end_record(fh: IO[bytes]) -> tuple[int, int] | None:
    """``(entries, directory bytes)`` as ``zipfile`` will read them, or None when the file
    has no end record (then it is not a zip, which ``zipfile`` reports on its own)."""
    fh.seek(0, 2)
    size = fh.tell()
    if size < _END.size:
        return None
    fh.seek(size - _END.size)
    last = fh.read(_END.size)
    at: int
    if last[:4] == _END_SIG and last[-2:] == b"\x00\x00":
        tail, at = last, 0
    else:  # a comment follows the record: zipfile takes the last signature in the final 64 KiB
        start = max(size - _MAX_COMMENT - _END.size, 0)
        fh.seek(start)
        tail = fh.read()
        at = tail.rfind(_END_SIG)
        if at < 0 or len(tail) - at < _END.size:
            return None
    fields = _END.unpack_from(tail, at)
    entries, directory = fields[4], fields[5]
    record_at = size - len(tail) + at
    if record_at >= _LOCATOR.size + _END64.size:  # zipfile looks for ZIP64 records right before
        fh.seek(record_at - _LOCATOR.size)
        locator = fh.read(_LOCATOR.size)
        if locator[:4] == _LOCATOR_SIG:
            fh.seek(record_at - _LOCATOR.size - _END64.size)
            end64 = fh.read(_END64.size)
            if end64[:4] == _END64_SIG:
                big = _END64.unpack(end64)
                entries, directory = big[7], big[8]
    return entries, directory


def check_end_record(fh: IO[bytes], limits: ZipLimits) -> None:
    """Refuse (``zip_bomb``) a zip whose directory declares too many members or bytes."""
    found = _end_record(fh)
    fh.seek(0)
    if found is None:
        return
    entries, directory = found
    if entries > limits.max_members:
        raise BundleError("zip_bomb", f"the bundle has {entries} members; at most "
                          f"{limits.max_members} are allowed")
    if directory > limits.max_directory_bytes:
        raise BundleError("zip_bomb", f"the bundle's zip directory is {directory} bytes; at most "
                          f"{limits.max_directory_bytes} are allowed")


@contextlib.contextmanager
def open_zip(source: Path, limits: ZipLimits) -> Iterator[zipfile.ZipFile]:
    """The zip at ``source``, its end record checked first (:class:`BundleError` otherwise)."""
    try:
        if source.exists() and not source.is_file():  # a FIFO blocks an open, /dev/zero never ends
            raise BundleError("unreadable", f"cannot open {source}: not a regular file")
        fh = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise BundleError("unreadable", f"cannot open {source}: {exc.strerror or exc}") from exc
    with fh:
        magic = fh.read(4)
        try:
            check_end_record(fh, limits)
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError,
                struct.error) as exc:
            if magic.startswith(b"PK"):
                raise BundleError("corrupt", f"{source.name} is damaged or truncated (its zip "
                                  "directory cannot be read); copy the bundle again") from exc
            raise BundleError("not_a_zip", f"{source.name} is not a frontdesk bundle "
                              "(it is not a zip file)") from exc
        with zf:
            yield zf


def check_directory(zf: zipfile.ZipFile, limits: ZipLimits) -> dict[str, zipfile.ZipInfo]:
    """Every member by name, after checking names (safe, unique), declared sizes (total,
    compression ratio) and encryption, from the directory alone."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise BundleError("zip_bomb", f"the bundle has {len(infos)} members; at most "
                          f"{limits.max_members} are allowed")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if not _SAFE_NAME.match(name) or ".." in name:
            raise BundleError("unsafe_name", f"the bundle holds a member with an unsafe name "
                              f"{name!r} (folders, '..', absolute paths, backslashes and drive "
                              "letters are refused)")
        if name in by_name:
            raise BundleError("unsafe_name", f"the bundle holds {name!r} twice")
        if info.flag_bits & 0x1:
            raise BundleError("corrupt", f"{name} is encrypted inside the zip; not supported")
        total += info.file_size
        if (info.file_size > limits.ratio_min_bytes
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise BundleError("zip_bomb", f"{name} would expand from {info.compress_size} to "
                              f"{info.file_size} bytes (over {limits.max_ratio}:1); refused")
        by_name[name] = info
    if total > limits.max_total_bytes:
        raise BundleError("zip_bomb", f"the bundle would expand to {total} bytes; the limit is "
                          f"{limits.max_total_bytes}")
    return by_name
