"""The ``frontdesk`` command: start the app, or run one of the scriptable subcommands.

``frontdesk [--db PATH]`` starts the app; ``frontdesk --where`` prints where data lives.
Subcommands live in ``frontdesk/cli/<group>.py`` modules, listed in :data:`SUBCOMMANDS`;
each adds its parser and imports what it needs only when it runs, so ``--help`` is quick.
"""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

# Every subcommand group, in the order ``--help`` lists them (one module each, wired here).
SUBCOMMANDS = ("audit", "conflicts", "contacts", "demo", "doctor", "export", "incident",
               "settings", "sync", "users", "visit")


def _subcommand_modules() -> list[str]:
    """The module of every subcommand group."""
    return [f"frontdesk.cli.{name}" for name in SUBCOMMANDS]


def build_parser(subcommands: bool = True) -> argparse.ArgumentParser:
    """The whole command line (without the subcommands when only the app is started)."""
    parser = argparse.ArgumentParser(
        prog="frontdesk",
        description="Gate booth and duty room app: register, scripted replies, incidents, "
        "escalation, export and file sync.",
    )
    parser.add_argument("--db", metavar="PATH", help="database file (default: user data dir)")
    parser.add_argument("--where", action="store_true", help="print where data lives and exit")
    parser.add_argument("--lang", choices=("zh", "en"), help="UI language for this run")
    parser.add_argument("--json", action="store_true", help="print JSON (with subcommands)")
    parser.add_argument("--version", action="version", version=f"frontdesk {_version()}")
    if not subcommands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _subcommand_modules():
        importlib.import_module(name).add_parser(sub)
    return parser


def _version() -> str:
    """The installed version (the package's own when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("frontdesk")
    except PackageNotFoundError:
        from frontdesk import __version__

        return __version__


def common_db(parser: argparse.ArgumentParser) -> None:
    """``--db``, ``--json`` and ``--lang`` on a subcommand too (so they may follow it)."""
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="database file (default: user data dir)")
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print JSON")
    parser.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS,
                        help="language of messages (default: the system locale's)")


def where(db: str | None, as_json: bool) -> int:
    """Print the paths in use."""
    from frontdesk.paths import resolve_paths

    p = resolve_paths(db)
    info = {"database": str(p.db_file), "data_dir": str(p.data_dir),
            "config_dir": str(p.config_dir), "backups_dir": str(p.backups_dir),
            "prefs": str(p.prefs_file), "site_scripts": str(p.site_scripts_file),
            "log": str(p.log_file)}
    if as_json:
        sys.stdout.write(json.dumps(info, ensure_ascii=False, indent=2) + "\n")
    else:
        for key, value in info.items():
            sys.stdout.write(f"{key:13} {value}\n")
    return 0


def run_app(db: str | None, lang: str | None) -> int:
    """Start the full-screen app; its exit code (0, or non-zero after an error: docs/cli.md)."""
    from frontdesk.app import FrontdeskApp
    from frontdesk.context import AppContext

    ctx = AppContext.create(db)
    ctx.auth_required = True
    if lang:
        ctx.prefs.language, ctx.prefs.language_from_system = lang, False
    _log_to_file(ctx.paths.log_file)
    app = FrontdeskApp(ctx)
    app.run()
    code = app.return_code
    return 1 if code is None else code


class _QuietFileHandler(logging.FileHandler):
    """A log file that, when it cannot be written (full or read-only disk), stays silent:
    the traceback logging would print goes to the terminal the app is drawing on."""

    def handleError(self, record: logging.LogRecord) -> None:
        """Drop the record."""


def _log_to_file(path: Path) -> None:
    """The app's log (failures with their details) goes to ``path``, opened on first use."""
    handler = _QuietFileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("frontdesk")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def _names_subcommand(words: Sequence[str]) -> bool:
    """True unless the words only start the app: importing every subcommand module for the
    parser costs about 50 ms before the first frame (bench/bench_startup.py)."""
    takes_value = {"--db", "--lang"}
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in ("-h", "--help") or not word.startswith("-"):
            return True
        elif word in takes_value:
            skip = True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``frontdesk`` script."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(subcommands=_names_subcommand(words))
    args = parser.parse_args(argv)
    if args.where:
        return where(args.db, args.json)
    func = getattr(args, "func", None)
    if func is None:
        return run_app(args.db, args.lang)
    from frontdesk import i18n
    from frontdesk.prefs import system_language

    # Messages of every subcommand in the language asked for (else the system locale's).
    i18n.set_language(args.lang or system_language())
    try:
        return int(func(args) or 0)
    except CliError as exc:
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps({"error": exc.code, "message": str(exc)},
                                        ensure_ascii=False) + "\n")
        else:
            sys.stderr.write(f"frontdesk: {exc}\n")
        return exc.exit_code


class CliError(Exception):
    """A clear message for the command line; nothing was changed."""

    def __init__(self, message: str, code: str = "error", exit_code: int = 2) -> None:
        super().__init__(message)
        self.code = code
        self.exit_code = exit_code
