"""Starting the app parses the command line without loading every subcommand module."""
from __future__ import annotations

import subprocess
import sys

from frontdesk.cli.main import _names_subcommand, build_parser


def test_only_app_options_need_no_subcommands() -> None:
    """Options that start the app (and their values) are not subcommands; anything else is."""
    assert not _names_subcommand([])
    assert not _names_subcommand(["--db", "demo", "--lang", "zh"])
    assert not _names_subcommand(["--where", "--json"])
    assert _names_subcommand(["--db", "x.db", "demo"])
    assert _names_subcommand(["--help"])
    assert _names_subcommand(["visit", "list"])


def test_plain_parser_reads_app_options_and_full_one_has_subcommands() -> None:
    """The short parser understands the app's options; the full one still lists ``demo``."""
    args = build_parser(subcommands=False).parse_args(["--db", "x.db", "--lang", "en"])
    assert (args.db, args.lang) == ("x.db", "en")
    assert "demo" in build_parser().format_help()


def test_starting_the_app_imports_no_subcommand_module() -> None:
    """Parsing ``--db X --lang zh`` as ``frontdesk`` does loads no subcommand module."""
    code = ("import sys, frontdesk.cli.main as c; words = ['--db', 'x.db', '--lang', 'zh'];"
            " c.build_parser(c._names_subcommand(words)).parse_args(words);"
            " print([m for m in sys.modules if m.startswith('frontdesk.cli.') and m != 'frontdesk.cli.main'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
