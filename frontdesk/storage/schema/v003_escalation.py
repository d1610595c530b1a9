"""Schema step 3: contacts, the escalation plan frozen with each incident, and its call log."""
from __future__ import annotations

VERSION = 3
SQL = """
CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    head TEXT NOT NULL,
    conflict INTEGER NOT NULL DEFAULT 0,
    payload TEXT NOT NULL
);
CREATE INDEX contacts_role ON contacts(role);

CREATE TABLE escalation_plans (
    incident_id TEXT PRIMARY KEY,
    head TEXT NOT NULL,
    payload TEXT NOT NULL
);

-- Call attempts, skips and level changes of every incident (kind says which).
CREATE TABLE escalation_log (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    at TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX escalation_log_incident ON escalation_log(incident_id, at)
"""
