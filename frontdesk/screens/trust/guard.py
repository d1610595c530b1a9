"""The one door to every supervisor-only action in the UI.

Screens never check roles themselves: they call :func:`guard_action` with the action's name
(``frontdesk.domain.trust.roles.Action``) and what to do once allowed. A guard is refused with a
message; a supervisor is asked for the PIN again where the trust rules say so (step-up), through
the step-up the app was built with (``FrontdeskApp.step_up``). The door fails closed: an app
built without a step-up refuses every action that needs one.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from frontdesk.i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from frontdesk.app import FrontdeskApp

#: How a supervisor confirms ``action`` before ``then`` runs: (app, action, then) -> None.
StepUp = Callable[["FrontdeskApp", str, Callable[[], object]], None]


def guard_action(app: FrontdeskApp, action: str, then: Callable[[], object]) -> None:
    """Run ``then`` if the person signed in may do ``action`` (after step-up if required)."""
    from frontdesk.domain.trust import roles

    if not app.ctx.session.can(action):
        app.notify(t("guard.refused"), severity="error", markup=False)
        return
    if roles.requires_step_up(roles.Action(action)):
        if app.step_up is None:
            app.notify(t("guard.no_step_up"), severity="error", markup=False)
            return
        app.step_up(app, action, then)
        return
    then()
