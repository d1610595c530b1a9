"""Checking a watch entry as a supervisor (or an imported file) gives it: one place for the rules.

:func:`build_entry` turns raw text values (the CLI's options, the screen's form, a CSV row) into a
:class:`~frontdesk.domain.watch.model.WatchEntry`, or field-keyed error codes (translated by the
UI, like :mod:`frontdesk.domain.register.validation`). A whole ID number given here becomes its
last four and keyed hash and is then dropped.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from frontdesk.domain.register.validation import resident_id_problem
from frontdesk.domain.watch.model import WatchEntry, id_fields, normalize_id_number, valid_last4
from frontdesk.domain.watch.normalize import phone_key, plate_keys
from frontdesk.text import clean_input

MAX_NAME = 100
MAX_TEXT = 1000
MAX_ITEMS = 10
_ID_NAMESPACE = uuid.UUID("0b5c2f7e-4d1a-5e63-8c9b-7a1e2d3f4c5b")
_LIST_SEP = re.compile(r"[;；、|\n]+")
_LIST_SEP_COMMA = re.compile(r"[;；、|\n,，]+")
LIST_FIELDS = ("aliases", "phones", "plates", "orgs")


def split_list(text: str, commas: bool = True) -> list[str]:
    """Items of a list typed in one cell: ``;``, ``；``, ``、``, ``|``, new lines (and commas)."""
    sep = _LIST_SEP_COMMA if commas else _LIST_SEP
    return [item for item in (clean_input(p) for p in sep.split(text)) if item]


def stable_entry_id(name: str, phones: Sequence[str], id_last4: str) -> str:
    """An id derived from who the entry is about: re-importing the same row gives the same id."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"{name}|{','.join(phones)}|{id_last4}"))


def _items(value: str | Sequence[str], commas: bool) -> list[str]:
    if isinstance(value, str):
        return split_list(value, commas)
    return [item for item in (clean_input(str(v)) for v in value) if item]


def build_entry(
    values: Mapping[str, str | Sequence[str]],
    *,
    added_by: str,
    added_at: datetime,
    today: date,
    secret: bytes | None,
    entry_id: str | None = None,
) -> tuple[WatchEntry | None, dict[str, str]]:
    """An entry from raw values, or ``(None, {field: code})``.

    Keys of ``values``: ``name`` and ``reason`` (required), ``aliases``, ``phones``,
    ``plates``, ``orgs`` (lists, or text split by :func:`split_list`), ``id_last4``,
    ``id_number`` (a whole resident ID: kept only as last four and keyed hash, so ``secret`` is
    then required), ``instruction``, ``until`` (a ``date`` or ISO text; must not be before
    ``today``, the site-local day).
    """
    errors: dict[str, str] = {}

    def text(key: str, limit: int) -> str:
        raw = values.get(key) or ""
        s = clean_input(raw if isinstance(raw, str) else " ".join(raw))
        if len(s) > limit:
            errors[key] = "too_long"
        return s

    name = text("name", MAX_NAME)
    if not name:
        errors["name"] = "required"
    reason = text("reason", MAX_TEXT)
    if not reason:
        errors["reason"] = "required"
    instruction = text("instruction", MAX_TEXT)
    lists: dict[str, list[str]] = {}
    for key in LIST_FIELDS:
        items = _items(values.get(key) or "", commas=key != "orgs")
        if len(items) > MAX_ITEMS:
            errors[key] = "too_many"
        elif any(len(i) > MAX_NAME * 2 for i in items):
            errors[key] = "too_long"
        lists[key] = items
    phones: list[str] = []
    for raw in lists["phones"]:
        e164 = phone_key(raw)
        if e164 is None:
            errors["phones"] = "phone_invalid"
        elif e164 not in phones:
            phones.append(e164)
    plates: list[str] = []
    for raw in lists["plates"]:
        full = plate_keys(raw)[0]
        if full is None:
            errors["plates"] = "plate_invalid"
        elif full not in plates:
            plates.append(full)
    ids = {"id_last4": "", "id_hash": "", "id_hash_key": ""}
    last4 = normalize_id_number(text("id_last4", 8))
    if last4 and not valid_last4(last4):
        errors["id_last4"] = "id_last4_invalid"
    number = text("id_number", 40)
    if number:
        problem = resident_id_problem(number)
        if problem:
            errors["id_number"] = problem
        elif secret is None:
            errors["id_number"] = "no_id_key"
        else:
            ids = id_fields(number, secret)
            if last4 and last4 != ids["id_last4"]:
                errors["id_last4"] = "id_last4_mismatch"
    elif last4:
        ids["id_last4"] = last4
    until = _until(values.get("until"), errors)
    if until is not None and until < today:
        errors["until"] = "until_past"
    if errors:
        return None, errors
    entry = WatchEntry(
        id=entry_id or stable_entry_id(name, phones, ids["id_last4"]),
        name=name, reason=reason, instruction=instruction, added_by=added_by,
        added_at=added_at, aliases=tuple(lists["aliases"]), phones=tuple(phones),
        plates=tuple(plates), orgs=tuple(lists["orgs"]), until=until, **ids,
    )
    return entry, {}


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_day(raw: str) -> date | None:
    """``2026-12-31``, ``2026/1/5``, ``2026.1.5``, ``2026年1月5日`` (as Excel in China writes
    dates), or None."""
    m = _DATE.fullmatch(clean_input(raw))
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _until(raw: object, errors: dict[str, str]) -> date | None:
    if isinstance(raw, date):
        return raw
    if not raw or not str(raw).strip():
        return None
    day = parse_day(str(raw))
    if day is None:
        errors["until"] = "until_invalid"
    return day
