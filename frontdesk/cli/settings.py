"""``frontdesk settings [retention DAYS | backup-space MB]``: the privacy settings.

Without an action, prints the settings. ``retention DAYS`` sets how long personal data is kept
(1 to 3650 days; 0 is refused); ``backup-space MB`` caps the space the backups take (0: a
fifth of the space they could use). Each change is an audit event.
"""
from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand group."""
    from frontdesk.cli.main import common_db

    p = sub.add_parser("settings", help="show or change the retention period and backup space")
    actions = p.add_subparsers(dest="settings_action", metavar="ACTION")
    ret = actions.add_parser("retention", help="keep personal data DAYS days (1-3650)")
    ret.add_argument("days", type=int, help="days, 1 to 3650")
    cap = actions.add_parser("backup-space", help="cap the space backups take (MB; 0 = auto)")
    cap.add_argument("mb", type=int, help="megabytes, or 0 for automatic")
    for parser in (p, ret, cap):
        common_db(parser)
        parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Change one setting when asked, then print them all."""
    import getpass

    from frontdesk.cli.main import CliError
    from frontdesk.context import AppContext
    from frontdesk.services.trust import backup, settings

    ctx = AppContext.create(getattr(args, "db", None))
    ctx.open()
    try:
        who = f"cli:{getpass.getuser()}"
        try:
            if args.settings_action == "retention":
                settings.set_retention_days(ctx, args.days, by=who)
            elif args.settings_action == "backup-space":
                settings.set_backup_cap(ctx, args.mb, by=who)
        except settings.SettingError as exc:
            raise CliError(f"{args.settings_action}: {exc}", exc.code) from None
        info = {"retention_days": ctx.require_site().retention_days,
                "backup_space_mb": backup.cap_setting(ctx) or 0,
                "backups_dir": str(ctx.paths.backups_dir)}
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps(info) + "\n")
        else:
            cap = info["backup_space_mb"] or "automatic (a fifth of the space available)"
            sys.stdout.write(f"retention     {info['retention_days']} days "
                             "(purged at start and daily)\n"
                             f"backup space  {cap}{' MB' if info['backup_space_mb'] else ''}\n")
        return 0
    finally:
        ctx.close()
