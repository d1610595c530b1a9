"""The written report as a printable PDF (fpdf2, with an embedded Chinese font)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.domain.incidents.model import Incident, Kind
from frontdesk.domain.incidents.report import Report
from frontdesk.domain.sitetime import full_time
from frontdesk.export.fonts import find_cjk_font

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF


class ReportPdfError(RuntimeError):
    """No Chinese font could be found, or the file could not be written."""


def _labels(lang: str) -> dict[str, str]:
    from frontdesk.i18n import catalog

    i = 0 if lang == "zh" else 1
    keys = ("inc.pdf.heading", "inc.pdf.kind", "inc.pdf.level", "inc.report.when",
            "inc.report.place", "inc.report.account", "inc.report.photos",
            "inc.report.conclusion", "inc.report.suggestions", "inc.report.signer",
            "inc.pdf.submitted_at", "inc.pdf.approved_by", "inc.pdf.unconfirmed")
    return {k.split(".")[-1]: catalog()[k][i] for k in keys}


def write_report_pdf(path: Path, report: Report, incident: Incident, kind: Kind | None,
                     site_tz: str, lang: str = "zh", audit_line: str = "") -> Path:
    """Write ``report`` to ``path`` (atomically) and return the path.

    ``audit_line`` (the audit-chain head, ``SEQ:HASH``) is printed at the end. The embedded
    font is a subset of the Chinese font with TrueType outlines, made for exactly this text
    (:mod:`frontdesk.export.truetype`), so the PDF's text can be searched and copied.
    """

    from frontdesk.export.truetype import write_truetype_subset

    font, warnings = find_cjk_font()
    if font is None:
        raise ReportPdfError("; ".join(warnings) or "no Chinese font found for the PDF")
    lab = _labels(lang)
    kind_name = (kind.name.zh if lang == "zh" else kind.name.en) if kind else incident.kind
    paras = [
        (lab["kind"], kind_name),
        (lab["level"], incident.level.label.in_lang(lang)),
        (lab["when"], full_time(report.occurred_at, site_tz) if report.occurred_at else ""),
        (lab["place"], report.place),
        (lab["account"], "\n".join(line.text + (f" {lab['unconfirmed']}" if line.unconfirmed
                                                  else "") for line in report.account)),
        (lab["photos"], "\n".join(report.photo_refs)),
        (lab["conclusion"], report.conclusion),
        (lab["suggestions"], report.suggestions),
        (lab["signer"], report.signer),
    ]
    if report.submitted_at:
        paras.append((lab["submitted_at"], full_time(report.submitted_at, site_tz)))
    if report.approved_by:
        paras.append((lab["approved_by"], report.approved_by))
    text = [lab["heading"], audit_line, "—:", *(f"{label}{body}" for label, body in paras)]
    tmp = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="frontdesk-font-") as folder:
            subset = write_truetype_subset(font.path, font.index, text, Path(folder) / "cjk.ttf")
            pdf = _document(subset, lab["heading"], paras, audit_line)
            pdf.output(str(tmp))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportPdfError(f"{path}: {exc}") from exc
    return path


def _document(font_file: Path, heading: str, paras: list[tuple[str, str]],
              audit_line: str) -> FPDF:
    """The laid-out report: the heading, then each labelled paragraph, then the audit line."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, 15)
    pdf.add_font("cjk", "", str(font_file))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(width, 10, heading, align="C", new_x="LMARGIN", new_y="NEXT")
    for label, body in paras:
        pdf.set_font("cjk", size=10)
        pdf.multi_cell(width, 6, f"{label}:", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=11)
        pdf.multi_cell(width, 6, body or "—", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    if audit_line:
        pdf.set_font("cjk", size=8)
        pdf.multi_cell(width, 5, audit_line, new_x="LMARGIN", new_y="NEXT")
    return pdf
