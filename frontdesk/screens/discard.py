"""Nothing typed is lost by leaving: Esc on a form with changes asks, and so does Ctrl+Q.

A screen that holds typed text mixes in :class:`GuardsTyping` and says whether anything was
typed (:meth:`GuardsTyping.unsaved`, a short description of the form, or "" when nothing was
changed). Then:

- its Esc calls ``self.leave(self.dismiss)`` (or any other way out): with nothing typed it
  leaves at once, otherwise it asks "discard what you typed?" with No as the default;
- the app's Ctrl+Q calls :func:`confirm_quit`, which looks at every screen of every mode and
  asks once, naming the forms that hold typed text, before quitting.

A form that is saved (or leaves on purpose after saving) simply dismisses itself: only
``leave`` asks.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from frontdesk.i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from textual.app import App
    from textual.screen import Screen


class GuardsTyping:
    """A screen whose typed text must not be thrown away without asking."""

    def unsaved(self) -> str:
        """A short name of the form when something typed is not saved, else ""."""
        raise NotImplementedError

    def leave(self, then: Callable[[], object]) -> None:
        """Run ``then`` (the way out) now if nothing was typed, else after a yes to "discard?"."""
        what = self.unsaved()
        if not what:
            then()
            return
        from frontdesk.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                then()

        app: App[object] = self.app  # type: ignore[attr-defined]
        app.push_screen(ConfirmScreen(t("discard.question", what=what)), answered)


def unsaved_forms(screens: Iterable[Screen[object]]) -> list[str]:
    """The names of the forms among ``screens`` that hold typed text not yet saved."""
    found: list[str] = []
    for screen in screens:
        if isinstance(screen, GuardsTyping):
            what = screen.unsaved()
            if what and what not in found:
                found.append(what)
    return found


def confirm_quit(app: App[object], screens: Iterable[Screen[object]],
                 return_code: int = 0) -> None:
    """Quit now (with ``return_code``), or, when a form among ``screens`` holds typed text, ask
    first."""
    forms = unsaved_forms(screens)
    if not forms:
        app.exit(return_code=return_code)
        return
    from frontdesk.screens.confirm import ConfirmScreen

    if isinstance(app.screen, ConfirmScreen):
        return  # already asking

    def answered(quit_anyway: bool | None) -> None:
        if quit_anyway:
            app.exit(return_code=return_code)

    app.push_screen(ConfirmScreen(t("discard.quit", forms=t("discard.sep").join(forms))), answered)
