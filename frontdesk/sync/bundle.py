"""The ``frontdesk-bundle`` v1 file: how sites hand each other their versions (USB stick, e-mail).

A bundle is a ZIP holding ``manifest.json`` (canonical JSON), ``versions.jsonl`` (one canonical
JSON object per :class:`~frontdesk.domain.sync.versioning.Version`, payload included) and
``purges.jsonl`` (one :class:`~frontdesk.sync.merge.PurgeMarker` per line). The manifest names
every other member with its byte size and SHA-256.

:func:`write_bundle` writes to a temporary file next to the target (owner-only: bundles carry
unmasked numbers) and renames it into place, so a reader never sees half a bundle; it refuses to
write a version stamped beyond what readers accept. Reading and every check are in
:mod:`frontdesk.sync.reader`. Anything wrong raises :class:`BundleError` with a ``code`` (for
translations and tests) and a message a person can act on.

A *purged* version (personal-data fields blanked by a purge marker) no longer matches its
``version_id``. The reader accepts such a version only if a purge marker in the same bundle covers
it and every field that marker names is blank. Its remaining fields are then protected by the
member SHA-256 against damage, not against deliberate editing; that needs signed bundles.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from uuid import uuid4

import orjson

from frontdesk import __version__
from frontdesk.domain.sync.versioning import (
    HLC_MAX_MS,
    HLC_WIDTH_COUNTER,
    HLC_WIDTH_MS,
    Version,
    canonical_json,
)
from frontdesk.sync.errors import BundleError
from frontdesk.sync.merge import PurgeMarker
from frontdesk.sync.zipguard import ZipLimits

__all__ = ["Bundle", "BundleError", "BundleMeta", "BundleSummary", "Expect", "Limits",
           "ScannedBundle", "SpilledLines", "parse_line", "purge_to_json", "version_to_json",
           "write_bundle"]

FORMAT = "frontdesk-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VERSIONS = "versions.jsonl"
PURGES = "purges.jsonl"
REQUIRED_MEMBERS = (VERSIONS, PURGES)
KNOWN_MEMBERS = frozenset({MANIFEST, *REQUIRED_MEMBERS})

_HLC = re.compile(rf"([0-9]{{{HLC_WIDTH_MS}}})-[0-9]{{{HLC_WIDTH_COUNTER}}}-.+\Z")
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _loads(data: bytes) -> Any:
    """Decode one JSON line (orjson: several times faster than ``json`` on Chinese text; like
    strict JSON it refuses NaN, Infinity and invalid UTF-8, raising a ``ValueError``)."""
    return orjson.loads(data)


@dataclass(frozen=True)
class Limits(ZipLimits):
    """Caps that keep a hostile or broken bundle from exhausting memory or time: the zip's
    (:class:`~frontdesk.sync.zipguard.ZipLimits`: members, directory, sizes, ratio) and the
    largest manifest and line."""

    max_manifest_bytes: int = 1024**2
    max_line_bytes: int = 4 * 1024**2


@dataclass(frozen=True)
class Expect:
    """What the importing site accepts beyond the format: the record kinds it knows (``None``:
    any), its own site id (its own bundles are refused), and the latest wall time its clock may
    follow (for :attr:`ScannedBundle.max_hlc`)."""

    kinds: frozenset[str] | None = None
    own_site: str | None = None
    follow_until_ms: int | None = None


@dataclass(frozen=True)
class BundleMeta:
    """What the writer says about itself; ``created_at`` (aware) and ``bundle_id`` default to now
    and a fresh uuid4."""

    schema_version: int
    site_id: str
    site_name: str
    for_peer: str | None = None
    audit_head: str | None = None
    created_at: datetime | None = None
    bundle_id: str | None = None
    app_version: str = __version__


@dataclass(frozen=True)
class BundleSummary:
    """What :func:`write_bundle` wrote: final path, file size and SHA-256, and the manifest."""

    path: Path
    bundle_id: str
    size: int
    sha256: str
    manifest: Mapping[str, Any]


class _FromManifest:
    """What a bundle's manifest says about it (shared by :class:`Bundle` and
    :class:`ScannedBundle`)."""

    manifest: Mapping[str, Any]

    @property
    def bundle_id(self) -> str:
        """The writer's id for this bundle (for an "already imported" ledger)."""
        return str(self.manifest["bundle_id"])

    @property
    def schema_version(self) -> int:
        """The writer's database schema version."""
        return int(self.manifest["schema_version"])

    @property
    def source_site(self) -> tuple[str, str]:
        """``(site_id, site_name)`` of the writer."""
        site = self.manifest["source_site"]
        return str(site["id"]), str(site["name"])

    @property
    def created_at(self) -> datetime:
        """When the bundle was written (aware UTC; the reader checked it has a zone)."""
        return datetime.fromisoformat(str(self.manifest["created_at"])).astimezone(UTC)

    @property
    def for_peer(self) -> str | None:
        """The site the bundle was made for, or ``None`` for anyone."""
        peer = self.manifest.get("for_peer")
        return None if peer is None else str(peer)

    @property
    def audit_head(self) -> str | None:
        """The writer's audit-chain head (``SEQ:HASH``; a bare hash from older versions), if
        it sent one."""
        head = self.manifest.get("audit_head")
        return None if head is None else str(head)


@dataclass(frozen=True)
class Bundle(_FromManifest):
    """A fully verified bundle in memory.

    ``purged_version_ids`` are the versions whose blanked payload no longer matches their id
    (accepted because a purge marker in the bundle covers them).
    """

    manifest: Mapping[str, Any]
    versions: list[Version]
    purges: list[PurgeMarker]
    purged_version_ids: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ScannedBundle(_FromManifest):
    """A fully verified bundle, holding only the raw lines of versions the store lacked when it
    was scanned (``lines``; decode with :func:`parse_line`); ``known`` counts the rest.

    ``lines`` are in record order (kind, record id, version id), so every version of one record
    is in one run of lines and a merge in parts can cut between records. ``max_hlc`` is the
    latest stamp of a new version or marker that the importing site's clock may follow
    (``Expect.follow_until_ms``), or None."""

    manifest: Mapping[str, Any]
    lines: Sequence[bytes]
    purges: list[PurgeMarker]
    purged_version_ids: frozenset[str]
    known: int
    total: int
    max_hlc: str | None = None

    def close(self) -> None:
        """Let go of the kept lines (their spill file) now rather than when collected."""
        if isinstance(self.lines, SpilledLines):
            self.lines.close()


class SpilledLines(Sequence[bytes]):
    """Kept bundle lines, written to an anonymous temporary file as they are checked and read
    back in record order: a large bundle's new lines cost an index entry each in memory, not
    their bytes. The file has no name (removed on creation where the system allows) and is
    closed with the scan."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._index: list[tuple[str, str, str, int, int]] = []
        self._end = 0

    def add(self, kind: str, record_id: str, version_id: str, line: bytes) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="frontdesk-import-")  # noqa: SIM115
        self._file.write(line)
        self._index.append((kind, record_id, version_id, self._end, len(line)))
        self._end += len(line)

    def finish(self) -> SpilledLines:
        """Sort into record order (version ids are unique, so offsets never decide)."""
        self._index.sort()
        if self._file is not None:
            self._file.flush()
        return self

    def __len__(self) -> int:
        return len(self._index)

    def __getitem__(self, i: int) -> bytes:  # type: ignore[override]
        *_key, offset, size = self._index[i]
        assert self._file is not None
        self._file.seek(offset)
        return self._file.read(size)

    def __iter__(self) -> Iterator[bytes]:
        for i in range(len(self._index)):
            yield self[i]

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._index = []


def version_to_json(v: Version) -> str:
    """One ``versions.jsonl`` line (without the newline)."""
    return canonical_json({"version_id": v.version_id, "kind": v.kind, "record_id": v.record_id,
                           "parents": list(v.parents), "hlc": v.hlc, "origin": v.origin,
                           "deleted": v.deleted, "payload": dict(v.payload)})


def purge_to_json(m: PurgeMarker) -> str:
    """One ``purges.jsonl`` line (without the newline)."""
    return canonical_json({"kind": m.kind, "record_id": m.record_id, "before_hlc": m.before_hlc,
                           "fields": list(m.fields), "at": m.at, "by": m.by, "origin": m.origin})


# ----------------------------------------------------------------------------------- writing


def write_bundle(
    path: str | os.PathLike[str],
    versions: Iterable[Version],
    purges: Iterable[PurgeMarker],
    meta: BundleMeta,
    *,
    overwrite: bool = True,
) -> BundleSummary:
    """Write a bundle atomically (owner-only temp file in the same folder, fsync, then moved
    into place by :func:`frontdesk.export.target.publish`; without ``overwrite`` a file that
    appeared at ``path`` meanwhile is not replaced).

    Raises :class:`BundleError` ``unwritable`` naming ``path`` if the folder is missing or not
    writable or the rename fails; no partial file is left behind in either case.
    """
    from frontdesk.export.target import publish

    target = Path(path)
    created = (meta.created_at or datetime.now(UTC)).astimezone(UTC)
    bundle_id = meta.bundle_id or str(uuid4())
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".fdb-", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _unwritable(target, exc) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w+b") as fh:
            by_kind: Counter[str] = Counter()
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                stamp = max((created.year, created.month, created.day, created.hour,
                             created.minute, created.second), (1980, 1, 1, 0, 0, 0))  # zip epoch
                v_entry, v_count = _write_lines(
                    zf, VERSIONS, stamp, (version_to_json(v) for v in _checked(versions, by_kind)))
                p_entry, p_count = _write_lines(
                    zf, PURGES, stamp, (purge_to_json(m) for m in _checked_markers(purges)))
                manifest = {
                    "format": FORMAT, "format_version": FORMAT_VERSION,
                    "schema_version": meta.schema_version, "app_version": meta.app_version,
                    "bundle_id": bundle_id, "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "source_site": {"id": meta.site_id, "name": meta.site_name},
                    "for_peer": meta.for_peer, "audit_head": meta.audit_head,
                    "counts": {"versions": v_count, "purges": p_count,
                               "by_kind": dict(sorted(by_kind.items()))},
                    "members": [v_entry, p_entry],
                }
                info = zipfile.ZipInfo(MANIFEST, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, canonical_json(manifest).encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
            fh.seek(0)
            digest, size = _hash_stream(fh)
        publish(tmp, target, overwrite=overwrite)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _unwritable(target, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return BundleSummary(target, bundle_id, size, digest, manifest)


def _unwritable(target: Path, exc: OSError) -> BundleError:
    reason = exc.strerror or str(exc)
    return BundleError("unwritable", f"cannot write the bundle to {target}: {reason}")


def _checked(versions: Iterable[Version], by_kind: Counter[str]) -> Iterator[Version]:
    """Count versions by kind, refusing any whose stamp a reader would refuse."""
    for v in versions:
        _check_stamp(v.hlc, v.kind, v.record_id)
        by_kind[v.kind] += 1
        yield v


def _checked_markers(markers: Iterable[PurgeMarker]) -> Iterator[PurgeMarker]:
    for m in markers:
        _check_stamp(m.before_hlc, m.kind, m.record_id)
        yield m


def _check_stamp(stamp: str, kind: str, record_id: str) -> None:
    """A bundle every peer refuses must never be written: name the record instead."""
    m = _HLC.match(stamp)
    if m is None or int(m.group(1)) > HLC_MAX_MS:
        raise BundleError("bad_stamp", f"the {kind} record {record_id[:40]!r} has a version "
                          f"stamped {stamp[:30]!r}, which no site can read; the bundle was not "
                          "written (the stamp came from an older version of frontdesk)")


def _write_lines(
    zf: zipfile.ZipFile, name: str, stamp: tuple[int, int, int, int, int, int], lines: Iterable[str]
) -> tuple[dict[str, Any], int]:
    """Write one JSON-lines member; return its manifest entry and its line count."""
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    h, size, count, buf = hashlib.sha256(), 0, 0, bytearray()
    with zf.open(info, "w", force_zip64=True) as out:
        for line in lines:
            buf += line.encode("utf-8")
            buf += b"\n"
            count += 1
            if len(buf) >= 1 << 20:
                h.update(buf)
                size += len(buf)
                out.write(buf)
                buf.clear()
        h.update(buf)
        size += len(buf)
        out.write(buf)
    return {"name": name, "size": size, "sha256": h.hexdigest()}, count


def _hash_stream(fh: IO[bytes]) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    while chunk := fh.read(1 << 20):
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def _fsync_dir(folder: Path) -> None:
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.fsync(dfd)
    os.close(dfd)


# ----------------------------------------------------------------------------------- decoding

_PAYLOAD_AT = b',"payload":'
_PLAIN_ID = re.compile(r"[0-9A-Za-z_.:-]*\Z")  # JSON-encodes as itself between quotes


def parse_line(line: bytes) -> tuple[Version, str]:
    """A kept (already verified) ``versions.jsonl`` line as a version and its payload's canonical
    JSON text. The text is cut from the line when the line is canonical (no re-encoding)."""
    o = _loads(line)
    v = Version(o["version_id"], o["kind"], o["record_id"], tuple(sorted(o["parents"])),
                o["hlc"], o["origin"], o["deleted"], o["payload"])
    body = line.rstrip(b"\n")
    rid = v.record_id
    quoted = f'"{rid}"' if _PLAIN_ID.match(rid) else _ENCODER.encode(rid)
    tail = (',"record_id":' + quoted + ',"version_id":"'
            + v.version_id + '"}').encode("utf-8")
    at = body.find(_PAYLOAD_AT)
    if at > 0 and body.endswith(tail):
        text = body[at + len(_PAYLOAD_AT):len(body) - len(tail)].decode("utf-8")
        if text.startswith("{") and text.endswith("}") and (
                len(text) == 2) == (not v.payload):
            return v, text
    return v, canonical_json(v.payload)
