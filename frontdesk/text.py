"""Untrusted text made safe to show (DESIGN.md, "Untrusted text").

Every string a user or an imported file supplies goes through :func:`term_safe` before it
reaches the terminal, and through :func:`ui` / :func:`cell` before it reaches a widget, so
markup is never parsed and control or bidi characters never reach the terminal.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from rich.text import Text
    from textual.content import Content

# C0 controls except \t and \n, DEL, C1 controls, and the bidi embedding/override/isolate marks.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
REPLACEMENT = "\ufffd"


def term_safe(value: object) -> str:
    """Return ``value`` as text with every control and bidi character replaced by U+FFFD."""
    if value is None:
        return ""
    return _UNSAFE.sub(REPLACEMENT, str(value))


_BREAKS = re.compile("[\n\t\u2028\u2029]")


def one_line(value: object, limit: int | None = None) -> str:
    """Like :func:`term_safe`, with newlines (also U+2028/U+2029) and tabs folded to spaces and
    an optional cut."""
    s = _BREAKS.sub(" ", term_safe(value))
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    return s


def clean_input(value: str) -> str:
    """What a form saves: control characters dropped (not replaced), outer whitespace trimmed."""
    return _UNSAFE.sub("", value).strip()


def drop_unsafe(value: str) -> str:
    """Control and bidi characters removed, nothing else touched (for text being typed)."""
    return _UNSAFE.sub("", value)


def ui(value: object) -> Content:
    """Untrusted text as Textual ``Content`` (never parsed as markup)."""
    from textual.content import Content

    return Content(term_safe(value))


def cell(value: object, limit: int | None = None) -> Text:
    """Untrusted text as a Rich ``Text`` for DataTable cells and Tree labels."""
    from rich.text import Text

    return Text(one_line(value, limit))
