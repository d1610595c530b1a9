"""People and numbers the duty room calls: contacts, their roles, phone checks, CSV exchange.

A :class:`Contact` fills one *role* (an id from :data:`ROLES`: the 逐级上报 chain of seed 000
4.1.4 / 4.2.2, the departments beside it, and the public emergency numbers). Escalation steps
name roles (or, rarely, one contact); the engine resolves a role to the contacts that fill it,
on-duty ones first.

Phones are stored normalised: E.164 (``+8613800138000``) for full numbers, bare digits for the
emergency and service short numbers (``110``, ``119``, ``120``, ``95598``, ``96333``). An
extension typed as ``转8001`` or ``ext 8001`` is kept as ``;ext=8001`` after the E.164 number.

Contacts travel to and from the office as CSV (UTF-8; write it with a BOM, ``utf-8-sig``, so
Excel reads the Chinese). Headers are stable English ids; every cell that a spreadsheet would
read as a formula is prefixed with ``'`` on export and the prefix is removed again on import.
Files saved by a Chinese Excel (GBK, UTF-16 "Unicode text") are read too, within bounds, and
every cell is cleaned of control characters on the way in and out
(:mod:`frontdesk.domain.escalation.csv_text`).
"""
from __future__ import annotations

import csv
import io
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from types import MappingProxyType

import phonenumbers
from phonenumbers import shortnumberinfo

from frontdesk.domain.escalation import csv_text

BRANCHES: tuple[str, ...] = ("chain", "emergency", "outside")
"""Where a contact sits: the reporting chain, the public emergency numbers, or beside the chain."""

CSV_COLUMNS: tuple[str, ...] = (
    "id", "name", "role", "unit", "phone", "backup_phone", "on_duty", "duty_hours", "notes",
    "branch",
)
"""CSV header, in order. Stable: other sites and the office's spreadsheets rely on it."""

_REQUIRED_COLUMNS = ("name", "role")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TRUE = {"1", "true", "yes", "y", "是", "在岗", "on"}
_FALSE = {"0", "false", "no", "n", "否", "不在岗", "off"}
_ID_NAMESPACE = uuid.UUID("6f1d0c3e-2b7a-5d41-9a57-3c0f1e2d4b8a")


@dataclass(frozen=True)
class Role:
    """A role a contact can fill, with its Chinese and English names and default branch."""

    id: str
    zh: str
    en: str
    branch: str


def _roles() -> MappingProxyType[str, Role]:
    table = (
        ("guard", "门岗", "Gate guard", "chain"),
        ("security_supervisor", "秩序维护主管", "Security supervisor", "chain"),
        ("project_manager", "项目经理", "Project manager", "chain"),
        ("regional_head", "地区公司负责人", "Regional company head", "chain"),
        ("developer_cs", "地产客服部", "Developer customer service", "chain"),
        ("group_leadership", "集团领导", "Group leadership", "chain"),
        # 000: 信息发布…均需公司总经理审核; 001/003: 总经理 leads the emergency leadership group
        ("general_manager", "公司总经理", "General manager", "outside"),
        ("gm_office", "总经办", "General manager's office", "outside"),
        ("client_media", "甲方媒体接待部门", "Client media reception", "outside"),
        ("cs_centre", "客服中心", "Customer-service centre", "outside"),
        ("engineering", "工程部", "Engineering", "outside"),
        ("lift_contractor", "电梯维保单位", "Lift maintenance contractor", "outside"),
        ("police_110", "110 报警", "Police 110", "emergency"),
        ("fire_119", "119 火警", "Fire 119", "emergency"),
        ("ambulance_120", "120 急救", "Ambulance 120", "emergency"),
    )
    return MappingProxyType({r[0]: Role(*r) for r in table})


ROLES: MappingProxyType[str, Role] = _roles()
"""Every role id, in chain order, with its names."""

EMERGENCY_NUMBERS: MappingProxyType[str, str] = MappingProxyType(
    {"police_110": "110", "fire_119": "119", "ambulance_120": "120"}
)
"""The public number behind each emergency role."""


@dataclass(frozen=True)
class Contact:
    """Someone (or some number) the duty room may call.

    ``duty_hours`` is site-local, ``"08:00-20:00"``; overnight ranges (``"20:00-08:00"``) and
    several ranges (``"08:00-12:00,14:00-18:00"``) are allowed; ``None`` means the ``on_duty``
    flag alone decides.
    """

    id: str
    name: str
    role: str
    unit: str = ""
    phone: str = ""
    backup_phone: str = ""
    on_duty: bool = True
    duty_hours: str | None = None
    notes: str = ""
    branch: str = "chain"

    @property
    def dial(self) -> str | None:
        """The number to dial: the phone if valid, else the backup phone if valid."""
        return valid_phone(self.phone) or valid_phone(self.backup_phone)


@dataclass(frozen=True)
class CsvError:
    """One problem in an imported CSV: spreadsheet row (header = row 1), column, what is wrong."""

    row: int
    column: str | None
    code: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:  # the whole file (too big, an unknown encoding)
            return self.message
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


def new_contact_id(name: str = "", role: str = "", phone: str = "") -> str:
    """A contact id: random if nothing is given, else stable for the same name, role and phone.

    The stable form makes re-importing the same CSV rows without ids idempotent.
    """
    if not (name or role or phone):
        return str(uuid.uuid4())
    return str(uuid.uuid5(_ID_NAMESPACE, f"{name}|{role}|{phone}"))


def default_branch(role: str) -> str:
    """The branch a role belongs to (``"chain"`` for unknown roles)."""
    found = ROLES.get(role)
    return found.branch if found else "chain"


def valid_phone(raw: str | None) -> str | None:
    """Normalise a phone number (China by default), or ``None`` if it is not a dialable number.

    Mobiles and fixed lines come back in E.164 (an extension as ``;ext=N``); emergency and
    valid Chinese short service numbers (110, 119, 120, 95598...) come back as bare digits.
    """
    if not raw:
        return None
    s = unicodedata.normalize("NFKC", raw).strip()
    s = s.replace("转", " ext ").replace("分机", " ext ")
    compact = "".join(ch for ch in s if ch not in " -().")
    if not compact:
        return None
    if compact.isdigit() and len(compact) <= 6:
        try:
            short = phonenumbers.parse(compact, "CN")
        except phonenumbers.NumberParseException:
            return None
        if shortnumberinfo.is_emergency_number(compact, "CN") or (
            shortnumberinfo.is_valid_short_number_for_region(short, "CN")
        ):
            return compact
        return None
    try:
        num = phonenumbers.parse(s, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164};ext={num.extension}" if num.extension else e164


def display_phone(stored: str) -> str:
    """A stored number as people read and type it: ``138 0013 8000``, ``0755 8888 8888``."""
    if not stored or not stored.startswith("+"):
        return stored
    base, _, ext = stored.partition(";ext=")
    try:
        num = phonenumbers.parse(base, None)
    except phonenumbers.NumberParseException:
        return stored
    if num.country_code == 86:
        text = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    else:
        text = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{text} 转 {ext}" if ext else text


def parse_duty_hours(text: str) -> tuple[tuple[int, int], ...] | None:
    """``"08:00-20:00[,..]"`` as (start, end) minutes after midnight, or ``None`` if malformed.

    ``24:00`` is allowed as an end; a range whose end is not after its start wraps midnight,
    and a range whose start equals its end covers the whole day.
    """
    ranges: list[tuple[int, int]] = []
    for part in unicodedata.normalize("NFKC", text).replace("~", "-").split(","):
        bounds = [b.strip() for b in part.split("-")]
        if len(bounds) != 2:
            return None
        mins = [_hhmm(b) for b in bounds]
        if mins[0] is None or mins[1] is None or mins[0] >= 24 * 60:
            return None
        ranges.append((mins[0], mins[1]))
    return tuple(ranges) if ranges else None


def _hhmm(text: str) -> int | None:
    hh, sep, mm = text.partition(":")
    if not sep or not (hh.isdigit() and mm.isdigit()) or len(mm) != 2:
        return None
    h, m = int(hh), int(mm)
    if m >= 60 or h > 24 or (h == 24 and m):
        return None
    return h * 60 + m


def on_duty_now(contact: Contact, now_local: time | datetime) -> bool:
    """Whether ``contact`` is on duty at the site-local time ``now_local``.

    Off when the ``on_duty`` flag is off; otherwise on when there are no duty hours, or when
    the time falls in one of the ``[start, end)`` ranges. Malformed hours are ignored (the
    flag decides): the CSV import refuses them, so only hand-edited data can hold them.
    """
    if not contact.on_duty:
        return False
    if not contact.duty_hours:
        return True
    ranges = parse_duty_hours(contact.duty_hours)
    if ranges is None:
        return True
    t = now_local.time() if isinstance(now_local, datetime) else now_local
    minute = t.hour * 60 + t.minute
    for start, end in ranges:
        if start == end:
            return True
        if start < end and start <= minute < end:
            return True
        if start > end and (minute >= start or minute < end):
            return True
    return False


def contacts_for(
    contacts: Iterable[Contact],
    now_local: time | datetime | None,
    role: str | None = None,
    contact_id: str | None = None,
) -> list[Contact]:
    """The contacts a step target points at: one contact by id, or everyone in a role.

    Ordered on-duty first (when ``now_local`` is given), then those with a dialable number,
    then by name and id, so the same data always gives the same order.
    """
    if contact_id is not None:
        found = [c for c in contacts if c.id == contact_id]
    else:
        found = [c for c in contacts if c.role == role]

    def key(c: Contact) -> tuple[bool, bool, str, str]:
        off = now_local is not None and not on_duty_now(c, now_local)
        return (off, c.dial is None, c.name, c.id)

    return sorted(found, key=key)


def _guard(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _unguard(cell: str) -> str:
    if cell.startswith("'") and cell[1:].startswith(_FORMULA_START):
        return cell[1:]
    return cell


def _export_phone(stored: str) -> str:
    # Chinese numbers leave in national form (with spaces) so Excel neither drops the leading
    # zero of a fixed line nor turns a mobile into 1.38E+10, and re-import reads them back.
    if stored.startswith("+86"):
        return display_phone(stored)
    return stored


def contacts_to_csv(contacts: Iterable[Contact]) -> str:
    """Contacts as CSV text (header :data:`CSV_COLUMNS`), formula-guarded, ``\\r\\n`` lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in contacts:
        row = [
            c.id, c.name, c.role, c.unit, _export_phone(c.phone), _export_phone(c.backup_phone),
            "yes" if c.on_duty else "no", c.duty_hours or "", c.notes, c.branch,
        ]
        writer.writerow([_guard(csv_text.clean_cell(cell)) for cell in row])
    return out.getvalue()


def csv_template(example: bool = True) -> str:
    """An empty contacts CSV for the office to fill in, optionally with one example row."""
    rows: list[Contact] = []
    if example:
        rows.append(Contact(
            id="", name="张三(示例,导入前删除)", role="security_supervisor", unit="秩序维护部",
            phone="+8613800138000", backup_phone="+8675588888888", on_duty=True,
            duty_hours="08:00-20:00", notes="role 填角色 id 或中文名", branch="chain",
        ))
    return contacts_to_csv(rows)


def _role_id(text: str) -> str | None:
    wanted = text.strip().casefold()
    for role in ROLES.values():
        if wanted in (role.id, role.zh.casefold(), role.en.casefold()):
            return role.id
    return None


def _parse_row(
    rownum: int, cells: dict[str, str], seen: set[str]
) -> tuple[Contact | None, list[CsvError]]:
    errors: list[CsvError] = []

    def err(column: str, code: str, message: str) -> None:
        errors.append(CsvError(rownum, column, code, message))

    name = cells.get("name", "")
    if not name:
        err("name", "required", "a name is required")
    role = _role_id(cells.get("role", ""))
    if not cells.get("role"):
        err("role", "required", "a role is required")
    elif role is None:
        err("role", "unknown_role", f"unknown role {cells['role']!r}")
    phones: dict[str, str] = {}
    for column in ("phone", "backup_phone"):
        raw = cells.get(column, "")
        norm = valid_phone(raw) if raw else ""
        if norm is None:
            err(column, "bad_phone", f"not a valid phone number: {raw!r}")
        phones[column] = norm or ""
    duty_text = cells.get("on_duty", "").casefold()
    on_duty = duty_text not in _FALSE
    if duty_text and duty_text not in _TRUE | _FALSE:
        err("on_duty", "bad_bool", f"expected yes or no, got {cells['on_duty']!r}")
    hours = cells.get("duty_hours", "") or None
    if hours is not None and parse_duty_hours(hours) is None:
        err("duty_hours", "bad_duty_hours", f"expected HH:MM-HH:MM, got {hours!r}")
    branch = cells.get("branch", "") or default_branch(role or "")
    if branch not in BRANCHES:
        err("branch", "bad_branch", f"branch must be one of {', '.join(BRANCHES)}")
    cid = cells.get("id", "")
    if cid:
        try:
            cid = str(uuid.UUID(cid))
        except ValueError:
            err("id", "bad_id", f"not a UUID: {cid!r}")
    else:
        cid = new_contact_id(name, role or "", phones["phone"])
    if cid in seen:
        err("id", "duplicate_id", f"id {cid} appears twice")
    if errors or role is None:
        return None, errors
    seen.add(cid)
    contact = Contact(
        id=cid, name=name, role=role, unit=cells.get("unit", ""), phone=phones["phone"],
        backup_phone=phones["backup_phone"], on_duty=on_duty, duty_hours=hours,
        notes=cells.get("notes", ""), branch=branch,
    )
    return contact, []


def decode_csv(data: bytes) -> tuple[str, list[CsvError]]:
    """A CSV file's bytes as text (UTF-8, GBK/GB18030, UTF-16 with a BOM), or the error that
    says what is wrong and how to save the file instead."""
    found = csv_text.decode(data)
    if isinstance(found, csv_text.TextProblem):
        return "", [CsvError(found.row, None, found.code, found.message)]
    return found[0], []


def contacts_from_csv(text: str) -> tuple[list[Contact], list[CsvError]]:
    """Read contacts from CSV text; returns the good rows and an error per bad cell.

    A row with any error is left out whole. Blank rows are skipped; unknown columns are
    ignored; a role may be given as its id or its Chinese or English name; a row without an
    id gets one derived from its name, role and phone (see :func:`new_contact_id`). Cells are
    cleaned (:func:`~frontdesk.domain.escalation.csv_text.clean_cell`); a file over the bounds
    of :mod:`~frontdesk.domain.escalation.csv_text` gives one error naming the row.
    """
    found = csv_text.rows(text)
    first = next(found, None)
    if first is None:
        return [], [CsvError(1, None, "empty", "the file is empty")]
    if isinstance(first, csv_text.TextProblem):
        return [], [CsvError(first.row, None, first.code, first.message)]
    header = [csv_text.clean_cell(h).casefold() for h in first[1]]
    missing = [c for c in _REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [CsvError(1, c, "missing_column", f"missing column {c!r}") for c in missing]
    contacts: list[Contact] = []
    errors: list[CsvError] = []
    seen: set[str] = set()
    for item in found:
        if isinstance(item, csv_text.TextProblem):
            return [], [*errors, CsvError(item.row, None, item.code, item.message)]
        rownum, row = item
        if not any(cell.strip() for cell in row):
            continue
        cells = {
            col: _unguard(csv_text.clean_cell(row[i])) if i < len(row) else ""
            for i, col in enumerate(header)
            if col in CSV_COLUMNS
        }
        contact, row_errors = _parse_row(rownum, cells, seen)
        errors.extend(row_errors)
        if contact is not None:
            contacts.append(contact)
    return contacts, errors


def role_names(role: str) -> tuple[str, str]:
    """(zh, en) names of a role id; the id itself twice when it is unknown."""
    found = ROLES.get(role)
    return (found.zh, found.en) if found else (role, role)
