"""Helpers for the scripts UI tests: the app in a language, the card's text, the site file."""
from __future__ import annotations

import json

from textual.widgets import Static

from frontdesk.app import FrontdeskApp
from frontdesk.context import AppContext
from frontdesk.widgets.script_card import ScriptCard


def make_app(ctx: AppContext, lang: str = "zh") -> FrontdeskApp:
    """The app in ``lang`` (the test machine's locale would pick English)."""
    ctx.prefs.language = lang
    return FrontdeskApp(ctx)


def card_text(app: FrontdeskApp) -> str:
    """Everything the card shows, as plain text."""
    return "\n".join(str(s.render()) for s in app.screen.query_one(ScriptCard).query(Static))


def write_site(ctx: AppContext, data: dict[str, object]) -> None:
    """Write the site scripts file (before the app loads the book)."""
    path = ctx.paths.site_scripts_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def notes(app: FrontdeskApp) -> list[str]:
    """The messages of the notifications on screen."""
    return [n.message for n in app._notifications]
