"""Hostile text on every screen that shows user text: register (list, detail, history, form),
duty board and incident detail, contacts, scripts.

Markup, terminal escapes, bidi overrides, 10,000-character values, empty and whitespace-only
values: nothing crashes, nothing is interpreted, nothing is lost. Records are stored through the
store directly, the way an imported bundle would bring them (no form validation in between).
"""
from __future__ import annotations

import uuid

from textual.widgets import Input

from frontdesk.app import FrontdeskApp
from frontdesk.context import AppContext
from frontdesk.services.incidents.service import IncidentService
from frontdesk.storage import records
from tests.conftest import TERMINAL
from tests.ui.helpers import settle

CLICK = "[@click=app.quit]x"
OPEN_TAG = "[/"
TITLE = "\x1b]0;pwned\x07"
BIDI = "\u202egnp.exe"
LONG = "长" * 10_000
HOSTILE = [CLICK, OPEN_TAG, TITLE, BIDI, LONG, "", "   "]


def seed_hostile(ctx: AppContext) -> list[str]:
    """A register entry per hostile value (name, notes, organisation), as imported."""
    now = ctx.clock.now()
    ids = []
    with ctx.require_db().write() as conn:
        for i, value in enumerate(HOSTILE):
            rid = str(uuid.uuid4())
            records.write(conn, "visit", rid, {
                "id": rid, "kind": "visitor", "time_in": now.isoformat(), "name": value,
                "organisation": value, "notes": value + f" #{i}", "came_to_see": value,
                "edited_by": "sync", "edited_at": now.isoformat()}, now)
            ids.append(rid)
    return ids


def assert_inert(app: FrontdeskApp) -> None:
    """The app runs and nothing hostile reaches the terminal."""
    assert app.is_running
    shot = app.export_screenshot()
    assert "\x1b" not in shot and "\x07" not in shot and "\u202e" not in shot
    assert "\x1b]0;pwned" not in shot


async def test_hostile_register_records_on_every_register_view(ctx: AppContext) -> None:
    """List, detail of each row, history, search: inert, and the stored values unchanged."""
    ids = seed_hostile(ctx)
    app = FrontdeskApp(ctx)
    quits: list[bool] = []
    app.action_quit = lambda: quits.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        assert_inert(app)
        for _ in HOSTILE:
            await pilot.press("down")
            await settle(pilot)
            assert_inert(app)
            await pilot.click("#reg-detail", offset=(5, 0))
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert_inert(app)
        await pilot.press("escape")
        await settle(pilot)
        assert quits == []
    stored = {rid: records.current(ctx.require_db().read(), "visit", rid)[0] for rid in ids}
    assert [stored[rid].payload["name"] for rid in ids] == HOSTILE  # type: ignore[union-attr]


async def test_long_and_blank_values_typed_in_the_form_are_kept(ctx: AppContext) -> None:
    """10,000 characters: refused with a message, the text stays in the field; blanks don't crash."""
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        fields = list(form.query(Input))
        fields[0].value = LONG + CLICK
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert_inert(app)
        assert app.screen is form and fields[0].value == LONG + CLICK
        for field in fields:
            field.value = "   "
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert_inert(app)


async def test_hostile_text_on_board_incident_contacts_and_scripts(ctx: AppContext) -> None:
    """Incidents (board and detail), contacts and the script picker with hostile text."""
    from frontdesk.domain.escalation.contacts import Contact
    from frontdesk.services.escalation.contacts import ContactService

    incidents: IncidentService = ctx.service("incidents", IncidentService)
    for value in (CLICK, TITLE + BIDI, LONG):
        inc = incidents.open("fire", "general", None, value, value, "王保安")
        incidents.add_note(inc.id, value or "x", "王保安")
    contacts: ContactService = ctx.service("contacts", ContactService)
    for value in (CLICK, TITLE + BIDI, LONG[:200]):
        contacts.save(Contact(id="", name=value, role="guard", phone="13800138000", notes=value))
    app = FrontdeskApp(ctx)
    quits: list[bool] = []
    app.action_quit = lambda: quits.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        steps = ((("f3",), "DutyBoardScreen"), (("enter",), "IncidentScreen"),
                 (("escape",), "DutyBoardScreen"), (("down", "enter"), "IncidentScreen"),
                 (("escape",), "DutyBoardScreen"), (("f6",), "ContactsScreen"),
                 (("down", "down"), "ContactsScreen"), (("f5",), "ScriptPickerScreen"),
                 (("escape",), "ContactsScreen"), (("f2",), "RegisterScreen"))
        for keys, screen_name in steps:
            await pilot.press(*keys)
            await settle(pilot)
            assert type(app.screen).__name__ == screen_name
            assert_inert(app)
        assert quits == []
