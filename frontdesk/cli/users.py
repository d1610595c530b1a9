"""``frontdesk users list | reset-pin NAME``: who may sign in here, and the way back in.

``reset-pin`` is the recovery path when no supervisor can sign in (the only one forgot the
PIN, or this PC's ``pin.pepper`` file was lost so no PIN can be checked). It needs write access
to the database files, which are readable and writable by their owner only; see README,
"Locked out".
"""
from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand group."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("users", help="list users; reset a PIN when nobody can sign in")
    actions = p.add_subparsers(dest="users_action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="users, roles, wrong PINs since the last sign-in")
    reset = actions.add_parser("reset-pin", help="set a new PIN for NAME (asked twice)")
    reset.add_argument("name", help="the user's name as shown by 'users list'")
    reset.add_argument("--pin-stdin", action="store_true",
                       help="read the new PIN from the first line of standard input (scripts)")
    for parser in (ls, reset):
        common_db(parser)
        parser.set_defaults(func=run)


def _new_pin(from_stdin: bool) -> str:
    from frontdesk.cli.main import CliError

    if from_stdin:
        return sys.stdin.readline().strip()
    import getpass

    first = getpass.getpass("New PIN (6 digits or more): ")
    if getpass.getpass("Type it again: ") != first:
        raise CliError("the two PINs differ; nothing changed", "pin_mismatch")
    return first


def run(args: argparse.Namespace) -> int:
    """List users, or reset one PIN (audited as ``pin_reset`` by ``cli:<OS user>``)."""
    import getpass

    from frontdesk.cli.main import CliError
    from frontdesk.context import AppContext
    from frontdesk.domain.trust import pins
    from frontdesk.i18n import both
    from frontdesk.services.trust.auth import auth_service
    from frontdesk.storage import users
    from frontdesk.text import one_line

    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    try:
        auth = auth_service(ctx)
        if args.users_action == "reset-pin":
            error = auth.recover_pin(args.name.strip(), _new_pin(args.pin_stdin),
                                     who=f"cli:{getpass.getuser()}")
            if error:  # the command line speaks English, as the other commands do
                raise CliError(both(f"trust.err.{error}")[1], error)
            sys.stdout.write(f"new PIN set for {one_line(args.name.strip())}\n")
            return 0
        conn = ctx.require_db().read()
        now = ctx.clock.now()
        rows = []
        for u in users.all_users(conn):
            failed = users.failures(conn, u.name)
            lock = pins.lockout_state(failed, now, pins.PERSON_POLICY)
            rows.append({"name": u.name, "role": u.role, "disabled": u.disabled,
                         "wrong_pins": len(failed),
                         "locked_until": lock.until.isoformat() if lock.until else None,
                         "pin_checkable": pins.can_verify(u.pin_hash, auth.pepper())})
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        else:
            for r in rows:
                state = "disabled" if r["disabled"] else "active"
                extra = "" if r["pin_checkable"] else "  PIN key file changed: reset-pin"
                sys.stdout.write(f"{one_line(r['name'])}  {r['role']}  {state}  "
                                 f"wrong PINs {r['wrong_pins']}{extra}\n")
        return 0
    finally:
        ctx.close()
