"""One masking rule for credential numbers: at most a quarter at each end, at most 4 + 4, never
more than half the characters; the same in the CLI, the XLSX, CSV and PDF registers and docs."""
from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import openpyxl
import pypdf
import pytest

from frontdesk.cli.main import main
from frontdesk.context import AppContext
from frontdesk.domain.register.validation import mask_id
from frontdesk.domain.register.visits import CredentialType, VisitKind
from frontdesk.services.export import export_service
from frontdesk.services.register import VisitForm

DAY = date(2026, 11, 22)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def shown(masked: str) -> int:
    """How many characters a masked value still shows."""
    return sum(1 for c in masked if c != "*")


@pytest.mark.parametrize("n", range(4, 21))
def test_never_more_than_half_and_never_more_than_four_each_end(n: int) -> None:
    """Over lengths 4 to 20: same length, head and tail kept, the middle starred."""
    value = "".join("ABCDEFGHJKLMNPQRSTUVWXYZ"[i % 24] for i in range(n))
    masked = mask_id(value)
    k = min(4, n // 4)
    assert len(masked) == n
    assert shown(masked) <= n / 2 and shown(masked) <= 8
    assert masked == value[:k] + "*" * (n - 2 * k) + value[n - k:]
    assert k >= 1  # something of the number is left to compare against the card in hand


def test_examples_a_privacy_officer_can_check() -> None:
    """The figures docs/cli.md states."""
    assert mask_id("110105194912311234") == "1101**********1234"
    assert mask_id("B440100000001") == "B44*******001"
    assert mask_id("E12345678") == "E1*****78"  # was E123*5678: 8 of 9 shown
    assert mask_id("A123") == "A**3"
    assert mask_id("123") == "***"


# resident ID, passport, press card, work card, and a phone-like number, in several lengths
CREDENTIALS = [
    (CredentialType.RESIDENT_ID, "11010519491231002X"),
    (CredentialType.PASSPORT, "E12345678"),
    (CredentialType.PRESS_CARD, "B440100000001"),
    (CredentialType.WORK_CARD, "WK-2024-0007"),
    (CredentialType.OTHER, "13800138000"),
]


@pytest.fixture
def registered(ctx: AppContext) -> AppContext:
    """One visitor per credential kind, entered on DAY."""
    for ctype, number in CREDENTIALS:
        ctx.register.add(VisitForm(kind=VisitKind.VISITOR, credential_type=ctype,
                                   values={"name": f"访客{ctype.value}",
                                           "credential_number": number}))
    ctx.session.user, ctx.session.role = "王保安", "guard"
    return ctx


def _expected() -> dict[str, str]:
    return {number: mask_id(number) for _t, number in CREDENTIALS}


def test_every_export_and_the_cli_use_the_rule(registered: AppContext, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Guard's XLSX, CSV, PDF and ``visit list --json``: each number appears exactly as the rule
    masks it, and never in full."""
    expected = _expected()
    svc = export_service(registered)
    xlsx = svc.write("xlsx", tmp_path / "r.xlsx", DAY).path
    cells = {str(c.value) for row in openpyxl.load_workbook(xlsx).active.iter_rows()
             for c in row if c.value is not None}
    csv_path = svc.write("csv", tmp_path / "r.csv", DAY).path
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        csv_cells = {c for row in csv.reader(fh) for c in row}
    pdf_path = svc.write("pdf", tmp_path / "r.pdf", DAY).path
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf_path).pages)
    # pypdf reads this writer's 2-byte glyph ids with NULs between (issue 16.8, another fix)
    pdf_text = re.sub(r"[\s\x00]+", "", pdf_text)
    db = str(registered.paths.db_file)
    registered.close()
    assert main(["visit", "list", "--db", db, "--date", str(DAY), "--json"]) == 0
    listed = {e["credential_number"] for e in json.loads(capsys.readouterr().out)}
    for number, masked in expected.items():
        assert masked in cells and masked in csv_cells and masked in listed, number
        assert masked in pdf_text, number
        assert number not in cells | csv_cells | listed and number not in pdf_text


def test_docs_state_the_rule_the_code_applies() -> None:
    """docs/cli.md gives the rule and its examples (it said 'first and last characters')."""
    text = DOCS.read_text(encoding="utf-8")
    assert "first and last characters only" not in text
    for number, masked in (("110105194912311234", "1101**********1234"),
                           ("E12345678", "E1*****78")):
        assert mask_id(number) == masked and masked in text


def test_bundles_hold_full_numbers_and_are_written_owner_only(registered: AppContext,
                                                              tmp_path: Path) -> None:
    """A bundle carries the number unmasked, so only its owner may read the file."""
    import os
    import zipfile

    db = str(registered.paths.db_file)
    registered.close()
    out = tmp_path / "for-hq.fdb"
    old = os.umask(0o022)
    try:
        assert main(["sync", "export", "--db", db, "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert os.stat(out).st_mode & 0o777 == 0o600
    with zipfile.ZipFile(out) as zf:
        body = b"".join(zf.read(n) for n in zf.namelist())
    assert b"11010519491231002X" in body
    assert "unmasked" in DOCS.read_text(encoding="utf-8") and "0600" in DOCS.read_text(
        encoding="utf-8")
