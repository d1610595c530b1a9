"""Checks on what a guard types: hard errors block a save, soft warnings only inform.

Results carry codes (translated by the UI), never sentences, so the domain stays language-free.
Recipes from research/anchors-sync-export-security.md §4: phone numbers with phonenumbers (CN
default, stored E.164), resident ID with the national checksum (GB 11643, ISO 7064 MOD 11-2),
press card and plate as soft checks that warn and never block.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from frontdesk.domain.register.visits import NAME_OPTIONAL, CredentialType, VisitKind

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PRESS_CARD = re.compile(r"^[A-Z]\d{12}$")
_PROV = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"^[{_PROV}][A-Z](?:[A-HJ-NP-Z0-9]{{4}}[A-HJ-NP-Z0-9挂学警港澳]"
    rf"|[DF][A-HJ-NP-Z0-9][0-9]{{4}}|[0-9]{{5}}[DF])$"
)
MAX_FIELD = 2000


@dataclass
class Check:
    """The outcome of checking a form: errors block, warnings inform, values are normalised."""

    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing blocks the save."""
        return not self.errors


def normalize_id(raw: str) -> str:
    """Full-width to ASCII, spaces and dashes removed, upper case."""
    return unicodedata.normalize("NFKC", raw).replace(" ", "").replace("-", "").upper()


def resident_id_problem(raw: str) -> str | None:
    """Why an 18-character resident ID number is wrong, or None when the checksum holds."""
    n = normalize_id(raw)
    if len(n) != 18 or not n[:17].isdigit() or not (n[17].isdigit() or n[17] == "X"):
        return "id_format"
    total = sum(int(d) * w for d, w in zip(n[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != n[17]:
        return "id_checksum"
    try:
        date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return "id_birthdate"
    return None


MASK_MAX_EACH_END = 4


def mask_id(n: str) -> str:
    """A credential number (or any identifier) as shown masked: the one rule, everywhere.

    At each end a quarter of the characters is shown (rounded down), at most
    :data:`MASK_MAX_EACH_END`; every other character is a ``*``. So never more than half of the
    number and never more than 4 + 4 characters are shown, and fewer than 4 characters are
    hidden whole: ``110105194912311234`` (18) → ``1101**********1234``, a 13-character press
    card ``B440100000001`` → ``B44*******001``, a 9-character passport ``E12345678`` →
    ``E1*****78``, ``A123`` → ``A**3``. The CLI, every export and docs/cli.md use this rule.
    """
    n = n.strip()
    k = min(MASK_MAX_EACH_END, len(n) // 4)
    if k == 0:
        return "*" * len(n)
    return n[:k] + "*" * (len(n) - 2 * k) + n[-k:]


def normalize_phone(raw: str) -> tuple[str, str | None]:
    """(stored value, error code): valid numbers become E.164 (CN default)."""
    s = unicodedata.normalize("NFKC", raw).strip()
    if not s:
        return "", None
    import phonenumbers

    try:
        num = phonenumbers.parse(s, "CN")
    except phonenumbers.NumberParseException:
        return s, "phone_unreadable"
    if not phonenumbers.is_valid_number(num):
        return s, "phone_invalid"
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164), None


def display_phone(e164: str) -> str:
    """A stored phone as a guard reads it: +86 mobiles as 138 0013 8000."""
    if e164.startswith("+86") and len(e164) == 14:
        d = e164[3:]
        return f"{d[:3]} {d[3:7]} {d[7:]}"
    return e164


def normalize_plate(raw: str) -> str:
    """NFKC, upper case, spaces, dots and dashes removed."""
    s = unicodedata.normalize("NFKC", raw).upper()
    return re.sub(r"[\s·.\-•]", "", s)


def check_visit(kind: VisitKind, values: dict[str, str], credential_type: CredentialType) -> Check:
    """Check and normalise a register form's text values (see module doc)."""
    from frontdesk.text import clean_input

    res = Check(values={k: clean_input(text) for k, text in values.items()})
    v = res.values
    for key, text in v.items():
        if len(text) > MAX_FIELD:
            res.errors[key] = "too_long"
    name = v.get("name", "").strip()
    if not name and kind not in NAME_OPTIONAL:
        res.errors["name"] = "name_required"
    if v.get("phone"):
        stored, err = normalize_phone(v["phone"])
        v["phone"] = stored
        if err:
            res.errors["phone"] = err
    number = v.get("credential_number", "").strip()
    if number:
        if credential_type is CredentialType.RESIDENT_ID:
            n = normalize_id(number)
            problem = resident_id_problem(n)
            if problem:
                res.errors["credential_number"] = problem
            v["credential_number"] = n
        elif credential_type is CredentialType.PRESS_CARD:
            n = normalize_id(number)
            v["credential_number"] = n
            if not _PRESS_CARD.match(n):
                res.warnings["credential_number"] = "press_card_format"
    if v.get("plate"):
        p = normalize_plate(v["plate"])
        v["plate"] = p
        if not _PLATE.match(p):
            res.warnings["plate"] = "plate_format"
    return res


def parse_party_size(raw: str) -> tuple[int, str | None]:
    """Party size: a whole number from 1 to 999."""
    s = unicodedata.normalize("NFKC", raw).strip() or "1"
    if not s.isdigit() or not 1 <= int(s) <= 999:
        return 1, "party_size"
    return int(s), None
