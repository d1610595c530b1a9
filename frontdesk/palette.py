"""The command palette (Ctrl+P): every action, found by its words in either language.

A newcomer types what they want in the words they have: "导出" or "export", "打印" or "print",
"签离" or "sign out", from any screen. :func:`entries` lists the actions: every key of the
screen and of the app that has an id (what the key does, the palette does), plus the gate's
everyday actions that live on one screen (export, print a visitor slip, sign out, new entry),
which take the guard there. Each entry is matched against its title in both languages and a
few more words (``palette.words.<id>``); it shows in the current language. When nothing
matches, one line says what to try instead of Textual's "No matches found".
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from frontdesk.bindings import describe
from frontdesk.i18n import both, catalog, t

if TYPE_CHECKING:  # pragma: no cover
    from textual.screen import Screen

    from frontdesk.app import FrontdeskApp


@dataclass(frozen=True)
class Entry:
    """One action: its title now, its help line, the words it is found by, what it runs."""

    id: str
    title: str
    help: str
    words: str
    run: Callable[[], object]


def _words(key: str, *extra: str) -> str:
    """Both languages of ``key`` and of ``palette.words.<id>``, for matching."""
    strings = catalog()
    parts = [*both(key), *extra]
    if f"palette.words.{key}" in strings:
        parts += both(f"palette.words.{key}")
    return " ".join(parts)


def _on_register(app: FrontdeskApp, then: Callable[[object], object], note: str = "") -> None:
    """Run ``then(register)`` on the register, switching to it first if needed."""
    from frontdesk.screens.register.register import RegisterScreen

    def go() -> None:
        if isinstance(app.screen, RegisterScreen):
            then(app.screen)
            if note:
                app.notify(t(note), markup=False)

    if isinstance(app.screen, RegisterScreen):
        go()
    else:
        app.switch_mode("register")
        app.call_after_refresh(go)


def gate_entries(app: FrontdeskApp, screen: Screen[object]) -> list[Entry]:
    """The everyday actions found from any screen (they take the guard where they happen)."""
    from frontdesk.screens.register.register import RegisterScreen

    on_register = isinstance(screen, RegisterScreen)

    def sign_out() -> None:
        if on_register:
            screen.call_later(screen.run_action, "sign_out")
        else:
            _on_register(app, lambda reg: reg.show_on_site(), "palette.note.sign_out")  # type: ignore[attr-defined]

    def slip() -> None:
        if on_register:
            screen.call_later(screen.run_action, "slip")
        else:
            _on_register(app, lambda _reg: None, "palette.note.slip")

    def new_entry() -> None:
        _on_register(app, lambda reg: reg.call_later(reg.run_action, "new_entry"))  # type: ignore[attr-defined]

    gate = [
        ("palette.export", lambda: app.switch_mode("sync")),
        ("palette.print", slip),
        ("palette.sign_out", sign_out),
        ("palette.new_entry", new_entry),
    ]
    return [Entry(key, t(key), t(f"{key}.help"), _words(key, *both(f"{key}.help")), run)
            for key, run in gate]


def entries(app: FrontdeskApp, screen: Screen[object]) -> list[Entry]:
    """Every action for the palette on ``screen``: its keys, the app's, the gate's, settings."""
    out: list[Entry] = [
        Entry("cmd.language", t("cmd.language"), t("cmd.language.help"),
              _words("cmd.language", *both("cmd.language.help")), app.action_switch_language),
        Entry("cmd.theme", t("cmd.theme"), t("cmd.theme.help"),
              _words("cmd.theme", *both("cmd.theme.help")), app.action_change_theme),
    ]
    seen: set[str] = {"app.language", "app.quit", "app.palette"}
    strings = catalog()
    # The screen's active bindings hold the app's too (each with the node it runs on).
    for active in screen.active_bindings.values():
        b = active.binding
        if not b.id or b.id in seen or not b.description:
            continue
        seen.add(b.id)
        key = f"bind.{b.id}"
        words = _words(key) if key in strings else b.description
        out.append(Entry(b.id, describe(b), app.get_key_display(b), words,
                         functools.partial(app.run_action, b.action, active.node)))
    out += [e for e in gate_entries(app, screen) if e.id not in seen]
    out.append(Entry("cmd.quit", t("cmd.quit"), t("cmd.quit.help"),
                     _words("cmd.quit", *both("cmd.quit.help")), app.action_quit))
    return out


def _score(matcher: object, entry: Entry) -> float:
    """How well the query matches the entry's title, or any of its words in either language."""
    match = matcher.match  # type: ignore[attr-defined]
    best = float(match(entry.title))
    for word in entry.words.split():
        best = max(best, float(match(word)) * 0.9)
    return max(best, float(match(entry.words)) * 0.8)


class ActionsProvider(Provider):
    """The palette's only provider: :func:`entries`, matched in both languages."""

    def _entries(self) -> list[Entry]:
        return entries(self.app, self.screen)  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        """Everything, alphabetically, while nothing is typed."""
        for e in sorted(self._entries(), key=lambda e: e.title):
            yield DiscoveryHit(e.title, e.run, help=e.help)

    async def search(self, query: str) -> Hits:
        """The entries the query matches (title highlighted), or one line saying what to try."""
        matcher = self.matcher(query)
        found = False
        for e in self._entries():
            score = _score(matcher, e)
            if score > 0:
                found = True
                shown = matcher.highlight(e.title) if matcher.match(e.title) else Content(e.title)
                yield Hit(score, shown, e.run, help=e.help)
        if not found:
            yield Hit(0.001, Content(t("palette.nothing")), lambda: None,
                      help=t("palette.try"))


def system_commands(app: FrontdeskApp, screen: Screen[object],
                    ) -> Iterable[tuple[str, str, Callable[[], object]]]:
    """(title, help, callback) of every entry (``App.get_system_commands``)."""
    for e in entries(app, screen):
        yield e.title, e.help, e.run
