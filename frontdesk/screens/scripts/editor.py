"""Editing scripts (supervisor): a situation's words or the site variables, preview, then save.

Saving writes the site file through ``save_site_overrides``: the whole file is validated first
and nothing is written when anything is wrong; the mistakes are listed with file, line, field.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static, TextArea

from frontdesk.domain.scripts.book import (
    Line,
    ScriptBook,
    ScriptFileError,
    Situation,
    read_site_data,
    save_site_overrides,
    site_file_text,
)
from frontdesk.i18n import language, t
from frontdesk.messages import DataChanged, Deliver
from frontdesk.screens.base import FrontdeskModal
from frontdesk.screens.trust.guard import guard_action
from frontdesk.services.scripts import scripts
from frontdesk.screens.discard import GuardsTyping
from frontdesk.text import clean_input, one_line, ui
from frontdesk.widgets.script_card import ScriptCard
from frontdesk.workers import db_worker

_CSS = """
{cls} { background: $background; }
{cls} .edit-head, {cls} .edit-hint { height: 1; padding: 0 1; background: $boost; }
{cls} .edit-body { height: 1fr; padding: 0 1; }
{cls} .edit-body Label { color: $text-muted; margin: 1 0 0 0; }
{cls} .edit-body TextArea { height: 6; }
{cls} .edit-errors { height: auto; color: $error; padding: 0 1; }
{cls} .edit-preview { height: auto; min-height: 12; border: round $accent; }
"""


class _EditorBase(GuardsTyping, FrontdeskModal[None]):
    """Shared: preview area, error list, save in a worker behind ``guard_action``; Esc asks
    before throwing away an edit (frontdesk.screens.discard)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="scripts.close"),
        Binding("f7", "preview", "Preview", id="scripts.preview"),
        Binding("ctrl+s", "save", "Save", id="scripts.save", priority=True),
    ]

    def __init__(self, book: ScriptBook) -> None:
        super().__init__()
        self.book = book

    def on_mount(self) -> None:
        """Keys in the current language; nothing to preview or complain about yet."""
        self.query_one(".edit-errors", Static).display = False
        self.query_one(".edit-preview", Vertical).display = False
        self._pristine = self._typed()

    def _typed(self) -> tuple[str, ...]:
        """Everything in the editor's fields now."""
        return (*(i.value for i in self.query(Input)), *(a.text for a in self.query(TextArea)))

    def unsaved(self) -> str:
        """Named while an edit is not saved."""
        return t("scripts.edit.what") if self._typed() != self._pristine else ""

    def action_cancel(self) -> None:
        """Esc: back, asking first when something was changed."""
        self.leave(self.dismiss)

    # Each editor (situation, variables) defines these two as methods:
    # candidate() -> (situation id, fields, variables) to save, ValueError with a message;
    # preview_of() -> what the card would show after saving.
    candidate: Callable[[], tuple[str | None, dict[str, Any] | None, dict[str, str | None] | None]]
    preview_of: Callable[[], tuple[Situation, ScriptBook]]

    def _errors(self, lines: list[str]) -> None:
        box = self.query_one(".edit-errors", Static)
        box.update(ui("\n".join([t("scripts.edit.not_saved"), *lines]) if lines else ""))
        box.display = bool(lines)

    def action_preview(self) -> None:
        """Show the rendered card below the form."""
        try:
            sit, book = self.preview_of()
        except ValueError as exc:
            self._errors([str(exc)])
            return
        self._errors([])
        area = self.query_one(".edit-preview", Vertical)
        area.remove_children()
        area.mount(ScriptCard(sit, book, language()))
        area.display = True
        self.query_one(".edit-body", VerticalScroll).scroll_end(animate=False)

    def action_save(self) -> None:
        """Validate and write the site file (a supervisor only)."""
        try:
            sid, fields, variables = self.candidate()
        except ValueError as exc:
            self._errors([str(exc)])
            return
        def save() -> None:
            self._save(sid, fields, variables)

        guard_action(self.fd_app, "edit_scripts", save)

    @db_worker(group="scripts-save", exclusive=True)
    def _save(self, sid: str | None, fields: dict[str, Any] | None,
              variables: dict[str, str | None] | None) -> None:
        ctx = self.ctx
        svc = scripts(ctx)
        path = ctx.paths.site_scripts_file
        try:
            text = site_file_text(read_site_data(path), sid, fields, variables)
            book = save_site_overrides(path, text, svc.shipped)
        except ScriptFileError as exc:
            self.post_message(Deliver(self._failed, [one_line(str(e), 200) for e in exc.errors]))
        except OSError as exc:
            self.post_message(Deliver(self._failed, [one_line(str(exc), 200)]))
        else:
            svc.adopt(book)
            self.post_message(Deliver(self._saved))

    def _failed(self, lines: list[str]) -> None:
        self._errors(lines)

    def _saved(self) -> None:
        self.notify(t("scripts.edit.saved"), markup=False)
        self.app.post_message(DataChanged("scripts"))
        self.dismiss()


def _pairs(zh: str, en: str) -> list[Line]:
    zh_lines = [clean_input(x) for x in zh.splitlines() if clean_input(x)]
    en_lines = [clean_input(x) for x in en.splitlines() if clean_input(x)]
    if len(zh_lines) != len(en_lines):
        raise ValueError(t("scripts.edit.lines_mismatch", zh=len(zh_lines), en=len(en_lines)))
    return [Line(a, b) for a, b in zip(zh_lines, en_lines, strict=True)]


class ScriptEditScreen(_EditorBase):
    """One situation's key, title, lines, when and next."""

    DEFAULT_CSS = _CSS.replace("{cls}", "ScriptEditScreen")
    _INPUTS = ("key", "title_zh", "title_en", "when_zh", "when_en", "next_zh", "next_en")

    def __init__(self, situation: Situation, book: ScriptBook) -> None:
        super().__init__(book)
        self.situation = situation

    def compose(self) -> ComposeResult:
        """A labelled field for each part; errors; the preview."""
        s = self.situation
        values = {"key": s.key or "", "title_zh": s.title.zh, "title_en": s.title.en,
                  "when_zh": s.when.zh, "when_en": s.when.en, "next_zh": s.next.zh,
                  "next_en": s.next.en}
        yield Static(ui(t("scripts.edit.title", id=s.id)), classes="edit-head")
        with VerticalScroll(classes="edit-body"):
            for name in ("key", "title_zh", "title_en"):
                yield Label(ui(t(f"scripts.edit.{name}")))
                yield Input(values[name], id=f"se-{name}", compact=True)
            for lang in ("zh", "en"):
                yield Label(ui(t(f"scripts.edit.lines_{lang}")))
                yield TextArea("\n".join(ln.text(lang) for ln in s.lines), id=f"se-lines_{lang}",
                               soft_wrap=True, show_line_numbers=True)
            for name in ("when_zh", "when_en", "next_zh", "next_en"):
                yield Label(ui(t(f"scripts.edit.{name}")))
                yield Input(values[name], id=f"se-{name}", compact=True)
            yield Static(classes="edit-errors")
            yield Vertical(classes="edit-preview")
        yield Static(ui(t("scripts.edit.hint")), classes="edit-hint")

    def _value(self, name: str) -> str:
        return clean_input(self.query_one(f"#se-{name}", Input).value)

    def _situation(self) -> Situation:
        key = self._value("key") or None
        lines = _pairs(self.query_one("#se-lines_zh", TextArea).text,
                       self.query_one("#se-lines_en", TextArea).text)
        return replace(self.situation, key=key, lines=tuple(lines),
                       title=Line(self._value("title_zh"), self._value("title_en")),
                       when=Line(self._value("when_zh"), self._value("when_en")),
                       next=Line(self._value("next_zh"), self._value("next_en")),
                       source="site")

    def preview_of(self) -> tuple[Situation, ScriptBook]:
        """The edited situation with the current variables."""
        return self._situation(), self.book

    def candidate(self) -> tuple[str | None, dict[str, Any] | None, dict[str, str | None] | None]:
        """Every edited part as site-file fields (an empty when/next is left out)."""
        s = self._situation()
        fields: dict[str, Any] = {"key": s.key, "title": s.title, "lines": list(s.lines)}
        for name in ("when", "next"):
            value: Line = getattr(s, name)
            if value.zh or value.en:
                fields[name] = value
        return s.id, fields, None


class ScriptVariablesScreen(_EditorBase):
    """The site's values for the variables used in lines (office phone, meeting room...)."""

    DEFAULT_CSS = _CSS.replace("{cls}", "ScriptVariablesScreen")

    def _names(self) -> list[str]:
        return [n for n, v in self.book.declared.items() if v.scope == "site"]

    def compose(self) -> ComposeResult:
        """One field per site variable, described in the current language."""
        yield Static(ui(t("scripts.edit.vars_title")), classes="edit-head")
        with VerticalScroll(classes="edit-body"):
            for name in self._names():
                desc = self.book.declared[name].description.text(language())
                yield Label(ui(f"{{{name}}} {desc}"))
                yield Input(self.book.variables.get(name) or "", id=f"sv-{name}", compact=True)
            yield Static(classes="edit-errors")
            yield Vertical(classes="edit-preview")
        yield Static(ui(t("scripts.edit.hint")), classes="edit-hint")

    def _values(self) -> dict[str, str | None]:
        return {n: clean_input(self.query_one(f"#sv-{n}", Input).value) or None
                for n in self._names()}

    def preview_of(self) -> tuple[Situation, ScriptBook]:
        """The first script that uses a site variable, with the new values."""
        book = replace(self.book, variables={**self.book.variables, **self._values()})
        names = set(self._names())
        sit = next((s for s in book.situations
                    if any("{" + n + "}" in ln.zh + ln.en for ln in s.lines for n in names)),
                   book.situations[0])
        return sit, book

    def candidate(self) -> tuple[str | None, dict[str, Any] | None, dict[str, str | None] | None]:
        """Only the variables."""
        return None, None, self._values()
