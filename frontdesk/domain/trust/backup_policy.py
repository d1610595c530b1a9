"""How many backups to keep and whether to write one: the rules, without touching a disk.

Issue 15.6: a full copy at every start with no cap used 2.1 GB for three starts of a 750 MB
database, and then filled the disk. The rules now:

* **at most one backup a site day** (:func:`made_today`), plus one kept just before a restore;
* **kept no longer than the site's retention period** and never more than
  :data:`KEEP_DAYS_MAX` days (a backup older than the retention period would keep what the
  purge removed; see :func:`keep_days`);
* **a cap in space** (:func:`default_cap`): a size the supervisor sets, or by default a fifth of
  the space the backups could use (free space plus what they already take); the oldest backups
  are dropped first to make room for the new one (:func:`plan`);
* **a free-space check before writing**: after the new backup at least :func:`reserve` bytes
  must stay free (64 MB, or a quarter of the database if more), else nothing is written and the
  app says so; the database, not its backups, is what a full disk must never stop.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

KEEP_DAYS_MAX = 14
RESERVE_MIN = 64 * 1024 * 1024
DEFAULT_CAP_SHARE = 0.20
MB = 1024 * 1024


@dataclass(frozen=True)
class Held:
    """A backup on disk: a key for the caller (its path), when it was made, its size."""

    key: str
    made_at: datetime
    size: int


@dataclass(frozen=True)
class Plan:
    """What to do: ``write`` or not (``reason`` says why not), and which backups to drop first."""

    write: bool
    drop: tuple[str, ...] = ()
    reason: str = ""


def keep_days(retention_days: int) -> int:
    """How many days a backup is kept: the retention period, at most :data:`KEEP_DAYS_MAX`."""
    return max(1, min(KEEP_DAYS_MAX, retention_days))


def made_today(held: Sequence[Held], today: date, day_of: Callable[[datetime], date]) -> bool:
    """Whether a backup was already made on the site day ``today`` (or stamped later: the PC's
    clock went back). ``day_of`` gives a backup's site day."""
    return any(day_of(h.made_at) >= today for h in held)


def default_cap(free: int, held_total: int) -> int:
    """The automatic cap: a fifth of the space backups could use (free space + their own)."""
    return int((free + held_total) * DEFAULT_CAP_SHARE)


def reserve(estimate: int) -> int:
    """Bytes that must stay free after a backup: 64 MB, or a quarter of the database."""
    return max(RESERVE_MIN, estimate // 4)


def plan(held: Sequence[Held], estimate: int, cap: int, free: int) -> Plan:
    """Whether a backup of about ``estimate`` bytes may be written, and what goes first.

    The oldest backups are dropped until the new one fits under ``cap`` with the ones kept; if
    it cannot fit even alone, nothing is written (``cap_too_small``). Then the free space,
    counting what the drops give back, must keep :func:`reserve` after writing (``no_space``);
    when it would not, nothing is dropped either.
    """
    if estimate > cap:
        return Plan(False, (), "cap_too_small")
    oldest_first = sorted(held, key=lambda h: h.made_at)
    kept_total = sum(h.size for h in oldest_first)
    drop: list[str] = []
    for h in oldest_first:
        if kept_total + estimate <= cap:
            break
        drop.append(h.key)
        kept_total -= h.size
    freed = sum(h.size for h in oldest_first if h.key in drop)
    if free + freed - estimate < reserve(estimate):
        return Plan(False, (), "no_space")
    return Plan(True, tuple(drop))
