"""``frontdesk audit verify``: check the audit hash chain and name the first broken link."""
from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("audit", help="audit trail: verify the hash chain")
    p.add_argument("what", choices=("verify",), help="verify: check every link")
    p.add_argument("--anchor", metavar="SEQ:HASH",
                   help="a head recorded outside this PC (printed register, HQ's manifest)")
    common_db(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Exit 0 "ok, N events, head …", or 1 naming the first broken link."""
    from frontdesk.cli.main import CliError
    from frontdesk.context import AppContext
    from frontdesk.services.trust.audit import audit_service
    from frontdesk.storage.db import StorageError

    anchor = None
    if args.anchor:
        seq, _sep, digest = args.anchor.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise CliError("--anchor must be SEQ:HASH (64 hex digits)", "bad_anchor")
        anchor = (int(seq), digest.lower())
    ctx = AppContext.create(args.db)
    try:
        ctx.open()
    except StorageError as exc:
        raise CliError(str(exc), "storage") from exc
    try:
        result = audit_service(ctx).verify(anchor)
    finally:
        ctx.close()
    # The chain starts at seq 1, so the last verified event is number ``count``.
    anchor_text = f"{result.count}:{result.head}"
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps({"ok": result.ok, "events": result.count, "head": result.head,
                                     "audit_head": anchor_text,
                                     "first_broken_seq": result.first_broken_seq,
                                     "reason": result.reason}) + "\n")
    elif result.ok:
        sys.stdout.write(f"ok, {result.count} events, head {anchor_text}\n")
    else:
        sys.stdout.write(f"BROKEN at event {result.first_broken_seq}: {result.reason} "
                         f"({result.count} events verified before it, last good head "
                         f"{anchor_text})\n")
    return 0 if result.ok else 1
