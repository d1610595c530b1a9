"""Every PDF's text can be searched and copied (issue 16, point 8).

A register PDF and an incident report PDF holding more than 1,000 distinct Chinese characters
are read back with three independent extractors: pypdf, pdfminer.six and poppler's pdftotext.
Every name must come back exactly (before the fix, fpdf2's encoding CMap for CID-keyed CFF fonts
made pypdf and pdfminer return ``值班人第第名`` for ``值班人签名``, or nothing).
"""
from __future__ import annotations

import random
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text as pdfminer_text
from pypdf import PdfReader

from frontdesk.context import AppContext
from frontdesk.domain.incidents.report import AccountLine
from frontdesk.export import Column, Sheet, fonts, write_pdf
from frontdesk.export.truetype import Metrics
from frontdesk.services.incidents.pdf import PdfContext, write_report_pdf
from frontdesk.services.incidents.service import IncidentService

SIGNATURE = "值班人签名"


def _names() -> list[str]:
    """350 names of 2 to 4 characters over 1,050 distinct characters the font has."""
    choice, _warnings = fonts.find_cjk_font()
    assert choice is not None, "the bundled Chinese font is missing"
    metrics = Metrics(choice.path, choice.index)
    pool = [chr(c) for c in range(0x4E00, 0x9FA6) if metrics.has_glyph(chr(c))]
    chars = random.Random(16).sample(pool, 1050)
    names, i = [], 0
    for n in range(350):
        size = (2, 3, 4)[n % 3]
        names.append("".join(chars[i:i + size]))
        i += size
    assert len(set("".join(names))) >= 1000
    return names


def _texts(path: Path) -> dict[str, str]:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("poppler's pdftotext is missing: apt-get install poppler-utils (.ci/run does)")
    return {
        "pypdf": "\n".join(page.extract_text() for page in PdfReader(str(path)).pages),
        "pdfminer.six": pdfminer_text(str(path)),
        "poppler": subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], check=True,
                                  capture_output=True, text=True).stdout,
    }


def _assert_every_name(path: Path, names: list[str]) -> None:
    for reader, text in _texts(path).items():
        lost = [name for name in names if name not in text]
        assert not lost, f"{reader} lost {len(lost)} of {len(names)} names, e.g. {lost[:5]}"
        assert "\x00" not in text, f"{reader} returned NUL bytes"


def test_register_pdf_text_comes_back_exactly_in_every_reader(tmp_path: Path) -> None:
    names = _names()
    sheet = Sheet(title="访客登记表 2026-12-02", header_lines=("站点 Site: 北门",),
                  columns=(Column("no", "序号"), Column("name", "姓名 Name"),
                           Column("came", "来访对象 Came to see")),
                  rows=[[i, name, names[-i]] for i, name in enumerate(names, 1)],
                  signature_label=f"{SIGNATURE} / Signature")
    out = tmp_path / "register.pdf"
    assert write_pdf(sheet, out) == []
    _assert_every_name(out, [*names, SIGNATURE, "访客登记表"])


def test_report_pdf_text_comes_back_exactly_in_every_reader(ctx: AppContext,
                                                           tmp_path: Path) -> None:
    names = _names()
    s: IncidentService = ctx.service("incidents", IncidentService)
    inc = s.open("fight", "general", place="3栋", summary="争吵", by="王保安")
    report = s.report(inc.id, signer="王保安")
    account = tuple(AccountLine(f"{i}. {name}") for i, name in enumerate(names, 1))
    report = replace(report, account=account, conclusion="、".join(names[:5]))
    facts = PdfContext(site_name="北门", site_tz="Asia/Shanghai", due_at=None,
                       now=inc.occurred_at, lang="zh")
    out = write_report_pdf(tmp_path / "report.pdf", report, inc, s.kind(inc.kind), facts,
                           audit_line="审计链 Audit chain head: 7:" + "ab" * 32)
    _assert_every_name(out, [*names, "7:" + "ab" * 32])
