"""F5: every situation with its key, title and source; a digit opens that key's card at once
(F5 then 1 is the same as Alt+1, in any terminal); letters filter, Enter opens the card."""
from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk import i18n
from frontdesk.bindings import modal_keys
from frontdesk.domain.scripts.book import ScriptBook, Situation
from frontdesk.i18n import t
from frontdesk.screens.base import FrontdeskModal
from frontdesk.screens.help import Explained
from frontdesk.text import one_line, ui
from frontdesk.widgets.field import Field


def matches(situation: Situation, query: str) -> bool:
    """Does the filter text appear in the id, key or either title?"""
    q = query.strip().casefold()
    hay = " ".join((situation.id, situation.key or "", situation.title.zh, situation.title.en))
    return not q or q in hay.casefold()


def option_label(situation: Situation) -> Content:
    """``[1] title · source`` (the title may come from a site file)."""
    key = f"[{situation.key}]" if situation.key else "   "
    title = one_line(situation.title.text(i18n.language()), 60)
    source = t(f"scripts.source.{situation.source}")
    return Content.assemble((f"{key} ", "bold $accent"), ui(title), (f"  · {source}", "dim"))


class ScriptPickerScreen(Explained, FrontdeskModal[None]):
    """Choose a script by its key, or by typing part of its title."""

    HELP = "picker"

    DEFAULT_CSS = """
    ScriptPickerScreen { align: center middle; }
    #picker-box { width: 90%; height: 90%; border: round $accent; background: $surface; }
    #picker-title, #picker-hint { height: 1; padding: 0 1; }
    #picker-filter { margin: 0 1; }
    #picker-list { height: 1fr; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Back", id="scripts.close"),
        Binding("f7", "app.script_manager", "Manage scripts", id="scripts.manage"),
        *modal_keys(),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
    ]

    def __init__(self, book: ScriptBook) -> None:
        super().__init__()
        self.book = book
        self.shown: list[Situation] = []

    def compose(self) -> ComposeResult:
        """Title, filter, list, hint."""
        with Vertical(id="picker-box"):
            yield Static(ui(t("scripts.picker.title")), id="picker-title")
            yield Field(placeholder=t("scripts.picker.filter"), id="picker-filter", compact=True)
            yield OptionList(id="picker-list")
            yield Static(ui(t("scripts.picker.hint")), id="picker-hint")

    def on_mount(self) -> None:
        """All situations, keyed first; the filter has the focus."""
        self._fill("")
        self.set_focus(self.query_one("#picker-filter", Input))

    def _fill(self, query: str) -> None:
        self.shown = [s for s in self.book.ordered() if matches(s, query)]
        options = self.query_one("#picker-list", OptionList)
        options.clear_options()
        options.add_options([Option(option_label(s), id=s.id) for s in self.shown])
        if self.shown:
            options.highlighted = 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        typed = event.value
        if len(typed) == 1 and typed.isdigit():
            situation = self.book.by_key(typed)
            if situation is not None:  # F5 then a digit: that script, as Alt+digit does
                self._open(situation)
                return
        self._fill(typed)

    def action_move(self, step: int) -> None:
        """Up/down move in the list while typing in the filter."""
        options = self.query_one("#picker-list", OptionList)
        if self.shown:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    @on(Input.Submitted, "#picker-filter")
    def _submitted(self, _event: Input.Submitted) -> None:
        index = self.query_one("#picker-list", OptionList).highlighted
        if index is not None and 0 <= index < len(self.shown):
            self._open(self.shown[index])

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        sit = self.book.by_id(event.option.id or "")
        if sit is not None:
            self._open(sit)

    def _open(self, situation: Situation) -> None:
        from frontdesk.screens.scripts.view import show_situation

        app = self.fd_app
        self.dismiss()
        show_situation(app, situation)

