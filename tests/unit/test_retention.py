"""Retention: cutoff, due records, purging exactly the personal fields, erasure matching."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.domain.trust.retention import (
    DEFAULT_RETENTION_DAYS,
    INCIDENT_PERSON,
    PERSONAL_FIELDS,
    VISIT,
    PersonKey,
    due_for_purge,
    erase_matches,
    is_purged,
    normalize_phone,
    personal_fields,
    purge_payload,
    retention_anchor,
    retention_cutoff,
)

NOW = datetime(2025, 9, 1, 2, 0, tzinfo=UTC)


def visit_payload() -> dict[str, object]:
    return {
        "site": "site-A",
        "kind": "journalist",
        "time_in": "2025-01-10T06:00:00+00:00",
        "time_out": "2025-01-10T07:00:00+00:00",
        "name": "张三",
        "organisation": "某某日报",
        "phone": "+8613800138000",
        "credential_type": "press_card",
        "credential_number": "B110105000123",
        "purpose": "采访 3 栋 1201 王女士",
        "plate": "粤B12345",
        "party_size": 2,
        "came_to_see": "3-1201 王女士",
        "guided_to": "洽谈室",
        "notified": "李主管",
        "location": "",
        "notes": "电话 13900139000",
        "_salt": "5a17" * 8,  # as records.write stores it
        "guard": "guard-1",
        "incident_id": None,
        "purged": False,
        "edited_by": "guard-1",
    }


def test_default_retention_is_180_days() -> None:
    assert DEFAULT_RETENTION_DAYS == 180
    assert retention_cutoff(NOW) == NOW - timedelta(days=180)
    assert retention_cutoff(NOW, 30) == NOW - timedelta(days=30)


def test_cutoff_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        retention_cutoff(NOW, 0)
    with pytest.raises(ValueError):
        retention_cutoff(datetime(2025, 9, 1), 30)


def test_due_for_purge_at_the_boundary() -> None:
    cutoff = NOW - timedelta(days=180)
    assert due_for_purge(cutoff, NOW)
    assert due_for_purge(cutoff - timedelta(seconds=1), NOW)
    assert not due_for_purge(cutoff + timedelta(seconds=1), NOW)
    assert not due_for_purge(NOW - timedelta(days=29), NOW, 30)
    assert due_for_purge(NOW - timedelta(days=31), NOW, 30)


def test_anchor_is_time_out_else_time_in() -> None:
    t_in = NOW - timedelta(days=200)
    t_out = NOW - timedelta(days=170)
    assert retention_anchor(t_in, t_out) == t_out
    assert retention_anchor(t_in, None) == t_in
    assert not due_for_purge(retention_anchor(t_in, t_out), NOW)
    assert due_for_purge(retention_anchor(t_in, None), NOW)


def test_purge_blanks_exactly_the_personal_fields_of_a_visit() -> None:
    before = visit_payload()
    after, purged = purge_payload(VISIT, before, NOW)
    expected = ("_salt", "came_to_see", "credential_number", "name", "notes", "phone", "plate",
                "purpose")
    assert purged == expected
    for key in expected:
        assert after[key] is None
    kept = set(before) - set(expected) - {"purged"}
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
    assert after["organisation"] == "某某日报"
    assert after["purged"] is True
    assert after["purged_at"] == NOW.isoformat()
    assert set(after) == set(before) | {"purged_at"}
    assert before["name"] == "张三"  # the input is not modified
    assert is_purged(after) and not is_purged(before)


def test_purge_leaves_no_personal_value_anywhere_in_the_payload() -> None:
    after, _ = purge_payload(VISIT, visit_payload(), NOW)
    text = repr(after)
    for raw in ("张三", "13800138000", "13900139000", "B110105000123", "粤B12345", "王女士",
                "5a17" * 8):
        assert raw not in text


def test_purge_is_idempotent_and_keeps_the_first_purge_time() -> None:
    once, _ = purge_payload(VISIT, visit_payload(), NOW)
    twice, names = purge_payload(VISIT, once, NOW + timedelta(days=1))
    assert twice == once
    assert twice["purged_at"] == NOW.isoformat()
    assert names == tuple(sorted(PERSONAL_FIELDS[VISIT]))


def test_absent_fields_stay_absent() -> None:
    after, purged = purge_payload(VISIT, {"kind": "visitor", "name": "王五"}, NOW)
    assert purged == ("name",)
    assert after == {"kind": "visitor", "name": None, "purged": True, "purged_at": NOW.isoformat(),
                     "_salt": None}  # the salt key alone is always there, blank


def test_incident_people_purge_non_staff_only() -> None:
    witness = {"incident_id": "i1", "role": "witness", "name": "赵六", "phone": "13700137000",
               "address": "5栋", "unit": "502", "is_staff": False}
    after, purged = purge_payload(INCIDENT_PERSON, witness, NOW)
    assert purged == ("address", "name", "phone", "unit")
    assert after["role"] == "witness" and after["incident_id"] == "i1"
    staff = {"incident_id": "i1", "role": "responder", "name": "李主管", "phone": "13600136000",
             "is_staff": True}
    after_staff, purged_staff = purge_payload(INCIDENT_PERSON, staff, NOW)
    assert purged_staff == ()
    assert after_staff["name"] == "李主管"
    assert personal_fields(INCIDENT_PERSON, staff) == frozenset()


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        purge_payload("incident_note", {"text": "x"}, NOW)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("010-12345678", "+86 10 1234 5678"),
        ("+852 9123 4567", "00852 9123 4567"),
    ],
)
def test_phone_normalisation_agrees(a: str, b: str) -> None:
    assert normalize_phone(a) == normalize_phone(b)


def test_hk_number_differs_from_a_mainland_one() -> None:
    assert normalize_phone("+852 9123 4567") != normalize_phone("91234567")


def test_erase_matches_by_phone_id_or_name() -> None:
    p = visit_payload()
    assert erase_matches(p, PersonKey(phone="138 0013 8000")) == ("phone",)
    assert erase_matches(p, PersonKey(credential_number="b110105000123")) == ("credential_number",)
    assert erase_matches(p, PersonKey(name=" 张三 ")) == ("name",)
    assert erase_matches(p, PersonKey(name="张三", phone="13800138000")) == ("phone", "name")
    assert erase_matches(p, PersonKey(name="张三丰")) == ()
    assert erase_matches(p, PersonKey(phone="13900139000")) == ()  # only in notes
    assert erase_matches(p, PersonKey(phone="8000")) == ()  # too short to be a key


def test_purged_records_no_longer_match() -> None:
    after, _ = purge_payload(VISIT, visit_payload(), NOW)
    assert erase_matches(after, PersonKey(name="张三", phone="13800138000")) == ()


def test_empty_person_key_is_refused() -> None:
    with pytest.raises(ValueError):
        PersonKey(name=" ")


def test_salt_is_added_once_and_a_purge_leaves_it_blank() -> None:
    """Salted kinds get a fresh salt when a payload has none; a purged payload, even one made
    before salts existed, keeps the key blank so nothing re-salts it."""
    from frontdesk.domain.trust.retention import SALT, with_salt

    fresh = with_salt(VISIT, {"name": "张三"}, lambda: "f" * 32)
    assert fresh == {"name": "张三", SALT: "f" * 32}
    assert with_salt(VISIT, fresh, lambda: "0" * 32) is fresh
    assert with_salt("contact", {"name": "马工"}, lambda: "0" * 32) == {"name": "马工"}
    legacy = {k: v for k, v in visit_payload().items() if k != SALT}
    after, names = purge_payload(VISIT, legacy, NOW)
    assert SALT not in names and after[SALT] is None
    assert with_salt(VISIT, after, lambda: "0" * 32) is after
