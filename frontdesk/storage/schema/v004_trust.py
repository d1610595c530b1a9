"""Schema step 4 (trust): local users, failed sign-ins and the audit chain.

These tables are local to the site PC and never travel in a bundle: PIN hashes stay on the
machine they were set on, and the audit chain travels only as its head. The append-only
triggers on ``audit_events`` are created by :func:`frontdesk.storage.audit.ensure_triggers`
(a trigger body needs a semicolon, which the step splitter does not allow).
"""
from __future__ import annotations

VERSION = 4

SQL = """
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    pin_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);

-- Failed PIN attempts since the user's last successful sign-in (lockout is computed from them).
CREATE TABLE auth_failures (
    name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX auth_failures_name ON auth_failures(name, at);

-- The hash-chained audit trail (frontdesk.domain.trust.audit): names and keyed digests only.
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    fields TEXT NOT NULL,
    before_hash TEXT,
    after_hash TEXT,
    site TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
)
"""
