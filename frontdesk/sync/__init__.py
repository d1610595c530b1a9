"""File-based sync between sites: the bundle file format and the merge model.

Pure code (no textual, no sqlite3); the SQLite store calls it and follows :mod:`.merge` as its
reference semantics.
"""
from __future__ import annotations

from frontdesk.sync.bundle import (
    Bundle,
    BundleError,
    BundleMeta,
    BundleSummary,
    Limits,
    write_bundle,
)
from frontdesk.sync.merge import (
    MemoryStore,
    MergeReport,
    PurgeMarker,
    conflicts,
    current,
    delete,
    edit,
    merge,
    preview,
    purge,
    purges_for_export,
    resolve,
    versions_for_peer,
)
from frontdesk.sync.reader import read_bundle

__all__ = [
    "Bundle", "BundleError", "BundleMeta", "BundleSummary", "Limits", "MemoryStore",
    "MergeReport", "PurgeMarker", "conflicts", "current", "delete", "edit", "merge", "preview",
    "purge", "purges_for_export", "read_bundle", "resolve", "versions_for_peer", "write_bundle",
]
