"""Who is at the keyboard, and the one place a role is checked.

Every supervisor-only action in the app asks :meth:`Session.can`; the trust rules (PINs,
step-up) plug in here and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class Session:
    """The person signed in on this PC now."""

    user: str = ""
    role: str = "guard"
    signed_in_at: datetime | None = None
    last_activity: datetime | None = None
    step_up_at: datetime | None = None
    locked: bool = False
    failed_before: int = 0  # wrong PINs typed for this name between its last two sign-ins

    @property
    def is_supervisor(self) -> bool:
        """True for a duty supervisor."""
        return self.role == "supervisor"

    def can(self, action: str) -> bool:
        """May this person do ``action`` (an ``Action`` value from ``frontdesk.domain.trust.roles``)?"""
        from frontdesk.domain.trust import roles

        return roles.can(roles.Role(self.role), roles.Action(action))
