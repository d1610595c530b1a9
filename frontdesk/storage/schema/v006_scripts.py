"""Schema step 6: script readings (which script, which lines, when, by whom, against what)."""
from __future__ import annotations

VERSION = 6
SQL = """
CREATE TABLE script_uses (
    id TEXT PRIMARY KEY,
    situation_id TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    visit_id TEXT,
    incident_id TEXT,
    payload TEXT NOT NULL
);
CREATE INDEX script_uses_at ON script_uses(at);
CREATE INDEX script_uses_visit ON script_uses(visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX script_uses_incident ON script_uses(incident_id) WHERE incident_id IS NOT NULL
"""
