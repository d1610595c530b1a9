"""Saying at start what is wrong with the site's own files, as the scripts file does.

The check reads two small files in a worker after the store opens; when it finds mistakes, one
notification names the file, line and field of each (the app keeps running on the shipped
defaults meanwhile).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.i18n import t
from frontdesk.messages import Deliver
from frontdesk.text import one_line
from frontdesk.workers import run_in_thread

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.app import FrontdeskApp
    from frontdesk.domain.sitefile import FileProblem

SHOWN = 6


def check_site_files(app: FrontdeskApp) -> None:
    """Start the check in a worker; a notification follows if anything is wrong."""
    target = app.screen
    ctx = app.ctx

    def check() -> None:
        from frontdesk.services.site_files import problems

        found = problems(ctx)
        if found:
            target.post_message(Deliver(announce, app, found))

    run_in_thread(app, check, group="site-files-check")


def announce(app: FrontdeskApp, found: list[FileProblem]) -> None:
    """One notification listing the first few mistakes, each with file, line and field."""
    listed = "\n".join(one_line(str(p), 160) for p in found[:SHOWN])
    if len(found) > SHOWN:
        listed += "\n" + t("site_files.more", n=len(found) - SHOWN)
    app.notify(t("site_files.errors", errors=listed), severity="error", timeout=30, markup=False)
