"""The one duration and deadline formatter: every boundary, both forms, both languages.

What a guard checks: time left never reads 0 before the deadline, overdue reads as overdue with
how much, a span over a day shows days, and no span ever reads like a clock time (``21:46:21``).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.domain import durations
from frontdesk.domain.durations import elapsed, span, until
from frontdesk.i18n import catalog

DUE = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
CLOCK_LIKE = re.compile(r"\d+:\d{2}")

S = timedelta(seconds=1)
M = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)

# before the deadline by: (compact zh, compact en, long zh, long en)
LEFT = [
    (S, "还剩1分", "1m left", "还剩 1分", "1 min left"),
    (59 * S, "还剩1分", "1m left", "还剩 1分", "1 min left"),
    (60 * S, "还剩1分", "1m left", "还剩 1分", "1 min left"),
    (61 * S, "还剩2分", "2m left", "还剩 2分", "2 min left"),
    (59 * M + 59 * S, "还剩1小时00分", "1h00m left", "还剩 1小时00分", "1 h 00 min left"),
    (H, "还剩1小时00分", "1h00m left", "还剩 1小时00分", "1 h 00 min left"),
    (H + 5 * M, "还剩1小时05分", "1h05m left", "还剩 1小时05分", "1 h 05 min left"),
    (21 * H + 46 * M, "还剩21小时46分", "21h46m left", "还剩 21小时46分", "21 h 46 min left"),
    (23 * H + 59 * M + 59 * S, "还剩1天0小时", "1d0h left", "还剩 1天0小时00分",
     "1 d 0 h 00 min left"),
    (D, "还剩1天0小时", "1d0h left", "还剩 1天0小时00分", "1 d 0 h 00 min left"),
    (9 * D + 4 * H + 30 * M, "还剩9天4小时", "9d4h left", "还剩 9天4小时30分",
     "9 d 4 h 30 min left"),
]

# after the deadline by: (compact zh, compact en, long zh, long en)
OVER = [
    (timedelta(0), "超时0分", "0m late", "超时 0分", "overdue 0 min"),
    (59 * S, "超时0分", "0m late", "超时 0分", "overdue 0 min"),
    (60 * S, "超时1分", "1m late", "超时 1分", "overdue 1 min"),
    (61 * S, "超时1分", "1m late", "超时 1分", "overdue 1 min"),
    (59 * M + 59 * S, "超时59分", "59m late", "超时 59分", "overdue 59 min"),
    (H, "超时1小时00分", "1h00m late", "超时 1小时00分", "overdue 1 h 00 min"),
    (23 * H + 59 * M + 59 * S, "超时23小时59分", "23h59m late", "超时 23小时59分",
     "overdue 23 h 59 min"),
    (D, "超时1天0小时", "1d0h late", "超时 1天0小时00分", "overdue 1 d 0 h 00 min"),
    (D + 13 * H + 5 * M, "超时1天13小时", "1d13h late", "超时 1天13小时05分",
     "overdue 1 d 13 h 05 min"),
    (40 * D + 2 * H, "超时40天2小时", "40d2h late", "超时 40天2小时00分",
     "overdue 40 d 2 h 00 min"),
]

# a span that has passed: (compact zh, compact en, long zh, long en)
SPANS = [
    (timedelta(0), "0分", "0m", "0分", "0 min"),
    (59 * S, "0分", "0m", "0分", "0 min"),
    (60 * S, "1分", "1m", "1分", "1 min"),
    (61 * S, "1分", "1m", "1分", "1 min"),
    (59 * M + 59 * S, "59分", "59m", "59分", "59 min"),
    (H, "1小时00分", "1h00m", "1小时00分", "1 h 00 min"),
    (2 * H + 5 * M, "2小时05分", "2h05m", "2小时05分", "2 h 05 min"),
    (23 * H + 59 * M + 59 * S, "23小时59分", "23h59m", "23小时59分", "23 h 59 min"),
    (D, "1天0小时", "1d0h", "1天0小时00分", "1 d 0 h 00 min"),
    (12 * D + 23 * H + 59 * M, "12天23小时", "12d23h", "12天23小时59分", "12 d 23 h 59 min"),
]


def _id(case: tuple[object, ...]) -> str:
    return str(case[0]).replace(" ", "_")


@pytest.mark.parametrize("case", LEFT, ids=_id)
def test_time_left(case: tuple[timedelta, str, str, str, str]) -> None:
    before, *texts = case
    now = DUE - before
    assert [until(DUE, now, "zh"), until(DUE, now, "en"), until(DUE, now, "zh", long=True),
            until(DUE, now, "en", long=True)] == texts


@pytest.mark.parametrize("case", OVER, ids=_id)
def test_overdue(case: tuple[timedelta, str, str, str, str]) -> None:
    after, *texts = case
    now = DUE + after
    assert [until(DUE, now, "zh"), until(DUE, now, "en"), until(DUE, now, "zh", long=True),
            until(DUE, now, "en", long=True)] == texts


@pytest.mark.parametrize("case", SPANS, ids=_id)
def test_spans_and_elapsed(case: tuple[timedelta, str, str, str, str]) -> None:
    length, *texts = case
    assert [span(length, "zh"), span(length, "en"), span(length, "zh", long=True),
            span(length, "en", long=True)] == texts
    assert elapsed(DUE, DUE + length, "zh") == texts[0]


def test_language_tags_and_a_span_that_has_not_begun() -> None:
    """``zh-CN`` is Chinese; a span from the future (a wrong PC clock) reads 0, not negative."""
    assert until(DUE, DUE - H, "zh-CN") == "还剩1小时00分"
    assert span(-5 * M, "en") == "0m"
    assert elapsed(DUE, DUE - M, "zh") == "0分"


@given(st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=400)))
def test_never_zero_and_never_a_clock_before_the_deadline(left: timedelta) -> None:
    for lang, long in (("zh", False), ("zh", True), ("en", False), ("en", True)):
        text = until(DUE, DUE - left, lang, long=long)
        assert text.startswith("还剩") or text.endswith(" left"), text
        # the leading (largest) unit is never 0: "还剩0分" / "0m left" cannot be shown
        assert not text.startswith(("还剩0", "还剩 0", "0")), text
        assert not CLOCK_LIKE.search(text), text


@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
def test_overdue_always_says_so_and_never_reads_like_a_clock(late: timedelta) -> None:
    for lang, long in (("zh", False), ("zh", True), ("en", False), ("en", True)):
        text = until(DUE, DUE + late, lang, long=long)
        assert "超时" in text or "late" in text or "overdue" in text
        assert not CLOCK_LIKE.search(text), text
        assert not CLOCK_LIKE.search(span(late, lang, long=long))


@pytest.fixture
def renamed_units() -> Iterator[None]:
    """The minute word changed in the catalogue (as a translator would), restored after."""
    saved = catalog()["dur.long.m"]
    catalog()["dur.long.m"] = ("{n}分钟", "{n} minutes")
    durations._WORDS.clear()
    yield
    catalog()["dur.long.m"] = saved
    durations._WORDS.clear()


def test_the_words_come_from_the_locale(renamed_units: None) -> None:
    assert until(DUE, DUE - 5 * M, "zh", long=True) == "还剩 5分钟"
    assert until(DUE, DUE - 5 * M, "en", long=True) == "5 minutes left"
