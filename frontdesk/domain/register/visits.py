"""Register entries: who came to the gate, with what credential, where they were taken.

A :class:`Visit` is one entry in the register (one person or party, one arrival). People come
back: a returning person is found through earlier visits, not a separate table, so that sync
moves one kind of record.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from frontdesk.domain.trust.retention import SALT


class VisitKind(StrEnum):
    """The kinds of register entry named in DOMAIN.md."""

    JOURNALIST = "journalist"
    VISITOR = "visitor"
    VIP = "vip"
    CONTRACTOR = "contractor"
    SUSPICIOUS_PERSON = "suspicious_person"
    SUSPICIOUS_VEHICLE = "suspicious_vehicle"
    MEDIA_CALL = "media_call"
    FILMING = "filming"


class CredentialType(StrEnum):
    """What the person showed."""

    NONE = "none"
    PRESS_CARD = "press_card"
    BUSINESS_CARD = "business_card"
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    DRIVER_LICENCE = "driver_licence"
    WORK_CARD = "work_card"
    OTHER = "other"


# Kinds where somebody may be logged without a name (DOMAIN.md: a suspicious person, a vehicle,
# somebody filming who refused to say who they are).
NAME_OPTIONAL = frozenset(
    {VisitKind.SUSPICIOUS_PERSON, VisitKind.SUSPICIOUS_VEHICLE, VisitKind.FILMING}
)
# Kinds that involve the media: they suggest the journalist scripts and a media incident.
MEDIA_KINDS = frozenset({VisitKind.JOURNALIST, VisitKind.MEDIA_CALL, VisitKind.FILMING})

# The editable text fields, in form order (time fields are handled separately).
TEXT_FIELDS = (
    "name",
    "organisation",
    "phone",
    "credential_number",
    "purpose",
    "plate",
    "came_to_see",
    "guided_to",
    "notified",
    "location",
    "notes",
    "guard",
)


@dataclass(frozen=True)
class Visit:
    """One register entry, as the UI and the services see it (never an ORM row)."""

    id: str
    site: str
    kind: VisitKind
    time_in: datetime
    name: str = ""
    organisation: str = ""
    phone: str = ""
    credential_type: CredentialType = CredentialType.NONE
    credential_number: str = ""
    purpose: str = ""
    plate: str = ""
    party_size: int = 1
    came_to_see: str = ""
    guided_to: str = ""
    notified: str = ""
    location: str = ""
    notes: str = ""
    guard: str = ""
    time_out: datetime | None = None
    incident_id: str | None = None
    conflict: bool = False
    purged: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def on_site(self) -> bool:
        """Still on site: signed in and not yet out."""
        return self.time_out is None

    def with_changes(self, **changes: Any) -> Visit:
        """A copy with some fields changed."""
        return replace(self, **changes)


VISIT_FIELDS = tuple(f.name for f in fields(Visit) if f.name not in ("conflict", "extra"))


def to_payload(v: Visit) -> dict[str, Any]:
    """The synced payload of a visit: plain JSON types, instants as UTC ISO strings."""
    return {
        "site": v.site,
        "kind": v.kind.value,
        "time_in": v.time_in.isoformat(),
        "time_out": v.time_out.isoformat() if v.time_out else None,
        "name": v.name,
        "organisation": v.organisation,
        "phone": v.phone,
        "credential_type": v.credential_type.value,
        "credential_number": v.credential_number,
        "purpose": v.purpose,
        "plate": v.plate,
        "party_size": v.party_size,
        "came_to_see": v.came_to_see,
        "guided_to": v.guided_to,
        "notified": v.notified,
        "location": v.location,
        "notes": v.notes,
        "guard": v.guard,
        "incident_id": v.incident_id,
        "purged": v.purged,
    }


def _dt(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value))


def from_payload(record_id: str, p: dict[str, Any], conflict: bool = False) -> Visit:
    """Build a visit from a stored payload (tolerating fields blanked by a purge)."""
    try:
        kind = VisitKind(p.get("kind") or "visitor")
    except ValueError:
        kind = VisitKind.VISITOR
    try:
        ctype = CredentialType(p.get("credential_type") or "none")
    except ValueError:
        ctype = CredentialType.OTHER
    time_in = _dt(p.get("time_in"))
    if time_in is None:
        raise ValueError(f"visit {record_id} has no time_in")
    return Visit(
        id=record_id,
        site=str(p.get("site") or ""),
        kind=kind,
        time_in=time_in,
        time_out=_dt(p.get("time_out")),
        name=str(p.get("name") or ""),
        organisation=str(p.get("organisation") or ""),
        phone=str(p.get("phone") or ""),
        credential_type=ctype,
        credential_number=str(p.get("credential_number") or ""),
        purpose=str(p.get("purpose") or ""),
        plate=str(p.get("plate") or ""),
        party_size=int(p.get("party_size") or 1),
        came_to_see=str(p.get("came_to_see") or ""),
        guided_to=str(p.get("guided_to") or ""),
        notified=str(p.get("notified") or ""),
        location=str(p.get("location") or ""),
        notes=str(p.get("notes") or ""),
        guard=str(p.get("guard") or ""),
        incident_id=p.get("incident_id") or None,
        purged=bool(p.get("purged")),
        conflict=conflict,
    )


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """Names of payload fields that differ (all non-empty fields for a first version)."""
    if before is None:
        return [k for k, v in after.items() if v not in (None, "", 0, False) and k != SALT]
    keys = sorted((set(before) | set(after)) - {SALT})
    return [k for k in keys if before.get(k) != after.get(k)]
