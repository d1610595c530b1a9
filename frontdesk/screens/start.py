"""The first screen: "opening the database", or why it did not open and what to do.

Nothing of the data is on it, and no app key but language and quit works while it is up
(``FrontdeskApp.check_action``). When the open fails it says, in the UI's language, what is
wrong, what to do, where the database and the backups are and that ``frontdesk doctor``
checks and repairs; R tries again, and a lock (another program holding the database) is
retried by itself every few seconds, the countdown shown. Once the database is open, the app
puts sign-in over this screen and then leaves it for the register.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from frontdesk.i18n import t
from frontdesk.screens.base import FrontdeskScreen
from frontdesk.text import ui

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.services.failures import Failure

#: Seconds between tries while the database is locked by another program.
RETRY_SECONDS = 5


class StartScreen(FrontdeskScreen[None]):
    """Opening the database; a failed open, explained, with retry."""

    DEFAULT_CSS = """
    StartScreen { align: center middle; }
    StartScreen #start-box { width: 76; max-width: 100%; height: auto; padding: 1 2;
        border: round $primary; background: $surface; }
    StartScreen.-failed #start-box { border: thick $error; }
    StartScreen #start-status { text-style: bold; }
    StartScreen.-failed #start-status { color: $error; }
    StartScreen .start-line { height: auto; }
    StartScreen #start-retry { color: $warning; }
    StartScreen #start-paths { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry", id="start.retry"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.failure: Failure | None = None
        """Why the last try failed (None while opening)."""
        self.tries = 0
        """How many opens have failed so far."""
        self.retry_at: datetime | None = None
        """When the next try starts by itself (only for a lock)."""

    def compose(self) -> ComposeResult:
        """Title, status, what and what to do, paths, retry countdown, keys."""
        yield Header()
        with Vertical(id="start-box"):
            yield Static(id="start-status", classes="start-line")
            yield Static(id="start-what", classes="start-line")
            yield Static(id="start-todo", classes="start-line")
            yield Static(id="start-detail", classes="start-line")
            yield Static(id="start-retry", classes="start-line")
            yield Static(id="start-paths", classes="start-line")
        yield Footer()

    def on_mount(self) -> None:
        """Count down to the next try once a second (from the context's clock)."""
        self.set_interval(1.0, self.tick)

    def relabel(self) -> None:
        """Everything in the current language."""
        failure = self.failure
        failed = failure is not None
        self.set_class(failed, "-failed")
        self.query_one("#start-status", Static).update(
            ui(t("start.failed") if failed else t("start.opening")))
        what = todo = detail = retry = paths = ""
        if failure is not None:
            from frontdesk.services.failures import describe  # only after a failure

            what, todo = describe(failure, self.ctx.paths.backups_dir)
            detail = f"({failure.detail})"
            if self.retry_at is not None:
                left = max(0, int((self.retry_at - self.ctx.clock.now()).total_seconds() + 0.999))
                retry = t("start.retry_in", n=left, tries=self.tries + 1)
            paths = "\n".join((t("start.file", path=str(self.ctx.paths.db_file)),
                               t("start.backups", path=str(self.ctx.paths.backups_dir)),
                               t("start.doctor"), t("start.keys")))
        for wid, text in (("what", what), ("todo", todo), ("detail", detail), ("retry", retry),
                          ("paths", paths)):
            widget = self.query_one(f"#start-{wid}", Static)
            widget.update(ui(text))
            widget.display = bool(text)

    def failed(self, failure: Failure) -> None:
        """The open failed: say why; a lock is tried again by itself."""
        self.failure = failure
        self.tries += 1
        self.retry_at = (self.ctx.clock.now() + timedelta(seconds=RETRY_SECONDS)
                         if failure.passes_by_itself else None)
        self.relabel()

    def tick(self) -> None:
        """Once a second: the countdown, and the try when it is due."""
        if self.retry_at is None:
            return
        if self.ctx.clock.now() >= self.retry_at:
            self.action_retry()
        else:
            self.relabel()

    def action_retry(self) -> None:
        """R: try to open the database again now."""
        if self.failure is None:
            return  # already opening
        self.failure, self.retry_at = None, None
        self.relabel()
        self.fd_app.open_store()
