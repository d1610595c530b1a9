"""Keys the watch list compares: the same person however a guard types them.

Every function here turns one typed value into the exact keys the index is looked up with, so
matching is dictionary look-ups, never a scan:

* names: NFKC (full-width letters and spaces), control characters dropped, traditional
  characters made simplified (OpenCC ``t2s``: 張偉 → 张伟), separators dropped (spaces, the
  middle dots of transliterated names, dashes, apostrophes, tone digits), case folded, tone marks
  and the ü of lü folded (``Lǚ``, ``lv``, ``lyu`` → ``lu``). A Chinese name gives its characters
  (``han``), its pinyin surname-first and given-name-first (``zhangwei``, ``weizhang``: an English
  "Wei Zhang" is the same person), and its initials (``zw``); surnames read differently from
  their character (曾 Zeng, 单 Shan) are indexed under both readings;
* phones: :mod:`phonenumbers` with China as the default region, E.164 (``138 0013 8000``,
  ``+86 13800138000``, ``0086…``, ``86138…`` and full-width digits are one number); only a whole,
  valid number gives a key;
* plates: NFKC, simplified province character (粵 → 粤), upper case, separators dropped
  (``粤b 12345`` = ``粤B·12345``), and after the city letter O read as 0 and I as 1 (plates
  use neither letter); the plate without its province is a second, weaker key;
* organisations: like names, plus the usual legal suffixes dropped (有限公司, 股份有限公司, 集团,
  "Co., Ltd." ...) and 报社 read as 报 (南方都市报社 = 南方都市报);
* ID numbers: the last four characters, or a whole 15/18-character number (hashed by the caller).

OpenCC and pypinyin load on first use (pypinyin's dictionaries cost ~0.2 s): this module is
imported only when the watch list is used, never on the app's start-up path.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from frontdesk.domain.watch.name_freq import COMPOUND_SURNAMES, SURNAME_READINGS

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ALL_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+\Z")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_PUNCT = r"\s·•・‧∙.\-_,，、'’`/|()（）\[\]"
_SEP = re.compile(f"[{_PUNCT}]+")
_SEPARATORS = re.compile(f"[{_PUNCT}0-9]+")  # in names, digits are tone numbers (zhang1)
_NOT_LETTER = re.compile(r"[^a-z]+")

MAX_KEY = 64
"""Longer input is cut: no name, plate or outlet is longer, and keys stay small."""
MIN_PINYIN = 4
"""Letters a pinyin key needs (``lina`` is the shortest two-syllable name worth a key)."""
INITIALS = (2, 4)
"""Lengths of an all-letter entry that is also read as initials (``zw``, ``oyf``)."""
MIN_PLATE = 7
"""Characters of a whole plate (province, city letter, five or six more)."""

_ORG_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司", "分公司",
    "coltd", "colimited", "limited", "ltd", "incorporated", "inc", "llc", "corporation",
    "corp", "company", "co", "group",
)


@lru_cache(maxsize=1)
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """``text`` with traditional Chinese characters made simplified (unchanged if none)."""
    if not CJK.search(text):
        return text
    return str(_t2s().convert(text))  # type: ignore[attr-defined]  # OpenCC has no stubs


def fold(text: str) -> str:
    """NFKC, control and bidi characters dropped, simplified, lower case, tone marks removed."""
    s = _UNSAFE.sub("", unicodedata.normalize("NFKC", text))[: MAX_KEY * 2]
    s = simplified(s).casefold()
    if not s.isascii():
        s = "".join(
            ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch)
        )
        s = unicodedata.normalize("NFC", s)
    return s


def _latin(token: str) -> str:
    t = _NOT_LETTER.sub("", token.replace("ü", "u").replace("v", "u"))
    if t.startswith(("lyu", "nyu")):  # passport spelling of 吕 / 女
        t = t[0] + t[2:]
    return t


@lru_cache(maxsize=32768)
def syllables(text: str) -> tuple[str, ...]:
    """Plain pinyin syllables of Chinese ``text`` (default readings, ü written u)."""
    from frontdesk.domain.register.pinyin_fast import syllables as fast

    found = fast(text)
    if found is None:
        from pypinyin import Style, lazy_pinyin

        found = [s for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s.strip()]
    return tuple(_latin(s) for s in found if _latin(s))


def split_name(han: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese name in simplified characters."""
    if len(han) > 2 and han[:2] in COMPOUND_SURNAMES:
        return han[:2], han[2:]
    return han[:1], han[1:]


def surname_readings(surname: str) -> tuple[str, ...]:
    """Pinyin a guard may type for a surname: its surname reading first, then the default."""
    default = "".join(syllables(surname))
    known = SURNAME_READINGS.get(surname, ())
    return tuple(dict.fromkeys((*known, default)))


@dataclass(frozen=True)
class NameForms:
    """The keys of one watched name (the name or an alias), as the index stores them."""

    han: str | None
    """Simplified characters, no separators (``张伟``); None for a Latin-script name."""
    surname: str
    given: str
    pinyin: tuple[str, ...]
    """Pinyin keys: surname first and given name first, for every reading of the surname."""
    canonical: str
    """The first pinyin key (surname first, surname reading): typos are measured against it."""
    initials: tuple[str, ...]
    display: str
    """The pinyin with spaces, as the banner shows it (``zhang wei``)."""
    latin_tokens: tuple[str, ...]
    """For a Latin-script name, its words (``john``, ``smith``); empty for a Chinese one."""


def _words(text: str) -> list[str]:
    return [w for w in (_latin(t) for t in _SEPARATORS.split(text)) if w]


@lru_cache(maxsize=65536)
def name_forms(raw: str) -> NameForms | None:
    """The index keys of a watched name, or None when nothing usable is left."""
    s = fold(raw)
    han = _SEPARATORS.sub("", s)
    if len(han) >= 2 and _ALL_CJK.match(han):
        surname, given = split_name(han[:MAX_KEY])
        given_py = syllables(given)
        readings = surname_readings(surname)
        keys: list[str] = []
        initials: list[str] = []
        for reading in readings:
            keys.append(reading + "".join(given_py))
            keys.append("".join(given_py) + reading)
            initials.append(reading[:1] + "".join(p[:1] for p in given_py))
        display = " ".join((readings[0], "".join(given_py))).strip()
        return NameForms(
            han=han[:MAX_KEY], surname=surname, given=given, pinyin=tuple(dict.fromkeys(keys)),
            canonical=keys[0], initials=tuple(dict.fromkeys(initials)), display=display,
            latin_tokens=(),
        )
    words: list[str] = []
    for token in _SEPARATORS.split(s):
        words.extend(syllables(token) if CJK.search(token) else [_latin(token)])
    words = [w for w in words if w]
    joined = "".join(words)[:MAX_KEY]
    if len(joined) < MIN_PINYIN:
        return None
    orders = [words, words[-1:] + words[:-1], words[1:] + words[:1]]
    keys = list(dict.fromkeys("".join(o)[:MAX_KEY] for o in orders))
    initials = ["".join(w[0] for w in words)] if len(words) >= 2 else []
    return NameForms(
        han=None, surname="", given="", pinyin=tuple(keys), canonical=keys[0],
        initials=tuple(initials), display=" ".join(words), latin_tokens=tuple(words),
    )


@dataclass(frozen=True)
class NameQuery:
    """The keys of what a guard has typed in the name field so far."""

    han: str | None
    pinyin: str | None
    initials: str | None
    display: str


@lru_cache(maxsize=4096)
def name_query(raw: str) -> NameQuery:
    """Keys of a typed name: characters (two or more), pinyin (four letters or more), initials.

    An all-letter entry of two to four letters is read as initials too (``zw``, ``ZW``,
    ``z w``); pinyin is the letters in the order typed (the index holds both orders).
    """
    s = fold(raw)
    compact = _SEPARATORS.sub("", s)[:MAX_KEY]
    han = compact if len(compact) >= 2 and _ALL_CJK.match(compact) else None
    words: list[str] = []
    for token in _SEPARATORS.split(s):
        words.extend(syllables(token) if CJK.search(token) else [_latin(token)])
    joined = "".join(w for w in words if w)[:MAX_KEY]
    letters_only = bool(compact) and compact.isascii() and compact.isalpha()
    initials = joined if letters_only and INITIALS[0] <= len(joined) <= INITIALS[1] else None
    pinyin = joined if len(joined) >= MIN_PINYIN else None
    return NameQuery(
        han=han, pinyin=pinyin, initials=initials, display=" ".join(w for w in words if w)
    )


@lru_cache(maxsize=4096)
def phone_key(raw: str) -> str | None:
    """A whole, valid phone number in E.164 (China by default), or None."""
    s = unicodedata.normalize("NFKC", raw).strip()
    if sum(ch.isdigit() for ch in s) < 7 or len(s) > 40:
        return None
    import phonenumbers

    try:
        num = phonenumbers.parse(s, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return str(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164))


_PLATE_OI = str.maketrans({"O": "0", "I": "1"})


@lru_cache(maxsize=4096)
def plate_keys(raw: str) -> tuple[str | None, str | None]:
    """(whole plate, plate without its province character); None where there is not enough."""
    s = simplified(unicodedata.normalize("NFKC", raw)).upper()
    s = _SEP.sub("", s)[:12]
    if not s:
        return None, None
    if CJK.match(s[0]):
        head, rest = s[:2], s[2:]
        full = head + rest.translate(_PLATE_OI)
        short = full[1:]
        return (full if len(full) >= MIN_PLATE else None), (
            short if len(short) >= MIN_PLATE - 1 else None
        )
    short = s[:1] + s[1:].translate(_PLATE_OI)
    return None, (short if len(short) >= MIN_PLATE - 1 and short[0].isalpha() else None)


@lru_cache(maxsize=4096)
def org_key(raw: str) -> str | None:
    """An organisation or outlet without case, spaces, punctuation or legal suffix."""
    s = re.sub(r"[^\w]", "", _SEP.sub("", fold(raw)))[:MAX_KEY]
    changed = True
    while changed:
        changed = False
        for suffix in _ORG_SUFFIXES:
            if s.endswith(suffix) and len(s) - len(suffix) >= 2:
                s = s[: -len(suffix)]
                changed = True
                break  # start again from the longest suffix (公司集团 → 公司 → nothing)
    if s.endswith("报社"):
        s = s[:-1]
    return s if len(s) >= 2 else None


@dataclass(frozen=True)
class IdQuery:
    """What a typed ID number gives: its last four, and the whole number when it is whole."""

    last4: str | None
    full: str | None


def id_query(raw: str) -> IdQuery:
    """Last four (of four typed characters or a whole number) and the whole 15/18 number."""
    n = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", raw)).upper()
    if not re.fullmatch(r"[0-9X]+", n):
        return IdQuery(None, None)
    if len(n) == 4:
        return IdQuery(n, None)
    if len(n) in (15, 18):
        return IdQuery(n[-4:], n)
    return IdQuery(None, None)
