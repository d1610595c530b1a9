"""``frontdesk doctor``: check the database, list backups, restore one after confirmation."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("doctor", help="integrity check, backups, restore a backup")
    p.add_argument("--restore", metavar="BACKUP",
                   help="replace the database with this backup (file name or path)")
    p.add_argument("--yes", action="store_true", help="do not ask before restoring (scripts)")
    common_db(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Report, and restore when asked; exit 0 when the database is sound."""
    from frontdesk.cli.main import CliError
    from frontdesk.clock import SystemClock
    from frontdesk.paths import resolve_paths
    from frontdesk.services.site_files import problems_in
    from frontdesk.services.trust import backup, restore
    from frontdesk.text import one_line

    paths = resolve_paths(args.db)
    as_json = getattr(args, "json", False)
    if args.restore:
        chosen = _find(args.restore, paths.backups_dir)
        if chosen is None:
            raise CliError(f"no backup called {args.restore} in {paths.backups_dir}", "no_backup")
        if not args.yes:
            sys.stdout.write(f"Replace {paths.db_file}\n   with {chosen}?\n"
                             "Everything saved since that backup will be lost (the current "
                             "database is kept as a before-restore backup; erasures made since "
                             "are applied again). Type yes to go on: ")
            sys.stdout.flush()
            if sys.stdin.readline().strip().lower() not in ("yes", "y"):
                sys.stdout.write("nothing changed\n")
                return 1
        replaced = restore.chain_head(paths.db_file)
        try:
            kept = restore.restore(chosen, paths, SystemClock().now())
        except backup.BackupError as exc:
            raise CliError(str(exc), "restore_failed", 1) from exc
        restore.record_restore(args.db, chosen, replaced)
        sys.stdout.write(f"restored {chosen.name} to {paths.db_file}\n")
        if kept is not None:
            sys.stdout.write(f"the replaced database is kept as {kept}\n")
    check = backup.integrity(paths.db_file) if paths.db_file.exists() else "no database yet"
    backups = backup.list_backups(paths.backups_dir)
    site_problems = problems_in(paths)
    if as_json:
        sys.stdout.write(json.dumps({
            "database": str(paths.db_file), "integrity": check,
            "backups": [{"file": str(b.path), "made_at": b.made_at.isoformat(), "bytes": b.size}
                        for b in backups],
            "site_files": [{"file": p.path, "line": p.line, "field": p.field,
                            "message": p.message} for p in site_problems]},
            ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"database   {paths.db_file}\nintegrity  {check}\n")
        sys.stdout.write(f"backups    {len(backups)} in {paths.backups_dir}\n")
        for b in backups:
            sys.stdout.write(f"  {b.path.name}  {b.made_at:%Y-%m-%d %H:%M} UTC  "
                             f"{b.size // 1024} KiB\n")
        state = "ok" if not site_problems else f"{len(site_problems)} mistakes (defaults in use)"
        sys.stdout.write(f"site files {state}\n")
        for p in site_problems:
            sys.stdout.write(f"  {one_line(p)}\n")
    return 0 if check in ("ok", "no database yet") and not site_problems else 1


def _find(name: str, backups_dir: Path) -> Path | None:
    """The backup a name or path means: a file given by path, or one in the backups folder."""
    p = Path(name)
    if p.is_file():
        return p
    q = backups_dir / name
    return q if q.is_file() else None
