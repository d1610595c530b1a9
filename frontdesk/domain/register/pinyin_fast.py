"""A fast, exact path for the pinyin of short all-Chinese text such as a person's name.

``pypinyin.lazy_pinyin`` segments text against its phrase dictionary before converting, which
costs a few hundred microseconds per name: too slow for a 100,000-entry sync import. When no
run of two or more characters of ``text`` is a dictionary phrase, segmentation cannot change
the result, so the answer is each character's own default reading; those are cached per
character. Anything else (phrases, non-Chinese characters) returns ``None``, and the caller
uses ``lazy_pinyin`` as before. ``tests/unit/test_pinyin_fast.py`` checks the two agree.
"""
from __future__ import annotations

import re
from functools import lru_cache

_ALL_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+\Z")
MAX_FAST = 8


@lru_cache(maxsize=32768)
def _char(ch: str) -> tuple[str, ...]:
    """The default plain reading of one character (as ``lazy_pinyin`` gives it)."""
    from pypinyin import Style, lazy_pinyin

    return tuple(s for s in lazy_pinyin(ch, style=Style.NORMAL, errors="ignore") if s)


def syllables(text: str) -> list[str] | None:
    """Plain syllables of ``text`` if no phrase lookup could apply, else ``None``."""
    n = len(text)
    if n > MAX_FAST or not _ALL_CJK.match(text):
        return None
    from pypinyin.constants import PHRASES_DICT

    for i in range(n - 1):
        for j in range(i + 2, n + 1):
            if text[i:j] in PHRASES_DICT:
                return None
    return [s for ch in text for s in _char(ch)]
