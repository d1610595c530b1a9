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
    """What ``binding`` does, in the current language."""
    if binding.id and f"bind.{binding.id}" in catalog():
        return t(f"bind.{binding.id}")
    return binding.description


def translated(active: Mapping[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """``active`` (a screen's active bindings) with every description in the current language."""
    return {key: found._replace(binding=replace(found.binding, description=describe(found.binding)))
            for key, found in active.items()}
