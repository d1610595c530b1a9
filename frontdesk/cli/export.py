"""``frontdesk export register``: the day's register as XLSX, CSV or PDF (docs/cli.md)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``export`` and its subcommands."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("export", help="export records for the office")
    esub = p.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    reg = esub.add_parser("register", help="the register of a site day (or range)")
    common_db(reg)
    reg.add_argument("--date", required=True, metavar="YYYY-MM-DD",
                     help="first site day (or a range FIRST~LAST)")
    reg.add_argument("--to", default=None, metavar="YYYY-MM-DD", help="last site day (inclusive)")
    reg.add_argument("--format", default=None, metavar="xlsx|csv|pdf",
                     help="the format; must agree with --out's extension (default: from --out,"
                          " else xlsx)")
    where = reg.add_mutually_exclusive_group()
    where.add_argument("--out", default=None, metavar="FILE",
                       help="file to write; its extension names the format (default: "
                            "SITE-register-DATE.xlsx in --out-dir)")
    where.add_argument("--out-dir", default=".", metavar="FOLDER",
                       help="folder for the default file name (default: the current folder)")
    reg.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    reg.set_defaults(func=run_register)


def out_folder(text: str) -> Path:
    """``--out-dir`` as a folder that exists (CliError otherwise)."""
    from frontdesk.cli.main import CliError

    folder = Path(text).expanduser()
    if not folder.is_dir():
        raise CliError(f"--out-dir: {text} is not a folder", "not_a_folder")
    return folder


def run_register(args: argparse.Namespace) -> int:
    """Write the file; bad dates, formats and paths are one clear line (exit 2)."""
    from frontdesk.cli.main import CliError
    from frontdesk.context import AppContext
    from frontdesk.export import ExportError
    from frontdesk.export.target import TargetError
    from frontdesk.services.export import (
        FORMATS,
        ExportInputError,
        check_span,
        export_service,
        parse_day,
        parse_days,
    )

    if args.format is not None and args.format not in FORMATS:
        raise CliError(f"--format: {args.format!r} is not one of {', '.join(FORMATS)}",
                       "bad_format")
    try:
        if args.to:
            first, last = parse_day(args.date, "--date"), parse_day(args.to, "--to")
            check_span(first, last, "--to")
        else:  # one day, or a range typed as in the files screen (2026-11-20~2026-11-22)
            first, last = parse_days(args.date, "--date")
    except ExportInputError as exc:
        raise CliError(str(exc), "bad_date") from None
    folder = None if args.out else out_folder(args.out_dir)
    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    ctx.session.user = ctx.session.user or "cli"
    try:
        service = export_service(ctx)
        try:
            path = args.out or service.default_path(args.format or "xlsx", first, last, folder)
            out = service.write(args.format, path, first, last, force=args.force)
        except ExportInputError as exc:
            raise CliError(str(exc), "bad_input") from None
        except TargetError as exc:
            raise CliError(f"--out: {exc.message}", exc.code) from None
        except ExportError as exc:
            raise CliError(f"--out: {exc}", "unwritable") from None
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps(out.to_json(), ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(f"wrote {out.path} ({out.rows} entries, {out.format})\n"
                             f"audit head {out.audit_head}\n")
            for w in out.warnings:
                sys.stdout.write(f"warning: {w}\n")
    finally:
        ctx.close()
    return 0
