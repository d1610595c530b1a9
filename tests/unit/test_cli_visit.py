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


def test_validation_names_the_kind_given_in_the_language_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unnamed visitor is told a visitor must be named (not a journalist), in English by
    default and in Chinese with --lang zh, given before or after the subcommand."""
    db = str(tmp_path / "r.db")
    code, _out, err = run(capsys, "visit", "add", "--db", db, "--kind", "visitor")
    assert code == 2 and "a visitor must be named" in err and "journalist" not in err
    code, _out, err = run(capsys, "visit", "add", "--db", db, "--kind", "journalist",
                          "--lang", "zh")
    assert code == 2 and "记者必须登记姓名" in err
    code, _out, err = run(capsys, "--lang", "zh", "visit", "add", "--db", db, "--kind", "vip")
    assert code == 2 and "贵宾必须登记姓名" in err
    code, out, _ = run(capsys, "visit", "list", "--db", db, "--lang", "zh")
    assert code == 0 and "共 0 条" in out


def test_visit_out_takes_a_unique_start_of_the_id(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`visit out` with the first characters of an id signs that entry out; a start shared
    by two entries is refused, naming both, and nothing changes."""
    db = str(tmp_path / "r.db")
    ids = []
    for name in ("甲", "乙"):
        code, out, _ = run(capsys, "visit", "add", "--db", db, "--json", "--kind", "visitor",
                           "--name", name)
        ids.append(json.loads(out)["id"])
    shared = 0
    while ids[0][shared] == ids[1][shared]:
        shared += 1
    code, out, err = run(capsys, "visit", "out", ids[0][:shared], "--db", db)
    assert code == 2 and ids[0] in err and ids[1] in err
    code, out, _ = run(capsys, "visit", "list", "--db", db, "--on-site", "--json")
    assert len(json.loads(out)) == 2
    code, out, _ = run(capsys, "visit", "out", ids[1][:shared + 1], "--db", db, "--json")
    assert code == 0 and json.loads(out)["id"] == ids[1]
    code, out, _ = run(capsys, "visit", "list", "--db", db, "--on-site", "--json")
    assert [e["id"] for e in json.loads(out)] == [ids[0]]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`frontdesk --version` prints the version and exits 0."""
    from frontdesk import __version__

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"frontdesk {__version__}"
