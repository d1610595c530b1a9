"""The audit log: an append-only hash chain that never holds personal data.

Each :class:`AuditEvent` says who did what to which record, and which *field names* changed
(research/anchors-sync-export-security.md §3.3). Its ``hash`` is SHA-256 over the previous
event's hash and a canonical JSON of its own columns, so editing, deleting or reordering any
event breaks every link after it, and :func:`verify_chain` names the first broken one. The
chain is tamper-*evident* only once its head leaves the machine (printed in the daily register,
carried in bundle manifests); ``verify_chain(..., anchor=(seq, hash))`` checks a known head.

No personal data, ever: the event carries field names and *keyed digests* of record states,
never values, so a retention purge never has to rewrite the chain. The digests are
HMAC-SHA-256 with a per-site secret key (a *pepper*: generated at install, kept outside the
database and never put in a bundle). A plain or salted SHA-256 would not do: a Chinese mobile
number has about 10^9 plausible values and an ID number about 10^11, which a GPU enumerates in
seconds to minutes, and a salt stored beside the log is no secret. With the key kept apart, a
leaked log or bundle gives nothing away; whoever holds the key can still test a guess, which is
what an investigation at the site needs.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from frontdesk.domain.trust.retention import SALT

GENESIS = "0" * 64
MIN_PEPPER_BYTES = 16

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# Field names, actions and record kinds are identifiers; this also keeps a value (a phone, a
# name in Chinese characters) from being passed where a name belongs.
_NAME = re.compile(r"^[a-z_][a-z0-9_.]{0,63}$")
# Record ids are UUIDs or similar ASCII tokens.
_TOKEN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def _json_default(value: Any) -> Any:
    """Make the few non-JSON types found in payloads canonical."""
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot hash a value of type {type(value).__name__}")


def canonical(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept, datetimes as UTC ISO-8601."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default
    )


def _iso(at: datetime) -> str:
    """An aware instant as a fixed-width UTC ISO-8601 string."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("audit times must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _check_pepper(pepper: bytes) -> None:
    """Refuse a missing or short key: an unkeyed digest of a phone number is reversible."""
    if not isinstance(pepper, bytes) or len(pepper) < MIN_PEPPER_BYTES:
        raise ValueError(f"the site audit key must be at least {MIN_PEPPER_BYTES} bytes")


def field_digest(value: Any, pepper: bytes) -> str:
    """HMAC-SHA-256 (hex) of one field value under the site key (see the module docstring)."""
    _check_pepper(pepper)
    msg = b"field\x00" + canonical(value).encode("utf-8")
    return hmac.new(pepper, msg, hashlib.sha256).hexdigest()


def record_hash(mapping: Mapping[str, Any], pepper: bytes) -> str:
    """HMAC-SHA-256 (hex) of a whole record state, for ``before_hash`` / ``after_hash``.

    Keyed for the same reason as :func:`field_digest`: a record holding only a name and a phone
    could otherwise be guessed from its hash once its other fields are known.
    """
    _check_pepper(pepper)
    msg = b"record\x00" + canonical(dict(mapping)).encode("utf-8")
    return hmac.new(pepper, msg, hashlib.sha256).hexdigest()


_DETAIL_TEXT = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def detail(name: str, value: int | date | str) -> str:
    """A fact about a non-record event as a field-name token: ``rows.120``, ``format.xlsx``,
    ``from.20261122``, ``source.a1b2c3d4e5f6``.

    An event has no free-text column, on purpose: only names, numbers, dates and short ASCII
    identifiers (a format, a site id) fit, so a value that could be personal (a name, a phone
    typed as text, a file name) cannot be put here by mistake; such things go in as keyed
    digests (:func:`field_digest`). Raises ``ValueError`` for anything else (``TypeError`` for
    a value that is not an int, a date or a string).
    """
    if isinstance(value, bool) or not isinstance(value, (int, date, str)):
        raise TypeError(f"audit detail {name!r}: unsupported value type {type(value).__name__}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"audit detail {name!r}: negative count")
        text = str(value)
    elif isinstance(value, datetime):
        text = _iso(value)[:10].replace("-", "")
    elif isinstance(value, date):
        text = value.strftime("%Y%m%d")
    else:
        if not _DETAIL_TEXT.match(value):
            raise ValueError(f"audit detail {name!r}: not a short identifier")
        text = value.lower().replace("-", "_")
    token = f"{name}.{text}"
    if not _NAME.match(token):
        raise ValueError(f"audit detail {name!r}: does not make a field name")
    return token


_MISSING = object()


def diff_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    """The sorted names of fields added, removed or changed between two record states.

    Values are compared by canonical JSON, so ``1`` and ``True`` differ and so do ``None`` and a
    missing key. The privacy salt (``domain.retention.SALT``) is never reported.
    """
    changed: list[str] = []
    for key in (set(before) | set(after)) - {SALT}:  # a fresh secret, not a change to report
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        if old is _MISSING or new is _MISSING or canonical(old) != canonical(new):
            changed.append(key)
    return tuple(sorted(changed))


@dataclass(frozen=True)
class AuditEvent:
    """One link of the chain. Holds names and digests only, never a personal value."""

    seq: int
    at: datetime
    actor: str
    action: str
    record_kind: str
    record_id: str
    fields: tuple[str, ...]
    before_hash: str | None
    after_hash: str | None
    site: str
    prev_hash: str
    hash: str

    def body(self) -> dict[str, Any]:
        """The columns the hash covers (all but ``hash``), in canonical form."""
        return {
            "seq": self.seq,
            "at": _iso(self.at),
            "actor": self.actor,
            "action": self.action,
            "record_kind": self.record_kind,
            "record_id": self.record_id,
            "fields": list(self.fields),
            "before_hash": self.before_hash,
            "after_hash": self.after_hash,
            "site": self.site,
            "prev_hash": self.prev_hash,
        }

    def to_dict(self) -> dict[str, Any]:
        """Every column as JSON-ready values (for storage and ``audit.jsonl`` in bundles)."""
        return {**self.body(), "hash": self.hash}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditEvent:
        """Rebuild an event from :meth:`to_dict` output; the hash is *not* checked here."""
        return cls(
            seq=int(data["seq"]),
            at=datetime.fromisoformat(str(data["at"])),
            actor=str(data["actor"]),
            action=str(data["action"]),
            record_kind=str(data["record_kind"]),
            record_id=str(data["record_id"]),
            fields=tuple(str(f) for f in data["fields"]),
            before_hash=data.get("before_hash"),
            after_hash=data.get("after_hash"),
            site=str(data["site"]),
            prev_hash=str(data["prev_hash"]),
            hash=str(data["hash"]),
        )


def chain_hash(prev_hash: str, body: Mapping[str, Any]) -> str:
    """SHA-256 (hex) over ``prev_hash``, a NUL byte and the canonical JSON of ``body``."""
    data = prev_hash.encode("ascii") + b"\x00" + canonical(dict(body)).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def append(
    prev: AuditEvent | None,
    *,
    at: datetime,
    actor: str,
    action: str,
    record_kind: str,
    record_id: str,
    site: str,
    fields: Iterable[str] = (),
    before_hash: str | None = None,
    after_hash: str | None = None,
) -> AuditEvent:
    """Build the event that follows ``prev`` (or the first one, after :data:`GENESIS`).

    ``fields`` are field *names* (deduplicated and sorted); ``before_hash`` / ``after_hash`` come
    from :func:`record_hash`. Times are stored in UTC; they are not required to increase, since
    gate PC clocks jump: ``seq`` is the order. Raises ``ValueError`` on anything malformed,
    including a value passed where a name belongs.
    """
    names = tuple(sorted(set(fields)))
    for name in names:
        if not _NAME.match(name):
            raise ValueError(f"not a field name: {name!r}")
    for label, value in (("action", action), ("record_kind", record_kind)):
        if not _NAME.match(value):
            raise ValueError(f"{label} must be an identifier, got {value!r}")
    if not _TOKEN.match(record_id):
        raise ValueError(f"record_id must be an ASCII token, got {record_id!r}")
    if not actor.strip() or not site.strip():
        raise ValueError("actor and site must not be empty")
    for label, digest in (("before_hash", before_hash), ("after_hash", after_hash)):
        if digest is not None and not _HEX64.match(digest):
            raise ValueError(f"{label} must be 64 lowercase hex digits")
    seq = 1 if prev is None else prev.seq + 1
    prev_hash = GENESIS if prev is None else prev.hash
    draft = AuditEvent(
        seq=seq,
        at=datetime.fromisoformat(_iso(at)),  # validated, converted to UTC
        actor=actor,
        action=action,
        record_kind=record_kind,
        record_id=record_id,
        fields=names,
        before_hash=before_hash,
        after_hash=after_hash,
        site=site,
        prev_hash=prev_hash,
        hash="",
    )
    return _with_hash(draft)


def _with_hash(event: AuditEvent) -> AuditEvent:
    """Return ``event`` with its ``hash`` computed."""
    return replace(event, hash=chain_hash(event.prev_hash, event.body()))


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify_chain`.

    ``count`` is how many events verified before the first break (all of them when ``ok``),
    ``head`` the hash of the last verified event, ``first_broken_seq`` the first sequence
    number that does not verify (the missing one for a gap) and ``reason`` what was wrong.
    """

    ok: bool
    count: int
    head: str
    first_broken_seq: int | None
    reason: str | None


def verify_chain(
    events: Iterable[AuditEvent],
    *,
    start_seq: int = 1,
    start_prev: str = GENESIS,
    anchor: tuple[int, str] | None = None,
) -> VerifyResult:
    """Check a run of events, in the order given, and name the first broken link.

    By default the run must start at seq 1 after :data:`GENESIS`; to verify incrementally (from
    the last verified event, or a segment from another site) pass that event's ``seq + 1`` and
    ``hash``. ``anchor`` is a ``(seq, hash)`` head known from outside the machine (a printed
    register footer, HQ's copy of a manifest); the chain must contain it, which catches a
    truncated tail that the links alone cannot show.

    Reasons: ``seq gap`` (an event is missing), ``reordered`` (an event is out of place or
    repeated), ``prev mismatch`` (the link to the previous event is wrong), ``hash mismatch``
    (the event was edited), ``anchor mismatch`` / ``anchor missing``.
    """
    run = list(events)
    seen_seqs = {e.seq for e in run}
    expected_seq, prev_hash, count = start_seq, start_prev, 0

    def broken(seq: int, reason: str) -> VerifyResult:
        return VerifyResult(False, count, prev_hash, seq, reason)

    for event in run:
        if event.seq != expected_seq:
            if event.seq < expected_seq or expected_seq in seen_seqs:
                return broken(
                    expected_seq, f"reordered: seq {event.seq} where {expected_seq} expected"
                )
            return broken(expected_seq, f"seq gap: {expected_seq} missing before {event.seq}")
        if event.prev_hash != prev_hash:
            return broken(event.seq, "prev mismatch: link to the previous event is wrong")
        try:
            actual = chain_hash(event.prev_hash, event.body())
        except (ValueError, TypeError) as exc:
            return broken(event.seq, f"malformed event: {exc}")
        if actual != event.hash:
            return broken(event.seq, "hash mismatch: the event was changed")
        if anchor is not None and event.seq == anchor[0] and event.hash != anchor[1]:
            return broken(event.seq, "anchor mismatch: differs from the head recorded outside")
        prev_hash, expected_seq, count = event.hash, event.seq + 1, count + 1
    if anchor is not None and anchor[0] >= expected_seq:
        return broken(expected_seq, f"anchor missing: chain ends before seq {anchor[0]}")
    return VerifyResult(True, count, prev_hash, None, None)
