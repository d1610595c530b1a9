"""Contacts: roles, phone normalisation, duty hours and the CSV exchange with the office."""
from __future__ import annotations

import csv
import io
from datetime import time

import pytest

from frontdesk.domain.escalation.contacts import (
    CSV_COLUMNS,
    ROLES,
    Contact,
    contacts_for,
    contacts_from_csv,
    contacts_to_csv,
    csv_template,
    default_branch,
    display_phone,
    new_contact_id,
    on_duty_now,
    valid_phone,
)

SUP = "11111111-1111-4111-8111-111111111111"


def _contact(**kw: object) -> Contact:
    base: dict[str, object] = {
        "id": SUP, "name": "张三", "role": "security_supervisor", "phone": "+8613800138000",
    }
    base.update(kw)
    return Contact(**base)  # type: ignore[arg-type]


def test_roles_cover_the_chain_and_the_numbers() -> None:
    assert list(ROLES)[:6] == [
        "guard", "security_supervisor", "project_manager", "regional_head", "developer_cs",
        "group_leadership",
    ]
    assert ROLES["security_supervisor"].zh == "秩序维护主管"
    assert ROLES["client_media"].zh == "甲方媒体接待部门"
    assert default_branch("fire_119") == "emergency"
    assert default_branch("lift_contractor") == "outside"
    assert default_branch("project_manager") == "chain"


@pytest.mark.parametrize(("raw", "expected"), [
    ("13800138000", "+8613800138000"),
    ("+86 138 0013 8000", "+8613800138000"),
    ("".join(chr(0xFF10 + int(d)) for d in "13800138000"), "+8613800138000"),  # full-width
    ("0755-8888 8888", "+8675588888888"),
    ("(010) 6552 9988", "+861065529988"),
    ("400 812 3123", "+864008123123"),
    ("021-12345678转8001", "+862112345678;ext=8001"),
    ("110", "110"),
    ("119", "119"),
    ("120", "120"),
    ("95598", "95598"),
    ("+852 2123 4567", "+85221234567"),
])
def test_valid_phone_normalises(raw: str, expected: str) -> None:
    assert valid_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "138001380", "12345678", "1", "abc", "911119"])
def test_valid_phone_rejects(raw: str) -> None:
    assert valid_phone(raw) is None


def test_display_phone() -> None:
    assert display_phone("+8613800138000") == "138 0013 8000"
    assert display_phone("+8675588888888") == "0755 8888 8888"
    assert display_phone("+862112345678;ext=8001") == "021 1234 5678 转 8001"
    assert display_phone("110") == "110"


def test_dial_falls_back_to_the_backup_phone() -> None:
    assert _contact(phone="", backup_phone="0755 8888 8888").dial == "+8675588888888"
    assert _contact(phone="1234", backup_phone="").dial is None


def test_on_duty_now() -> None:
    day = _contact(duty_hours="08:00-20:00")
    assert on_duty_now(day, time(8, 0)) and on_duty_now(day, time(19, 59))
    assert not on_duty_now(day, time(20, 0)) and not on_duty_now(day, time(7, 59))
    night = _contact(duty_hours="20:00-08:00")
    assert on_duty_now(night, time(23, 0)) and on_duty_now(night, time(3, 0))
    assert not on_duty_now(night, time(12, 0))
    split = _contact(duty_hours="08:00-12:00,14:00-24:00")
    assert on_duty_now(split, time(23, 59)) and not on_duty_now(split, time(13, 0))
    assert on_duty_now(_contact(duty_hours=None), time(3, 0))
    assert not on_duty_now(_contact(on_duty=False), time(10, 0))
    assert on_duty_now(_contact(duty_hours="00:00-00:00"), time(5, 0))


def test_contacts_for_puts_on_duty_and_dialable_first() -> None:
    off = _contact(id="a", name="A", duty_hours="20:00-08:00")
    nophone = _contact(id="b", name="B", phone="")
    on = _contact(id="c", name="C")
    other = _contact(id="d", name="D", role="project_manager")
    found = contacts_for([off, nophone, on, other], time(10, 0), role="security_supervisor")
    assert [c.id for c in found] == ["c", "b", "a"]
    assert [c.id for c in contacts_for([off, other], None, contact_id="d")] == ["d"]


def test_csv_round_trip() -> None:
    people = [
        _contact(unit="秩序部", backup_phone="+8675588888888", duty_hours="08:00-20:00",
                 notes="白班, 有车"),
        Contact(id=new_contact_id(), name="Fire", role="fire_119", phone="119", on_duty=True,
                branch="emergency"),
        _contact(id="22222222-2222-4222-8222-222222222222", name="李四", role="project_manager",
                 phone="+862112345678;ext=8001", on_duty=False),
    ]
    text = contacts_to_csv(people)
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    back, errors = contacts_from_csv(text)
    assert errors == []
    assert back == people


def test_export_guards_formulas_and_import_removes_the_guard() -> None:
    evil = _contact(name="=HYPERLINK(\"http://x\")", notes="@SUM(A1)", unit="-1+2")
    text = contacts_to_csv([evil])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"].startswith("'=")
    assert row["notes"].startswith("'@")
    assert row["unit"] == "'-1+2"
    assert row["phone"] == "138 0013 8000"
    back, errors = contacts_from_csv(text)
    assert errors == [] and back == [evil]


def test_import_reports_row_and_column() -> None:
    text = (
        "\ufeffName,Role,Phone,On_duty,Duty_hours,Branch,Extra\n"
        "王五,项目经理,13900139000,是,,,ignored\n"
        "赵六,security_supervisor,1234,yes,,,\n"
        ",nobody,,maybe,25:00-26:00,inside,\n"
        "\n"
        "钱七,Engineering,0755 8888 8888,no,08:00-17:00,,\n"
    )
    contacts, errors = contacts_from_csv(text)
    assert [c.name for c in contacts] == ["王五", "钱七"]
    assert contacts[0].role == "project_manager" and contacts[0].on_duty
    assert contacts[1].role == "engineering" and contacts[1].branch == "outside"
    assert not contacts[1].on_duty
    where = {(e.row, e.column, e.code) for e in errors}
    assert where == {
        (3, "phone", "bad_phone"),
        (4, "name", "required"),
        (4, "role", "unknown_role"),
        (4, "on_duty", "bad_bool"),
        (4, "duty_hours", "bad_duty_hours"),
        (4, "branch", "bad_branch"),
    }
    assert str(next(e for e in errors if e.row == 3)).startswith("row 3, phone:")


def test_import_needs_name_and_role_columns() -> None:
    contacts, errors = contacts_from_csv("name,phone\n张三,13800138000\n")
    assert contacts == []
    assert [(e.row, e.column, e.code) for e in errors] == [(1, "role", "missing_column")]
    assert contacts_from_csv("")[1][0].code == "empty"


def test_import_ids_bad_duplicate_and_stable() -> None:
    text = (
        "id,name,role,phone\n"
        f"{SUP},甲,guard,13800138000\n"
        f"{SUP},乙,guard,13800138001\n"
        "not-a-uuid,丙,guard,\n"
        ",丁,guard,13800138002\n"
    )
    contacts, errors = contacts_from_csv(text)
    assert {(e.row, e.code) for e in errors} == {(3, "duplicate_id"), (4, "bad_id")}
    again, _ = contacts_from_csv(text)
    assert contacts[-1].id == again[-1].id == new_contact_id("丁", "guard", "+8613800138002")


def test_template_is_importable() -> None:
    header = csv_template(example=False)
    assert header.strip() == ",".join(CSV_COLUMNS)
    contacts, errors = contacts_from_csv(csv_template())
    assert errors == []
    assert len(contacts) == 1 and contacts[0].role == "security_supervisor"
    assert contacts_from_csv(header) == ([], [])
