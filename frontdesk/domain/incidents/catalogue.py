"""The kinds file: read and check ``data/incident_kinds.json`` and a site's file of the same shape.

Each kind names its seed line (``source``), says whether and when it owes a public statement
(``statement``: seed 001, 舆情 events within 24 h; a media visit only once marked as a 舆情
event) and whether closing waits for the report's approval (``report_approval``: 003 流程 9).
Every problem is reported with the file and the dotted path of the field.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from frontdesk.domain import sitefile
from frontdesk.domain.incidents.deadlines import (
    DeadlineRules,
    ReportRule,
    RuleDataError,
    StatementRule,
    parse_warn_before,
)
from frontdesk.domain.incidents.model import (
    Bilingual,
    ChecklistItem,
    Kind,
    Level,
    StatementDuty,
    StatementWhen,
)
from frontdesk.domain.sitefile import FileProblem


@dataclass(frozen=True)
class KindCatalogue:
    """Kinds and deadline rules in force. ``errors`` lists problems found in the site file, each
    naming file and field; when it is non-empty the site file was ignored as a whole."""

    kinds: Mapping[str, Kind]
    rules: DeadlineRules
    errors: tuple[FileProblem, ...] = ()


class KindsFileError(ValueError):
    """The shipped kinds file is unreadable or invalid (a product defect, not a site mistake)."""


_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TOP_KEYS = {"format", "report_rule", "statement_rule", "warn_before_minutes", "kinds"}
_KIND_KEYS = {"name", "needs_statement", "statement", "report_approval", "default_level",
              "checklist", "source"}
_ITEM_KEYS = {"id", "text", "due_minutes", "required"}
_STATEMENT_KEYS = {"owed", "levels", "source"}


def _keys(obj: object, allowed: set[str] | None, where: str) -> Mapping[str, Any]:
    """``obj`` as a mapping whose keys are all in ``allowed`` (None: any; ``_x`` are comments).

    ``where`` is the field path of ``obj`` (``""`` for the whole document)."""
    if not isinstance(obj, dict):
        raise RuleDataError(where, "must be an object")
    for key in obj:
        if allowed is not None and key not in allowed and not str(key).startswith("_"):
            raise RuleDataError(f"{where}.{key}" if where else str(key),
                                f"unknown field; expected one of {sorted(allowed)}")
    return obj


def _bilingual(value: object, where: str) -> Bilingual:
    obj = _keys(value, {"zh", "en"}, where)
    for lang in ("zh", "en"):
        if not isinstance(obj.get(lang), str) or not obj[lang].strip():
            raise RuleDataError(f"{where}.{lang}", "must be a non-empty string")
    return Bilingual(obj["zh"], obj["en"])


def _item(value: object, where: str) -> ChecklistItem:
    obj = _keys(value, _ITEM_KEYS, where)
    if not isinstance(obj.get("id"), str) or not _ID.match(obj["id"]):
        raise RuleDataError(f"{where}.id", "must be lower_snake_case (a-z 0-9 _), ≤ 40 chars")
    due = obj.get("due_minutes")
    whole = isinstance(due, int) and not isinstance(due, bool)
    if due is not None and (not whole or not 0 <= due <= 10080):
        raise RuleDataError(f"{where}.due_minutes", "must be whole minutes between 0 and 10080")
    if not isinstance(obj.get("required", True), bool):
        raise RuleDataError(f"{where}.required", "must be true or false")
    return ChecklistItem(obj["id"], _bilingual(obj.get("text"), f"{where}.text"), due,
                         obj.get("required", True))


def _statement(value: object, where: str) -> StatementDuty:
    obj = _keys(value, _STATEMENT_KEYS, where)
    if obj.get("owed") not in set(StatementWhen):
        raise RuleDataError(f"{where}.owed", f"must be one of {[w.value for w in StatementWhen]}")
    levels = obj.get("levels", [lv.value for lv in Level])
    if not isinstance(levels, list) or not levels or any(lv not in set(Level) for lv in levels):
        raise RuleDataError(f"{where}.levels", f"must list some of {[lv.value for lv in Level]}")
    source = obj.get("source", "")
    if not isinstance(source, str) or not source.strip():
        raise RuleDataError(f"{where}.source", "must name the seed line the rule comes from")
    return StatementDuty(StatementWhen(obj["owed"]), frozenset(Level(lv) for lv in levels), source)


def _kind(kind_id: str, value: object, where: str) -> Kind:
    obj = _keys(value, _KIND_KEYS, where)
    if not _ID.match(kind_id):
        raise RuleDataError(where, "kind id must be lower_snake_case, at most 40 chars")
    needs = obj.get("needs_statement")
    if needs is not None and not isinstance(needs, bool):
        raise RuleDataError(f"{where}.needs_statement", "must be true or false")
    if needs is None and "statement" not in obj:
        raise RuleDataError(f"{where}.needs_statement",
                            "give statement (or needs_statement: true/false)")
    # An explicit needs_statement: false wins over a statement rule inherited from the shipped
    # kind a site file overrides; otherwise a statement rule makes a statement possible.
    duty = None
    if obj.get("statement") is not None and needs is not False:
        duty = _statement(obj["statement"], f"{where}.statement")
    if obj.get("default_level") not in set(Level):
        levels = [lv.value for lv in Level]
        raise RuleDataError(f"{where}.default_level", f"must be one of {levels}")
    approval = obj.get("report_approval", False)
    if not isinstance(approval, bool):
        raise RuleDataError(f"{where}.report_approval", "must be true or false")
    raw_items = obj.get("checklist", [])
    if not isinstance(raw_items, list):
        raise RuleDataError(f"{where}.checklist", "must be a list")
    items = tuple(_item(v, f"{where}.checklist[{i}]") for i, v in enumerate(raw_items))
    if len({i.id for i in items}) != len(items):
        raise RuleDataError(f"{where}.checklist", "item ids must be unique within a kind")
    return Kind(kind_id, _bilingual(obj.get("name"), f"{where}.name"),
                bool(needs) or duty is not None, Level(obj["default_level"]), items,
                str(obj.get("source", "")), duty, approval)


def _build(data: object, report: Callable[[str, str], None]) -> KindCatalogue | None:
    """Validate a whole document; ``report(field, problem)`` each mistake (None if any)."""
    failed = False

    def guard(fn: Any, *args: Any) -> Any:
        nonlocal failed
        try:
            return fn(*args)
        except RuleDataError as exc:
            failed = True
            report(exc.field, exc.problem)
            return None

    top = guard(_keys, data, _TOP_KEYS, "")
    if top is None:
        return None
    report_rule = guard(ReportRule.from_data, top.get("report_rule"))
    statement = guard(StatementRule.from_data, top.get("statement_rule"))
    warn = guard(parse_warn_before, top.get("warn_before_minutes", {}))
    raw_kinds = guard(_keys, top.get("kinds"), None, "kinds")
    kinds = {k: guard(_kind, k, v, f"kinds.{k}") for k, v in (raw_kinds or {}).items()}
    if not kinds and raw_kinds is not None:
        failed = True
        report("kinds", "no kinds defined")
    if failed:
        return None
    return KindCatalogue(MappingProxyType(kinds), DeadlineRules(report_rule, statement, warn))


def load_kinds(shipped_path: Path | str, site_path: Path | str | None = None) -> KindCatalogue:
    """Load the shipped kinds and rules, then apply the site file if there is one.

    The site file has the shipped shape, every section optional: ``report_rule``,
    ``statement_rule`` and ``warn_before_minutes`` replace the shipped ones; each entry of
    ``kinds`` either adds a kind (all fields needed) or overrides fields of a shipped kind of the
    same id (a given ``checklist`` replaces the whole list). A missing site file is no error. If
    the site file is unreadable, too big, nested too deeply (both checked before parsing, see
    :mod:`frontdesk.domain.sitefile`) or invalid, the shipped catalogue is returned with
    ``errors`` naming the file, line and field of each mistake; the caller must show them (the
    app does at start, ``frontdesk doctor`` lists them). A broken shipped file raises
    :class:`KindsFileError`.
    """
    shipped_path = Path(shipped_path)
    shipped_data, _text, problem = sitefile.load(shipped_path)
    if problem is not None:
        raise KindsFileError(str(problem))
    shipped_errors: list[str] = []
    shipped = _build(shipped_data, lambda f, p: shipped_errors.append(f"{f}: {p}"))
    if shipped is None:
        raise KindsFileError(f"{shipped_path}: " + "; ".join(shipped_errors))
    if site_path is None or not Path(site_path).exists():
        return shipped
    site_data, text, problem = sitefile.load(Path(site_path))
    if problem is not None:
        return KindCatalogue(shipped.kinds, shipped.rules, (problem,))
    where = sitefile.Locator(str(site_path), text)
    errors = where.duplicates()
    if not isinstance(site_data, dict):
        return KindCatalogue(shipped.kinds, shipped.rules,
                             (where.problem(None, "must be an object"),))
    shipped_doc = cast(dict[str, Any], shipped_data)  # _build accepted it as an object
    merged = dict(shipped_doc) | {k: v for k, v in site_data.items() if k != "kinds"}
    site_kinds = site_data.get("kinds", {})
    if isinstance(site_kinds, dict):
        base = shipped_doc["kinds"]
        merged["kinds"] = dict(base) | {
            k: (dict(base[k]) | v if k in base and isinstance(v, dict) else v)
            for k, v in site_kinds.items()}
    else:
        merged["kinds"] = site_kinds
    site = _build(merged, lambda f, p: errors.append(where.problem(f, p)))
    if site is None or errors:
        return KindCatalogue(shipped.kinds, shipped.rules, tuple(errors))
    return site
