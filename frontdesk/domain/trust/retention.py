"""Retention and erasure: which fields are personal, when they go, and whose records they are.

PIPL Art. 19 and 47 ask to keep personal information no longer than needed and to delete it when
the retention period ends (research/anchors-sync-export-security.md §3.1). A purge here does not
delete the record: it blanks the personal fields (sets them to ``None``, like
:func:`frontdesk.sync.merge.blank_fields`) and marks ``purged`` / ``purged_at``, so the register
keeps its shape (how many visits of which kind, when, from which outlet, who handled them) and the
audit chain, which never held personal values, stays intact.

Which fields are personal, and why
----------------------------------
``visit`` (a register entry, :mod:`frontdesk.domain.register.visits`):

* ``name``, ``phone``, ``credential_number`` (ID, press card, passport number): they identify the
  person directly;
* ``plate``: a plate identifies the vehicle's keeper;
* ``came_to_see``: usually a resident's name or flat; "X visited flat 1201 at 14:05" is the
  whereabouts of two people;
* ``notes`` and ``purpose``: free text a guard types, which routinely holds names, flat numbers
  and phone numbers; for a journalist ``purpose`` is the topic, which §3.1 says not to keep
  beyond need (a leak endangers sources).

* ``_salt``: 128 random bits stored in every version of the record
  (:func:`with_salt`). A version's id is the SHA-256 of its whole content and stays after a
  purge, so without a secret in that content anyone holding the database or a bundle could
  *confirm a guess* of the purged values ("did 张三 with phone 138... come?") or brute-force a
  version whose only personal field was a phone number. The salt is blanked with the other
  personal fields, after which the id says nothing about them.

Kept: ``organisation`` (an outlet or company is not a natural person), ``kind``, times,
``party_size``, ``credential_type``, ``guided_to``, ``location`` (a place on the site),
``notified`` / ``guard`` / ``edited_by`` (staff, kept for accountability), ``incident_id``.

``incident_person`` (one person named in an incident: a witness, the injured, a trapped
passenger; DOMAIN.md asks for "names, phones, addresses"): ``name``, ``phone``, ``address``,
``unit``, ``credential_number``, ``plate``, ``notes``, unless ``is_staff`` is true (staff on duty
are named for accountability, not under visitor retention). People in an incident must be
separate ``incident_person`` records, not free text in the incident, so they can be purged and
erased one by one. Until then, the people named in the incident feature's free text (summary,
timeline, report, call notes, handover sheets) are handled by
:mod:`frontdesk.domain.trust.incident_retention`.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

DEFAULT_RETENTION_DAYS = 180

VISIT = "visit"
INCIDENT_PERSON = "incident_person"

SALT = "_salt"

PERSONAL_FIELDS: Mapping[str, frozenset[str]] = {
    VISIT: frozenset(
        {"name", "phone", "credential_number", "plate", "came_to_see", "purpose", "notes", SALT}
    ),
    INCIDENT_PERSON: frozenset(
        {"name", "phone", "address", "unit", "credential_number", "plate", "notes", SALT}
    ),
}


def with_salt(kind: str, payload: Mapping[str, Any], token: Callable[[], str]
              ) -> Mapping[str, Any]:
    """``payload`` with a fresh salt (``token()``) when its kind is salted and it has none.

    A payload that carries the key already keeps it: the same salt, or ``None`` once purged
    (a purged version must not get a new secret that its marker would not blank).
    """
    if SALT in payload or SALT not in PERSONAL_FIELDS.get(kind, ()):
        return payload
    return {**payload, SALT: token()}


PURGED_FLAG = "purged"
PURGED_AT = "purged_at"


def _require_aware(dt: datetime, name: str) -> None:
    """Refuse naive datetimes: every instant in the app is timezone-aware UTC."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def personal_fields(kind: str, payload: Mapping[str, Any] | None = None) -> frozenset[str]:
    """The personal fields of a record kind (none for a staff ``incident_person``).

    Raises ``ValueError`` for a kind with no rule: a new kind of record must decide its
    personal fields here before it can be purged, rather than silently keep everything.
    """
    try:
        names = PERSONAL_FIELDS[kind]
    except KeyError:
        raise ValueError(f"no retention rule for record kind {kind!r}") from None
    if kind == INCIDENT_PERSON and payload is not None and payload.get("is_staff") is True:
        return frozenset()
    return names


def retention_cutoff(now: datetime, days: int = DEFAULT_RETENTION_DAYS) -> datetime:
    """The instant before which records are due: ``now`` minus ``days`` (exact 24-hour days).

    Instants, not site calendar days: the job runs daily, so a record goes within a day of its
    due time either way, and the answer does not depend on the PC's time zone.
    """
    _require_aware(now, "now")
    if days < 1:
        raise ValueError("retention days must be at least 1")
    return now.astimezone(UTC) - timedelta(days=days)


def retention_anchor(time_in: datetime, time_out: datetime | None) -> datetime:
    """The instant a visit's retention counts from: when they left, or came if never signed out."""
    _require_aware(time_in, "time_in")
    if time_out is None:
        return time_in
    _require_aware(time_out, "time_out")
    return max(time_in, time_out)


def due_for_purge(at: datetime, now: datetime, days: int = DEFAULT_RETENTION_DAYS) -> bool:
    """Whether a record anchored at ``at`` (see :func:`retention_anchor`) is due at ``now``.

    Due once ``days`` full days have passed, i.e. ``at <= retention_cutoff(now, days)``.
    """
    _require_aware(at, "at")
    return at <= retention_cutoff(now, days)


def is_purged(payload: Mapping[str, Any]) -> bool:
    """Whether a payload has been through :func:`purge_payload`."""
    return bool(payload.get(PURGED_FLAG)) or bool(payload.get(PURGED_AT))


def purge_payload(
    kind: str, payload: Mapping[str, Any], now: datetime
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Blank the personal fields of ``payload`` and mark it purged.

    Returns the new payload and the sorted names of the personal fields it had (all of them set
    to ``None``; absent fields stay absent, except :data:`SALT`, which is always set to ``None``
    for a salted kind; other fields are untouched). ``purged`` becomes
    ``True`` and ``purged_at`` the UTC ISO instant of the first purge (kept on a second purge, so
    purging is idempotent). The replicated purge marker should list
    ``personal_fields(kind)``, which also covers fields older versions had.
    """
    _require_aware(now, "now")
    names = personal_fields(kind, payload)
    purged = tuple(sorted(k for k in payload if k in names))
    new = {k: (None if k in names else v) for k, v in payload.items()}
    if SALT in names:
        new[SALT] = None  # present and blank: no fresh salt is added to a purged version
    new[PURGED_FLAG] = True
    new[PURGED_AT] = payload.get(PURGED_AT) or now.astimezone(UTC).isoformat()
    return new, purged


def normalize_phone(raw: str) -> str:
    """A phone as compared for erasure: a Chinese number as its national significant digits.

    ``+86 138-0013-8000``, ``0086 13800138000`` and ``13800138000`` give ``13800138000``;
    ``010-12345678`` and ``+86 10 1234 5678`` give ``1012345678`` (trunk 0 dropped); other
    countries keep their code behind a ``+`` (``+852 9123 4567`` and ``00852 …`` agree).
    """
    s = unicodedata.normalize("NFKC", raw).strip()
    digits = re.sub(r"\D", "", s)
    if s.startswith("+") or digits.startswith("00"):
        intl = digits.removeprefix("00")
        return intl[2:] if intl.startswith("86") else "+" + intl
    if digits.startswith("0"):
        return digits[1:]
    if digits.startswith("861") and len(digits) == 13:
        return digits[2:]
    return digits


def normalize_credential(raw: str) -> str:
    """ID or card number in one form: NFKC (full-width to ASCII), no spaces or dashes, upper case."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw)).upper()


def normalize_plate(raw: str) -> str:
    """A plate as compared: NFKC, upper case, without spaces, dots and dashes."""
    return re.sub(r"[\s·\-.]", "", unicodedata.normalize("NFKC", raw)).upper()


def normalize_name(raw: str) -> str:
    """A name as compared for erasure: NFKC, trimmed, inner spaces collapsed, case folded."""
    return " ".join(unicodedata.normalize("NFKC", raw).split()).casefold()


@dataclass(frozen=True)
class PersonKey:
    """Who a supervisor's erasure request is about: any of name, phone, credential number,
    plate."""

    name: str = ""
    phone: str = ""
    credential_number: str = ""
    plate: str = ""

    def __post_init__(self) -> None:
        if not (self.name.strip() or self.phone.strip() or self.credential_number.strip()
                or self.plate.strip()):
            raise ValueError("an erasure request needs a name, a phone, a credential number "
                             "or a plate")


# A shorter phone key would match by accident (an extension, a typo).
_MIN_PHONE_DIGITS = 5


def erase_matches(payload: Mapping[str, Any], key: PersonKey) -> tuple[str, ...]:
    """Which parts of ``key`` match this record: a subset of ("credential_number", "phone", "name",
    "plate").

    Empty means no match. Phones are compared normalised (:func:`normalize_phone`), credential
    numbers normalised (:func:`normalize_credential`), names exactly after trivial formatting
    (:func:`normalize_name`). A match on the name alone is weak (张伟 is common), so the caller
    should show such records to the supervisor for confirmation before erasing.
    """
    found: list[str] = []
    cred = normalize_credential(key.credential_number)
    stored_cred = payload.get("credential_number")
    if cred and isinstance(stored_cred, str) and normalize_credential(stored_cred) == cred:
        found.append("credential_number")
    phone = normalize_phone(key.phone)
    stored_phone = payload.get("phone")
    if (
        len(phone) >= _MIN_PHONE_DIGITS
        and isinstance(stored_phone, str)
        and normalize_phone(stored_phone) == phone
    ):
        found.append("phone")
    name = normalize_name(key.name)
    stored_name = payload.get("name")
    if name and isinstance(stored_name, str) and normalize_name(stored_name) == name:
        found.append("name")
    plate = normalize_plate(key.plate)
    stored_plate = payload.get("plate")
    if len(plate) >= 6 and isinstance(stored_plate, str) and normalize_plate(stored_plate) == plate:
        found.append("plate")
    return tuple(found)
