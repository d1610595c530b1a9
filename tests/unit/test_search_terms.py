"""Search keys: pinyin full and initials, given name, phone tail, plate without province."""
from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from frontdesk.domain.register.search import normalize, query_key, visit_terms


def test_pinyin_and_initials() -> None:
    terms = visit_terms({"name": "张三"})
    assert {"张三", "三", "zhangsan", "zs"} <= terms


def test_phone_and_plate_keys() -> None:
    terms = visit_terms({"phone": "+8613800138000", "plate": "粤B12345", "organisation": "南方日报"})
    assert {"13800138000", "8000", "粤b12345", "b12345", "南方日报", "nfrb"} <= terms


def test_query_key_normalises() -> None:
    assert query_key(" ZS ") == "zs"
    assert query_key("+86 138-0013") == "1380013"
    assert query_key("ＺＨＡＮＧ") == "zhang"


@given(st.text(max_size=30))
def test_normalize_is_nfkc_lower_without_whitespace(text: str) -> None:
    """The ASCII shortcut gives exactly what the full rule gives, for any text."""
    assert normalize(text) == re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())
