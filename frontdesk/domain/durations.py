"""The app's one formatter of durations and deadlines, in two forms and two languages.

Every screen, service and command-line text line that says how long something lasted or how
long is left goes through here; the words live in ``frontdesk/locale/time.py``. A span never
reads like a clock time (no ``21:46:21``): it always carries its units.

COMPACT form, for table cells and the duty board at 80x24 (at most 14 cells in Chinese):

================  ==================  =============
what              zh                  en
================  ==================  =============
span, < 1 h       ``45分``            ``45m``
span, < 1 day     ``2小时05分``       ``2h05m``
span, >= 1 day    ``1天13小时``       ``1d13h``
time left         ``还剩2小时05分``   ``2h05m left``
overdue           ``超时1天13小时``   ``1d13h late``
================  ==================  =============

LONG form, for detail lines, the handover and the command line (minutes kept past a day):

================  ======================  ========================
what              zh                      en
================  ======================  ========================
span              ``1天13小时05分``       ``1 d 13 h 05 min``
time left         ``还剩 2小时05分``      ``2 h 05 min left``
overdue           ``超时 1天13小时05分``  ``overdue 1 d 13 h 05 min``
================  ======================  ========================

Rounding: time left is rounded *up* to the next minute, so it never reads 0 before the deadline
(30 s left is ``还剩1分``); from the due instant on it is overdue, rounded down (``超时0分`` for
the first minute). A span that has passed (on site, since the event) is rounded down. The
compact form of a day or more drops the minutes (floored after the rounding above).

Pure and cheap: no clock, no storage, no arrow; the board calls it every second.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

_MINUTE = timedelta(minutes=1)
_DAY_MIN = 24 * 60


@dataclass(frozen=True)
class _Words:
    """One form's templates in one language, read once from the locale catalogue."""

    day: str
    hour: str
    minute: str
    sep: str
    left: str
    over: str


_WORDS: dict[tuple[bool, int], _Words] = {}


def _words(long: bool, lang: str) -> _Words:
    index = 0 if lang.lower().startswith("zh") else 1
    found = _WORDS.get((long, index))
    if found is None:
        from frontdesk.i18n import catalog

        cat = catalog()
        form = "long" if long else "compact"
        found = _Words(*(cat[f"dur.{form}.{part}"][index]
                         for part in ("d", "h", "m", "sep", "left", "over")))
        _WORDS[(long, index)] = found
    return found


def _span(total_minutes: int, w: _Words, long: bool) -> str:
    days, rest = divmod(max(total_minutes, 0), _DAY_MIN)
    hours, minutes = divmod(rest, 60)
    if days:
        parts = [w.day.format(n=days), w.hour.format(n=hours)]
        if long:
            parts.append(w.minute.format(n=f"{minutes:02d}"))
    elif hours:
        parts = [w.hour.format(n=hours), w.minute.format(n=f"{minutes:02d}")]
    else:
        parts = [w.minute.format(n=minutes)]
    return w.sep.join(parts)


def span(delta: timedelta, lang: str, *, long: bool = False) -> str:
    """A length of time that has passed, rounded down to the minute (never negative).

    ``span(timedelta(hours=2, minutes=5), "zh")`` → ``"2小时05分"``;
    ``span(timedelta(hours=37, minutes=5), "en", long=True)`` → ``"1 d 13 h 05 min"``.
    """
    return _span(math.floor(delta / _MINUTE), _words(long, lang), long)


def elapsed(since: datetime, now: datetime, lang: str, *, long: bool = False) -> str:
    """How long since ``since`` (an event, an arrival): :func:`span` of ``now - since``."""
    return span(now - since, lang, long=long)


def until(due: datetime, now: datetime, lang: str, *, long: bool = False) -> str:
    """Time left before ``due``, or how overdue it is, at ``now``.

    ``until(due, due - 1 s, "zh")`` → ``"还剩1分"``; ``until(due, due, "en")`` → ``"0m late"``;
    ``until(due, due + 37 h 5 min, "en", long=True)`` → ``"overdue 1 d 13 h 05 min"``.
    """
    w = _words(long, lang)
    left = (due - now) / _MINUTE
    if left > 0:
        return w.left.format(span=_span(math.ceil(left), w, long))
    return w.over.format(span=_span(math.floor(-left), w, long))


def until_changes(due: datetime, now: datetime) -> datetime:
    """The next instant after ``now`` at which :func:`until` may read differently.

    Texts change only on whole minutes counted from ``due`` (both forms), so a screen that
    ticks every second can skip the work until then.
    """
    left = due - now
    if left > timedelta(0):
        return due - (math.ceil(left / _MINUTE) - 1) * _MINUTE
    return due + (math.floor(-left / _MINUTE) + 1) * _MINUTE


def late_by(delta: timedelta, lang: str, *, long: bool = False) -> str:
    """How late something was, for a lateness already known (a report handed in after its due
    time): the overdue wording of :func:`until`, rounded down.

    ``late_by(timedelta(hours=5, minutes=2), "zh")`` → ``"超时5小时02分"``.
    """
    w = _words(long, lang)
    return w.over.format(span=_span(math.floor(max(delta, timedelta(0)) / _MINUTE), w, long))


def elapsed_changes(since: datetime, now: datetime) -> datetime:
    """The next instant after ``now`` at which :func:`elapsed` may read differently."""
    if now < since:
        return since
    return since + (math.floor((now - since) / _MINUTE) + 1) * _MINUTE
