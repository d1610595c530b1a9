"""``frontdesk demo``: fill a database with realistic sample data."""
from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("demo", help="fill a database with realistic sample data")
    common_db(p)
    p.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Fill the database named by ``--db`` (or the default one)."""
    from frontdesk.context import AppContext
    from frontdesk.demo import add_demo_users, fill
    from frontdesk.i18n import t

    ctx = AppContext.create(args.db)
    ctx.open()
    try:
        n = fill(ctx, args.seed)
        users = add_demo_users(ctx)
    finally:
        ctx.close()
    if args.json:
        sys.stdout.write(json.dumps({
            "database": str(ctx.paths.db_file), "visits": n,
            "users": [{"name": name, "role": role, "pin": pin} for name, role, pin in users],
        }, ensure_ascii=False) + "\n")
        return 0
    lines = [t("demo.written", path=str(ctx.paths.db_file), n=n)]
    if users:
        lines.append(t("demo.sign_in", db=str(ctx.paths.db_file)))
        lines += [t("demo.user", name=name, role=t(f"trust.role.{role}"), pin=pin)
                  for name, role, pin in users]
    else:
        lines.append(t("demo.existing_users"))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
