"""``frontdesk incident open|note|list|summary``: incidents from the command line (scripts, tests,
the manager's duty summary)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext
    from frontdesk.services.incidents.service import IncidentService


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``incident`` and its actions."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("incident", help="open, annotate and list incidents")
    acts = p.add_subparsers(dest="incident_action", metavar="ACTION", required=True)
    op = acts.add_parser("open", help="open an incident")
    common_db(op)
    op.add_argument("--kind", required=True, help="incident kind id, e.g. media_at_gate")
    op.add_argument("--level", required=True, help="general, serious or severe")
    op.add_argument("--occurred", help="when it happened: ISO time (no zone = site time)")
    op.add_argument("--place", default="")
    op.add_argument("--summary", default="")
    op.add_argument("--by", default="cli")
    op.set_defaults(func=run_open)
    no = acts.add_parser("note", help="add a line to an incident's timeline")
    common_db(no)
    no.add_argument("id")
    no.add_argument("text")
    no.add_argument("--by", default="cli")
    no.set_defaults(func=run_note)
    ls = acts.add_parser("list", help="list incidents with their clocks")
    common_db(ls)
    ls.add_argument("--open", action="store_true", help="open incidents only")
    ls.set_defaults(func=run_list)
    sm = acts.add_parser("summary", help="the duty summary of a day or a shift (PDF or XLSX)")
    common_db(sm)
    sm.add_argument("--date", required=True, help="site day YYYY-MM-DD")
    sm.add_argument("--shift", choices=("day", "night"),
                    help="day 08:00-20:00 or night 20:00-08:00 (default: the whole day)")
    sm.add_argument("--format", required=True, choices=("pdf", "xlsx"))
    sm.add_argument("--out", required=True, help="file to write")
    sm.add_argument("--force", action="store_true", help="replace an existing file")
    sm.add_argument("--by", default="cli")
    sm.set_defaults(func=run_summary)


def _ctx(args: argparse.Namespace) -> tuple[AppContext, IncidentService]:
    from frontdesk.context import AppContext
    from frontdesk.services.incidents.service import IncidentService

    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    return ctx, ctx.service("incidents", IncidentService)


def _local(value: datetime | None, tz: str) -> str | None:
    from frontdesk.domain.sitetime import iso_local

    return iso_local(value, tz) if value else None


def _due_text(args: argparse.Namespace, svc: IncidentService, inc: Any, tz: str) -> str:
    """``report due 2026-11-22 18:00 (2 h 05 min left)``: the human line's deadline, in the
    language asked for with ``--lang`` (English by default)."""
    from frontdesk.domain.durations import until
    from frontdesk.domain.sitetime import full_time

    now = svc.ctx.clock.now()
    report = next((c for c in svc.clocks(inc, now) if c.code == "report"), None)
    if report is None:
        return "no report due"
    lang = getattr(args, "lang", None) or "en"
    return f"report due {full_time(report.due_at, tz)} ({until(report.due_at, now, lang, long=True)})"


def incident_json(svc: IncidentService, inc: Any, tz: str) -> dict[str, Any]:
    """One incident as the JSON list shows it (times with the site's offset)."""
    from frontdesk.domain.clockstate import ClockState
    from frontdesk.services.incidents.service import escalation

    now = svc.ctx.clock.now()
    clocks = svc.clocks(inc, now)
    report = next((c for c in clocks if c.code == "report"), None)
    pending = [c for c in clocks if c.code.startswith("statement") and c.state is not ClockState.DONE]
    nxt_esc = escalation(svc.ctx).summary(inc.id, now).next_due
    late = [{"clock": i.code, "subject": i.subject, "what": i.label.en,
             "due_at": _local(i.due_at, tz), "done_at": _local(i.done_at, tz),
             "late_minutes": int(i.late_by.total_seconds() // 60)}
            for i in svc.late_items(inc.id, now)]
    return {"id": inc.id, "number": inc.number, "kind": inc.kind, "level": inc.level.value,
            "state": inc.state.value,
            "occurred_at": _local(inc.occurred_at, tz), "place": inc.place,
            "summary": inc.summary,
            "report_due": _local(report.due_at if report else None, tz),
            "statement_due": _local(pending[0].due_at if pending else None, tz),
            "next_escalation": _local(nxt_esc, tz), "late": late}


def run_open(args: argparse.Namespace) -> int:
    """Open an incident; exit 2 with a message on bad input."""
    from frontdesk.cli.main import CliError
    from frontdesk.services.incidents.service import IncidentError

    ctx, svc = _ctx(args)
    try:
        tz = ctx.require_site().timezone
        occurred = None
        if args.occurred:
            from frontdesk.domain.sitetime import parse_iso

            try:
                occurred = parse_iso(args.occurred, tz)
            except ValueError as exc:
                raise CliError(f"--occurred: not an ISO time: {args.occurred!r}",
                               "bad_time") from exc
        try:
            inc = svc.open(args.kind, args.level, occurred, args.place, args.summary, args.by)
        except IncidentError as exc:
            raise CliError(str(exc), "bad_input") from exc
        out = incident_json(svc, inc, tz)
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(f"{inc.number} {inc.id} opened ({inc.kind}, {inc.level.value});"
                             f" {_due_text(args, svc, inc, tz)}\n")
        return 0
    finally:
        ctx.close()


def run_note(args: argparse.Namespace) -> int:
    """Add a note."""
    from frontdesk.cli.main import CliError
    from frontdesk.services.incidents.service import IncidentError

    ctx, svc = _ctx(args)
    try:
        try:
            entry = svc.add_note(args.id, args.text, args.by)
        except IncidentError as exc:
            raise CliError(str(exc), "bad_input") from exc
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps({"id": entry.id, "incident_id": entry.incident_id,
                                         "text": entry.text}, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(f"note {entry.id} added\n")
        return 0
    finally:
        ctx.close()


def run_list(args: argparse.Namespace) -> int:
    """List incidents with their clocks."""
    ctx, svc = _ctx(args)
    try:
        tz = ctx.require_site().timezone
        incidents = svc.list(open_only=args.open)
        if getattr(args, "json", False):
            rows = [incident_json(svc, i, tz) for i in incidents]
            sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        else:
            for i in incidents:
                n_late = len(svc.late_items(i.id, svc.ctx.clock.now()))
                late = f"  late: {n_late}" if n_late else ""
                sys.stdout.write(f"{i.number or i.id[:8]}  {i.kind:18} {i.level.value:8}"
                                 f" {i.state.value:12} {_due_text(args, svc, i, tz)}{late}\n")
        return 0
    finally:
        ctx.close()


def run_summary(args: argparse.Namespace) -> int:
    """Write the duty summary; exit 2 (nothing written) on a bad date, an existing file
    without ``--force`` or the database as the target (refused before the database opens)."""
    from datetime import date
    from pathlib import Path

    from frontdesk.cli.main import CliError
    from frontdesk.context import AppContext
    from frontdesk.export.sheet import ExportError
    from frontdesk.services.incidents.summary import SummaryError, check_target, write_summary

    try:
        day = date.fromisoformat(args.date)
    except ValueError as exc:
        raise CliError(f"--date: not a day YYYY-MM-DD: {args.date!r}", "bad_date") from exc
    ctx = AppContext.create(getattr(args, "db", None))
    try:
        check_target(ctx, Path(args.out), args.force)
    except SummaryError as exc:
        raise CliError(str(exc), exc.code) from exc
    ctx.open()
    try:
        try:
            out, summary = write_summary(ctx, args.format, Path(args.out), day, args.shift,
                                         args.force, args.by)
        except SummaryError as exc:
            raise CliError(str(exc), exc.code) from exc
        except ExportError as exc:
            raise CliError(str(exc), "unwritable") from exc
        counts = summary.counts
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps({"file": str(out), "format": args.format,
                                         "date": str(day), "shift": args.shift or "all",
                                         **counts}, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(f"{out}: {counts['incidents']} incidents, {counts['calls']} calls,"
                             f" {counts['clocks_late']} late\n")
        return 0
    finally:
        ctx.close()
