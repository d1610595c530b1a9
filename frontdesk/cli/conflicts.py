"""``frontdesk conflicts list|resolve``: records two sites edited, outside the app (docs/cli.md).

Resolving is a supervisor's decision. The command line asks for nothing more than it does for
``sync import`` today (whoever runs it on this PC is trusted; the audit trail names ``cli``);
a later version asks for a supervisor's PIN here too.
"""
from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``conflicts`` and its subcommands."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("conflicts", help="list records in conflict, keep one version")
    csub = p.add_subparsers(dest="conflicts_command", metavar="ACTION", required=True)
    lst = csub.add_parser("list", help="every record two sites edited, with each version")
    common_db(lst)
    lst.set_defaults(func=run_list)
    res = csub.add_parser("resolve", help="keep one version of a record in conflict")
    common_db(res)
    res.add_argument("record_id", metavar="RECORD_ID", help="the record (from conflicts list)")
    res.add_argument("--keep", required=True, metavar="VERSION_PREFIX",
                     help="the first characters (at least 4) of the version to keep")
    res.add_argument("--kind", default=None, metavar="KIND",
                     help="the kind of record, when the id is in conflict as several kinds")
    res.set_defaults(func=run_resolve)


def run_list(args: argparse.Namespace) -> int:
    """Print every conflict: the record, then each version (site, local time, what differs)."""
    from frontdesk.context import AppContext
    from frontdesk.services.conflicts import conflict_views
    from frontdesk.text import one_line

    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    try:
        views = conflict_views(ctx)
    finally:
        ctx.close()
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps([c.to_json() for c in views], ensure_ascii=False, indent=2)
                         + "\n")
        return 0
    for c in views:
        sys.stdout.write(f"{one_line(c.kind)} {one_line(c.record_id)}  {one_line(c.title, 40)}\n")
        for v in c.versions:
            fields = "; ".join(f"{one_line(k)}={one_line(v.payload.get(k), 30)}"
                               for k in c.fields)
            state = " (deleted)" if v.deleted else ""
            sys.stdout.write(f"  {v.version_id[:8]}  {one_line(v.label('another site'))}"
                             f"{state}  {fields}\n")
    sys.stdout.write(f"{len(views)} records in conflict\n")
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    """Keep one version: a new version whose parents are every head; exit 2 if none fits."""
    from frontdesk.cli.main import CliError
    from frontdesk.context import AppContext
    from frontdesk.services.conflicts import ConflictError, resolve
    from frontdesk.text import one_line

    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    ctx.session.user = ctx.session.user or "cli"
    try:
        try:
            conflict, kept, new = resolve(ctx, args.record_id, args.keep, by="cli",
                                          kind=args.kind)
        except ConflictError as exc:
            raise CliError(f"conflicts resolve: {exc.message}", exc.code) from None
    finally:
        ctx.close()
    out = {"kind": conflict.kind, "id": conflict.record_id, "kept": kept.version_id,
           "version": new.version_id}
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"resolved {one_line(conflict.kind)} {one_line(conflict.record_id)}: "
                         f"kept {kept.version_id[:8]} ({one_line(kept.label('another site'))})\n")
    return 0
