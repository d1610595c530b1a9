"""How much a name match says about a person: bits of evidence from how common the name is.

A match on a field is worth ``log2(1 / p)`` bits, ``p`` being the chance that an unrelated
person agrees on it. For a name, ``p`` is the share of people who carry it: the surname's share
times the given name's (:mod:`frontdesk.domain.watch.name_freq`). 张伟 is carried by about one
person in 5,000 (12.3 bits); 张建华 by one in 20,000 (14.4 bits); a name with a rare surname and
rare characters by fewer than one in ten million (23+ bits). The same is done at the level of
pinyin (homophones share it: 张伟, 章伟, 张威 are all ``zhang wei``) and of initials (``zw``),
grouping the tables by reading, so a looser match is always worth fewer bits than a closer one.

A name alone is capped at :data:`NAME_CAP` bits, so even the rarest name matched alone scores
below a phone number.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from frontdesk.domain.watch.name_freq import (
    CHAR_FLOOR,
    GIVEN_CHAR_SHARE,
    SINGLE_GIVEN,
    SURNAME_FLOOR,
    SURNAME_SHARE,
    WHOLE_GIVEN_SHARE,
)
from frontdesk.domain.watch.normalize import surname_readings, syllables

NAME_CAP = 26.0
"""Most bits a name match can give on its own."""
FUZZY_PENALTY = 3.0
"""Bits a one-letter typo costs: a handful of real names lie one letter from any name's pinyin."""
HOMOPHONE_PENALTY = 4.0
"""Bits lost when the guard typed other characters that read the same (韩英如 for 韩鹰如): the
characters say it may well be somebody else."""
_LONG_GIVEN = 0.01  # share of three-character given names, spread over their characters
_SYLLABLE_TAIL = CHAR_FLOOR * 8  # characters outside the table that share a reading
_LETTER_FLOOR = 0.01
_FOREIGN_WORD = 3e-3  # a word of a non-Chinese name (no table: a flat, cautious guess)
_GIVEN_WORD = 1e-3  # a word of a pinyin name beside a known surname, when not a known name


@dataclass(frozen=True)
class NameBits:
    """Bits of evidence of a match on one watched name at each level of closeness."""

    han: float
    pinyin: float
    initials: float

    @property
    def fuzzy(self) -> float:
        """Bits of a match one letter away in typed pinyin."""
        return max(0.0, self.pinyin - FUZZY_PENALTY)

    @property
    def homophone(self) -> float:
        """Bits of a match on the pinyin of different characters."""
        return max(0.0, self.pinyin - HOMOPHONE_PENALTY)


def bits(p: float) -> float:
    """``log2(1 / p)``, between 0 and :data:`NAME_CAP`."""
    return min(NAME_CAP, max(0.0, -math.log2(max(p, 1e-30))))


def _char(ch: str) -> float:
    return GIVEN_CHAR_SHARE.get(ch, CHAR_FLOOR)


def _given(parts: tuple[str, ...], whole: Mapping[str, float], unit: Mapping[str, float],
           floor: float) -> float:
    """Share of a given name made of ``parts`` (characters, syllables or letters)."""
    if not parts:
        return 1.0
    known = whole.get("".join(parts), 0.0)
    if len(parts) == 1:
        return max(known, SINGLE_GIVEN * unit.get(parts[0], floor))
    if len(parts) == 2:
        return max(known, (1 - SINGLE_GIVEN) * unit.get(parts[0], floor)
                   * unit.get(parts[1], floor))
    return _LONG_GIVEN * math.prod(unit.get(p, floor) for p in parts)


@dataclass(frozen=True)
class _Tables:
    surname_py: dict[str, float]
    surname_letter: dict[str, float]
    char_py: dict[str, float]
    char_letter: dict[str, float]
    whole_py: dict[str, float]
    whole_letter: dict[str, float]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """The frequency tables grouped by reading and by initial letter (built on first use)."""
    surname_py: dict[str, float] = defaultdict(float)
    for surname, share in SURNAME_SHARE.items():
        surname_py[surname_readings(surname)[0]] += share
    char_py: dict[str, float] = defaultdict(float)
    for ch, share in GIVEN_CHAR_SHARE.items():
        for syl in syllables(ch)[:1]:
            char_py[syl] += share
    for syl in list(char_py):
        char_py[syl] += _SYLLABLE_TAIL
    whole_py: dict[str, float] = defaultdict(float)
    whole_letter: dict[str, float] = defaultdict(float)
    for given, share in WHOLE_GIVEN_SHARE.items():
        syls = syllables(given)
        whole_py["".join(syls)] += share
        whole_letter["".join(s[0] for s in syls)] += share
    surname_letter: dict[str, float] = defaultdict(float)
    for reading, share in surname_py.items():
        surname_letter[reading[0]] += share
    char_letter: dict[str, float] = defaultdict(float)
    for syl, share in char_py.items():
        char_letter[syl[0]] += share
    return _Tables(dict(surname_py), dict(surname_letter), dict(char_py), dict(char_letter),
                   dict(whole_py), dict(whole_letter))


@lru_cache(maxsize=65536)
def chinese_name_bits(surname: str, given: str) -> NameBits:
    """Bits of a match on a Chinese name (simplified characters) at each level."""
    t = _tables()
    p_han = SURNAME_SHARE.get(surname, SURNAME_FLOOR) * _given(
        tuple(given), WHOLE_GIVEN_SHARE, GIVEN_CHAR_SHARE, CHAR_FLOOR
    )
    readings = surname_readings(surname)
    s_py = max(t.surname_py.get(r, SURNAME_FLOOR * 3) for r in readings)
    s_letter = max(t.surname_letter.get(r[:1], _LETTER_FLOOR) for r in readings)
    syls = syllables(given)
    p_py = max(p_han, s_py * _given(syls, t.whole_py, t.char_py, _SYLLABLE_TAIL))
    letters = tuple(s[0] for s in syls)
    p_ini = max(p_py, s_letter * _given(letters, t.whole_letter, t.char_letter, _LETTER_FLOOR))
    return NameBits(han=bits(p_han), pinyin=bits(p_py), initials=bits(p_ini))


@lru_cache(maxsize=65536)
def latin_name_bits(words: tuple[str, ...]) -> NameBits:
    """Bits of a match on a name written in Latin letters (pinyin or a foreign name)."""
    t = _tables()
    if len(words) < 2:
        p = _FOREIGN_WORD
    elif words[0] in t.surname_py or words[-1] in t.surname_py:
        surname = words[0] if words[0] in t.surname_py else words[-1]
        rest = list(words)
        rest.remove(surname)
        p = t.surname_py[surname] * math.prod(t.whole_py.get(w, _GIVEN_WORD) for w in rest)
    else:
        p = _FOREIGN_WORD ** len(words)
    full = bits(p)
    return NameBits(han=full, pinyin=full, initials=min(full, 3.5 * len(words)))
