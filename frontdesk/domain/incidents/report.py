"""The written incident report (事件报告, seed 003) and its approval.

Seed 003 asks for: time, date and place; a clear, structured, factual account in which anything
not confirmed is marked so; photos where possible (here: references to where they are kept); a
conclusion with opinions or suggestions; the signer's name and the date and time of submission.
It is submitted for a superior's approval. A report moves draft → submitted → approved, or
submitted → returned → (revised) → submitted again. Functions return new frozen reports.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from frontdesk.domain import sitetime
from frontdesk.domain.sitetime import DEFAULT_TZ
from frontdesk.domain.incidents.model import Bilingual, Incident, TimelineEntry, effective_timeline


class ReportState(StrEnum):
    """Where a report is in its approval."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


#: Fields a report must have before it can be submitted, with their display names.
REQUIRED_FIELDS: dict[str, Bilingual] = {
    "date": Bilingual("日期", "date"),
    "time": Bilingual("时间", "time"),
    "place": Bilingual("地点", "place"),
    "account": Bilingual("事件经过", "account"),
    "conclusion": Bilingual("结论", "conclusion"),
    "signer": Bilingual("签署人", "signer"),
}


class ReportError(ValueError):
    """A report cannot make the requested move (incomplete, wrong state, wrong approver).

    ``code`` names the problem for a translated message; ``values`` fill its placeholders.
    """

    def __init__(self, message: str, code: str = "", **values: str) -> None:
        super().__init__(message)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class AccountLine:
    """One line of the account; ``unconfirmed`` marks what has not been verified (不能确认)."""

    text: str
    unconfirmed: bool = False


@dataclass(frozen=True)
class Report:
    """A written incident report. ``occurred_at`` gives both the date and the time of the event."""

    incident_id: str
    occurred_at: datetime | None
    place: str = ""
    account: tuple[AccountLine, ...] = ()
    photo_refs: tuple[str, ...] = ()
    conclusion: str = ""
    suggestions: str = ""
    signer: str = ""
    state: ReportState = ReportState.DRAFT
    submitted_at: datetime | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    returned_by: str | None = None
    returned_at: datetime | None = None
    returned_reason: str = ""
    submitted_recorded_at: datetime | None = None  # when the submission was typed in
    submitted_note: str = ""  # why the submission time is earlier than that

    def __post_init__(self) -> None:
        object.__setattr__(self, "account", tuple(self.account))
        object.__setattr__(self, "photo_refs", tuple(self.photo_refs))


def missing_fields(report: Report) -> list[str]:
    """Codes (keys of :data:`REQUIRED_FIELDS`) of what the report still lacks, in form order."""
    missing = ["date", "time"] if report.occurred_at is None else []
    if not report.place.strip():
        missing.append("place")
    if not any(line.text.strip() for line in report.account):
        missing.append("account")
    if not report.conclusion.strip():
        missing.append("conclusion")
    if not report.signer.strip():
        missing.append("signer")
    return missing


def advisories(report: Report) -> list[str]:
    """What the seed expects "in general" but does not require: photos (一般情况下均需提供照片)."""
    return [] if report.photo_refs else ["photo_refs"]


def draft_from_timeline(incident: Incident, entries: Iterable[TimelineEntry],
                        site_tz: str = DEFAULT_TZ, signer: str = "") -> Report:
    """A draft prefilled from the incident and its effective timeline (corrections applied).

    Each account line is the entry's site-local time (with the date when it is not the day of
    the event) and its text; entries whose data says ``unconfirmed`` stay marked so.
    """
    lines = []
    for entry in effective_timeline(e for e in entries if e.incident_id == incident.id):
        if not entry.text.strip():
            continue
        stamp = sitetime.clock_time(entry.occurred_at, site_tz, incident.occurred_at)
        lines.append(AccountLine(f"{stamp} {entry.text.strip()}",
                                 bool(entry.data.get("unconfirmed", False))))
    return Report(incident.id, incident.occurred_at, incident.place, tuple(lines), signer=signer)


def revise(report: Report, **changes: object) -> Report:
    """A copy with fields changed; only drafts and returned reports can be edited."""
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise ReportError(f"a {report.state.value} report cannot be edited", "read_only")
    locked = {"state", "submitted_at", "approved_by", "approved_at", "incident_id",
              "returned_by", "returned_at", "returned_reason", "submitted_recorded_at",
              "submitted_note"}
    if locked & changes.keys():
        fields = sorted(locked & changes.keys())
        raise ReportError(f"use submit/approve/return_report to change {fields}", "locked")
    return replace(report, **changes)  # type: ignore[arg-type]


def submit(report: Report, at: datetime, recorded_at: datetime | None = None,
           note: str = "") -> Report:
    """Submit for approval (呈报): complete drafts or returned reports only; stamps the time.

    ``at`` is when it was handed in (a paper report handed in at 17:30 and typed at 19:00 is
    submitted at 17:30, with ``note`` saying why); ``recorded_at`` is when that was recorded.
    """
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise ReportError(f"a {report.state.value} report cannot be submitted", "not_draft")
    missing = missing_fields(report)
    if missing:
        names = ", ".join(REQUIRED_FIELDS[m].en for m in missing)
        raise ReportError(f"report incomplete, missing: {names}", "incomplete",
                          fields_zh="、".join(REQUIRED_FIELDS[m].zh for m in missing),
                          fields_en=names)
    return replace(report, state=ReportState.SUBMITTED, submitted_at=at,
                   submitted_recorded_at=recorded_at or at, submitted_note=note.strip())


def approve(report: Report, by: str, at: datetime) -> Report:
    """A superior approves a submitted report; the signer cannot approve their own report."""
    if report.state is not ReportState.SUBMITTED:
        raise ReportError(f"only a submitted report can be approved, not {report.state.value}",
                          "not_submitted")
    if not by.strip() or by.strip() == report.signer.strip():
        raise ReportError("the approver must be named and must not be the signer",
                          "approver_is_signer")
    return replace(report, state=ReportState.APPROVED, approved_by=by, approved_at=at)


def return_report(report: Report, by: str, at: datetime, reason: str) -> Report:
    """A superior sends a submitted report back for rework, with a reason."""
    if report.state is not ReportState.SUBMITTED:
        raise ReportError(f"only a submitted report can be returned, not {report.state.value}",
                          "not_submitted")
    if not reason.strip():
        raise ReportError("a returned report needs a reason", "return_reason")
    return replace(report, state=ReportState.RETURNED, submitted_at=None, returned_by=by,
                   returned_at=at, returned_reason=reason)

