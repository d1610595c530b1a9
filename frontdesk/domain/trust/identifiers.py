"""Every identifier of one person, for erasure: names, phones, ID or card numbers, plates.

An erasure request names a person by one thing (a name, a phone, an ID number). Incident text
writes the person with whatever the guard had to hand: "记者王五 13800138000 在南门拍摄". Erasing
by the name alone used to leave the phone beside it. So the identifiers are gathered first
(:class:`PersonIds`): from the request, from the register entries it matches
(:meth:`PersonIds.with_entry`), and from incident text where a phone, an ID or card number or a
plate is written right beside one of the person's names (:func:`beside_names`: only separators
or a label such as 电话, 手机, 身份证, 车牌 between them); then every text is searched for all of
them. Pure: text in, identifiers out.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from frontdesk.domain.trust.retention import (
    PersonKey,
    normalize_credential,
    normalize_name,
    normalize_phone,
    normalize_plate,
)

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
#: A plate as written: province, letter, five or six characters, optional separators.
PLATE = re.compile(rf"[{_PROVINCES}][A-Za-z][\s·\-]?[A-Za-z0-9]{{4,5}}[A-Za-z0-9挂学警港澳]")
#: A number as written: an optional +, then digits and letters with spaces or dashes inside.
_NUMBER = re.compile(r"(?<![0-9A-Za-z+])\+?[0-9A-Za-z](?:[0-9A-Za-z]|[\s\-](?=[0-9A-Za-z])){5,24}"
                     r"(?![0-9A-Za-z])")
_SEP = r"[\s:：,，、()（）\[\]【】\-—/]*"
_LABEL = r"(?:电话|手机号?|联系电话|联系方式|号码|tel|phone|mobile|身份证号?|证件号?|护照号?|记者证号?|工作证号?|车牌号?|车号|ID)?"
#: What may stand between a name and its identifier for the two to be read as one person's.
_GAP = re.compile(rf"^{_SEP}{_LABEL}{_SEP}$", re.IGNORECASE)
_WINDOW = 16


@dataclass(frozen=True)
class PersonIds:
    """The identifiers of one person, each normalised (see the ``normalize_*`` functions)."""

    names: frozenset[str] = field(default_factory=frozenset)
    phones: frozenset[str] = field(default_factory=frozenset)
    credentials: frozenset[str] = field(default_factory=frozenset)
    plates: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_key(cls, key: PersonKey) -> PersonIds:
        """The identifiers an erasure request gives."""
        return cls().add(name=key.name, phone=key.phone, credential=key.credential_number,
                         plate=key.plate)

    def add(self, name: str = "", phone: str = "", credential: str = "",
            plate: str = "") -> PersonIds:
        """These plus the given values (blank, too short or unusable ones are left out)."""
        n, p, c, pl = (normalize_name(name), normalize_phone(phone),
                       normalize_credential(credential), normalize_plate(plate))
        return PersonIds(
            self.names | ({n} if len(n.replace(" ", "")) >= 2 else set()),
            self.phones | ({p} if len(p.lstrip("+")) >= 5 else set()),
            self.credentials | ({c} if len(c) >= 5 else set()),
            self.plates | ({pl} if len(pl) >= 6 else set()))

    def with_entry(self, payload: Mapping[str, Any]) -> PersonIds:
        """These plus the name, phone, credential number and plate of a matched register entry."""
        def text(key: str) -> str:
            value = payload.get(key)
            return value if isinstance(value, str) else ""

        return self.add(text("name"), text("phone"), text("credential_number"), text("plate"))

    def union(self, other: PersonIds) -> PersonIds:
        """Both sets of identifiers."""
        return PersonIds(self.names | other.names, self.phones | other.phones,
                         self.credentials | other.credentials, self.plates | other.plates)

    def __bool__(self) -> bool:
        return bool(self.names or self.phones or self.credentials or self.plates)


def name_pattern(name: str) -> re.Pattern[str] | None:
    """How a normalised name is found in text (not inside a longer Latin word); None if it is
    one character (it would match half the text)."""
    if len(name.replace(" ", "")) < 2:
        return None
    body = r"\s+".join(re.escape(part) for part in name.split())
    if name.isascii():
        body = rf"(?<![A-Za-z]){body}(?![A-Za-z])"
    return re.compile(body, re.IGNORECASE)


def _classify(token: str) -> PersonIds:
    if PLATE.fullmatch(token):
        return PersonIds().add(plate=token)
    digits = re.sub(r"\D", "", token)
    letters = re.sub(r"[^A-Za-z]", "", token)
    if not letters and 7 <= len(digits) <= 14:
        return PersonIds().add(phone=token)
    if len(digits) >= 5:
        return PersonIds().add(credential=token)
    return PersonIds()


def _tokens(text: str) -> Iterable[tuple[int, int, str]]:
    for pat in (PLATE, _NUMBER):
        for m in pat.finditer(text):
            yield m.start(), m.end(), m.group(0)


def beside_names(text: str, names: Iterable[str]) -> PersonIds:
    """Identifiers written right beside one of ``names`` in ``text`` (before or after it, with
    only separators or a label such as 电话 or 车牌 between)."""
    folded = unicodedata.normalize("NFKC", text)
    spans = [m.span() for n in names if (pat := name_pattern(n)) is not None
             for m in pat.finditer(folded)]
    found = PersonIds()
    if not spans:
        return found
    for start, end, token in _tokens(folded):
        for n_start, n_end in spans:
            gap = (folded[n_end:start] if start >= n_end else
                   folded[end:n_start] if end <= n_start else None)
            if gap is not None and len(gap) <= _WINDOW and _GAP.match(gap):
                found = found.union(_classify(token))
                break
    return found
