"""Search keys for the register: what a guard may type to find somebody.

Keys are lower-case prefixes looked up in an index: the name and its given name (so 三 finds
张三), the name's full pinyin and initials (``zhangsan``, ``zs``), the outlet, the phone's
national digits and its last four, the plate with and without its province, the credential
number. Pinyin is computed when a record is saved (pypinyin loads a large dictionary: it is
imported on first use, never on the start-up path).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"\D")
MAX_TERM = 64


def normalize(text: str) -> str:
    """NFKC, lower case, inner whitespace removed: how keys and queries are compared."""
    if text.isascii():  # NFKC leaves ASCII as it is; most keys (pinyin, digits) are ASCII
        low = text.lower()
        return low if low.isalnum() else _SPACE.sub("", low)
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).lower())


@lru_cache(maxsize=65536)
def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of the Chinese characters in ``text`` ("", "") if none."""
    if not _CJK.search(text):
        return "", ""
    from frontdesk.domain.register.pinyin_fast import syllables as fast_syllables

    syllables = fast_syllables(text)
    if syllables is None:
        from pypinyin import Style, lazy_pinyin

        syllables = [s for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s]
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables).lower()
    return full, initials


def visit_terms(payload: Mapping[str, Any]) -> set[str]:
    """Every search key of one register entry."""
    terms: set[str] = set()

    def add(value: object) -> None:
        s = normalize(str(value or ""))[:MAX_TERM]
        if s:
            terms.add(s)

    name = str(payload.get("name") or "").strip()
    add(name)
    if _CJK.match(name) and len(name) >= 2:
        add(name[1:])
    full, initials = pinyin_keys(name)
    add(full)
    add(initials)
    for word in name.split():
        add(word)
    org = str(payload.get("organisation") or "")
    add(org)
    org_full, org_initials = pinyin_keys(org)
    add(org_initials)
    phone = _NOT_DIGIT.sub("", str(payload.get("phone") or ""))
    if phone:
        national = phone[2:] if phone.startswith("86") and len(phone) == 13 else phone
        add(national)
        add(national[-4:])
    plate = normalize(str(payload.get("plate") or ""))
    if plate:
        add(plate)
        add(plate[1:])
    add(payload.get("credential_number"))
    return terms


def query_key(query: str) -> str:
    """The key a typed query is matched against (prefix match)."""
    q = normalize(query)
    digits = re.sub(r"[\s\-]", "", q)
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits if digits.isdigit() else q


def kinds_named(query: str, words: Mapping[Any, Iterable[str]]) -> frozenset[Any]:
    """The kinds whose word (either language, from ``words``) the query is, or begins.

    ``记者`` or ``journalist`` lists journalists; a Latin query of three letters or more may
    be the start of the word (``jour``). Words are split on ``/`` (``施工/供应商``).
    """
    q = normalize(query)
    if len(q) < 2:
        return frozenset()
    found = set()
    for kind, names in words.items():
        for name in names:
            for word in str(name).split("/"):
                w = normalize(word)
                if w and (w == q or (q.isascii() and len(q) >= 3 and w.startswith(q))):
                    found.add(kind)
    return frozenset(found)


def digits_query(query: str) -> str:
    """The digits a phone search means (spaces, dashes and a leading +86 dropped), else ""."""
    key = query_key(query)
    return key if key.isdigit() else ""


def id_tail_query(query: str) -> str:
    """Four characters that may end an ID number (digits, or three digits and X), else ""."""
    q = normalize(query).upper()
    return q if len(q) == 4 and q[:3].isdigit() and (q[3].isdigit() or q[3] == "X") else ""
