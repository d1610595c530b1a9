"""Words of durations, deadlines and site times (Chinese, English).

Used by :mod:`frontdesk.domain.durations` (the app's one duration and deadline formatter) and
:mod:`frontdesk.domain.sitetime` (times a guard reads and types). ``compact`` words are for table
cells and the duty board at 80 columns; ``long`` words for detail lines and the command line.
Relative times ("12分钟前" / "12 minutes ago") come from arrow's own locales.
"""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # a span's units; minutes after hours are written with two digits ("2小时05分")
    "dur.compact.d": ("{n}天", "{n}d"),
    "dur.compact.h": ("{n}小时", "{n}h"),
    "dur.compact.m": ("{n}分", "{n}m"),
    "dur.compact.sep": ("", ""),
    "dur.compact.left": ("还剩{span}", "{span} left"),
    "dur.compact.over": ("超时{span}", "{span} late"),
    "dur.long.d": ("{n}天", "{n} d"),
    "dur.long.h": ("{n}小时", "{n} h"),
    "dur.long.m": ("{n}分", "{n} min"),
    "dur.long.sep": ("", " "),
    "dur.long.left": ("还剩 {span}", "{span} left"),
    "dur.long.over": ("超时 {span}", "overdue {span}"),
    # a site time with how long ago it was, for recent events ("09:48（12分钟前）")
    "time.with_ago": ("{t}（{ago}）", "{t} ({ago})"),
    # what a guard may type before a time ("昨天 18:30"); either language is understood
    "time.word.today": ("今天", "today"),
    "time.word.yesterday": ("昨天", "yesterday"),
    "time.word.day_before": ("前天", "day before yesterday"),
}
