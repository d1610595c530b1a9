"""The ``frontdesk-bundle`` v1 file: how sites hand each other their versions (USB stick, e-mail).

A bundle is a ZIP holding ``manifest.json`` (canonical JSON), ``versions.jsonl`` (one canonical
JSON object per :class:`~frontdesk.domain.sync.versioning.Version`, payload included) and
``purges.jsonl`` (one :class:`~frontdesk.sync.merge.PurgeMarker` per line). The manifest names
every other member with its byte size and SHA-256.

:func:`write_bundle` writes to a temporary file next to the target and renames it into place, so a
reader never sees half a bundle. :func:`read_bundle` never extracts to disk; it streams each
member, checks names, sizes, hashes, counts and every version's content address, and only then
returns. Anything wrong raises :class:`BundleError` with a ``code`` (for translations and tests)
and a message a person can act on.

A *purged* version (personal-data fields blanked by a purge marker) no longer matches its
``version_id``. The reader accepts such a version only if a purge marker in the same bundle covers
it and every field that marker names is blank. Its remaining fields are then protected by the
member SHA-256 against damage, not against deliberate editing; that needs signed bundles.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeGuard, TypeVar, cast
from uuid import uuid4

import orjson

from frontdesk import __version__
from frontdesk.domain.sync.versioning import (
    HLC_WIDTH_COUNTER,
    HLC_WIDTH_MS,
    Version,
    canonical_json,
)
from frontdesk.sync.merge import PurgeMarker

FORMAT = "frontdesk-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VERSIONS = "versions.jsonl"
PURGES = "purges.jsonl"
REQUIRED_MEMBERS = (VERSIONS, PURGES)

_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\Z")
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_HLC = re.compile(rf"[0-9]{{{HLC_WIDTH_MS}}}-[0-9]{{{HLC_WIDTH_COUNTER}}}-.+\Z")
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_VERSION_KEYS = frozenset({"version_id", "kind", "record_id", "parents", "hlc", "origin",
                           "deleted", "payload"})
_PURGE_KEYS = frozenset({"kind", "record_id", "before_hlc", "fields", "at", "by", "origin"})
T = TypeVar("T")


def _no_constants(token: str) -> Any:
    """Refuse NaN and Infinity, which are not JSON."""
    raise ValueError(f"{token} is not allowed")


def _loads(data: bytes) -> Any:
    """Decode one JSON line (orjson: several times faster than ``json`` on Chinese text; like
    strict JSON it refuses NaN, Infinity and invalid UTF-8, raising a ``ValueError``)."""
    return orjson.loads(data)


class BundleError(Exception):
    """A bundle could not be written or was refused; ``code`` says why, ``message`` says what to do.

    Codes: ``unwritable``, ``unreadable``, ``not_a_zip``, ``not_a_bundle``, ``corrupt``,
    ``too_new``, ``bad_manifest``, ``unsafe_name``, ``unlisted_member``, ``missing_member``,
    ``zip_bomb``, ``tampered``, ``malformed``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Limits:
    """Caps that keep a hostile or broken bundle from exhausting memory or disk."""

    max_total_bytes: int = 2 * 1024**3
    max_ratio: int = 200
    ratio_min_bytes: int = 10 * 1024**2
    max_members: int = 16
    max_manifest_bytes: int = 1024**2
    max_line_bytes: int = 4 * 1024**2


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
        """When the bundle was written (aware UTC)."""
        return _parse_instant(str(self.manifest["created_at"]))

    @property
    def for_peer(self) -> str | None:
        """The site the bundle was made for, or ``None`` for anyone."""
        peer = self.manifest.get("for_peer")
        return None if peer is None else str(peer)

    @property
    def audit_head(self) -> str | None:
        """The writer's audit-chain head hash, if it sent one."""
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
    is in one run of lines and a merge in parts can cut between records."""

    manifest: Mapping[str, Any]
    lines: Sequence[bytes]
    purges: list[PurgeMarker]
    purged_version_ids: frozenset[str]
    known: int
    total: int

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
) -> BundleSummary:
    """Write a bundle atomically (temp file in the same folder, fsync, ``os.replace``).

    Raises :class:`BundleError` ``unwritable`` naming ``path`` if the folder is missing or not
    writable or the rename fails; no partial file is left behind in either case.
    """
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
                    zf, VERSIONS, stamp, (version_to_json(v) for v in _counting(versions, by_kind)))
                p_entry, p_count = _write_lines(
                    zf, PURGES, stamp, (purge_to_json(m) for m in purges))
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
        os.replace(tmp, target)
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


def _counting(versions: Iterable[Version], by_kind: Counter[str]) -> Iterator[Version]:
    for v in versions:
        by_kind[v.kind] += 1
        yield v


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


# ----------------------------------------------------------------------------------- reading


def read_bundle(
    path: str | os.PathLike[str], *, max_schema_version: int, limits: Limits = Limits()
) -> Bundle:
    """Open, verify and parse a bundle; raise :class:`BundleError` unless every check passes.

    Checks, in order: it is a zip; member count, names (no folders, ``..``, absolute paths,
    backslashes or drive letters) and declared sizes (total, compression ratio); a manifest of
    format ``frontdesk-bundle`` whose format and schema versions this app knows; the same member
    set in zip and manifest; each member's size and SHA-256 (streamed, never fully in memory);
    every line's JSON; counts; every version's content address.
    """
    scan = scan_bundle(path, max_schema_version=max_schema_version, limits=limits)
    try:
        versions = [parse_line(line)[0] for line in scan.lines]
    finally:
        scan.close()
    return Bundle(scan.manifest, versions, scan.purges, scan.purged_version_ids)


def scan_bundle(
    path: str | os.PathLike[str], *, max_schema_version: int,
    known: Callable[[list[str]], set[str]] | None = None, limits: Limits = Limits(),
) -> ScannedBundle:
    """Verify a bundle like :func:`read_bundle`, keeping only the lines of versions to merge.

    ``known(ids)`` says which version ids the store holds already. A line whose bytes are the
    canonical body of a known id is that very version (its id is the SHA-256 of those bytes), so
    it is counted and skipped without being decoded: re-importing a bundle decodes nothing it
    has. Every other line is decoded and checked in full before anything is returned. The kept
    lines are raw bytes (far smaller than decoded versions); :func:`parse_line` decodes them.
    """
    source = Path(path)
    with _open_zip(source) as zf:
        try:
            return _scan(zf, max_schema_version, limits, known)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError,
                ValueError) as exc:
            raise BundleError("corrupt", f"{source.name} is damaged or truncated ({exc}); "
                              "copy the bundle again") from exc


@contextlib.contextmanager
def _open_zip(source: Path) -> Iterator[zipfile.ZipFile]:
    try:
        fh = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise BundleError("unreadable", f"cannot open {source}: {exc.strerror or exc}") from exc
    with fh:
        magic = fh.read(4)
        fh.seek(0)
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            if magic.startswith(b"PK"):
                raise BundleError("corrupt", f"{source.name} is damaged or truncated (its zip "
                                  "directory cannot be read); copy the bundle again") from exc
            raise BundleError("not_a_zip", f"{source.name} is not a frontdesk bundle "
                              "(it is not a zip file)") from exc
        with zf:
            yield zf


def _scan(zf: zipfile.ZipFile, max_schema: int, limits: Limits,
          known: Callable[[list[str]], set[str]] | None) -> ScannedBundle:
    infos = _check_directory(zf, limits)
    manifest = _read_manifest(zf, infos, max_schema, limits)
    entries = {m["name"]: m for m in manifest["members"]}
    unlisted = sorted(infos.keys() - entries.keys() - {MANIFEST})
    if unlisted:
        raise BundleError("unlisted_member", f"the bundle holds {unlisted[0]!r}, which its "
                          "manifest does not list (the file was changed after it was made)")
    missing = sorted((entries.keys() | set(REQUIRED_MEMBERS)) - infos.keys())
    if missing:
        raise BundleError("missing_member", f"the bundle has no {missing[0]} (the file is "
                          "incomplete)")
    for name in REQUIRED_MEMBERS:
        if name not in entries:
            raise BundleError("bad_manifest", f"manifest.json does not list {name}")
    for name, entry in entries.items():
        if infos[name].file_size != entry["size"]:
            raise _tampered(name, "its size differs from the manifest")
    purges = _parse_member(zf, entries[PURGES], limits, _parse_purge)
    markers: dict[tuple[str, str], list[PurgeMarker]] = {}
    for m in purges:
        markers.setdefault(m.key, []).append(m)
    scan = _VersionScan(markers, known)
    try:
        _check_versions(zf, entries, limits, scan)
    except BaseException:
        scan.kept.close()
        raise
    counts = manifest["counts"]
    if (counts.get("versions") != scan.total or counts.get("purges") != len(purges)
            or counts.get("by_kind", dict(scan.by_kind)) != dict(scan.by_kind)):
        scan.kept.close()
        raise _tampered(MANIFEST, "its counts do not match the members")
    return ScannedBundle(manifest, scan.kept.finish(), purges, frozenset(scan.purged), scan.known,
                         scan.total)


def _check_versions(zf: zipfile.ZipFile, entries: Mapping[str, Any], limits: Limits,
                    scan: _VersionScan) -> None:
    error: BundleError | None = None
    for n, line in _member_lines(zf, entries[VERSIONS], limits):
        if error is None:
            error = scan.add(n, line)
    if error is None:
        error = scan.flush()
    if error is not None:
        raise error
    for name in entries.keys() - set(REQUIRED_MEMBERS):
        deque(_member_lines(zf, entries[name], limits), maxlen=0)


_TAIL = re.compile(rb',"version_id":"([0-9a-f]{64})"\}\n?\Z')
_KIND = re.compile(rb'\{"deleted":(?:true|false),"hlc":"[^"\\]*","kind":"([^"\\]{1,200})",')
_PAYLOAD_AT = b',"payload":'
_PLAIN_ID = re.compile(r"[0-9A-Za-z_.:-]*\Z")  # JSON-encodes as itself between quotes
_SCAN_BATCH = 1000


class _VersionScan:
    """Checks ``versions.jsonl`` line by line, in batches (one ``known`` query per batch)."""

    def __init__(self, markers: Mapping[tuple[str, str], list[PurgeMarker]],
                 known: Callable[[list[str]], set[str]] | None) -> None:
        self.markers = markers
        self.known_of = known
        self.pending: list[tuple[int, bytes, str | None, bool]] = []
        self.kept = SpilledLines()
        self.seen: set[str] = set()
        self.purged: set[str] = set()
        self.by_kind: Counter[str] = Counter()
        self.total = 0
        self.known = 0

    def add(self, n: int, line: bytes) -> BundleError | None:
        self.total += 1
        m = _TAIL.search(line)
        vid = m.group(1).decode() if m else None
        fast = m is not None and hashlib.sha256(line[:m.start()] + b"}").hexdigest() == vid
        self.pending.append((n, line, vid, fast))
        return self.flush() if len(self.pending) >= _SCAN_BATCH else None

    def flush(self) -> BundleError | None:
        pending, self.pending = self.pending, []
        ids = [vid for _n, _l, vid, _fast in pending if vid is not None]
        have = self.known_of(ids) if (ids and self.known_of is not None) else set()
        for n, line, vid, fast in pending:
            if fast and vid in have:
                k = _KIND.match(line)
                if k is not None:
                    self.by_kind[k.group(1).decode()] += 1
                    self.known += 1
                    continue
            error = self._check(n, line, fast, have)
            if error is not None:
                return error
        return None

    def _check(self, n: int, line: bytes, fast: bool, have: set[str]) -> BundleError | None:
        try:
            obj = _loads(line)
        except ValueError as exc:
            return BundleError("malformed", f"{VERSIONS} line {n}: not valid JSON ({exc})")
        if not isinstance(obj, dict):
            return BundleError("malformed", f"{VERSIONS} line {n}: not a JSON object")
        try:
            v = _parse_version(n, obj)
        except BundleError as exc:
            return exc
        self.by_kind[v.kind] += 1
        if not fast and v.version_id != _content_hash(v):
            covering = [m for m in self.markers.get((v.kind, v.record_id), ()) if m.covers(v)]
            blank = {f for m in covering for f in m.fields}
            if not covering or any(v.payload.get(f) is not None for f in blank):
                return _tampered(VERSIONS, f"line {n}: version {v.version_id[:12]} does not "
                                 "match its content (it was edited after export)")
            self.purged.add(v.version_id)
        if v.version_id in self.seen:
            return None  # a repeated line is harmless
        self.seen.add(v.version_id)
        if v.version_id in have:
            self.known += 1
            return None
        self.kept.add(v.kind, v.record_id, v.version_id, line)
        return None


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


def _check_directory(zf: zipfile.ZipFile, limits: Limits) -> dict[str, zipfile.ZipInfo]:
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


def _read_manifest(
    zf: zipfile.ZipFile, infos: Mapping[str, zipfile.ZipInfo], max_schema: int, limits: Limits
) -> dict[str, Any]:
    if MANIFEST not in infos:
        raise BundleError("not_a_bundle", "this zip is not a frontdesk bundle (no manifest.json)")
    if infos[MANIFEST].file_size > limits.max_manifest_bytes:
        raise BundleError("zip_bomb", "manifest.json is too large")
    with zf.open(infos[MANIFEST]) as fh:
        raw = fh.read(limits.max_manifest_bytes + 1)
    try:
        m = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleError("not_a_bundle", f"manifest.json is not valid JSON ({exc})") from exc
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise BundleError("not_a_bundle", "this zip is not a frontdesk bundle (wrong format)")
    fv, sv = m.get("format_version"), m.get("schema_version")
    if not _is_int(fv) or not _is_int(sv):
        raise BundleError("bad_manifest", "manifest.json has no valid format or schema version")
    if fv > FORMAT_VERSION:
        raise BundleError("too_new", f"made by a newer version of frontdesk (bundle format {fv});"
                          f" this app reads up to {FORMAT_VERSION}; update frontdesk")
    if sv > max_schema:
        raise BundleError("too_new", f"made by a newer version of frontdesk (schema {sv}); this "
                          f"app reads up to {max_schema}; update frontdesk")
    site, counts, members = m.get("source_site"), m.get("counts"), m.get("members")
    ok = (
        isinstance(m.get("bundle_id"), str) and isinstance(m.get("created_at"), str)
        and isinstance(site, dict) and isinstance(site.get("id"), str)
        and isinstance(site.get("name"), str) and isinstance(counts, dict)
        and isinstance(members, list) and _opt_str(m.get("for_peer"))
        and _opt_str(m.get("audit_head"))
        and all(isinstance(e, dict) and isinstance(e.get("name"), str) and _is_int(e.get("size"))
                and isinstance(e.get("sha256"), str) and _HEX64.match(e["sha256"])
                for e in members)
    )
    if not ok or not isinstance(members, list):
        raise BundleError("bad_manifest", "manifest.json is incomplete or malformed")
    names = [e["name"] for e in members]
    if len(set(names)) != len(names) or MANIFEST in names:
        raise BundleError("bad_manifest", "manifest.json is incomplete or malformed")
    try:
        _parse_instant(m["created_at"])
    except ValueError as exc:
        raise BundleError("bad_manifest", "manifest.json has a bad created_at") from exc
    return m


def _member_lines(
    zf: zipfile.ZipFile, entry: Mapping[str, Any], limits: Limits
) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line_no, line)``, hashing as it goes; fail at the end on a mismatch."""
    name = entry["name"]
    h, size, n = hashlib.sha256(), 0, 0
    # ZipExtFile is a buffered stream; BufferedReader on top gives a fast C readline.
    with zf.open(name) as raw, io.BufferedReader(cast(Any, raw), 1 << 20) as fh:
        while line := fh.readline(limits.max_line_bytes + 1):
            n += 1
            h.update(line)
            size += len(line)
            if len(line) > limits.max_line_bytes:
                raise BundleError("zip_bomb", f"{name} line {n} is longer than "
                                  f"{limits.max_line_bytes} bytes; refused")
            yield n, line
    if size != entry["size"] or h.hexdigest() != entry["sha256"]:
        raise _tampered(name, "its SHA-256 or size differs from the manifest")


def _parse_member(
    zf: zipfile.ZipFile,
    entry: Mapping[str, Any],
    limits: Limits,
    parse: Callable[[int, bytes, dict[str, Any]], T],
) -> list[T]:
    """Parse every line of a JSON-lines member. A bad line is reported only once the member's
    hash has been checked, so a damaged file reports as damaged rather than as bad JSON."""
    name, out, error = entry["name"], [], None
    for n, line in _member_lines(zf, entry, limits):
        if error is not None:
            continue
        try:
            obj = _loads(line)
        except ValueError as exc:
            error = BundleError("malformed", f"{name} line {n}: not valid JSON ({exc})")
            continue
        if not isinstance(obj, dict):
            error = BundleError("malformed", f"{name} line {n}: not a JSON object")
            continue
        try:
            out.append(parse(n, line, obj))
        except BundleError as exc:
            error = exc
    if error is not None:
        raise error
    return out


def _parse_version(n: int, o: dict[str, Any]) -> Version:
    parents = o.get("parents")
    if not (o.keys() == _VERSION_KEYS and isinstance(o["version_id"], str)
            and _HEX64.match(o["version_id"]) and _nonempty(o["kind"])
            and _nonempty(o["record_id"]) and _nonempty(o["origin"]) and _is_hlc(o["hlc"])
            and isinstance(o["deleted"], bool) and isinstance(o["payload"], dict)
            and isinstance(parents, list)
            and all(isinstance(p, str) and _HEX64.match(p) for p in parents)):
        raise BundleError("malformed", f"{VERSIONS} line {n}: not a valid version")
    return Version(o["version_id"], o["kind"], o["record_id"], tuple(sorted(parents)), o["hlc"],
                   o["origin"], o["deleted"], o["payload"])


def _parse_purge(n: int, _line: bytes, o: dict[str, Any]) -> PurgeMarker:
    fields = o.get("fields")
    if not (o.keys() == _PURGE_KEYS and _nonempty(o["kind"]) and _nonempty(o["record_id"])
            and _is_hlc(o["before_hlc"]) and isinstance(fields, list) and fields
            and all(_nonempty(f) for f in fields) and isinstance(o["at"], str)
            and isinstance(o["by"], str) and _nonempty(o["origin"])):
        raise BundleError("malformed", f"{PURGES} line {n}: not a valid purge marker")
    return PurgeMarker(o["kind"], o["record_id"], o["before_hlc"], tuple(fields), o["at"],
                       o["by"], o["origin"])


def _content_hash(v: Version) -> str:
    """:func:`~frontdesk.domain.sync.versioning.version_hash` with a reused encoder (the same bytes;
    ``test_bundle`` checks they agree); building a new encoder per call doubles import time."""
    body = {"kind": v.kind, "record_id": v.record_id, "parents": sorted(v.parents), "hlc": v.hlc,
            "origin": v.origin, "deleted": v.deleted, "payload": v.payload}
    return hashlib.sha256(_ENCODER.encode(body).encode("utf-8")).hexdigest()


def _tampered(name: str, what: str) -> BundleError:
    return BundleError("tampered", f"{name} does not match the bundle's manifest: {what}; the "
                       "file was damaged or changed after it was made")


def _is_int(x: Any) -> TypeGuard[int]:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _nonempty(x: Any) -> bool:
    return isinstance(x, str) and 0 < len(x) <= 200


def _opt_str(x: Any) -> bool:
    return x is None or isinstance(x, str)


def _is_hlc(x: Any) -> bool:
    return isinstance(x, str) and _HLC.match(x) is not None


def _parse_instant(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        raise ValueError("created_at has no time zone")
    return dt.astimezone(UTC)
