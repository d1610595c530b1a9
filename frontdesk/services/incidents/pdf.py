"""The written report as a printable PDF (fpdf2, with an embedded Chinese font).

Beyond 003's contents (time, date, place, account with what is unconfirmed marked, photos,
conclusion, signer and time of submission) the page carries what a supervisor needs on paper:
the site, the incident number people say on the phone, when the report was due and whether it
was late (by how much), who approved it and when (or who returned it and why), and lines for
the wet signatures. Headings are the fields' names, not the form's typing hints.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from frontdesk.domain.incidents.deadlines import humanize_remaining
from frontdesk.domain.incidents.model import Incident, Kind
from frontdesk.domain.incidents.report import Report
from frontdesk.domain.timeparse import format_full
from frontdesk.export.fonts import find_cjk_font


class ReportPdfError(RuntimeError):
    """No Chinese font could be found, or the file could not be written."""


@dataclass(frozen=True)
class PdfContext:
    """What the page needs besides the report: site, zone, the due time, now, language."""

    site_name: str
    site_tz: str
    due_at: datetime | None
    now: datetime
    lang: str = "zh"


_KEYS = ("heading", "site", "number", "kind", "level", "when", "place", "account", "photos",
         "conclusion", "suggestions", "signer", "submitted_at", "due", "on_time", "late",
         "unsubmitted_late", "not_yet_due", "approved_by", "approved_at", "returned",
         "unconfirmed", "sign_signer", "sign_approver", "sign_date", "state")


def _labels(lang: str) -> dict[str, str]:
    from frontdesk.i18n import catalog

    i = 0 if lang == "zh" else 1
    return {k: catalog()[f"inc.pdf.{k}"][i] for k in _KEYS}


def lateness_line(report: Report, ctx: PdfContext) -> str:
    """The due time and whether the report was (or is) late, with how late."""
    lab = _labels(ctx.lang)
    if ctx.due_at is None:
        return ""
    due = format_full(ctx.due_at, ctx.site_tz)
    if report.submitted_at is not None:
        if report.submitted_at > ctx.due_at:
            late = humanize_remaining(ctx.due_at - report.submitted_at, ctx.lang)
            return f"{due} · {lab['late']} ({late})"
        return f"{due} · {lab['on_time']}"
    if ctx.now > ctx.due_at:
        return f"{due} · {lab['unsubmitted_late']} ({humanize_remaining(ctx.due_at - ctx.now, ctx.lang)})"
    return f"{due} · {lab['not_yet_due']}"


def write_report_pdf(path: Path, report: Report, incident: Incident, kind: Kind | None,
                     ctx: PdfContext) -> Path:
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
    lang, tz = ctx.lang, ctx.site_tz
    lab = _labels(lang)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def para(label: str, text: str) -> None:
        pdf.set_font("cjk", size=10)
        pdf.multi_cell(width, 6, f"{label}:", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=11)
        pdf.multi_cell(width, 6, text or "—", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def pair(label: str, text: str) -> None:
        pdf.set_font("cjk", size=11)
        pdf.multi_cell(width, 6, f"{label}: {text or '—'}", new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("cjk", size=16)
    pdf.multi_cell(width, 10, lab["heading"], align="C", new_x="LMARGIN", new_y="NEXT")
    pair(lab["site"], ctx.site_name)
    pair(lab["number"], incident.number or incident.id[:8])
    kind_name = kind.name.in_lang(lang) if kind else incident.kind
    pair(lab["kind"], kind_name)
    pair(lab["level"], incident.level.label.in_lang(lang))
    pair(lab["state"], _state(report, lang))
    pdf.ln(2)
    para(lab["when"], format_full(report.occurred_at, tz) if report.occurred_at else "")
    para(lab["place"], report.place)
    para(lab["account"], "\n".join(
        line.text + (f" {lab['unconfirmed']}" if line.unconfirmed else "")
        for line in report.account))
    para(lab["photos"], "\n".join(report.photo_refs))
    para(lab["conclusion"], report.conclusion)
    para(lab["suggestions"], report.suggestions)
    pair(lab["signer"], report.signer)
    if report.submitted_at:
        text = format_full(report.submitted_at, tz)
        if report.submitted_note:
            text += f" ({report.submitted_note})"
        pair(lab["submitted_at"], text)
    pair(lab["due"], lateness_line(report, ctx))
    if report.approved_by:
        pair(lab["approved_by"], report.approved_by)
        pair(lab["approved_at"], format_full(report.approved_at, tz) if report.approved_at
             else "")
    elif report.returned_by:
        when = format_full(report.returned_at, tz) if report.returned_at else ""
        pair(lab["returned"], f"{report.returned_by} {when}: {report.returned_reason}")
    pdf.ln(8)
    pdf.set_font("cjk", size=11)
    for who in ("sign_signer", "sign_approver"):
        pdf.multi_cell(width, 10, f"{lab[who]}: ______________________    "
                                  f"{lab['sign_date']}: ______________",
                       new_x="LMARGIN", new_y="NEXT")
    tmp = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        pdf.output(str(tmp))
        os.replace(tmp, path)
    except OSError as exc:
        raise ReportPdfError(f"{path}: {exc}") from exc
    return path


def _state(report: Report, lang: str) -> str:
    from frontdesk.i18n import catalog

    pair = catalog().get(f"inc.report.{report.state.value}", (report.state.value,) * 2)
    return pair[0] if lang == "zh" else pair[1]
