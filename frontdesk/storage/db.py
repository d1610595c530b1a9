"""The SQLite database: one file, opened with the settings a gate PC needs.

WAL, ``synchronous=FULL`` (a committed row survives a power cut), foreign keys, a busy timeout
and ``secure_delete`` (purged personal data does not linger in free pages). Each thread gets
its own connection; writes go through :meth:`Database.write`, one ``BEGIN IMMEDIATE``
transaction that commits or rolls back whole.
"""
from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from frontdesk.storage import migrations

PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=FULL",
    "foreign_keys=ON",
    "busy_timeout=5000",
    "secure_delete=ON",
    "trusted_schema=OFF",
)


QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024


class StorageError(Exception):
    """A database problem explained for the user (what and where)."""


class Database:
    """One SQLite file and the connections to it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        """Create or open the file, apply pragmas, migrate, and run a quick check."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self.connect()
        version = migrations.schema_version(conn)
        if version > migrations.SCHEMA_VERSION:
            raise StorageError(
                f"{self.path}: this database was made by a newer frontdesk "
                f"(schema {version}; this version reads up to {migrations.SCHEMA_VERSION}). "
                "Update frontdesk; the file was not opened for writing and is unchanged."
            )
        # quick_check reads the whole file: ~16 s on a million entries. Up to a gate-PC-sized
        # file it runs at every open; above it, `frontdesk doctor` and each backup check it.
        if self.path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise StorageError(
                    f"{self.path}: the database failed its integrity check: {result}")
        with self.write() as w:
            migrations.migrate(w)
        from frontdesk.storage import records

        records.load_projections()

    def connect(self) -> sqlite3.Connection:
        """This thread's connection (made on first use, with the pragmas)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(
                    self.path, isolation_level=None, check_same_thread=False, timeout=5.0
                )
            except sqlite3.Error as exc:
                raise StorageError(f"{self.path}: cannot open the database: {exc}") from exc
            conn.row_factory = sqlite3.Row
            try:
                for pragma in PRAGMAS:
                    conn.execute("PRAGMA " + pragma)
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise StorageError(f"{self.path}: not a frontdesk database ({exc})") from exc
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside commits together or not at all."""
        conn = self.connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:  # SQLITE_FULL and some I/O errors already rolled back
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def read(self) -> sqlite3.Connection:
        """A connection for reads (autocommit: each statement sees the latest commit)."""
        return self.connect()

    def checkpoint(self) -> None:
        """Fold the WAL back into the main file and truncate it (after a purge)."""
        self.connect().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Close every connection this object opened."""
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(sqlite3.Error):  # closing anyway; nothing to save
                    conn.close()
            self._all.clear()
        self._local = threading.local()
