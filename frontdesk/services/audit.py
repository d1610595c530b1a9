"""The audit trail as a service: the site key, session events, the chain head and verification.

The site key (32 random bytes) keys the digests of record states in the chain
(:func:`frontdesk.domain.audit.record_hash`). It lives in ``<config_dir>/audit.key`` with mode
0600, is made on first use, is never stored in the database and never put in a bundle: a copy
of the database or of a bundle alone cannot test guesses of a phone or ID number against the
digests. Losing the key does not break the chain (links are plain SHA-256); only new digests
stop matching old ones.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.domain.audit import GENESIS, AuditEvent, VerifyResult, verify_chain

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext

KEY_FILE = "audit.key"
KEY_BYTES = 32


def load_or_create_key(config_dir: Path) -> bytes:
    """The site key from ``config_dir/audit.key``, created (0600) if missing."""
    path = Path(config_dir) / KEY_FILE
    try:
        data = path.read_bytes()
        if len(data) >= 16:
            return data
    except FileNotFoundError:
        data = b""  # first use on this PC: a new key is made below
    config_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return key


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

    def verify(self, anchor: tuple[int, str] | None = None) -> VerifyResult:
        """Check every link; the result names the first broken one."""
        return verify_chain(self.events(), anchor=anchor)


def audit_service(ctx: AppContext) -> AuditService:
    """The context's audit service."""
    return ctx.service("audit", AuditService)  # type: ignore[return-value]
