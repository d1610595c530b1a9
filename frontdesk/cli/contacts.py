"""``frontdesk contacts import FILE | export [--out FILE] | template [--out FILE]``."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand group."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("contacts", help="import or export the contact list as CSV")
    actions = p.add_subparsers(dest="contacts_action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="import contacts (all rows or none)")
    imp.add_argument("file", help="CSV file (UTF-8, header row as in the template)")
    imp.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    exp = actions.add_parser("export", help="write every contact as CSV")
    exp.add_argument("--out", help="file to write (default: standard output)")
    tpl = actions.add_parser("template", help="an empty CSV with one example row")
    tpl.add_argument("--out", help="file to write (default: standard output)")
    for parser in (imp, exp, tpl):
        common_db(parser)
        parser.set_defaults(func=run)


def _write(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8-sig", newline="")
    else:
        sys.stdout.write(text)


def run(args: argparse.Namespace) -> int:
    """Run the chosen action on the database named by ``--db``."""
    from frontdesk.services.escalation.contacts import ContactService

    if args.contacts_action == "template":
        _write(ContactService.template(), args.out)
        return 0
    from frontdesk.context import AppContext

    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    try:
        svc: ContactService = ctx.service("contacts", ContactService)
        if args.contacts_action == "export":
            try:
                svc.write_csv(args.out, who="cli")
            except OSError as exc:
                sys.stderr.write(f"frontdesk: cannot write {args.out}: "
                                 f"{exc.strerror or exc}\n")
                return 2
            return 0
        try:
            text = Path(args.file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            sys.stderr.write(f"frontdesk: cannot read {args.file}: {exc}\n")
            return 2
        result = svc.preview_csv(text) if args.dry_run else svc.import_csv(text, by="cli")
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps({
                "ok": result.ok, "rows": len(result.contacts), "new": result.new,
                "changed": result.changed,
                "errors": [{"row": e.row, "column": e.column, "code": e.code,
                            "message": e.message} for e in result.errors],
            }, ensure_ascii=False) + "\n")
        else:
            for e in result.errors:
                sys.stderr.write(f"{args.file}: {e}\n")
            if result.ok:
                verb = "would import" if args.dry_run else "imported"
                sys.stdout.write(f"{verb} {len(result.contacts)} contacts "
                                 f"({result.new} new, {result.changed} changed)\n")
        return 0 if result.ok else 1
    finally:
        ctx.close()
