"""The written report of an incident: draft from the timeline, save, submit, approve."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from frontdesk.domain.incidents import report as rep
from frontdesk.domain.incidents.report import Report
from frontdesk.services.changes import changes_data
from frontdesk.services.incidents.codec import report_from, report_payload
from frontdesk.storage import incidents as repo
from frontdesk.storage import records

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime
    from pathlib import Path

    from frontdesk.context import AppContext
    from frontdesk.domain.incidents.model import Incident, Kind, TimelineEntry


class ReportMixin:
    """Report use cases (mixed into ``IncidentService``)."""

    ctx: AppContext

    if TYPE_CHECKING:  # pragma: no cover
        def get(self, incident_id: str) -> Incident | None: ...
        def kind(self, kind_id: str) -> Kind | None: ...
        def entries(self, incident_id: str) -> list[TimelineEntry]: ...
        def _append(self, incident_id: str, text: str, by: str, kind: str = ...,
                    occurred_at: datetime | None = ..., data: dict[str, Any] | None = ...,
                    supersedes: str | None = ...) -> TimelineEntry: ...

    def report(self, incident_id: str, signer: str = "") -> Report:
        """The saved report, or a fresh draft prefilled from the timeline."""
        stored = repo.report_payloads(self.ctx.require_db().read(), [incident_id]).get(incident_id)
        if stored is not None:
            return report_from(incident_id, stored)
        incident = self.get(incident_id)
        if incident is None:
            raise rep.ReportError(f"no such incident: {incident_id}")
        return rep.draft_from_timeline(incident, self.entries(incident_id),
                                       self.ctx.require_site().timezone, signer)

    @changes_data
    def save_report(self, report: Report, by: str) -> Report:
        """Save a report as it stands (drafts may be incomplete)."""
        now = self.ctx.clock.now()
        payload: dict[str, Any] = report_payload(report, by, now)
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.REPORT, report.incident_id, payload, now)
        return report

    @changes_data
    def submit_report(self, report: Report, by: str) -> Report:
        """Submit for a supervisor's approval (ReportError names what is missing)."""
        done = rep.submit(report, self.ctx.clock.now())
        self.save_report(done, by)
        self._log_report(done, by, "submitted")
        return done

    @changes_data
    def approve_report(self, incident_id: str, by: str) -> Report:
        """A supervisor approves the submitted report (the UI guards "approve_report")."""
        done = rep.approve(self.report(incident_id), by, self.ctx.clock.now())
        self.save_report(done, by)
        self._log_report(done, by, "approved")
        return done

    @changes_data
    def return_report(self, incident_id: str, by: str, reason: str) -> Report:
        """A supervisor sends the report back with a reason."""
        done = rep.return_report(self.report(incident_id), by, self.ctx.clock.now(), reason)
        self.save_report(done, by)
        self._log_report(done, by, "returned")
        return done

    @changes_data
    def print_pdf(self, report: Report, path: Path, lang: str = "zh", by: str = "") -> Path:
        """Write the report as a PDF and record the export in the audit trail.

        Raises ``ReportPdfError`` (no Chinese font, unwritable path); nothing is recorded then.
        """
        from frontdesk.domain.trust.audit import detail
        from frontdesk.services.trust.audit import record_export
        from frontdesk.services.incidents.pdf import write_report_pdf

        incident = self.get(report.incident_id)
        if incident is None:
            raise rep.ReportError(f"no such incident: {report.incident_id}")
        out = write_report_pdf(path, report, incident, self.kind(incident.kind),
                               self.ctx.require_site().timezone, lang)
        record_export(self.ctx, "incident_report", report.incident_id, out,
                      (detail("format", "pdf"), detail("lang", lang),
                       detail("state", report.state.value)), who=by)
        return out

    def _log_report(self, report: Report, by: str, what: str) -> None:
        labels = {"submitted": "书面报告已呈报", "approved": "书面报告已批准",
                  "returned": "书面报告退回"}
        append = self._append
        append(report.incident_id, labels[what], by, "report", None, {"report": what})
