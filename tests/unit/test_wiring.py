"""Wiring you can see: read the code for the ways features used to find each other.

No ``except ImportError`` between our modules, no ``hasattr`` probing, no list filled as a
module is imported, no private Textual API, no screen or widget that reaches the database
without a service, and ``ctx.service`` typed so its callers need no ``# type: ignore``.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.context import AppContext

ROOT = Path(__file__).resolve().parents[2] / "frontdesk"
TESTS = ROOT.parent / "tests"


def modules(*under: str) -> Iterator[tuple[Path, ast.Module]]:
    """Every module of frontdesk (or of the given sub-packages), parsed."""
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if under and not rel.startswith(under):
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def where(path: Path, node: ast.AST) -> str:
    """``file:line`` for a finding."""
    return f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', 0)}"


def test_no_import_error_caught() -> None:
    """Features do not find each other by trying to import them."""
    found = []
    for path, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = [n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)]
                if "ImportError" in names or "ModuleNotFoundError" in names:
                    found.append(where(path, node))
    assert found == []


def test_no_hasattr_probing() -> None:
    """Our services are called directly, never probed for the methods they might have."""
    found = [where(path, node) for path, tree in modules() for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
             and node.func.id == "hasattr"]
    assert found == []


def test_no_private_textual_api() -> None:
    """``_bindings``, ``_screen_stacks``, ``_init_mode`` and friends are Textual's own."""
    private = {"_bindings", "_screen_stacks", "_init_mode", "_installed_screens",
               "_modes", "_current_mode", "_notifications", "_handle_exception"}
    found = [where(path, node) for path, tree in modules() for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr in private]
    assert found == []


@pytest.mark.parametrize("package", ["screens/", "widgets/", "app.py", "bindings.py",
                                     "demo.py", "services/"])
def test_nothing_is_registered_at_import(package: str) -> None:
    """No module-level statement fills a list or dict of hooks as the module is imported."""
    found = []
    for path, tree in modules(package):
        for node in tree.body:
            calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)] \
                if isinstance(node, (ast.Expr, ast.If)) else []
            for call in calls:
                if isinstance(call.func, ast.Attribute) and call.func.attr in (
                        "append", "insert", "extend", "setdefault", "update", "add"):
                    found.append(where(path, call))
    assert found == []


def test_screens_and_widgets_never_import_storage() -> None:
    """The UI reaches the database only through services."""
    found = []
    for path, tree in modules("screens/", "widgets/", "app.py", "workers.py", "bindings.py"):
        for node in ast.walk(tree):
            name = node.module if isinstance(node, ast.ImportFrom) else None
            if isinstance(node, ast.Import):
                name = ",".join(a.name for a in node.names)
            if name and "frontdesk.storage" in name:
                found.append(where(path, node))
    assert found == []


def test_widgets_write_nothing() -> None:
    """Widgets post messages; the screen holding them saves (no write use case is called)."""
    changes = set()
    for _path, tree in modules("services/"):
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Name) and d.id == "changes_data"
                    for d in node.decorator_list):
                changes.add(node.name)
    assert {"log_call", "skip", "replan", "add", "save"} <= changes
    found = []
    for path, tree in modules("widgets/"):
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in changes):
                continue
            owner = node.func.value  # ``self.service.log_call`` or ``ctx.service(...).save``
            if isinstance(owner, ast.Call):
                owner = owner.func
            if isinstance(owner, ast.Attribute) and owner.attr == "service":
                found.append(where(path, node))
    assert found == []


def test_service_is_typed_so_callers_need_no_ignore(ctx: AppContext) -> None:
    """``ctx.service(name, Factory)`` returns a ``Factory``: no ``# type: ignore`` after it, and
    no ``self.app.ctx`` (screens and widgets use the one typed accessor)."""
    from frontdesk.services.incidents.service import IncidentService

    svc = ctx.service("incidents", IncidentService)
    assert isinstance(svc, IncidentService) and ctx.service("incidents", IncidentService) is svc
    ignored = re.compile(r"\.service\(.*#\s*type:\s*ignore|app\.ctx")
    found = [f"{p.relative_to(ROOT.parent)}:{n}" for folder in (ROOT, TESTS)
             for p in folder.rglob("*.py") if p != Path(__file__)
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if ignored.search(line) and "type: ignore" in line]
    assert found == []
