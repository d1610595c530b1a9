"""The written report of an incident: draft from the timeline, save, submit, approve or return.

003 流程 8/9: 填写事件报告, 提交事件报告、上级审批. A report is submitted (at the time it was
handed in: default now, earlier with a reason), then a superior approves it or returns it for
rework with a reason, and it is submitted again. Every printed PDF is its own file, named after
the incident number, the report's state and the time it was printed: nothing is overwritten.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from frontdesk.domain import sitetime
from frontdesk.domain.incidents import report as rep
from frontdesk.domain.incidents.deadlines import report_due
from frontdesk.domain.incidents.report import Report
from frontdesk.services.changes import changes_data
from frontdesk.services.incidents.codec import report_from, report_payload
from frontdesk.storage import incidents as repo
from frontdesk.storage import records

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext
    from frontdesk.domain.incidents.catalogue import KindCatalogue
    from frontdesk.domain.incidents.model import Incident, Kind, TimelineEntry


def unique_path(path: Path) -> Path:
    """``path``, or ``name-2.pdf``, ``name-3.pdf``… when it exists: a file is never replaced."""
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


class ReportMixin:
    """Report use cases (mixed into ``IncidentService``)."""

    ctx: AppContext

    if TYPE_CHECKING:  # pragma: no cover
        @property
        def catalogue(self) -> KindCatalogue: ...
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
            raise rep.ReportError(f"no such incident: {incident_id}", "no_incident")
        from dataclasses import replace

        from frontdesk.i18n import language
        from frontdesk.services.escalation.service import timeline_line

        # Call lines in the writer's language, not both glued together.
        lang = language()
        entries = [replace(e, text=timeline_line(e.data, e.text, lang))
                   for e in self.entries(incident_id)]
        return rep.draft_from_timeline(incident, entries, self.ctx.require_site().timezone,
                                       signer)

    def report_due_at(self, incident: Incident) -> datetime:
        """When the written report of ``incident`` is due (003's windows, site time)."""
        return report_due(incident.occurred_at, self.ctx.require_site().timezone,
                          self.catalogue.rules.report)

    @changes_data
    def save_report(self, report: Report, by: str) -> Report:
        """Save a report as it stands (drafts may be incomplete)."""
        now = self.ctx.clock.now()
        payload: dict[str, Any] = report_payload(report, by, now)
        with self.ctx.require_db().write() as conn:
            records.write(conn, repo.REPORT, report.incident_id, payload, now)
        return report

    @changes_data
    def submit_report(self, report: Report, by: str, at: datetime | None = None,
                      late_reason: str = "") -> Report:
        """Submit for a supervisor's approval (ReportError names what is missing).

        ``at`` is when it was handed in: default now, earlier with ``late_reason`` (a report
        handed in on paper on time and typed later is not late); the future is refused.
        """
        from frontdesk.domain.incidents.when import WhenError, effective_time

        now = self.ctx.clock.now()
        try:
            handed_in = effective_time(at, now, late_reason)
        except WhenError as exc:
            raise rep.ReportError(str(exc), f"when.{exc.code}") from exc
        done = rep.submit(report, handed_in, now, late_reason if handed_in != now else "")
        self.save_report(done, by)
        self._log_report(done, by, "submitted", handed_in)
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
        """A supervisor sends the report back for rework with a reason (003 上级审批)."""
        done = rep.return_report(self.report(incident_id), by, self.ctx.clock.now(), reason)
        self.save_report(done, by)
        self._log_report(done, by, "returned", reason=reason)
        return done

    def report_pdf_path(self, incident: Incident, report: Report) -> Path:
        """Where the next PDF of this report goes: its own file per printing, named
        ``<number>-<state>-<YYYYMMDD-HHMM>.pdf`` in the reports folder (never an existing one)."""
        stamp = sitetime.to_local(self.ctx.clock.now(),
                                  self.ctx.require_site().timezone).strftime("%Y%m%d-%H%M")
        name = incident.number or incident.id[:8]
        folder = self.ctx.paths.db_file.parent / "reports"
        return unique_path(folder / f"{name}-{report.state.value}-{stamp}.pdf")

    @changes_data
    def print_pdf(self, report: Report, path: Path | None = None, lang: str = "zh",
                  by: str = "") -> Path:
        """Write the report as a PDF and record the export in the audit trail.

        With no ``path`` the file goes to :meth:`report_pdf_path`; a given path that exists
        gets a ``-2``… suffix instead of being overwritten. Raises ``ReportPdfError`` (no
        Chinese font, unwritable path); nothing is recorded then.
        """
        from frontdesk.domain.trust.audit import detail
        from frontdesk.services.incidents.pdf import PdfContext, write_report_pdf
        from frontdesk.services.trust.audit import record_export

        incident = self.get(report.incident_id)
        if incident is None:
            raise rep.ReportError(f"no such incident: {report.incident_id}", "no_incident")
        target = unique_path(Path(path)) if path is not None else \
            self.report_pdf_path(incident, report)
        site = self.ctx.require_site()
        facts = PdfContext(site_name=site.name or site.id, site_tz=site.timezone,
                           due_at=self.report_due_at(incident), now=self.ctx.clock.now(),
                           lang=lang)
        from frontdesk.services.trust.audit import audit_service

        anchor = audit_service(self.ctx).anchor()
        out = write_report_pdf(target, report, incident, self.kind(incident.kind), facts,
                               audit_line=f"审计链 Audit chain head: {anchor}")
        record_export(self.ctx, "incident_report", report.incident_id, out,
                      (detail("format", "pdf"), detail("lang", lang),
                       detail("state", report.state.value)), who=by)
        return out

    def _log_report(self, report: Report, by: str, what: str, at: datetime | None = None,
                    reason: str = "") -> None:
        labels = {"submitted": "书面报告已呈报", "approved": "书面报告已批准",
                  "returned": "书面报告退回"}
        text = labels[what] + (f":{reason.strip()}" if reason.strip() else "")
        self._append(report.incident_id, text, by, "report", at,
                     {"report": what, "reason": reason.strip()})
