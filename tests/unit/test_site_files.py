"""The site's incident-kinds and escalation-policy files are checked like the scripts file: a
broken one is named (file, line, field), the shipped defaults are used, size and depth are bounded
before parsing, and ``frontdesk doctor`` lists the mistakes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from frontdesk.domain.escalation.policy import load_policy_file
from frontdesk.domain.incidents.catalogue import load_kinds
from frontdesk.domain.sitefile import MAX_BYTES, MAX_DEPTH
from frontdesk.paths import resolve_paths, shipped_data_dir
from frontdesk.services.escalation.contacts import load_policy_doc_for
from frontdesk.services.site_files import problems_in

KINDS = shipped_data_dir() / "incident_kinds.json"
POLICIES = shipped_data_dir() / "escalation_policies.json"
SHIPPED_POLICY = json.loads(POLICIES.read_text(encoding="utf-8"))


def nested(depth: int) -> str:
    """A document nested ``depth`` arrays deep (Python's json gives up near 1000)."""
    return '{"kinds": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deeply_nested_files_are_refused_before_parsing(tmp_path: Path, depth: int) -> None:
    """Both loaders: the shipped defaults, and one problem naming the file and the depth (the
    kinds loader raised RecursionError before, which stopped the app)."""
    kinds_file = tmp_path / "site_incident_kinds.json"
    kinds_file.write_text(nested(depth), encoding="utf-8")
    cat = load_kinds(KINDS, kinds_file)
    assert cat.kinds == load_kinds(KINDS).kinds
    (problem,) = cat.errors
    assert str(problem).startswith("site_incident_kinds.json:1: nested deeper than")
    policy_file = tmp_path / "escalation_policies.json"
    policy_file.write_text(nested(depth), encoding="utf-8")
    doc, found = load_policy_file(POLICIES, policy_file)
    assert doc == SHIPPED_POLICY
    expected = f"escalation_policies.json:1: nested deeper than {MAX_DEPTH} levels"
    assert [str(p) for p in found] == [expected]


def test_a_site_file_over_the_size_bound_is_not_read(tmp_path: Path) -> None:
    """A 2 MB policy file: refused by its size, defaults in force."""
    policy_file = tmp_path / "escalation_policies.json"
    policy_file.write_text(json.dumps({"pad": "x" * (MAX_BYTES + 10)}), encoding="utf-8")
    doc, found = load_policy_file(POLICIES, policy_file)
    assert doc == SHIPPED_POLICY and "larger than" in str(found[0])


def broken_policy() -> str:
    """The shipped policy with one step calling a role that does not exist."""
    doc = {"format": SHIPPED_POLICY["format"], "version": 1,
           "kinds": {"default": SHIPPED_POLICY["kinds"]["default"],
                     "fire": {"all": {"responder": [
                         {"kind": "call", "role": "security_supervisor"},
                         {"kind": "call", "role": "fire_marshal"}]}}}}
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    return text


def test_a_broken_policy_file_is_named_by_line_and_field_not_silently_replaced(
        tmp_path: Path) -> None:
    """An unknown role in a site policy: the shipped document is used and the problem says where."""
    paths = resolve_paths(home=str(tmp_path / "home"))
    paths.ensure()
    text = broken_policy()
    paths.site_policies_file.write_text(text, encoding="utf-8")
    doc, found = load_policy_file(POLICIES, paths.site_policies_file)
    assert doc == SHIPPED_POLICY
    (problem,) = found
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "fire_marshal" in t)
    assert problem.line == line
    assert problem.field == "kinds.fire.all.responder[1].role"
    assert "fire_marshal" in problem.message
    assert [str(p) for p in problems_in(paths)] == [str(problem)]


def test_a_broken_kinds_file_is_named_by_line_and_field(tmp_path: Path) -> None:
    """A checklist item without text: file, line and field; the shipped kinds stay."""
    site = tmp_path / "site_incident_kinds.json"
    site.write_text('{\n "kinds": {\n  "fight": {\n   "checklist": [\n    {"id": "call_110"}\n'
                    "   ]\n  }\n }\n}\n", encoding="utf-8")
    cat = load_kinds(KINDS, site)
    assert [str(e) for e in cat.errors] == [
        "site_incident_kinds.json:5: kinds.fight.checklist[0].text: must be an object"]


def test_doctor_lists_site_file_mistakes(tmp_path: Path) -> None:
    """``frontdesk doctor`` names each broken site file with line and field; exit 1; --json too."""
    home = tmp_path / "home"
    paths = resolve_paths(home=str(home))
    paths.ensure()
    paths.site_policies_file.write_text(broken_policy(), encoding="utf-8")
    paths.site_kinds_file.write_text(nested(5000), encoding="utf-8")
    env = {**os.environ, "FRONTDESK_HOME": str(home)}
    done = subprocess.run([sys.executable, "-m", "frontdesk", "doctor"], capture_output=True,
                          text=True, env=env)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "site_incident_kinds.json:1: nested deeper than" in done.stdout
    assert "escalation_policies.json:" in done.stdout and "responder[1]" in done.stdout
    as_json = subprocess.run([sys.executable, "-m", "frontdesk", "doctor", "--json"],
                             capture_output=True, text=True, env=env)
    listed = json.loads(as_json.stdout)["site_files"]
    assert {p["file"] for p in listed} == {str(paths.site_kinds_file),
                                           str(paths.site_policies_file)}
    assert all({"line", "field", "message"} <= set(p) for p in listed)


def test_the_app_service_uses_the_shipped_policy_when_the_site_file_is_broken(ctx: object) -> None:
    """The escalation service keeps working on the defaults (nothing raised)."""
    from frontdesk.context import AppContext

    assert isinstance(ctx, AppContext)
    ctx.paths.site_policies_file.write_text(nested(50_000), encoding="utf-8")
    assert load_policy_doc_for(ctx) == SHIPPED_POLICY
