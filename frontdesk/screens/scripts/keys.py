"""The keys that put a script up: Alt+digit (one chord), never a bare digit.

A bare digit is what a guard types into a search or a PIN; reading it as "show script 3" wrote
readings nobody read (issue 17). Most terminals send Alt+1 as ESC 1, which Textual reads as the
character macOS types for Option+1 ("¡"), and a focused text field would take it as text;
terminals speaking the kitty protocol send "alt+1". :func:`as_alt_digit` turns the first into
the second before anything else sees the key, so the app binds "alt+1" only and the key means
the same on every screen, in a field or not. F5 then a digit does the same in any terminal.
"""
from __future__ import annotations

from textual import events

# What Textual calls the key a terminal sends for Alt+digit (ESC digit), by digit.
OPTION_KEYS: dict[str, int] = {
    "inverted_exclamation_mark": 1, "trade_mark_sign": 2, "pound_sign": 3, "cent_sign": 4,
    "infinity": 5, "section_sign": 6, "pilcrow_sign": 7, "bullet": 8, "ª": 9,
}


def script_keys(digit: int) -> str:
    """The binding key for script ``digit`` (1-9)."""
    return f"alt+{digit}"


def as_alt_digit(event: events.Key) -> events.Key:
    """``event``, or an Alt+digit key event when the terminal sent Alt+digit as ESC digit."""
    digit = OPTION_KEYS.get(event.key)
    return events.Key(f"alt+{digit}", None) if digit is not None else event
