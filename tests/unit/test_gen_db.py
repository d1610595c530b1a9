"""The benchmark generator stores exactly what the app's own write path stores."""
from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.domain.register.search import pinyin_keys
from frontdesk.domain.register.visits import from_payload, to_payload
from frontdesk.storage import records
from frontdesk.storage import site as site_store
from frontdesk.storage.db import Database

END = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
N = 200


def _gen_module() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "bench" / "gen_db.py"
    spec = importlib.util.spec_from_file_location("bench_gen_db", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    """A generated database of 200 entries ending at the test clock's time."""
    path = tmp_path / "gen.db"
    _gen_module().generate(path, N, seed=3, end=END)
    return path


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return [tuple(r) for r in conn.execute(sql).fetchall()]
    finally:
        conn.close()


def test_heads_match_visits_and_payloads_round_trip(generated: Path) -> None:
    """One head per visit, some visits signed out as a second version, payloads load back."""
    heads = _rows(generated, "SELECT record_id, version_id FROM heads")
    visits = _rows(generated, "SELECT id, head, payload FROM visits")
    versions = _rows(generated, "SELECT COUNT(*) FROM versions")[0][0]
    assert len(visits) == N
    assert sorted(heads) == sorted((vid, head) for vid, head, _p in visits)
    assert N < versions < 2 * N
    for vid, _head, body in visits:
        payload = json.loads(body)
        visit = from_payload(vid, payload)
        assert to_payload(visit) == {k: v for k, v in payload.items()
                                     if k not in ("edited_by", "edited_at", "_salt")}
        assert len(payload["_salt"]) == 32  # as the app stores it


def test_register_search_finds_generated_people_by_pinyin(generated: Path) -> None:
    """What the register search box would type finds the entry: full pinyin and initials."""
    ctx = AppContext.create(db=str(generated), clock=FrozenClock(END))
    ctx.open()
    try:
        named = [v for v in ctx.register.between(datetime(2000, 1, 1, tzinfo=UTC), END)
                 if v.name][:20]
        assert len(named) == 20
        for visit in named:
            full, initials = pinyin_keys(visit.name)
            assert visit.id in {v.id for v in ctx.register.search(full, limit=N)}
            assert visit.id in {v.id for v in ctx.register.search(initials, limit=N)}
        assert ctx.register.today(), "the last day has entries"
    finally:
        ctx.close()


def test_same_rows_as_the_normal_write_path(generated: Path, tmp_path: Path) -> None:
    """Replaying every change through records.write gives identical tables and schema."""
    site_id = _rows(generated, "SELECT value FROM meta WHERE key = 'site_id'")[0][0]
    changes = _rows(generated, "SELECT record_id, payload FROM versions ORDER BY seq")
    replay = Database(tmp_path / "replay.db")
    replay.open()
    with replay.write() as conn:
        site_store.set_meta(conn, "site_id", str(site_id))
        site_store.ensure_site(conn, "阳光花园")
        for record_id, body in changes:
            payload = json.loads(str(body))
            now = datetime.fromisoformat(payload["edited_at"])
            records.write(conn, "visit", str(record_id), payload, now)
    replay.close()
    queries = (
        "SELECT * FROM versions ORDER BY seq",
        "SELECT * FROM heads ORDER BY record_id",
        "SELECT id, kind, time_in, time_out, head, conflict, payload FROM visits ORDER BY id",
        "SELECT * FROM visit_terms ORDER BY term, visit_id",
        "SELECT * FROM meta WHERE key LIKE 'hlc%' ORDER BY key",
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
    )
    for sql in queries:
        assert _rows(generated, sql) == _rows(tmp_path / "replay.db", sql), sql
