"""Notice writes made by another connection: another terminal, the command line, a sync import.

SQLite bumps ``PRAGMA data_version`` on a connection whenever *another* connection commits to
the file (sqlite.org/pragma.html#pragma_data_version). One dedicated read connection, asked
once a second, tells the app that something changed elsewhere: the screens then reload; while
nothing changes the cost is one pragma a second and no reload. Raw DBAPI (``sqlite3``) on the
database file, like the other hot paths; no table of its own.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path


class ChangeWatcher:
    """A dedicated connection whose ``data_version`` says when the file changed elsewhere."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._seen: int | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(self.path, isolation_level=None,
                                         check_same_thread=False, timeout=1.0)
            self._conn.execute("PRAGMA query_only=ON")
        return self._conn

    def changed(self) -> bool:
        """True when another connection committed since the last call (False the first time).

        Any commit counts, this process's own writes included (they go through other
        connections): a reload after one's own save is harmless, and cheaper than telling them
        apart. A database that cannot be read right now reports no change.
        """
        try:
            version = int(self._connection().execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            return False
        before, self._seen = self._seen, version
        return before is not None and version != before

    def close(self) -> None:
        """Close the watcher's connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
