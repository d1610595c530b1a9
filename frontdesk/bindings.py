"""Key bindings in the current language.

Every binding has an id; its description is the i18n string ``bind.<id>``. Textual keeps a copy
of the bindings on each node, so on start and after a language switch :func:`localize` rewrites
the descriptions of a node's bindings; the footer and the help screen then speak the language.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from frontdesk.i18n import catalog, t

from textual.binding import Binding

if TYPE_CHECKING:  # pragma: no cover
    from textual.dom import DOMNode


def localize(node: DOMNode) -> None:
    """Rewrite the descriptions of ``node``'s bindings in the current language.

    Ours have an id (``bind.<id>``); Textual's own ("Focus Next", "Copy selected text",
    "Dismiss menu") have none and are found by their action (``textual.<action>``).
    """
    strings = catalog()
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [_localized(b, strings) for b in bindings]


def _localized(b: Binding, strings: dict[str, tuple[str, str]]) -> Binding:
    if b.id and f"bind.{b.id}" in strings:
        return replace(b, description=t(f"bind.{b.id}"))
    if not b.id and b.description and f"textual.{b.action}" in strings:
        return replace(b, description=t(f"textual.{b.action}"))
    return b


def modal_keys() -> list[Binding]:
    """F1 (help) and F9 (language) for a modal screen.

    Textual checks only the bindings of a modal screen and what is focused on it, not the
    app's, so without these F1 and F9 would do nothing in a dialog (the sign-in, a script
    card). They run the app's own actions: a key means the same everywhere.
    """
    return [
        Binding("f1", "app.help", "Help", id="app.help"),
        Binding("f9", "app.switch_language", "中/EN", id="app.language"),
    ]
