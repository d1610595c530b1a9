"""The files screen (F8): export the day, write a bundle, preview then import, resolve conflicts."""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Select, Static

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.screens.sync.conflicts import ConflictsScreen
from frontdesk.services.sync import sync_service
from tests.ui.helpers import seed, settle
from tests.unit.sync_sites import add_visit, make_site

SIZE = (80, 24)


async def _open_files(pilot: object) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("f8")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def _files_screen(ctx: AppContext, lang: str) -> AsyncIterator[tuple[FrontdeskApp, Pilot]]:
    """The files screen, a supervisor signed in, in ``lang``."""
    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.set_language(lang)
        await _open_files(pilot)
        yield app, pilot


def _set(app: FrontdeskApp, selector: str, value: str) -> None:
    app.screen.query_one(selector, Input).value = value


def _text(app: FrontdeskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _preview(pilot: object, app: FrontdeskApp, path: Path) -> None:
    """Type ``path`` as the file to import and press Preview."""
    _set(app, "#sync-import-path", str(path))
    app.screen.query_one("#sync-preview-btn", Button).press()
    await settle(pilot)  # type: ignore[arg-type]


def _west_bundle(tmp_path: Path) -> Path:
    """``west.fdb``: the bundle of another site whose register holds one visitor, 欧阳娜."""
    other = make_site(tmp_path, "west")
    add_visit(other, "欧阳娜")
    sync_service(other).export_bundle(tmp_path / "west.fdb")
    other.close()
    return tmp_path / "west.fdb"


async def test_supervisor_exports_the_day_and_writes_a_bundle(
    ctx: AppContext, clock: FrozenClock, tmp_path: Path
) -> None:
    """Both files land where asked and the status line says so."""
    seed(ctx, clock)
    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await _open_files(pilot)
        assert app.screen.query_one("#sync-date", Input).value == "2026-11-22"
        _set(app, "#sync-export-path", str(tmp_path / "day.xlsx"))
        app.screen.query_one("#sync-export", Button).press()
        await settle(pilot)
        assert (tmp_path / "day.xlsx").exists()
        assert "day.xlsx" in _text(app, "#sync-status")
        _set(app, "#sync-bundle-path", str(tmp_path / "east.fdb"))
        app.screen.query_one("#sync-bundle", Button).press()
        await settle(pilot)
        assert (tmp_path / "east.fdb").exists()


async def test_a_range_of_days_is_exported_from_the_one_date_field(
    ctx: AppContext, clock: FrozenClock, tmp_path: Path, monkeypatch: object
) -> None:
    """Typing 2026-11-20~2026-11-22 exports the three days, and the proposed file name follows
    the range; a backwards range is refused in the field's own words and writes nothing; a
    file name typed as .csv is written as CSV whatever the format box said."""
    import csv
    from datetime import timedelta

    from frontdesk.services.register import VisitForm

    monkeypatch.setattr("frontdesk.screens.sync.files.documents_dir", lambda: tmp_path)  # type: ignore[attr-defined]
    for days_ago, name in ((2, "前天的人"), (3, "四天前的人")):
        clock.advance(timedelta(days=-days_ago))
        ctx.register.add(VisitForm(values={"name": name}))
        clock.advance(timedelta(days=days_ago))
    ctx.register.add(VisitForm(values={"name": "今天的人"}))
    async with _files_screen(ctx, "en") as (app, pilot):
        _set(app, "#sync-date", "2026-11-22~2026-11-20")
        app.screen.query_one("#sync-export", Button).press()
        await settle(pilot)
        assert "Date, or from~to: 2026-11-20 is before 2026-11-22" in _text(app, "#sync-status")
        assert not list(tmp_path.glob("*register-*"))
        _set(app, "#sync-date", "2026-11-20~2026-11-22")
        await settle(pilot)
        path = app.screen.query_one("#sync-export-path", Input).value
        site = ctx.require_site()
        assert path == str(tmp_path / f"{site.name or site.id}-register-2026-11-20~2026-11-22.xlsx")
        _set(app, "#sync-export-path", str(tmp_path / "three-days.csv"))
        app.screen.query_one("#sync-export", Button).press()
        await settle(pilot)
        assert "Exported 2 entries" in _text(app, "#sync-status")
        assert app.screen.query_one("#sync-format", Select).value == "csv"  # as the name says
    text = (tmp_path / "three-days.csv").read_text(encoding="utf-8-sig")
    names = {row[2] for row in csv.reader(text.splitlines()) if len(row) > 2}
    assert {"前天的人", "今天的人"} <= names and "四天前的人" not in names


async def test_import_needs_a_preview_then_a_yes(ctx: AppContext, tmp_path: Path) -> None:
    """Preview shows what is new; the import happens only after Yes; a bad file is explained."""
    _west_bundle(tmp_path)
    (tmp_path / "junk.fdb").write_text("not a bundle", encoding="utf-8")
    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await _open_files(pilot)
        await _preview(pilot, app, tmp_path / "junk.fdb")
        assert "not a frontdesk bundle" in _text(app, "#sync-status")
        _set(app, "#sync-import-path", str(tmp_path / "west.fdb"))
        app.screen.query_one("#sync-import", Button).press()
        await settle(pilot)
        assert ctx.register.today() == []
        app.screen.query_one("#sync-preview-btn", Button).press()
        await settle(pilot)
        preview = _text(app, "#sync-preview")
        assert "1 new versions" in preview or "新增 1 个版本" in preview
        app.screen.query_one("#sync-import", Button).press()
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert [v.name for v in ctx.register.today()] == ["欧阳娜"]


async def test_a_guard_may_not_import(ctx: AppContext, tmp_path: Path) -> None:
    """The import is refused for a guard even after a preview."""
    _west_bundle(tmp_path)
    ctx.session.user, ctx.session.role = "王保安", "guard"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await _open_files(pilot)
        await _preview(pilot, app, tmp_path / "west.fdb")
        app.screen.query_one("#sync-import", Button).press()
        await settle(pilot)
        assert not isinstance(app.screen, ConflictsScreen)
        assert ctx.register.today() == []


async def test_supervisor_resolves_a_conflict_side_by_side(ctx: AppContext, tmp_path: Path) -> None:
    """Two sites edited one entry: both versions are shown; keeping one closes the conflict."""
    other = make_site(tmp_path, "west")
    vid = add_visit(other, "张三")
    sync_service(other).export_bundle(tmp_path / "a.fdb")
    sync_service(ctx).import_bundle(tmp_path / "a.fdb")
    other.register.sign_out(vid, by="west")
    ctx.register.link_incident(vid, "=INC-7", by="east")
    sync_service(other).export_bundle(tmp_path / "b.fdb")
    other.close()
    sync_service(ctx).import_bundle(tmp_path / "b.fdb")
    ctx.session.user, ctx.session.role = "陈主管", "supervisor"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await _open_files(pilot)
        conflicts = app.screen.query_one("#sync-conflicts", Button)
        assert "1" in str(conflicts.label)
        conflicts.press()
        await settle(pilot)
        assert isinstance(app.screen, ConflictsScreen)
        table = app.screen.query_one("#conflicts-table", DataTable)
        assert len(table.columns) == 3
        cells = [str(c) for r in range(table.row_count) for c in table.get_row_at(r)]
        assert "=INC-7" in cells
        app.screen.query(".keep").first(Button).press()
        await settle(pilot)
        assert sync_service(ctx).conflicts() == []


def test_files_screen_snapshot(ctx: AppContext, clock: FrozenClock, snap_compare: object) -> None:
    """The files screen in English at 80x24."""
    seed(ctx, clock)
    ctx.session.user, ctx.session.role = "Chen", "supervisor"

    async def run_before(pilot: object) -> None:
        await settle(pilot)  # type: ignore[arg-type]
        pilot.app.set_language("en")  # type: ignore[attr-defined]
        await pilot.press("f8")  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]
        for field in ("#sync-export-path", "#sync-bundle-path"):
            pilot.app.screen.query_one(field, Input).value = "/home/guard/Documents/x"  # type: ignore[attr-defined]
        pilot.app.clear_notifications()  # type: ignore[attr-defined]
        await settle(pilot)  # type: ignore[arg-type]

    assert snap_compare(FrontdeskApp(ctx), terminal_size=SIZE, run_before=run_before)  # type: ignore[operator]


async def test_messages_follow_the_language_and_the_import_reports_what_it_did(
    ctx: AppContext, tmp_path: Path
) -> None:
    """A refused file is explained in the screen's language; the preview follows F9; after an
    import the status line tells what the import did, not what the preview expected."""
    _west_bundle(tmp_path)
    (tmp_path / "junk.fdb").write_text("not a bundle", encoding="utf-8")
    async with _files_screen(ctx, "zh") as (app, pilot):
        await _preview(pilot, app, tmp_path / "junk.fdb")
        assert "这不是同步文件" in _text(app, "#sync-status")
        await _preview(pilot, app, tmp_path / "west.fdb")
        assert "新增 1 个版本" in _text(app, "#sync-preview")
        await pilot.press("f9")
        await settle(pilot)
        assert "1 new versions" in _text(app, "#sync-preview")
        sync_service(ctx).import_bundle(tmp_path / "west.fdb")  # another hand got there first
        app.screen.query_one("#sync-import", Button).press()
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        status = _text(app, "#sync-status")
        assert "Imported" in status and "0 new versions" in status and "1 already here" in status


async def test_a_folder_of_bundles_is_previewed_and_imported_file_by_file(
    ctx: AppContext, tmp_path: Path
) -> None:
    """The office's inbox: a folder holding two gates' bundles, a damaged one and a note. The
    preview adds up the two, names the damaged one with its reason and ignores the note; Yes
    imports the two; an empty folder says there is nothing to import."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _west_bundle(tmp_path).rename(inbox / "west.fdb")
    east = make_site(tmp_path, "east")
    add_visit(east, "张伟")
    sync_service(east).export_bundle(inbox / "east.FDB")
    east.close()
    (inbox / "gate7.fdb").write_bytes((inbox / "west.fdb").read_bytes()[:300])
    (inbox / "notes.txt").write_text("see you", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    async with _files_screen(ctx, "en") as (app, pilot):
        await _preview(pilot, app, tmp_path / "empty")
        assert "No sync files" in _text(app, "#sync-status")
        await _preview(pilot, app, inbox)
        preview = _text(app, "#sync-preview")
        assert preview.startswith("2 files: 2 new versions")
        assert "✗ gate7.fdb: the file is damaged or incomplete" in preview
        assert "east.FDB: From" in preview and "west.fdb: From" in preview
        assert "notes.txt" not in preview
        app.screen.query_one("#sync-import", Button).press()
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert sorted(v.name for v in ctx.register.today()) == ["张伟", "欧阳娜"]
        status = _text(app, "#sync-status")
        assert status.startswith("Imported 2 files. 2 files: 2 new versions")
        assert "✗ gate7.fdb" in _text(app, "#sync-preview")


async def test_buttons_grow_to_their_label_after_a_language_switch(ctx: AppContext) -> None:
    """Opened in Chinese, switched to English with F9: the conflicts button shows its whole
    label (Textual kept the Chinese width and cut it to "Conflicts")."""
    async with _files_screen(ctx, "zh") as (app, pilot):
        await pilot.press("f9")
        await settle(pilot)
        for button in app.screen.query(Button):
            assert button.region.width >= len(str(button.label)), str(button.label)
        assert str(app.screen.query_one("#sync-conflicts", Button).label) == "Conflicts (0) · F4"


async def test_an_existing_file_is_a_question_and_no_keeps_it(ctx: AppContext,
                                                              tmp_path: Path) -> None:
    """Exporting over a file asks first: No keeps the office's copy, Yes replaces it. The
    proposed names carry the site and the day, and a second export gets its own name."""
    from frontdesk.screens.confirm import ConfirmScreen

    day = tmp_path / "day.csv"
    day.write_text("the office's copy", encoding="utf-8")
    async with _files_screen(ctx, "en") as (app, pilot):
        _set(app, "#sync-export-path", str(day))
        app.screen.query_one("#sync-export", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert day.read_text(encoding="utf-8") == "the office's copy"
        assert "Not written" in _text(app, "#sync-status")
        app.screen.query_one("#sync-export", Button).press()
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert day.read_text(encoding="utf-8-sig").startswith('"站点 Site')
        bundle = tmp_path / "old.fdb"
        bundle.write_bytes(b"yesterday")
        _set(app, "#sync-bundle-path", str(bundle))
        app.screen.query_one("#sync-bundle", Button).press()
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert bundle.read_bytes() == b"yesterday"


async def test_proposed_names_carry_the_site_and_never_replace_the_last_export(
        ctx: AppContext, tmp_path: Path, monkeypatch: object) -> None:
    monkeypatch.setattr("frontdesk.screens.sync.files.documents_dir", lambda: tmp_path)  # type: ignore[attr-defined]
    site = ctx.require_site()
    prefix = site.name or site.id
    async with _files_screen(ctx, "en") as (app, pilot):
        for _ in range(2):
            app.screen.query_one("#sync-export", Button).press()
            await settle(pilot)
            app.screen.query_one("#sync-bundle", Button).press()
            await settle(pilot)
    names = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert f"{prefix}-register-2026-11-22.xlsx" in names
    assert f"{prefix}-register-2026-11-22-2.xlsx" in names
    assert f"{prefix}-2026-11-22T1000.fdb" in names and f"{prefix}-2026-11-22T1000-2.fdb" in names


async def test_the_conflicts_key_never_takes_a_key_from_text_editing(ctx: AppContext) -> None:
    """Ctrl+K in a field erases to the end of the field (Textual's Input), it does not open
    Conflicts; F4 opens Conflicts from a field and from elsewhere; no key of this screen is one
    a text field uses."""
    from textual.widgets import Input as TextInput
    from textual.widgets.input import Selection

    from frontdesk.screens.sync.files import SyncScreen

    field_keys = {k for b in TextInput.BINDINGS for k in b.key.split(",")}  # type: ignore[union-attr]
    screen_keys = {k for b in SyncScreen.BINDINGS for k in b.key.split(",")}  # type: ignore[union-attr]
    assert not field_keys & screen_keys
    async with _files_screen(ctx, "en") as (app, pilot):
        field = app.screen.query_one("#sync-import-path", Input)
        field.value = "/media/usb/inbox/extra"
        field.focus()
        await settle(pilot)
        field.selection = Selection.cursor(len("/media/usb/inbox"))
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert not isinstance(app.screen, ConflictsScreen)
        assert field.value == "/media/usb/inbox"
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ConflictsScreen)
        await pilot.press("escape")
        await settle(pilot)
        app.screen.query_one("#sync-export", Button).focus()
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ConflictsScreen)


def _conflict_text(app: FrontdeskApp) -> str:
    """Everything the conflicts screen shows: position line, table, buttons."""
    table = app.screen.query_one("#conflicts-table", DataTable)
    cells = [str(c) for r in range(table.row_count) for c in table.get_row_at(r)]
    heads = [str(c.label) for c in table.columns.values()]
    buttons = [str(b.label) for b in app.screen.query(".keep").results(Button)]
    return "\n".join([_text(app, "#conflicts-where"), *heads, *cells, *buttons])


async def test_many_conflicts_of_every_kind_can_be_walked_and_resolved(tmp_path: Path) -> None:
    """41 records of all 11 kinds, edited at 北门 and at 东门: ``n`` walks through all of them
    and round again (it crashed with DuplicateIds at the first ``n``), each version is named
    by its site and local time, never by an id or a clock stamp, and resolving one while
    others remain shows the next (it crashed after committing)."""
    import re

    from tests.unit.sync_sites import conflicting_sites

    north, east, keys = conflicting_sites(tmp_path)
    east.close()
    ids = {north.require_site().id, east.require_site().id}
    try:
        assert len({k for k, _ in keys}) == 11
        async with _files_screen(north, "zh") as (app, pilot):
            await pilot.press("f4")
            await settle(pilot)
            assert isinstance(app.screen, ConflictsScreen)
            seen_kinds = set()
            for i in range(len(keys) + 3):
                text = _conflict_text(app)
                assert f"第 {i % len(keys) + 1}/{len(keys)} 条" in text
                assert "北门 · 2026-11-22 10:00" in text and "东门 · 2026-11-22 10:03" in text
                assert not re.search(r"[0-9a-f]{32}|\d{15}-\d{6}", text), text
                assert not any(site_id in text for site_id in ids)
                seen_kinds.add(app.screen.items[app.screen.index].kind)
                await pilot.press("n")
                await settle(pilot)
            assert len(seen_kinds) == 11
            for left in range(len(keys) - 1, len(keys) - 4, -1):
                buttons = list(app.screen.query(".keep").results(Button))
                assert len(buttons) == 2
                buttons[1].press()  # keep 北门's version
                await settle(pilot)
                assert len(sync_service(north).conflicts()) == left
                assert f"/{left} 条" in _text(app, "#conflicts-where")
                await pilot.press("n")
                await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert f"({len(keys) - 3})" in str(app.screen.query_one("#sync-conflicts", Button).label)
    finally:
        north.close()


async def test_the_live_database_is_refused_in_the_screens_language(ctx: AppContext) -> None:
    """Typing the database's own path as the export file: refused, said in Chinese, and the
    database is still a database."""
    db = ctx.require_db().path
    async with _files_screen(ctx, "zh") as (app, pilot):
        for field, button in (("#sync-export-path", "#sync-export"),
                              ("#sync-bundle-path", "#sync-bundle")):
            _set(app, field, str(db))
            app.screen.query_one(button, Button).press()
            await settle(pilot)
            assert "这是数据库文件" in _text(app, "#sync-status")
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"
