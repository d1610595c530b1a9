"""Helpers for sync tests: real SQLite sites in temp folders, and a dump of a whole database."""
from __future__ import annotations

import hashlib
import random
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


def name_site(ctx: AppContext, name: str) -> None:
    """Give the site a name (as its settings screen would)."""
    from dataclasses import replace

    from frontdesk.storage import site as site_store

    with ctx.require_db().write() as conn:
        site_store.save_site(conn, replace(ctx.require_site(), name=name))
        ctx.site = site_store.load_site(conn)


def every_kind(ctx: AppContext, n: int = 2) -> None:
    """``n`` records of every synced kind, made through the services the screens use."""
    from frontdesk.domain.incidents.report import revise
    from frontdesk.services.escalation.contacts_demo import add_demo_contacts
    from frontdesk.services.escalation.service import EscalationService
    from frontdesk.services.incidents.service import IncidentService
    from frontdesk.services.scripts import ScriptService

    incidents: IncidentService = ctx.service("incidents", IncidentService)
    escalation: EscalationService = ctx.service("escalation", EscalationService)
    scripts: ScriptService = ctx.service("scripts", ScriptService)
    add_demo_contacts(ctx, random.Random(16))
    for i in range(n):
        visit = add_visit(ctx, f"访客{i}")
        inc = incidents.open("fight", "general", place=f"{i}栋", summary=f"争吵{i}", by="王保安")
        incidents.add_note(inc.id, f"已到场{i}", "王保安")
        incidents.save_report(revise(incidents.report(inc.id, signer="王保安"),
                                     conclusion=f"已离开{i}"), "王保安")
        escalation.start(inc.id, "fight", "general", by="王保安")
        escalation.log_call(inc.id, "responder", 0, None, "supervisor", "accepted", by="王保安")
        escalation.skip(inc.id, "responder", 1, f"不在岗{i}", by="王保安")
        escalation.on_level_changed(inc.id, "general", "serious", by="王保安")
        scripts.record_use("media_at_gate", [1, 2], "zh", visit, None, "王保安")
    incidents.handover(by="王保安")


def conflicting_sites(folder: Path, n: int = 2) -> tuple[AppContext, AppContext, set[tuple[str, str]]]:
    """Two real sites, 北门 and 东门, where every record of every kind was edited at both after
    they last exchanged bundles: each holds a conflict for each record. Returns both sites and
    the ``(kind, record_id)`` of every record in conflict."""
    from frontdesk.storage import records

    north, east = make_site(folder, "north"), make_site(folder, "east", skew_minutes=3)
    name_site(north, "北门")
    name_site(east, "东门")
    every_kind(north, n)
    sync(north).export_bundle(folder / "n1.fdb")
    sync(east).import_bundle(folder / "n1.fdb")
    keys = {(r[0], r[1]) for r in north.require_db().read().execute(
        "SELECT DISTINCT kind, record_id FROM heads")}
    for ctx, who in ((north, "北门值班员"), (east, "东门值班员")):
        with ctx.require_db().write() as conn:
            for kind, rid in sorted(keys):
                win, _n = records.current(conn, kind, rid)
                assert win is not None
                body = dict(win.payload) | {"edited_by": who, "notes": f"{who}改过"}
                records.write(conn, kind, rid, body, ctx.clock.now())
    sync(east).export_bundle(folder / "e1.fdb")
    sync(north).import_bundle(folder / "e1.fdb")
    sync(north).export_bundle(folder / "n2.fdb")
    sync(east).import_bundle(folder / "n2.fdb")
    return north, east, keys
