"""``frontdesk sync export|import``: hand records to other sites as files (docs/cli.md)."""
from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``sync`` and its subcommands."""
    from frontdesk.cli import common_db

    p = sub.add_parser("sync", help="write or merge a sync bundle (file exchange between sites)")
    ssub = p.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    ex = ssub.add_parser("export", help="write every record version this site knows")
    common_db(ex)
    ex.add_argument("--out", required=True, metavar="FILE", help="bundle file to write")
    ex.add_argument("--for-peer", default=None, metavar="SITE",
                    help="only what was not yet sent to (or received from) site SITE")
    ex.set_defaults(func=run_export)
    im = ssub.add_parser("import", help="verify and merge a bundle")
    common_db(im)
    im.add_argument("file", metavar="FILE")
    im.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    im.set_defaults(func=run_import)


def _print(args: argparse.Namespace, obj: dict[str, object], text: str) -> None:
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(text + "\n")


def run_export(args: argparse.Namespace) -> int:
    """Write the bundle; an unwritable path is a clear error (exit 2)."""
    from frontdesk.cli import CliError
    from frontdesk.context import AppContext
    from frontdesk.services.sync import SyncError, sync_service

    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    try:
        try:
            res = sync_service(ctx).export_bundle(args.out, for_peer=args.for_peer)
        except SyncError as exc:
            raise CliError(f"sync export --out: {exc.message}", exc.code) from None
        _print(args, res.to_json(), f"wrote {res.path}: {res.versions} versions, "
               f"{res.purges} purge orders, {res.size} bytes")
    finally:
        ctx.close()
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Verify the whole bundle, then merge it in one transaction (or only report)."""
    from frontdesk.cli import CliError
    from frontdesk.context import AppContext
    from frontdesk.services.sync import SyncError, sync_service
    from frontdesk.text import term_safe

    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    try:
        try:
            rep = sync_service(ctx).import_bundle(args.file, dry_run=args.dry_run, by="cli")
        except SyncError as exc:
            raise CliError(f"sync import {args.file}: {exc.message} (nothing was imported)",
                           exc.code) from None
        j = rep.to_json()
        verb = "would add" if rep.dry_run else "added"
        text = (f"{term_safe(rep.source_name)} ({term_safe(rep.source_site)}): {verb} "
                f"{j['new_versions']} versions ({j['new_records']} new records, "
                f"{j['changed_records']} changed, {len(rep.merge.deletions)} deleted, "
                f"{len(rep.merge.conflicts)} in conflict); {j['already_known']} already known")
        for w in rep.warnings:
            text += f"\nwarning: {term_safe(w)}"
        _print(args, j, text)
    finally:
        ctx.close()
    return 0
