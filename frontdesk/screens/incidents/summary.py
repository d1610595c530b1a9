"""The duty summary from the board (``s``): pick the day, the shift and the format; the file is
written next to the database (``summaries/``), never over an existing one."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from frontdesk.export.sheet import ExportError
from frontdesk.i18n import t
from frontdesk.screens.incidents.prompt import PromptScreen
from frontdesk.screens.trust.guard import guard_action
from frontdesk.services.incidents.report import unique_path
from frontdesk.services.incidents.summary import FORMATS, SummaryError, write_summary

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.app import FrontdeskApp


def summary_path(app: FrontdeskApp, day: date, shift: str, fmt: str) -> Path:
    """Where the board writes a summary: ``summaries/值班汇总-<day>-<shift>.<fmt>`` beside the
    database, with a -2, -3… suffix rather than replacing a file."""
    folder = app.ctx.paths.db_file.parent / "summaries"
    folder.mkdir(parents=True, exist_ok=True)
    return unique_path(folder / f"duty-summary-{day}-{shift or 'day'}.{fmt}")


def ask_summary(app: FrontdeskApp) -> None:
    """Ask day, shift and format (supervisor: it is an export, with step-up), then write."""
    ctx = app.ctx
    today = ctx.clock.now().astimezone(ZoneInfo(ctx.require_site().timezone)).date()

    def done(v: dict[str, str] | None) -> None:
        if not v:
            return
        try:
            day = date.fromisoformat(v.get("date", "").strip() or str(today))
        except ValueError:
            app.notify(t("inc.closed.bad_date"), severity="error", markup=False)
            return
        shift = "" if v.get("shift") == "all" else v.get("shift", "")
        fmt = v.get("format", "pdf")
        path = summary_path(app, day, shift, fmt)
        try:
            out, _summary = write_summary(ctx, fmt, path, day, shift or None,
                                          by=ctx.session.user)
        except (SummaryError, ExportError, OSError) as exc:
            app.notify(str(exc), severity="error", markup=False)
            return
        app.notify(t("inc.summary.done", path=str(out)), markup=False, timeout=10)

    def ask() -> None:
        app.push_screen(PromptScreen(
            t("inc.summary.title"), [("date", t("inc.summary.date"))],
            choices=[("shift", t("inc.summary.shift"),
                      [(t("inc.summary.shift.all"), "all"), (t("inc.summary.shift.day"), "day"),
                       (t("inc.summary.shift.night"), "night")]),
                     ("format", t("inc.summary.format"), [(f.upper(), f) for f in FORMATS])],
            values={"date": str(today)}), done)

    guard_action(app, "export", ask)
