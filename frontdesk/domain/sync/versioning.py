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


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no spaces: the same data always gives the same bytes."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def format_hlc(wall_ms: int, counter: int, site: str) -> str:
    """A hybrid logical clock stamp as a string that sorts in causal order."""
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
    """

    site: str
    wall_ms: int = 0
    counter: int = 0

    def tick(self, now_ms: int) -> str:
        """Return a fresh stamp for a local change at wall time ``now_ms``."""
        if now_ms > self.wall_ms:
            self.wall_ms, self.counter = now_ms, 0
        else:
            self.counter += 1
        return format_hlc(self.wall_ms, self.counter, self.site)

    def observe(self, stamp: str) -> None:
        """Move forward past a stamp seen from elsewhere (never backward)."""
        ms, counter, _site = parse_hlc(stamp)
        if (ms, counter) > (self.wall_ms, self.counter):
            self.wall_ms, self.counter = ms, counter


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
