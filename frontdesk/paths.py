"""Where frontdesk keeps its files.

Default: the user data and config directories (platformdirs). ``FRONTDESK_HOME`` puts
everything under one folder (tests, a USB-stick install); ``--db PATH`` names the database.
Nothing here touches the disk at import time (habit 8).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "frontdesk"
DB_NAME = "frontdesk.db"


@dataclass(frozen=True)
class Paths:
    """The folders and files one running app uses."""

    data_dir: Path
    config_dir: Path
    db_file: Path

    @property
    def backups_dir(self) -> Path:
        """Where rotating backups go."""
        return self.data_dir / "backups"

    @property
    def log_file(self) -> Path:
        """The app's log: failures, with the details the screen leaves out."""
        return self.data_dir / "frontdesk.log"

    @property
    def prefs_file(self) -> Path:
        """This PC's UI preferences (language, theme)."""
        return self.config_dir / "prefs.json"

    @property
    def site_scripts_file(self) -> Path:
        """The site's own scripted replies and variables."""
        return self.config_dir / "site_scripts.json"

    @property
    def site_kinds_file(self) -> Path:
        """The site's own incident kinds and checklists."""
        return self.config_dir / "site_incident_kinds.json"

    @property
    def site_policies_file(self) -> Path:
        """The site's edited escalation policies."""
        return self.config_dir / "escalation_policies.json"

    @property
    def ledger_file(self) -> Path:
        """The privacy ledger beside the database (erasures, retention runs and setting):
        outside it, so that restoring an older copy cannot undo an erasure."""
        return self.db_file.with_name(self.db_file.name + ".ledger")

    @property
    def pepper_file(self) -> Path:
        """The PIN pepper: 32 random bytes mixed into every PIN hash, never in the database."""
        return self.config_dir / "pin.pepper"

    def ensure(self) -> None:
        """Create the folders (called once at start, never at import); frontdesk's own data and
        config folders are made owner-only (0700): they hold personal data, keys and the pepper.
        A folder given with ``--db`` is the user's choice and is left as it is."""
        for d in (self.data_dir, self.config_dir):
            d.mkdir(parents=True, exist_ok=True)
            _restrict(d, 0o700)
        self.db_file.parent.mkdir(parents=True, exist_ok=True)

    def secure_db(self) -> None:
        """Make the database and its -wal/-shm owner-only (0600), creating an empty database
        file that way when there is none yet (SQLite gives its -wal and -shm the same mode)."""
        if not self.db_file.exists():
            try:
                os.close(os.open(self.db_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                pass  # another process made it meanwhile: restricted below
            except OSError:
                return  # a read-only place: opening the database will say so
        for suffix in ("", "-wal", "-shm"):
            path = self.db_file.with_name(self.db_file.name + suffix)
            if path.exists():
                _restrict(path, 0o600)


def _restrict(path: Path, mode: int) -> None:
    """``chmod`` when we may; a file we do not own, or a read-only disk, is left as it is."""
    try:
        if path.stat().st_mode & 0o777 != mode:
            os.chmod(path, mode)
    except OSError:
        return


def resolve_paths(db: str | os.PathLike[str] | None = None, home: str | None = None) -> Paths:
    """Work out the paths from ``--db``, ``FRONTDESK_HOME`` and the platform defaults."""
    home = home if home is not None else os.environ.get("FRONTDESK_HOME")
    if home:
        base = Path(home).expanduser()
        data_dir, config_dir = base / "data", base / "config"
    else:
        import platformdirs

        data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        config_dir = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    db_file = Path(db).expanduser().resolve() if db else data_dir / DB_NAME
    return Paths(data_dir=data_dir, config_dir=config_dir, db_file=db_file)


def shipped_data_dir() -> Path:
    """The folder holding the shipped data files (scripts, incident kinds, policies)."""
    here = Path(__file__).resolve().parent
    packaged = here / "_data"
    if packaged.is_dir():
        return packaged
    return here.parent / "data"
