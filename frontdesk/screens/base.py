"""What every frontdesk screen shares: the context, the language hooks, store messages."""
from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual import events
from textual.screen import Screen

from frontdesk.bindings import localize
from frontdesk.messages import Deliver, ReloadData, StoreFailed, StoreReady

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.app import FrontdeskApp
    from frontdesk.context import AppContext

R = TypeVar("R")


class FrontdeskScreen(Screen[R]):
    """A screen that knows the app context and re-labels itself on a language switch."""

    @property
    def fd_app(self) -> FrontdeskApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    @property
    def ctx(self) -> AppContext:
        """The app context."""
        return self.fd_app.ctx

    def on_mount(self) -> None:
        """Bindings in the current language; load data if the store is already open."""
        localize(self)
        self.relabel()
        if self.ctx.is_open:
            self.reload()

    def on_store_ready(self, _message: StoreReady) -> None:
        """The store opened: load."""
        self.reload()

    def on_store_failed(self, message: StoreFailed) -> None:
        """The store did not open."""

    def on_reload_data(self, _message: ReloadData) -> None:
        """Something was saved elsewhere: reload."""
        if self.ctx.is_open:
            self.reload()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A widget took the focus: its own keys (Textual's, in the footer) in our language;
        toasts move to the other half of the screen from it (never over the field typed in)."""
        localize(event.widget)
        region = event.widget.region
        self.set_class(region.y + region.height // 2 > self.size.height // 2, "-toasts-top")

    def on_deliver(self, message: Deliver) -> None:
        """Run a worker's result on the UI thread (if this screen is still there)."""
        if self.is_attached:
            message.callback(*message.args)  # type: ignore[operator]

    def relabel(self) -> None:
        """Set every label from the current language (called on mount and on a switch)."""

    def reload(self) -> None:
        """Load or reload data from the store."""
