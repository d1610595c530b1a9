"""Contact lists as a Chinese office's Excel saves them (GBK, UTF-16 "Unicode text"), bounded,
with control characters stripped on the way in and out; listings one line per entry."""
from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from frontdesk.cli.main import main
from frontdesk.context import AppContext
from frontdesk.domain.escalation.contacts import Contact
from frontdesk.paths import resolve_paths
from frontdesk.services.escalation.contacts import ContactService

HEADER = ["name", "role", "phone", "notes"]
ROWS = [["张三", "秩序维护主管", "138 0013 8000", "夜班"],
        ["李四", "项目经理", "139 1234 5678", "白班"]]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The command line in-process: (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, rows: list[list[str]], encoding: str, sep: str = ",",
          bom: bytes = b"") -> Path:
    """A CSV as a spreadsheet program writes it."""
    text = "\r\n".join(sep.join(r) for r in rows) + "\r\n"
    path.write_bytes(bom + text.encode(encoding))
    return path


def names_in(db: str) -> list[str]:
    """Contact names stored in the database."""
    ctx = AppContext.create(paths=resolve_paths(db=db))
    ctx.open()
    try:
        svc: ContactService = ctx.service("contacts", ContactService)
        return sorted(c.name for c in svc.all())
    finally:
        ctx.close()


@pytest.mark.parametrize(("encoding", "sep", "bom"), [
    ("gbk", ",", b""),                          # Excel "CSV (逗号分隔)" on a Chinese Windows
    ("gb18030", ",", b""),
    ("utf-16-le", "\t", codecs.BOM_UTF16_LE),   # Excel "Unicode 文本"
    ("utf-16-le", ",", codecs.BOM_UTF16_LE),
    ("utf-16-be", ",", codecs.BOM_UTF16_BE),
    ("utf-8", ",", codecs.BOM_UTF8),
])
def test_excel_encodings_are_read(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  encoding: str, sep: str, bom: bytes) -> None:
    """GBK and UTF-16 with a BOM (tabs or commas) import like UTF-8, Chinese intact."""
    db = str(tmp_path / "c.db")
    f = write(tmp_path / "contacts.csv", [HEADER, *ROWS], encoding, sep, bom)
    code, out, err = run(capsys, "contacts", "import", str(f), "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out)["rows"] == 2
    assert names_in(db) == ["张三", "李四"]


def test_unreadable_bytes_say_how_to_save_the_file(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Neither UTF-8 nor GBK: one line naming the file and how to save it, exit 2."""
    f = tmp_path / "odd.csv"
    f.write_bytes(b"name,role\r\n\x80\xff\x80,guard\r\n")
    code, _out, err = run(capsys, "contacts", "import", str(f), "--db", str(tmp_path / "c.db"))
    assert code == 2
    assert "odd.csv" in err and "CSV UTF-8" in err and err.count("\n") == 1


def test_huge_cell_and_too_many_rows_are_clear_errors(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A 200 KB cell (the csv module's own limit is 128 KiB) and 6000 rows: one clear line each
    naming the row, nothing imported, no traceback."""
    db = str(tmp_path / "c.db")
    big = write(tmp_path / "big.csv", [HEADER, ROWS[0], ["王五", "门岗", "", "x" * 200_000]],
                "utf-8")
    code, _out, err = run(capsys, "contacts", "import", str(big), "--db", db)
    assert code == 1 and "row 3" in err and "characters" in err
    open_quote = write(tmp_path / "quote.csv", [HEADER, ['"王五', "门岗", "", "y" * 140_000]],
                       "utf-8")
    code, _out, err = run(capsys, "contacts", "import", str(open_quote), "--db", db)
    assert code == 1 and "row 2" in err and "quote" in err
    many = write(tmp_path / "many.csv",
                 [HEADER] + [[f"人{i}", "门岗", "", ""] for i in range(6000)], "utf-8")
    code, _out, err = run(capsys, "contacts", "import", str(many), "--db", db)
    assert code == 1 and "5000 rows" in err
    assert names_in(db) == []


def test_control_characters_are_stripped_in_and_out(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """An escape sequence in a cell is dropped on import; a contact that already holds one (an
    older site's bundle) is exported without it, so ``contacts export`` to a terminal is safe."""
    db = str(tmp_path / "c.db")
    hostile = "张\x1b]2;PWNED\x07三\u202e"
    f = write(tmp_path / "c.csv", [HEADER, [hostile, "门岗", "", "a\x1b[2Jb"]], "utf-8")
    code, _out, err = run(capsys, "contacts", "import", str(f), "--db", db)
    assert code == 0, err
    assert names_in(db) == ["张]2;PWNED三"]
    ctx = AppContext.create(paths=resolve_paths(db=db))
    ctx.open()
    svc: ContactService = ctx.service("contacts", ContactService)
    svc.save(Contact(id="", name="李\x1b[31m四", role="guard", notes="x\x9by\nz"))
    ctx.close()
    code, out, _err = run(capsys, "contacts", "export", "--db", db)
    assert code == 0
    assert not any(c in out for c in "\x1b\x07\x9b\u202e")
    assert "李[31m四" in out and "x y z" not in out and "xy z" in out


def test_a_newline_in_a_name_cannot_forge_a_line_in_visit_list(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``visit list`` prints one line per entry whatever a name holds."""
    db = str(tmp_path / "v.db")
    forged = "张三\n00000000-0000-0000-0000-000000000000  2026-11-22T10:00  on site  vip  假人"
    for name in (forged, "李四\u2028伪造", "王五\r\n伪造"):
        assert run(capsys, "visit", "add", "--db", db, "--kind", "visitor", "--name", name)[0] == 0
    code, out, _err = run(capsys, "visit", "list", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 4 and lines[-1] == "3 entries"
    assert not any(line.startswith("00000000") for line in lines)
    assert "\u2028" not in out and "\r" not in out
