"""Schema step 2: incidents, their timelines, written reports and shift handovers."""
from __future__ import annotations

VERSION = 2
SQL = """
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    head TEXT NOT NULL,
    conflict INTEGER NOT NULL DEFAULT 0,
    payload TEXT NOT NULL
);
CREATE INDEX incidents_open ON incidents(occurred_at) WHERE state <> 'closed';

CREATE TABLE incident_timeline (
    id TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX incident_timeline_incident ON incident_timeline(incident_id, occurred_at);

CREATE TABLE incident_reports (
    incident_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    head TEXT NOT NULL,
    payload TEXT NOT NULL
);

CREATE TABLE handovers (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    accepted_at TEXT,
    payload TEXT NOT NULL
);
CREATE INDEX handovers_created ON handovers(created_at)
"""
