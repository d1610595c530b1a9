"""``frontdesk contacts import FILE | export [--out FILE] | template [--out FILE]``."""
from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand group."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("contacts", help="import or export the contact list as CSV")
    actions = p.add_subparsers(dest="contacts_action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="import contacts (all rows or none)")
    imp.add_argument("file", help="CSV file (UTF-8, GBK or UTF-16 with a BOM; header row as in "
                     "the template)")
    imp.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    exp = actions.add_parser("export", help="write every contact as CSV")
    exp.add_argument("--out", help="file to write (default: standard output)")
    tpl = actions.add_parser("template", help="an empty CSV with one example row")
    tpl.add_argument("--out", help="file to write (default: standard output)")
    for parser in (exp, tpl):
        parser.add_argument("--force", action="store_true",
                            help="replace FILE if it already exists")
    for parser in (imp, exp, tpl):
        common_db(parser)
        parser.set_defaults(func=run)


def _write_template(text: str, args: argparse.Namespace) -> None:
    """The template to standard output, or to ``--out`` under the export rules (never over the
    database, a device or, without ``--force``, an existing file)."""
    from frontdesk.export.sheet import atomic_output
    from frontdesk.export.target import check_target, protected_paths
    from frontdesk.paths import resolve_paths

    if not args.out:
        sys.stdout.write(text)
        return
    protected = protected_paths(resolve_paths(getattr(args, "db", None)).db_file)
    target = check_target(args.out, protected=protected, force=args.force)
    with atomic_output(target, overwrite=args.force) as tmp:
        tmp.write_text(text, encoding="utf-8-sig", newline="")


def _read_csv(path: str) -> tuple[str, str]:
    """The file's text, or ``("", why not)``: size bounded before reading, encoding detected."""
    from frontdesk.domain.escalation.contacts import decode_csv
    from frontdesk.domain.escalation.csv_text import MAX_BYTES

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        return "", f"cannot read: {exc.strerror or exc}"
    text, errors = decode_csv(data)
    return text, str(errors[0]) if errors else ""


def run(args: argparse.Namespace) -> int:
    """Run the chosen action on the database named by ``--db``."""
    from frontdesk.cli.main import CliError
    from frontdesk.export import ExportError
    from frontdesk.export.target import TargetError
    from frontdesk.services.escalation.contacts import ContactService
    from frontdesk.text import one_line

    if args.contacts_action == "template":
        try:
            _write_template(ContactService.template(), args)
        except TargetError as exc:
            raise CliError(f"--out: {exc.message}", exc.code) from None
        except ExportError as exc:
            raise CliError(f"--out: {exc}", "unwritable") from None
        return 0
    from frontdesk.context import AppContext

    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    try:
        svc: ContactService = ctx.service("contacts", ContactService)
        if args.contacts_action == "export":
            try:
                svc.write_csv(args.out, who="cli", force=args.force)
            except TargetError as exc:
                raise CliError(f"--out: {exc.message}", exc.code) from None
            except ExportError as exc:
                raise CliError(f"--out: {exc}", "unwritable") from None
            return 0
        text, problem = _read_csv(args.file)
        if problem:
            sys.stderr.write(f"frontdesk: {one_line(args.file)}: {one_line(problem)}\n")
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
                sys.stderr.write(f"{one_line(args.file)}: {one_line(e)}\n")
            if result.ok:
                verb = "would import" if args.dry_run else "imported"
                sys.stdout.write(f"{verb} {len(result.contacts)} contacts "
                                 f"({result.new} new, {result.changed} changed)\n")
        return 0 if result.ok else 1
    finally:
        ctx.close()
