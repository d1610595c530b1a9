"""``frontdesk incident open|note|list``: incidents from the command line (scripts, tests)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

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


def _ctx(args: argparse.Namespace) -> tuple[AppContext, IncidentService]:
    from frontdesk.context import AppContext
    from frontdesk.services.incidents.service import IncidentService

    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    return ctx, ctx.service("incidents", IncidentService)


def _local(value: datetime | None, tz: str) -> str | None:
    return value.astimezone(ZoneInfo(tz)).isoformat() if value else None


def incident_json(svc: IncidentService, inc: Any, tz: str) -> dict[str, Any]:
    """One incident as the JSON list shows it (times with the site's offset)."""
    from frontdesk.domain.incidents.deadlines import ClockState
    from frontdesk.services.incidents.service import escalation

    now = svc.ctx.clock.now()
    clocks = svc.clocks(inc, now)
    report = next((c for c in clocks if c.code == "report"), None)
    pending = [c for c in clocks if c.code.startswith("statement") and c.state is not ClockState.DONE]
    nxt_esc = None
    esc = escalation(svc.ctx)
    if esc is not None:
        try:
            nxt_esc = esc.summary(inc.id, now).next_due
        except (LookupError, ValueError, TypeError):
            nxt_esc = None
    return {"id": inc.id, "kind": inc.kind, "level": inc.level.value, "state": inc.state.value,
            "occurred_at": _local(inc.occurred_at, tz), "place": inc.place,
            "summary": inc.summary,
            "report_due": _local(report.due_at if report else None, tz),
            "statement_due": _local(pending[0].due_at if pending else None, tz),
            "next_escalation": _local(nxt_esc, tz)}


def run_open(args: argparse.Namespace) -> int:
    """Open an incident; exit 2 with a message on bad input."""
    from frontdesk.cli.main import CliError
    from frontdesk.services.incidents.service import IncidentError

    ctx, svc = _ctx(args)
    try:
        tz = ctx.require_site().timezone
        occurred = None
        if args.occurred:
            try:
                occurred = datetime.fromisoformat(args.occurred)
            except ValueError as exc:
                raise CliError(f"--occurred: not an ISO time: {args.occurred!r}",
                               "bad_time") from exc
            if occurred.tzinfo is None:
                occurred = occurred.replace(tzinfo=ZoneInfo(tz))
        try:
            inc = svc.open(args.kind, args.level, occurred, args.place, args.summary, args.by)
        except IncidentError as exc:
            raise CliError(str(exc), "bad_input") from exc
        out = incident_json(svc, inc, tz)
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(f"{inc.id} opened ({inc.kind}, {inc.level.value});"
                             f" report due {out['report_due']}\n")
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
        rows = [incident_json(svc, i, tz) for i in svc.list(open_only=args.open)]
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        else:
            for r in rows:
                sys.stdout.write(f"{r['id'][:8]}  {r['kind']:18} {r['level']:8} {r['state']:12}"
                                 f" report due {r['report_due']}\n")
        return 0
    finally:
        ctx.close()
