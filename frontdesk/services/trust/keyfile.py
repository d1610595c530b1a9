"""Small secrets kept in files beside the configuration, never in the database.

The audit key (``audit.key``) and the PIN pepper (``pin.pepper``) live here: a copy of the
database, a backup or a bundle then holds neither. Each file is written owner-only (0600) under
a temporary name, flushed and renamed, so a crash leaves either no file or a whole one.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

MIN_BYTES = 16


def load_or_create(path: Path, nbytes: int = 32) -> bytes:
    """The secret in ``path``, or a new one of ``nbytes`` random bytes written there (0600).

    A file shorter than :data:`MIN_BYTES` (damaged) is replaced like a missing one.
    """
    try:
        data = path.read_bytes()
        if len(data) >= MIN_BYTES:
            return data
    except FileNotFoundError:
        data = b""  # first use on this PC: made below
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(nbytes)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return key
