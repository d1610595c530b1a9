"""The audit hash chain: verifies when intact, names the first broken link, holds no PII."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import pytest

from frontdesk.domain.trust.audit import (
    GENESIS,
    AuditEvent,
    append,
    chain_hash,
    diff_fields,
    field_digest,
    record_hash,
    verify_chain,
)

PEPPER = b"site-A-secret-key-0123456789abcdef"
T0 = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)
PHONE = "13800138000"
ID_NUMBER = "11010519491231002X"
NAME = "张三"


def make_chain(n: int) -> list[AuditEvent]:
    events: list[AuditEvent] = []
    prev: AuditEvent | None = None
    for i in range(n):
        prev = append(
            prev,
            at=T0 + timedelta(minutes=i),
            actor="guard-1",
            action="visit.edit",
            record_kind="visit",
            record_id=f"rec-{i}",
            site="site-A",
            fields=("phone", "name"),
            before_hash=record_hash({"i": i}, PEPPER),
            after_hash=record_hash({"i": i + 1}, PEPPER),
        )
        events.append(prev)
    return events


def test_intact_chain_verifies() -> None:
    events = make_chain(5)
    result = verify_chain(events)
    assert result.ok
    assert result.count == 5
    assert result.head == events[-1].hash
    assert result.first_broken_seq is None and result.reason is None
    assert events[0].prev_hash == GENESIS
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in pairwise(events))


def test_empty_chain_is_ok_at_genesis() -> None:
    assert verify_chain([]) == verify_chain([], start_seq=1)
    assert verify_chain([]).head == GENESIS


def test_tampered_field_names_that_seq() -> None:
    events = make_chain(5)
    events[2] = replace(events[2], actor="supervisor-9")
    result = verify_chain(events)
    assert not result.ok
    assert result.first_broken_seq == 3
    assert result.reason is not None and result.reason.startswith("hash mismatch")
    assert result.count == 2
    assert result.head == events[1].hash


def test_tamper_with_recomputed_hash_breaks_the_next_link() -> None:
    events = make_chain(5)
    forged = replace(events[2], action="visit.view")
    events[2] = replace(forged, hash=chain_hash(forged.prev_hash, forged.body()))
    result = verify_chain(events)
    assert result.first_broken_seq == 4
    assert result.reason is not None and result.reason.startswith("prev mismatch")


def test_deleted_event_names_the_gap() -> None:
    events = make_chain(5)
    del events[2]
    result = verify_chain(events)
    assert not result.ok
    assert result.first_broken_seq == 3
    assert result.reason is not None and result.reason.startswith("seq gap")


def test_reordered_events_are_named() -> None:
    events = make_chain(5)
    events[1], events[2] = events[2], events[1]
    result = verify_chain(events)
    assert not result.ok
    assert result.first_broken_seq == 2
    assert result.reason is not None and result.reason.startswith("reordered")


def test_repeated_event_is_named() -> None:
    events = make_chain(3)
    result = verify_chain([events[0], events[1], events[1], events[2]])
    assert result.first_broken_seq == 3
    assert result.reason is not None and result.reason.startswith("reordered")


def test_renumbered_chain_after_delete_fails_on_the_link() -> None:
    events = make_chain(5)
    del events[2]
    events[2:] = [replace(e, seq=e.seq - 1) for e in events[2:]]
    result = verify_chain(events)
    assert result.first_broken_seq == 3
    assert result.reason is not None and result.reason.startswith("prev mismatch")


def test_incremental_verification_and_anchor() -> None:
    events = make_chain(6)
    tail = events[3:]
    assert verify_chain(tail, start_seq=4, start_prev=events[2].hash).ok
    assert not verify_chain(tail).ok  # a segment alone does not start at genesis
    assert verify_chain(events, anchor=(4, events[3].hash)).ok
    truncated = verify_chain(events[:3], anchor=(4, events[3].hash))
    assert not truncated.ok and truncated.first_broken_seq == 4
    assert truncated.reason is not None and truncated.reason.startswith("anchor missing")
    wrong = verify_chain(events, anchor=(2, "f" * 64))
    assert wrong.first_broken_seq == 2
    assert wrong.reason is not None and wrong.reason.startswith("anchor mismatch")


def test_round_trip_through_dict_keeps_the_chain_valid() -> None:
    events = make_chain(3)
    loaded = [AuditEvent.from_dict(json.loads(json.dumps(e.to_dict()))) for e in events]
    assert loaded == events
    assert verify_chain(loaded).ok


def test_times_are_stored_in_utc() -> None:
    shanghai = timezone(timedelta(hours=8))
    e = append(
        None, at=datetime(2025, 3, 1, 14, 0, tzinfo=shanghai), actor="g", action="login",
        record_kind="user", record_id="u1", site="site-A",
    )
    assert e.at == datetime(2025, 3, 1, 6, 0, tzinfo=UTC)
    assert e.to_dict()["at"] == "2025-03-01T06:00:00.000000+00:00"


def test_event_never_contains_a_raw_personal_value() -> None:
    before = {"name": NAME, "phone": PHONE, "credential_number": ID_NUMBER, "kind": "journalist"}
    after = {**before, "phone": "13900139000"}
    event = append(
        None,
        at=T0,
        actor="guard-1",
        action="visit.edit",
        record_kind="visit",
        record_id="4f0c6a1e-0000-4000-8000-000000000001",
        site="site-A",
        fields=diff_fields(before, after),
        before_hash=record_hash(before, PEPPER),
        after_hash=record_hash(after, PEPPER),
    )
    serialized = json.dumps(event.to_dict(), ensure_ascii=False)
    for raw in (PHONE, "13900139000", ID_NUMBER, NAME):
        assert raw not in serialized
    assert event.fields == ("phone",)


@pytest.mark.parametrize("bad", [PHONE, NAME, "Phone Number", ""])
def test_a_value_cannot_be_passed_as_a_field_name(bad: str) -> None:
    with pytest.raises(ValueError):
        append(
            None, at=T0, actor="g", action="visit.edit", record_kind="visit",
            record_id="r1", site="s", fields=(bad,),
        )


def test_record_id_must_be_a_token_not_a_name() -> None:
    with pytest.raises(ValueError):
        append(None, at=T0, actor="g", action="a", record_kind="visit", record_id=NAME, site="s")


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        append(
            None, at=datetime(2025, 3, 1), actor="g", action="a", record_kind="visit",
            record_id="r1", site="s",
        )


def test_digests_are_keyed() -> None:
    d1 = field_digest(PHONE, PEPPER)
    assert d1 == field_digest(PHONE, PEPPER)
    assert len(d1) == 64 and PHONE not in d1
    assert d1 != field_digest(PHONE, b"another-site-key-0123456789abcdef")
    import hashlib

    assert d1 != hashlib.sha256(PHONE.encode()).hexdigest()
    with pytest.raises(ValueError):
        field_digest(PHONE, b"")
    with pytest.raises(ValueError):
        record_hash({"phone": PHONE}, b"short")


def test_record_hash_is_order_independent_and_detects_change() -> None:
    a = {"name": NAME, "phone": PHONE}
    assert record_hash(a, PEPPER) == record_hash({"phone": PHONE, "name": NAME}, PEPPER)
    assert record_hash(a, PEPPER) != record_hash({**a, "phone": "13900139000"}, PEPPER)


def test_diff_fields() -> None:
    before = {"name": "a", "phone": "1", "n": 1, "gone": "x", "none": None}
    after = {"name": "a", "phone": "2", "n": True, "new": "y"}
    assert diff_fields(before, after) == ("gone", "n", "new", "none", "phone")
    assert diff_fields(before, dict(before)) == ()
