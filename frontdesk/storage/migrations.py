"""Schema versions and the path from each to the next.

``PRAGMA user_version`` holds the schema version. :data:`STEPS` maps a version to the SQL that
brings a database from the version before it; a later feature appends a step and bumps
:data:`SCHEMA_VERSION`. A database from a newer version is refused by ``Database.open``.
"""
from __future__ import annotations

import sqlite3

V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Every version of every synced record (DESIGN.md "Identity and sync").
CREATE TABLE versions (
    seq INTEGER PRIMARY KEY,
    version_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    parents TEXT NOT NULL,
    hlc TEXT NOT NULL,
    origin TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    payload TEXT NOT NULL,
    purged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX versions_record ON versions(kind, record_id);

-- The current heads of each record: more than one is a conflict for a supervisor.
CREATE TABLE heads (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version_id TEXT NOT NULL,
    PRIMARY KEY (kind, record_id, version_id)
) WITHOUT ROWID;

-- Privacy purges: versions up to before_hlc lose these fields, here and wherever they travel.
CREATE TABLE purges (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    before_hlc TEXT NOT NULL,
    fields TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (kind, record_id, before_hlc)
) WITHOUT ROWID;

-- The register as it is now (materialised from the winning version of each visit).
CREATE TABLE visits (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    time_in TEXT NOT NULL,
    time_out TEXT,
    head TEXT NOT NULL,
    conflict INTEGER NOT NULL DEFAULT 0,
    payload TEXT NOT NULL
);
CREATE INDEX visits_time_in ON visits(time_in);
CREATE INDEX visits_on_site ON visits(time_in) WHERE time_out IS NULL;

-- Search keys (name, pinyin, initials, outlet, phone, plate, credential) for prefix search.
CREATE TABLE visit_terms (
    term TEXT NOT NULL,
    visit_id TEXT NOT NULL,
    PRIMARY KEY (term, visit_id)
) WITHOUT ROWID;
CREATE INDEX visit_terms_visit ON visit_terms(visit_id);
"""

def _discover() -> dict[int, str]:
    """Version 1 here; each later step in ``frontdesk/storage/schema/vNNN_<feature>.py``.

    A step module holds ``VERSION: int`` and ``SQL: str``. Versions must be unique.
    """
    import importlib
    import pkgutil

    from frontdesk.storage import schema

    steps = {1: V1}
    for info in pkgutil.iter_modules(schema.__path__):
        mod = importlib.import_module(f"frontdesk.storage.schema.{info.name}")
        version = int(mod.VERSION)
        if version in steps:
            raise RuntimeError(f"two schema steps claim version {version}: {info.name}")
        steps[version] = str(mod.SQL)
    return steps


STEPS: dict[int, str] = _discover()
SCHEMA_VERSION = max(STEPS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The database's schema version (0 for a new file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every missing step inside the caller's transaction; return the new version."""
    current = schema_version(conn)
    for version in sorted(STEPS):
        if version > current:
            for statement in _split(STEPS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(version)}")
            current = version
    return current


def _split(script: str) -> list[str]:
    """Split a migration into statements (no semicolons inside our DDL strings)."""
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
