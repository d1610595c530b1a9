"""Typed access to the running :class:`~frontdesk.app.FrontdeskApp` from any screen or widget.

Textual types ``node.app`` as a plain ``App``; the frontdesk app and its context are reached
through :func:`frontdesk_app` (one cast, here) instead of a ``# type: ignore`` at each use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # pragma: no cover
    from textual.message_pump import MessagePump

    from frontdesk.app import FrontdeskApp
    from frontdesk.context import AppContext


def frontdesk_app(node: MessagePump) -> FrontdeskApp:
    """The app ``node`` runs in (every screen and widget of frontdesk runs in a FrontdeskApp)."""
    return cast("FrontdeskApp", node.app)


def context_of(node: MessagePump) -> AppContext:
    """The context of the app ``node`` runs in."""
    return frontdesk_app(node).ctx
