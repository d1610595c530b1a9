"""Reading a ``frontdesk-bundle`` v1 file: every check, and a refusal at the first fault.

:func:`scan_bundle` never extracts to disk. In order, and stopping at the first thing wrong:

1. the zip's end record: how many members and how large a directory it declares
   (:mod:`frontdesk.sync.zipguard`), before ``zipfile`` reads the directory;
2. the directory: member names (safe, unique, known to this format), declared sizes and
   compression ratios, before anything is decompressed;
3. the manifest: format, format and schema versions, its own fields, the bundle's source (a
   site's own bundle is refused), the member set;
4. each member, streamed: lines no longer than the cap, never more bytes than declared (a
   lying size is caught as it streams), every line's JSON and fields, stamps the format can
   carry forward, record kinds this site knows, every version's content address; the member's
   SHA-256 once it has been read through; the counts.

A bad bundle is refused where its first bad byte or line is, never after reading the rest: a
refusal costs what was read up to the fault, so damaged files, bombs and forgeries are
refused in well under the time and memory a good import of the same size takes
(bench/bench_refusals.py, BENCHMARKS.md).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeGuard, TypeVar, cast

from frontdesk.domain.sync.versioning import (
    HLC_MAX_MS,
    HLC_WIDTH_COUNTER,
    HLC_WIDTH_MS,
    Version,
)
from frontdesk.sync.bundle import (
    _ENCODER,
    FORMAT,
    FORMAT_VERSION,
    KNOWN_MEMBERS,
    MANIFEST,
    PURGES,
    REQUIRED_MEMBERS,
    VERSIONS,
    Bundle,
    Expect,
    Limits,
    ScannedBundle,
    SpilledLines,
    _loads,
    parse_line,
)
from frontdesk.sync.errors import BundleError
from frontdesk.sync.merge import PurgeMarker
from frontdesk.sync.zipguard import check_directory, open_zip

__all__ = ["read_bundle", "scan_bundle", "stamp_problem"]

_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_HLC = re.compile(rf"([0-9]{{{HLC_WIDTH_MS}}})-[0-9]{{{HLC_WIDTH_COUNTER}}}-.+\Z")
_VERSION_KEYS = frozenset({"version_id", "kind", "record_id", "parents", "hlc", "origin",
                           "deleted", "payload"})
_PURGE_KEYS = frozenset({"kind", "record_id", "before_hlc", "fields", "at", "by", "origin"})
_TAIL = re.compile(rb',"version_id":"([0-9a-f]{64})"\}\n?\Z')
_KIND = re.compile(rb'\{"deleted":(?:true|false),"hlc":"[^"\\]*","kind":"([^"\\]{1,200})",')
_HEAD = re.compile(rb'\{"deleted":(?:true|false),"hlc":"([0-9]{15}-[0-9]{6}-[^"\\]+)",'
                   rb'"kind":"([^"\\]{1,200})",')
_MAX_MS = f"{HLC_MAX_MS:0{HLC_WIDTH_MS}d}"  # fixed-width digits compare as text
_MAX_MS_BYTES = _MAX_MS.encode("ascii")
_SCAN_BATCH = 1000
_Key = tuple[str, str, str, str]  # kind, record id, version id, stamp
_SCAN_BATCH_BYTES = 8 * 1024**2  # lines may be 4 MB each: a batch never holds more than this
T = TypeVar("T")


def read_bundle(
    path: str | os.PathLike[str], *, max_schema_version: int, limits: Limits = Limits(),
    expect: Expect = Expect(),
) -> Bundle:
    """Open, verify and parse a bundle; raise :class:`BundleError` unless every check passes
    (the checks of :func:`scan_bundle`), and return every version decoded."""
    scan = scan_bundle(path, max_schema_version=max_schema_version, limits=limits,
                       expect=expect)
    try:
        versions = [parse_line(line)[0] for line in scan.lines]
    finally:
        scan.close()
    return Bundle(scan.manifest, versions, scan.purges, scan.purged_version_ids)


def scan_bundle(
    path: str | os.PathLike[str], *, max_schema_version: int,
    known: Callable[[list[str]], set[str]] | None = None, limits: Limits = Limits(),
    expect: Expect = Expect(),
) -> ScannedBundle:
    """Verify a bundle, keeping only the lines of versions to merge (see the module docstring).

    ``known(ids)`` says which version ids the store holds already. A line whose bytes are the
    canonical body of a known id is that very version (its id is the SHA-256 of those bytes), so
    it is counted and skipped without being decoded: re-importing a bundle decodes nothing it
    has. Every other line is decoded and checked in full before anything is returned. The kept
    lines are raw bytes (far smaller than decoded versions); :func:`parse_line` decodes them.
    ``expect`` says what this site accepts (record kinds, not its own bundles) and how far its
    clock may follow the stamps read (:attr:`ScannedBundle.max_hlc`).
    """
    source = Path(path)
    with open_zip(source, limits) as zf:
        try:
            return _scan(zf, max_schema_version, limits, known, expect)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError,
                ValueError) as exc:
            raise BundleError("corrupt", f"{source.name} is damaged or truncated ({exc}); "
                              "copy the bundle again") from exc


def _scan(zf: zipfile.ZipFile, max_schema: int, limits: Limits,
          known: Callable[[list[str]], set[str]] | None, expect: Expect) -> ScannedBundle:
    infos = check_directory(zf, limits)
    if MANIFEST not in infos:
        raise BundleError("not_a_bundle", "this zip is not a frontdesk bundle (no manifest.json)")
    strange = sorted(infos.keys() - KNOWN_MEMBERS)
    if strange:
        raise BundleError("unknown_member", f"the bundle holds {strange[0]!r}, which this "
                          "version of frontdesk does not know (made by a newer version, or "
                          "changed after it was made)")
    manifest = _read_manifest(zf, infos, max_schema, limits)
    site = manifest["source_site"]
    if expect.own_site is not None and site["id"] == expect.own_site:
        raise BundleError("own_bundle", f"this bundle was written by this site itself "
                          f"({_shown(site['name'])}); it can only be imported at another site")
    entries = {m["name"]: m for m in manifest["members"]}
    unknown = sorted(entries.keys() - KNOWN_MEMBERS)
    if unknown:
        raise BundleError("unknown_member", f"manifest.json lists {_shown(unknown[0])}, which "
                          "this version of frontdesk does not know (made by a newer version?)")
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
    purges = _parse_member(zf, entries[PURGES], limits,
                           lambda n, obj: _parse_purge(n, obj, expect))
    markers: dict[tuple[str, str], list[PurgeMarker]] = {}
    for m in purges:
        markers.setdefault(m.key, []).append(m)
    scan = _VersionScan(markers, known, expect)
    try:
        for n, line in _member_lines(zf, entries[VERSIONS], limits):
            error = scan.add(n, line)
            if error is not None:
                raise error
        error = scan.flush()
        if error is not None:
            raise error
    except BaseException:
        scan.kept.close()
        raise
    counts = manifest["counts"]
    if (counts.get("versions") != scan.total or counts.get("purges") != len(purges)
            or counts.get("by_kind", scan.by_kind) != scan.by_kind):
        scan.kept.close()
        raise _tampered(MANIFEST, "its counts do not match the members")
    follow = [m.before_hlc for m in purges if _followable(m.before_hlc, expect)]
    if scan.max_hlc is not None:
        follow.append(scan.max_hlc)
    return ScannedBundle(manifest, scan.kept.finish(), purges, frozenset(scan.purged), scan.known,
                         scan.total, max(follow) if follow else None)


class _VersionScan:
    """Checks ``versions.jsonl`` line by line.

    Which versions the store already has is asked a batch at a time (one ``known`` query per
    :data:`_SCAN_BATCH` lines or :data:`_SCAN_BATCH_BYTES`), so a re-import decodes nothing it
    has. Faults do not wait for the batch: a line that is not the canonical body of its id
    (damaged, edited, not written by frontdesk) is decoded and checked as soon as it is read,
    and a canonical one has its kind and stamp checked at once; only the remaining checks of a
    canonical line whose id turns out to be new wait for its batch's query.
    """

    def __init__(self, markers: Mapping[tuple[str, str], list[PurgeMarker]],
                 known: Callable[[list[str]], set[str]] | None, expect: Expect) -> None:
        self.markers = markers
        self.known_of = known
        self.expect = expect
        self.kinds = (None if expect.kinds is None
                      else frozenset(k.encode("utf-8") for k in expect.kinds))
        self.pending: list[tuple[int, bytes, str, _Key | None]] = []
        self.pending_bytes = 0
        self.kept = SpilledLines()
        self.seen: set[str] = set()
        self.purged: set[str] = set()
        self.by_kind: dict[str, int] = {}
        self.total = 0
        self.known = 0
        self.max_hlc: str | None = None
        limit = expect.follow_until_ms
        self.follow_until = None if limit is None else f"{min(limit, 10**HLC_WIDTH_MS - 1):015d}"

    def add(self, n: int, line: bytes) -> BundleError | None:
        """Check one line (what can be checked now); None unless it is refused."""
        self.total += 1
        m = _TAIL.search(line)
        vid = m.group(1).decode() if m is not None else ""
        fast = m is not None and hashlib.sha256(line[:m.start()] + b"}").hexdigest() == vid
        parsed: _Key | None = None
        try:
            if fast:
                if not self._plausible(line):  # a bad kind or stamp: find it and say so now
                    self._validate(n, line, fast=True)
            else:
                parsed = self._validate(n, line, fast=False)
                vid = parsed[2]
        except BundleError as exc:
            return exc
        self.pending.append((n, line, vid, parsed))
        self.pending_bytes += len(line)
        if (self.known_of is None or len(self.pending) >= _SCAN_BATCH
                or self.pending_bytes >= _SCAN_BATCH_BYTES):
            return self.flush()
        return None

    def flush(self) -> BundleError | None:
        """Ask the store about the pending ids and finish their checks."""
        pending, self.pending, self.pending_bytes = self.pending, [], 0
        ids = [vid for _n, _l, vid, _v in pending]
        have = self.known_of(ids) if (ids and self.known_of is not None) else set()
        for n, line, vid, parsed in pending:
            if parsed is None:  # canonical: its id is the SHA-256 of these very bytes
                k = _KIND.match(line)
                if vid in have and k is not None:
                    name = k.group(1).decode()
                    self.by_kind[name] = self.by_kind.get(name, 0) + 1
                    self.known += 1
                    continue
                try:
                    parsed = self._validate(n, line, fast=True)
                except BundleError as exc:
                    return exc
            self._keep(parsed, line, have)
        return None

    def _plausible(self, line: bytes) -> bool:
        """False when a canonical line's kind is unknown or its stamp out of range (cheap: the
        canonical layout puts both first)."""
        head = _HEAD.match(line)
        if head is None:
            return False
        kinds = self.kinds
        return ((kinds is None or head.group(2) in kinds)
                and head.group(1)[:HLC_WIDTH_MS] <= _MAX_MS_BYTES)

    def _validate(self, n: int, line: bytes, *, fast: bool) -> _Key:
        """Decode and check one line in full; raise :class:`BundleError` naming it. A line
        that is not the canonical body of its id must match its content, or be a version a
        purge marker in the bundle blanked."""
        try:
            obj = _loads(line)
        except ValueError as exc:
            raise BundleError("malformed", f"{VERSIONS} line {n}: not valid JSON ({exc}); the "
                              "file is damaged or was not made by frontdesk") from None
        if not isinstance(obj, dict):
            raise BundleError("malformed", f"{VERSIONS} line {n}: not a JSON object")
        _check_version(n, obj, self.expect)
        if not fast:
            v = _version(obj)
            if v.version_id != _content_hash(v):
                covering = [m for m in self.markers.get((v.kind, v.record_id), ())
                            if m.covers(v)]
                blank = {f for m in covering for f in m.fields}
                if not covering or any(v.payload.get(f) is not None for f in blank):
                    raise _tampered(VERSIONS, f"line {n}: version {v.version_id[:12]} does "
                                    "not match its content (it was edited after export)")
                self.purged.add(v.version_id)
        return obj["kind"], obj["record_id"], obj["version_id"], obj["hlc"]

    def _keep(self, key: _Key, line: bytes, have: set[str]) -> None:
        kind, record_id, vid, hlc = key
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        if vid in self.seen:
            return  # a repeated line is harmless
        self.seen.add(vid)
        if vid in have:
            self.known += 1
            return
        if ((self.follow_until is None or hlc[:HLC_WIDTH_MS] <= self.follow_until)
                and (self.max_hlc is None or hlc > self.max_hlc)):
            self.max_hlc = hlc
        self.kept.add(kind, record_id, vid, line)


def _followable(stamp: str, expect: Expect) -> bool:
    """True when the importing site's clock may follow ``stamp`` (see ``Expect``)."""
    limit = expect.follow_until_ms
    return limit is None or int(stamp[:HLC_WIDTH_MS]) <= limit


def _read_manifest(
    zf: zipfile.ZipFile, infos: Mapping[str, zipfile.ZipInfo], max_schema: int, limits: Limits
) -> dict[str, Any]:
    if infos[MANIFEST].file_size > limits.max_manifest_bytes:
        raise BundleError("zip_bomb", "manifest.json is too large")
    with zf.open(infos[MANIFEST]) as fh:
        raw = fh.read(limits.max_manifest_bytes + 1)
    if len(raw) > limits.max_manifest_bytes:
        raise BundleError("zip_bomb", "manifest.json is too large")
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
    """Yield ``(line_no, line)``, hashing as it goes.

    A member that streams more bytes than its declared size is refused as soon as it does
    (``zipfile`` already stops at the directory's size; this is the hard cap whatever the
    library does), and one whose SHA-256 or size differs is refused at its end.
    """
    name, declared = entry["name"], int(entry["size"])
    h, size, n = hashlib.sha256(), 0, 0
    # ZipExtFile is a buffered stream; BufferedReader on top gives a fast C readline.
    with zf.open(name) as raw, io.BufferedReader(cast(Any, raw), 1 << 20) as fh:
        while line := fh.readline(limits.max_line_bytes + 1):
            n += 1
            size += len(line)
            if size > declared:
                raise _tampered(name, f"it holds more than the {declared} bytes declared")
            if len(line) > limits.max_line_bytes:
                raise BundleError("zip_bomb", f"{name} line {n} is longer than "
                                  f"{limits.max_line_bytes} bytes; refused")
            h.update(line)
            yield n, line
    if size != declared or h.hexdigest() != entry["sha256"]:
        raise _tampered(name, "its SHA-256 or size differs from the manifest")


def _parse_member(
    zf: zipfile.ZipFile,
    entry: Mapping[str, Any],
    limits: Limits,
    parse: Callable[[int, dict[str, Any]], T],
) -> list[T]:
    """Parse every line of a JSON-lines member, refusing at the first bad one."""
    name, out = entry["name"], []
    for n, line in _member_lines(zf, entry, limits):
        try:
            obj = _loads(line)
        except ValueError as exc:
            raise BundleError("malformed", f"{name} line {n}: not valid JSON ({exc}); the file "
                              "is damaged or was not made by frontdesk") from None
        if not isinstance(obj, dict):
            raise BundleError("malformed", f"{name} line {n}: not a JSON object")
        out.append(parse(n, obj))
    return out


def _check_version(n: int, o: dict[str, Any], expect: Expect) -> None:
    """Check every field of a decoded line (this runs once per new line of a big bundle:
    plain type checks; the message is built only for a refusal)."""
    if o.keys() != _VERSION_KEYS:
        raise BundleError("malformed", f"{VERSIONS} line {n}: not a valid version")
    vid, kind, rid, origin = o["version_id"], o["kind"], o["record_id"], o["origin"]
    hlc, parents = o["hlc"], o["parents"]
    if not (type(vid) is str and _HEX64.match(vid) and type(kind) is str
            and 0 < len(kind) <= 200 and type(rid) is str and 0 < len(rid) <= 200
            and type(origin) is str and 0 < len(origin) <= 200 and type(hlc) is str
            and _HLC.match(hlc) and type(o["deleted"]) is bool and type(o["payload"]) is dict
            and type(parents) is list
            and (not parents or all(type(p) is str and _HEX64.match(p) for p in parents))):
        raise BundleError("malformed", f"{VERSIONS} line {n}: not a valid version")
    if (expect.kinds is not None and kind not in expect.kinds) or hlc[:HLC_WIDTH_MS] > _MAX_MS:
        where = f"{VERSIONS} line {n}: the {_shown(kind)} record {_shown(rid)}"
        _check_kind(where, kind, expect)
        _check_stamp(where, hlc)


def _version(o: dict[str, Any]) -> Version:
    """A checked line (:func:`_check_version`) as a version."""
    return Version(o["version_id"], o["kind"], o["record_id"], tuple(sorted(o["parents"])),
                   o["hlc"], o["origin"], o["deleted"], o["payload"])


def _parse_purge(n: int, o: dict[str, Any], expect: Expect) -> PurgeMarker:
    fields = o.get("fields")
    if not (o.keys() == _PURGE_KEYS and _nonempty(o["kind"]) and _nonempty(o["record_id"])
            and _is_hlc(o["before_hlc"]) and isinstance(fields, list) and fields
            and all(_nonempty(f) for f in fields) and isinstance(o["at"], str)
            and isinstance(o["by"], str) and _nonempty(o["origin"])):
        raise BundleError("malformed", f"{PURGES} line {n}: not a valid purge marker")
    if ((expect.kinds is not None and o["kind"] not in expect.kinds)
            or o["before_hlc"][:HLC_WIDTH_MS] > _MAX_MS):
        where = (f"{PURGES} line {n}: the purge order for the {_shown(o['kind'])} record "
                 f"{_shown(o['record_id'])}")
        _check_kind(where, o["kind"], expect)
        _check_stamp(where, o["before_hlc"])
    return PurgeMarker(o["kind"], o["record_id"], o["before_hlc"], tuple(fields), o["at"],
                       o["by"], o["origin"])


def _check_kind(where: str, kind: str, expect: Expect) -> None:
    if expect.kinds is not None and kind not in expect.kinds:
        raise BundleError("unknown_kind", f"{where} is of a kind this version of frontdesk does "
                          "not know (made by a newer version?); nothing was imported")


def stamp_problem(stamp: str) -> str | None:
    """Why no site could follow ``stamp`` (a well-formed HLC stamp), or None if it is fine."""
    ms = int(stamp[:HLC_WIDTH_MS])
    if ms > HLC_MAX_MS:
        return (f"is stamped {stamp[:HLC_WIDTH_MS + 1 + HLC_WIDTH_COUNTER]}, after the year "
                "9998: beyond what the sync format can carry forward (a site that followed it "
                "could not write a readable bundle again)")
    return None


def _check_stamp(where: str, stamp: str) -> None:
    problem = stamp_problem(stamp)
    if problem is not None:
        raise BundleError("bad_stamp", f"{where} {problem}; the bundle is refused")


def _content_hash(v: Version) -> str:
    """:func:`~frontdesk.domain.sync.versioning.version_hash` with a reused encoder (the same bytes;
    ``test_bundle`` checks they agree); building a new encoder per call doubles import time."""
    body = {"kind": v.kind, "record_id": v.record_id, "parents": sorted(v.parents), "hlc": v.hlc,
            "origin": v.origin, "deleted": v.deleted, "payload": v.payload}
    return hashlib.sha256(_ENCODER.encode(body).encode("utf-8")).hexdigest()


def _tampered(name: str, what: str) -> BundleError:
    return BundleError("tampered", f"{name} does not match the bundle's manifest: {what}; the "
                       "file was damaged or changed after it was made")


def _shown(text: str) -> str:
    """Untrusted text from a bundle, quoted and escaped (``repr``) and cut to 40 characters."""
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def _no_constants(token: str) -> Any:
    """Refuse NaN and Infinity, which are not JSON."""
    raise ValueError(f"{token} is not allowed")


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
