"""The escalation panel's text: who to call, countdowns, reports owed, the call log.

Pure formatting from a :class:`ChainState` and ``now`` (no storage, no widgets); names and
notes pass through :func:`frontdesk.text.one_line`. Countdowns are the long form of
:func:`frontdesk.domain.durations.until`; recent calls carry their age
(:func:`frontdesk.domain.sitetime.stamp`). Styles are theme variables.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.content import Content

from frontdesk.domain.clockstate import ClockState
from frontdesk.domain.durations import until
from frontdesk.domain.escalation.contacts import Contact, display_phone
from frontdesk.domain.escalation.model import CallAttempt, ChainKind, StepKind
from frontdesk.domain.escalation.state import (
    ChainState,
    ReportStatus,
    ResponderStatus,
    TargetStatus,
)
from frontdesk.domain.sitetime import clock_time, stamp
from frontdesk.i18n import language, pick, t
from frontdesk.services.escalation.service import role_label
from frontdesk.text import one_line

CLOCK_STYLE = {ClockState.OK: "", ClockState.WARNING: "$warning bold",
               ClockState.BREACH: "$error bold reverse"}


@dataclass(frozen=True)
class Slot:
    """Something the guard may be dialling now: a responder target or a reporting level."""

    chain: ChainKind
    step_index: int
    role: str | None
    contact_id: str | None
    label: str
    script: str | None


def slots(st: ChainState) -> list[Slot]:
    """What may be called now: the current step's pending targets, then each owed report."""
    out: list[Slot] = []
    r = st.responder
    if r.step is not None and r.step_index is not None and r.step.kind is not StepKind.WAIT:
        for target in r.targets:
            if target.status is not TargetStatus.PENDING:
                continue
            cand = target.candidates[0].contact if target.candidates else None
            role = target.target.role or (cand.role if cand else None)
            name = f" {cand.name}" if cand else ""
            out.append(Slot(ChainKind.RESPONDER, r.step_index, role,
                            cand.id if cand else target.target.contact_id,
                            one_line(f"{t('esc.panel.chain_responder')} · {role_label(role)}{name}"),
                            r.step.script))
    for opt in r.optional if r.status is not ResponderStatus.DONE else ():
        if opt.reached_at is not None or opt.skipped_at is not None:
            continue
        role = opt.step.targets[0].role if opt.step.targets else None
        cond = pick((opt.step.condition.zh, opt.step.condition.en)) if opt.step.condition else ""
        out.append(Slot(ChainKind.RESPONDER, opt.step_index, role, None,
                        one_line(f"◇ {role_label(role)} ({cond})"), opt.step.script))
    for level in st.reporting:
        if level.closed:
            continue
        cand = level.candidates[0].contact if level.candidates else None
        role = level.level.targets[0].role or (cand.role if cand else None)
        name = f" {cand.name}" if cand else ""
        out.append(Slot(ChainKind.REPORTING, level.index, role, cand.id if cand else None,
                        one_line(f"{t('esc.panel.chain_reporting', n=level.index + 1)} · "
                                 f"{role_label(role)}{name}"), level.level.script))
    return out


def _phones(c: Contact, now_local: datetime | None, on_duty: bool) -> str:
    parts = [display_phone(c.dial) if c.dial else t("esc.no_number")]
    backup = c.backup_phone if c.backup_phone and c.backup_phone != c.dial else ""
    if backup:
        parts.append(f"{t('esc.panel.backup')} {display_phone(backup)}")
    parts.append(t("esc.panel.on_duty") if on_duty else t("esc.panel.off_duty"))
    return " · ".join(parts)


def head_line(st: ChainState, slot: Slot | None) -> Content:
    """Level, step and the slot the outcome keys will log against."""
    r = st.responder
    bits = [t("esc.panel.level", level=pick((st.level.label.zh, st.level.label.en)))]
    if r.step is not None and r.step_index is not None:
        bits.append(t("esc.panel.step", n=r.step_index + 1, total=len(r.steps),
                      kind=t(f"esc.kind.{r.step.kind.value}")))
    text = " · ".join(bits)
    if slot is not None:
        return Content.assemble(text + "\n", (t("esc.panel.target", what=slot.label),
                                              "$accent bold"), (t("esc.panel.hint"), "dim"))
    return Content(text)


def responder_content(st: ChainState, now: datetime, tz: str) -> Content:
    """Whom to call (on duty first, with numbers), misses, next call and callback clocks."""
    r = st.responder
    parts: list[str | tuple[str, str]] = []
    if r.status is ResponderStatus.DONE:
        at = stamp(r.accepted_at, now, tz, language()) if r.accepted_at else ""
        parts.append((t("esc.panel.done", who=role_label(r.accepted_role), name="", t=at),
                      "$success bold"))
        return Content.assemble(*parts)
    if r.status is ResponderStatus.EXHAUSTED:
        return Content.assemble((t("esc.panel.exhausted"), "$error bold"))
    if r.status is ResponderStatus.WAITING and r.next_due is not None:
        parts.append(t("esc.panel.waiting", t=clock_time(r.next_due, tz, now)) + "\n")
    for target in r.targets:
        mark = {"pending": "▶ ", "accepted": "✔ ", "declined": "✖ ", "exhausted": "· "}
        parts.append(mark[target.status.value] + role_label(target.target.role) + "\n")
        if not target.candidates and target.number:
            parts.append(f"   {display_phone(target.number)}\n")
        for cand in target.candidates[:3]:
            line = f"   {one_line(cand.contact.name, 12)}  " + _phones(cand.contact, None,
                                                                     cand.on_duty)
            parts.append((line + "\n", "" if cand.on_duty else "$text-muted"))
    for opt in r.optional:
        if opt.reached_at is not None or opt.skipped_at is not None:
            continue
        role = opt.step.targets[0].role if opt.step.targets else None
        cond = pick((opt.step.condition.zh, opt.step.condition.en)) if opt.step.condition else ""
        number = display_phone(opt.number) if opt.number else t("esc.no_number")
        parts.append((f"◇ {one_line(cond, 30)}: {role_label(role)} {number}\n", "$text-muted"))
    parts.append(t("esc.panel.misses", n=r.misses, max=r.misses_to_advance) + "  ")
    if r.next_due is not None:
        parts.append((t("esc.panel.due", t=clock_time(r.next_due, tz, now),
                        left=until(r.next_due, now, language(), long=True)),
                      CLOCK_STYLE[st.responder_clock]))
    if r.callback_until is not None:
        if r.callback_pending:
            parts.append("\n" + t("esc.panel.callback",
                                  t=clock_time(r.callback_until, tz, now)))
        else:
            parts.append(("\n" + t("esc.panel.callback_expired"), "$error bold"))
    return Content.assemble(*parts)


def reports_content(st: ChainState, now: datetime, tz: str) -> Content:
    """Each reporting level: owed with its deadline (coloured), informed, or skipped."""
    parts: list[str | tuple[str, str]] = [(t("esc.panel.reports"), "bold")]
    for level in st.reporting:
        role = level.level.targets[0].role if level.level.targets else None
        who = " / ".join(role_label(x.role) for x in level.level.targets) or role_label(role)
        if level.status is ReportStatus.INFORMED and level.informed_at is not None:
            line = "\n✔ " + t("esc.panel.report_done", who=who,
                              t=stamp(level.informed_at, now, tz, language()))
            if level.late_by is not None:  # lateness stays on the record once it is met
                line += " " + t("esc.panel.report_late",
                                late=until(level.due, level.informed_at, language(), long=True))
            parts.append((line, "$warning" if level.late_by is not None else "$text-muted"))
        elif level.status is ReportStatus.WAIVED:
            to = level.waived_to.label if level.waived_to is not None else None
            parts.append(("\n↷ " + t("esc.panel.report_waived", who=who,
                                     level=pick((to.zh, to.en)) if to else ""), "$text-muted"))
        elif level.status is ReportStatus.SKIPPED:
            parts.append(("\n↷ " + t("esc.panel.report_skipped", who=who,
                                     reason=one_line(level.skip_reason, 30)), "$text-muted"))
        else:
            parts.append(("\n● " + t("esc.panel.report_line", who=who,
                                     t=clock_time(level.due, tz, now),
                                     left=until(level.due, now, language(), long=True)),
                          CLOCK_STYLE[level.clock]))
    return Content.assemble(*parts)


def log_content(attempts: tuple[CallAttempt, ...], names: dict[str, str], now: datetime,
                tz: str, limit: int = 8) -> Content:
    """The newest calls first: time, who, outcome, note."""
    parts: list[str | tuple[str, str]] = [(t("esc.panel.log"), "bold")]
    if not attempts:
        parts.append("\n" + t("esc.panel.no_log"))
    for a in sorted(attempts, key=lambda x: x.at, reverse=True)[:limit]:
        who = role_label(a.role)
        if a.contact_id and a.contact_id in names:
            who += " " + one_line(names[a.contact_id], 12)
        note = f" {one_line(a.note, 24)}" if a.note else ""
        parts.append(f"\n{stamp(a.at, now, tz, language())} {who} · "
                     f"{t('esc.outcome.' + a.outcome.value)}{note}")
    return Content.assemble(*parts)
