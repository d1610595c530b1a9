"""Reading failures: each real SQLite or disk failure gets its kind, and words in both languages."""
from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.context import SignInRequired
from frontdesk.i18n import language, set_language
from frontdesk.services.failures import FailureKind, classify, describe
from frontdesk.storage.db import StorageError


@pytest.fixture
def english() -> Iterator[None]:
    """The UI in English for the test."""
    before = language()
    set_language("en")
    yield
    set_language(before)


def made(tmp_path: Path) -> Path:
    """A small database file with one table."""
    path = tmp_path / "x.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (v TEXT)")
    conn.commit()
    conn.close()
    return path


def raised(fn: object) -> BaseException:
    """What ``fn()`` raised."""
    try:
        fn()  # type: ignore[operator]
    except BaseException as exc:  # noqa: BLE001 - the test looks at it
        return exc
    raise AssertionError("nothing was raised")


def test_a_real_lock_is_locked_and_passes_by_itself(tmp_path: Path) -> None:
    path = made(tmp_path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        exc = raised(lambda: other.execute("BEGIN IMMEDIATE"))
    finally:
        holder.execute("ROLLBACK")
    failure = classify(exc)
    assert failure.kind is FailureKind.LOCKED and failure.passes_by_itself
    assert "locked" in failure.detail


def test_a_real_full_database_is_disk_full(tmp_path: Path) -> None:
    conn = sqlite3.connect(made(tmp_path))
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")
    exc = raised(lambda: [conn.execute("INSERT INTO t VALUES (?)", ("x" * 5000,))
                          for _ in range(50)])
    assert classify(exc).kind is FailureKind.DISK_FULL
    assert not classify(exc).passes_by_itself


def test_a_real_read_only_file_is_read_only(tmp_path: Path) -> None:
    conn = sqlite3.connect(f"file:{made(tmp_path)}?mode=ro", uri=True)
    exc = raised(lambda: conn.execute("INSERT INTO t VALUES ('x')"))
    assert classify(exc).kind is FailureKind.READ_ONLY


def test_a_file_that_is_not_a_database_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all" * 200)
    exc = raised(lambda: sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall())
    assert classify(exc).kind is FailureKind.CORRUPT


def test_a_folder_cannot_be_opened(tmp_path: Path) -> None:
    exc = raised(lambda: sqlite3.connect(tmp_path).execute("SELECT 1"))
    assert classify(exc).kind is FailureKind.CANNOT_OPEN


def test_a_storage_error_is_read_through_its_cause(tmp_path: Path) -> None:
    """The wrapper's kind comes from the sqlite error it was raised from."""
    def wrapped() -> None:
        try:
            raise sqlite3.OperationalError("database is locked")
        except sqlite3.Error as exc:
            raise StorageError(f"{tmp_path}: cannot open the database: {exc}") from exc

    assert classify(raised(wrapped)).kind is FailureKind.LOCKED
    newer = StorageError("x.db: this database was made by a newer frontdesk (schema 9)")
    assert classify(newer).kind is FailureKind.NEWER
    assert classify(StorageError("x.db: something odd")).kind is FailureKind.STORAGE


@pytest.mark.parametrize(("code", "kind"), [
    (errno.ENOSPC, FailureKind.DISK_FULL), (errno.EROFS, FailureKind.READ_ONLY),
    (errno.EACCES, FailureKind.READ_ONLY), (errno.EISDIR, FailureKind.CANNOT_OPEN)])
def test_disk_errors_by_errno(code: int, kind: FailureKind) -> None:
    assert classify(OSError(code, "x")).kind is kind


def test_sign_in_and_anything_else() -> None:
    assert classify(SignInRequired("nobody")).kind is FailureKind.NOT_SIGNED_IN
    other = classify(RuntimeError("boom\x1b[2J"))
    assert other.kind is FailureKind.OTHER and not other.expected
    assert "\x1b" not in other.detail  # never sent raw to the terminal


def test_words_say_what_and_what_to_do_in_each_language(english: None, tmp_path: Path) -> None:
    corrupt = classify(sqlite3.DatabaseError("database disk image is malformed"))
    what, todo = describe(corrupt, tmp_path / "backups")
    assert what.startswith("The database file is damaged")
    assert "frontdesk doctor" in todo and str(tmp_path / "backups") in todo
    set_language("zh")
    what, todo = describe(corrupt, tmp_path / "backups")
    assert "已损坏" in what and "frontdesk doctor" in todo and "备份" in todo
    what, todo = describe(classify(OSError(errno.ENOSPC, "full")))
    assert what == "磁盘已满，无法保存。" and "清理磁盘空间" in todo
