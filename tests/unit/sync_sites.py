"""Helpers for sync tests: real SQLite sites in temp folders, and a dump of a whole database."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.register.visits import VisitKind
from frontdesk.paths import resolve_paths
from frontdesk.services.register import VisitForm
from frontdesk.services.sync import SyncService

T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def make_site(folder: Path, name: str, skew_minutes: int = 0) -> AppContext:
    """An opened context on a fresh database whose clock is skewed by ``skew_minutes``."""
    clock = FrozenClock(T0 + timedelta(minutes=skew_minutes))
    ctx = AppContext.create(clock=clock, paths=resolve_paths(home=str(folder / name)))
    ctx.open()
    ctx.session.user = f"sup-{name}"
    ctx.session.role = "supervisor"
    return ctx


def sync(ctx: AppContext) -> SyncService:
    """The site's sync service."""
    return ctx.service("sync", SyncService)


def add_visit(ctx: AppContext, name: str, **values: str) -> str:
    """Log a visitor and return the entry id."""
    form = VisitForm(kind=VisitKind.VISITOR, values={"name": name, **values})
    return ctx.register.add(form, by="guard").id


def dump_hash(ctx: AppContext) -> str:
    """SHA-256 over every row of every table (the database's whole state)."""
    conn = ctx.require_db().read()
    h = hashlib.sha256()
    for line in conn.iterdump():
        h.update(line.encode("utf-8"))
    return h.hexdigest()
