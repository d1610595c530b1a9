"""Check the escalation policies against the contact list before anybody needs them.

Anchors' users found out during an incident that the manager at level 2 had no way to be
reached (research/anchors-escalation-incidents.md §4, item 4). :func:`check_policies` walks every
step and reporting level of every kind and level, as :func:`plan_for` would resolve them, and
says which ones would leave the guard with nobody to dial.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from frontdesk.domain.escalation.contacts import Contact, on_duty_now, role_names, valid_phone
from frontdesk.domain.escalation.model import ChainKind, Level, StepKind, Target
from frontdesk.domain.escalation.policy import plan_for, policy_kinds


class WarningCode(StrEnum):
    """What is wrong with a step."""

    ROLE_UNFILLED = "role_unfilled"
    NO_VALID_PHONE = "no_valid_phone"
    UNKNOWN_CONTACT = "unknown_contact"
    NOBODY_ON_DUTY = "nobody_on_duty"
    UNKNOWN_SCRIPT = "unknown_script"


@dataclass(frozen=True)
class PolicyWarning:
    """One problem, naming the kind, level, chain and step (index) it was found at."""

    kind: str
    level: Level
    chain: ChainKind
    step_index: int
    code: WarningCode
    role: str | None
    contact_id: str | None
    message: str
    message_zh: str


def _target_problems(target: Target, contacts: list[Contact], now_local: time | datetime | None
                     ) -> list[tuple[WarningCode, str, str]]:
    if target.contact_id is not None:
        found = [c for c in contacts if c.id == target.contact_id]
        if not found:
            return [(WarningCode.UNKNOWN_CONTACT, f"contact {target.contact_id} does not exist",
                     f"联系人 {target.contact_id} 不存在")]
        who_en = who_zh = found[0].name
    else:
        found = [c for c in contacts if c.role == target.role]
        zh, en = role_names(target.role or "")
        if not found:
            return [(WarningCode.ROLE_UNFILLED, f"nobody is listed as {en}",
                     f"没有人担任「{zh}」")]
        who_en, who_zh = en, zh
    out = []
    dialable = [c for c in found if valid_phone(c.phone) or valid_phone(c.backup_phone)]
    if not dialable:
        out.append((WarningCode.NO_VALID_PHONE, f"{who_en}: no valid phone number",
                    f"{who_zh}:没有有效电话号码"))
    if now_local is not None and not any(on_duty_now(c, now_local) for c in dialable or found):
        out.append((WarningCode.NOBODY_ON_DUTY, f"{who_en}: nobody on duty now",
                    f"{who_zh}:当前无人在岗"))
    return out


def check_policies(
    policy_doc: Mapping[str, Any],
    contacts: Iterable[Contact],
    now_local: time | datetime | None = None,
    script_ids: Collection[str] | None = None,
) -> list[PolicyWarning]:
    """Warnings for every step nobody could be called for, in document order.

    A step (or reporting level) warns when a role it names has no contact, when none of the
    contacts it points at has a valid phone, when a contact id it names does not exist, and
    (given ``now_local``, the site-local time) when nobody for it is on duty now. Emergency
    steps dial their public number, so only a missing script is checked for them (given
    ``script_ids``). Raises :class:`~frontdesk.domain.escalation.policy.PolicyError` for an
    invalid document.
    """
    contacts = list(contacts)
    warnings: list[PolicyWarning] = []
    for kind in policy_kinds(policy_doc):
        plan = plan_for(policy_doc, kind, Level.GENERAL)
        for chains in plan.levels:
            items: list[tuple[ChainKind, int, tuple[Target, ...], str | None, bool]] = [
                (ChainKind.RESPONDER, i, s.targets, s.script, s.kind is StepKind.EMERGENCY)
                for i, s in enumerate(chains.responder)
            ] + [
                (ChainKind.REPORTING, i, r.targets, r.script, False)
                for i, r in enumerate(chains.reporting)
            ]
            for chain, index, targets, script, emergency in items:
                found: list[tuple[WarningCode, str | None, str | None, str, str]] = []
                if script_ids is not None and script is not None and script not in script_ids:
                    found.append((WarningCode.UNKNOWN_SCRIPT, None, None,
                                  f"script {script!r} does not exist",
                                  f"话术 {script!r} 不存在"))
                for target in () if emergency else targets:
                    for code, en, zh in _target_problems(target, contacts, now_local):
                        found.append((code, target.role, target.contact_id, en, zh))
                where = f"{kind}/{chains.level.value}/{chain.value} step {index + 1}"
                where_zh = f"{kind}/{chains.level.label.zh}/{chain.value} 第{index + 1}步"
                for code, role, cid, en, zh in found:
                    warnings.append(PolicyWarning(
                        kind=kind, level=chains.level, chain=chain, step_index=index, code=code,
                        role=role, contact_id=cid, message=f"{where}: {en}",
                        message_zh=f"{where_zh}:{zh}",
                    ))
    return warnings
