"""The duty summary of a shift or a day, for the manager (issue 18, point 9).

What the period saw: incidents open during it (opened, closed, still open at its end), every
clock that fell due or was met in it (on time or late, by how much), every call made, and who
was on duty. Written as XLSX or PDF with the export writers, as an audit event like every file
that leaves the site. Shifts are the site's choice: day 08:00-20:00, night 20:00-08:00 (the
night shift of a date starts that evening).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from frontdesk.domain.escalation.contacts import Contact, on_duty_now, role_names
from frontdesk.domain.durations import late_by
from frontdesk.domain.incidents.deadlines import incident_clocks
from frontdesk.domain.incidents.lateness import clock_name
from frontdesk.domain.incidents.model import Incident
from frontdesk.export.sheet import Column, Sheet
from frontdesk.services.incidents.history import reporting_late

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext

#: Shifts by name: (start, end) site-local; an end not after the start runs past midnight.
SHIFTS: dict[str, tuple[time, time]] = {"day": (time(8), time(20)), "night": (time(20), time(8))}
FORMATS = ("pdf", "xlsx")
#: Roles listed as "on duty" (the people who run the site's response, not outside numbers).
DUTY_ROLES = ("guard", "security_supervisor", "project_manager", "cs_centre", "engineering")


class SummaryError(ValueError):
    """Bad input for a summary (unknown shift or format, a file in the way, the database as
    the target); ``code`` names it; nothing was written."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SummaryRow:
    """One line of the summary: a section and its cells."""

    section: str
    number: str
    at: datetime | None
    what: str
    level: str = ""
    state: str = ""
    due: datetime | None = None
    done: datetime | None = None
    late: str = ""
    note: str = ""


@dataclass(frozen=True)
class DutySummary:
    """A period's summary; counts for the header, rows for the table."""

    site_name: str
    tz: str
    day: date
    shift: str
    start: datetime
    end: datetime
    counts: dict[str, int]
    rows: list[SummaryRow] = field(default_factory=list)
    on_duty: list[tuple[str, str]] = field(default_factory=list)


def period(day: date, shift: str | None, tz: str) -> tuple[datetime, datetime]:
    """The UTC-aware [start, end) of a site day or of a shift starting on ``day``."""
    zone = ZoneInfo(tz)
    if not shift:
        start = datetime.combine(day, time(0), tzinfo=zone)
        return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    if shift not in SHIFTS:
        raise SummaryError("bad_shift", f"--shift: {shift!r} is not one of {', '.join(SHIFTS)}")
    a, b = SHIFTS[shift]
    start = datetime.combine(day, a, tzinfo=zone)
    end_day = day + timedelta(days=1) if b <= a else day
    return start, datetime.combine(end_day, b, tzinfo=zone)


def _bi(zh: str, en: str) -> str:
    return f"{zh} {en}"


def on_duty(contacts: list[Contact], start: datetime, end: datetime, tz: str
            ) -> list[tuple[str, str]]:
    """(role, name) of the people of :data:`DUTY_ROLES` on duty at the start or middle of the
    period (by their duty hours), in role order."""
    zone = ZoneInfo(tz)
    moments = (start.astimezone(zone), (start + (end - start) / 2).astimezone(zone))
    found = [(c.role, c.name) for c in contacts if c.role in DUTY_ROLES
             and any(on_duty_now(c, m) for m in moments)]
    return sorted(set(found), key=lambda rc: (DUTY_ROLES.index(rc[0]), rc[1]))


def build_summary(ctx: AppContext, day: date, shift: str | None = None) -> DutySummary:
    """The summary of ``day`` (or one of its shifts) from the stored records."""
    from frontdesk.services.incidents.service import IncidentService, escalation
    from frontdesk.storage import escalation as esc_repo
    from frontdesk.storage import incident_queries

    site = ctx.require_site()
    start, end = period(day, shift, site.timezone)
    svc: Any = ctx.service("incidents", IncidentService)
    esc = escalation(ctx)
    conn = ctx.require_db().read()
    payloads = incident_queries.touching_payloads(conn, _u(start), _u(end))
    items = svc._items(conn, payloads)
    upto = min(end, ctx.clock.now())
    rules = svc.catalogue.rules
    rows: list[SummaryRow] = []
    counts = {"incidents": 0, "opened": 0, "closed": 0, "open_at_end": 0, "clocks_on_time": 0,
              "clocks_late": 0, "calls": 0}
    contacts = esc.contacts.all()
    names = {c.id: c for c in contacts}
    for p, item in zip(payloads, items, strict=True):
        inc: Incident = item.incident
        kind_name = item.kind.name if item.kind else None
        closed_at = _when(p.get("closed_at")) if inc.state.value == "closed" else None
        counts["incidents"] += 1
        counts["opened"] += start <= inc.occurred_at < end
        counts["closed"] += closed_at is not None and start <= closed_at < end
        counts["open_at_end"] += closed_at is None or closed_at >= end
        rows.append(SummaryRow(
            _bi("事件", "Incident"), inc.number, inc.occurred_at,
            _bi(kind_name.zh, kind_name.en) if kind_name else inc.kind,
            _bi(inc.level.label.zh, inc.level.label.en),
            _bi(inc.state.label.zh, inc.state.label.en), note=inc.place))
        chain = esc.state(inc.id, upto)
        for c in incident_clocks(item.facts, upto, rules):
            in_period = start <= c.due_at < end or (c.done_at is not None
                                                    and start <= c.done_at < end)
            if not in_period:
                continue
            name = clock_name(c.code, c.subject, item.kind)
            late = c.late_by if c.done_at is not None else (
                upto - c.due_at if c.due_at <= upto else None)
            if late is None:
                if c.done_at is not None:
                    counts["clocks_on_time"] += 1
                    rows.append(SummaryRow(_bi("时限", "Clock"), inc.number, c.done_at,
                                           _bi(name.zh, name.en), due=c.due_at, done=c.done_at,
                                           state=_bi("按时", "on time")))
                continue
            counts["clocks_late"] += 1
            rows.append(SummaryRow(_bi("时限", "Clock"), inc.number, c.done_at or c.due_at,
                                   _bi(name.zh, name.en), due=c.due_at, done=c.done_at,
                                   state=_bi("逾期", "late") if c.done_at else
                                   _bi("逾期未完成", "overdue"),
                                   late=_late(late)))
        for lv in reporting_late(chain, upto):
            if start <= lv.due_at < end or (lv.done_at is not None and start <= lv.done_at < end):
                counts["clocks_late"] += 1
                rows.append(SummaryRow(_bi("上报", "Report"), inc.number, lv.done_at or lv.due_at,
                                       _bi(lv.label.zh, lv.label.en), due=lv.due_at,
                                       done=lv.done_at, state=_bi("逾期", "late"),
                                       late=_late(lv.late_by)))
        for kind, _rid, a in esc_repo.log(conn, inc.id):
            at = _when(a.get("at"))
            if kind != esc_repo.ATTEMPT or at is None or not start <= at < end:
                continue
            counts["calls"] += 1
            who = names.get(str(a.get("contact_id") or ""))
            role = role_names(str(a.get("role") or (who.role if who else "")))
            outcome = _outcome(str(a.get("outcome")))
            rows.append(SummaryRow(_bi("电话", "Call"), inc.number, at,
                                   f"{_bi(*role)} {who.name if who else ''}".strip(),
                                   state=outcome, note=str(a.get("note") or "")))
    rows.sort(key=lambda r: (r.section, r.number, r.at or start))
    return DutySummary(site.name or site.id, site.timezone, day, shift or "", start, end, counts,
                       rows, on_duty(contacts, start, end, site.timezone))


def _late(delta: timedelta | None) -> str:
    if delta is None:
        return ""
    return f"{late_by(delta, 'zh', long=True)} / {late_by(delta, 'en', long=True)}"


def _outcome(code: str) -> str:
    from frontdesk.i18n import catalog

    pair = catalog().get(f"esc.outcome.{code}", (code, code))
    return _bi(*pair)


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _u(value: datetime) -> str:
    from frontdesk.storage.incidents import utc

    out = utc(value.isoformat())
    assert out is not None
    return out


COLUMNS = (("section", "类别", "Section"), ("number", "编号", "No."), ("at", "时间", "Time"),
           ("what", "事项", "What"), ("level", "级别", "Level"), ("state", "状态", "State"),
           ("due", "时限", "Due"), ("done", "完成", "Done"), ("late", "逾期", "Late by"),
           ("note", "说明", "Notes"))


def summary_sheet(s: DutySummary, exported_by: str, exported_at: datetime,
                  audit_line: str) -> Sheet:
    """The summary as a sheet for the XLSX/PDF writers (headings in both languages)."""
    zone = ZoneInfo(s.tz)

    def fmt(at: datetime | None) -> str:
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""

    shift = {"day": "白班 day 08:00-20:00", "night": "夜班 night 20:00-08:00"}.get(
        s.shift, "全天 whole day")
    c = s.counts
    duty = "; ".join(f"{role_names(r)[0]} {n}" for r, n in s.on_duty) or "—"
    headers = (
        f"项目 Site: {s.site_name}",
        f"日期 Date: {s.day} · 班次 Shift: {shift} ({fmt(s.start)} – {fmt(s.end)}, {s.tz})",
        (f"事件 Incidents: {c['incidents']} (新开 opened {c['opened']}, 结案 closed {c['closed']},"
         f" 期末未结 open at end {c['open_at_end']})"),
        (f"时限 Clocks: 按时 on time {c['clocks_on_time']}, 逾期 late {c['clocks_late']}"
         f" · 电话 Calls: {c['calls']}"),
        f"在岗 On duty: {duty}",
        f"导出人 Exported by: {exported_by} · 导出时间 at {fmt(exported_at)}",
        audit_line,
    )
    rows = [[r.section, r.number, fmt(r.at), r.what, r.level, r.state, fmt(r.due), fmt(r.done),
             r.late, r.note] for r in s.rows]
    return Sheet(title=f"{s.site_name} 值班汇总 Duty summary {s.day}", header_lines=headers,
                 columns=tuple(Column(k, _bi(zh, en)) for k, zh, en in COLUMNS), rows=rows,
                 footer_lines=(f"共 {len(rows)} 行 / {len(rows)} lines",),
                 signature_label="值班主管 Duty supervisor")


def check_target(ctx: AppContext, path: Path, force: bool) -> Path:
    """The register export's rules (:mod:`frontdesk.export.target`): never the database or its
    journal files, never a folder or device, never an existing file without ``force``."""
    from frontdesk.export.target import TargetError, check_target as check, protected_paths

    try:
        return check(path, protected=protected_paths(ctx.paths.db_file), force=force)
    except TargetError as exc:
        raise SummaryError(exc.code, exc.message) from exc


def write_summary(ctx: AppContext, fmt: str, path: str | os.PathLike[str], day: date,
                  shift: str | None = None, force: bool = False, by: str = ""
                  ) -> tuple[Path, DutySummary]:
    """Write the summary as ``fmt`` (pdf or xlsx) to ``path`` and record the export; return the
    file and the summary written."""
    from frontdesk.domain.trust.audit import detail
    from frontdesk.export import write_pdf, write_xlsx
    from frontdesk.services.trust.audit import audit_service, record_export

    if fmt not in FORMATS:
        raise SummaryError("bad_format", f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    target = check_target(ctx, Path(path), force)
    summary = build_summary(ctx, day, shift)
    head = audit_service(ctx).anchor()
    sheet = summary_sheet(summary, by or ctx.session.user or "cli", ctx.clock.now(),
                          f"审计链 Audit chain head: {head}")
    if fmt == "xlsx":
        write_xlsx(sheet, target)
    else:
        write_pdf(sheet, target)
    record_export(ctx, "duty_summary", f"{day}:{shift or 'day'}", target,
                  (detail("format", fmt), detail("date", day), detail("shift", shift or "all"),
                   detail("rows", len(sheet.rows))), who=by)
    return target, summary
