"""Sign-in cannot be skipped: whatever happens while the database opens (it fails after
connecting, it is read-only or full, it is locked and then let go), nothing of the data shows
and nothing is saved before somebody has signed in."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext, SignInRequired
from frontdesk.paths import resolve_paths
from frontdesk.screens.incidents.board import DutyBoardScreen
from frontdesk.screens.start import RETRY_SECONDS, StartScreen
from frontdesk.screens.trust.signin import SignInScreen
from frontdesk.services.register import VisitForm
from frontdesk.services.trust.auth import auth_service
from tests.conftest import TERMINAL
from tests.ui.helpers import settle

ORIGINAL_CONNECT = sqlite3.connect


def prepared(home: Path, clock: FrozenClock) -> AppContext:
    """A set-up site with one entry (张三), and a context on it where nobody is signed in."""
    setup = AppContext.create(clock=clock, paths=resolve_paths(home=str(home)))
    setup.open()
    assert auth_service(setup).create_first_supervisor("陈主管", "582913", "阳光花园",
                                                       "Asia/Shanghai") is None
    setup.register.add(VisitForm(values={"name": "张三", "phone": "13912345678"}), by="陈主管")
    setup.close()
    ctx = AppContext.create(clock=clock, paths=resolve_paths(home=str(home)))
    ctx.auth_required = True
    return ctx


def read_only(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
    """Every connection read-only, as SQLite sees a file without write permission."""
    return ORIGINAL_CONNECT(f"file:{database}?mode=ro", *args, **{**kwargs, "uri": True})


def full_disk(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
    """Every connection on a disk with no room to grow the file ("database or disk is full")."""
    conn = ORIGINAL_CONNECT(database, *args, **kwargs)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={max(int(pages), 1)}")
    return conn


def retention_zero(db: Path) -> None:
    """The retention setting edited by hand to 0 days (the purge at open refuses it)."""
    conn = ORIGINAL_CONNECT(db)
    conn.execute("UPDATE meta SET value = '0' WHERE key = 'retention_days'")
    conn.commit()
    conn.close()


async def try_to_reach_the_data(pilot: Any) -> None:
    """What a passer-by would press: register, board, new entry, a search, a script, Enter."""
    await pilot.press("f2", "f3", "f6", "f8", "ctrl+n", "ctrl+t", "z", "s", "1", "enter",
                      "escape", "ctrl+o")
    await settle(pilot)


def nothing_of_the_data(app: FrontdeskApp) -> None:
    """Only the start or sign-in screen is up; no data screen exists but the board's watcher."""
    assert not app.entered
    assert isinstance(app.screen, (StartScreen, SignInScreen))
    assert all(isinstance(s, (StartScreen, DutyBoardScreen)) for s in app.live_screens)
    text = "\n".join(str(s.render()) for s in app.screen.query(Static))
    assert "张三" not in text and "13912345678" not in text


def entries(db: Path) -> int:
    """How many register entries the file holds."""
    conn = ORIGINAL_CONNECT(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM visits").fetchone()[0])
    finally:
        conn.close()


FAULTS: dict[str, Callable[[pytest.MonkeyPatch, Path], None]] = {
    "fails_after_connect_retention_0": lambda _mp, db: retention_zero(db),
    "read_only_file": lambda mp, _db: mp.setattr(sqlite3, "connect", read_only),
    "full_disk": lambda mp, _db: mp.setattr(sqlite3, "connect", full_disk),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_a_failed_or_odd_open_shows_no_data_and_saves_nothing(
        tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    """The open fails after connecting, or the file cannot be written: no register, no saves."""
    ctx = prepared(tmp_path / "home", clock)
    db = ctx.paths.db_file
    FAULTS[fault](monkeypatch, db)
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        nothing_of_the_data(app)
        await try_to_reach_the_data(pilot)
        nothing_of_the_data(app)
        assert app.is_running
    monkeypatch.undo()
    assert entries(db) == 1
    with pytest.raises(SignInRequired):
        ctx.register.add(VisitForm(values={"name": "路人"}))


async def test_locked_at_start_then_let_go_still_needs_sign_in(
        tmp_path: Path, clock: FrozenClock) -> None:
    """Locked at start; the lock ends; keys and the next try lead to sign-in, never the data."""
    ctx = prepared(tmp_path / "home", clock)
    holder = ORIGINAL_CONNECT(ctx.paths.db_file, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    app = FrontdeskApp(ctx)
    try:
        async with app.run_test(size=TERMINAL) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, StartScreen)
            holder.execute("ROLLBACK")
            holder.close()
            await try_to_reach_the_data(pilot)  # the lock has ended: a search must not open it
            nothing_of_the_data(app)
            assert not ctx.is_open
            clock.advance(timedelta(seconds=RETRY_SECONDS))
            start = app.screen
            assert isinstance(start, StartScreen)
            start.tick()
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen)
            await try_to_reach_the_data(pilot)
            nothing_of_the_data(app)
            with pytest.raises(SignInRequired):
                ctx.register.add(VisitForm(values={"name": "路人"}))
    finally:
        holder.close()
    assert entries(ctx.paths.db_file) == 1


def test_every_kind_of_change_is_refused_until_somebody_signs_in(ctx: AppContext) -> None:
    """With sign-in required and nobody in: entries, incidents, calls, contacts, readings,
    imports and exports are refused; after sign-in they work, and are made by that person."""
    from frontdesk.domain.escalation.contacts import Contact
    from frontdesk.services.escalation.contacts import ContactService
    from frontdesk.services.incidents.service import IncidentService
    from frontdesk.services.scripts import scripts
    from frontdesk.services.sync import sync_service

    assert auth_service(ctx).create_first_supervisor("陈主管", "582913", "阳光花园",
                                                     "Asia/Shanghai") is None
    visit = ctx.register.add(VisitForm(values={"name": "张三"}), by="陈主管")
    ctx.session.user = ""
    ctx.auth_required = True
    incidents = ctx.service("incidents", IncidentService)
    contacts = ctx.service("contacts", ContactService)
    attempts: list[Callable[[], object]] = [
        lambda: ctx.register.add(VisitForm(values={"name": "路人"})),
        lambda: ctx.register.sign_out(visit.id),
        lambda: incidents.open("theft", "general", summary="x", by=""),
        lambda: contacts.save(Contact(id="", name="马工", role="guard", phone="13912345678")),
        lambda: scripts(ctx).record_use("journalist_interview", [1], "zh", None, None, "", "u1"),
        lambda: sync_service(ctx).export_bundle(ctx.paths.data_dir / "out.fdb"),
    ]
    for attempt in attempts:
        with pytest.raises(SignInRequired):
            attempt()
    assert auth_service(ctx).sign_in("陈主管", "582913").ok
    ctx.session.locked = True  # the idle lock: still nobody at the keyboard
    with pytest.raises(SignInRequired):
        ctx.register.add(VisitForm(values={"name": "路人"}))
    ctx.session.locked = False
    saved = ctx.register.add(VisitForm(values={"name": "路人"}), by=ctx.signed_in_user())
    assert ctx.register.history(saved.id)[0].by == "陈主管"
