"""The script card: a situation's words, big and numbered, to read aloud at arm's length.

Every text on the card may come from a site file, so all of it goes through ``ui()`` (never
parsed as markup). Variables are filled from what is known (the site's file, the site's name,
the guard on duty, the chosen entry and incident: ``extra``); one still unknown shows as a blank
that says what belongs there (``［公司总经办电话］``), highlighted, never as a variable name.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from frontdesk.domain.scripts.book import ScriptBook, Situation, render
from frontdesk.i18n import both, t
from frontdesk.text import term_safe, ui

# An unknown variable inside a rendered line (private-use marks around its name).
_BLANK = re.compile("\ue000([A-Za-z_][A-Za-z0-9_]*)\ue001")
_PAREN = re.compile(r"\s*[(（].*$")


def _marked(name: str) -> str:
    return f"\ue000{name}\ue001"


def blank_label(book: ScriptBook, name: str, lang: str) -> str:
    """What an unknown variable shows: what belongs there, in brackets (``［洽谈室名称］``)."""
    var = book.declared.get(name)
    text = _PAREN.sub("", var.description.text(lang)) if var is not None else ""
    return f"［{text or name}］"


def rendered_lines(situation: Situation, book: ScriptBook, lang: str,
                   extra: Mapping[str, str | None] | None = None) -> list[str]:
    """The lines in ``lang`` with every known value filled in; unknown ones as blanks."""
    return [_BLANK.sub(lambda m: blank_label(book, m.group(1), lang),
                       render(ln.text(lang), book.variables, _marked, extra))
            for ln in situation.lines]


def missing_variables(situation: Situation, book: ScriptBook,
                      extra: Mapping[str, str | None] | None = None) -> list[str]:
    """The variables this situation's lines still lack, in the order they appear."""
    names: list[str] = []
    for ln in situation.lines:
        for lang in ("zh", "en"):
            for m in _BLANK.finditer(render(ln.text(lang), book.variables, _marked, extra)):
                if m.group(1) not in names:
                    names.append(m.group(1))
    return names


def line_content(text: str, blanks: tuple[str, ...] = ()) -> Content:
    """One line to read out; the ``blanks`` (labels of unknown values) stand out."""
    safe = term_safe(text)
    if not blanks:
        return Content(safe)
    pattern = re.compile("|".join(re.escape(b) for b in sorted(set(blanks), key=len, reverse=True)))
    parts: list[Content | tuple[str, str]] = []
    at = 0
    for m in pattern.finditer(safe):
        parts += [Content(safe[at:m.start()]), (m.group(0), "reverse $warning")]
        at = m.end()
    parts.append(Content(safe[at:]))
    return Content.assemble(*parts)


class ScriptCard(Vertical):
    """Title, numbered lines (one language or both side by side), when to use, what next."""

    DEFAULT_CSS = """
    ScriptCard { width: 1fr; height: 1fr; background: $surface; }
    ScriptCard #card-title {
        height: auto; padding: 0 2; background: $accent; color: $text; text-style: bold;
    }
    ScriptCard #card-lines { height: auto; max-height: 70%; padding: 1 1 0 1; }
    ScriptCard .card-column { width: 1fr; height: auto; }
    ScriptCard .card-line { height: auto; padding: 0 1; margin: 0 0 1 0; }
    ScriptCard .card-num { width: 3; color: $text-accent; text-style: bold; }
    ScriptCard .card-text { width: 1fr; text-style: bold; }
    ScriptCard #card-offer { height: auto; padding: 0 2; color: $warning; text-style: bold; }
    ScriptCard #card-blanks { height: auto; padding: 0 2; color: $warning; }
    ScriptCard #card-notes { height: 1fr; padding: 0 2; color: $text-muted; }
    ScriptCard .card-note-label { color: $text-accent; text-style: bold; }
    ScriptCard #card-status { height: auto; padding: 0 2; color: $success; }
    ScriptCard #card-hint { height: 1; padding: 0 2; background: $boost; }
    """

    def __init__(self, situation: Situation, book: ScriptBook, lang: str, both_langs: bool = False,
                 offer: bool = False, status: str = "", hint: bool = True,
                 extra: Mapping[str, str | None] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hint = hint
        self.situation, self.book = situation, book
        self.lang, self.both_langs, self.offer, self.status = lang, both_langs, offer, status
        self.extra: dict[str, str | None] = dict(extra or {})

    def show(self, situation: Situation | None = None, *, lang: str | None = None,
             both_langs: bool | None = None, offer: bool | None = None,
             status: str | None = None, extra: Mapping[str, str | None] | None = None) -> None:
        """Change what the card shows and redraw it."""
        self.situation = situation or self.situation
        self.lang = lang or self.lang
        self.both_langs = self.both_langs if both_langs is None else both_langs
        self.offer = self.offer if offer is None else offer
        self.status = self.status if status is None else status
        if extra is not None:
            self.extra = dict(extra)
        self.refresh(recompose=True)

    def langs(self) -> tuple[str, ...]:
        """The languages on the card, in column order."""
        return ("zh", "en") if self.both_langs else (self.lang,)

    def lines(self, lang: str) -> list[str]:
        """The card's lines in ``lang`` as shown (known values in, blanks labelled)."""
        return rendered_lines(self.situation, self.book, lang, self.extra)

    def missing(self) -> list[str]:
        """Variables the card still lacks."""
        return missing_variables(self.situation, self.book, self.extra)

    def compose(self) -> ComposeResult:
        """The card's parts, in the order a guard reads them."""
        sit = self.situation
        title = " | ".join(sit.title.text(lg) for lg in self.langs())
        key = f"[{sit.key}] " if sit.key else ""
        yield Static(Content(key) + ui(title), id="card-title")
        missing = self.missing()
        with Horizontal(id="card-lines"):
            for lg in self.langs():
                blanks = tuple(blank_label(self.book, name, lg) for name in missing)
                with Vertical(classes="card-column"):
                    for n, text in enumerate(self.lines(lg), start=1):
                        with Horizontal(classes="card-line"):
                            yield Static(str(n), classes="card-num")
                            yield Static(line_content(text, blanks), classes="card-text")
        if missing:
            labels = "、".join(blank_label(self.book, name, self.lang) for name in missing)
            yield Static(ui(t("scripts.blanks", labels=labels)), id="card-blanks")
        if self.offer:
            yield Static(ui(" | ".join(both("scripts.offer_entry")) if self.both_langs
                            else t("scripts.offer_entry")), id="card-offer")
        with VerticalScroll(id="card-notes"):
            for field_name, label in (("when", "scripts.when"), ("next", "scripts.next")):
                value = getattr(sit, field_name)
                texts = [value.text(lg) for lg in self.langs() if value.text(lg)]
                if texts:
                    yield Static(Content.assemble((t(label), "bold")), classes="card-note-label")
                    for text in texts:
                        yield Static(ui(text), classes="card-note")
        if self.status:
            yield Static(ui(self.status), id="card-status")
        if self.hint:
            yield Static(ui(t("scripts.hint")), id="card-hint")
