"""The merge model: sync as a set union of immutable versions (DESIGN.md, "Identity and sync").

This module is the *reference semantics* for the SQLite store: the storage layer must give the
same answers as :class:`MemoryStore` for the same versions and purge markers. It is pure (no
files, no database, no clock): callers pass HLC stamps and site ids in.

Rules
-----
* **State** is two grow-only sets: versions (keyed by ``version_id``) and purge markers.
  Merging is set union, so it is idempotent, commutative and associative.
* **Heads** of a record are its versions that no other version of it names as a parent.
  More than one head is a **conflict**, kept until a supervisor resolves it.
* **Winner** (what the app shows) is the head with the highest ``(hlc, version_id)``
  (:func:`frontdesk.domain.sync.versioning.winner`). A tombstone can win: then the record reads as
  deleted (``current`` gives ``None``) and, if there are other heads, the delete-vs-edit
  conflict stays listed for the supervisor. The winner depends only on the version set, never
  on the order of imports, so every site shows the same winner.
* **Deletes** are tombstone versions (``deleted=True``) and travel like edits. A bundle that only
  holds ancestors of a tombstone cannot bury it (those versions are named as parents), so an
  older bundle never undoes a delete; a *concurrent* edit becomes a second head, i.e. a conflict.
* **Purges**: a :class:`PurgeMarker` ``(kind, record_id, before_hlc, fields)`` blanks (sets to
  ``None``) those payload fields of every version of that record with ``hlc <= before_hlc``,
  both in the store and in any such version that arrives later. The ``version_id`` is kept (it
  is the identity; it can no longer be recomputed from the blanked payload) and the version is
  flagged purged. Markers are never removed, so no bundle can bring purged data back.
  Only fields present in a payload are blanked; absent fields stay absent.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from frontdesk.domain.sync.versioning import Version, heads, make_version, winner

RecordKey = tuple[str, str]
"""A record's identity: ``(kind, record_id)``."""


@dataclass(frozen=True, order=True)
class PurgeMarker:
    """A replicated order to blank personal-data fields of a record's older versions.

    ``fields`` is kept sorted and unique so that equal orders compare equal. ``at`` is the UTC
    ISO instant the purge was ordered, ``by`` the user id, ``origin`` the site id.
    """

    kind: str
    record_id: str
    before_hlc: str
    fields: tuple[str, ...]
    at: str
    by: str
    origin: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(sorted(set(self.fields))))

    @property
    def key(self) -> RecordKey:
        """The record this marker applies to."""
        return (self.kind, self.record_id)

    def covers(self, version: Version) -> bool:
        """True if ``version`` is a version of this record stamped at or before ``before_hlc``."""
        return (
            version.kind == self.kind
            and version.record_id == self.record_id
            and version.hlc <= self.before_hlc
        )


def blank_fields(payload: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """A copy of ``payload`` with each of ``fields`` that it has set to ``None``."""
    drop = set(fields)
    return {k: (None if k in drop else v) for k, v in payload.items()}


class MemoryStore:
    """One site's sync state in memory: versions by id plus purge markers.

    ``purged`` holds the ids of versions covered by at least one purge marker; their stored
    payload has the marked fields blanked.
    """

    def __init__(self) -> None:
        self.versions: dict[str, Version] = {}
        self.records: dict[RecordKey, set[str]] = {}
        self.purges: set[PurgeMarker] = set()
        self.purged: set[str] = set()
        self._markers: dict[RecordKey, list[PurgeMarker]] = {}

    def __len__(self) -> int:
        return len(self.versions)

    def __contains__(self, version_id: object) -> bool:
        return version_id in self.versions

    def record_versions(self, kind: str, record_id: str) -> list[Version]:
        """Every stored version of one record (any order)."""
        return [self.versions[v] for v in self.records.get((kind, record_id), ())]

    def heads(self, kind: str, record_id: str) -> list[Version]:
        """The record's heads, best first."""
        return heads(self.record_versions(kind, record_id))

    def is_purged(self, version_id: str) -> bool:
        """True if a purge marker covers this version (its marked fields are blank)."""
        return version_id in self.purged

    def copy(self) -> MemoryStore:
        """An independent copy (versions are immutable, so they are shared)."""
        other = MemoryStore()
        other.versions = dict(self.versions)
        other.records = {k: set(v) for k, v in self.records.items()}
        other.purges = set(self.purges)
        other.purged = set(self.purged)
        other._markers = {k: list(v) for k, v in self._markers.items()}
        return other

    def _add_version(self, version: Version) -> bool:
        """Insert one version, blanking it if a known marker covers it; False if known."""
        if version.version_id in self.versions:
            return False
        covering = [m for m in self._markers.get(_key(version), ()) if m.covers(version)]
        if covering:
            fields = {f for m in covering for f in m.fields}
            version = replace(version, payload=blank_fields(version.payload, fields))
            self.purged.add(version.version_id)
        self.versions[version.version_id] = version
        self.records.setdefault(_key(version), set()).add(version.version_id)
        return True

    def _add_purge(self, marker: PurgeMarker) -> int:
        """Record a marker and blank the versions it covers; returns how many it newly flagged."""
        if marker in self.purges:
            return 0
        self.purges.add(marker)
        self._markers.setdefault(marker.key, []).append(marker)
        flagged = 0
        for vid in self.records.get(marker.key, ()):
            v = self.versions[vid]
            if marker.covers(v):
                self.versions[vid] = replace(v, payload=blank_fields(v.payload, marker.fields))
                if vid not in self.purged:
                    self.purged.add(vid)
                    flagged += 1
        return flagged


def _key(v: Version) -> RecordKey:
    """The record a version belongs to."""
    return (v.kind, v.record_id)


@dataclass
class MergeReport:
    """What a merge did (or, from :func:`preview`, would do).

    * ``new_versions`` / ``already_known``: versions in the bundle not yet / already stored.
    * ``new_records``: records the store had no version of.
    * ``changed_records``: records the store had whose winner changes.
    * ``conflicts``: touched records that have more than one head afterwards.
    * ``deletions``: records that were shown (winner not deleted) and now read as deleted.
    * ``new_purges``: purge markers not yet stored; ``purged_versions``: stored or incoming
      versions newly flagged purged by them.
    * ``max_hlc``: the highest stamp among new versions and markers (feed it to
      ``HybridClock.observe``), or ``None``.
    All record lists are sorted ``(kind, record_id)`` pairs.
    """

    new_versions: int = 0
    already_known: int = 0
    new_records: list[RecordKey] = field(default_factory=list)
    changed_records: list[RecordKey] = field(default_factory=list)
    conflicts: list[RecordKey] = field(default_factory=list)
    deletions: list[RecordKey] = field(default_factory=list)
    new_purges: int = 0
    purged_versions: int = 0
    max_hlc: str | None = None


class BundleLike(Protocol):
    """Anything carrying versions and purge markers (e.g. a read :class:`Bundle`)."""

    @property
    def versions(self) -> list[Version]:
        """The bundle's versions."""
        ...

    @property
    def purges(self) -> list[PurgeMarker]:
        """The bundle's purge markers."""
        ...


def _report(
    store: MemoryStore, versions: Iterable[Version], purges: Iterable[PurgeMarker]
) -> tuple[MergeReport, list[Version], list[PurgeMarker]]:
    """Compute the report without touching the store; also return what is new."""
    report = MergeReport()
    new: dict[str, Version] = {}
    for v in versions:
        if v.version_id in store.versions or v.version_id in new:
            report.already_known += 1
        else:
            new[v.version_id] = v
    report.new_versions = len(new)
    new_markers = sorted({m for m in purges if m not in store.purges})
    report.new_purges = len(new_markers)

    incoming: dict[RecordKey, list[Version]] = {}
    for v in new.values():
        incoming.setdefault(_key(v), []).append(v)
    for key, added in sorted(incoming.items()):
        before = store.record_versions(*key)
        if not before and len(added) == 1:  # fast path: a record seen for the first time
            report.new_records.append(key)
            continue
        old_win = winner(before)
        after = heads(before + added)
        if old_win is None:
            report.new_records.append(key)
        elif after[0].version_id != old_win.version_id:
            report.changed_records.append(key)
        if len(after) > 1:
            report.conflicts.append(key)
        if old_win is not None and not old_win.deleted and after[0].deleted:
            report.deletions.append(key)

    flagged: set[str] = set()
    new_by_key: dict[RecordKey, list[PurgeMarker]] = {}
    for m in new_markers:
        new_by_key.setdefault(m.key, []).append(m)
        stored = store.record_versions(*m.key)
        flagged.update(v.version_id for v in stored if m.covers(v))
    for key, added in incoming.items():
        markers = store._markers.get(key, []) + new_by_key.get(key, [])
        flagged.update(v.version_id for v in added if any(m.covers(v) for m in markers))
    report.purged_versions = len(flagged - store.purged)
    stamps = [v.hlc for v in new.values()] + [m.before_hlc for m in new_markers]
    report.max_hlc = max(stamps) if stamps else None
    return report, list(new.values()), new_markers


def merge(
    store: MemoryStore, bundle_versions: Iterable[Version], purges: Iterable[PurgeMarker] = ()
) -> MergeReport:
    """Add a bundle's versions and purge markers to ``store`` (set union) and report.

    Markers are applied first and also cover versions arriving in the same call, so a purged
    field never reappears, whatever the order.
    """
    report, new_versions, new_markers = _report(store, bundle_versions, purges)
    for m in new_markers:
        store._add_purge(m)
    for v in new_versions:
        store._add_version(v)
    return report


def preview(store: MemoryStore, bundle: BundleLike) -> MergeReport:
    """The report :func:`merge` would give for ``bundle``, without changing ``store``."""
    return _report(store, bundle.versions, bundle.purges)[0]


def current(store: MemoryStore, kind: str, record_id: str) -> dict[str, Any] | None:
    """The payload the app shows: the winner's, or ``None`` if unknown or the winner is a delete."""
    win = winner(store.record_versions(kind, record_id))
    if win is None or win.deleted:
        return None
    return dict(win.payload)


def conflicts(store: MemoryStore) -> list[RecordKey]:
    """Every record with more than one head, sorted."""
    return sorted(key for key in store.records if len(store.heads(*key)) > 1)


def _local(store: MemoryStore, version: Version) -> Version:
    store._add_version(version)
    return store.versions[version.version_id]


def edit(
    store: MemoryStore,
    kind: str,
    record_id: str,
    payload: Mapping[str, Any],
    hlc: str,
    origin: str,
) -> Version:
    """A local create or edit: a new version whose parent is the current winner (if any).

    Editing a conflicted record supersedes only the shown winner; the conflict remains for the
    supervisor (use :func:`resolve` to close it). Editing a deleted record (the winner is a
    tombstone) restores it, as a deliberate later decision that descends from the delete.
    """
    win = winner(store.record_versions(kind, record_id))
    parents = [win.version_id] if win is not None else []
    return _local(store, make_version(kind, record_id, parents, hlc, origin, payload))


def delete(
    store: MemoryStore,
    kind: str,
    record_id: str,
    hlc: str,
    origin: str,
    payload: Mapping[str, Any] | None = None,
) -> Version:
    """A local delete: a tombstone whose parent is the current winner.

    ``payload`` may carry a reason (e.g. ``{"reason": "void"}``); it defaults to empty.
    """
    win = winner(store.record_versions(kind, record_id))
    if win is None:
        raise KeyError(f"no such record: {kind} {record_id}")
    return _local(
        store, make_version(kind, record_id, [win.version_id], hlc, origin, payload or {}, True)
    )


def resolve(
    store: MemoryStore,
    kind: str,
    record_id: str,
    chosen_payload: Mapping[str, Any] | None,
    hlc: str,
    origin: str,
) -> Version:
    """A supervisor's resolution: a new version whose parents are *all* current heads.

    ``chosen_payload=None`` resolves to a delete (a tombstone). Once the resolution reaches
    another site it closes the conflict there too (unless new concurrent heads appeared).
    """
    hs = store.heads(kind, record_id)
    if not hs:
        raise KeyError(f"no such record: {kind} {record_id}")
    parents = [h.version_id for h in hs]
    deleted = chosen_payload is None
    v = make_version(kind, record_id, parents, hlc, origin, chosen_payload or {}, deleted)
    return _local(store, v)


def purge(
    store: MemoryStore,
    kind: str,
    record_id: str,
    before_hlc: str,
    fields: Iterable[str],
    *,
    at: str,
    by: str,
    origin: str,
) -> PurgeMarker:
    """A local purge order: record the marker and blank the fields now. Returns the marker."""
    marker = PurgeMarker(kind, record_id, before_hlc, tuple(fields), at, by, origin)
    store._add_purge(marker)
    return marker


def versions_for_peer(store: MemoryStore, peer_seen: set[str] | None = None) -> list[Version]:
    """Versions to export: all of them, or those whose ids are not in ``peer_seen``.

    Sorted by ``(hlc, version_id)``, which makes exports deterministic and usually puts parents
    before children (a child is stamped after its parents were observed, unless a parent was
    stamped beyond the clock's drift bound: ``HybridClock``). Nothing depends on that order:
    heads are computed over the whole set.
    """
    chosen = (
        store.versions.values()
        if peer_seen is None
        else (v for vid, v in store.versions.items() if vid not in peer_seen)
    )
    return sorted(chosen, key=Version.sort_key)


def purges_for_export(store: MemoryStore) -> list[PurgeMarker]:
    """Purge markers to export: always all of them (they are small, and a bundle that carries a
    purged version must carry the marker that explains its blank fields)."""
    return sorted(store.purges)
