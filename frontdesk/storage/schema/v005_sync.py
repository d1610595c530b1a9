"""Schema step 5: what this site exchanged with each peer, and a log of imported bundles."""

VERSION = 5
SQL = """
-- One row per site this site has exchanged bundles with.
CREATE TABLE sync_peers (
    site_id TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    sent_seq INTEGER NOT NULL DEFAULT 0,
    last_sent_at TEXT,
    last_received_at TEXT,
    received_versions INTEGER NOT NULL DEFAULT 0
);

-- Every bundle import (re-imports included: they are harmless and worth knowing about).
CREATE TABLE sync_imports (
    seq INTEGER PRIMARY KEY,
    bundle_id TEXT NOT NULL,
    source_site TEXT NOT NULL,
    source_name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    new_versions INTEGER NOT NULL,
    already_known INTEGER NOT NULL,
    conflicts INTEGER NOT NULL
);
CREATE INDEX sync_imports_bundle ON sync_imports(bundle_id)
"""
