"""What went wrong, in the screen's language: every incident error has a key or a code."""
from __future__ import annotations

from frontdesk.domain.incidents.model import TransitionError
from frontdesk.domain.incidents.report import ReportError
from frontdesk.domain.incidents.when import WhenError
from frontdesk.i18n import language, t
from frontdesk.services.incidents.errors import IncidentError
from frontdesk.services.incidents.handover import HandoverError


def error_text(exc: Exception) -> str:
    """The message for ``exc`` in the current language (its English text as a last resort)."""
    if isinstance(exc, IncidentError) and exc.key:
        return t(exc.key, **exc.values)
    if isinstance(exc, ReportError) and exc.code:
        return t(f"inc.err.report.{exc.code}", **exc.values)
    if isinstance(exc, WhenError):
        return t(f"inc.err.when.{exc.code}")
    if isinstance(exc, HandoverError):
        return t(f"inc.handover.err.{exc.code}", n=exc.remaining)
    if isinstance(exc, TransitionError):
        lang = language()
        if exc.blockers:
            why = "; ".join(b.message.in_lang(lang) for b in exc.blockers)
            return t("inc.close.refused", why=why)
        return t("inc.err.transition", **{"from": exc.current.label.in_lang(lang),
                                          "to": exc.target.label.in_lang(lang)})
    return str(exc)
