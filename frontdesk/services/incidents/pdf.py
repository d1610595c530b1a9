"""The written report as a printable PDF (fpdf2, with an embedded Chinese font).

Beyond 003's contents (time, date, place, account with what is unconfirmed marked, photos,
conclusion, signer and time of submission) the page carries what a supervisor needs on paper:
the site, the incident number people say on the phone, when the report was due and whether it
was late (by how much), who approved it and when (or who returned it and why), and lines for
the wet signatures. Headings are the fields' names, not the form's typing hints.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.domain.durations import until
from frontdesk.domain.incidents.model import Incident, Kind
from frontdesk.domain.incidents.report import Report
from frontdesk.domain.sitetime import full_time
from frontdesk.export.fonts import find_cjk_font

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF


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
    due = full_time(ctx.due_at, ctx.site_tz)
    if report.submitted_at is not None:
        if report.submitted_at > ctx.due_at:
            late = until(ctx.due_at, report.submitted_at, ctx.lang, long=True)
            return f"{due} · {lab['late']} ({late})"
        return f"{due} · {lab['on_time']}"
    if ctx.now > ctx.due_at:
        return f"{due} · {lab['unsubmitted_late']} ({until(ctx.due_at, ctx.now, ctx.lang, long=True)})"
    return f"{due} · {lab['not_yet_due']}"


def write_report_pdf(path: Path, report: Report, incident: Incident, kind: Kind | None,
                     ctx: PdfContext, audit_line: str = "") -> Path:
    """Write ``report`` to ``path`` (atomically) and return the path.

    ``audit_line`` (the audit-chain head, ``SEQ:HASH``) is printed at the end. The embedded
    font is a subset of the Chinese font with TrueType outlines, made for exactly this text
    (:mod:`frontdesk.export.truetype`), so the PDF's text can be searched and copied.
    """
    from frontdesk.export.truetype import write_truetype_subset

    font, warnings = find_cjk_font()
    if font is None:
        raise ReportPdfError("; ".join(warnings) or "no Chinese font found for the PDF")
    blocks = _blocks(report, incident, kind, ctx, audit_line)
    text = [piece for block in blocks for piece in block[1:]]
    tmp = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="frontdesk-font-") as folder:
            subset = write_truetype_subset(font.path, font.index, text, Path(folder) / "cjk.ttf")
            pdf = _document(subset, blocks)
            pdf.output(str(tmp))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportPdfError(f"{path}: {exc}") from exc
    return path


# A laid-out line of the page: (style, text...). "title" centred, "pair" label: value on one
# line, "para" label above its text, "gap" a blank, "sign" a signature line, "small" the audit.
Block = tuple[str, ...]


def _blocks(report: Report, incident: Incident, kind: Kind | None, ctx: PdfContext,
            audit_line: str) -> list[Block]:
    """The page's content in order (pure: what is printed, not how)."""
    lang, tz = ctx.lang, ctx.site_tz
    lab = _labels(lang)
    kind_name = kind.name.in_lang(lang) if kind else incident.kind
    out: list[Block] = [
        ("title", lab["heading"]),
        ("pair", lab["site"], ctx.site_name),
        ("pair", lab["number"], incident.number or incident.id[:8]),
        ("pair", lab["kind"], kind_name),
        ("pair", lab["level"], incident.level.label.in_lang(lang)),
        ("pair", lab["state"], _state(report, lang)),
        ("gap",),
        ("para", lab["when"], full_time(report.occurred_at, tz) if report.occurred_at else ""),
        ("para", lab["place"], report.place),
        ("para", lab["account"], "\n".join(
            line.text + (f" {lab['unconfirmed']}" if line.unconfirmed else "")
            for line in report.account)),
        ("para", lab["photos"], "\n".join(report.photo_refs)),
        ("para", lab["conclusion"], report.conclusion),
        ("para", lab["suggestions"], report.suggestions),
        ("pair", lab["signer"], report.signer),
    ]
    if report.submitted_at:
        submitted = full_time(report.submitted_at, tz)
        if report.submitted_note:
            submitted += f" ({report.submitted_note})"
        out.append(("pair", lab["submitted_at"], submitted))
    out.append(("pair", lab["due"], lateness_line(report, ctx)))
    if report.approved_by:
        out.append(("pair", lab["approved_by"], report.approved_by))
        out.append(("pair", lab["approved_at"],
                    full_time(report.approved_at, tz) if report.approved_at else ""))
    elif report.returned_by:
        when = full_time(report.returned_at, tz) if report.returned_at else ""
        out.append(("pair", lab["returned"],
                    f"{report.returned_by} {when}: {report.returned_reason}"))
    out.append(("gap",))
    for who in ("sign_signer", "sign_approver"):
        out.append(("sign", f"{lab[who]}: ______________________    "
                            f"{lab['sign_date']}: ______________"))
    if audit_line:
        out.append(("small", audit_line))
    return out


def _document(font_file: Path, blocks: list[Block]) -> FPDF:
    """The laid-out report, block by block."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, 15)
    pdf.add_font("cjk", "", str(font_file))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for style, *text in blocks:
        if style == "title":
            pdf.set_font("cjk", size=16)
            pdf.multi_cell(width, 10, text[0], align="C", new_x="LMARGIN", new_y="NEXT")
        elif style == "pair":
            pdf.set_font("cjk", size=11)
            pdf.multi_cell(width, 6, f"{text[0]}: {text[1] or '—'}", new_x="LMARGIN",
                           new_y="NEXT")
        elif style == "para":
            pdf.set_font("cjk", size=10)
            pdf.multi_cell(width, 6, f"{text[0]}:", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("cjk", size=11)
            pdf.multi_cell(width, 6, text[1] or "—", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif style == "gap":
            pdf.ln(4)
        elif style == "sign":
            pdf.set_font("cjk", size=11)
            pdf.multi_cell(width, 10, text[0], new_x="LMARGIN", new_y="NEXT")
        else:  # "small"
            pdf.set_font("cjk", size=8)
            pdf.multi_cell(width, 5, text[0], new_x="LMARGIN", new_y="NEXT")
    return pdf


def _state(report: Report, lang: str) -> str:
    from frontdesk.i18n import catalog

    pair = catalog().get(f"inc.report.{report.state.value}", (report.state.value,) * 2)
    return pair[0] if lang == "zh" else pair[1]
