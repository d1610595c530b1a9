"""The day's register for the office: gather entries of a date range into a :class:`Sheet`
and write it as XLSX, CSV or PDF (DESIGN.md "Exports for office staff").

One row per entry with every field, times in site time, the script readings and the linked
incident. Header lines: site, date range, exported by, exported at and the audit-chain head
(last, so the PDF prints it again by the signature line). Credential numbers are masked unless
the person exporting may unmask them. Every cell is untrusted text; the writers keep it inert.
Every export written is an audit event (who, range, format, rows; never a name).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.domain import sitetime
from frontdesk.domain.register.validation import mask_id
from frontdesk.domain.register.visits import Visit
from frontdesk.export import Column, Sheet, write_csv, write_pdf, write_xlsx
from frontdesk.export.target import (
    check_target,
    format_for,
    protected_paths,
    register_name,
    unused,
)
from frontdesk.i18n import catalog
from frontdesk.services.changes import changes_data

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext

FORMATS = ("xlsx", "csv", "pdf")

# (key, Chinese title, English title): titles are bilingual, "姓名 Name".
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("no", "序号", "No."), ("kind", "类别", "Kind"), ("name", "姓名", "Name"),
    ("organisation", "单位", "Organisation"), ("phone", "电话", "Phone"),
    ("credential_type", "证件类型", "ID type"), ("credential_number", "证件号", "ID number"),
    ("purpose", "事由", "Purpose"), ("plate", "车牌", "Plate"),
    ("party_size", "人数", "Party"), ("came_to_see", "来访对象", "Came to see"),
    ("guided_to", "引导至", "Guided to"), ("notified", "已通知", "Notified"),
    ("location", "位置", "Location"), ("time_in", "进入时间", "Time in"),
    ("time_out", "离开时间", "Time out"), ("guard", "值班员", "Guard"),
    ("notes", "备注", "Notes"), ("scripts", "使用话术", "Scripts used"),
    ("incident", "关联事件", "Incident"), ("conflict", "冲突", "Conflict"),
    ("id", "记录编号", "Entry id"),
)
# What the conflict column says of an entry two sites edited (both versions are kept until a
# supervisor keeps one: files screen F8 > F4, or ``frontdesk conflicts``).
CONFLICT_MARK = "冲突待处理 Conflict: two sites edited it"


class ExportInputError(ValueError):
    """A bad date, range or format: names what was wrong. Nothing was written."""


@dataclass(frozen=True)
class ExportOutcome:
    """What was written."""

    path: Path
    format: str
    rows: int
    warnings: tuple[str, ...] = ()
    audit_head: str = ""  # SEQ:HASH after the export's own audit event

    def to_json(self) -> dict[str, object]:
        """Stable JSON fields (see docs/cli.md)."""
        return {"file": str(self.path), "format": self.format, "rows": self.rows,
                "warnings": list(self.warnings), "audit_head": self.audit_head}


def parse_day(text: str, what: str = "date") -> date:
    """``YYYY-MM-DD`` or raise :class:`ExportInputError` naming ``what``."""
    try:
        return sitetime.parse_date(text)
    except ValueError:
        raise ExportInputError(f"{what}: {text!r} is not a date like 2026-11-22") from None


_DAYS = re.compile(r"\s*(\d{4}-\d{2}-\d{2})\s*(?:(?:~|～|\.\.|至|到|to)\s*(\d{4}-\d{2}-\d{2}))?\s*")


def parse_days(text: str, what: str = "date") -> tuple[date, date]:
    """One site day, or a range ``FIRST~LAST`` (also ``..``, ``至``, ``到``, ``to``), inclusive.

    Raises :class:`ExportInputError` naming ``what`` for anything else, a range that runs
    backwards or one longer than a year.
    """
    m = _DAYS.fullmatch(text.replace("\u3000", " "))
    if m is None:
        raise ExportInputError(f"{what}: {text!r} is not a date like 2026-11-22"
                               " or a range like 2026-11-20~2026-11-22")
    first = parse_day(m.group(1), what)
    last = parse_day(m.group(2), what) if m.group(2) else first
    check_span(first, last, what)
    return first, last


def check_span(first: date, last: date, what: str) -> None:
    """Refuse a range that runs backwards or spans more than a year (naming ``what``)."""
    if last < first:
        raise ExportInputError(f"{what}: {last} is before {first}")
    if (last - first).days > 366:
        raise ExportInputError(f"{what}: a range of more than one year; export it in parts")


def _bilingual(zh: str, en: str) -> str:
    return f"{zh} {en}"


def _label(prefix: str, value: str) -> str:
    pair = catalog().get(f"{prefix}.{value}")
    return pair[0] if pair else value


class ExportService:
    """Register exports on one context."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        """UTC [start, end) of site-local days ``first``..``last`` inclusive."""
        check_span(first, last, "--to")
        return sitetime.days_bounds(first, last, self.ctx.require_site().timezone)

    def sheet(self, first: date, last: date | None = None) -> Sheet:
        """The register of ``first``..``last`` (site days) as a sheet, oldest entry first."""
        last = last or first
        start, end = self.bounds(first, last)
        site = self.ctx.require_site()
        visits = sorted(self.ctx.register.between(start, end), key=lambda v: v.time_in)
        uses = self._script_uses(start, end)
        unmask = self.ctx.session.can("unmask_id")
        tz = site.timezone
        rows = [self._row(i, v, tz, uses.get(v.id, ""), unmask) for i, v in enumerate(visits, 1)]
        now = self.ctx.clock.now()
        span = str(first) if last == first else f"{first} – {last}"
        user = self.ctx.session.user or "-"
        headers = (
            f"站点 Site: {site.name or site.id} ({site.id})",
            f"日期 Date: {span} ({site.timezone})",
            f"导出人 Exported by: {user} ({self.ctx.session.role})",
            f"导出时间 Exported at: {sitetime.iso_local(now, tz, 'seconds')}",
            self._audit_line(),
        )
        columns = tuple(Column(k, _bilingual(zh, en)) for k, zh, en in COLUMNS)
        return Sheet(title=f"{site.name or '登记簿'} 登记簿 Register {span}", header_lines=headers,
                     columns=columns, rows=rows,
                     footer_lines=(self._total_line(visits),))

    @staticmethod
    def _total_line(visits: list[Visit]) -> str:
        """``共 12 条 / 12 entries``, and how many are in conflict when any are."""
        n, k = len(visits), sum(1 for v in visits if v.conflict)
        if not k:
            return f"共 {n} 条 / {n} entries"
        return f"共 {n} 条，其中 {k} 条冲突待处理 / {n} entries, {k} in conflict"

    def _row(self, n: int, v: Visit, tz: str, scripts: str, unmask: bool) -> list[object]:
        cred = v.credential_number or ""
        if cred and not unmask:
            cred = mask_id(cred)
        return [
            n, _label("kind", v.kind.value), v.name, v.organisation, v.phone,
            _label("cred", v.credential_type.value), cred, v.purpose, v.plate, v.party_size,
            v.came_to_see, v.guided_to, v.notified, v.location,
            sitetime.full_time(v.time_in, tz),
            sitetime.full_time(v.time_out, tz) if v.time_out else "",
            v.guard, v.notes, scripts, v.incident_id or "",
            CONFLICT_MARK if v.conflict else "", v.id,
        ]

    def _script_uses(self, start: datetime, end: datetime) -> dict[str, str]:
        """Visit id -> "title HH:MM; ..." for the scripts read against each entry in the range."""
        from frontdesk.services.scripts import scripts

        svc = scripts(self.ctx)
        tz = self.ctx.require_site().timezone
        out: dict[str, list[str]] = {}
        for use in svc.uses_between(start, end):
            if use.visit_id:
                title = svc.title_of(use.situation_id, "zh")
                out.setdefault(use.visit_id, []).append(
                    f"{title} {sitetime.to_local(use.at, tz):%H:%M}")
        return {k: "; ".join(v) for k, v in out.items()}

    def _audit_line(self) -> str:
        """The chain head when the sheet is made, as ``audit verify --anchor`` takes it."""
        from frontdesk.services.trust.audit import audit_service

        return f"审计链 Audit chain head: {audit_service(self.ctx).anchor()}"

    def default_path(self, fmt: str, first: date, last: date | None = None,
                     folder: str | os.PathLike[str] = ".") -> Path:
        """``folder/北门-register-2026-12-02.xlsx`` (a range: ``…-2026-12-01~2026-12-02.xlsx``),
        with ``-2``, ``-3``... added when that name is taken."""
        site = self.ctx.require_site()
        return unused(Path(folder), register_name(site.name or site.id, first, last or first,
                                                  fmt))

    @changes_data
    def write(self, fmt: str | None, path: str | os.PathLike[str], first: date,
              last: date | None = None, *, force: bool = False) -> ExportOutcome:
        """Write the register to ``path`` in the format its extension names (``fmt``, if
        given, must agree). Refuses (:class:`~frontdesk.export.target.TargetError`) the
        database, anything not a regular file, and an existing file unless ``force``; raises
        :class:`~frontdesk.export.ExportError` if the file cannot be written (the old file is
        then intact)."""
        target = check_target(path, protected=protected_paths(self.ctx.require_db().path),
                              force=force)
        fmt = format_for(path, fmt, FORMATS)
        last = last or first
        sheet = self.sheet(first, last)
        warnings: list[str] = []
        if fmt == "xlsx":
            write_xlsx(sheet, target, overwrite=force)
        elif fmt == "csv":
            write_csv(sheet, target, overwrite=force)
        else:
            warnings = write_pdf(sheet, target, overwrite=force)
        anchor = self._record(fmt, target, first, last, len(sheet.rows))
        return ExportOutcome(target, fmt, len(sheet.rows), tuple(warnings), anchor)

    def _record(self, fmt: str, target: Path, first: date, last: date, rows: int) -> str:
        """The audit event of the export: format, date range, row count, masked or not (the
        file is removed if the event cannot be stored; see services.audit.record_export);
        returns the chain head after it (``SEQ:HASH``)."""
        from frontdesk.domain.trust.audit import detail
        from frontdesk.services.trust.audit import anchor_of, record_export

        ids = "unmasked" if self.ctx.session.can("unmask_id") else "masked"
        event = record_export(self.ctx, "register", f"{first}..{last}", target,
                              (detail("format", fmt), detail("from", first), detail("to", last),
                               detail("rows", rows), detail("id_numbers", ids)))
        return anchor_of(event)


def export_service(ctx: AppContext) -> ExportService:
    """The context's export service (built once)."""
    return ctx.service("export", ExportService)
