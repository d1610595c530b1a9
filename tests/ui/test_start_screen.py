"""A database that does not open is a screen, not a crash: it says what is wrong and what to do
in the UI's language, retries a lock by itself, and quitting from it exits non-zero."""
from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Static

from frontdesk.app import EXIT_STORE_FAILED, FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.i18n import t
from frontdesk.paths import resolve_paths
from frontdesk.screens.register.register import RegisterScreen
from frontdesk.screens.start import RETRY_SECONDS, StartScreen
from frontdesk.screens.trust.signin import SignInScreen
from frontdesk.services.register import VisitForm
from frontdesk.services.trust.auth import auth_service
from tests.conftest import TERMINAL
from tests.ui.helpers import settle

PIN = "582913"


def prepared(home: Path, clock: FrozenClock, lang: str, db: str | None = None) -> AppContext:
    """A set-up site (a supervisor, one entry) the app will open itself; nobody signed in."""
    setup = AppContext.create(clock=clock, paths=resolve_paths(db=db, home=str(home)))
    setup.open()
    assert auth_service(setup).create_first_supervisor("陈主管", PIN, "阳光花园",
                                                       "Asia/Shanghai") is None
    setup.register.add(VisitForm(values={"name": "张三"}), by="陈主管")
    setup.close()
    ctx = AppContext.create(clock=clock, paths=resolve_paths(db=db, home=str(home)))
    ctx.auth_required = True
    ctx.prefs.language = lang
    return ctx


def shown(app: FrontdeskApp) -> str:
    """Every text on the current screen."""
    return "\n".join(str(s.render()) for s in app.screen.query(Static))


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_locked_database_is_retried_until_it_opens_then_sign_in(
        tmp_path: Path, clock: FrozenClock, lang: str) -> None:
    """Locked at start: what and what to do, a countdown, no data; the lock ends, the next
    try opens it, and sign-in comes (not the register)."""
    ctx = prepared(tmp_path / "home", clock, lang)
    holder = sqlite3.connect(ctx.paths.db_file, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program writing
    app = FrontdeskApp(ctx)
    try:
        async with app.run_test(size=TERMINAL) as pilot:
            await settle(pilot)  # the open waits out the busy timeout, then fails
            start = app.screen
            assert isinstance(start, StartScreen)
            text = shown(app)
            assert t("start.failed") in text
            assert t("fail.locked") in text and t("fail.locked.todo") in text
            assert t("start.retry_in", n=RETRY_SECONDS, tries=2) in text
            assert str(ctx.paths.backups_dir) in text and "frontdesk doctor" in text
            assert "张三" not in text
            await pilot.press("f2", "f3", "ctrl+n", "1", "alt+1")  # (F1, help, may open)
            await settle(pilot)
            assert app.screen is start and not app.entered
            holder.execute("ROLLBACK")
            holder.close()
            clock.advance(timedelta(seconds=RETRY_SECONDS))
            start.tick()
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen)
            assert not app.entered
            assert not [s for s in app.live_screens if isinstance(s, RegisterScreen)]
    finally:
        holder.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("what", ["corrupt", "folder"])
async def test_a_damaged_file_or_a_folder_is_explained_and_quitting_is_not_success(
        tmp_path: Path, clock: FrozenClock, lang: str, what: str) -> None:
    """Damaged file / a folder as --db: named, what to do, backups and the doctor; R tries again
    (no automatic retry: it would not help); Ctrl+Q exits with the failed-open code."""
    target = tmp_path / "site.db"
    if what == "corrupt":
        target.write_bytes(b"not a database, a spreadsheet perhaps " * 300)
    else:
        target.mkdir()
    ctx = AppContext.create(clock=clock, paths=resolve_paths(db=str(target),
                                                            home=str(tmp_path / "home")))
    ctx.auth_required = True
    ctx.prefs.language = lang
    kind = "corrupt" if what == "corrupt" else "cannot_open"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        start = app.screen
        assert isinstance(start, StartScreen)
        text = shown(app)
        assert t(f"fail.{kind}") in text
        assert t(f"fail.{kind}.todo", backups=str(ctx.paths.backups_dir)) in text
        assert str(ctx.paths.backups_dir) in text and str(target) in text
        assert start.retry_at is None and start.tries == 1
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is start and start.tries == 2
        await pilot.press("f9")  # the other language, the same explanation
        await settle(pilot)
        assert t(f"fail.{kind}") in shown(app)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == EXIT_STORE_FAILED
