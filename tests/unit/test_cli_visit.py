"""``frontdesk visit add|out|list`` as an integration script would use it."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from frontdesk.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; return (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_and_sign_out_with_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An entry added from a script is listed with its id, then signed out."""
    db = str(tmp_path / "r.db")
    code, out, _ = run(capsys, "visit", "add", "--db", db, "--json", "--kind", "journalist",
                       "--name", "张三", "--org", "南方日报", "--phone", "13800138000",
                       "--credential-type", "press_card", "--credential", "B440100000001",
                       "--party-size", "2", "--guided-to", "洽谈室")
    assert code == 0
    added = json.loads(out)
    assert added["name"] == "张三" and added["party_size"] == 2 and added["on_site"] is True
    assert added["time_in"].endswith("+08:00")
    code, out, _ = run(capsys, "--json", "visit", "list", "--db", db, "--on-site")
    listed = json.loads(out)
    assert [e["id"] for e in listed] == [added["id"]]
    assert listed[0]["credential_number"] != "B440100000001"
    code, out, _ = run(capsys, "visit", "out", added["id"], "--db", db, "--json")
    assert code == 0 and json.loads(out)["time_out"] is not None
    code, out, _ = run(capsys, "visit", "list", "--db", db, "--on-site", "--json")
    assert json.loads(out) == []


def test_time_in_and_date_filter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An ISO time with an offset lands on the right site day."""
    db = str(tmp_path / "r.db")
    day = (datetime.now(UTC) - timedelta(days=2)).date()
    run(capsys, "visit", "add", "--db", db, "--kind", "visitor", "--name", "李四",
        "--time-in", f"{day}T17:30:00+00:00")
    after = (day + timedelta(days=1)).isoformat()
    code, out, _ = run(capsys, "visit", "list", "--db", db, "--date", after, "--json")
    rows = json.loads(out)
    assert code == 0 and [r["name"] for r in rows] == ["李四"]
    assert rows[0]["time_in"] == f"{after}T01:30:00+08:00"
    code, out, _ = run(capsys, "visit", "list", "--db", db, "--date", day.isoformat(), "--json")
    assert json.loads(out) == []


def test_bad_input_is_one_clear_line_exit_2_and_nothing_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing journalist name, a bad party size, a bad kind or id: exit 2, the option named."""
    db = str(tmp_path / "r.db")
    code, _out, err = run(capsys, "visit", "add", "--db", db, "--kind", "journalist",
                          "--party-size", "x")
    assert code == 2 and "--name" in err and "--party-size" in err and err.count("\n") == 1
    code, _out, err = run(capsys, "visit", "add", "--db", db, "--kind", "alien", "--name", "x")
    assert code == 2 and "--kind" in err
    code, _out, err = run(capsys, "visit", "out", "nope", "--db", db)
    assert code == 2 and "nope" in err
    code, out, _ = run(capsys, "visit", "list", "--db", db, "--date", "2026-13-01", "--json")
    assert code == 2 and json.loads(out)["error"] == "bad_date"
    code, out, _ = run(capsys, "visit", "list", "--db", db, "--json")
    assert json.loads(out) == []


def test_text_list_says_how_long_people_are_on_site(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The text list gives time on site in words (the one formatter), never like 2:05."""
    db = str(tmp_path / "r.db")
    came = (datetime.now(UTC) - timedelta(hours=2, minutes=5)).isoformat(timespec="seconds")
    run(capsys, "visit", "add", "--db", db, "--kind", "visitor", "--name", "李四",
        "--time-in", came)
    code, out, _ = run(capsys, "visit", "list", "--db", db)
    assert code == 0 and re.search(r"  on site 2h0[56]m +visitor ", out), out
    code, out, _ = run(capsys, "--lang", "zh", "visit", "list", "--db", db)
    assert code == 0 and re.search(r"  在场 2小时0[56]分 +visitor ", out), out
