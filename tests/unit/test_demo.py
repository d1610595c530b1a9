"""``frontdesk demo``: believable data whatever the hour it is run."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontdesk.clock import FrozenClock
from frontdesk.context import AppContext
from frontdesk.demo import fill


@pytest.mark.parametrize("utc_hour", [2, 20, 16])  # 10:00, 04:00 and 00:00 site time
def test_demo_has_nothing_in_the_future(ctx: AppContext, clock: FrozenClock,
                                        utc_hour: int) -> None:
    """Run at 04:00 site time, no entry arrives or leaves after now (it used to start at 07:00
    and go backwards into the coming morning); today still has its entries."""
    clock.set(datetime(2026, 11, 22, utc_hour, 0, tzinfo=UTC))
    assert fill(ctx) > 0
    now = clock.now()
    visits = ctx.register.between(now.date().replace(day=20), now.date().replace(day=23))
    assert visits
    for v in visits:
        assert v.time_in <= now, (v.name, v.time_in)
        assert v.time_out is None or v.time_out <= now, (v.name, v.time_out)
    assert ctx.register.today()


def test_the_demo_says_how_to_sign_in(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    """`frontdesk demo` makes people who may sign in and prints their names and PINs; run
    again it makes nobody new and says to use the same ones."""
    from pathlib import Path

    from frontdesk.cli.main import main
    from frontdesk.services.trust.auth import AuthService

    db = str(Path(str(tmp_path)) / "demo.db")
    assert main(["demo", "--db", db, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "pick a person with ↑/↓" in out and "陈主管 (supervisor) PIN 739184" in out
    ctx = AppContext.create(db)
    ctx.open()
    assert AuthService(ctx).sign_in("王保安", "482915").ok
    ctx.close()
    assert main(["demo", "--db", db, "--lang", "zh"]) == 0
    assert "已有用户" in capsys.readouterr().out
