"""What every frontdesk screen shares: typed access to the app, keys in the UI's language,
and (for the main screens) relabel-on-switch and reload-on-save."""
from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual import events
from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen

from frontdesk.access import frontdesk_app
from frontdesk.bindings import translated
from frontdesk.messages import Deliver, ReloadData
from frontdesk.workers import fails_soft

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.app import FrontdeskApp
    from frontdesk.context import AppContext

R = TypeVar("R")


class FrontdeskScreen(Screen[R]):
    """A main screen or a full-screen form: follows language switches, reloads after saves.

    The app keeps every mounted one in ``live_screens`` (whatever mode it is in) and calls
    :meth:`relabel` after a language switch; :meth:`reload` runs on mount and after any save.
    """

    @property
    def fd_app(self) -> FrontdeskApp:
        """The app, typed."""
        return frontdesk_app(self)

    @property
    def ctx(self) -> AppContext:
        """The app context."""
        return self.fd_app.ctx

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys the footer shows, in the current language."""
        return translated(super().active_bindings)

    def on_mount(self) -> None:
        """Labels in the current language; load the data."""
        self.fd_app.screen_mounted(self)
        self.relabel()
        if self.ctx.is_open:
            self._reload()

    def on_unmount(self) -> None:
        """Gone: no more relabels or reloads."""
        self.fd_app.screen_unmounted(self)

    def on_reload_data(self, _message: ReloadData) -> None:
        """Something was saved elsewhere: reload."""
        if self.ctx.is_open:
            self._reload()

    @fails_soft
    def _reload(self) -> None:
        """:meth:`reload`; a screen that loads on the UI thread and fails says so, and stays."""
        self.reload()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A widget took the focus: toasts move to the other half of the screen from it (never
        over the field typed in). Its keys (Textual's too) reach the footer in our language
        through :attr:`active_bindings`."""
        region = event.widget.region
        self.set_class(region.y + region.height // 2 > self.size.height // 2, "-toasts-top")

    def on_deliver(self, message: Deliver) -> None:
        """Run a worker's result on the UI thread (if this screen is still there)."""
        if self.is_attached:
            message.callback(*message.args)

    @property
    def current_incident_id(self) -> str | None:
        """The incident this screen is about (a script read here is recorded against it)."""
        return None

    def relabel(self) -> None:
        """Set every label from the current language (called on mount and on a switch)."""

    def reload(self) -> None:
        """Load or reload data from the store."""


class FrontdeskModal(ModalScreen[R]):
    """A dialog over a frontdesk screen: typed access to the app, keys in the UI's language."""

    @property
    def fd_app(self) -> FrontdeskApp:
        """The app, typed."""
        return frontdesk_app(self)

    @property
    def ctx(self) -> AppContext:
        """The app context."""
        return self.fd_app.ctx

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys a footer shows, in the current language."""
        return translated(super().active_bindings)

    def relabel(self) -> None:
        """Set every label from the current language (a dialog that has words overrides it;
        the app calls it on every dialog shown when the language switches)."""

    def on_deliver(self, message: Deliver) -> None:
        """Run a worker's result on the UI thread (if this dialog is still there)."""
        if self.is_attached:
            message.callback(*message.args)

