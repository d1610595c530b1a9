"""What a guard types as a time ("14:05", "昨天 18:30", "2026-11-21 09:15"), read in site time.

Also short humanised durations in both languages. Pure: the caller passes ``now`` and the zone.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_HM = r"(\d{1,2})[:：](\d{2})"
_PATTERNS = (
    (re.compile(rf"^{_HM}$"), 0),
    (re.compile(rf"^(?:今天|today)\s*{_HM}$", re.I), 0),
    (re.compile(rf"^(?:昨天|yesterday)\s*{_HM}$", re.I), -1),
    (re.compile(rf"^(?:前天)\s*{_HM}$"), -2),
)
_FULL = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})[ T]{_HM}$")


def parse_site_time(text: str, now: datetime, tz: str) -> datetime | None:
    """Parse ``text`` as a site-local time near ``now``; return an aware UTC instant or None."""
    s = unicodedata.normalize("NFKC", text).strip()
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone)
    try:
        for pattern, day_offset in _PATTERNS:
            m = pattern.match(s)
            if m:
                h, mi = int(m.group(1)), int(m.group(2))
                day = local_now.date() + timedelta(days=day_offset)
                local = datetime(day.year, day.month, day.day, h, mi, tzinfo=zone)
                return local.astimezone(UTC)
        m = _FULL.match(s)
        if m:
            y, mo, d, h, mi = (int(g) for g in m.groups())
            return datetime(y, mo, d, h, mi, tzinfo=zone).astimezone(UTC)
    except ValueError:
        return None
    return None


def format_site_time(at: datetime, tz: str, now: datetime | None = None) -> str:
    """``HH:MM`` for today, ``MM-DD HH:MM`` otherwise (site time)."""
    zone = ZoneInfo(tz)
    local = at.astimezone(zone)
    if now is not None and now.astimezone(zone).date() == local.date():
        return local.strftime("%H:%M")
    return local.strftime("%m-%d %H:%M")


def format_full(at: datetime, tz: str) -> str:
    """``YYYY-MM-DD HH:MM`` in site time."""
    return at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def short_duration(delta: timedelta, lang: str) -> str:
    """``2h05m`` / ``2小时05分``; under an hour ``35m`` / ``35分``."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    h, m = divmod(minutes, 60)
    if lang == "zh":
        if h >= 24:
            return f"{h // 24}天{h % 24}小时"
        return f"{h}小时{m:02d}分" if h else f"{m}分"
    if h >= 24:
        return f"{h // 24}d{h % 24}h"
    return f"{h}h{m:02d}m" if h else f"{m}m"


def clock_duration(delta: timedelta) -> str:
    """``2:05`` (hours:minutes), ``1d2:05`` past a day: compact enough for a table column."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    h, m = divmod(minutes, 60)
    if h >= 24:
        return f"{h // 24}d{h % 24}:{m:02d}"
    return f"{h}:{m:02d}"
