"""Shared fixtures: every test gets its own home folder, database and frozen clock."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.paths import resolve_paths

# 2026-11-22 10:00 in Asia/Shanghai.
T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
TERMINAL = (80, 24)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real home: FRONTDESK_HOME points into the test's folder."""
    monkeypatch.setenv("FRONTDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def clock() -> FrozenClock:
    """A clock frozen at 10:00 site time on 2026-11-22."""
    return FrozenClock(T0)


@pytest.fixture
def ctx(tmp_path: Path, clock: FrozenClock) -> Iterator[AppContext]:
    """An opened context on a fresh database in the test's folder."""
    context = AppContext.create(clock=clock, paths=resolve_paths(home=str(tmp_path / "home")))
    context.open()
    yield context
    context.close()


@pytest.fixture
def closed_ctx(tmp_path: Path, clock: FrozenClock) -> AppContext:
    """A context whose database the app will open itself (as at a real start)."""
    return AppContext.create(clock=clock, paths=resolve_paths(home=str(tmp_path / "home")))
