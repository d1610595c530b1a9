"""Script readings are synced records: stored as versions, projected, found by entry, incident, day."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.paths import resolve_paths
from frontdesk.services.scripts import ScriptService, scripts
from frontdesk.storage import records
from frontdesk.storage import script_uses as store
from tests.conftest import T0


def test_a_reading_is_a_versioned_record_with_who_and_when(ctx: AppContext) -> None:
    """record_use stores one version of kind script_use with edited_by/edited_at."""
    use = scripts(ctx).record_use("media_at_gate", [1], "zh", "visit-1", None, "王保安")
    assert (use.situation_id, use.at, use.by, use.lines_shown) == ("media_at_gate", T0, "王保安", (1,))
    versions = records.versions_of(ctx.require_db().read(), store.KIND, use.id)
    assert len(versions) == 1
    payload = versions[0].version.payload
    assert payload["edited_by"] == "王保安" and payload["edited_at"] == T0.isoformat()
    assert payload["visit_id"] == "visit-1" and payload["incident_id"] is None


def test_readings_by_entry_incident_and_time(ctx: AppContext, clock: FrozenClock) -> None:
    """Each query returns its readings oldest first, and only those."""
    svc = scripts(ctx)
    first = svc.record_use("media_at_gate", [1], "zh", "visit-1", None, "王保安")
    clock.advance(timedelta(minutes=5))
    second = svc.record_use("journalist_interview", [1, 2], "zh+en", "visit-1", "inc-1", "李保安")
    clock.advance(timedelta(hours=30))
    later = svc.record_use("salesperson", [1], "en", None, None, "王保安")
    assert [u.id for u in svc.uses_for_visit("visit-1")] == [first.id, second.id]
    assert [u.id for u in svc.uses_for_incident("inc-1")] == [second.id]
    assert svc.uses_for_visit("visit-2") == []
    day = svc.uses_between(T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    assert [u.id for u in day] == [first.id, second.id]
    assert [u.id for u in svc.uses_between(T0 + timedelta(days=1), T0 + timedelta(days=2))] == [
        later.id]
    assert second.lines_shown == (1, 2) and second.lang == "zh+en"


def test_an_entry_saved_from_a_reading_takes_only_the_readings_against_no_entry(
        ctx: AppContext, clock: FrozenClock) -> None:
    """A form carrying reading ids attaches those made against no entry, as a new version
    (the first version, against nothing, stays in the history); one already against another
    entry keeps it, and an id that names nothing is passed over."""
    from frontdesk.domain.register.visits import VisitKind
    from frontdesk.services.register import VisitForm

    svc = scripts(ctx)
    free = svc.record_use("media_at_gate", [1], "zh", None, "inc-1", "王保安")
    taken = svc.record_use("journalist_interview", [1], "zh", "visit-1", None, "王保安")
    clock.advance(timedelta(minutes=2))
    form = VisitForm(kind=VisitKind.JOURNALIST, values={"name": "李记者"},
                     readings=(free.id, taken.id, "no-such-reading"))
    visit = ctx.register.add(form, by="李保安")
    assert [u.id for u in svc.uses_for_visit(visit.id)] == [free.id]
    assert [u.id for u in svc.uses_for_visit("visit-1")] == [taken.id]
    assert [u.id for u in svc.uses_for_incident("inc-1")] == [free.id]
    versions = records.versions_of(ctx.require_db().read(), store.KIND, free.id)
    assert [v.version.payload["visit_id"] for v in versions] == [None, visit.id]
    assert versions[-1].version.payload["edited_by"] == "李保安"
    assert svc.uses_for_visit(visit.id)[0].at == T0  # when it was read, not when it was linked


def test_readings_travel_to_another_site(ctx: AppContext, tmp_path: Path,
                                         clock: FrozenClock) -> None:
    """Versions stored elsewhere and re-projected give the same reading there."""
    use = scripts(ctx).record_use("filming", [1, 2], "zh", None, "inc-9", "王保安")
    versions = [vr.version for vr in records.versions_of(ctx.require_db().read(), store.KIND,
                                                           use.id)]
    other = AppContext.create(clock=clock, paths=resolve_paths(home=str(tmp_path / "other")))
    other.open()
    try:
        with other.require_db().write() as conn:
            for kind, record_id in records.store_versions(conn, versions):
                records.reproject(conn, kind, record_id)
        assert ScriptService(other).uses_for_incident("inc-9") == [use]
    finally:
        other.close()


def test_the_service_names_site_file_mistakes_and_keeps_the_shipped_book(ctx: AppContext) -> None:
    """A broken site file: errors with the file name; every shipped situation still there."""
    path = ctx.paths.site_scripts_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{\n  \"situations\": [\n", encoding="utf-8")
    svc = ScriptService(ctx)
    assert len(svc.errors) == 1 and "site_scripts.json" in str(svc.errors[0])
    assert svc.book.by_key("1") is not None and svc.book.by_id("emergency_call_110") is not None
    path.write_text("{}", encoding="utf-8")
    svc.reload()
    assert svc.errors == ()
