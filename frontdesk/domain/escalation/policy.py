"""Escalation policies: read and check the policy document, and take a plan from it.

The document (``data/escalation_policies.json``, editable by a supervisor) looks like::

    {"format": "frontdesk.escalation_policies", "version": 1,
     "defaults": {"misses_to_advance": 2, "wait_minutes": 5, "callback_minutes": 10,
                  "warning_minutes": 2},
     "kinds": {
       "default": {"general": {"responder": [STEP...], "reporting": [LEVEL...]},
                   "serious": {...}, "severe": {...}},
       "fire": {"all": {"responder": [...]}, "severe": {"reporting": [...]}}}}

A chain for (kind, level) is looked up in ``kinds[kind][level]``, then ``kinds[kind]["all"]``,
then the same two places under ``"default"``; so a kind states only what differs. Entries may
carry ``"zh"``, ``"en"`` and ``"note"`` for people; they are ignored by the engine.

Steps (responder chain)::

    {"kind": "call", "role": "security_supervisor"}            (or "contact_id": "<uuid>")
    {"kind": "call_many", "targets": [{"role": ...}, ...], "require": "all"}
    {"kind": "emergency", "service": "fire_119", "script": "emergency_call_119"}
    {"kind": "wait", "minutes": 3}
    {"kind": "repeat", "to_step": 0, "max_repeats": 2}

``call``/``call_many``/``emergency`` also take ``misses_to_advance``, ``wait_minutes``,
``callback_minutes``, ``script`` and ``condition`` (``{"zh":..., "en":...}``: an optional
step). Reporting levels: ``{"role": "project_manager", "deadline_minutes": 15}``, or
``"targets": [...]`` for "any one of these", plus ``after_the_fact`` and ``script``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from frontdesk.domain import sitefile
from frontdesk.domain.escalation.contacts import EMERGENCY_NUMBERS, ROLES, valid_phone
from frontdesk.domain.escalation.model import (
    Bilingual,
    ChainKind,
    Level,
    LevelChains,
    Plan,
    ReportLevel,
    Require,
    Step,
    StepKind,
    Target,
)
from frontdesk.domain.sitefile import FileProblem

FORMAT = "frontdesk.escalation_policies"
DEFAULT_KIND = "default"
_DEFAULTS = {"misses_to_advance": 2, "wait_minutes": 5, "callback_minutes": 10,
             "warning_minutes": 2}
_META = {"zh", "en", "note", "seed"}
_KIND_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CALL_KEYS = {"kind", "role", "contact_id", "targets", "require", "misses_to_advance",
              "wait_minutes", "callback_minutes", "script", "condition", "service", "number"}
_LEVEL_KEYS = {"role", "contact_id", "targets", "deadline_minutes", "after_the_fact", "script"}


class PolicyError(ValueError):
    """The policy document is not valid; ``problems`` lists each one with its path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]) + (" ..." if len(problems) > 5 else ""))
        self.problems = problems


def _int(raw: Mapping[str, Any], key: str, default: int, lo: int, hi: int, path: str) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise PolicyError([f"{path}.{key}: expected a whole number from {lo} to {hi}"])
    return value


def _targets(raw: Mapping[str, Any], path: str) -> tuple[Target, ...]:
    if "targets" in raw:
        items = raw["targets"]
        if not isinstance(items, list) or not items:
            raise PolicyError([f"{path}.targets: expected a non-empty list"])
    elif "role" in raw or "contact_id" in raw:
        items = [{k: raw[k] for k in ("role", "contact_id") if k in raw}]
    else:
        raise PolicyError([f"{path}: names no role, contact_id or targets"])
    out = []
    for i, item in enumerate(items):
        # A step naming one role or contact directly is reported at that field (the file's line).
        where = f"{path}.targets[{i}]" if "targets" in raw else path
        if not isinstance(item, Mapping) or set(item) - {"role", "contact_id"} or len(item) != 1:
            raise PolicyError([f"{where}: expected {{\"role\": ...}} or {{\"contact_id\": ...}}"])
        role, cid = item.get("role"), item.get("contact_id")
        direct = "targets" not in raw
        if role is not None and role not in ROLES:
            field = f"{where}.role" if direct else where
            raise PolicyError([f"{field}: unknown role {role!r}"])
        if cid is not None and (not isinstance(cid, str) or not cid):
            field = f"{where}.contact_id" if direct else where
            raise PolicyError([f"{field}: contact_id must be a non-empty string"])
        out.append(Target(role=role, contact_id=cid))
    return tuple(out)


def _condition(raw: Mapping[str, Any], path: str) -> Bilingual | None:
    cond = raw.get("condition")
    if cond is None:
        return None
    if not isinstance(cond, Mapping) or not all(isinstance(cond.get(k), str) for k in ("zh", "en")):
        raise PolicyError([f"{path}.condition: expected {{\"zh\": ..., \"en\": ...}}"])
    return Bilingual(zh=cond["zh"], en=cond["en"])


def _script(raw: Mapping[str, Any], path: str) -> str | None:
    script = raw.get("script")
    if script is not None and (not isinstance(script, str) or not script):
        raise PolicyError([f"{path}.script: expected a script id"])
    return script


def parse_step(raw: Any, defaults: Mapping[str, int], path: str) -> Step:
    """One responder step from its JSON form; raises :class:`PolicyError` naming ``path``."""
    if not isinstance(raw, Mapping):
        raise PolicyError([f"{path}: expected an object"])
    try:
        kind = StepKind(str(raw.get("kind")))
    except ValueError:
        raise PolicyError([f"{path}.kind: one of {', '.join(k.value for k in StepKind)}"]) from None
    d = {**_DEFAULTS, **defaults}
    if kind is StepKind.WAIT:
        _no_extra(raw, {"kind", "minutes", "condition"}, path)
        return Step(kind=kind, wait_minutes=_int(raw, "minutes", 0, 1, 1440, path),
                    condition=_condition(raw, path))
    if kind is StepKind.REPEAT:
        _no_extra(raw, {"kind", "to_step", "max_repeats"}, path)
        return Step(kind=kind, to_step=_int(raw, "to_step", -1, 0, 99, path),
                    max_repeats=_int(raw, "max_repeats", 0, 1, 9, path))
    _no_extra(raw, _CALL_KEYS, path)
    number: str | None = None
    if kind is StepKind.EMERGENCY:
        service = raw.get("service")
        if service is None:
            targets = _targets(raw, path)
            service = targets[0].role if len(targets) == 1 else None
        if not isinstance(service, str) or service not in EMERGENCY_NUMBERS:
            raise PolicyError([f"{path}.service: one of {', '.join(EMERGENCY_NUMBERS)}"])
        targets = (Target(role=service),)
        number = raw.get("number", EMERGENCY_NUMBERS[service])
        if not isinstance(number, str) or valid_phone(number) is None:
            raise PolicyError([f"{path}.number: not a dialable number"])
    else:
        targets = _targets(raw, path)
        if kind is StepKind.CALL and len(targets) != 1:
            raise PolicyError([f"{path}: a call step has one target (use call_many)"])
    try:
        require = Require(raw.get("require", "any"))
    except ValueError:
        raise PolicyError([f"{path}.require: any or all"]) from None
    return Step(
        kind=kind, targets=targets, require=require, number=number,
        misses_to_advance=_int(raw, "misses_to_advance", d["misses_to_advance"], 1, 9, path),
        wait_minutes=_int(raw, "wait_minutes", d["wait_minutes"], 0, 1440, path),
        callback_minutes=_int(raw, "callback_minutes", d["callback_minutes"], 1, 1440, path),
        script=_script(raw, path), condition=_condition(raw, path),
    )


def parse_report_level(raw: Any, path: str) -> ReportLevel:
    """One reporting level from its JSON form; raises :class:`PolicyError` naming ``path``."""
    if not isinstance(raw, Mapping):
        raise PolicyError([f"{path}: expected an object"])
    _no_extra(raw, _LEVEL_KEYS, path)
    after = raw.get("after_the_fact", False)
    if not isinstance(after, bool):
        raise PolicyError([f"{path}.after_the_fact: true or false"])
    return ReportLevel(
        targets=_targets(raw, path), after_the_fact=after, script=_script(raw, path),
        deadline_minutes=_int(raw, "deadline_minutes", -1, 0, 10080, path),
    )


def _no_extra(raw: Mapping[str, Any], allowed: set[str], path: str) -> None:
    extra = sorted(set(raw) - allowed)
    if extra:
        raise PolicyError([f"{path}: unknown field(s) {', '.join(extra)}"])


def _parse_chain(raw: Any, chain: ChainKind, defaults: Mapping[str, int],
                 path: str) -> tuple[Step, ...] | tuple[ReportLevel, ...]:
    if not isinstance(raw, list):
        raise PolicyError([f"{path}: expected a list"])
    if chain is ChainKind.REPORTING:
        return tuple(parse_report_level(r, f"{path}[{i}]") for i, r in enumerate(raw))
    steps = tuple(parse_step(s, defaults, f"{path}[{i}]") for i, s in enumerate(raw))
    for i, step in enumerate(steps):
        if step.kind is StepKind.REPEAT and step.to_step >= i:
            raise PolicyError([f"{path}[{i}].to_step: must point to an earlier step"])
    return steps


def _defaults(doc: Mapping[str, Any]) -> dict[str, int]:
    raw = doc.get("defaults", {})
    if not isinstance(raw, Mapping):
        raise PolicyError(["defaults: expected an object"])
    _no_extra(raw, set(_DEFAULTS), "defaults")
    limits = {"misses_to_advance": (1, 9), "wait_minutes": (0, 1440),
              "callback_minutes": (1, 1440), "warning_minutes": (0, 120)}
    return {k: _int(raw, k, v, *limits[k], "defaults") for k, v in _DEFAULTS.items()}


def _lookup(doc: Mapping[str, Any], kind: str, level: Level, chain: ChainKind) -> tuple[str, Any]:
    kinds = doc["kinds"]
    for k in (kind, DEFAULT_KIND):
        entry = kinds.get(k)
        if not isinstance(entry, Mapping):
            continue
        for lv in (level.value, "all"):
            block = entry.get(lv)
            if isinstance(block, Mapping) and chain.value in block:
                return f"kinds.{k}.{lv}.{chain.value}", block[chain.value]
    return "", []


def validate_policy_doc(doc: Any) -> list[str]:
    """Every problem in a policy document, each naming where it is; empty when it is valid."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("kinds"), Mapping):
        return ["the document needs a \"kinds\" object"]
    problems: list[str] = []
    if doc.get("format") != FORMAT:
        problems.append(f"format: expected {FORMAT!r}")
    try:
        defaults = _defaults(doc)
    except PolicyError as exc:
        return problems + exc.problems
    kinds = doc["kinds"]
    if DEFAULT_KIND not in kinds:
        problems.append(f"kinds: a {DEFAULT_KIND!r} entry is required")
    for kind, entry in kinds.items():
        if not _KIND_ID.match(str(kind)) or not isinstance(entry, Mapping):
            problems.append(f"kinds.{kind}: expected a lower_snake id and an object")
            continue
        for lv, block in entry.items():
            path = f"kinds.{kind}.{lv}"
            if lv in _META:
                continue
            if lv not in {"all", *Level} or not isinstance(block, Mapping):
                problems.append(f"{path}: expected all/general/serious/severe with an object")
                continue
            for ch, chain_raw in block.items():
                if ch in _META:
                    continue
                if ch not in set(ChainKind):
                    problems.append(f"{path}.{ch}: expected responder or reporting")
                    continue
                try:
                    _parse_chain(chain_raw, ChainKind(ch), defaults, f"{path}.{ch}")
                except PolicyError as exc:
                    problems.extend(exc.problems)
    if not problems:
        for level in Level:
            if not _lookup(doc, DEFAULT_KIND, level, ChainKind.RESPONDER)[1]:
                problems.append(f"kinds.default: no responder chain for level {level.value}")
    return problems


def load_policy_doc(path: str | Path) -> dict[str, Any]:
    """Read and validate a policy document from a JSON file (size and depth bounded first)."""
    doc, _text, problem = sitefile.load(Path(path))
    if problem is not None:
        raise PolicyError([str(problem)])
    problems = validate_policy_doc(doc)
    if problems:
        raise PolicyError(problems)
    return dict(doc)


def load_policy_file(shipped_path: str | Path, site_path: str | Path | None
                     ) -> tuple[dict[str, Any], tuple[FileProblem, ...]]:
    """The policy document in force and what is wrong with the site's file.

    The site file, when present and valid, is the document; when it is unreadable, too big,
    nested too deeply or invalid, the shipped document is used and every mistake is returned
    with the file, line and field, for the caller to show (the app at start, ``frontdesk
    doctor``). A broken shipped file raises :class:`PolicyError`.
    """
    shipped = load_policy_doc(shipped_path)
    if site_path is None or not Path(site_path).is_file():
        return shipped, ()
    doc, text, problem = sitefile.load(Path(site_path))
    if problem is not None:
        return shipped, (problem,)
    where = sitefile.Locator(str(site_path), text)
    problems = [*where.duplicates(), *sitefile.from_messages(where, validate_policy_doc(doc))]
    if problems:
        return shipped, tuple(problems)
    return dict(doc), ()


def policy_kinds(doc: Mapping[str, Any]) -> list[str]:
    """The kind ids the document names (``"default"`` included), in document order."""
    return [str(k) for k in doc.get("kinds", {})]


def plan_for(policy_doc: Mapping[str, Any], kind: str, level: Level | str) -> Plan:
    """Freeze the chains in force for an incident of ``kind`` opened at ``level``.

    The plan holds every level's chains, fully explicit (defaults filled in), so it can be
    stored with the incident and later policy edits do not reach it. Unknown kinds use the
    ``"default"`` entry. Raises :class:`PolicyError` if the document is invalid.
    """
    problems = validate_policy_doc(policy_doc)
    if problems:
        raise PolicyError(problems)
    defaults = _defaults(policy_doc)
    levels = []
    for lv in Level:
        chains: dict[ChainKind, Any] = {}
        for ch in ChainKind:
            path, raw = _lookup(policy_doc, kind, lv, ch)
            chains[ch] = _parse_chain(raw, ch, defaults, path)
        levels.append(LevelChains(level=lv, responder=chains[ChainKind.RESPONDER],
                                  reporting=chains[ChainKind.REPORTING]))
    return Plan(
        kind=kind, policy_kind=kind if kind in policy_doc["kinds"] else DEFAULT_KIND,
        level=Level(level), levels=tuple(levels),
        warning_minutes=defaults["warning_minutes"],
        callback_minutes=defaults["callback_minutes"],
    )


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """A plan as plain JSON data, to store with the incident."""
    return {
        "kind": plan.kind, "policy_kind": plan.policy_kind, "level": plan.level.value,
        "warning_minutes": plan.warning_minutes, "callback_minutes": plan.callback_minutes,
        "levels": {
            c.level.value: {
                "responder": [s.to_dict() for s in c.responder],
                "reporting": [r.to_dict() for r in c.reporting],
            }
            for c in plan.levels
        },
    }


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """Rebuild a stored plan (the inverse of :func:`plan_to_dict`)."""
    levels = []
    for lv in Level:
        raw = data["levels"][lv.value]
        path = f"plan.{lv.value}"
        levels.append(LevelChains(
            level=lv,
            responder=tuple(parse_step(s, {}, f"{path}.responder[{i}]")
                            for i, s in enumerate(raw["responder"])),
            reporting=tuple(parse_report_level(r, f"{path}.reporting[{i}]")
                            for i, r in enumerate(raw["reporting"])),
        ))
    return Plan(
        kind=str(data["kind"]), policy_kind=str(data["policy_kind"]), level=Level(data["level"]),
        levels=tuple(levels), warning_minutes=int(data.get("warning_minutes", 2)),
        callback_minutes=int(data.get("callback_minutes", 10)),
    )


def plan_differs(stored_plan: Plan, current_policy: Mapping[str, Any]) -> bool:
    """True when the current policy would give this incident different chains.

    The board then offers a re-plan; the stored plan stays in force until somebody accepts.
    Edits to other kinds, and the opening level, do not count.
    """
    fresh = plan_for(current_policy, stored_plan.kind, stored_plan.level)
    def key(p: Plan) -> tuple[object, ...]:
        return (p.levels, p.warning_minutes, p.callback_minutes)

    return key(fresh) != key(stored_plan)
