"""Watch entries: the payload codec, expiry, the keyed ID hash, and the rules for a new entry."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from frontdesk.domain.watch.entry_check import build_entry, parse_day, split_list
from frontdesk.domain.watch.model import (
    PAYLOAD_FIELDS,
    WatchEntry,
    from_payload,
    id_fields,
    id_hash,
    is_active,
    key_id,
    to_payload,
)

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
KEY = b"site-key-for-tests-0123456789abcdef"
ID_NUMBER = "11010519491231002X"


def _build(**values: object) -> tuple[WatchEntry | None, dict[str, str]]:
    base: dict[str, object] = {"name": "张伟", "reason": "推销,已警告"}
    base.update(values)
    return build_entry(base, added_by="主管王", added_at=NOW, today=TODAY,  # type: ignore[arg-type]
                       secret=KEY)


def test_payload_round_trip_with_stable_field_names() -> None:
    entry, errors = _build(aliases="張偉; Zhang Wei", phones="138 0013 8000、+86 139 0000 0000",
                           plates="粤b 12345", orgs="南方都市报；深圳市华信科技有限公司, 分部",
                           id_number=ID_NUMBER, instruction="劝离,通知主管", until="2027/1/5")
    assert errors == {} and entry is not None
    payload = to_payload(entry)
    assert tuple(payload) == PAYLOAD_FIELDS
    assert json.loads(json.dumps(payload)) == payload  # plain JSON types
    assert payload["phones"] == ["+8613800138000", "+8613900000000"]
    assert payload["plates"] == ["粤B12345"]
    assert payload["orgs"] == ["南方都市报", "深圳市华信科技有限公司, 分部"]
    assert payload["aliases"] == ["張偉", "Zhang Wei"]
    assert payload["until"] == "2027-01-05" and payload["added_at"] == NOW.isoformat()
    assert from_payload(entry.id, payload) == entry


def test_the_full_id_number_is_never_kept() -> None:
    entry, _ = _build(id_number="110105 19491231 002x")
    assert entry is not None
    text = repr(entry) + json.dumps(to_payload(entry))
    for secret_part in (ID_NUMBER, "1949123", "110105"):
        assert secret_part not in text
    assert entry.id_last4 == "002X"
    assert entry.id_hash == id_hash(ID_NUMBER, KEY) and entry.id_hash_key == key_id(KEY)
    assert len(entry.id_hash) == 64 and ID_NUMBER not in entry.id_hash


def test_a_payload_cannot_smuggle_a_whole_number_in() -> None:
    entry, _ = _build()
    assert entry is not None
    payload = to_payload(entry) | {"id_last4": ID_NUMBER}
    with pytest.raises(ValueError, match="id_last4"):
        from_payload(entry.id, payload)
    extra = to_payload(entry) | {"id_number": ID_NUMBER}
    assert ID_NUMBER not in repr(from_payload(entry.id, extra))


def test_a_purged_payload_reads_as_empty_fields() -> None:
    entry, _ = _build(phones="13800138000", id_last4="002X")
    assert entry is not None
    blank = {k: (None if k not in ("added_at", "added_by") else v)
             for k, v in to_payload(entry).items()}
    back = from_payload(entry.id, blank)
    assert (back.name, back.phones, back.id_last4, back.until) == ("", (), "", None)


def test_keyed_hash_depends_on_the_key() -> None:
    other = b"another-site-key-0123456789abcdef"
    assert id_hash(ID_NUMBER, KEY) != id_hash(ID_NUMBER, other)
    assert id_hash("110105194912310021", KEY) != id_hash(ID_NUMBER, KEY)
    assert id_hash("11010519491231002x", KEY) == id_hash(ID_NUMBER, KEY)
    assert key_id(KEY) != key_id(other) and len(key_id(KEY)) == 16
    with pytest.raises(ValueError):
        id_hash(ID_NUMBER, b"short")
    assert id_fields(ID_NUMBER, None) == {"id_last4": "002X", "id_hash": "", "id_hash_key": ""}


def test_expiry_is_inclusive_of_the_last_day() -> None:
    entry, _ = _build(until="2026-11-25")
    assert entry is not None
    assert is_active(entry, date(2026, 11, 25))
    assert is_active(entry, datetime(2026, 11, 25, 23, 59))
    assert not is_active(entry, date(2026, 11, 26))
    forever, _ = _build()
    assert forever is not None and is_active(forever, date(2099, 1, 1))


@pytest.mark.parametrize(("values", "field", "code"), [
    ({"name": ""}, "name", "required"),
    ({"reason": " "}, "reason", "required"),
    ({"name": "张" * 101}, "name", "too_long"),
    ({"phones": "12345"}, "phones", "phone_invalid"),
    ({"plates": "粤B123"}, "plates", "plate_invalid"),
    ({"id_last4": "12"}, "id_last4", "id_last4_invalid"),
    ({"id_number": "110105194912310022"}, "id_number", "id_checksum"),
    ({"id_number": ID_NUMBER, "id_last4": "1234"}, "id_last4", "id_last4_mismatch"),
    ({"until": "明年"}, "until", "until_invalid"),
    ({"until": "2026-11-19"}, "until", "until_past"),
    ({"aliases": ";".join(f"别名{i}" for i in range(11))}, "aliases", "too_many"),
])
def test_bad_values_are_refused_with_a_code(values: dict[str, str], field: str,
                                            code: str) -> None:
    entry, errors = _build(**values)
    assert entry is None and errors[field] == code


def test_a_whole_id_needs_the_site_key() -> None:
    entry, errors = build_entry({"name": "张伟", "reason": "r", "id_number": ID_NUMBER},
                                added_by="s", added_at=NOW, today=TODAY, secret=None)
    assert entry is None and errors == {"id_number": "no_id_key"}


def test_control_characters_are_dropped_and_ids_are_stable() -> None:
    a, _ = _build(name="张\x1b[31m伟\u202e", phones="13800138000")
    b, _ = _build(name="张[31m伟", phones="+86 138 0013 8000")
    assert a is not None and b is not None
    assert a.name == "张[31m伟" and a.id == b.id


def test_dates_as_excel_in_china_writes_them() -> None:
    for text in ("2027-01-05", "2027/1/5", "2027.1.5", "2027年1月5日", " 2027 / 01 / 05 "):
        assert parse_day(text) == date(2027, 1, 5), text
    assert parse_day("2027-02-30") is None
    assert split_list("a；b、c|d\ne, f") == ["a", "b", "c", "d", "e", "f"]
