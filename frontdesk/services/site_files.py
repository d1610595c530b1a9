"""The site's own files checked together: incident kinds and escalation policies.

Each loader falls back to the shipped defaults when the site's file is broken (the desk must
keep working), and returns what is wrong; this module collects those mistakes so the app can say
so once at start (:mod:`frontdesk.screens.site_files`) and ``frontdesk doctor`` can list them.
The scripts file has its own check with the same shape (:mod:`frontdesk.services.scripts`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.domain.escalation.policy import load_policy_file
from frontdesk.domain.incidents.catalogue import load_kinds
from frontdesk.domain.sitefile import FileProblem
from frontdesk.paths import Paths, shipped_data_dir

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.context import AppContext


def problems_in(paths: Paths) -> list[FileProblem]:
    """Every mistake in the site's incident-kinds and escalation-policy files (none if absent)."""
    shipped = shipped_data_dir()
    kinds = load_kinds(shipped / "incident_kinds.json", paths.site_kinds_file).errors
    _doc, policies = load_policy_file(shipped / "escalation_policies.json",
                                      paths.site_policies_file)
    return [*kinds, *policies]


def problems(ctx: AppContext) -> list[FileProblem]:
    """:func:`problems_in` for a context's paths."""
    return problems_in(ctx.paths)
