"""At start the app names what is wrong in the site's incident-kinds and escalation-policy files
(as it does for the scripts file) and goes on with the shipped defaults."""
from __future__ import annotations

from frontdesk.app import FrontdeskApp
from frontdesk.context import AppContext
from frontdesk.services.escalation.contacts import load_policy_doc_for
from frontdesk.services.incidents.service import IncidentService
from tests.conftest import TERMINAL
from tests.ui.helpers import settle


async def test_broken_site_files_are_named_at_start_and_the_app_goes_on(ctx: AppContext) -> None:
    """A kinds file nested 100,000 deep and a policy file with a bad field: one notification
    naming both files with line and field; the app runs on the shipped kinds and policy."""
    ctx.paths.site_kinds_file.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    ctx.paths.site_policies_file.write_text(
        '{"format": "frontdesk.escalation_policies",\n "kinds": {\n  "default": {\n'
        '   "general": {"responder": [{"kind": "call", "role": "nobody"}]}}}}\n',
        encoding="utf-8")
    ctx.prefs.language = "en"
    app = FrontdeskApp(ctx)
    async with app.run_test(size=TERMINAL) as pilot:
        await settle(pilot)
        shown = [n.message for n in app._notifications if "site file" in n.message]
        assert len(shown) == 1, [n.message for n in app._notifications]
        assert "site_incident_kinds.json:1: nested deeper than 32 levels" in shown[0]
        assert ("escalation_policies.json:4: kinds.default.general.responder[0].role: "
                "unknown role 'nobody'") in shown[0]
        svc = ctx.service("incidents", IncidentService)
        assert "fire" in svc.catalogue.kinds  # type: ignore[attr-defined]
        assert "fire" in load_policy_doc_for(ctx)["kinds"]
        assert app.is_running
