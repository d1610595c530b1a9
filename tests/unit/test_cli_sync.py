"""``frontdesk sync export|import`` between two databases."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.test_cli_visit import run


def test_export_then_import_dry_run_then_real_then_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Dry run changes nothing; the import adds the entry; a second import adds nothing."""
    a, b, bundle = str(tmp_path / "a.db"), str(tmp_path / "b.db"), str(tmp_path / "a.fdb")
    run(capsys, "visit", "add", "--db", a, "--kind", "visitor", "--name", "王五")
    code, out, _ = run(capsys, "sync", "export", "--db", a, "--out", bundle, "--json")
    assert code == 0 and json.loads(out)["versions"] == 1
    code, out, _ = run(capsys, "sync", "import", bundle, "--db", b, "--dry-run", "--json")
    assert json.loads(out)["new_versions"] == 1 and json.loads(out)["dry_run"] is True
    assert json.loads(out)["file"] == bundle  # the documented field, as before
    code, out, _ = run(capsys, "visit", "list", "--db", b, "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "sync", "import", bundle, "--db", b)
    assert code == 0 and "added 1 versions" in out
    code, out, _ = run(capsys, "visit", "list", "--db", b, "--json")
    assert [r["name"] for r in json.loads(out)] == ["王五"]
    code, out, _ = run(capsys, "sync", "import", bundle, "--db", b, "--json")
    assert json.loads(out)["new_versions"] == 0 and json.loads(out)["already_known"] == 1


def test_bad_files_and_paths_exit_2_with_the_file_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not a bundle, a missing file and an unwritable output: one line each, exit 2."""
    db = str(tmp_path / "a.db")
    (tmp_path / "x.fdb").write_text("hello", encoding="utf-8")
    code, _out, err = run(capsys, "sync", "import", str(tmp_path / "x.fdb"), "--db", db)
    assert code == 2 and "x.fdb" in err and "nothing was imported" in err
    code, out, _ = run(capsys, "sync", "import", str(tmp_path / "none.fdb"), "--db", db, "--json")
    assert code == 2 and json.loads(out)["error"] == "unreadable"
    code, _out, err = run(capsys, "sync", "export", "--db", db, "--out",
                          str(tmp_path / "no" / "a.fdb"))
    assert code == 2 and "--out" in err


def test_an_inbox_of_bundles_imports_every_good_one_and_names_the_refused_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sync import a.fdb x.fdb b.fdb``: the two good bundles are merged, the broken one in
    the middle is named with its reason and holds nothing up; exit 2 because one was refused.
    With --json: one object per file, in order, each with its file."""
    office = str(tmp_path / "office.db")
    bundles = []
    for gate, name in (("a", "王五"), ("b", "赵六")):
        db, out = str(tmp_path / f"{gate}.db"), str(tmp_path / f"{gate}.fdb")
        run(capsys, "visit", "add", "--db", db, "--kind", "visitor", "--name", name)
        run(capsys, "sync", "export", "--db", db, "--out", out)
        bundles.append(out)
    broken = tmp_path / "x.fdb"
    broken.write_bytes(Path(bundles[0]).read_bytes()[:200])  # cut short in transit
    code, out, err = run(capsys, "sync", "import", bundles[0], str(broken), bundles[1],
                         "--db", office)
    assert code == 2
    assert "x.fdb" in err and "nothing was imported" in err
    assert "a.fdb: " in out and "b.fdb: " in out and "3 files: 2 imported, 1 refused" in out
    code, listed, _ = run(capsys, "visit", "list", "--db", office, "--json")
    assert sorted(r["name"] for r in json.loads(listed)) == ["王五", "赵六"]
    code, out, _ = run(capsys, "sync", "import", *bundles, str(broken), "--db", office, "--json")
    rows = json.loads(out)
    assert code == 2 and [Path(str(r["file"])).name for r in rows] == ["a.fdb", "b.fdb", "x.fdb"]
    assert [r.get("new_versions") for r in rows[:2]] == [0, 0]
    assert [r.get("already_known") for r in rows[:2]] == [1, 1]
    assert rows[2]["error"] and "x.fdb" in str(rows[2]["message"])
    code, out, _ = run(capsys, "sync", "import", *bundles, "--db", office, "--dry-run")
    assert code == 0 and "2 files: 2 checked, 0 refused" in out
