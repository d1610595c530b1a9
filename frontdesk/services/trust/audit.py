"""The audit trail as a service: the site key, session events, the chain head and verification.

The site key (32 random bytes) keys the digests of record states in the chain
(:func:`frontdesk.domain.trust.audit.record_hash`). It lives in ``<config_dir>/audit.key`` with mode
0600, is made on first use, is never stored in the database and never put in a bundle: a copy
of the database or of a bundle alone cannot test guesses of a phone or ID number against the
digests. Losing the key does not break the chain (links are plain SHA-256); only new digests
stop matching old ones.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from frontdesk.domain.trust.audit import GENESIS, AuditEvent, VerifyResult, verify_chain

if TYPE_CHECKING:  # pragma: no cover
    import sqlite3

    from frontdesk.context import AppContext

KEY_FILE = "audit.key"
KEY_BYTES = 32


def load_or_create_key(config_dir: Path) -> bytes:
    """The site key from ``config_dir/audit.key``, created (0600) if missing."""
    from frontdesk.services.trust.keyfile import load_or_create

    return load_or_create(Path(config_dir) / KEY_FILE, KEY_BYTES)


def on_context_open(ctx: AppContext) -> None:
    """Register the site key for this database and make sure the triggers exist."""
    from frontdesk.storage import audit as store

    db = ctx.require_db()
    store.KEYS[str(db.path.resolve())] = load_or_create_key(ctx.paths.config_dir)
    store.set_actor(ctx.session.user)
    with db.write() as conn:
        store.ensure_triggers(conn)


class AuditService:
    """Read and extend one context's audit chain."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def record(self, action: str, record_kind: str, record_id: str,
               fields: tuple[str, ...] = (), who: str = "") -> AuditEvent:
        """Append a non-record event (sign-in, export, import, erasure…) in its own transaction."""
        from frontdesk.storage import audit as store

        with self.ctx.require_db().write() as conn:
            return store.append(conn, at=self.ctx.clock.now(), action=action,
                                record_kind=record_kind, record_id=record_id, fields=fields,
                                who=who or self.ctx.session.user)

    def events(self) -> list[AuditEvent]:
        """The whole chain, oldest first."""
        from frontdesk.storage import audit as store

        return store.events(self.ctx.require_db().read())

    def chain_head(self) -> str:
        """The hash of the newest event (``GENESIS`` for an empty chain)."""
        from frontdesk.storage import audit as store

        event = store.last(self.ctx.require_db().read())
        return GENESIS if event is None else event.hash

    def head_seq(self) -> int:
        """The sequence number of the newest event (0 for none)."""
        from frontdesk.storage import audit as store

        event = store.last(self.ctx.require_db().read())
        return 0 if event is None else event.seq

    def anchor(self) -> str:
        """The chain head as ``SEQ:HASH``, exactly what ``frontdesk audit verify --anchor``
        takes (``0:`` and :data:`GENESIS` for an empty chain). Printed on exports and put in
        bundles; kept outside this PC it makes a cut-off tail of the chain detectable."""
        from frontdesk.storage import audit as store

        event = store.last(self.ctx.require_db().read())
        return anchor_of(event)

    def verify(self, anchor: tuple[int, str] | None = None) -> VerifyResult:
        """Check every link; the result names the first broken one."""
        return verify_chain(self.events(), anchor=anchor)


# -- exports and imports ------------------------------------------------------------------
# Files that leave (or enter) the site are events of their own. The event names what and how
# much, never whose: ``record_kind`` / ``record_id`` say what was exported (``register`` and the
# date range, ``incident_report`` and the incident id, ``sync_bundle`` and the bundle id),
# ``fields`` carry the facts as tokens (:func:`frontdesk.domain.trust.audit.detail`: ``format.xlsx``,
# ``rows.12``, ``new_versions.40``...). The file's name is not stored, since a name a guard types
# may hold a visitor's name: ``file.<16 hex>`` is a keyed digest of it, and ``after_hash`` a
# keyed digest of the file's SHA-256, so whoever holds the site key can tell whether a file
# found somewhere is the one this event wrote. For an import, ``before_hash`` is the audit-chain
# head the source site put in the bundle, kept here as an outside anchor of that site's chain.

_TOKEN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _keyed(key: bytes, label: bytes, data: bytes) -> str:
    return hmac.new(key, label + b"\x00" + data, hashlib.sha256).hexdigest()


def token_of(value: str) -> str:
    """``value`` if it can be an event's record id, else a stable digest token of it."""
    if _TOKEN.match(value):
        return value
    return "sha256_" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_facts(conn: sqlite3.Connection, path: str | os.PathLike[str],
               sha256: str | None) -> tuple[tuple[str, ...], str | None]:
    """(``file.<digest of the name>`` token, keyed digest of the SHA-256) under the site key;
    nothing when the key is not registered (then no digest could be checked later anyway)."""
    from frontdesk.storage import audit as store

    key = store.db_key(conn)
    if key is None:
        return (), None
    name = Path(path).name.encode("utf-8")
    token = f"file.{_keyed(key, b'file-name', name)[:16]}"
    return (token,), (_keyed(key, b"file", sha256.encode("ascii")) if sha256 else None)


def record_export(ctx: AppContext, record_kind: str, record_id: str,
                  path: str | os.PathLike[str] | None, details: tuple[str, ...],
                  sha256: str | None = None, who: str = "") -> AuditEvent:
    """Append an ``export`` event for a file just written (own transaction).

    ``sha256`` defaults to the file's own (read back: exports are small); a bundle passes the
    one it computed while writing. ``path`` is ``None`` for data written to standard output
    (then ``sha256`` is that of the bytes written, and there is no file name to record).
    If the event cannot be stored the file is removed and the error raised: no export leaves
    the site unrecorded.
    """
    from frontdesk.storage import audit as store

    try:
        digest = sha256 or (file_sha256(Path(path)) if path is not None else None)
        with ctx.require_db().write() as conn:
            if path is None:
                key = store.db_key(conn)
                names: tuple[str, ...] = ("to.stdout",)
                after = (_keyed(key, b"file", digest.encode("ascii"))
                         if key is not None and digest else None)
            else:
                names, after = file_facts(conn, path, digest)
            return store.append(conn, at=ctx.clock.now(), action="export",
                                record_kind=record_kind, record_id=token_of(record_id),
                                fields=(*details, *names), after_hash=after,
                                who=who or ctx.session.user or "cli")
    except BaseException:
        if path is not None:
            Path(path).unlink(missing_ok=True)
        raise


def record_bundle_export(ctx: AppContext, summary: Any, versions: int, purges: int,
                         for_peer: str | None) -> AuditEvent:
    """The ``export`` event of a sync bundle just written (``summary``: its ``BundleSummary``)."""
    from frontdesk.domain.trust.audit import detail

    facts = [detail("versions", versions), detail("purges", purges),
             detail("bytes", int(summary.size))]
    if for_peer:
        facts.append(detail("peer", token_of(for_peer).replace(".", "_").replace(":", "_")[:40]))
    return record_export(ctx, "sync_bundle", str(summary.bundle_id), summary.path, tuple(facts),
                         sha256=str(summary.sha256))


def record_import(conn: sqlite3.Connection, ctx: AppContext, bundle: Any, merge: Any,
                  path: str | os.PathLike[str], who: str = "") -> AuditEvent:
    """Append an ``import`` event inside the caller's (the merge's) write transaction, so the
    trail holds it exactly when the merge committed. ``bundle`` is a read or scanned bundle
    (``bundle_id``, ``source_site``, ``audit_head``), ``merge`` its ``MergeReport``."""
    from frontdesk.domain.trust.audit import detail
    from frontdesk.storage import audit as store

    source = token_of(str(bundle.source_site[0])).replace(".", "_").replace(":", "_")[:40]
    facts = [detail("source", source)]
    for name in ("new_versions", "already_known", "new_purges", "purged_versions"):
        facts.append(detail(name, int(getattr(merge, name))))
    for name in ("new_records", "changed_records", "conflicts", "deletions"):
        facts.append(detail(name, len(getattr(merge, name))))
    names, _after = file_facts(conn, path, None)
    head = str(getattr(bundle, "audit_head", None) or "").rpartition(":")[2]  # SEQ:HASH
    return store.append(conn, at=ctx.clock.now(), action="import", record_kind="sync_bundle",
                        record_id=token_of(str(bundle.bundle_id)), fields=(*facts, *names),
                        before_hash=head if _HEX64.match(head) else None,
                        who=who or ctx.session.user or "cli")


def anchor_of(event: AuditEvent | None) -> str:
    """``SEQ:HASH`` of an event (``0:`` + :data:`GENESIS` for none)."""
    return f"0:{GENESIS}" if event is None else f"{event.seq}:{event.hash}"


def audit_service(ctx: AppContext) -> AuditService:
    """The context's audit service."""
    return ctx.service("audit", AuditService)
