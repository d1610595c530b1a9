"""The watch list's entries: who to watch for, why, what the guard does, and until when.

A :class:`WatchEntry` is a synced record of kind :data:`RECORD_KIND`; :func:`to_payload` and
:func:`from_payload` are its codec (stable field names: other sites and older versions read
them). Phones are stored in E.164, plates normalised (:mod:`frontdesk.domain.watch.normalize`),
so what is stored is what is compared.

The full ID number is never stored. An entry keeps its last four characters and, optionally,
``HMAC-SHA256(key, number)`` with a secret key the site keeps outside the database and the sync
bundles (:func:`id_hash`): an 18-digit ID has few enough possible values (region, birth date,
sequence) that a plain hash could be reversed by trying them all, a keyed one cannot be without
the key. ``id_hash_key`` names the key (:func:`key_id`), so a site holding a different key knows
it cannot compare that hash rather than silently never matching.

This module imports nothing heavy: the register, storage and the CLI can list entries without
loading pinyin or phone tables.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

RECORD_KIND = "watch_entry"
"""The sync record kind of a watch entry."""

PAYLOAD_FIELDS: tuple[str, ...] = (
    "name", "aliases", "phones", "plates", "orgs", "id_last4", "id_hash", "id_hash_key",
    "reason", "instruction", "added_by", "added_at", "until",
)
"""The payload's fields, in order. Stable: synced versions carry them."""

_LAST4 = re.compile(r"[0-9]{3}[0-9X]")
_KEY_LABEL = b"frontdesk watch-list id key v1"
MIN_SECRET = 16


@dataclass(frozen=True)
class WatchEntry:
    """One watched person: who, how to recognise them, why, what to do, until when.

    ``until`` is the last site-local day the entry is in force (inclusive); ``None`` means
    until removed. ``id_last4`` and ``id_hash`` may be empty; ``id_hash`` is hex, made with the
    key named by ``id_hash_key``.
    """

    id: str
    name: str
    reason: str
    added_by: str
    added_at: datetime
    aliases: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    plates: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    id_last4: str = ""
    id_hash: str = ""
    id_hash_key: str = ""
    instruction: str = ""
    until: date | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The name and its aliases, the name first."""
        return (self.name, *self.aliases)

    def with_changes(self, **changes: Any) -> WatchEntry:
        """A copy with some fields changed."""
        return replace(self, **changes)


def is_active(entry: WatchEntry, now: datetime | date) -> bool:
    """Whether ``entry`` is in force on ``now`` (give the site-local time or date).

    Expired entries never match: an entry is in force up to and including its ``until`` day.
    """
    today = now.date() if isinstance(now, datetime) else now
    return entry.until is None or today <= entry.until


def normalize_id_number(raw: str) -> str:
    """An ID number as hashed: NFKC, no spaces or dashes, upper case (a final x is X)."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw)).upper()


def key_id(secret: bytes) -> str:
    """A short public name for a secret key (16 hex digits), safe to store and sync."""
    return hashlib.sha256(_KEY_LABEL + secret).hexdigest()[:16]


def id_hash(number: str, secret: bytes) -> str:
    """``HMAC-SHA256(secret, normalised number)`` in hex."""
    if len(secret) < MIN_SECRET:
        raise ValueError(f"the ID key must be at least {MIN_SECRET} bytes")
    data = normalize_id_number(number).encode("ascii", "replace")
    return hmac.new(secret, data, hashlib.sha256).hexdigest()


def id_fields(number: str, secret: bytes | None) -> dict[str, str]:
    """The stored ID fields for a whole ID number: last four, and the keyed hash if a key is
    given. The number itself goes nowhere."""
    n = normalize_id_number(number)
    fields = {"id_last4": n[-4:], "id_hash": "", "id_hash_key": ""}
    if secret is not None:
        fields["id_hash"] = id_hash(n, secret)
        fields["id_hash_key"] = key_id(secret)
    return fields


def valid_last4(text: str) -> bool:
    """Four characters that can end a resident ID (three digits, then a digit or X)."""
    return bool(_LAST4.fullmatch(text))


def to_payload(entry: WatchEntry) -> dict[str, Any]:
    """The synced payload of an entry: plain JSON types, the instant in UTC ISO, the day ISO."""
    return {
        "name": entry.name,
        "aliases": list(entry.aliases),
        "phones": list(entry.phones),
        "plates": list(entry.plates),
        "orgs": list(entry.orgs),
        "id_last4": entry.id_last4,
        "id_hash": entry.id_hash,
        "id_hash_key": entry.id_hash_key,
        "reason": entry.reason,
        "instruction": entry.instruction,
        "added_by": entry.added_by,
        "added_at": entry.added_at.isoformat(),
        "until": entry.until.isoformat() if entry.until else None,
    }


def _texts(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if v)


def from_payload(record_id: str, p: dict[str, Any]) -> WatchEntry:
    """An entry from a stored payload (fields blanked by a purge read as empty).

    Raises ``ValueError`` when ``added_at`` is missing or a date is malformed, and when the
    last four is not four ID characters (a payload must never smuggle a whole number in).
    """
    added_at = p.get("added_at")
    if not added_at:
        raise ValueError(f"watch entry {record_id} has no added_at")
    last4 = str(p.get("id_last4") or "")
    if last4 and not valid_last4(last4):
        raise ValueError(f"watch entry {record_id} has a malformed id_last4")
    until = p.get("until")
    return WatchEntry(
        id=record_id,
        name=str(p.get("name") or ""),
        aliases=_texts(p.get("aliases")),
        phones=_texts(p.get("phones")),
        plates=_texts(p.get("plates")),
        orgs=_texts(p.get("orgs")),
        id_last4=last4,
        id_hash=str(p.get("id_hash") or ""),
        id_hash_key=str(p.get("id_hash_key") or ""),
        reason=str(p.get("reason") or ""),
        instruction=str(p.get("instruction") or ""),
        added_by=str(p.get("added_by") or ""),
        added_at=datetime.fromisoformat(str(added_at)),
        until=date.fromisoformat(str(until)) if until else None,
    )
