"""Payload <-> domain objects for incidents, timeline entries and reports (no I/O).

Text fields read ``None`` as empty: a privacy purge blanks whole fields of older versions
(:mod:`frontdesk.domain.trust.incident_retention`).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from frontdesk.domain.incidents.model import Incident, Level, State, TimelineEntry
from frontdesk.domain.incidents.report import AccountLine, Report, ReportState


def when(value: object) -> datetime | None:
    """A stored ISO instant, or None."""
    return datetime.fromisoformat(str(value)) if value else None


def iso(value: datetime | None) -> str | None:
    """An instant as stored ISO text."""
    return value.isoformat() if value is not None else None


def incident_from(p: Mapping[str, Any]) -> Incident:
    """The domain incident of a stored payload (unknown level/state fall back safely)."""
    level = str(p.get("level")) if p.get("level") in set(Level) else Level.GENERAL.value
    state = str(p.get("state")) if p.get("state") in set(State) else State.OPEN.value
    occurred = when(p.get("occurred_at"))
    assert occurred is not None
    return Incident(str(p["id"]), str(p.get("kind", "")), Level(level), State(state), occurred,
                    str(p.get("place") or ""), str(p.get("opened_by") or ""),
                    str(p.get("summary") or ""), str(p.get("number") or ""))


def entry_from(p: Mapping[str, Any]) -> TimelineEntry:
    """The domain timeline entry of a stored payload."""
    occurred, recorded = when(p.get("occurred_at")), when(p.get("recorded_at"))
    assert occurred is not None and recorded is not None
    return TimelineEntry(str(p["id"]), str(p.get("incident_id", "")), occurred, recorded,
                         str(p.get("author") or ""), str(p.get("text") or ""),
                         str(p.get("kind", "note")), p.get("supersedes") or None,
                         dict(p.get("data") or {}))


def entry_payload(e: TimelineEntry, by: str, now: datetime) -> dict[str, Any]:
    """The stored form of a timeline entry."""
    return {"incident_id": e.incident_id, "occurred_at": iso(e.occurred_at),
            "recorded_at": iso(e.recorded_at), "author": e.author, "text": e.text,
            "kind": str(e.kind), "supersedes": e.supersedes, "data": dict(e.data),
            "edited_by": by, "edited_at": iso(now)}


def report_from(incident_id: str, p: Mapping[str, Any]) -> Report:
    """The domain report of a stored payload."""
    state = str(p.get("state")) if p.get("state") in set(ReportState) else ReportState.DRAFT.value
    lines = tuple(AccountLine(str(x.get("text") or ""), bool(x.get("unconfirmed", False)))
                  for x in p.get("account") or [] if isinstance(x, dict))
    return Report(incident_id, when(p.get("occurred_at")), str(p.get("place", "")), lines,
                  tuple(str(x) for x in p.get("photo_refs") or []), str(p.get("conclusion") or ""),
                  str(p.get("suggestions") or ""), str(p.get("signer", "")), ReportState(state),
                  when(p.get("submitted_at")), p.get("approved_by") or None,
                  when(p.get("approved_at")), p.get("returned_by") or None,
                  when(p.get("returned_at")), str(p.get("returned_reason") or ""),
                  when(p.get("submitted_recorded_at")), str(p.get("submitted_note") or ""))


def report_payload(r: Report, by: str, now: datetime) -> dict[str, Any]:
    """The stored form of a report."""
    return {"incident_id": r.incident_id, "occurred_at": iso(r.occurred_at), "place": r.place,
            "account": [{"text": a.text, "unconfirmed": a.unconfirmed} for a in r.account],
            "photo_refs": list(r.photo_refs), "conclusion": r.conclusion,
            "suggestions": r.suggestions, "signer": r.signer, "state": r.state.value,
            "submitted_at": iso(r.submitted_at), "approved_by": r.approved_by,
            "approved_at": iso(r.approved_at), "returned_by": r.returned_by,
            "returned_at": iso(r.returned_at), "returned_reason": r.returned_reason,
            "submitted_recorded_at": iso(r.submitted_recorded_at),
            "submitted_note": r.submitted_note, "edited_by": by, "edited_at": iso(now)}
