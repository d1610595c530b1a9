"""The fast pinyin path gives exactly what ``lazy_pinyin`` gives, or steps aside."""
from __future__ import annotations

import random

from pypinyin import Style, lazy_pinyin

from frontdesk.demo import COMPANIES, GIVEN, OUTLETS, SURNAMES, person_name
from frontdesk.domain.register.pinyin_fast import syllables


def _slow(text: str) -> list[str]:
    return [s for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s]


def test_fast_path_matches_lazy_pinyin_on_many_names() -> None:
    """Every surname + given-name pair, outlets, and 20,000 random names agree."""
    rng = random.Random(11)
    texts = [a + b for a in SURNAMES for b in GIVEN] + OUTLETS + COMPANIES
    texts += [person_name(rng) for _ in range(20000)] + ["单田芳", "曾国藩", "重庆", "银行"]
    fast = 0
    for text in texts:
        got = syllables(text)
        if got is not None:
            fast += 1
            assert got == _slow(text), text
    assert fast > len(texts) * 0.9


def test_phrases_and_mixed_text_use_the_full_converter() -> None:
    """A dictionary phrase, Latin letters or long text are left to lazy_pinyin."""
    assert syllables("重庆") is None
    assert syllables("张三abc") is None
    assert syllables("") is None
    assert syllables("张" * 20) is None
