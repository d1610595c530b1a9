"""The real ``frontdesk`` process on a terminal: a database that does not open is a screen, and
quitting from it is not a success (the exit code a script or a service manager sees)."""
from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def run_on_a_terminal(args: list[str], home: Path, wait_for: bytes) -> tuple[int, bytes]:
    """Start ``python -m frontdesk ARGS`` on an 80x24 pseudo-terminal; once ``wait_for`` is on
    the screen press Ctrl+Q; return the exit code and what was drawn (escapes removed)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "frontdesk", *args], stdin=slave, stdout=slave, stderr=slave,
        env={**os.environ, "FRONTDESK_HOME": str(home), "TERM": "xterm-256color"},
        close_fds=True)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    pressed = False
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _w, _x = select.select([master], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break  # the child closed the terminal
            if not pressed and wait_for in ANSI.sub(b"", seen).replace(b" ", b""):
                os.write(master, b"\x11")  # Ctrl+Q
                pressed = True
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert pressed, ANSI.sub(b"", seen)[-2000:]
    return code, ANSI.sub(b"", seen)


def test_quitting_a_database_that_did_not_open_exits_3(tmp_path: Path) -> None:
    """``--db`` naming a folder: the start screen explains; Ctrl+Q; exit code 3, no traceback."""
    folder = tmp_path / "not-a-file.db"
    folder.mkdir()
    code, drawn = run_on_a_terminal(["--db", str(folder), "--lang", "en"], tmp_path / "home",
                                    wait_for=b"couldnotbeopened")
    assert code == 3
    assert b"Traceback" not in drawn


def test_quitting_normally_exits_0(tmp_path: Path) -> None:
    """A fresh start (first supervisor's setup on screen): Ctrl+Q exits 0."""
    code, drawn = run_on_a_terminal(["--db", str(tmp_path / "new.db"), "--lang", "en"],
                                    tmp_path / "home", wait_for=b"supervisor")
    assert code == 0
    assert b"Traceback" not in drawn
