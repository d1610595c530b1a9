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
    from frontdesk.demo import fill

    ctx = AppContext.create(args.db)
    ctx.open()
    n = fill(ctx, args.seed)
    if args.json:
        sys.stdout.write(json.dumps({"database": str(ctx.paths.db_file), "visits": n}) + "\n")
    else:
        sys.stdout.write(f"demo data written to {ctx.paths.db_file} ({n} register entries)\n")
    ctx.close()
    return 0
