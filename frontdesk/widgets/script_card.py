"""The script card: a situation's words, big and numbered, to read aloud at arm's length.

Every text on the card may come from a site file, so all of it goes through ``ui()`` (never
parsed as markup). Unset variables show the domain's placeholder, highlighted.
"""
from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from frontdesk.domain.scripts.book import ScriptBook, Situation, render
from frontdesk.i18n import both, t
from frontdesk.text import term_safe, ui

_PLACEHOLDER = re.compile(r"〔[A-Za-z_][A-Za-z0-9_]*\?〕")


def line_content(text: str) -> Content:
    """One line to read out; placeholders of unset variables stand out."""
    safe = term_safe(text)
    parts: list[Content | tuple[str, str]] = []
    at = 0
    for m in _PLACEHOLDER.finditer(safe):
        parts += [Content(safe[at:m.start()]), (m.group(0), "reverse $warning")]
        at = m.end()
    parts.append(Content(safe[at:]))
    return Content.assemble(*parts)


def rendered_lines(situation: Situation, book: ScriptBook, lang: str) -> list[str]:
    """The situation's lines in ``lang`` with the site's variables filled in."""
    return [render(ln.text(lang), book.variables) for ln in situation.lines]


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
    ScriptCard #card-notes { height: 1fr; padding: 0 2; color: $text-muted; }
    ScriptCard .card-note-label { color: $text-accent; text-style: bold; }
    ScriptCard #card-status { height: auto; padding: 0 2; color: $success; }
    ScriptCard #card-hint { height: 1; padding: 0 2; background: $boost; }
    """

    def __init__(self, situation: Situation, book: ScriptBook, lang: str, both_langs: bool = False,
                 offer: bool = False, status: str = "", hint: bool = True,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.hint = hint
        self.situation, self.book = situation, book
        self.lang, self.both_langs, self.offer, self.status = lang, both_langs, offer, status

    def show(self, situation: Situation | None = None, *, lang: str | None = None,
             both_langs: bool | None = None, offer: bool | None = None,
             status: str | None = None) -> None:
        """Change what the card shows and redraw it."""
        self.situation = situation or self.situation
        self.lang = lang or self.lang
        self.both_langs = self.both_langs if both_langs is None else both_langs
        self.offer = self.offer if offer is None else offer
        self.status = self.status if status is None else status
        self.refresh(recompose=True)

    def langs(self) -> tuple[str, ...]:
        """The languages on the card, in column order."""
        return ("zh", "en") if self.both_langs else (self.lang,)

    def compose(self) -> ComposeResult:
        """The card's parts, in the order a guard reads them."""
        sit = self.situation
        title = " | ".join(sit.title.text(lg) for lg in self.langs())
        key = f"[{sit.key}] " if sit.key else ""
        yield Static(Content(key) + ui(title), id="card-title")
        with Horizontal(id="card-lines"):
            for lg in self.langs():
                with Vertical(classes="card-column"):
                    for n, text in enumerate(rendered_lines(sit, self.book, lg), start=1):
                        with Horizontal(classes="card-line"):
                            yield Static(str(n), classes="card-num")
                            yield Static(line_content(text), classes="card-text")
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
