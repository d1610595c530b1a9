"""``frontdesk sync export|import``: hand records to other sites as files (docs/cli.md)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.services.sync import ImportReport


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``sync`` and its subcommands."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("sync", help="write or merge a sync bundle (file exchange between sites)")
    ssub = p.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    ex = ssub.add_parser("export", help="write every record version this site knows")
    common_db(ex)
    where = ex.add_mutually_exclusive_group()
    where.add_argument("--out", default=None, metavar="FILE",
                       help="bundle file to write (FILE.fdb; default: SITE-DATETHHMM.fdb in "
                            "--out-dir)")
    where.add_argument("--out-dir", default=".", metavar="FOLDER",
                       help="folder for the default file name (default: the current folder)")
    ex.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    ex.add_argument("--for-peer", default=None, metavar="SITE",
                    help="only what was not yet sent to (or received from) site SITE")
    ex.set_defaults(func=run_export)
    im = ssub.add_parser("import", help="verify and merge one or more bundles")
    common_db(im)
    im.add_argument("files", nargs="+", metavar="FILE",
                    help="bundle(s); each is verified and merged on its own, so a refused file"
                         " does not hold up the others")
    im.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    im.set_defaults(func=run_import)


def _print(args: argparse.Namespace, obj: dict[str, object], text: str) -> None:
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(text + "\n")


def run_export(args: argparse.Namespace) -> int:
    """Write the bundle; an unwritable path is a clear error (exit 2)."""
    from frontdesk.cli.export import out_folder
    from frontdesk.cli.main import CliError
    from frontdesk.context import AppContext
    from frontdesk.services.sync import SyncError, sync_service

    folder = None if args.out else out_folder(args.out_dir)
    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    try:
        service = sync_service(ctx)
        try:
            path = args.out or service.default_path(folder or ".")
            res = service.export_bundle(path, for_peer=args.for_peer, force=args.force)
        except SyncError as exc:
            raise CliError(f"sync export --out: {exc.message}", exc.code) from None
        _print(args, res.to_json(), f"wrote {res.path}: {res.versions} versions, "
               f"{res.purges} purge orders, {res.size} bytes\naudit head {res.audit_head}")
    finally:
        ctx.close()
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Verify each bundle whole, then merge it in its own transaction (or only report).

    With several files (a clerk's inbox from many gates: ``sync import inbox/*.fdb``) every
    file is tried in turn and reported as it is done; a refused one is named with its reason
    and changes nothing, the others are imported, and the exit code is 2 if any was refused.
    With one file the output is what it always was.
    """
    from frontdesk.cli.main import CliError
    from frontdesk.context import AppContext
    from frontdesk.services.sync import SyncError, sync_service
    from frontdesk.text import term_safe

    as_json, several = getattr(args, "json", False), len(args.files) > 1
    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    results: list[dict[str, object]] = []
    refused: list[CliError] = []
    try:
        for path in args.files:
            name = term_safe(path)
            try:
                rep = sync_service(ctx).import_bundle(path, dry_run=args.dry_run, by="cli")
            except SyncError as exc:
                err = CliError(f"sync import {name}: {exc.message} (nothing was imported)",
                               exc.code)
                if not several:
                    raise err from None
                refused.append(err)
                results.append({"file": path, "error": exc.code, "message": str(err)})
                if not as_json:
                    sys.stderr.write(f"frontdesk: {err}\n")
                continue
            results.append(rep.to_json())  # it names its file
            if not as_json:
                sys.stdout.write((f"{name}: " if several else "") + _report_text(rep) + "\n")
    finally:
        ctx.close()
    if as_json:
        out = results if several else results[0]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    elif several:
        verb = "checked" if args.dry_run else "imported"
        sys.stdout.write(f"{len(args.files)} files: {len(results) - len(refused)} {verb},"
                         f" {len(refused)} refused\n")
    return refused[0].exit_code if refused else 0


def _report_text(rep: ImportReport) -> str:
    """One import's summary line (and its warnings), as the single-file command prints it."""
    from frontdesk.text import term_safe

    j = rep.to_json()
    verb = "would add" if rep.dry_run else "added"
    text = (f"{term_safe(rep.source_name)} ({term_safe(rep.source_site)}): {verb} "
            f"{j['new_versions']} versions ({j['new_records']} new records, "
            f"{j['changed_records']} changed, {len(rep.merge.deletions)} deleted, "
            f"{len(rep.merge.conflicts)} in conflict); {j['already_known']} already known")
    for w in rep.warnings:
        text += f"\nwarning: {term_safe(w)}"
    return text
