"""Reading a watch list from a CSV file, as Excel in China saves one.

Encodings: UTF-8 with or without a BOM ("CSV UTF-8"), GBK / GB18030 (plain "CSV" on a Chinese
Windows), UTF-16 with a BOM ("Unicode text", tab-separated). Headers may be the English ids of
:data:`HEADERS` or their Chinese names (姓名, 电话, 车牌, 单位, 身份证号 ...); a trailing ``*`` (a
required-column mark) and spaces are ignored; unknown columns are ignored.

All or nothing: :func:`watch_from_csv` returns the entries or the errors (row as the spreadsheet
numbers it, header = row 1; the column as its header says), never half a list. Sizes are
bounded (file, rows, cells), control and bidi characters are stripped from every cell, a cell a
spreadsheet would read as a formula may carry the usual ``'`` guard, and a full ID column
becomes last four + keyed hash (:mod:`frontdesk.domain.watch.entry_check`).
"""
from __future__ import annotations

import csv
import io
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from types import MappingProxyType

from frontdesk.domain.escalation.contacts import CsvError
from frontdesk.domain.watch.entry_check import build_entry
from frontdesk.domain.watch.model import WatchEntry

MAX_BYTES = 5_000_000
MAX_ROWS = 20_000
MAX_CELL = 2_000
MAX_COLUMNS = 60
MAX_ERRORS = 200

HEADERS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "id": ("id", "编号"),
    "name": ("name", "姓名", "名字"),
    "aliases": ("aliases", "alias", "别名", "曾用名"),
    "phones": ("phone", "phones", "电话", "手机", "手机号", "联系电话"),
    "plates": ("plate", "plates", "车牌", "车牌号"),
    "orgs": ("org", "orgs", "organisation", "organization", "outlet", "employer", "单位",
             "工作单位", "所属单位", "媒体"),
    "id_last4": ("id_last4", "证件后四位", "身份证后四位"),
    "id_number": ("id_number", "身份证号", "身份证号码", "证件号码", "证件号"),
    "reason": ("reason", "原因", "事由", "关注原因"),
    "instruction": ("instruction", "处置", "处置要求", "处理意见", "指示"),
    "until": ("until", "有效期至", "截止日期", "有效期"),
})
"""Each field and the header names that mean it (compared without case, spaces or ``*``)."""

_BY_HEADER = {
    alias.casefold(): key for key, aliases in HEADERS.items() for alias in aliases
}
_MESSAGES = {
    "required": "a value is required",
    "too_long": "too long",
    "too_many": "too many items (at most 10)",
    "phone_invalid": "not a valid phone number",
    "plate_invalid": "not a whole plate (province, letter, five or six more)",
    "id_last4_invalid": "not four ID characters (digits, the last may be X)",
    "id_last4_mismatch": "not the last four of the ID number in the same row",
    "id_format": "not an 18-character resident ID number",
    "id_checksum": "the ID number's check digit is wrong",
    "id_birthdate": "the ID number holds an impossible birth date",
    "no_id_key": "this site has no ID key to keep an ID number with",
    "until_invalid": "not a date (YYYY-MM-DD)",
    "until_past": "the date is already past",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def decode_csv(data: bytes) -> tuple[str | None, CsvError | None]:
    """The text of a CSV file in any encoding Excel in China saves, or an error."""
    if len(data) > MAX_BYTES:
        return None, CsvError(0, None, "too_large", f"the file is over {MAX_BYTES} bytes")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding), None
        except UnicodeDecodeError:
            continue
    return None, CsvError(0, None, "encoding",
                          "the file is neither UTF-8, GBK/GB18030 nor UTF-16 text")


def _clean(cell: str) -> str:
    from frontdesk.text import clean_input

    s = clean_input(cell)
    if s.startswith("'") and s[1:].startswith(_FORMULA_START):
        s = s[1:]
    return s


def _header_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).strip("*").casefold()


def watch_from_csv(
    data: bytes,
    *,
    added_by: str,
    now: datetime,
    today: date,
    secret: bytes | None,
) -> tuple[list[WatchEntry], list[CsvError]]:
    """Entries from a CSV file's bytes, or every error found (then no entries).

    ``now`` (UTC) is stamped as ``added_at``; ``today`` is the site-local day (an ``until``
    before it is refused); ``secret`` is the site's ID key (needed only for an ID column).
    """
    text, problem = decode_csv(data)
    if problem is not None or text is None:
        return [], [problem] if problem else []
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = enumerate(reader, start=1)  # spreadsheet rows: one per record, the first is 1
    errors: list[CsvError] = []
    rownum = 1
    try:
        header_row: list[str] | None = []
        while header_row is not None and not any(c.strip() for c in header_row):
            rownum, header_row = next(rows, (rownum, None))
        if header_row is None:
            return [], [CsvError(1, None, "empty", "the file is empty")]
        if len(header_row) > MAX_COLUMNS:
            return [], [CsvError(rownum, None, "too_wide", f"more than {MAX_COLUMNS} columns")]
        columns: dict[int, str] = {}
        titles: dict[str, str] = {}
        for i, title in enumerate(header_row):
            key = _BY_HEADER.get(_header_key(_clean(title)))
            if key is None:
                continue
            if key in titles:
                errors.append(CsvError(rownum, _clean(title), "duplicate_column",
                                       f"column {_clean(title)!r} repeats {titles[key]!r}"))
            columns[i], titles[key] = key, _clean(title)
        for key in ("name", "reason"):
            if key not in titles:
                errors.append(CsvError(rownum, key, "missing_column",
                                       f"missing column {key!r} ({HEADERS[key][1]})"))
        if errors:
            return [], errors
        entries = _rows(rows, columns, titles, errors, added_by, now, today, secret)
    except csv.Error as exc:
        return [], [CsvError(reader.line_num, None, "malformed", f"unreadable CSV: {exc}")]
    return ([], errors[:MAX_ERRORS]) if errors else (entries, [])


def _rows(
    rows: Iterator[tuple[int, list[str]]],
    columns: dict[int, str],
    titles: dict[str, str],
    errors: list[CsvError],
    added_by: str,
    now: datetime,
    today: date,
    secret: bytes | None,
) -> list[WatchEntry]:
    entries: list[WatchEntry] = []
    seen: dict[str, int] = {}
    for rownum, row in rows:
        if not any(c.strip() for c in row):
            continue
        if len(entries) + len(errors) >= MAX_ROWS:
            errors.append(CsvError(rownum, None, "too_many_rows", f"more than {MAX_ROWS} rows"))
            break
        values: dict[str, str] = {}
        too_long: set[str] = set()
        for i, cell in enumerate(row[:MAX_COLUMNS]):
            key = columns.get(i)
            if key is None:
                continue
            if len(cell) > MAX_CELL:
                errors.append(CsvError(rownum, titles[key], "too_long",
                                       f"over {MAX_CELL} characters"))
                too_long.add(key)
                continue
            values[key] = _clean(cell)
        entry_id = values.pop("id", "") or None
        if entry_id is not None:
            try:
                entry_id = str(uuid.UUID(entry_id))
            except ValueError:
                errors.append(CsvError(rownum, titles["id"], "bad_id", f"not a UUID: {entry_id!r}"))
                continue
        entry, problems = build_entry(values, added_by=added_by, added_at=now, today=today,
                                      secret=secret, entry_id=entry_id)
        for key, code in problems.items():
            if key in too_long:
                continue  # already said: the cell was too long to read
            title = titles.get(key, key)
            errors.append(CsvError(rownum, title, code, _MESSAGES.get(code, code)))
        if entry is None:
            continue
        if entry.id in seen:
            errors.append(CsvError(rownum, titles.get("name"), "duplicate",
                                   f"the same person as row {seen[entry.id]}"))
            continue
        seen[entry.id] = rownum
        entries.append(entry)
    return entries
