"""Watch-list CSV import: every encoding Excel in China saves, Chinese or English headers,
errors by row and column, all or nothing, bounded sizes, and no whole ID number kept."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from frontdesk.domain.watch import csv_import
from frontdesk.domain.watch.csv_import import watch_from_csv
from frontdesk.domain.watch.model import to_payload

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
KEY = b"site-key-for-tests-0123456789abcdef"
ID_NUMBER = "11010519491231002X"

ZH = (
    "姓名*,别名,电话,车牌,单位,身份证号,原因*,处置要求,有效期至,备注\r\n"
    f"张伟,張偉;Zhang Wei,138 0013 8000,粤b 12345,南方都市报,{ID_NUMBER},多次强行进入,"
    "劝离并通知主管,2027/1/5,不导入的列\r\n"
    "\r\n"
    "欧阳锋,,+86 139 0000 0000,,深圳市华信科技有限公司,,未经批准推销,,,\r\n"
)


def _import(data: bytes, secret: bytes | None = KEY) -> tuple[list, list]:
    return watch_from_csv(data, added_by="主管王", now=NOW, today=TODAY, secret=secret)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_reads_every_excel_encoding(encoding: str) -> None:
    entries, errors = _import(ZH.encode(encoding))
    assert errors == []
    assert [e.name for e in entries] == ["张伟", "欧阳锋"]
    first = entries[0]
    assert first.aliases == ("張偉", "Zhang Wei") and first.phones == ("+8613800138000",)
    assert first.plates == ("粤B12345",) and first.orgs == ("南方都市报",)
    assert (first.reason, first.instruction, first.until) == (
        "多次强行进入", "劝离并通知主管", date(2027, 1, 5))
    assert (first.added_by, first.added_at) == ("主管王", NOW)


def test_reads_utf16_unicode_text_with_tabs() -> None:
    text = ZH.replace(",", "\t")
    entries, errors = _import(text.encode("utf-16"))
    assert errors == [] and len(entries) == 2


def test_english_headers_in_any_case() -> None:
    text = "Name,PHONE,plate,Organisation,ID_Last4,Reason,Until\r\n张伟,13800138000,,新京报,002x,r,\r\n"
    entries, errors = _import(text.encode())
    assert errors == [] and entries[0].id_last4 == "002X" and entries[0].orgs == ("新京报",)


def test_the_whole_id_becomes_last_four_and_keyed_hash() -> None:
    entries, _ = _import(ZH.encode())
    dumped = json.dumps([to_payload(e) for e in entries], ensure_ascii=False) + repr(entries)
    assert ID_NUMBER not in dumped and "19491231" not in dumped
    assert entries[0].id_last4 == "002X" and len(entries[0].id_hash) == 64


def test_an_id_column_without_a_site_key_is_refused() -> None:
    entries, errors = _import(ZH.encode(), secret=None)
    assert entries == []
    assert [(e.row, e.column, e.code) for e in errors] == [(2, "身份证号", "no_id_key")]


def test_bad_rows_say_what_and_where_and_nothing_is_imported() -> None:
    text = (
        "姓名,电话,车牌,身份证号,原因,有效期至\n"
        "张伟,138 0013 8000,粤B12345,,推销,\n"
        ",12345,粤B12,110105194912310022,推销,2026-01-01\n"
        "李四,13800138000,,,,明年\n"
    )
    entries, errors = _import(text.encode("gbk"))
    assert entries == []
    assert [(e.row, e.column, e.code) for e in errors] == [
        (3, "姓名", "required"), (3, "电话", "phone_invalid"), (3, "车牌", "plate_invalid"),
        (3, "身份证号", "id_checksum"), (3, "有效期至", "until_past"),
        (4, "原因", "required"), (4, "有效期至", "until_invalid"),
    ]
    assert str(errors[1]) == "row 3, 电话: not a valid phone number"


def test_missing_columns_empty_files_and_undecodable_bytes() -> None:
    _, errors = _import("姓名,电话\n张伟,13800138000\n".encode())
    assert [(e.row, e.column, e.code) for e in errors] == [(1, "reason", "missing_column")]
    _, errors = _import(b"")
    assert [e.code for e in errors] == ["empty"]
    _, errors = _import(b"\xff\xfe\x00")  # a UTF-16 BOM and half a character
    assert [e.code for e in errors] == ["encoding"]
    _, errors = _import(b"\x81\x30\x81")  # neither UTF-8 nor complete GB18030
    assert [e.code for e in errors] == ["encoding"]
    _, errors = _import("姓名,原因,name\n".encode())
    assert [e.code for e in errors] == ["duplicate_column"]


def test_the_same_person_twice_is_an_error() -> None:
    text = "姓名,电话,原因\n张伟,13800138000,a\n张伟,+86 138 0013 8000,b\n"
    entries, errors = _import(text.encode())
    assert entries == [] and [(e.row, e.code) for e in errors] == [(3, "duplicate")]


def test_given_ids_must_be_uuids() -> None:
    text = "id,姓名,原因\nnot-a-uuid,张伟,a\n"
    _, errors = _import(text.encode())
    assert [(e.row, e.column, e.code) for e in errors] == [(2, "id", "bad_id")]
    good = "id,姓名,原因\n6F1D0C3E-2B7A-4D41-9A57-3C0F1E2D4B8A,张伟,a\n"
    entries, _ = _import(good.encode())
    assert entries[0].id == "6f1d0c3e-2b7a-4d41-9a57-3c0f1e2d4b8a"


def test_sizes_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    long_cell = "姓名,原因\n张伟," + "很" * (csv_import.MAX_CELL + 1) + "\n"
    _, errors = _import(long_cell.encode())
    assert [(e.row, e.column, e.code) for e in errors] == [(2, "原因", "too_long")]
    monkeypatch.setattr(csv_import, "MAX_ROWS", 3)
    rows = "".join(f"张{i}明,r\n" for i in range(5))
    _, errors = _import(("姓名,原因\n" + rows).encode())
    assert errors[-1].code == "too_many_rows"
    monkeypatch.setattr(csv_import, "MAX_BYTES", 10)
    _, errors = _import(ZH.encode())
    assert [e.code for e in errors] == ["too_large"]


def test_hostile_cells_are_cleaned_and_formula_guards_removed() -> None:
    text = "姓名,单位,原因\n\"张\x1b]0;x\x07伟\u202e\",'=HYPERLINK(\"x\"),\"[@click=app.quit]\"\n"
    entries, errors = _import(text.encode())
    assert errors == []
    assert entries[0].name == "张]0;x伟"
    assert entries[0].orgs == ('=HYPERLINK("x")',)
    assert entries[0].reason == "[@click=app.quit]"  # kept literally; shown through frontdesk.text
