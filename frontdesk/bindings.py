"""Key bindings in the current language.

Every binding has an id; its words are the i18n string ``bind.<id>`` (the description written
in ``BINDINGS`` is the fallback). The bindings Textual keeps are never rewritten: the words are
looked up each time they are shown, so a language switch only refreshes the bindings. The
footer reads them through the screens' ``active_bindings`` (:func:`translated`, overridden in
``frontdesk.screens.base``); the F1 help and the command palette call :func:`describe`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from textual.binding import ActiveBinding, Binding

from frontdesk.i18n import catalog, t



def describe(binding: Binding) -> str:
    """What ``binding`` does, in the current language.

    Ours have an id (``bind.<id>``); Textual's own ("Focus Next", "Copy selected text",
    "Dismiss menu") have none and are found by their action (``textual.<action>``).
    """
    strings = catalog()
    if binding.id and f"bind.{binding.id}" in strings:
        return t(f"bind.{binding.id}")
    if not binding.id and binding.description and f"textual.{binding.action}" in strings:
        return t(f"textual.{binding.action}")
    return binding.description


def translated(active: Mapping[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """``active`` (a screen's active bindings) with every description in the current language."""
    return {key: found._replace(binding=replace(found.binding, description=describe(found.binding)))
            for key, found in active.items()}


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
