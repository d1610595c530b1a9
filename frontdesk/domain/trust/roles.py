"""Who may do what: the one place the role check lives.

Two roles share the gate PC (research/anchors-sync-export-security.md §3.2). A *guard* creates,
checks out and voids register entries, sees today's list masked, reads scripts, opens incidents
and adds timeline notes: nothing here restricts those. A *supervisor* may also do every
:class:`Action` below. Screens and services never compare roles themselves; they ask
:func:`can` (and :func:`requires_step_up` to know whether to ask for the PIN again).

Step-up means the PIN is typed again right before the action, even inside an unlocked
supervisor session, because the desk PC is shared and a session may be left open. The set
follows the brief (unmask, export, import, conflicts, contacts/chains/scripts, purge, closing an
incident) and adds three actions that are as destructive or as privileged as a purge:

* ``erase_person`` *is* a purge (of one person's records, on request);
* ``manage_users`` could otherwise let a passer-by at an open supervisor session create a
  supervisor account or reset a PIN;
* ``restore_backup`` replaces every record on the machine.

``approve_report`` is supervisor-only but not step-up: approving is done in the duty room by the
logged-in supervisor, and its audit row names them.

The duty room's decisions follow the seeds (issue 18): ``change_level`` (001: the leadership
sets the level; the supervisor records it with a reason and who decided) and
``correct_incident`` (a fact changed after opening) are step-up; ``record_statement`` (000/001:
the GM approves, the GM's office publishes; the supervisor records it) and
``mark_public_opinion`` are supervisor-only.
"""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role on a site."""

    GUARD = "guard"
    SUPERVISOR = "supervisor"


class Action(StrEnum):
    """Every action a guard may not do; the value is what audit rows and settings store."""

    UNMASK_ID = "unmask_id"
    EXPORT = "export"
    IMPORT_BUNDLE = "import_bundle"
    RESOLVE_CONFLICT = "resolve_conflict"
    EDIT_CONTACTS = "edit_contacts"
    EDIT_CHAINS = "edit_chains"
    EDIT_SCRIPTS = "edit_scripts"
    PURGE = "purge"
    ERASE_PERSON = "erase_person"
    CLOSE_INCIDENT = "close_incident"
    MANAGE_USERS = "manage_users"
    APPROVE_REPORT = "approve_report"
    RESTORE_BACKUP = "restore_backup"
    CHANGE_LEVEL = "change_level"
    CORRECT_INCIDENT = "correct_incident"
    RECORD_STATEMENT = "record_statement"
    MARK_PUBLIC_OPINION = "mark_public_opinion"


# Kept as explicit tables (not "every member") so that adding an Action forces a decision here.
_SUPERVISOR_ONLY: frozenset[Action] = frozenset(
    {
        Action.UNMASK_ID,
        Action.EXPORT,
        Action.IMPORT_BUNDLE,
        Action.RESOLVE_CONFLICT,
        Action.EDIT_CONTACTS,
        Action.EDIT_CHAINS,
        Action.EDIT_SCRIPTS,
        Action.PURGE,
        Action.ERASE_PERSON,
        Action.CLOSE_INCIDENT,
        Action.MANAGE_USERS,
        Action.APPROVE_REPORT,
        Action.RESTORE_BACKUP,
        Action.CHANGE_LEVEL,
        Action.CORRECT_INCIDENT,
        Action.RECORD_STATEMENT,
        Action.MARK_PUBLIC_OPINION,
    }
)

_STEP_UP: frozenset[Action] = frozenset(
    {
        Action.UNMASK_ID,
        Action.EXPORT,
        Action.IMPORT_BUNDLE,
        Action.RESOLVE_CONFLICT,
        Action.EDIT_CONTACTS,
        Action.EDIT_CHAINS,
        Action.EDIT_SCRIPTS,
        Action.PURGE,
        Action.ERASE_PERSON,
        Action.CLOSE_INCIDENT,
        Action.MANAGE_USERS,
        Action.RESTORE_BACKUP,
        Action.CHANGE_LEVEL,
        Action.CORRECT_INCIDENT,
    }
)


def _action(action: Action | str) -> Action:
    """Coerce a stored string to an :class:`Action`; an unknown name is a bug and raises."""
    try:
        return Action(action)
    except ValueError:
        raise ValueError(f"unknown action: {action!r}") from None


def _role(role: Role | str) -> Role:
    """Coerce a stored string to a :class:`Role`; an unknown role is a bug and raises."""
    try:
        return Role(role)
    except ValueError:
        raise ValueError(f"unknown role: {role!r}") from None


def requires_supervisor(action: Action | str) -> bool:
    """Whether only a supervisor may do ``action``."""
    return _action(action) in _SUPERVISOR_ONLY


def requires_step_up(action: Action | str) -> bool:
    """Whether the PIN must be entered again right before ``action``."""
    return _action(action) in _STEP_UP


def can(role: Role | str, action: Action | str) -> bool:
    """Whether a user with ``role`` may do ``action`` (step-up is asked separately).

    Raises ``ValueError`` for an unknown role or action rather than guessing: a typo must not
    quietly grant or deny a permission.
    """
    r = _role(role)
    a = _action(action)
    if r is Role.SUPERVISOR:
        return True
    return a not in _SUPERVISOR_ONLY
