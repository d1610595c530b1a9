"""``frontdesk incident``: open, note, list as JSON with site-zone clocks; bad input exits 2."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from frontdesk.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run the CLI, return (exit code, stdout)."""
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_open_note_list_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An incident at 14:30 site time on 31 March has its report due 09:00 on 1 April, shown with +08:00."""
    db = str(tmp_path / "x.db")
    code, out = run(capsys, "incident", "open", "--db", db, "--kind", "media_at_gate",
                    "--level", "serious", "--occurred", "2025-03-31T14:30", "--place", "南门",
                    "--json")
    assert code == 0
    iid = json.loads(out)["id"]
    code, _out = run(capsys, "incident", "note", iid, "记者已离开", "--db", db)
    assert code == 0
    code, out = run(capsys, "incident", "list", "--open", "--db", db, "--json")
    rows = json.loads(out)
    assert code == 0 and [r["id"] for r in rows] == [iid]
    row = rows[0]
    assert row["kind"] == "media_at_gate" and row["level"] == "serious" and row["state"] == "open"
    assert row["occurred_at"] == "2025-03-31T14:30:00+08:00"
    assert row["report_due"] == "2025-04-01T09:00:00+08:00"
    assert row["statement_due"] is None  # 001: a media visit owes none until it is a 舆情 event
    assert "next_escalation" in row
    code, out = run(capsys, "incident", "open", "--db", db, "--kind", "public_opinion",
                    "--level", "serious", "--occurred", "2025-03-31T14:30", "--json")
    assert json.loads(out)["statement_due"] == "2025-04-01T14:30:00+08:00"


@pytest.mark.parametrize("extra", [["--kind", "nope", "--level", "general"],
                                   ["--kind", "fire", "--level", "huge"],
                                   ["--kind", "fire", "--level", "general", "--occurred", "soon"]])
def test_bad_input_exits_2_and_changes_nothing(tmp_path: Path, extra: list[str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Unknown kind, level or time: a clear error, exit 2, no incident stored."""
    db = str(tmp_path / "x.db")
    code = main(["incident", "open", "--db", db, *extra])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("frontdesk: ")
    code, out = run(capsys, "incident", "list", "--db", db, "--json")
    assert json.loads(out) == []


def test_human_lines_say_the_deadline_with_the_one_formatter(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Text output: the report deadline in site time and how overdue it is, in words (English
    by default, Chinese with --lang zh); never a span like 21:46:21."""
    db = str(tmp_path / "x.db")
    code, out = run(capsys, "incident", "open", "--db", db, "--kind", "media_at_gate",
                    "--level", "serious", "--occurred", "2025-03-31T14:30")
    assert code == 0
    assert re.search(r"; report due 2025-04-01 09:00 \(overdue \d+ d \d+ h \d\d min\)(  late: \d+)?$",
                     out.strip()), out
    code, out = run(capsys, "--lang", "zh", "incident", "list", "--db", db)
    assert code == 0
    assert re.search(r"report due 2025-04-01 09:00 \(超时 \d+天\d+小时\d\d分\)(  late: \d+)?$", out.strip()), out
