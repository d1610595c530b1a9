"""Site time: the one place that turns stored instants into the site's days, hours and words.

Instants are stored in UTC; every rule that says "18:00" or "today" means the *site's* wall
clock (an IANA zone, :data:`DEFAULT_TZ` unless the site says otherwise), whatever zone the PC is
set to. Arithmetic on site days and wall-clock times (day bounds, date ranges, "the next 12:00",
what "昨天 18:30" means), ISO input and relative times people read ("12分钟前" / "12 minutes
ago") go through arrow and its ``zh``/``en`` locales. Plain conversions and ``HH:MM`` labels use
the standard library: they run for every row of a list or an export.

arrow is imported on first use, never when this module is imported: the register screen imports
this module and must draw its first frame without arrow (``tests/unit/test_import_hygiene.py``).
The first use is normally in a worker (the register's first load asks for today's bounds).

Recent events carry their age beside the time (:func:`stamp`): within :data:`RECENT` of now, in
the register's detail line and "already signed out", the incident's facts and timeline, the
escalation panel's call log and "informed"/"took charge" lines. Narrow table columns and
records of a moment (the handover sheet, exports, reports) show the bare time
(:func:`clock_time`, :func:`full_time`).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from types import ModuleType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The zone of a site that has not said otherwise (seeds: sites in mainland China).
DEFAULT_TZ = "Asia/Shanghai"
#: How long a shift lasts: what the handover's "due next shift" looks ahead to.
SHIFT = timedelta(hours=12)
#: How recent an event is to be shown with its age ("09:48（12分钟前）").
RECENT = timedelta(hours=1)

_arrow_module: ModuleType | None = None


def _arrow() -> ModuleType:
    """arrow, imported once on first use (kept off the app's start-up path)."""
    global _arrow_module
    if _arrow_module is None:
        import arrow

        _arrow_module = arrow
    return _arrow_module


@functools.lru_cache(maxsize=32)
def zone(tz: str = DEFAULT_TZ) -> ZoneInfo:
    """The zone named ``tz``; :class:`ValueError` naming it if there is no such zone."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Asia" is a folder
        raise ValueError(f"unknown time zone {tz!r} (e.g. {DEFAULT_TZ})") from None


def is_zone(name: str) -> bool:
    """Whether ``name`` is a time zone this PC knows (an IANA name like :data:`DEFAULT_TZ`)."""
    try:
        zone(name.strip())
    except ValueError:
        return False
    return bool(name.strip())


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware; store instants in UTC")
    return value


def to_local(at: datetime, tz: str) -> datetime:
    """``at`` on the site's wall clock (aware, in the site's zone)."""
    return _aware(at, "at").astimezone(zone(tz))


def local_date(at: datetime, tz: str) -> date:
    """The site's date at instant ``at`` ("today" at the site when ``at`` is now)."""
    return to_local(at, tz).date()


def _utc(a: object) -> datetime:
    return a.to("UTC").datetime  # type: ignore[attr-defined,no-any-return]


def wall_clock(day: date, at: time, tz: str) -> datetime:
    """The instant (UTC) at which the site's wall clock shows ``at`` on ``day``.

    A wall-clock time inside a spring-forward gap is read with the offset before the change;
    one that occurs twice (autumn) is its first occurrence.
    """
    a = _arrow().Arrow(day.year, day.month, day.day, at.hour, at.minute, at.second,
                       at.microsecond, tzinfo=zone(tz))
    return _utc(a)


def days_bounds(first: date, last: date, tz: str) -> tuple[datetime, datetime]:
    """UTC ``[start, end)`` of the site days ``first`` .. ``last`` inclusive (half-open)."""
    arrow = _arrow()
    start = arrow.Arrow(first.year, first.month, first.day, tzinfo=zone(tz))
    end = arrow.Arrow(last.year, last.month, last.day, tzinfo=zone(tz)).shift(days=1)
    return _utc(start), _utc(end)


def day_bounds(now: datetime, tz: str, days_back: int = 0) -> tuple[datetime, datetime]:
    """UTC ``[start, end)`` of the site day ``days_back`` days before the one holding ``now``."""
    day = _arrow().get(_aware(now, "now")).to(zone(tz)).shift(days=-days_back).date()
    return days_bounds(day, day, tz)


def parse_iso(text: str, tz: str) -> datetime:
    """An ISO 8601 time (``2026-11-22T14:05``, ``2026-11-22 14:05+08:00``) as a UTC instant.

    Without an offset it is site time. :class:`ValueError` saying what was wrong otherwise.
    """
    arrow = _arrow()
    try:
        parsed: datetime = arrow.parser.DateTimeParser().parse_iso(text.strip())
    except (arrow.ParserError, ValueError) as exc:
        raise ValueError(f"not an ISO time like 2026-11-22T14:05: {text!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(tz))
    return parsed.astimezone(UTC)


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` as a date; :class:`ValueError` saying what was wrong otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-11-22") from None


def clock_time(at: datetime, tz: str, now: datetime | None = None) -> str:
    """``HH:MM`` for a time on the site's day of ``now``, ``MM-DD HH:MM`` otherwise (always
    with the date when no ``now`` is given); the year is in :func:`full_time`."""
    local = to_local(at, tz)
    if now is not None and to_local(now, tz).date() == local.date():
        return local.strftime("%H:%M")
    return local.strftime("%m-%d %H:%M")


def full_time(at: datetime, tz: str) -> str:
    """``YYYY-MM-DD HH:MM`` in site time (exports, reports, history)."""
    return to_local(at, tz).strftime("%Y-%m-%d %H:%M")


def iso_local(at: datetime, tz: str, timespec: str = "auto") -> str:
    """ISO 8601 with the site's offset (``2026-11-22T18:00:00+08:00``): the command line's JSON
    and machine-readable headers; ``timespec`` as :meth:`datetime.isoformat` takes it."""
    return to_local(at, tz).isoformat(timespec=timespec)


def ago(at: datetime, now: datetime, lang: str) -> str:
    """How long ago ``at`` was, in words: ``12分钟前`` / ``12 minutes ago``, ``刚才`` /
    ``just now`` (arrow's locales; a future ``at`` reads ``12分钟后`` / ``in 12 minutes``)."""
    arrow = _arrow()
    locale = "zh" if lang.lower().startswith("zh") else "en"
    return str(arrow.get(_aware(at, "at")).humanize(arrow.get(_aware(now, "now")), locale=locale))


def is_recent(at: datetime, now: datetime) -> bool:
    """Whether ``at`` lies within :data:`RECENT` before ``now`` (never in the future)."""
    return timedelta(0) <= now - at <= RECENT


def stamp(at: datetime, now: datetime, tz: str, lang: str) -> str:
    """:func:`clock_time`, with the age beside it when the event is recent:
    ``09:48（12分钟前）`` / ``09:48 (12 minutes ago)``; ``11-21 09:48`` for an older one."""
    text = clock_time(at, tz, now)
    if not is_recent(at, now):
        return text
    from frontdesk.i18n import catalog

    template = catalog()["time.with_ago"][0 if lang.lower().startswith("zh") else 1]
    return template.format(t=text, ago=ago(at, now, lang))


_HM = r"(\d{1,2}):(\d{2})"
_FULL = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})[ T]{_HM}$")


@functools.cache
def _day_words() -> tuple[tuple[re.Pattern[str], int], ...]:
    """``[word] HH:MM`` patterns, the words from the locale (both languages understood)."""
    from frontdesk.i18n import catalog

    cat = catalog()
    out = [(re.compile(rf"^{_HM}$"), 0)]
    for key, offset in (("time.word.today", 0), ("time.word.yesterday", -1),
                        ("time.word.day_before", -2)):
        words = "|".join(re.escape(w) for w in cat[key])
        out.append((re.compile(rf"^(?:{words})\s*{_HM}$", re.IGNORECASE), offset))
    return tuple(out)


def parse_typed(text: str, now: datetime, tz: str) -> datetime | None:
    """What a guard types as a time, read in site time near ``now``; a UTC instant or None.

    Understood: ``14:05`` (today), ``今天 14:05`` / ``today 14:05``, ``昨天 18:30`` /
    ``yesterday 18:30``, ``前天 08:00``, ``2026-11-21 09:15``; full-width digits and colons too.
    """
    s = unicodedata.normalize("NFKC", text).strip()
    try:
        for pattern, offset in _day_words():
            m = pattern.match(s)
            if m:
                hour, minute = int(m.group(1)), int(m.group(2))
                day = _arrow().get(_aware(now, "now")).to(zone(tz)).shift(days=offset).date()
                return wall_clock(day, time(hour, minute), tz)
        m = _FULL.match(s)
        if m:
            y, mo, d, hour, minute = (int(g) for g in m.groups())
            return wall_clock(date(y, mo, d), time(hour, minute), tz)
    except ValueError:
        return None
    return None

