"""Site identity and settings, kept in the ``meta`` table."""
from __future__ import annotations

import sqlite3
import uuid

from frontdesk.domain.site import DEFAULT_TZ, Site

_KEYS = {
    "site_id": "id",
    "site_name": "name",
    "site_timezone": "timezone",
    "overstay_hours": "overstay_hours",
    "retention_days": "retention_days",
}


def _get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set one meta value (inside a write transaction)."""
    conn.execute(
        "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
        (key, value),
    )


def ensure_site(conn: sqlite3.Connection, default_name: str = "") -> Site:
    """Create the site identity on first start; return the site (inside a write transaction)."""
    if _get(conn, "site_id") is None:
        set_meta(conn, "site_id", uuid.uuid4().hex[:12])
        set_meta(conn, "site_name", default_name)
        set_meta(conn, "site_timezone", DEFAULT_TZ)
    return load_site(conn)


def load_site(conn: sqlite3.Connection) -> Site:
    """Read the site settings."""
    return Site(
        id=_get(conn, "site_id") or "",
        name=_get(conn, "site_name") or "",
        timezone=_get(conn, "site_timezone") or DEFAULT_TZ,
        overstay_hours=float(_get(conn, "overstay_hours") or 4.0),
        retention_days=int(_get(conn, "retention_days") or 180),
    )


def save_site(conn: sqlite3.Connection, site: Site) -> None:
    """Write the editable settings back."""
    set_meta(conn, "site_name", site.name)
    set_meta(conn, "site_timezone", site.timezone)
    set_meta(conn, "overstay_hours", str(site.overstay_hours))
    set_meta(conn, "retention_days", str(site.retention_days))
