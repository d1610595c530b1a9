"""The written report as a printable PDF (fpdf2, with an embedded Chinese font)."""
from __future__ import annotations

import os
from pathlib import Path

from frontdesk.domain.incidents.model import Incident, Kind
from frontdesk.domain.incidents.report import Report
from frontdesk.domain.sitetime import full_time
from frontdesk.export.fonts import find_cjk_font


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
                     site_tz: str, lang: str = "zh") -> Path:
    """Write ``report`` to ``path`` (atomically) and return the path."""
    from fpdf import FPDF

    font, warnings = find_cjk_font()
    if font is None:
        raise ReportPdfError("; ".join(warnings) or "no Chinese font found for the PDF")
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, 15)
    if font.index:
        pdf.add_font("cjk", "", str(font.path), collection_font_number=font.index)
    else:
        pdf.add_font("cjk", "", str(font.path))
    pdf.add_page()
    lab = _labels(lang)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def para(label: str, text: str) -> None:
        pdf.set_font("cjk", size=10)
        pdf.multi_cell(width, 6, f"{label}:", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=11)
        pdf.multi_cell(width, 6, text or "—", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    pdf.set_font("cjk", size=16)
    pdf.multi_cell(width, 10, lab["heading"], align="C", new_x="LMARGIN", new_y="NEXT")
    kind_name = (kind.name.zh if lang == "zh" else kind.name.en) if kind else incident.kind
    para(lab["kind"], kind_name)
    para(lab["level"], incident.level.label.in_lang(lang))
    para(lab["when"], full_time(report.occurred_at, site_tz) if report.occurred_at else "")
    para(lab["place"], report.place)
    para(lab["account"], "\n".join(
        line.text + (f" {lab['unconfirmed']}" if line.unconfirmed else "")
        for line in report.account))
    para(lab["photos"], "\n".join(report.photo_refs))
    para(lab["conclusion"], report.conclusion)
    para(lab["suggestions"], report.suggestions)
    para(lab["signer"], report.signer)
    if report.submitted_at:
        para(lab["submitted_at"], full_time(report.submitted_at, site_tz))
    if report.approved_by:
        para(lab["approved_by"], report.approved_by)
    tmp = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        pdf.output(str(tmp))
        os.replace(tmp, path)
    except OSError as exc:
        raise ReportPdfError(f"{path}: {exc}") from exc
    return path
