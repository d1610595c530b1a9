"""The contacts screen: the tree, supervisor-only edits, CSV import preview; snapshots."""
from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from frontdesk.app import FrontdeskApp
from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.escalation.contacts import Contact
from frontdesk.screens.escalation.contact_form import ContactFormScreen
from frontdesk.screens.escalation.contact_import import ContactImportScreen
from frontdesk.screens.escalation.contacts import ContactsScreen
from frontdesk.services.escalation.contacts import ContactService
from frontdesk.widgets.contact_tree import ContactTree
from tests.ui.helpers import settle

PEOPLE = [
    ("11111111-1111-4111-8111-111111111111", "陈主管", "security_supervisor", "+8613800138001",
     "+8613900139001", "08:00-20:00"),
    ("55555555-5555-4555-8555-555555555555", "李队长", "security_supervisor", "+8613800138005",
     "", "20:00-08:00"),
    ("22222222-2222-4222-8222-222222222222", "刘经理", "project_manager", "+8613800138002",
     "", None),
    ("33333333-3333-4333-8333-333333333333", "周总", "regional_head", "", "", None),
    ("66666666-6666-4666-8666-666666666666", "日立电梯维保", "lift_contractor",
     "+8675588886666", "", None),
]


def fill(ctx: AppContext) -> ContactService:
    """A partly filled contact list (the regional head has no phone)."""
    svc: ContactService = ctx.service("contacts", ContactService)  # type: ignore[assignment]
    for cid, name, role, phone, backup, hours in PEOPLE:
        svc.save(Contact(id=cid, name=name, role=role, phone=phone, backup_phone=backup,
                         duty_hours=hours))
    return svc


def tree_text(app: FrontdeskApp) -> str:
    """Every label of the tree."""
    tree = app.screen.query_one(ContactTree)
    out = []

    def walk(node: object) -> None:
        out.append(str(node.label))  # type: ignore[attr-defined]
        for child in node.children:  # type: ignore[attr-defined]
            walk(child)

    walk(tree.root)
    return "\n".join(out)


async def test_tree_shows_chain_contacts_and_warnings(ctx: AppContext) -> None:
    """Contacts sit under their role with phones and duty; the check's warnings are listed."""
    fill(ctx)
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.switch_mode("contacts")
        await settle(pilot)
        text = tree_text(app)
        assert "陈主管  138 0013 8001 / 139 0013 9001  在岗" in text
        assert "李队长" in text and "不在岗" in text
        assert "119" in text
        assert "上报链警告" in text and "地区公司负责人:没有有效电话号码" in text


async def test_guard_cannot_edit_contacts(ctx: AppContext) -> None:
    """A guard pressing Ctrl+N is refused and no form opens."""
    fill(ctx)
    ctx.session.role = "guard"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.switch_mode("contacts")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        assert not isinstance(app.screen, ContactFormScreen)


async def test_supervisor_adds_a_contact_and_a_bad_phone_is_refused(ctx: AppContext) -> None:
    """The form refuses a bad number, then saves; the tree shows the new contact."""
    ctx.session.role = "supervisor"
    ctx.prefs.language = "zh"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.switch_mode("contacts")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ContactFormScreen)
        app.screen.query_one("#con-f-name", Input).value = "马工"
        app.screen.query_one("#con-f-phone", Input).value = "12"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactFormScreen)
        assert "电话号码无效" in str(app.screen.query_one("#con-form-error", Static).render())
        app.screen.query_one("#con-f-phone", Input).value = "139 1234 5678"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)
        assert "马工  139 1234 5678" in tree_text(app)
    saved = ctx.service("contacts", ContactService).all()  # type: ignore[attr-defined]
    assert [c.phone for c in saved] == ["+8613912345678"]


async def test_csv_import_preview_names_row_and_column(ctx: AppContext, tmp_path: Path) -> None:
    """A CSV with a bad row shows the row and column and cannot be imported."""
    ctx.session.role = "supervisor"
    ctx.prefs.language = "en"
    bad = tmp_path / "contacts.csv"
    bad.write_text("name,role,phone\n陈主管,security_supervisor,13800138001\n"
                   "刘经理,project_manager,abc\n", encoding="utf-8")
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.switch_mode("contacts")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert isinstance(app.screen, ContactImportScreen)
        app.screen.query_one(Input).value = str(bad)
        await pilot.press("enter")
        await settle(pilot)
        shown = str(app.screen.query_one("#con-imp-text", Static).render())
        assert "row 3 phone" in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactImportScreen)
    assert ctx.service("contacts", ContactService).all() == []  # type: ignore[attr-defined]


def _shot(lang: str, ctx: AppContext, snap_compare: object) -> bool:
    fill(ctx)
    ctx.prefs.language = lang

    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        pilot.app.switch_mode("contacts")
        await settle(pilot)

    return snap_compare(FrontdeskApp(ctx), terminal_size=(80, 24),  # type: ignore[operator]
                        run_before=run_before)


def test_snapshot_contact_tree_zh(ctx: AppContext, clock: FrozenClock,
                                  snap_compare: object) -> None:
    """The contact tree in Chinese."""
    assert _shot("zh", ctx, snap_compare)


def test_snapshot_contact_tree_en(ctx: AppContext, clock: FrozenClock,
                                  snap_compare: object) -> None:
    """The contact tree in English."""
    assert _shot("en", ctx, snap_compare)


async def test_policy_step_edit_is_validated_and_saved(ctx: AppContext) -> None:
    """A supervisor edits a step: an invalid value is shown and not written; a valid one is."""
    import json

    from frontdesk.screens.escalation.policy import PolicyScreen
    from frontdesk.screens.escalation.policy_edit import StepEditScreen

    fill(ctx)
    ctx.session.role = "supervisor"
    ctx.prefs.language = "en"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.switch_mode("contacts")
        await settle(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, PolicyScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepEditScreen)
        app.screen.query_one("#pol-misses", Input).value = "0"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StepEditScreen)
        assert "misses_to_advance" in str(app.screen.query_one("#pol-error", Static).render())
        assert not ctx.paths.site_policies_file.exists()
        app.screen.query_one("#pol-misses", Input).value = "3"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PolicyScreen)
    doc = json.loads(ctx.paths.site_policies_file.read_text(encoding="utf-8"))
    assert doc["kinds"]["default"]["serious"]["responder"][0]["misses_to_advance"] == 3


async def test_guard_cannot_edit_the_policy(ctx: AppContext) -> None:
    """A guard may read the policy but Enter on a step opens no editor."""
    from frontdesk.screens.escalation.policy import PolicyScreen

    ctx.session.role = "guard"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.switch_mode("contacts")
        await settle(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PolicyScreen)
    assert not ctx.paths.site_policies_file.exists()
