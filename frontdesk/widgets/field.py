"""A text field whose keys never shadow the app's: Ctrl+E belongs to the screens.

Textual's ``Input`` binds Ctrl+E (end of line). On the register Ctrl+E edits the selected
entry, on the entry form it opens the entry of somebody already on site; a key means one thing
everywhere, and the footer lists keys in the order the focused widget binds them, so the
fields drop it (End does the same in a field).
"""
from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

# Keys the screens use for their own actions.
SCREEN_KEYS = frozenset({"ctrl+e"})


def _without_screen_keys(bindings: list[BindingType]) -> list[BindingType]:
    out: list[BindingType] = []
    for b in bindings:
        if not isinstance(b, Binding):
            out.append(b)
            continue
        keys = [k for k in b.key.split(",") if k.strip() not in SCREEN_KEYS]
        if keys:
            out.append(replace(b, key=",".join(keys)))
    return out


class Field(Input, inherit_bindings=False):
    """An ``Input`` without the keys the screens use (see the module doc)."""

    BINDINGS: ClassVar[list[BindingType]] = _without_screen_keys(list(Input.BINDINGS))
