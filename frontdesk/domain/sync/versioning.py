"""Record versions and the hybrid logical clock: the unit that sync moves (DESIGN.md, "Identity and sync").

A change to a synced record is never an update in place: it is a new immutable
:class:`Version` naming its parent versions. Two sites that exchange their version sets end
with the same set, whatever the order. A record's *heads* are the versions no other version
of it names as a parent; more than one head is a conflict, kept for a supervisor. The
deterministic winner (shown until somebody resolves) is the head with the highest
``(hlc, version_id)``: never the wall clock alone, because gate PCs have wrong clocks.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

HLC_WIDTH_MS = 15
HLC_WIDTH_COUNTER = 6
MAX_COUNTER = 10**HLC_WIDTH_COUNTER - 1
#: The last wall time a stamp may carry: 9999-01-01T00:00:00Z in ms. Every site must be able to
#: move on from any stamp it accepts (a later millisecond must still fit the 15 digits) and to
#: show it as a date in site time (Python's dates end in the year 9999); a year of headroom
#: covers the time-zone shift. Bundles holding a later stamp are refused (frontdesk.sync.bundle).
HLC_MAX_MS = 253_370_764_800_000
#: How far ahead of this PC's own time a stamp seen in a bundle may pull this site's clock.
MAX_DRIFT_MS = 48 * 3600 * 1000


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no spaces: the same data always gives the same bytes."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def format_hlc(wall_ms: int, counter: int, site: str) -> str:
    """A hybrid logical clock stamp as a string that sorts in causal order.

    Raises ``ValueError`` for a wall time or counter the fixed-width format cannot carry: a
    stamp every reader refuses must never be made (a site writing one would be cut off).
    """
    if not (0 <= wall_ms <= HLC_MAX_MS and 0 <= counter <= MAX_COUNTER):
        raise ValueError(f"HLC stamp out of range: {wall_ms}-{counter}")
    return f"{wall_ms:0{HLC_WIDTH_MS}d}-{counter:0{HLC_WIDTH_COUNTER}d}-{site}"


def parse_hlc(stamp: str) -> tuple[int, int, str]:
    """Split a stamp made by :func:`format_hlc` into (wall_ms, counter, site)."""
    ms, counter, site = stamp.split("-", 2)
    return int(ms), int(counter), site


@dataclass
class HybridClock:
    """A hybrid logical clock (Kulkarni et al.) for one site.

    ``tick`` stamps a local change; ``observe`` folds in a stamp seen in an imported bundle so
    that later local changes sort after everything this site has seen, even when this PC's
    wall clock is behind.

    **Bounded drift.** Gate PCs have wrong clocks (DESIGN.md, "Identity and sync"), and a plain
    HLC follows the highest stamp it ever sees: one PC set to the year 2099, or one forged
    bundle stamped ``999999999999999-999999``, would drag every site that imports from it
    there, and a clock at the end of the format cannot stamp anything readable again. So the
    clock observes a remote stamp only up to ``now + MAX_DRIFT_MS`` (48 hours) of this PC's
    own time; a version stamped later is stored and shown (it is data, and its parents still
    say what it supersedes) but this clock does not follow it. 48 hours covers a PC set to
    the wrong time zone (UTC-12 to UTC+14 is 26 hours apart) plus a day of a wrong date; a
    larger gap means the other PC's date is wrong, and following it would put every site's
    next changes that far in the future. What is lost beyond the bound is only the order in
    which concurrent versions are *shown* (the winner among heads): what supersedes what is
    decided by parents, never by stamps.

    **Never unreadable.** The counter never outgrows its six digits: when it would, the clock
    moves to the next millisecond. A clock found beyond what the format can carry forward (a
    stamp adopted before this bound existed) starts again from the PC's time. So every stamp
    this clock makes is one every reader accepts.
    """

    site: str
    wall_ms: int = 0
    counter: int = 0

    def tick(self, now_ms: int) -> str:
        """Return a fresh stamp for a local change at wall time ``now_ms``."""
        now_ms = min(max(now_ms, 0), HLC_MAX_MS)
        if now_ms > self.wall_ms:
            self.wall_ms, self.counter = now_ms, 0
        elif self.counter < MAX_COUNTER:
            self.counter += 1
        else:  # the counter is full: the next millisecond
            self.wall_ms, self.counter = self.wall_ms + 1, 0
        if self.wall_ms > HLC_MAX_MS or self.counter < 0:
            self.wall_ms, self.counter = now_ms, 0  # cannot carry forward: start again
        return format_hlc(self.wall_ms, self.counter, self.site)

    def observe(self, stamp: str, now_ms: int) -> bool:
        """Move forward past a stamp seen from elsewhere (never backward), unless it lies more
        than :data:`MAX_DRIFT_MS` ahead of ``now_ms`` (this PC's time) or beyond what the
        format carries. Returns True if the stamp was followed or already behind the clock."""
        ms, counter, _site = parse_hlc(stamp)
        if ms > min(now_ms + MAX_DRIFT_MS, HLC_MAX_MS) or not 0 <= counter <= MAX_COUNTER:
            return False
        if (ms, counter) > (self.wall_ms, self.counter):
            self.wall_ms, self.counter = ms, counter
        return True


@dataclass(frozen=True)
class Version:
    """One immutable version of one synced record."""

    version_id: str
    kind: str
    record_id: str
    parents: tuple[str, ...]
    hlc: str
    origin: str
    deleted: bool
    payload: Mapping[str, Any] = field(default_factory=dict)

    def sort_key(self) -> tuple[str, str]:
        """Order used to pick a deterministic winner among heads."""
        return (self.hlc, self.version_id)


def version_hash(
    kind: str,
    record_id: str,
    parents: Iterable[str],
    hlc: str,
    origin: str,
    deleted: bool,
    payload: Mapping[str, Any],
) -> str:
    """The content address of a version: SHA-256 over its canonical form."""
    body = canonical_json(
        {
            "kind": kind,
            "record_id": record_id,
            "parents": sorted(parents),
            "hlc": hlc,
            "origin": origin,
            "deleted": deleted,
            "payload": payload,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def make_version(
    kind: str,
    record_id: str,
    parents: Iterable[str],
    hlc: str,
    origin: str,
    payload: Mapping[str, Any],
    deleted: bool = False,
) -> Version:
    """Build a version and compute its id."""
    parents_t = tuple(sorted(parents))
    vid = version_hash(kind, record_id, parents_t, hlc, origin, deleted, payload)
    return Version(vid, kind, record_id, parents_t, hlc, origin, deleted, dict(payload))


def heads(versions: Iterable[Version]) -> list[Version]:
    """The versions of one record that no other version names as a parent, best first."""
    vs = list(versions)
    named = {p for v in vs for p in v.parents}
    return sorted((v for v in vs if v.version_id not in named), key=Version.sort_key, reverse=True)


def winner(versions: Iterable[Version]) -> Version | None:
    """The deterministic winner among a record's heads (None for no versions)."""
    hs = heads(versions)
    return hs[0] if hs else None
